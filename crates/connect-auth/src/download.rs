//! Download planning shared by the transports: which token and URL to use, the `Range` request
//! that resumes at an offset, what a 200 or 206 answer means, when to resume after a dropped
//! connection, and the temporary file name.
//!
//! A transport drives a [`Transfer`]: send [`Transfer::request`], give the answer's status and
//! headers to [`Transfer::on_response`], pass every body chunk through [`Transfer::accept`]
//! (which drops bytes already written and counts the rest), and when the body ends or breaks
//! ask [`Transfer::on_end`] or [`Transfer::on_interrupted`] whether it is complete, must
//! resume, or has failed. Memory stays flat: the transport reads into one fixed buffer of
//! [`BUFFER_SIZE`] bytes.

use crate::call::TransportFailure;
use crate::error::Error;
use connect_types::ops::{
    Authorization, CreateDownloadRequestResult, GetImageDownloadAuthorizationsResult,
    GetLargestImageDownloadAuthorizationsResult,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The read buffer transports use for a download.
pub const BUFFER_SIZE: usize = 64 * 1024;

/// Attempts in a row that may end without a new byte before the download gives up.
pub const MAX_STALLED_ATTEMPTS: u32 = 5;

const OPERATION: &str = "download";

/// How far a download has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes written so far.
    pub bytes: u64,
    /// The file's size, once the server has said it.
    pub total: Option<u64>,
}

/// What a finished download did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DownloadSummary {
    /// Size of the file: bytes written now plus those found from an earlier run.
    pub bytes: u64,
    /// Bytes of a `.part` file from an earlier run that were kept, not fetched again.
    pub resumed_from: u64,
    /// How many times the transfer resumed after a dropped connection.
    pub resumes: u32,
    /// The file written, for file downloads.
    pub path: Option<PathBuf>,
}

/// An authorized download: the URL to GET, and what the API said about it.
///
/// `Debug` leaves the URL out: it authorizes the download by itself.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct DownloadTarget {
    /// The image id.
    pub image_id: String,
    /// The size key authorized.
    pub size_key: Option<String>,
    /// The URL serving the bytes (`UrlAttachment`). It carries its own authorization, so it is
    /// treated like a secret and never logged.
    pub url: String,
}

impl std::fmt::Debug for DownloadTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadTarget")
            .field("image_id", &self.image_id)
            .field("size_key", &self.size_key)
            .field("url", &"***")
            .finish()
    }
}

/// Defines a transport crate's `Download` handle (what `download`, `download_largest` and
/// `download_target` return): the target, the progress callback, and `Client::download_target`.
/// The transport adds `to_writer` and `to_file`. Expects `Client` in scope.
#[macro_export]
macro_rules! download_handle {
    () => {
        type ProgressFn = Box<dyn FnMut($crate::download::Progress) + Send>;

        /// An authorized download, ready to be written to a writer or a file.
        pub struct Download {
            client: Client,
            target: $crate::download::DownloadTarget,
            progress: Option<ProgressFn>,
        }

        impl std::fmt::Debug for Download {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // The URL authorizes the download by itself: keep it out of logs.
                f.debug_struct("Download")
                    .field("image_id", &self.target.image_id)
                    .field("size_key", &self.target.size_key)
                    .finish_non_exhaustive()
            }
        }

        impl Client {
            /// A download of a URL obtained earlier (for example from
            /// `create_download_request`).
            pub fn download_target(&self, target: $crate::download::DownloadTarget) -> Download {
                Download {
                    client: self.clone(),
                    target,
                    progress: None,
                }
            }
        }

        impl Download {
            /// What is downloaded.
            pub fn target(&self) -> &$crate::download::DownloadTarget {
                &self.target
            }

            /// Calls `f` with the bytes written so far and the total (once known) after every
            /// chunk.
            pub fn on_progress(
                mut self,
                f: impl FnMut($crate::download::Progress) + Send + 'static,
            ) -> Self {
                self.progress = Some(Box::new(f));
                self
            }
        }
    };
}

/// The first usable download token among the authorizations of `image_id`.
pub fn token_from_authorizations(
    result: &GetImageDownloadAuthorizationsResult,
    image_id: &str,
) -> Result<(String, Option<String>), Error> {
    let entry = entry_for(&result.images, image_id, |i| i.image_id.as_deref());
    let auths = entry
        .map(|e| e.authorizations.as_slice())
        .unwrap_or_default();
    pick_token(auths, image_id)
        .map(|(t, size)| (t, size.or_else(|| entry.and_then(|e| e.size_key.clone()))))
}

/// The first usable download token among the largest-size authorizations of `image_id`.
pub fn token_from_largest(
    result: &GetLargestImageDownloadAuthorizationsResult,
    image_id: &str,
) -> Result<(String, Option<String>), Error> {
    let entry = entry_for(&result.images, image_id, |i| i.image_id.as_deref());
    let auths = entry
        .map(|e| e.authorizations.as_slice())
        .unwrap_or_default();
    pick_token(auths, image_id)
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
        .or_else(|| images.first())
}

fn pick_token(auths: &[Authorization], image_id: &str) -> Result<(String, Option<String>), Error> {
    auths
        .iter()
        .find_map(|a| {
            a.download_token
                .as_ref()
                .filter(|t| !t.is_empty())
                .map(|t| (t.clone(), a.size_key.clone()))
        })
        .ok_or_else(|| Error::Decode {
            operation: OPERATION,
            message: format!(
                "no download authorization for image {image_id}: your product offerings do not \
                 cover it at that size"
            ),
        })
}

impl DownloadTarget {
    /// The target CreateDownloadRequest returned for `image_id`.
    pub fn from_result(
        result: &CreateDownloadRequestResult,
        image_id: &str,
        size_key: Option<String>,
    ) -> Result<Self, Error> {
        Ok(Self {
            image_id: image_id.to_owned(),
            size_key,
            url: url_from(result, image_id)?,
        })
    }
}

/// The download URL CreateDownloadRequest returned.
pub fn url_from(result: &CreateDownloadRequestResult, image_id: &str) -> Result<String, Error> {
    result
        .download_urls
        .iter()
        .find_map(|u| u.url_attachment.as_ref().filter(|u| !u.is_empty()).cloned())
        .ok_or_else(|| Error::Decode {
            operation: OPERATION,
            message: format!("CreateDownloadRequest returned no download URL for image {image_id}"),
        })
}

/// The temporary name a file download is written under before it is renamed: `name.part`
/// beside the destination, so the rename stays on one file system.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".part");
    dest.with_file_name(name)
}

/// What to do with the body of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyPlan {
    /// Read the body through [`Transfer::accept`].
    Read,
    /// Nothing left to read (the file was already complete): finish.
    Complete,
    /// What an earlier run left does not fit this file (longer, or a range the server will
    /// not serve): discard everything written so far (truncate the file) and send
    /// [`Transfer::request`] again, from the first byte. Only a transfer made with
    /// [`Transfer::resume_at`] asks for this.
    StartOver,
}

/// What to do after the body ended or broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterBody {
    /// Every byte is written.
    Complete,
    /// Send [`Transfer::request`] again after this pause: it resumes where the data stopped.
    Resume(Duration),
}

/// The state of one download: how much is written, the total, resumption.
pub struct Transfer {
    url: String,
    written: u64,
    total: Option<u64>,
    /// Bytes at the start of the current body that were written already (the server ignored
    /// `Range`, or answered from an earlier offset).
    skip: u64,
    /// Bytes written during the current attempt.
    attempt_bytes: u64,
    stalled: u32,
    resumes: u32,
    /// Bytes found from an earlier run (0 once it turned out they do not fit).
    origin: u64,
}

impl std::fmt::Debug for Transfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transfer")
            .field("written", &self.written)
            .field("total", &self.total)
            .field("resumes", &self.resumes)
            .finish_non_exhaustive()
    }
}

impl Transfer {
    /// A transfer of `url` from its first byte.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            written: 0,
            total: None,
            skip: 0,
            attempt_bytes: 0,
            stalled: 0,
            resumes: 0,
            origin: 0,
        }
    }

    /// A transfer of `url` whose first `offset` bytes were written by an earlier run (a
    /// `.part` file): asks only for the rest. If those bytes turn out not to fit the file,
    /// [`Transfer::on_response`] answers [`BodyPlan::StartOver`].
    pub fn resume_at(url: impl Into<String>, offset: u64) -> Self {
        Self {
            written: offset,
            origin: offset,
            ..Self::new(url)
        }
    }

    /// Forgets what an earlier run wrote (after [`BodyPlan::StartOver`]).
    fn start_over(&mut self) -> Result<BodyPlan, Error> {
        self.written = 0;
        self.origin = 0;
        self.total = None;
        self.skip = 0;
        Ok(BodyPlan::StartOver)
    }

    /// The GET to send now: the whole file, or `Range: bytes=<written>-` when resuming.
    pub fn request(&mut self) -> Result<http::Request<Vec<u8>>, Error> {
        self.attempt_bytes = 0;
        self.skip = 0;
        let mut b = http::Request::get(self.url.as_str()).header(http::header::ACCEPT, "*/*");
        if self.written > 0 {
            b = b.header(http::header::RANGE, format!("bytes={}-", self.written));
        }
        b.body(Vec::new())
            .map_err(|_| Error::Config("the download URL is not a valid URL".into()))
    }

    /// Digests the answer's status and headers.
    ///
    /// A 5xx, 408 or 429 answer is an interruption: call [`Transfer::on_interrupted`] with the
    /// returned error to know whether to resume. Other non-success statuses are final errors.
    pub fn on_response(
        &mut self,
        status: http::StatusCode,
        headers: &http::HeaderMap,
    ) -> Result<BodyPlan, Error> {
        let header = |name: http::header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        match status.as_u16() {
            200 => {
                // The whole file, even if a range was asked: skip what is written already.
                let length = header(http::header::CONTENT_LENGTH).and_then(|v| v.parse().ok());
                if self.origin > 0 && length.is_some_and(|l| l < self.written) {
                    return self.start_over();
                }
                self.skip = self.written;
                if length.is_some() {
                    self.total = length;
                }
                Ok(BodyPlan::Read)
            }
            206 => {
                let range = header(http::header::CONTENT_RANGE).and_then(parse_content_range);
                let Some((start, total)) = range else {
                    return Err(self.protocol("a partial answer without a valid Content-Range"));
                };
                let misfit = start > self.written || total.is_some_and(|t| t < self.written);
                if misfit && self.origin > 0 {
                    return self.start_over();
                }
                if misfit {
                    return Err(
                        self.protocol("a partial answer that does not fit the bytes received")
                    );
                }
                self.skip = self.written - start;
                if total.is_some() {
                    self.total = total;
                }
                Ok(BodyPlan::Read)
            }
            416 if self.written > 0 => {
                // Nothing satisfies the range: fine if the file is complete already.
                let total = header(http::header::CONTENT_RANGE)
                    .and_then(parse_content_range)
                    .and_then(|(_, t)| t)
                    .or(self.total);
                if total == Some(self.written) {
                    self.total = total;
                    Ok(BodyPlan::Complete)
                } else if self.origin > 0 {
                    self.start_over()
                } else {
                    Err(self.protocol("the server refused to resume the download"))
                }
            }
            s => Err(Error::Http {
                operation: OPERATION,
                status: s,
                retry_after: header(http::header::RETRY_AFTER)
                    .and_then(crate::retry::parse_retry_after),
            }),
        }
    }

    /// Takes a body chunk; returns the part of it to write (bytes already written are dropped).
    /// Call it only with bytes the writer then accepts.
    pub fn accept<'a>(&mut self, chunk: &'a [u8]) -> &'a [u8] {
        let drop = usize::try_from(self.skip)
            .unwrap_or(usize::MAX)
            .min(chunk.len());
        self.skip -= drop as u64;
        let rest = &chunk[drop..];
        let n = rest.len() as u64;
        self.written += n;
        self.attempt_bytes += n;
        rest
    }

    /// The body ended cleanly. A body shorter than the announced total is a dropped connection.
    pub fn on_end(&mut self) -> Result<AfterBody, Error> {
        match self.total {
            Some(t) if self.written < t => {
                let message = format!("the connection closed after {} of {t} bytes", self.written);
                self.on_interrupted(Error::Transport {
                    operation: OPERATION,
                    message,
                    reached_server: true,
                    source: None,
                })
            }
            Some(t) if self.written > t => Err(self.protocol("more bytes arrived than announced")),
            _ => Ok(AfterBody::Complete),
        }
    }

    /// The connection broke (or a retryable status came back) with `error`: resume, or give up
    /// after [`MAX_STALLED_ATTEMPTS`] attempts in a row without a new byte. Errors other than
    /// transport failures and 5xx/408/429 statuses are final.
    pub fn on_interrupted(&mut self, error: Error) -> Result<AfterBody, Error> {
        let retryable = match &error {
            Error::Http { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            Error::Transport { .. } => true,
            _ => false,
        };
        if !retryable {
            return Err(error);
        }
        if self.attempt_bytes > 0 {
            self.stalled = 0;
        }
        self.stalled += 1;
        if self.stalled >= MAX_STALLED_ATTEMPTS {
            return Err(error);
        }
        self.resumes += 1;
        // No pause when the last attempt made progress; a short, growing one when it did not.
        let pause = Duration::from_millis(250) * (self.stalled - 1);
        Ok(AfterBody::Resume(pause))
    }

    /// Progress so far.
    pub fn progress(&self) -> Progress {
        Progress {
            bytes: self.written,
            total: self.total,
        }
    }

    /// How many times the transfer resumed.
    pub fn resumes(&self) -> u32 {
        self.resumes
    }

    /// A summary for the caller.
    pub fn summary(&self, path: Option<PathBuf>) -> DownloadSummary {
        DownloadSummary {
            bytes: self.written,
            resumed_from: self.origin,
            resumes: self.resumes,
            path,
        }
    }

    /// The server answered in a way no retry will fix.
    fn protocol(&self, what: &str) -> Error {
        Error::Decode {
            operation: OPERATION,
            message: format!("{what} (after {} bytes)", self.written),
        }
    }
}

/// A failure of the local writer (disk full, permission), as an SDK error.
pub fn write_error(path: Option<&Path>, error: std::io::Error) -> Error {
    let message = match path {
        Some(p) => format!("cannot write {}: {error}", p.display()),
        None => format!("cannot write the download: {error}"),
    };
    Error::Transport {
        operation: OPERATION,
        message,
        reached_server: true,
        source: Some(Box::new(error)),
    }
}

/// A request that got no response, as an SDK error (pass it to [`Transfer::on_interrupted`]).
pub fn send_error(failure: TransportFailure) -> Error {
    Error::Transport {
        operation: OPERATION,
        message: failure.message,
        reached_server: failure.reached_server,
        source: failure.source,
    }
}

/// A body read failure (connection dropped mid-body), as an SDK error.
pub fn read_error(error: impl std::error::Error + Send + Sync + 'static) -> Error {
    Error::Transport {
        operation: OPERATION,
        message: format!("the connection broke during the download: {error}"),
        reached_server: true,
        source: Some(Box::new(error)),
    }
}

/// `bytes <start>-<end>/<total|*>` → `(start, total)`.
fn parse_content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    let start = match range.trim() {
        "*" => 0,
        r => r.split_once('-')?.0.trim().parse().ok()?,
    };
    Some((start, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_types::ops::{DownloadUrl, ImageAuthorizations, LargestImageAuthorizations};
    use http::{HeaderMap, HeaderValue, StatusCode};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn full_download_then_complete() {
        let mut t = Transfer::new("https://dl.example/f?t=1");
        let req = t.request().unwrap();
        assert!(req.headers().get("range").is_none());
        let plan = t.on_response(StatusCode::OK, &headers(&[("content-length", "10")]));
        assert_eq!(plan.unwrap(), BodyPlan::Read);
        assert_eq!(t.accept(b"01234"), b"01234");
        assert_eq!(t.accept(b"56789"), b"56789");
        assert_eq!(t.on_end().unwrap(), AfterBody::Complete);
        assert_eq!(
            t.progress(),
            Progress {
                bytes: 10,
                total: Some(10)
            }
        );
        assert_eq!(t.resumes(), 0);
    }

    #[test]
    fn resumes_with_range_after_a_cut() {
        let mut t = Transfer::new("https://dl.example/f");
        t.request().unwrap();
        t.on_response(StatusCode::OK, &headers(&[("content-length", "10")]))
            .unwrap();
        t.accept(b"0123");
        // Clean EOF but short: a dropped connection.
        assert_eq!(t.on_end().unwrap(), AfterBody::Resume(Duration::ZERO));
        let req = t.request().unwrap();
        assert_eq!(req.headers()["range"], "bytes=4-");
        t.on_response(
            StatusCode::PARTIAL_CONTENT,
            &headers(&[("content-range", "bytes 4-9/10"), ("content-length", "6")]),
        )
        .unwrap();
        assert_eq!(t.accept(b"456789"), b"456789");
        assert_eq!(t.on_end().unwrap(), AfterBody::Complete);
        assert_eq!(t.summary(None).resumes, 1);
    }

    #[test]
    fn a_server_ignoring_range_has_the_prefix_skipped() {
        let mut t = Transfer::new("https://dl.example/f");
        t.request().unwrap();
        t.on_response(StatusCode::OK, &headers(&[("content-length", "6")]))
            .unwrap();
        t.accept(b"abc");
        t.on_interrupted(read_error(std::io::Error::other("reset")))
            .unwrap();
        t.request().unwrap();
        t.on_response(StatusCode::OK, &headers(&[("content-length", "6")]))
            .unwrap();
        assert_eq!(t.accept(b"ab"), b"");
        assert_eq!(t.accept(b"cde"), b"de");
        assert_eq!(t.accept(b"f"), b"f");
        assert_eq!(t.on_end().unwrap(), AfterBody::Complete);
        assert_eq!(t.progress().bytes, 6);
    }

    #[test]
    fn range_edge_cases() {
        let mut t = Transfer::new("https://dl.example/f");
        t.request().unwrap();
        t.on_response(StatusCode::OK, &headers(&[("content-length", "4")]))
            .unwrap();
        t.accept(b"abcd");
        // Already complete: 416 with the same total.
        let plan = t.on_response(
            StatusCode::RANGE_NOT_SATISFIABLE,
            &headers(&[("content-range", "bytes */4")]),
        );
        assert_eq!(plan.unwrap(), BodyPlan::Complete);
        // A partial answer starting past what we have is a gap.
        let e = t
            .on_response(
                StatusCode::PARTIAL_CONTENT,
                &headers(&[("content-range", "bytes 9-9/10")]),
            )
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::Decode);
        assert!(t.on_interrupted(e).is_err(), "a protocol error is final");
        assert!(
            t.on_response(StatusCode::PARTIAL_CONTENT, &HeaderMap::new())
                .is_err()
        );
        assert_eq!(parse_content_range("bytes 0-9/*"), Some((0, None)));
        assert_eq!(parse_content_range("items 0-9/10"), None);
    }

    #[test]
    fn resumes_what_an_earlier_run_left() {
        let mut t = Transfer::resume_at("https://dl.example/f", 4);
        assert_eq!(t.request().unwrap().headers()["range"], "bytes=4-");
        t.on_response(
            StatusCode::PARTIAL_CONTENT,
            &headers(&[("content-range", "bytes 4-9/10")]),
        )
        .unwrap();
        assert_eq!(t.accept(b"456789"), b"456789");
        assert_eq!(t.on_end().unwrap(), AfterBody::Complete);
        let s = t.summary(None);
        assert_eq!((s.bytes, s.resumed_from, s.resumes), (10, 4, 0));
        // Already whole.
        let mut t = Transfer::resume_at("https://dl.example/f", 10);
        let plan = t.on_response(
            StatusCode::RANGE_NOT_SATISFIABLE,
            &headers(&[("content-range", "bytes */10")]),
        );
        assert_eq!(plan.unwrap(), BodyPlan::Complete);
    }

    #[test]
    fn a_leftover_that_does_not_fit_starts_over() {
        // Longer than the file.
        let mut t = Transfer::resume_at("https://dl.example/f", 20);
        let plan = t.on_response(
            StatusCode::RANGE_NOT_SATISFIABLE,
            &headers(&[("content-range", "bytes */10")]),
        );
        assert_eq!(plan.unwrap(), BodyPlan::StartOver);
        assert!(t.request().unwrap().headers().get("range").is_none());
        t.on_response(StatusCode::OK, &headers(&[("content-length", "10")]))
            .unwrap();
        assert_eq!(t.accept(b"0123456789"), b"0123456789");
        assert_eq!(t.on_end().unwrap(), AfterBody::Complete);
        assert_eq!(t.summary(None).resumed_from, 0);
        // A whole-file answer shorter than the leftover.
        let mut t = Transfer::resume_at("https://dl.example/f", 20);
        let plan = t.on_response(StatusCode::OK, &headers(&[("content-length", "10")]));
        assert_eq!(plan.unwrap(), BodyPlan::StartOver);
        // A partial answer past the leftover.
        let mut t = Transfer::resume_at("https://dl.example/f", 5);
        let plan = t.on_response(
            StatusCode::PARTIAL_CONTENT,
            &headers(&[("content-range", "bytes 8-9/10")]),
        );
        assert_eq!(plan.unwrap(), BodyPlan::StartOver);
    }

    #[test]
    fn gives_up_after_stalled_attempts_and_on_client_errors() {
        let mut t = Transfer::new("https://dl.example/f");
        let e = t
            .on_response(StatusCode::FORBIDDEN, &HeaderMap::new())
            .unwrap_err();
        assert!(t.on_interrupted(e).is_err(), "403 is final");
        let mut outcomes = Vec::new();
        for _ in 0..MAX_STALLED_ATTEMPTS {
            t.request().unwrap();
            let e = t
                .on_response(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new())
                .unwrap_err();
            outcomes.push(t.on_interrupted(e).is_ok());
        }
        assert_eq!(outcomes, [true, true, true, true, false]);
    }

    #[test]
    fn progress_resets_the_stall_count() {
        let mut t = Transfer::new("https://dl.example/f");
        for _ in 0..20 {
            t.request().unwrap();
            t.accept(b"x");
            assert!(
                t.on_interrupted(read_error(std::io::Error::other("cut")))
                    .is_ok()
            );
        }
        assert_eq!(t.resumes(), 20);
    }

    #[test]
    fn picks_tokens_and_urls() {
        let auth = |tok: &str| Authorization {
            download_token: Some(tok.into()),
            size_key: Some("5".into()),
            ..Authorization::default()
        };
        let r = GetImageDownloadAuthorizationsResult {
            images: vec![ImageAuthorizations {
                authorizations: vec![auth(""), auth("tok")],
                image_id: Some("1".into()),
                ..ImageAuthorizations::default()
            }],
        };
        assert_eq!(
            token_from_authorizations(&r, "1").unwrap(),
            ("tok".to_owned(), Some("5".to_owned()))
        );
        let none = GetLargestImageDownloadAuthorizationsResult {
            images: vec![LargestImageAuthorizations::default()],
        };
        let e = token_from_largest(&none, "9").unwrap_err();
        assert!(e.to_string().contains("image 9"));
        let urls = CreateDownloadRequestResult {
            download_urls: vec![DownloadUrl {
                url_attachment: Some("https://dl.example/x".into()),
                ..DownloadUrl::default()
            }],
        };
        assert_eq!(url_from(&urls, "1").unwrap(), "https://dl.example/x");
        assert!(url_from(&CreateDownloadRequestResult::default(), "1").is_err());
    }

    #[test]
    fn the_url_stays_out_of_debug() {
        let t = DownloadTarget {
            image_id: "1".into(),
            size_key: None,
            url: "https://dl.example/sentinel-url-token".into(),
        };
        assert!(!format!("{t:?}").contains("sentinel"));
        assert!(!format!("{:?}", Transfer::new(t.url)).contains("sentinel"));
    }

    #[test]
    fn part_files_sit_beside_the_destination() {
        assert_eq!(
            part_path(Path::new("/tmp/out/tree.jpg")),
            PathBuf::from("/tmp/out/tree.jpg.part")
        );
        assert_eq!(part_path(Path::new("x")), PathBuf::from("x.part"));
    }
}
