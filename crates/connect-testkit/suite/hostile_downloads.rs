//! Downloads against a scripted, hostile file server (both clients, like `scenarios.rs`): files
//! that change between a cut and its resume, lying `Content-Range`, dripped bytes, ranges that
//! start too early, bodies longer than announced, servers ignoring `Range`, redirects. Each
//! case asserts no panic, a bounded number of requests, and the served bytes or a clear error:
//! never a spliced file.
//!
//! The including `main.rs` defines what `scenarios.rs` lists (`sdk`, `wait!`, `scenario!`,
//! `counting_client`).

use super::scenarios::EXCLUSIVE;
use super::{counting_client, sdk};
use sdk::{DownloadTarget, ErrorKind, RetryPolicy};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request the server saw: path and query, and headers with lower-case names.
#[derive(Clone, Debug)]
pub struct Seen {
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server writes back.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Close the connection after this many body bytes.
    pub cut_after: Option<usize>,
    /// Send the body one byte at a time with this pause between bytes.
    pub drip: Option<Duration>,
    /// Send the body chunked (no Content-Length), so it can be longer than the range says.
    pub chunked: bool,
}

impl Reply {
    pub fn new(status: u16) -> Self {
        Self {
            status,
            ..Self::default()
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn body(mut self, body: &[u8]) -> Self {
        self.body = body.to_vec();
        self
    }

    pub fn cut_after(mut self, n: usize) -> Self {
        self.cut_after = Some(n);
        self
    }

    /// `file` as an honest server would answer `seen`: 206 from the asked offset when there is
    /// no `If-Range` or it matches `etag`, else 200; 416 past the end.
    pub fn honest(seen: &Seen, file: &[u8], etag: &str) -> Self {
        let from = seen
            .header("range")
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|r| r.parse::<usize>().ok());
        let same = seen.header("if-range").is_none_or(|v| v == etag);
        match from {
            Some(from) if same && from >= file.len() => {
                Reply::new(416).header("content-range", format!("bytes */{}", file.len()))
            }
            Some(from) if same => Reply::new(206)
                .header(
                    "content-range",
                    format!("bytes {from}-{}/{}", file.len() - 1, file.len()),
                )
                .header("etag", etag)
                .body(&file[from..]),
            _ => Reply::new(200).header("etag", etag).body(file),
        }
    }
}

/// A file server on 127.0.0.1 answering each request with `script(index, request)`, one
/// request per connection. Keeps every request it saw.
pub struct Hostile {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Hostile {
    pub fn start(script: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let script = Arc::new(script);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (log, script) = (Arc::clone(&log), Arc::clone(&script));
                std::thread::spawn(move || answer(stream, &log, script.as_ref()));
            }
        });
        Self { base, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn answer(
    mut stream: std::net::TcpStream,
    log: &Mutex<Vec<Seen>>,
    script: &(dyn Fn(usize, &Seen) -> Reply + Send + Sync),
) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let seen = Seen { target, headers };
    let index = {
        let mut log = log.lock().unwrap();
        log.push(seen.clone());
        log.len() - 1
    };
    let reply = script(index, &seen);
    let mut out = format!("HTTP/1.1 {} X\r\nconnection: close\r\n", reply.status);
    for (k, v) in &reply.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    let has_length = reply.headers.iter().any(|(k, _)| k == "content-length");
    if reply.chunked {
        out.push_str("transfer-encoding: chunked\r\n");
    } else if !has_length {
        out.push_str(&format!("content-length: {}\r\n", reply.body.len()));
    }
    out.push_str("\r\n");
    if stream.write_all(out.as_bytes()).is_err() {
        return;
    }
    let end = reply
        .cut_after
        .unwrap_or(reply.body.len())
        .min(reply.body.len());
    let body = &reply.body[..end];
    let piece = if reply.drip.is_some() { 1 } else { 16 * 1024 };
    for part in body.chunks(piece) {
        let sent = if reply.chunked {
            let mut framed = format!("{:x}\r\n", part.len()).into_bytes();
            framed.extend_from_slice(part);
            framed.extend_from_slice(b"\r\n");
            stream.write_all(&framed)
        } else {
            stream.write_all(part)
        };
        if sent.is_err() {
            return;
        }
        if let Some(d) = reply.drip {
            std::thread::sleep(d);
        }
    }
    if reply.chunked && reply.cut_after.is_none() {
        let _ = stream.write_all(b"0\r\n\r\n");
    }
    let _ = stream.flush();
    // Dropping the stream closes the connection: a cut, when `cut_after` stopped early.
}

/// `a == b`, reported by length and first difference instead of two huge arrays.
pub fn same(a: &[u8], b: &[u8]) {
    let first = a.iter().zip(b).position(|(x, y)| x != y);
    assert!(
        a == b,
        "{} bytes vs {} expected, first difference at {first:?}",
        a.len(),
        b.len()
    );
}

/// A file of `n` bytes that is not all one value.
pub fn file(n: usize, salt: u8) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8 ^ salt).collect()
}

/// A client whose base URL is the hostile server (plain HTTP, so plain-HTTP download URLs are
/// allowed), and the target of `path` on it.
pub fn hostile_client(h: &Hostile, path: &str) -> (sdk::Client, DownloadTarget) {
    let (c, _) = counting_client(&h.base, RetryPolicy::never(), Duration::from_secs(10));
    let target = DownloadTarget {
        image_id: "100000001".into(),
        size_key: Some("large".into()),
        url: h.url(path),
    };
    (c, target)
}

/// No request of a download carries credentials or a referrer.
pub fn assert_nothing_forwarded(h: &Hostile) {
    for r in h.requests() {
        assert!(r.header("authorization").is_none(), "{r:?}");
        assert!(r.header("referer").is_none(), "{r:?}");
        assert!(r.header("cookie").is_none(), "{r:?}");
    }
}

scenario! {
    fn a_file_that_changes_between_a_cut_and_its_resume_is_never_spliced() {
        let (v1, v2) = (file(300_000, 0), file(300_000, 0x5A));
        let (a, b) = (v1.clone(), v2.clone());
        // A server honouring If-Range: the resume gets the whole new file with a 200.
        let h = Hostile::start(move |i, seen| match i {
            0 => Reply::honest(seen, &a, "\"v1\"").cut_after(100_000),
            _ => Reply::honest(seen, &b, "\"v2\""),
        });
        let (c, target) = hostile_client(&h, "/file?sig=secret");
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f.jpg");
        let s = wait!(c.download_target(target.clone()).to_file(&dest)).unwrap();
        same(&std::fs::read(&dest).unwrap(), &v2);
        assert_eq!(s.bytes, v2.len() as u64);
        let seen = h.requests();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1].header("if-range"), Some("\"v1\""));
        assert_nothing_forwarded(&h);

        // The same to a writer: it cannot take bytes back, so it fails instead of splicing.
        let (a, b) = (v1.clone(), v2.clone());
        let h = Hostile::start(move |i, seen| match i {
            0 => Reply::honest(seen, &a, "\"v1\"").cut_after(100_000),
            _ => Reply::honest(seen, &b, "\"v2\""),
        });
        let (c, target) = hostile_client(&h, "/file");
        let mut out = Vec::new();
        let e = wait!(c.download_target(target).to_writer(&mut out)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
        assert_eq!(h.requests().len(), 2);

        // A server ignoring If-Range: a 206 of the new file, caught by its ETag.
        let (a, b) = (v1.clone(), v2.clone());
        let h = Hostile::start(move |i, seen| match i {
            0 => Reply::honest(seen, &a, "\"v1\"").cut_after(100_000),
            _ => {
                let mut plain = seen.clone();
                plain.headers.retain(|(k, _)| k != "if-range");
                Reply::honest(&plain, &b, "\"v2\"")
            }
        });
        let (c, target) = hostile_client(&h, "/file");
        let dest = dir.path().join("g.jpg");
        wait!(c.download_target(target).to_file(&dest)).unwrap();
        same(&std::fs::read(&dest).unwrap(), &v2);
        assert!(h.requests().len() <= 4);
    }
}

scenario! {
    fn a_failed_run_leaves_a_part_that_the_next_run_resumes_only_if_unchanged() {
        let v1 = file(200_000, 1);
        let a = v1.clone();
        // First run: half the file, then nothing but 503s: the call fails, the .part stays.
        let h = Hostile::start(move |i, seen| match i {
            0 => Reply::honest(seen, &a, "\"v1\"").cut_after(80_000),
            _ => Reply::new(503),
        });
        let (c, target) = hostile_client(&h, "/file");
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f.jpg");
        let part = dir.path().join("f.jpg.part");
        let e = wait!(c.download_target(target.clone()).to_file(&dest)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Http, "{e}");
        assert!(h.requests().len() <= 6, "bounded: {}", h.requests().len());
        same(&std::fs::read(&part).unwrap(), &v1[..80_000]);
        assert!(dir.path().join("f.jpg.part.meta").exists());
        assert!(!dir.path().join("f.jpg.part.lock").exists());

        // Next run, same file: only the rest is fetched.
        let a = v1.clone();
        let h = Hostile::start(move |_, seen| Reply::honest(seen, &a, "\"v1\""));
        let target = DownloadTarget { url: h.url("/file"), ..target };
        let (c, _) = hostile_client(&h, "/file");
        let s = wait!(c.download_target(target.clone()).to_file(&dest)).unwrap();
        assert_eq!(s.resumed_from, 80_000);
        same(&std::fs::read(&dest).unwrap(), &v1);
        assert_eq!(h.requests()[0].header("range"), Some("bytes=80000-"));
        assert!(!part.exists() && !dir.path().join("f.jpg.part.meta").exists());
    }
}

scenario! {
    fn lying_content_ranges_end_in_a_clear_error_or_the_right_bytes() {
        let v = file(50_000, 2);
        let dir = tempfile::tempdir().unwrap();
        // Content-Length contradicting Content-Range: an error, after one request.
        let a = v.clone();
        let h = Hostile::start(move |_, _| {
            Reply::new(206)
                .header("content-range", format!("bytes 0-{}/{}", a.len() - 1, a.len()))
                .header("content-length", "1000")
                .body(&a[..1000])
        });
        let (c, target) = hostile_client(&h, "/file");
        let e = wait!(c.download_target(target).to_file(dir.path().join("a"))).unwrap_err();
        assert!(e.to_string().contains("Content-Range"), "{e}");
        assert_eq!(h.requests().len(), 1);

        // A 206 that starts before the bytes held: started over, never spliced.
        let a = v.clone();
        let h = Hostile::start(move |i, seen| match i {
            0 => Reply::honest(seen, &a, "\"v\"").cut_after(30_000),
            1 => Reply::new(206)
                .header("content-range", format!("bytes 10-{}/{}", a.len() - 1, a.len()))
                .header("etag", "\"v\"")
                .body(&a[10..]),
            _ => Reply::honest(seen, &a, "\"v\""),
        });
        let (c, target) = hostile_client(&h, "/file");
        let dest = dir.path().join("b");
        wait!(c.download_target(target).to_file(&dest)).unwrap();
        same(&std::fs::read(&dest).unwrap(), &v);
        assert_eq!(h.requests().len(), 3);
        assert!(h.requests()[2].header("range").is_none(), "the start over asks for it all");

        // A body longer than its range announces: an error, nothing past the range written.
        let a = v.clone();
        let h = Hostile::start(move |_, _| Reply {
            chunked: true,
            ..Reply::new(206)
                .header("content-range", "bytes 0-999/1000")
                .header("etag", "\"v\"")
                .body(&a)
        });
        let (c, target) = hostile_client(&h, "/file");
        let dest = dir.path().join("c");
        let e = wait!(c.download_target(target).to_file(&dest)).unwrap_err();
        assert!(e.to_string().contains("more bytes"), "{e}");
        assert!(std::fs::metadata(dir.path().join("c.part")).unwrap().len() <= 1000);
        assert_eq!(h.requests().len(), 1);
    }
}

scenario! {
    fn dripped_bytes_and_ignored_ranges_still_give_the_served_file() {
        let v = file(2_000, 3);
        let a = v.clone();
        let h = Hostile::start(move |_, seen| Reply {
            drip: Some(Duration::from_micros(200)),
            ..Reply::honest(seen, &a, "\"v\"")
        });
        let (c, target) = hostile_client(&h, "/file");
        let mut out = Vec::new();
        let s = wait!(c.download_target(target).to_writer(&mut out)).unwrap();
        same(&out, &v);
        assert_eq!(s.bytes, 2_000);

        // Range ignored: every answer is the whole file; the first is cut. A clean restart.
        let big = file(300_000, 4);
        let a = big.clone();
        let h = Hostile::start(move |i, _| {
            let whole = Reply::new(200).header("etag", "\"v\"").body(&a);
            if i == 0 { whole.cut_after(120_000) } else { whole }
        });
        let (c, target) = hostile_client(&h, "/file");
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("d");
        wait!(c.download_target(target).to_file(&dest)).unwrap();
        same(&std::fs::read(&dest).unwrap(), &big);
        assert_eq!(h.requests().len(), 2);

        // Without any validator, a cut file is started over rather than resumed blindly.
        let a = big.clone();
        let h = Hostile::start(move |i, _| {
            let whole = Reply::new(200).body(&a);
            if i == 0 { whole.cut_after(120_000) } else { whole }
        });
        let (c, target) = hostile_client(&h, "/file");
        let dest = dir.path().join("e");
        wait!(c.download_target(target).to_file(&dest)).unwrap();
        same(&std::fs::read(&dest).unwrap(), &big);
        assert!(h.requests()[1].header("range").is_none());
    }
}

scenario! {
    fn redirects_are_bounded_checked_and_carry_no_credentials() {
        let v = file(10_000, 5);
        let a = v.clone();
        let other = Hostile::start(move |_, seen| Reply::honest(seen, &a, "\"v\""));
        let to = other.url("/cdn/file?sig=2");
        let h = Hostile::start(move |_, _| Reply::new(307).header("location", to.clone()));
        let (c, target) = hostile_client(&h, "/file?sig=1");
        let mut out = Vec::new();
        wait!(c.download_target(target).to_writer(&mut out)).unwrap();
        same(&out, &v);
        assert_eq!((h.requests().len(), other.requests().len()), (1, 1));
        assert_eq!(other.requests()[0].target, "/cdn/file?sig=2");
        assert_nothing_forwarded(&h);
        assert_nothing_forwarded(&other);

        // A redirect loop ends after a few hops, with an error that shows no path.
        let h = Hostile::start(|_, _| Reply::new(302).header("location", "/loop/secret-path"));
        let (c, target) = hostile_client(&h, "/file");
        let e = wait!(c.download_target(target).to_writer(&mut Vec::new())).unwrap_err();
        assert!(e.to_string().contains("redirects"), "{e}");
        assert!(!e.to_string().contains("secret-path"), "{e}");
        assert_eq!(h.requests().len(), 4);

        // A redirect to another scheme is refused without following it.
        let h = Hostile::start(|_, _| Reply::new(301).header("location", "ftp://evil.example/x"));
        let (c, target) = hostile_client(&h, "/file");
        let e = wait!(c.download_target(target).to_writer(&mut Vec::new())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        assert_eq!(h.requests().len(), 1);

        // From a client on HTTPS, a plain-HTTP download URL is refused before anything is sent.
        let h = Hostile::start(|_, _| Reply::new(200));
        let (c, _) = counting_client("https://127.0.0.1:9", RetryPolicy::never(), Duration::from_secs(1));
        let target = DownloadTarget { url: h.url("/file?sig=secret"), ..DownloadTarget::default() };
        let e = wait!(c.download_target(target).to_writer(&mut Vec::new())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        assert!(!e.to_string().contains("sig=secret"), "{e}");
        assert!(h.requests().is_empty());
    }
}
