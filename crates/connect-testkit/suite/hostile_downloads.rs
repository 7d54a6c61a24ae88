//! Downloads against a scripted, hostile file server (both clients, like `scenarios.rs`): files
//! that change between a cut and its resume, lying `Content-Range`, dripped bytes, ranges that
//! start too early, bodies longer than announced, servers ignoring `Range`, redirects. Each
//! case asserts no panic, a bounded number of requests, and the served bytes or a clear error:
//! never a spliced file.
//!
//! Included by each client's `tests/it/main.rs` next to `scenarios.rs` and `hostile.rs`, with
//! the same macros. The file server is the testkit's [`HostileServer`], over HTTPS unless a
//! case is about plain HTTP.

use super::hostile::hostile_builder;
use super::scenarios::EXCLUSIVE;
use super::sdk;
use connect_testkit::{Answer, HostileServer, Logged};
use sdk::{Credentials, DownloadTarget, ErrorKind, RetryPolicy};
use std::time::Duration;

/// What the scripts build before it becomes an [`Answer`]: a response, possibly cut after some
/// body bytes, dripped, or sent chunked (so its body can outrun its `Content-Range`).
#[derive(Clone, Debug, Default)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Close the connection after this many body bytes.
    pub cut_after: Option<usize>,
    /// Send the whole answer one byte at a time with this pause between bytes.
    pub drip: Option<Duration>,
    /// Send the body chunked, without `Content-Length`.
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

    /// `file` as an honest server answers `req`: 206 from the asked offset when there is no
    /// `If-Range` or it matches `etag`, else 200; 416 past the end.
    pub fn honest(req: &Logged, file: &[u8], etag: &str) -> Self {
        let from = req
            .header("range")
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|r| r.parse::<usize>().ok());
        let same = req.header("if-range").is_none_or(|v| v == etag);
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

    /// The testkit answer that sends this.
    pub fn answer(self) -> Answer {
        let mut head = format!("HTTP/1.1 {} X\r\nconnection: close\r\n", self.status);
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if self.chunked {
            head.push_str("transfer-encoding: chunked\r\n");
        } else if !self.headers.iter().any(|(k, _)| k == "content-length") {
            head.push_str(&format!("content-length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        let end = self
            .cut_after
            .unwrap_or(self.body.len())
            .min(self.body.len());
        if self.chunked {
            for part in self.body[..end].chunks(16 * 1024) {
                bytes.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
                bytes.extend_from_slice(part);
                bytes.extend_from_slice(b"\r\n");
            }
            if self.cut_after.is_none() {
                bytes.extend_from_slice(b"0\r\n\r\n");
            }
        } else {
            bytes.extend_from_slice(&self.body[..end]);
        }
        match self.drip {
            Some(pause) => Answer::drip(&bytes, 1, pause),
            None => Answer::Raw(bytes),
        }
    }
}

/// A file server answering with `script`, plain HTTP or HTTPS.
pub fn files(
    https: bool,
    script: impl Fn(&Logged) -> Reply + Send + Sync + 'static,
) -> HostileServer {
    let script = move |req: &Logged| script(req).answer();
    if https {
        HostileServer::https(script)
    } else {
        HostileServer::http(script)
    }
}

/// A client of `server` (trusting the testkit CA; a fixed token, so it sends no token request),
/// and the download target of `path` on it.
pub fn hostile_client(server: &HostileServer, path: &str) -> (sdk::Client, DownloadTarget) {
    let c = hostile_builder(
        server,
        Credentials::access_token("hostile-sentinel-token", None),
    )
    .retry_policy(RetryPolicy::never())
    .build()
    .unwrap();
    let target = DownloadTarget {
        image_id: "100000001".into(),
        size_key: Some("large".into()),
        url: format!("{}{path}", server.base_url()),
        offering: None,
    };
    (c, target)
}

/// No request of a download carries credentials, a referrer or the API token.
pub fn assert_nothing_forwarded(server: &HostileServer) {
    for r in server.requests() {
        assert!(r.header("authorization").is_none(), "{:?}", r.headers);
        assert!(r.header("referer").is_none(), "{:?}", r.headers);
        assert!(!r.contains("hostile-sentinel-token"), "{:?}", r.headers);
    }
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

scenario! {
    fn a_file_that_changes_between_a_cut_and_its_resume_is_never_spliced() {
        let (v1, v2) = (file(300_000, 0), file(300_000, 0x5A));
        let (a, b) = (v1.clone(), v2.clone());
        // A server honouring If-Range: the resume gets the whole new file with a 200.
        let h = files(true, move |seen| match seen.seq {
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
        let h = files(true, move |seen| match seen.seq {
            0 => Reply::honest(seen, &a, "\"v1\"").cut_after(100_000),
            _ => Reply::honest(seen, &b, "\"v2\""),
        });
        let (c, target) = hostile_client(&h, "/file");
        let mut out = Vec::new();
        let e = wait!(c.download_target(target).to_writer(&mut out)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
        assert_eq!(h.request_count(), 2);

        // A server ignoring If-Range: a 206 of the new file, caught by its ETag.
        let (a, b) = (v1.clone(), v2.clone());
        let h = files(true, move |seen| match seen.seq {
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
        assert!(h.request_count() <= 4);
    }
}

scenario! {
    fn a_failed_run_leaves_a_part_that_the_next_run_resumes_only_if_unchanged() {
        let v1 = file(200_000, 1);
        let a = v1.clone();
        // First run: half the file, then nothing but 503s: the call fails, the .part stays.
        let h = files(true, move |seen| match seen.seq {
            0 => Reply::honest(seen, &a, "\"v1\"").cut_after(80_000),
            _ => Reply::new(503),
        });
        let (c, target) = hostile_client(&h, "/file");
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("f.jpg");
        let part = dir.path().join("f.jpg.part");
        let e = wait!(c.download_target(target.clone()).to_file(&dest)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Http, "{e}");
        assert!(h.request_count() <= 6, "bounded: {}", h.request_count());
        same(&std::fs::read(&part).unwrap(), &v1[..80_000]);
        assert!(dir.path().join("f.jpg.part.meta").exists());
        assert!(!dir.path().join("f.jpg.part.lock").exists());

        // Next run, same file: only the rest is fetched.
        let a = v1.clone();
        let h = files(true, move |seen| Reply::honest(seen, &a, "\"v1\""));
        let target = DownloadTarget { url: format!("{}/file", h.base_url()), ..target };
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
        let h = files(true, move |_| {
            Reply::new(206)
                .header("content-range", format!("bytes 0-{}/{}", a.len() - 1, a.len()))
                .header("content-length", "1000")
                .body(&a[..1000])
        });
        let (c, target) = hostile_client(&h, "/file");
        let e = wait!(c.download_target(target).to_file(dir.path().join("a"))).unwrap_err();
        assert!(e.to_string().contains("Content-Range"), "{e}");
        assert_eq!(h.request_count(), 1);

        // A 206 that starts before the bytes held: started over, never spliced.
        let a = v.clone();
        let h = files(true, move |seen| match seen.seq {
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
        assert_eq!(h.request_count(), 3);
        assert!(h.requests()[2].header("range").is_none(), "the start over asks for it all");

        // A body longer than its range announces: an error, nothing past the range written.
        let a = v.clone();
        let h = files(true, move |_| Reply {
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
        assert_eq!(h.request_count(), 1);
    }
}

scenario! {
    fn dripped_bytes_and_ignored_ranges_still_give_the_served_file() {
        let v = file(2_000, 3);
        let a = v.clone();
        let h = files(true, move |seen| Reply {
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
        let h = files(true, move |seen| {
            let i = seen.seq;
            let whole = Reply::new(200).header("etag", "\"v\"").body(&a);
            if i == 0 { whole.cut_after(120_000) } else { whole }
        });
        let (c, target) = hostile_client(&h, "/file");
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("d");
        wait!(c.download_target(target).to_file(&dest)).unwrap();
        same(&std::fs::read(&dest).unwrap(), &big);
        assert_eq!(h.request_count(), 2);

        // Without any validator, a cut file is started over rather than resumed blindly.
        let a = big.clone();
        let h = files(true, move |seen| {
            let i = seen.seq;
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
        // To another host (the same server under `localhost`, another port): followed, and
        // nothing but the GET goes there.
        let a = v.clone();
        let other = files(true, move |seen| Reply::honest(seen, &a, "\"v\""));
        let to = format!("{}/cdn/file?sig=2", other.url_via("localhost"));
        let h = files(true, move |_| Reply::new(307).header("location", to.clone()));
        let (c, target) = hostile_client(&h, "/file?sig=1");
        let mut out = Vec::new();
        wait!(c.download_target(target).to_writer(&mut out)).unwrap();
        same(&out, &v);
        assert_eq!((h.request_count(), other.request_count()), (1, 1));
        assert_eq!(other.requests()[0].target, "/cdn/file?sig=2");
        assert_nothing_forwarded(&h);
        assert_nothing_forwarded(&other);

        // To plain HTTP from HTTPS: refused, not followed; the message shows no path.
        let plain = files(false, |_| Reply::new(200).body(b"stolen"));
        let to = format!("{}/steal/secret-path?sig=2", plain.base_url());
        let h = files(true, move |_| Reply::new(308).header("location", to.clone()));
        let (c, target) = hostile_client(&h, "/file");
        let e = wait!(c.download_target(target).to_writer(&mut Vec::new())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        assert!(!e.to_string().contains("secret-path"), "{e}");
        assert_eq!((h.request_count(), plain.request_count()), (1, 0));

        // A redirect loop ends after a few hops, with an error that shows no path.
        let h = files(true, |_| Reply::new(302).header("location", "/loop/secret-path"));
        let (c, target) = hostile_client(&h, "/file");
        let e = wait!(c.download_target(target).to_writer(&mut Vec::new())).unwrap_err();
        assert!(e.to_string().contains("redirects"), "{e}");
        assert!(!e.to_string().contains("secret-path"), "{e}");
        assert_eq!(h.request_count(), 4);

        // A redirect to another scheme is refused without following it.
        let h = files(true, |_| Reply::new(301).header("location", "ftp://evil.example/x"));
        let (c, target) = hostile_client(&h, "/file");
        let e = wait!(c.download_target(target).to_writer(&mut Vec::new())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        assert_eq!(h.request_count(), 1);

        // From a client on HTTPS, a plain-HTTP download URL is refused before anything is
        // sent; from a client whose own base is plain HTTP, it is fine.
        let plain = files(false, move |seen| Reply::honest(seen, &v, "\"v\""));
        let h = files(true, |_| Reply::new(500));
        let (c, _) = hostile_client(&h, "/");
        let target = DownloadTarget {
            url: format!("{}/file?sig=secret", plain.base_url()),
            ..DownloadTarget::default()
        };
        let e = wait!(c.download_target(target.clone()).to_writer(&mut Vec::new())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
        assert!(!e.to_string().contains("sig=secret"), "{e}");
        assert_eq!(plain.request_count(), 0);
        let (c, _) = hostile_client(&plain, "/");
        wait!(c.download_target(target).to_writer(&mut Vec::new())).unwrap();
        assert_eq!(plain.request_count(), 1);
    }
}
