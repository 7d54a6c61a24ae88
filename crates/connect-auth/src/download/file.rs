//! [`FileFlow`]: one image into one file, from what an earlier run left to the last byte, and
//! never paying twice on the way:
//!
//! 1. The record an earlier run left (beside the `.part`, or in a batch's manifest) holds the
//!    URL it paid for: until that URL expires it is spent again, and nothing is bought.
//! 2. Otherwise a URL is bought ([`UrlSource`]: authorize and CreateDownloadRequest, a token
//!    picked earlier, or SingleStepDownload), and its record is saved **before** the first byte
//!    is fetched, so a run killed right after paying still leaves the URL for the next one.
//! 3. The bytes come through [`Fetch`] (resumes, stall protection, checks). When an earlier
//!    run's URL turns out refused (HTTP 403 or 410: expired before its recorded end), a new one
//!    is bought, once, and the download goes on from the bytes held.
//!
//! The report says which of these happened ([`UrlUse`]). The driver does the I/O: it runs the
//! calls ([`FileStep::Call`]), saves records ([`FileStep::Save`]), moves bytes and sleeps, as
//! for [`Fetch`]; on `Done(Ok)` it renames the `.part` into place.

use super::authorize::{Authorize, AuthorizeStep, Authorized, SizeChoice};
use super::fetch::{Fetch, FetchStep, SinkKind};
use super::offering::{ChosenOffering, OfferingChoice};
use super::part::{PaidBy, PartRecord, UrlState};
use super::stall::StallRule;
use super::{DownloadSummary, DownloadTarget, Progress, RenewReason, UrlUse};
use crate::error::Error;
use crate::failure::TransportFailure;
use crate::trace::TARGET;
use connect_types::Response;
use connect_types::ops::{
    CreateDownloadRequest, CreateDownloadRequestResult, GetImageDownloadAuthorizationsRequest,
    GetImageDownloadAuthorizationsResult, GetLargestImageDownloadAuthorizationsRequest,
    GetLargestImageDownloadAuthorizationsResult, SingleStepDownloadRequest,
};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How a file's download URL is bought when there is none to reuse.
#[derive(Clone, Debug)]
pub enum UrlSource {
    /// An authorization call at this size, then CreateDownloadRequest with the token of the
    /// offering `offering` picks.
    Authorize {
        /// The size.
        size: SizeChoice,
        /// Which offering pays.
        offering: OfferingChoice,
    },
    /// CreateDownloadRequest with this token, picked earlier from an authorization answer.
    Token(Authorized),
    /// SingleStepDownload: the largest size, the service picks the offering.
    SingleStep,
    /// This URL, obtained by the caller: used as is and never bought again. `bought` says
    /// whether the SDK bought it for this download (reports say [`UrlUse::Bought`] then).
    Target {
        /// The URL and what it downloads.
        target: DownloadTarget,
        /// Bought for this download by the SDK.
        bought: bool,
    },
}

/// One file to download.
#[derive(Clone, Debug)]
pub struct FileSpec {
    /// The image.
    pub image_id: String,
    /// The size key the file is of, when known before anything is asked (it must then match
    /// a record for the record's URL to be reused); `None` for the largest size.
    pub size_key: Option<String>,
    /// How to buy a URL when there is none to reuse.
    pub source: UrlSource,
    /// The catalog's size for it (`FileSizeInBytes`), kept in the record; the HTTP answer
    /// decides the real length.
    pub expected: Option<u64>,
    /// The stall rule of the bodies (`None`: off).
    pub stall: Option<StallRule>,
    /// How long a bought URL is taken to stay valid ([`super::DEFAULT_URL_LIFETIME`]).
    pub url_lifetime: Duration,
    /// Whether the URL may be plain HTTP (the client's own base URL is).
    pub allow_http: bool,
    /// Where the bytes go: a `.part` file (the default: records are kept, a changed file is
    /// started over) or a writer (no record; a changed file fails the download).
    pub sink: SinkKind,
    /// Seeds the jitter of the pauses after a throttle ([`Fetch::with_seed`]; drivers pass
    /// per-client randomness); `None`: the URL's own seed.
    pub seed: Option<u64>,
}

impl FileSpec {
    /// A file of `image_id` whose URL is bought from `source`, with the default stall rule and
    /// URL lifetime.
    pub fn new(image_id: &str, source: UrlSource, allow_http: bool) -> Self {
        let size_key = match &source {
            UrlSource::Authorize {
                size: SizeChoice::Key(k),
                ..
            } => Some(k.clone()),
            UrlSource::Token(a) => a.size_key.clone(),
            UrlSource::Target { target, .. } => target.size_key.clone(),
            _ => None,
        };
        Self {
            image_id: image_id.to_owned(),
            size_key,
            source,
            expected: None,
            stall: Some(StallRule::default()),
            url_lifetime: super::DEFAULT_URL_LIFETIME,
            allow_http,
            sink: SinkKind::File,
            seed: None,
        }
    }
}

/// A call a [`FileFlow`] needs made to buy its URL. Every one of them asks the service for
/// something; CreateDownloadRequest and SingleStepDownload spend the user's allowance.
#[derive(Debug)]
pub enum UrlCall {
    /// Run it; give the outcome to [`FileFlow::handle_image_authorizations`].
    ImageAuthorizations(GetImageDownloadAuthorizationsRequest),
    /// Run it; give the outcome to [`FileFlow::handle_largest_authorizations`].
    LargestAuthorizations(GetLargestImageDownloadAuthorizationsRequest),
    /// Run it; give the outcome to [`FileFlow::handle_download_request`]. Spends.
    CreateDownloadRequest(CreateDownloadRequest),
    /// Run it (a `SingleStep` exchange); give the outcome to
    /// [`FileFlow::handle_single_step`]. Spends.
    SingleStep(SingleStepDownloadRequest),
}

impl UrlCall {
    /// Whether the call spends a download of the allowance.
    pub fn spends(&self) -> bool {
        matches!(
            self,
            UrlCall::CreateDownloadRequest(_) | UrlCall::SingleStep(_)
        )
    }
}

/// What the driver of a [`FileFlow`] does next.
#[derive(Debug)]
pub enum FileStep {
    /// Make this call through the client (tokens, retries and limits are the client's), then
    /// hand its outcome to the matching `handle_*`.
    Call(UrlCall),
    /// Save this record (beside the `.part`, or in the manifest), durably, replacing the
    /// image's earlier one, then poll again. The first one holds the URL just bought.
    Save(PartRecord),
    /// As [`FetchStep::Send`].
    Send(http::Request<Vec<u8>>),
    /// As [`FetchStep::ReadBody`].
    ReadBody,
    /// As [`FetchStep::Truncate`].
    Truncate,
    /// As [`FetchStep::Wait`].
    Wait,
    /// Every byte is in the `.part` (rename it into place), or the download failed (keep the
    /// `.part` and its record for the next run).
    Done(Result<DownloadSummary, Error>),
}

enum Phase {
    /// Buying a URL by authorizing.
    Authorizing(Box<Authorize>),
    /// Buying a URL by SingleStepDownload; `asked` once the call is out.
    SingleStep { asked: bool },
    /// Fetching the bytes.
    Fetching(Box<Fetch>),
    /// Over.
    Finished,
}

/// One image into one file: reuse the URL an earlier run paid for, or buy one and record it
/// first; then fetch, step by step ([`FileStep`]).
pub struct FileFlow {
    spec: FileSpec,
    phase: Phase,
    /// The record as it stands: what was paid and what the answers said.
    record: Option<PartRecord>,
    /// Bytes in the `.part`, for the next fetch.
    held: u64,
    url_use: UrlUse,
    offering: Option<ChosenOffering>,
    paid_by: Option<PaidBy>,
    /// When the URL being bought was paid for, Unix milliseconds.
    bought_at: i64,
    /// Why a URL is being bought again, if it is.
    renewing: Option<RenewReason>,
    /// Whether a URL has been bought in this flow: then none is bought again.
    bought: bool,
    steps: VecDeque<FileStep>,
}

impl std::fmt::Debug for FileFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileFlow")
            .field("image_id", &self.spec.image_id)
            .field("size_key", &self.spec.size_key)
            .field("url_use", &self.url_use)
            .finish_non_exhaustive()
    }
}

impl FileFlow {
    /// The download of `spec` into a `.part` that holds `held` bytes, with the record an
    /// earlier run left (if any), at `now_ms` (Unix milliseconds: a URL's expiry is a date).
    pub fn new(spec: FileSpec, held: u64, record: Option<PartRecord>, now_ms: i64) -> Self {
        let mut flow = Self {
            phase: Phase::Finished,
            record: None,
            held,
            url_use: UrlUse::NotNeeded,
            offering: None,
            paid_by: None,
            bought_at: now_ms,
            renewing: None,
            bought: false,
            steps: VecDeque::new(),
            spec,
        };
        // Only a record of this image (and size, when known) says anything about the bytes.
        let record = record.filter(|r| {
            r.image_id == flow.spec.image_id
                && flow.spec.size_key.as_deref().is_none_or(|k| {
                    r.size_key
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case(k))
                })
        });
        if let UrlSource::Target { target, bought } = &flow.spec.source {
            let (target, bought) = (target.clone(), *bought);
            flow.record = record;
            flow.url_use = if bought {
                UrlUse::Bought
            } else {
                UrlUse::Given
            };
            flow.offering = target.offering.clone();
            flow.bought = true;
            flow.use_target(target, now_ms);
            return flow;
        }
        let state = record.as_ref().map_or(UrlState::None, |r| {
            r.url_usable(&flow.spec.image_id, flow.spec.size_key.as_deref(), now_ms)
        });
        flow.record = record;
        match (state, flow.record.as_ref().and_then(PartRecord::target)) {
            (UrlState::Usable, Some(target)) => {
                let r = flow.record.as_ref();
                flow.url_use = UrlUse::Reused {
                    authorized_at: r.and_then(|r| r.authorized_at),
                };
                flow.paid_by = r.and_then(|r| r.paid_by.clone());
                tracing::info!(
                    target: TARGET,
                    image_id = %flow.spec.image_id,
                    held,
                    "reusing the download URL paid for earlier: nothing is bought"
                );
                flow.fetch(target);
            }
            (UrlState::Expired { at }, _) => {
                flow.renewing = Some(RenewReason::Expired { at });
                flow.buy();
            }
            _ => flow.buy(),
        }
        flow
    }

    /// Starts buying a URL from the spec's source.
    fn buy(&mut self) {
        if let Some(why) = &self.renewing {
            tracing::info!(
                target: TARGET,
                image_id = %self.spec.image_id,
                "{why}: buying a new download URL"
            );
        }
        let allow_http = self.spec.allow_http;
        self.phase = match &self.spec.source {
            UrlSource::Authorize { size, offering } => Phase::Authorizing(Box::new(
                Authorize::new(&self.spec.image_id, size.clone(), allow_http)
                    .with_offering(offering.clone()),
            )),
            UrlSource::Token(a) => Phase::Authorizing(Box::new(Authorize::with_authorized(
                &self.spec.image_id,
                a.clone(),
                allow_http,
            ))),
            UrlSource::SingleStep => Phase::SingleStep { asked: false },
            // A caller's URL is never bought: `new` fetched it directly.
            UrlSource::Target { .. } => {
                self.fail(Error::Config(
                    "a caller's download URL cannot be bought again".into(),
                ));
                Phase::Finished
            }
        };
    }

    /// A URL was bought at `self.bought_at`: record it, then fetch.
    fn use_target(&mut self, target: DownloadTarget, now_ms: i64) {
        let mut paid = PartRecord::paid(&target, now_ms, self.spec.url_lifetime);
        paid.expected = self.spec.expected;
        // What the answers said about the bytes held stays, if the record is of this file.
        if let Some(old) = self
            .record
            .as_ref()
            .filter(|r| r.size_key == target.size_key)
        {
            paid = paid.with_answer(old);
        }
        self.record = Some(paid.clone());
        if self.spec.sink == SinkKind::File {
            self.steps.push_back(FileStep::Save(paid));
        }
        self.fetch(target);
    }

    fn bought_target(&mut self, target: DownloadTarget) {
        self.bought = true;
        self.url_use = match self.renewing {
            Some(why) => UrlUse::Renewed(why),
            None => UrlUse::Bought,
        };
        self.offering = target.offering.clone();
        tracing::info!(
            target: TARGET,
            image_id = %self.spec.image_id,
            size_key = target.size_key.as_deref().unwrap_or(""),
            "download URL bought"
        );
        self.use_target(target, self.bought_at);
    }

    fn fetch(&mut self, target: DownloadTarget) {
        match Fetch::new(target, self.spec.sink, self.spec.allow_http) {
            Ok(f) => {
                let f = f.with_stall(self.spec.stall);
                let mut f = match self.spec.seed {
                    Some(seed) => f.with_seed(seed),
                    None => f,
                };
                f.handle_record(self.held, self.record.as_ref());
                self.phase = Phase::Fetching(Box::new(f));
            }
            Err(e) => self.fail(e),
        }
    }

    fn fail(&mut self, e: Error) {
        self.phase = Phase::Finished;
        self.steps.push_back(FileStep::Done(Err(e)));
    }

    /// Seeds the jitter of the pauses after a throttle, for this flow's fetches from now on
    /// (drivers pass per-client randomness; see [`FileSpec::seed`]).
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.spec.seed = Some(seed);
        if let Phase::Fetching(f) = &mut self.phase {
            f.reseed(seed);
        }
        self
    }

    /// The next thing to do.
    pub fn poll_step(&mut self, now: Instant) -> FileStep {
        loop {
            if let Some(step) = self.steps.pop_front() {
                return step;
            }
            match &mut self.phase {
                Phase::Authorizing(a) => match a.poll_call() {
                    AuthorizeStep::ImageAuthorizations(r) => {
                        return FileStep::Call(UrlCall::ImageAuthorizations(r));
                    }
                    AuthorizeStep::LargestAuthorizations(r) => {
                        return FileStep::Call(UrlCall::LargestAuthorizations(r));
                    }
                    AuthorizeStep::CreateDownloadRequest(r) => {
                        return FileStep::Call(UrlCall::CreateDownloadRequest(r));
                    }
                    AuthorizeStep::Done(Ok(target)) => self.bought_target(target),
                    AuthorizeStep::Done(Err(e)) => self.fail(e),
                },
                Phase::SingleStep { asked } => {
                    if *asked {
                        // Spending again could cost a second download: never done.
                        self.fail(Error::Config(
                            "SingleStepDownload was polled again before its answer".into(),
                        ));
                        continue;
                    }
                    *asked = true;
                    let request = SingleStepDownloadRequest::new(&self.spec.image_id);
                    return FileStep::Call(UrlCall::SingleStep(request));
                }
                Phase::Fetching(f) => match f.poll_step(now) {
                    FetchStep::Send(r) => return FileStep::Send(r),
                    FetchStep::ReadBody => return FileStep::ReadBody,
                    FetchStep::Truncate => return FileStep::Truncate,
                    FetchStep::Wait => return FileStep::Wait,
                    FetchStep::Record(answer) => {
                        let merged = match &self.record {
                            Some(r) => r.with_answer(&answer),
                            None => answer,
                        };
                        self.record = Some(merged.clone());
                        return FileStep::Save(merged);
                    }
                    FetchStep::Done(Ok(summary)) => {
                        self.phase = Phase::Finished;
                        return FileStep::Done(Ok(DownloadSummary {
                            url: self.url_use.clone(),
                            offering: self.offering.clone(),
                            paid_by: self.paid_by.clone(),
                            ..summary
                        }));
                    }
                    FetchStep::Done(Err(e)) => {
                        let held = f.progress().bytes;
                        match refused_status(&e).filter(|_| !self.bought) {
                            Some(status) => {
                                self.held = held;
                                self.renewing = Some(RenewReason::Refused { status });
                                self.paid_by = None;
                                self.buy();
                            }
                            None => self.fail(e),
                        }
                    }
                },
                Phase::Finished => {
                    return FileStep::Done(Err(Error::Config(
                        "the file download was polled after it finished".into(),
                    )));
                }
            }
        }
    }

    /// The outcome of GetImageDownloadAuthorizations.
    pub fn handle_image_authorizations(
        &mut self,
        outcome: Result<Response<GetImageDownloadAuthorizationsResult>, Error>,
    ) {
        if let Phase::Authorizing(a) = &mut self.phase {
            a.handle_image_authorizations(outcome);
        }
    }

    /// The outcome of GetLargestImageDownloadAuthorizations.
    pub fn handle_largest_authorizations(
        &mut self,
        outcome: Result<Response<GetLargestImageDownloadAuthorizationsResult>, Error>,
    ) {
        if let Phase::Authorizing(a) = &mut self.phase {
            a.handle_largest_authorizations(outcome);
        }
    }

    /// The outcome of CreateDownloadRequest, answered at `now_ms` (Unix milliseconds).
    pub fn handle_download_request(
        &mut self,
        now_ms: i64,
        outcome: Result<Response<CreateDownloadRequestResult>, Error>,
    ) {
        if let Phase::Authorizing(a) = &mut self.phase {
            self.bought_at = now_ms;
            a.handle_download_request(outcome);
        }
    }

    /// The outcome of SingleStepDownload, answered at `now_ms` (Unix milliseconds).
    pub fn handle_single_step(
        &mut self,
        now_ms: i64,
        outcome: Result<Response<DownloadTarget>, Error>,
    ) {
        if !matches!(self.phase, Phase::SingleStep { asked: true }) {
            return;
        }
        self.bought_at = now_ms;
        match outcome {
            Ok(r) => self.bought_target(r.result),
            Err(e) => self.fail(e),
        }
    }

    /// `call` was not made (the driver refused it, e.g. a batch that stopped asking): the flow
    /// ends with `error`, nothing spent.
    pub fn handle_not_made(&mut self, call: &UrlCall, error: Error) {
        match call {
            UrlCall::ImageAuthorizations(_) => self.handle_image_authorizations(Err(error)),
            UrlCall::LargestAuthorizations(_) => self.handle_largest_authorizations(Err(error)),
            UrlCall::CreateDownloadRequest(_) => {
                let at = self.bought_at;
                self.handle_download_request(at, Err(error));
            }
            UrlCall::SingleStep(_) => {
                let at = self.bought_at;
                self.handle_single_step(at, Err(error));
            }
        }
    }

    fn fetching(&mut self) -> Option<&mut Fetch> {
        match &mut self.phase {
            Phase::Fetching(f) => Some(f),
            _ => None,
        }
    }

    /// As [`Fetch::handle_head`].
    pub fn handle_head(
        &mut self,
        now: Instant,
        status: http::StatusCode,
        headers: &http::HeaderMap,
    ) {
        if let Some(f) = self.fetching() {
            f.handle_head(now, status, headers);
        }
    }

    /// As [`Fetch::handle_send_failure`].
    pub fn handle_send_failure(&mut self, now: Instant, failure: TransportFailure) {
        if let Some(f) = self.fetching() {
            f.handle_send_failure(now, failure);
        }
    }

    /// As [`Fetch::handle_chunk`].
    pub fn handle_chunk<'a>(&mut self, now: Instant, chunk: &'a [u8]) -> Option<&'a [u8]> {
        self.fetching().and_then(|f| f.handle_chunk(now, chunk))
    }

    /// As [`Fetch::reading`].
    pub fn reading(&self) -> bool {
        matches!(&self.phase, Phase::Fetching(f) if f.reading())
    }

    /// As [`Fetch::read_deadline`].
    pub fn read_deadline(&self) -> Option<Instant> {
        match &self.phase {
            Phase::Fetching(f) => f.read_deadline(),
            _ => None,
        }
    }

    /// As [`Fetch::handle_body_end`].
    pub fn handle_body_end(&mut self, now: Instant) {
        if let Some(f) = self.fetching() {
            f.handle_body_end(now);
        }
    }

    /// As [`Fetch::handle_read_failure`].
    pub fn handle_read_failure(&mut self, now: Instant, error: std::io::Error) {
        if let Some(f) = self.fetching() {
            f.handle_read_failure(now, error);
        }
    }

    /// As [`Fetch::handle_read_timeout`].
    pub fn handle_read_timeout(&mut self, now: Instant) {
        if let Some(f) = self.fetching() {
            f.handle_read_timeout(now);
        }
    }

    /// As [`Fetch::poll_timeout`].
    pub fn poll_timeout(&self) -> Option<Instant> {
        match &self.phase {
            Phase::Fetching(f) => f.poll_timeout(),
            _ => None,
        }
    }

    /// As [`Fetch::handle_timeout`].
    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(f) = self.fetching() {
            f.handle_timeout(now);
        }
    }

    /// How far the download has come (the bytes held while a URL is being bought).
    pub fn progress(&self) -> Progress {
        match &self.phase {
            Phase::Fetching(f) => f.progress(),
            _ => Progress {
                bytes: self.held,
                total: self
                    .record
                    .as_ref()
                    .and_then(|r| r.total)
                    .or(self.spec.expected),
            },
        }
    }

    /// The image.
    pub fn image_id(&self) -> &str {
        &self.spec.image_id
    }

    /// Where this download's URL comes from, as far as it is known yet.
    pub fn url_use(&self) -> &UrlUse {
        &self.url_use
    }
}

/// The HTTP status of a download server's refusal of its URL: 403 (a signed URL past its time,
/// or revoked) or 410 (gone). Other failures are not about the URL.
fn refused_status(e: &Error) -> Option<u16> {
    match e {
        Error::Http {
            operation: "download",
            status: status @ (403 | 410),
            ..
        } => Some(*status),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
