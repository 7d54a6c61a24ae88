//! [`Authorize`]: the API side of a download as a sans-IO machine: which authorization call to
//! make, which token of its answer to spend (one for the size asked, never another), then
//! CreateDownloadRequest, and the checked [`DownloadTarget`] it yields. The driver runs each
//! call it asks for through its client (tokens, retries and routing are the client's).

use super::{DownloadTarget, OPERATION};
use crate::error::Error;
use connect_types::Response;
use connect_types::ops::{
    Authorization, CreateDownloadRequest, CreateDownloadRequestResult,
    GetImageDownloadAuthorizationsRequest, GetImageDownloadAuthorizationsResult,
    GetLargestImageDownloadAuthorizationsRequest, GetLargestImageDownloadAuthorizationsResult,
};

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
        token: String,
        size_key: Option<String>,
    },
    AwaitUrl {
        size_key: Option<String>,
    },
    Finished(Option<Result<DownloadTarget, Error>>),
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
    allow_http: bool,
    state: State,
}

impl std::fmt::Debug for Authorize {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorize")
            .field("image_id", &self.image_id)
            .field("choice", &self.choice)
            .finish_non_exhaustive()
    }
}

impl Authorize {
    /// The authorization of `image_id` at this size. `allow_http` lets the download URL be
    /// plain HTTP (set it when the client's own base URL is `http://`).
    pub fn new(image_id: &str, choice: SizeChoice, allow_http: bool) -> Self {
        Self {
            image_id: image_id.to_owned(),
            choice,
            allow_http,
            state: State::Start,
        }
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
            allow_http,
            state: State::Create {
                token: token.to_owned(),
                size_key: size_key.map(str::to_owned),
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
            State::Create { token, size_key } => {
                self.state = State::AwaitUrl { size_key };
                AuthorizeStep::CreateDownloadRequest(CreateDownloadRequest::for_tokens([token]))
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
        let picked = outcome.and_then(|r| token_for_size(&r.result, &self.image_id, wanted));
        self.spend(picked);
    }

    /// The outcome of GetLargestImageDownloadAuthorizations.
    pub fn handle_largest_authorizations(
        &mut self,
        outcome: Result<Response<GetLargestImageDownloadAuthorizationsResult>, Error>,
    ) {
        let picked = outcome.and_then(|r| token_from_largest(&r.result, &self.image_id));
        self.spend(picked);
    }

    fn spend(&mut self, picked: Result<(String, Option<String>), Error>) {
        self.state = match picked {
            Ok((token, size_key)) => State::Create { token, size_key },
            Err(e) => State::Finished(Some(Err(e))),
        };
    }

    /// The outcome of CreateDownloadRequest.
    pub fn handle_download_request(
        &mut self,
        outcome: Result<Response<CreateDownloadRequestResult>, Error>,
    ) {
        let size_key = match std::mem::replace(&mut self.state, State::Finished(None)) {
            State::AwaitUrl { size_key } => size_key,
            _ => None,
        };
        let target = outcome.and_then(|r| {
            DownloadTarget::from_result(&r.result, &self.image_id, size_key, self.allow_http)
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

fn usable(a: &Authorization) -> Option<&str> {
    a.download_token.as_deref().filter(|t| !t.is_empty())
}

/// The token of `image_id`'s authorization at size `wanted` (compared without case). An
/// authorization whose size is unknown counts only when no authorization names another size.
pub fn token_for_size(
    result: &GetImageDownloadAuthorizationsResult,
    image_id: &str,
    wanted: &str,
) -> Result<(String, Option<String>), Error> {
    let entries: Vec<_> = result
        .images
        .iter()
        .filter(|e| e.image_id.as_deref().is_none_or(|id| id == image_id))
        .collect();
    let mut offered = Vec::new();
    let mut unsized_token = None;
    for entry in &entries {
        for a in &entry.authorizations {
            let Some(token) = usable(a) else { continue };
            match a.size_key.as_deref().or(entry.size_key.as_deref()) {
                Some(k) if k.eq_ignore_ascii_case(wanted) => {
                    return Ok((token.to_owned(), Some(k.to_owned())));
                }
                Some(k) => offered.push(k.to_owned()),
                None => unsized_token = unsized_token.or(Some(token)),
            }
        }
    }
    match unsized_token {
        Some(t) if offered.is_empty() => Ok((t.to_owned(), Some(wanted.to_owned()))),
        _ if offered.is_empty() => Err(not_covered(image_id, &format!("at size {wanted}"))),
        _ => {
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
    }
}

/// The first usable token among the largest-size authorizations of `image_id`, and its size.
pub fn token_from_largest(
    result: &GetLargestImageDownloadAuthorizationsResult,
    image_id: &str,
) -> Result<(String, Option<String>), Error> {
    entry_for(&result.images, image_id, |i| i.image_id.as_deref())
        .and_then(|e| {
            e.authorizations
                .iter()
                .find_map(|a| usable(a).map(|t| (t.to_owned(), a.size_key.clone())))
        })
        .ok_or_else(|| not_covered(image_id, "at any size"))
}

fn not_covered(image_id: &str, what: &str) -> Error {
    Error::NotCovered {
        operation: OPERATION,
        image_id: image_id.to_owned(),
        what: what.to_owned(),
    }
}
