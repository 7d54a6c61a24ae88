//! Bodies of the `cargo fuzz` targets for this crate (the harness lives in `fuzz/` at the
//! workspace root and needs nightly; these functions do not).
//!
//! Each function takes arbitrary bytes, must never panic, and checks what holds for every
//! input. A unit test replays the committed corpus (`fuzz/corpus/<target>/`) through them on
//! stable, so `cargo test` keeps every input the fuzzer found interesting. The clock is a
//! parameter, as everywhere in this crate: the harness passes `Instant::now()`.

use crate::credentials::Credentials;
use crate::download::{
    ContentRange, DownloadTarget, Fetch, FetchStep, PartRecord, SinkKind, parse_content_range,
};
use crate::endpoints::Endpoints;
use crate::endpoints::Scheme;
use crate::implicit::parse_redirect;
use crate::token::AuthConfig;
use crate::token::TokenMachine;
use crate::token::TokenStep;
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

/// The byte at `pos` of the version of the file tagged `etag`: positional and per version, so
/// a byte written at the wrong place, or spliced from another version, shows.
fn served_byte(pos: u64, etag: &str) -> u8 {
    let tag = etag
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    (pos.wrapping_add(tag) % 251) as u8
}

/// Target `download_answer`: the bytes (as UTF-8, lossily) as a download's answers, driven
/// through a [`Fetch`] the way the transports drive it, with the range parsers under it.
///
/// The first line, `HELD|TOTAL|ETAG`, is what an earlier run left: `HELD` bytes of the file
/// tagged `ETAG`, with a record saying so (no record when `TOTAL` is empty). Each further line
/// is one answer, `STATUS|CONTENT-RANGE|CONTENT-LENGTH|ETAG|BODY-BYTES|CUT`: a 206 body holds
/// the file from the first byte its `Content-Range` names, other bodies from byte 0; a `CUT`
/// of `1` breaks the connection after the body. The bytes on disk must always be one
/// version of the file, in order: never a mixture.
pub fn download_answer(data: &[u8], now: Instant) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let mut first = lines.next().unwrap_or("").split('|');
    let held: u64 = first
        .next()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let total: Option<u64> = first.next().and_then(|v| v.trim().parse().ok());
    let held_tag = first.next().unwrap_or("\"v1\"").to_owned();
    let target = DownloadTarget {
        image_id: "1".into(),
        size_key: Some("large".into()),
        url: "https://delivery.example.com/file".into(),
        offering: None,
    };
    let Ok(mut fetch) = Fetch::new(target, SinkKind::File, false) else {
        return;
    };
    let record = total.map(|t| {
        PartRecord {
            image_id: "1".into(),
            size_key: Some("large".into()),
            total: Some(t),
            etag: Some(held_tag.clone()),
            ..PartRecord::default()
        }
        .to_bytes()
    });
    fetch.handle_part(held, record.as_deref());
    // What is on disk: its length and which version of the file its bytes come from.
    let mut on_disk = held;
    let mut disk_tag = held_tag;
    let mut now = now;
    let mut answer: Option<(http::StatusCode, http::HeaderMap, u64, bool, String)> = None;
    for _ in 0..256 {
        match fetch.poll_step(now) {
            FetchStep::Send(request) => {
                let Some(line) = lines.next() else {
                    return;
                };
                let mut fields = line.split('|');
                let Some(status) = fields
                    .next()
                    .and_then(|s| s.trim().parse::<u16>().ok())
                    .and_then(|s| http::StatusCode::from_u16(s).ok())
                else {
                    return;
                };
                let mut headers = http::HeaderMap::new();
                for name in [
                    http::header::CONTENT_RANGE,
                    http::header::CONTENT_LENGTH,
                    http::header::ETAG,
                ] {
                    let Some(v) = fields.next().filter(|v| !v.is_empty()) else {
                        continue;
                    };
                    if let Ok(v) = http::HeaderValue::from_str(v) {
                        headers.insert(name, v);
                    }
                }
                let body_len: u64 = fields
                    .next()
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(0)
                    .min(1 << 16);
                let cut = fields.next().is_some_and(|c| c.trim() == "1");
                // The version served: the answer's ETag, or for a 206 without one, the
                // validator the request sent (a server answers 206 only if it matched).
                // An ETag that is not text reads as none, for the machine as for the model,
                // and surrounding whitespace is not part of it (HTTP's optional whitespace).
                let sent = request
                    .headers()
                    .get(http::header::IF_RANGE)
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                let tag = headers
                    .get(http::header::ETAG)
                    .and_then(|v| v.to_str().ok())
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .or(sent.filter(|_| status == http::StatusCode::PARTIAL_CONTENT))
                    .unwrap_or_default();
                fetch.handle_head(now, status, &headers);
                answer = Some((status, headers, body_len, cut, tag));
            }
            FetchStep::ReadBody => {
                let Some((status, headers, body_len, cut, tag)) = answer.take() else {
                    return;
                };
                // Where the body starts in the file, as the answer declared it.
                let start = match headers
                    .get(http::header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_content_range)
                {
                    Some(ContentRange::Bytes { first, .. })
                        if status == http::StatusCode::PARTIAL_CONTENT =>
                    {
                        first
                    }
                    _ => 0,
                };
                let body: Vec<u8> = (0..body_len)
                    .map(|i| served_byte(start.saturating_add(i), &tag))
                    .collect();
                let mut stopped = false;
                for chunk in body.chunks(4096) {
                    let Some(keep) = fetch.handle_chunk(now, chunk) else {
                        stopped = true;
                        break;
                    };
                    if !keep.is_empty() && on_disk > 0 {
                        assert_eq!(disk_tag, tag, "bytes of two versions of the file spliced");
                    }
                    for &b in keep {
                        assert_eq!(
                            b,
                            served_byte(on_disk, &tag),
                            "a body byte would be written at the wrong place"
                        );
                        on_disk += 1;
                    }
                    if !keep.is_empty() {
                        disk_tag.clone_from(&tag);
                    }
                }
                // A start over decided on the answer's head may still be queued (Truncate).
                if !stopped && fetch.progress().bytes != 0 {
                    assert_eq!(
                        fetch.progress().bytes,
                        on_disk,
                        "progress disagrees with the disk"
                    );
                }
                if stopped {
                    continue;
                }
                if cut {
                    let e = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "cut");
                    fetch.handle_read_failure(now, e);
                } else {
                    fetch.handle_body_end(now);
                }
            }
            FetchStep::Truncate => on_disk = 0,
            FetchStep::Record(_) => {}
            FetchStep::Wait => {
                now = fetch
                    .poll_timeout()
                    .unwrap_or(now)
                    .max(now + Duration::from_millis(1));
                fetch.handle_timeout(now);
            }
            FetchStep::Done(result) => {
                if let Ok(summary) = result {
                    assert_eq!(
                        summary.bytes, on_disk,
                        "the summary disagrees with the disk"
                    );
                    if let Some(total) = fetch.progress().total {
                        assert_eq!(on_disk, total, "a complete download of the wrong length");
                    }
                }
                return;
            }
        }
    }
}

/// Target `cassette`: the bytes as a cassette file. One that reads must write back to itself;
/// a player of it answers its requests without panicking, whatever they are; and recording its
/// exchanges again gives lines that read, and that a replay of the original requests plays in
/// the recorded order (a recording always matches the requests it was made of).
pub fn cassette(data: &[u8]) {
    use crate::cassette::{
        Cassette, Player, RecordOptions, RecordedOutcome, Recorder, ReplayOptions, Replayed,
    };
    let Ok(cassette) = Cassette::from_slice(data) else {
        return;
    };
    let text = cassette.to_text();
    assert_eq!(
        Cassette::parse(&text).as_ref(),
        Ok(&cassette),
        "a cassette does not read back what it wrote"
    );
    // At most this much of a replayed body is read (a recorded length may be absurd).
    const READ_AT_MOST: u64 = 1 << 20;
    let mut buf = vec![0u8; 64 * 1024];
    let mut drain = |mut body: crate::cassette::ReplayBody| {
        let mut read = 0u64;
        while read < READ_AT_MOST {
            match body.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => read += n as u64,
            }
        }
        assert!(read <= body.len(), "a replayed body is longer than it says");
    };
    let requests: Vec<_> = cassette
        .exchanges
        .iter()
        .map(|e| e.request.to_http())
        .collect();
    let mut player = Player::new(cassette.clone(), ReplayOptions::default().any_order());
    for request in requests.iter().flatten() {
        match player.answer(request) {
            Ok(Replayed::Response(r)) => drain(r.body),
            Ok(Replayed::Failure(f)) => assert!(!f.message.is_empty()),
            Err(m) => assert!(!m.to_string().is_empty()),
        }
    }
    // Recorded again, each exchange as its requests and answers say.
    let mut recorder = Recorder::new(RecordOptions::default().body_limit(4096));
    let mut again = recorder.header_line();
    for (e, request) in cassette.exchanges.iter().zip(&requests) {
        let Some(request) = request else {
            return;
        };
        let mut take = recorder.begin(request);
        match &e.outcome {
            RecordedOutcome::Response(r) => {
                let mut headers = http::HeaderMap::new();
                for (k, v) in &r.headers {
                    if let (Ok(k), Ok(v)) = (
                        http::HeaderName::from_bytes(k.as_bytes()),
                        http::HeaderValue::from_str(v),
                    ) {
                        headers.insert(k, v);
                    }
                }
                let status = http::StatusCode::from_u16(r.status).unwrap_or(http::StatusCode::OK);
                take.response(status, &headers);
                match r.body.to_bytes() {
                    Some(bytes) => take.chunk(&bytes),
                    None => take.chunk(&[0; 16]),
                }
                if let Some(cut) = &r.cut {
                    take.read_failed(cut);
                }
            }
            RecordedOutcome::Failure(f) => take.failed(
                &crate::failure::TransportFailure::new(f.transport_cause(), f.message.clone())
                    .reached_server(f.reached_server),
            ),
        }
        let line = recorder.finish(take);
        again.push_str(&line);
    }
    let recorded = match Cassette::parse(&again) {
        Ok(c) => c,
        Err(e) => panic!("a recorded line does not read: {e}\n{again}"),
    };
    let mut player = Player::new(recorded, ReplayOptions::default());
    for (i, request) in requests.iter().flatten().enumerate() {
        if let Err(m) = player.answer(request) {
            panic!("exchange {i} does not match its own recording: {m}");
        }
    }
}

/// Target `error_answer`: the bytes as an error answer of an API call — a status, headers and
/// a body — read the way every refused call is read: the gateway's call limits
/// ([`crate::retry::rate_limit`]), `Retry-After`, the server's own words
/// ([`crate::error::server_text`]) and the error's message.
///
/// The first byte picks the status; the text up to the first empty line is header lines
/// (`Name: value`, those that are not valid headers left out), the rest is the body. The
/// server's words, if any, must be plain (no control or bidi characters) and short; only a
/// 403 is ever a call limit; the message never panics and holds no control characters.
pub fn error_answer(data: &[u8]) {
    const STATUSES: [u16; 8] = [403, 429, 500, 503, 400, 401, 404, 502];
    let Some((&ctl, rest)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(ctl) % STATUSES.len()];
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&rest[..at], &rest[at + 2..]),
        None => (&[][..], rest),
    };
    let mut response = http::Response::new(body.to_vec());
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
    for line in String::from_utf8_lossy(head).lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.trim().as_bytes()),
            http::HeaderValue::from_str(value.trim()),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    if crate::retry::rate_limit_of(&response).is_some() {
        assert_eq!(status, 403, "only a 403 is a call limit");
    }
    let _ = crate::retry::retry_after(response.headers());
    if let Some(text) = crate::error::server_text(response.headers(), response.body()) {
        assert!(
            text.chars().count() <= crate::error::MAX_SERVER_TEXT + 1,
            "the server's words are cut: {text:?}"
        );
        assert!(
            !text.chars().any(char::is_control),
            "the server's words are plain: {text:?}"
        );
        assert!(!text.starts_with(' ') && !text.ends_with(' '), "{text:?}");
    }
    let message = crate::Error::http("SearchForImages", &response).to_string();
    assert!(
        !message.chars().any(char::is_control),
        "the message is one plain line: {message:?}"
    );
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
    fn cassette_corpus() {
        corpus("cassette", &super::cassette);
    }

    #[test]
    fn error_answer_corpus() {
        corpus("error_answer", &super::error_answer);
    }

    #[test]
    fn download_answer_corpus() {
        let now = std::time::Instant::now();
        corpus("download_answer", &|d| super::download_answer(d, now));
    }
}
