//! Bodies of the `cargo fuzz` targets for this crate (the harness lives in `fuzz/` at the
//! workspace root and needs nightly; these functions do not).
//!
//! Each function takes arbitrary bytes, must never panic, and checks what holds for every
//! input. A unit test replays the committed corpus (`fuzz/corpus/<target>/`) through them on
//! stable, so `cargo test` keeps every input the fuzzer found interesting. The clock is a
//! parameter, as everywhere in this crate: the harness passes `Instant::now()`.

use crate::download::{AfterBody, BodyPlan, Transfer};
use crate::implicit::parse_redirect;
use crate::{AuthConfig, Credentials, Endpoints, Scheme, TokenMachine, TokenStep};
use std::time::{Duration, Instant};

/// How many token requests one fuzz input may cause before the body stops driving the machine.
const MAX_TOKEN_REQUESTS: usize = 8;

/// Target `token_answer`: the bytes as the token endpoint's answer (OAuth2 grant, refresh or
/// legacy session), fed to a [`TokenMachine`] that is then used across a day and beyond.
///
/// The first byte picks the credentials (bits 0–1), the HTTP status (bits 2–4) and whether
/// the first line of the rest is a `Retry-After` value (bit 7); the rest is the body.
pub fn token_answer(data: &[u8], now: Instant) {
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    let credentials = match ctl & 3 {
        0 => Credentials::client_credentials("id", "secret"),
        1 => Credentials::resource_owner("id", "secret", "user", "password"),
        2 => Credentials::session("system", "system-password", "user", "password"),
        _ => Credentials::refresh_token("id", "secret", "refresh"),
    };
    let status = [200, 200, 200, 400, 401, 429, 500, 503][usize::from((ctl >> 2) & 7)];
    let (retry_after, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(i) if ctl & 0x80 != 0 => (Some(&rest[..i]), &rest[i + 1..]),
        _ => (None, rest),
    };
    let mut builder = http::Response::builder().status(status);
    if let Some(v) = retry_after.and_then(|v| http::HeaderValue::from_bytes(v).ok()) {
        builder = builder.header(http::header::RETRY_AFTER, v);
    }
    let Ok(response) = builder.body(body.to_vec()) else {
        return;
    };
    let Ok(endpoints) = Endpoints::new("https://api.example.com") else {
        return;
    };
    let mut machine = TokenMachine::new(credentials, AuthConfig::default());
    // Use the machine at moments across its tokens' plausible lifetimes and far beyond; every
    // token request gets the same answer.
    let moments = [
        0,
        0,
        1,
        59,
        1_500,
        1_799,
        1_800,
        3_600,
        86_400,
        31_536_000,
        u64::MAX / 4,
    ];
    let mut requests = 0;
    for secs in moments {
        let Some(at) = now.checked_add(Duration::from_secs(secs)) else {
            continue;
        };
        let _ = machine.poll_timeout();
        for _ in 0..3 {
            match machine.poll_token(at, &endpoints, Scheme::Https, Some("fuzz")) {
                Ok(TokenStep::Send(request)) => {
                    requests += 1;
                    if requests > MAX_TOKEN_REQUESTS {
                        return;
                    }
                    if machine
                        .handle_auth_response(at, request.id, &response)
                        .is_err()
                    {
                        break;
                    }
                }
                Ok(TokenStep::Use { token, .. }) => {
                    assert!(!token.is_empty(), "the machine handed out an empty token");
                    break;
                }
                Ok(TokenStep::Wait) | Err(_) => break,
            }
        }
    }
}

/// Target `implicit_redirect`: the bytes (as UTF-8, lossily) as the implicit grant's redirect
/// URL, parsed with [`parse_redirect`]; a token it yields is then used through a
/// [`TokenMachine`] at moments up to far beyond its stated lifetime.
///
/// The expected `state` is `s` so that inputs can match it.
pub fn implicit_redirect(data: &[u8], now: Instant) {
    let url = String::from_utf8_lossy(data);
    let Ok(token) = parse_redirect(&url, "s") else {
        return;
    };
    assert!(!token.access_token.is_empty());
    let Ok(endpoints) = Endpoints::new("https://api.example.com") else {
        return;
    };
    let credentials = Credentials::access_token(token.access_token, token.expires_in);
    let mut machine = TokenMachine::new(credentials, AuthConfig::default());
    for secs in [0, 1, 1_800, 86_400, u64::MAX / 4] {
        let Some(at) = now.checked_add(Duration::from_secs(secs)) else {
            continue;
        };
        let _ = machine.poll_timeout();
        let _ = machine.poll_token(at, &endpoints, Scheme::Https, Some("fuzz"));
    }
}

/// The served file's byte at `pos`: positional, so a byte written at the wrong place shows.
fn served_byte(pos: u64) -> u8 {
    (pos % 251) as u8
}

/// Target `download_answer`: the bytes (as UTF-8, lossily) as a resumed download's answers,
/// driven through a [`Transfer`] the way the drivers do.
///
/// The first line is the offset an earlier run left on disk; each further line is one answer,
/// `STATUS|CONTENT-RANGE|CONTENT-LENGTH|BODY-BYTES`. A 200 body holds the file from its first
/// byte, a 206 body from the start its `Content-Range` names. What ends up "on disk" must be
/// the served file's bytes in order, never a mixture.
pub fn download_answer(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let offset: u64 = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    let mut transfer = if offset == 0 {
        Transfer::new("https://delivery.example.com/file")
    } else {
        Transfer::resume_at("https://delivery.example.com/file", offset)
    };
    // What is on disk: its length (earlier bytes are taken to be right).
    let mut on_disk = offset;
    for line in lines.take(16) {
        if transfer.request().is_err() {
            return;
        }
        let mut fields = line.split('|');
        let Some(status) = fields
            .next()
            .and_then(|s| s.trim().parse::<u16>().ok())
            .and_then(|s| http::StatusCode::from_u16(s).ok())
        else {
            return;
        };
        let mut headers = http::HeaderMap::new();
        for name in [http::header::CONTENT_RANGE, http::header::CONTENT_LENGTH] {
            let Some(v) = fields.next() else { break };
            if let Ok(v) = http::HeaderValue::from_str(v) {
                headers.insert(name, v);
            }
        }
        let body_len: u64 = fields
            .next()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0)
            .min(1 << 16);
        let after = match transfer.on_response(status, &headers) {
            Err(e) => transfer.on_interrupted(e),
            Ok(BodyPlan::Complete) => Ok(AfterBody::Complete),
            Ok(BodyPlan::StartOver) => {
                on_disk = 0;
                Ok(AfterBody::Resume(Duration::ZERO))
            }
            Ok(BodyPlan::Read) => {
                // Where the body starts in the file, as the answer declared it.
                let start = if status == http::StatusCode::PARTIAL_CONTENT {
                    headers
                        .get(http::header::CONTENT_RANGE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(declared_start)
                        .unwrap_or(0)
                } else {
                    0
                };
                let body: Vec<u8> = (0..body_len)
                    .map(|i| served_byte(start.saturating_add(i)))
                    .collect();
                for chunk in body.chunks(4096) {
                    for &b in transfer.accept(chunk) {
                        assert_eq!(
                            b,
                            served_byte(on_disk),
                            "a body byte would be written at the wrong place"
                        );
                        on_disk += 1;
                    }
                }
                transfer.on_end()
            }
        };
        assert_eq!(
            transfer.progress().bytes,
            on_disk,
            "progress disagrees with the disk"
        );
        match after {
            Ok(AfterBody::Complete) => {
                if let Some(total) = transfer.progress().total {
                    assert_eq!(on_disk, total, "a complete download of the wrong length");
                }
                return;
            }
            Ok(AfterBody::Resume(_)) => {}
            Err(_) => return,
        }
    }
}

/// The first byte position of a `bytes <first>-<last>/<total>` value, read independently of the
/// code under test.
fn declared_start(v: &str) -> Option<u64> {
    let range = v.trim().strip_prefix("bytes")?.trim_start();
    let (first, _) = range.split_once('-')?;
    first.trim().parse().ok()
}

#[cfg(test)]
mod replay {
    /// Feeds every committed corpus file of `target` to `body`; the corpus must not be empty.
    fn corpus(target: &str, body: &dyn Fn(&[u8])) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/corpus")
            .join(target);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read the corpus {}: {e}", dir.display()));
        let mut n = 0;
        for entry in entries {
            let path = entry.expect("a corpus entry").path();
            let data = std::fs::read(&path).expect("a readable corpus file");
            body(&data);
            n += 1;
        }
        assert!(n > 0, "the corpus {} is empty", dir.display());
    }

    #[test]
    fn token_answer_corpus() {
        let now = std::time::Instant::now();
        corpus("token_answer", &|d| super::token_answer(d, now));
    }

    #[test]
    fn implicit_redirect_corpus() {
        let now = std::time::Instant::now();
        corpus("implicit_redirect", &|d| super::implicit_redirect(d, now));
    }

    #[test]
    fn download_answer_corpus() {
        corpus("download_answer", &super::download_answer);
    }
}
