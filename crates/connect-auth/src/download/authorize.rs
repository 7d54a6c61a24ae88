//! [`Authorize`]: the API side of a download as a sans-IO machine: which authorization call to
//! make, which token of its answer to spend (one for the size asked, never another, and of the
//! product offering the [`OfferingChoice`] picks), then CreateDownloadRequest, and the checked
//! [`DownloadTarget`] it yields. The driver runs each call it asks for through its client
//! (tokens, retries and routing are the client's).

use super::offering::{ChosenOffering, OfferingChoice};
use super::{DownloadTarget, OPERATION};
use crate::error::Error;
use crate::trace::TARGET;
use connect_types::ops::{
    Authorization, CreateDownloadRequest, CreateDownloadRequestResult,
    GetImageDownloadAuthorizationsRequest, GetImageDownloadAuthorizationsResult,
    GetLargestImageDownloadAuthorizationsRequest, GetLargestImageDownloadAuthorizationsResult,
};
use connect_types::{Response, Secret};

/// Which size to download.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SizeChoice {
    /// This size key; an answer that authorizes only other sizes is an error.
    Key(String),
    /// The largest size the account may download (GetLargestImageDownloadAuthorizations):
    /// its token is spent directly, with no second authorization call.
    Largest,
}

/// The call the driver makes next, or the end.
#[derive(Debug)]
pub enum AuthorizeStep {
    /// Run GetImageDownloadAuthorizations; give the outcome to
    /// [`Authorize::handle_image_authorizations`].
    ImageAuthorizations(GetImageDownloadAuthorizationsRequest),
    /// Run GetLargestImageDownloadAuthorizations; give the outcome to
    /// [`Authorize::handle_largest_authorizations`].
    LargestAuthorizations(GetLargestImageDownloadAuthorizationsRequest),
    /// Run CreateDownloadRequest; give the outcome to [`Authorize::handle_download_request`].
    CreateDownloadRequest(CreateDownloadRequest),
    /// Authorized (or not).
    Done(Result<DownloadTarget, Error>),
}

enum State {
    Start,
    AwaitAuthorizations,
    Create {
        token: Secret,
        size_key: Option<String>,
        offering: Option<ChosenOffering>,
    },
    AwaitUrl {
        size_key: Option<String>,
        offering: Option<ChosenOffering>,
    },
    Finished(Option<Result<DownloadTarget, Error>>),
}

/// A download token picked from an authorization answer: the one of the chosen offering.
/// `Debug` shows no token.
#[derive(Clone, Debug)]
pub struct Authorized {
    /// The token to spend with CreateDownloadRequest (it spends the user's allowance).
    pub token: Secret,
    /// The size it authorizes, as the answer spelled it.
    pub size_key: Option<String>,
    /// The offering it charges, and why it was chosen.
    pub offering: ChosenOffering,
}

/// The authorization of one image's download. Needs no clock: it has no timers (its calls'
/// retries are the client's).
///
/// A driver (here with a client's `execute`):
///
/// ```
/// # use connect_auth::download::{Authorize, AuthorizeStep, DownloadTarget, SizeChoice};
/// # use connect_auth::Error;
/// # use connect_types::{Operation, Response};
/// # fn execute<O: Operation>(_: &O) -> Result<Response<O::Result>, Error> { unimplemented!() }
/// # fn run() -> Result<DownloadTarget, Error> {
/// let mut flow = Authorize::new("100000001", SizeChoice::Largest, false);
/// loop {
///     match flow.poll_call() {
///         AuthorizeStep::ImageAuthorizations(r) => flow.handle_image_authorizations(execute(&r)),
///         AuthorizeStep::LargestAuthorizations(r) => flow.handle_largest_authorizations(execute(&r)),
///         AuthorizeStep::CreateDownloadRequest(r) => flow.handle_download_request(execute(&r)),
///         AuthorizeStep::Done(target) => return target,
///     }
/// }
/// # }
/// ```
pub struct Authorize {
    image_id: String,
    choice: SizeChoice,
    offering: OfferingChoice,
    allow_http: bool,
    state: State,
}

impl std::fmt::Debug for Authorize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorize")
            .field("image_id", &self.image_id)
            .field("choice", &self.choice)
            .field("offering", &self.offering)
            .finish_non_exhaustive()
    }
}

impl Authorize {
    /// The authorization of `image_id` at this size. `allow_http` lets the download URL be
    /// plain HTTP (set it when the client's own base URL is `http://`).
    ///
    /// The product offering that pays is picked by [`OfferingChoice::Default`] unless
    /// [`Authorize::with_offering`] says otherwise.
    pub fn new(image_id: &str, choice: SizeChoice, allow_http: bool) -> Self {
        Self {
            image_id: image_id.to_owned(),
            choice,
            offering: OfferingChoice::Default,
            allow_http,
            state: State::Start,
        }
    }

    /// Picks the product offering that pays by this rule instead of the default.
    pub fn with_offering(mut self, offering: OfferingChoice) -> Self {
        self.offering = offering;
        self
    }

    /// The download of `image_id` with a token obtained earlier (from an authorization call
    /// the caller made): only CreateDownloadRequest is left to call.
    pub fn with_token(
        image_id: &str,
        size_key: Option<&str>,
        token: &str,
        allow_http: bool,
    ) -> Self {
        Self {
            image_id: image_id.to_owned(),
            choice: SizeChoice::Key(size_key.unwrap_or_default().to_owned()),
            offering: OfferingChoice::Default,
            allow_http,
            state: State::Create {
                token: Secret::new(token),
                size_key: size_key.map(str::to_owned),
                offering: None,
            },
        }
    }

    /// [`Authorize::with_token`] for a token picked earlier with [`token_for_size`] or
    /// [`token_from_largest`]: the target then names the offering it charges.
    pub fn with_authorized(image_id: &str, authorized: Authorized, allow_http: bool) -> Self {
        let Authorized {
            token,
            size_key,
            offering,
        } = authorized;
        Self {
            image_id: image_id.to_owned(),
            choice: SizeChoice::Key(size_key.clone().unwrap_or_default()),
            offering: OfferingChoice::Default,
            allow_http,
            state: State::Create {
                token,
                size_key,
                offering: Some(offering),
            },
        }
    }

    /// The next call to make.
    pub fn poll_call(&mut self) -> AuthorizeStep {
        match std::mem::replace(&mut self.state, State::Finished(None)) {
            // Polled again without an answer: authorizing again is harmless.
            State::Start | State::AwaitAuthorizations => {
                self.state = State::AwaitAuthorizations;
                match &self.choice {
                    SizeChoice::Key(k) => AuthorizeStep::ImageAuthorizations(
                        GetImageDownloadAuthorizationsRequest::for_sizes([(
                            self.image_id.as_str(),
                            k.as_str(),
                        )]),
                    ),
                    SizeChoice::Largest => AuthorizeStep::LargestAuthorizations(
                        GetLargestImageDownloadAuthorizationsRequest::ids([self.image_id.as_str()]),
                    ),
                }
            }
            State::Create {
                token,
                size_key,
                offering,
            } => {
                self.state = State::AwaitUrl { size_key, offering };
                AuthorizeStep::CreateDownloadRequest(CreateDownloadRequest::for_tokens([
                    token.expose()
                ]))
            }
            // Spending the token again could cost a second download: never done.
            State::AwaitUrl { .. } => AuthorizeStep::Done(Err(Error::Config(
                "CreateDownloadRequest was polled again before its answer".into(),
            ))),
            State::Finished(Some(r)) => AuthorizeStep::Done(r),
            State::Finished(None) => AuthorizeStep::Done(Err(Error::Config(
                "the download authorization was polled after it finished".into(),
            ))),
        }
    }

    /// The outcome of GetImageDownloadAuthorizations.
    pub fn handle_image_authorizations(
        &mut self,
        outcome: Result<Response<GetImageDownloadAuthorizationsResult>, Error>,
    ) {
        let wanted = match &self.choice {
            SizeChoice::Key(k) => k.as_str(),
            SizeChoice::Largest => "",
        };
        let picked =
            outcome.and_then(|r| token_for_size(&r.result, &self.image_id, wanted, &self.offering));
        self.spend(picked);
    }

    /// The outcome of GetLargestImageDownloadAuthorizations.
    pub fn handle_largest_authorizations(
        &mut self,
        outcome: Result<Response<GetLargestImageDownloadAuthorizationsResult>, Error>,
    ) {
        let picked =
            outcome.and_then(|r| token_from_largest(&r.result, &self.image_id, &self.offering));
        self.spend(picked);
    }

    fn spend(&mut self, picked: Result<Authorized, Error>) {
        self.state = match picked {
            Ok(a) => State::Create {
                token: a.token,
                size_key: a.size_key,
                offering: Some(a.offering),
            },
            Err(e) => State::Finished(Some(Err(e))),
        };
    }

    /// The outcome of CreateDownloadRequest.
    pub fn handle_download_request(
        &mut self,
        outcome: Result<Response<CreateDownloadRequestResult>, Error>,
    ) {
        let (size_key, offering) = match std::mem::replace(&mut self.state, State::Finished(None)) {
            State::AwaitUrl { size_key, offering } => (size_key, offering),
            _ => (None, None),
        };
        let target = outcome.and_then(|r| {
            DownloadTarget::from_result(&r.result, &self.image_id, size_key, self.allow_http)
                .map(|t| DownloadTarget { offering, ..t })
        });
        self.state = State::Finished(Some(target));
    }
}

/// The answer's entry for `image_id`, or its only entry when the server left the id out.
fn entry_for<'a, T>(
    images: &'a [T],
    image_id: &str,
    id: impl Fn(&T) -> Option<&str>,
) -> Option<&'a T> {
    images
        .iter()
        .find(|i| id(i) == Some(image_id))
        .or_else(|| (images.len() == 1).then(|| &images[0]))
}

fn usable(a: &Authorization) -> bool {
    a.download_token.as_deref().is_some_and(|t| !t.is_empty())
}

/// The token of `image_id`'s authorization at size `wanted` (compared without case), of the
/// product offering `offering` picks among those that authorize that size. An authorization
/// whose size is unknown counts only when no authorization names another size.
pub fn token_for_size(
    result: &GetImageDownloadAuthorizationsResult,
    image_id: &str,
    wanted: &str,
    offering: &OfferingChoice,
) -> Result<Authorized, Error> {
    let entries: Vec<_> = result
        .images
        .iter()
        .filter(|e| e.image_id.as_deref().is_none_or(|id| id == image_id))
        .collect();
    let mut offered = Vec::new();
    let mut at_size: Vec<(&Authorization, &str)> = Vec::new();
    let mut unsized_auths = Vec::new();
    for entry in &entries {
        for a in entry.authorizations.iter().filter(|a| usable(a)) {
            match a.size_key.as_deref().or(entry.size_key.as_deref()) {
                Some(k) if k.eq_ignore_ascii_case(wanted) => at_size.push((a, k)),
                Some(k) => offered.push(k.to_owned()),
                None => unsized_auths.push(a),
            }
        }
    }
    let what = format!("at size {wanted}");
    if !at_size.is_empty() {
        let (a, chosen) = offering.pick(image_id, &what, at_size.iter().map(|(a, _)| *a))?;
        let key = at_size
            .iter()
            .find(|(c, _)| std::ptr::eq(*c, a))
            .map(|(_, k)| (*k).to_owned());
        return Ok(authorized(image_id, a, key, chosen));
    }
    if !unsized_auths.is_empty() && offered.is_empty() {
        let (a, chosen) = offering.pick(image_id, &what, unsized_auths)?;
        return Ok(authorized(image_id, a, Some(wanted.to_owned()), chosen));
    }
    if offered.is_empty() {
        return Err(not_covered(image_id, &format!("at size {wanted}")));
    }
    offered.sort();
    offered.dedup();
    Err(not_covered(
        image_id,
        &format!(
            "at size {wanted} (it is authorized at {} only)",
            offered.join(", ")
        ),
    ))
}

/// The token among the largest-size authorizations of `image_id` of the product offering
/// `offering` picks, and its size.
pub fn token_from_largest(
    result: &GetLargestImageDownloadAuthorizationsResult,
    image_id: &str,
    offering: &OfferingChoice,
) -> Result<Authorized, Error> {
    let entry = entry_for(&result.images, image_id, |i| i.image_id.as_deref())
        .filter(|e| e.authorizations.iter().any(usable))
        .ok_or_else(|| not_covered(image_id, "at any size"))?;
    let (a, chosen) = offering.pick(image_id, "at its largest size", &entry.authorizations)?;
    Ok(authorized(image_id, a, a.size_key.clone(), chosen))
}

/// The pick, logged where it is made (`-v` shows it): which offering pays, and why.
fn authorized(
    image_id: &str,
    a: &Authorization,
    size_key: Option<String>,
    offering: ChosenOffering,
) -> Authorized {
    tracing::info!(
        target: TARGET,
        image_id,
        size_key = size_key.as_deref().unwrap_or(""),
        offering = offering.name(),
        instance_id = offering.instance_id.as_deref().unwrap_or(""),
        free = offering.free,
        downloads_remaining = offering.downloads_remaining,
        reason = offering.reason.as_str(),
        "download of image {image_id} paid by {offering}"
    );
    Authorized {
        token: Secret::new(a.download_token.clone().unwrap_or_default()),
        size_key,
        offering,
    }
}

fn not_covered(image_id: &str, what: &str) -> Error {
    Error::NotCovered {
        operation: OPERATION,
        image_id: image_id.to_owned(),
        what: what.to_owned(),
    }
}
