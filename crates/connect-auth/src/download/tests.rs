//! The download machines under scripted servers and simulated time.

use super::*;
use crate::failure::TransportFailure;
use connect_types::Response;
use connect_types::ops::{
    Authorization, DownloadUrl, GetImageDownloadAuthorizationsResult,
    GetLargestImageDownloadAuthorizationsResult, ImageAuthorizations, LargestImageAuthorizations,
    ProductOffering,
};
use http::{HeaderMap, StatusCode};
use std::time::{Duration, Instant};

/// One scripted answer.
#[derive(Clone, Default)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// The connection breaks after this many body bytes.
    cut_after: Option<usize>,
    /// No answer at all.
    fail: bool,
}

fn ok(body: &[u8], etag: Option<&str>) -> Answer {
    let mut headers = vec![("content-length", body.len().to_string())];
    if let Some(e) = etag {
        headers.push(("etag", e.to_owned()));
    }
    Answer {
        status: 200,
        headers,
        body: body.to_vec(),
        ..Answer::default()
    }
}

/// A well-behaved answer to `req` for `file` (with `etag`): 206 for a range, honouring If-Range.
fn serve(req: &http::Request<Vec<u8>>, file: &[u8], etag: &str) -> Answer {
    let range = req
        .headers()
        .get("range")
        .map(|v| v.to_str().unwrap().to_owned());
    let if_range = req.headers().get("if-range").map(|v| v.to_str().unwrap());
    match range {
        Some(r) if if_range.is_none_or(|v| v == etag) => {
            let from: usize = r["bytes=".len()..r.len() - 1].parse().unwrap();
            if from >= file.len() {
                return Answer {
                    status: 416,
                    headers: vec![("content-range", format!("bytes */{}", file.len()))],
                    ..Answer::default()
                };
            }
            Answer {
                status: 206,
                headers: vec![
                    (
                        "content-range",
                        format!("bytes {from}-{}/{}", file.len() - 1, file.len()),
                    ),
                    ("content-length", (file.len() - from).to_string()),
                    ("etag", etag.to_owned()),
                ],
                body: file[from..].to_vec(),
                ..Answer::default()
            }
        }
        _ => ok(file, Some(etag)),
    }
}

struct Run {
    result: Result<DownloadSummary, Error>,
    requests: Vec<http::Request<Vec<u8>>>,
    bytes: Vec<u8>,
    record: Option<PartRecord>,
    waited: Duration,
}

/// Drives `fetch` against `server` with simulated time; the sink starts with `held` bytes.
fn drive(
    mut fetch: Fetch,
    held: Vec<u8>,
    mut server: impl FnMut(&http::Request<Vec<u8>>) -> Answer,
) -> Run {
    let start = Instant::now();
    let mut now = start;
    let mut bytes = held;
    let mut record = None;
    let mut requests = Vec::new();
    let mut answer: Option<Answer> = None;
    for _ in 0..10_000 {
        match fetch.poll_step(now) {
            FetchStep::Send(req) => {
                assert!(req.headers().get("authorization").is_none());
                assert!(req.headers().get("referer").is_none());
                let a = server(&req);
                requests.push(req);
                if a.fail {
                    fetch.handle_send_failure(
                        now,
                        TransportFailure::new(
                            crate::TransportCause::ConnectionRefused,
                            "connection refused",
                        ),
                    );
                    continue;
                }
                let mut h = HeaderMap::new();
                for (k, v) in &a.headers {
                    h.insert(*k, v.parse().unwrap());
                }
                fetch.handle_head(now, StatusCode::from_u16(a.status).unwrap(), &h);
                answer = Some(a);
            }
            FetchStep::ReadBody => {
                let a = answer.take().expect("a body to read");
                let end = a.cut_after.unwrap_or(a.body.len()).min(a.body.len());
                let mut stopped = false;
                for chunk in a.body[..end].chunks(3) {
                    match fetch.handle_chunk(now, chunk) {
                        Some(b) => bytes.extend_from_slice(b),
                        None => {
                            stopped = true;
                            break;
                        }
                    }
                }
                if stopped {
                    continue;
                }
                if a.cut_after.is_some() {
                    fetch.handle_read_failure(now, std::io::Error::other("reset"));
                } else {
                    fetch.handle_body_end(now);
                }
            }
            FetchStep::Truncate => bytes.clear(),
            FetchStep::Record(r) => record = Some(r),
            FetchStep::Wait => {
                now = fetch.poll_timeout().expect("a deadline to wait for");
                fetch.handle_timeout(now);
            }
            FetchStep::Done(result) => {
                return Run {
                    result,
                    requests,
                    bytes,
                    record,
                    waited: now - start,
                };
            }
        }
    }
    panic!("the download never ended");
}

fn target(url: &str) -> DownloadTarget {
    DownloadTarget {
        image_id: "1".into(),
        size_key: Some("large".into()),
        url: url.into(),
        offering: None,
    }
}

fn fetch(sink: SinkKind) -> Fetch {
    Fetch::new(target("https://dl.example/f?sig=secret"), sink, false).unwrap()
}

const FILE: &[u8] = b"0123456789abcdefghij";

#[test]
fn a_whole_file_in_one_answer() {
    let run = drive(fetch(SinkKind::File), Vec::new(), |r| {
        serve(r, FILE, "\"v1\"")
    });
    let s = run.result.unwrap();
    assert_eq!((s.bytes, s.resumes, s.resumed_from), (20, 0, 0));
    assert_eq!(run.bytes, FILE);
    assert!(run.requests[0].headers().get("range").is_none());
    let record = run.record.unwrap();
    assert_eq!(record.total, Some(20));
    assert_eq!(record.etag.as_deref(), Some("\"v1\""));
}

#[test]
fn a_cut_resumes_with_range_and_if_range() {
    let mut first = true;
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |r| {
        let mut a = serve(r, FILE, "\"v1\"");
        if std::mem::take(&mut first) {
            a.cut_after = Some(7);
        }
        a
    });
    assert_eq!(run.result.unwrap().resumes, 1);
    assert_eq!(run.bytes, FILE);
    let h = run.requests[1].headers();
    assert_eq!(h["range"], "bytes=7-");
    assert_eq!(h["if-range"], "\"v1\"");
    assert_eq!(run.waited, Duration::ZERO, "no pause after progress");
}

#[test]
fn a_file_that_changes_between_a_cut_and_its_resume_is_never_spliced() {
    let new_file = b"ABCDEFGHIJKLMNOPQRST";
    // A server honouring If-Range: the whole new file comes with a 200.
    for sink in [SinkKind::File, SinkKind::Stream] {
        let mut n = 0;
        let run = drive(fetch(sink), Vec::new(), |r| {
            n += 1;
            if n == 1 {
                Answer {
                    cut_after: Some(9),
                    ..serve(r, FILE, "\"v1\"")
                }
            } else {
                serve(r, new_file, "\"v2\"")
            }
        });
        match sink {
            SinkKind::File => {
                assert_eq!(run.bytes, new_file);
                assert_eq!(run.record.unwrap().etag.as_deref(), Some("\"v2\""));
                run.result.unwrap();
            }
            SinkKind::Stream => {
                let e = run.result.unwrap_err();
                assert!(e.to_string().contains("same file"), "{e}");
            }
        }
    }
    // A server ignoring If-Range: a 206 of the new file, with its new ETag.
    let mut n = 0;
    let run = drive(fetch(SinkKind::File), Vec::new(), |r| {
        n += 1;
        let mut a = if n == 1 {
            serve(r, FILE, "\"v1\"")
        } else {
            let mut plain = r.clone();
            plain.headers_mut().remove("if-range");
            serve(&plain, new_file, "\"v2\"")
        };
        if n == 1 {
            a.cut_after = Some(9);
        }
        a
    });
    run.result.unwrap();
    assert_eq!(run.bytes, new_file);
}

#[test]
fn without_a_validator_a_cut_starts_over_or_fails() {
    let mut n = 0;
    let run = drive(fetch(SinkKind::File), Vec::new(), |_| {
        n += 1;
        Answer {
            cut_after: (n == 1).then_some(9),
            ..ok(FILE, None)
        }
    });
    run.result.unwrap();
    assert_eq!(run.bytes, FILE);
    assert!(run.requests[1].headers().get("range").is_none());
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |_| Answer {
        cut_after: Some(9),
        ..ok(FILE, None)
    });
    let e = run.result.unwrap_err();
    assert!(e.to_string().contains("cannot resume safely"), "{e}");
}

#[test]
fn a_server_ignoring_range_gets_a_clean_restart() {
    let mut n = 0;
    let run = drive(fetch(SinkKind::File), Vec::new(), |_| {
        n += 1;
        Answer {
            cut_after: (n == 1).then_some(9),
            ..ok(FILE, Some("\"v1\""))
        }
    });
    run.result.unwrap();
    assert_eq!(run.bytes, FILE);
    // A writer with a matching strong ETag: the prefix is skipped instead.
    let mut n = 0;
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |_| {
        n += 1;
        Answer {
            cut_after: (n == 1).then_some(9),
            ..ok(FILE, Some("\"v1\""))
        }
    });
    run.result.unwrap();
    assert_eq!(run.bytes, FILE);
}

#[test]
fn lying_content_ranges_are_caught() {
    type Server = Box<dyn Fn(&http::Request<Vec<u8>>) -> Answer>;
    let cut_then = |second: Server| {
        let mut n = 0;
        drive(fetch(SinkKind::File), Vec::new(), move |r| {
            n += 1;
            if n == 1 {
                Answer {
                    cut_after: Some(9),
                    ..serve(r, FILE, "\"v1\"")
                }
            } else {
                second(r)
            }
        })
    };
    // Content-Length contradicting Content-Range.
    let run = cut_then(Box::new(|r| {
        let mut a = serve(r, FILE, "\"v1\"");
        a.headers[1].1 = "3".into();
        a
    }));
    assert!(run.result.unwrap_err().to_string().contains("contradicts"));
    // A 206 that starts before the bytes held: started over, then right.
    let run = cut_then(Box::new(|r| {
        if r.headers().get("range").is_some() {
            Answer {
                status: 206,
                headers: vec![
                    ("content-range", "bytes 2-19/20".into()),
                    ("etag", "\"v1\"".into()),
                ],
                body: FILE[2..].to_vec(),
                ..Answer::default()
            }
        } else {
            serve(r, FILE, "\"v1\"")
        }
    }));
    run.result.unwrap();
    assert_eq!(run.bytes, FILE);
    // A total that changed: started over.
    let run = cut_then(Box::new(|r| {
        if r.headers().get("range").is_some() {
            Answer {
                status: 206,
                headers: vec![("content-range", "bytes 9-29/30".into())],
                body: vec![b'x'; 21],
                ..Answer::default()
            }
        } else {
            serve(r, FILE, "\"v1\"")
        }
    }));
    run.result.unwrap();
    assert_eq!(run.bytes, FILE);
    // Garbage.
    let run = cut_then(Box::new(|_| Answer {
        status: 206,
        headers: vec![("content-range", "bytes 9-5/20".into())],
        ..Answer::default()
    }));
    assert_eq!(run.result.unwrap_err().kind(), crate::ErrorKind::Decode);
}

#[test]
fn a_body_longer_than_announced_fails_without_writing_the_excess() {
    let mut a = ok(FILE, Some("\"v1\""));
    a.headers[0].1 = "10".into();
    let run = drive(fetch(SinkKind::File), Vec::new(), move |_| a.clone());
    let e = run.result.unwrap_err();
    assert!(e.to_string().contains("more bytes"), "{e}");
    assert!(run.bytes.len() <= 10);
    assert_eq!(run.bytes, &FILE[..run.bytes.len()]);
}

#[test]
fn the_http_answer_decides_the_length() {
    // No catalog size anywhere: the 206 total and Content-Length are what count.
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |r| {
        serve(r, FILE, "\"v\"")
    });
    assert_eq!(run.result.unwrap().bytes, 20);
    // A body shorter than its Content-Length is a cut, not a success.
    let mut n = 0;
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |r| {
        n += 1;
        let mut a = serve(r, FILE, "\"v\"");
        if n == 1 {
            a.body.truncate(5);
        }
        a
    });
    assert_eq!(run.result.unwrap().resumes, 1);
    assert_eq!(run.bytes, FILE);
}

#[test]
fn redirects_are_few_checked_and_carry_nothing() {
    let redirect = |to: &str| Answer {
        status: 302,
        headers: vec![("location", to.to_owned())],
        ..Answer::default()
    };
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |r| {
        if r.uri().host() == Some("dl.example") {
            redirect("https://cdn.example/file?sig=2")
        } else {
            serve(r, FILE, "\"v\"")
        }
    });
    run.result.unwrap();
    assert_eq!(run.requests[1].uri().host(), Some("cdn.example"));
    // To plain HTTP: refused, and the message shows no path or query.
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |_| {
        redirect("http://evil.example/steal?sig=2")
    });
    let e = run.result.unwrap_err().to_string();
    assert!(
        e.contains("http://evil.example") && !e.contains("steal"),
        "{e}"
    );
    assert_eq!(run.requests.len(), 1);
    // A loop: bounded.
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |_| redirect("/again"));
    assert!(run.result.unwrap_err().to_string().contains("redirects"));
    assert_eq!(run.requests.len() as u32, MAX_REDIRECTS + 1);
    // Plain HTTP is fine when the client's own base is.
    let f = Fetch::new(target("http://dl.example/f"), SinkKind::Stream, true).unwrap();
    let run = drive(f, Vec::new(), |r| {
        if r.uri().path() == "/f" {
            redirect("http://dl.example/g")
        } else {
            serve(r, FILE, "\"v\"")
        }
    });
    run.result.unwrap();
    assert!(Fetch::new(target("http://dl.example/f"), SinkKind::Stream, false).is_err());
}

#[test]
fn an_earlier_runs_part_resumes_only_with_a_matching_record() {
    let record = |image: &str, etag: Option<&str>| {
        PartRecord {
            image_id: image.into(),
            size_key: Some("large".into()),
            total: Some(20),
            etag: etag.map(str::to_owned),
            ..PartRecord::default()
        }
        .to_bytes()
    };
    // Matching: only the rest is fetched.
    let mut f = fetch(SinkKind::File);
    f.handle_part(8, Some(&record("1", Some("\"v1\""))));
    let run = drive(f, FILE[..8].to_vec(), |r| serve(r, FILE, "\"v1\""));
    let s = run.result.unwrap();
    assert_eq!((s.resumed_from, s.bytes), (8, 20));
    assert_eq!(run.bytes, FILE);
    assert_eq!(run.requests[0].headers()["if-range"], "\"v1\"");
    // Another image, no validator, no record, junk: started over.
    for rec in [
        Some(record("2", Some("\"v1\""))),
        Some(record("1", None)),
        None,
        Some(b"junk".to_vec()),
    ] {
        let mut f = fetch(SinkKind::File);
        f.handle_part(8, rec.as_deref());
        let run = drive(f, b"XXXXXXXX".to_vec(), |r| serve(r, FILE, "\"v1\""));
        assert_eq!(run.result.unwrap().resumed_from, 0);
        assert_eq!(run.bytes, FILE);
        assert!(run.requests[0].headers().get("range").is_none());
    }
    // Complete already: a 416 with the same total.
    let mut f = fetch(SinkKind::File);
    f.handle_part(20, Some(&record("1", Some("\"v1\""))));
    let run = drive(f, FILE.to_vec(), |r| serve(r, FILE, "\"v1\""));
    assert_eq!(run.result.unwrap().bytes, 20);
    assert_eq!(run.requests.len(), 1);
}

#[test]
fn pauses_are_deadlines_and_attempts_are_bounded() {
    // Nothing but 503s: a growing pause between attempts, then the error.
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |_| Answer {
        status: 503,
        ..Answer::default()
    });
    assert_eq!(run.result.unwrap_err().kind(), crate::ErrorKind::Http);
    assert_eq!(run.requests.len() as u32, MAX_STALLED_ATTEMPTS);
    assert_eq!(run.waited, Duration::from_millis(250 + 500 + 750));
    // Retry-After is honoured; a long one ends the download.
    let mut n = 0;
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |r| {
        n += 1;
        if n == 1 {
            Answer {
                status: 429,
                headers: vec![("retry-after", "3".into())],
                ..Answer::default()
            }
        } else {
            serve(r, FILE, "\"v\"")
        }
    });
    run.result.unwrap();
    assert_eq!(run.waited, Duration::from_secs(3));
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |_| Answer {
        status: 503,
        headers: vec![("retry-after", "86400".into())],
        ..Answer::default()
    });
    assert!(run.result.is_err());
    assert_eq!(run.requests.len(), 1);
    // A server dripping one byte per connection: bounded by MAX_REQUESTS.
    let big = vec![7u8; 1000];
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |r| Answer {
        cut_after: Some(3),
        ..serve(r, &big, "\"v\"")
    });
    assert!(run.result.is_err());
    assert_eq!(run.requests.len() as u32, MAX_REQUESTS);
    // Connection failures and client errors.
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |_| Answer {
        fail: true,
        ..Answer::default()
    });
    assert_eq!(run.result.unwrap_err().kind(), crate::ErrorKind::Transport);
    let run = drive(fetch(SinkKind::Stream), Vec::new(), |_| Answer {
        status: 403,
        ..Answer::default()
    });
    assert!(run.result.is_err());
    assert_eq!(run.requests.len(), 1, "403 is final");
}

#[test]
fn urls_stay_out_of_debug_and_errors() {
    let t = target("https://dl.example/sentinel-path?sig=sentinel");
    assert!(!format!("{t:?}").contains("sentinel"));
    let f = Fetch::new(t.clone(), SinkKind::Stream, false).unwrap();
    assert!(!format!("{f:?}").contains("sentinel"));
    assert!(!format!("{:?}", DownloadJob::new(t)).contains("sentinel"));
    let run = drive(
        Fetch::new(
            target("https://dl.example/sentinel-path?sig=sentinel"),
            SinkKind::Stream,
            false,
        )
        .unwrap(),
        Vec::new(),
        |_| Answer {
            fail: true,
            ..Answer::default()
        },
    );
    assert!(!run.result.unwrap_err().to_string().contains("sentinel"));
    // A transport whose error quotes the URL: neither the message nor its source shows it.
    let mut f = Fetch::new(
        target("https://dl.example/sentinel-path?sig=sentinel"),
        SinkKind::Stream,
        false,
    )
    .unwrap();
    let now = Instant::now();
    let FetchStep::Send(_) = f.poll_step(now) else {
        panic!("a request first")
    };
    let quoted = || {
        let e =
            std::io::Error::other("error sending https://dl.example/sentinel-path?sig=sentinel");
        TransportFailure::new(crate::TransportCause::Other, e.to_string()).with_source(e)
    };
    f.handle_send_failure(now, quoted());
    let mut chain = String::new();
    for _ in 0..2 * MAX_STALLED_ATTEMPTS {
        match f.poll_step(now) {
            FetchStep::Done(Err(e)) => {
                let mut cur: Option<&dyn std::error::Error> = Some(&e);
                while let Some(err) = cur {
                    chain.push_str(&err.to_string());
                    cur = err.source();
                }
                break;
            }
            FetchStep::Send(_) => f.handle_send_failure(now, quoted()),
            FetchStep::Wait => {
                let at = f.poll_timeout().unwrap();
                f.handle_timeout(at);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(chain.contains("<download URL>"), "{chain}");
    assert!(!chain.contains("sentinel"), "{chain}");
}

fn answer<T>(result: T) -> Result<Response<T>, Error> {
    Ok(Response {
        header: Default::default(),
        result,
    })
}

#[test]
fn the_size_asked_for_is_the_size_downloaded() {
    let auth = |tok: &str, size: Option<&str>| connect_types::ops::Authorization {
        download_token: Some(tok.into()),
        size_key: size.map(str::to_owned),
        ..Default::default()
    };
    let result = |auths, size: Option<&str>| GetImageDownloadAuthorizationsResult {
        images: vec![ImageAuthorizations {
            authorizations: auths,
            image_id: Some("1".into()),
            size_key: size.map(str::to_owned),
            ..Default::default()
        }],
    };
    let any = OfferingChoice::Default;
    let r = result(vec![auth("", None), auth("tok", None)], Some("Large"));
    let picked = token_for_size(&r, "1", "large", &any).unwrap();
    assert_eq!(
        (picked.token.expose(), picked.size_key.as_deref()),
        ("tok", Some("Large"))
    );
    let r = result(vec![auth("small-tok", Some("small"))], None);
    let e = token_for_size(&r, "1", "large", &any)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("at size large (it is authorized at small only)"),
        "{e}"
    );
    let e = token_for_size(&result(vec![], None), "1", "large", &any).unwrap_err();
    assert!(e.to_string().contains("image 1"));
    // The largest: its own token, no second authorization.
    let mut flow = Authorize::new("1", SizeChoice::Largest, false);
    let AuthorizeStep::LargestAuthorizations(_) = flow.poll_call() else {
        panic!("largest first")
    };
    flow.handle_largest_authorizations(answer(GetLargestImageDownloadAuthorizationsResult {
        images: vec![LargestImageAuthorizations {
            authorizations: vec![auth("big-tok", Some("master"))],
            image_id: Some("1".into()),
        }],
    }));
    let AuthorizeStep::CreateDownloadRequest(req) = flow.poll_call() else {
        panic!("then the URL")
    };
    assert_eq!(req.download_items[0].download_token, "big-tok");
    flow.handle_download_request(answer(CreateDownloadRequestResult {
        download_urls: vec![DownloadUrl {
            url_attachment: Some("https://dl.example/x".into()),
            ..Default::default()
        }],
    }));
    let AuthorizeStep::Done(Ok(t)) = flow.poll_call() else {
        panic!("a target")
    };
    assert_eq!(
        (t.size_key.as_deref(), t.url.as_str()),
        (Some("master"), "https://dl.example/x")
    );
    // A plain-HTTP URL from an HTTPS client is refused; an empty answer is an error.
    let http_url = CreateDownloadRequestResult {
        download_urls: vec![DownloadUrl {
            url_attachment: Some("http://dl.example/x".into()),
            ..Default::default()
        }],
    };
    assert!(DownloadTarget::from_result(&http_url, "1", None, false).is_err());
    assert!(DownloadTarget::from_result(&http_url, "1", None, true).is_ok());
    let empty = CreateDownloadRequestResult::default();
    assert!(DownloadTarget::from_result(&empty, "1", None, true).is_err());
}

fn offered(offering: &str, free: bool, left: Option<i64>) -> Authorization {
    Authorization {
        download_is_free: Some(free),
        download_token: Some(format!("{offering}-token")),
        product_offering_instance_id: Some(format!("{offering}-1")),
        product_offering_type: Some(ProductOffering::parse(offering)),
        downloads_remaining: left,
        ..Authorization::default()
    }
}

fn sized(auths: Vec<Authorization>) -> GetImageDownloadAuthorizationsResult {
    GetImageDownloadAuthorizationsResult {
        images: vec![ImageAuthorizations {
            authorizations: auths,
            image_id: Some("1".into()),
            size_key: Some("large".into()),
            ..Default::default()
        }],
    }
}

/// Runs `flow` through its authorization answer and CreateDownloadRequest; returns the token
/// it spent and the target.
fn spent(
    mut flow: Authorize,
    sized_answer: GetImageDownloadAuthorizationsResult,
    largest: GetLargestImageDownloadAuthorizationsResult,
) -> (Option<String>, Result<DownloadTarget, Error>) {
    let mut token = None;
    loop {
        match flow.poll_call() {
            AuthorizeStep::ImageAuthorizations(_) => {
                flow.handle_image_authorizations(answer(sized_answer.clone()));
            }
            AuthorizeStep::LargestAuthorizations(_) => {
                flow.handle_largest_authorizations(answer(largest.clone()));
            }
            AuthorizeStep::CreateDownloadRequest(r) => {
                token = Some(r.download_items[0].download_token.clone());
                flow.handle_download_request(answer(CreateDownloadRequestResult {
                    download_urls: vec![DownloadUrl {
                        url_attachment: Some("https://dl.example/x".into()),
                        ..Default::default()
                    }],
                }));
            }
            AuthorizeStep::Done(target) => return (token, target),
        }
    }
}

#[test]
fn the_chosen_offering_is_the_token_spent_and_the_target_says_which() {
    let auths = vec![
        offered("ImagePack", false, Some(9)),
        offered("PremiumAccess", false, Some(250)),
        offered("EasyAccess", true, None),
    ];
    let largest = GetLargestImageDownloadAuthorizationsResult {
        images: vec![LargestImageAuthorizations {
            authorizations: auths
                .iter()
                .map(|a| Authorization {
                    size_key: Some("master".into()),
                    downloads_remaining: None,
                    ..a.clone()
                })
                .filter(|a| a.product_offering_type != Some(ProductOffering::EasyAccess))
                .collect(),
            image_id: Some("1".into()),
        }],
    };
    let key = || SizeChoice::Key("large".into());
    // The default: the free offering.
    let (token, target) = spent(
        Authorize::new("1", key(), false),
        sized(auths.clone()),
        largest.clone(),
    );
    assert_eq!(token.as_deref(), Some("EasyAccess-token"));
    let chosen = target.unwrap().offering.unwrap();
    assert_eq!(
        (chosen.name(), chosen.reason),
        ("EasyAccess", ChoiceReason::Free)
    );
    assert_eq!(chosen.instance_id.as_deref(), Some("EasyAccess-1"));
    // Named, by type or instance.
    let flow = Authorize::new("1", key(), false).with_offering(OfferingChoice::named("imagepack"));
    let (token, target) = spent(flow, sized(auths.clone()), largest.clone());
    assert_eq!(token.as_deref(), Some("ImagePack-token"));
    assert_eq!(
        target.unwrap().offering.unwrap().reason,
        ChoiceReason::Named
    );
    let flow =
        Authorize::new("1", key(), false).with_offering(OfferingChoice::named("PremiumAccess-1"));
    let (token, _) = spent(flow, sized(auths.clone()), largest.clone());
    assert_eq!(token.as_deref(), Some("PremiumAccess-token"));
    // Largest, with no count of downloads left: the first listed.
    let (token, target) = spent(
        Authorize::new("1", SizeChoice::Largest, false),
        sized(auths.clone()),
        largest.clone(),
    );
    assert_eq!(token.as_deref(), Some("ImagePack-token"));
    let target = target.unwrap();
    assert_eq!(target.size_key.as_deref(), Some("master"));
    assert_eq!(target.offering.unwrap().reason, ChoiceReason::FirstListed);
    // An offering not among them: refused, and CreateDownloadRequest never asked for.
    let flow = Authorize::new("1", SizeChoice::Largest, false)
        .with_offering(OfferingChoice::named("EasyAccess"));
    let (token, target) = spent(flow, sized(auths.clone()), largest);
    assert_eq!(token, None, "nothing spent");
    let e = target.unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::Refused);
    let text = e.to_string();
    assert!(text.starts_with("image 1 at its largest size has no authorization from the product offering \"EasyAccess\""), "{text}");
    assert!(
        text.contains("ImagePack ImagePack-1, PremiumAccess PremiumAccess-1"),
        "{text}"
    );
    assert!(!text.contains("-token"), "{text}");
    // The tokens never show in Debug output.
    let picked = token_for_size(&sized(auths), "1", "large", &OfferingChoice::Default).unwrap();
    let shown = format!("{picked:?}");
    assert!(
        !shown.contains("-token") && shown.contains("EasyAccess"),
        "{shown}"
    );
}

#[test]
fn progress_reads_as_a_line() {
    let p = |bytes, total| Progress { bytes, total }.to_string();
    assert_eq!(
        p(1_048_576, Some(4_194_304)),
        "1048576 of 4194304 bytes (25%)"
    );
    assert_eq!(p(10, None), "10 bytes");
    assert_eq!(p(0, Some(0)), "0 of 0 bytes");
    // More than announced never shows more than 100%.
    assert_eq!(p(12, Some(10)), "12 of 10 bytes (100%)");
}

#[test]
fn progress_is_heard_by_steps_and_time_not_per_read() {
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut job = DownloadJob::new(target("https://dl.example/f"));
    let sink = heard.clone();
    job.progress = Some(Box::new(move |p| sink.lock().unwrap().push(p.bytes)));
    let start = Instant::now();
    let total = 4 * 1024 * 1024;
    // 256 reads of 16 KiB, all within one millisecond: a fast link.
    for i in 1..=256u64 {
        let p = Progress {
            bytes: i * 16 * 1024,
            total: Some(total),
        };
        job.report(start + Duration::from_micros(i), p);
    }
    let fast = heard.lock().unwrap().clone();
    assert_eq!(fast.first(), Some(&(16 * 1024)), "the first bytes");
    assert_eq!(fast.last(), Some(&total), "the end");
    assert!(
        (19..=22).contains(&fast.len()),
        "about one per 5 %: {fast:?}"
    );
    // A slow link: one read a second; every read is heard (time), each once.
    heard.lock().unwrap().clear();
    let mut job2 = DownloadJob::new(target("https://dl.example/f"));
    let sink = heard.clone();
    job2.progress = Some(Box::new(move |p| sink.lock().unwrap().push(p.bytes)));
    for i in 1..=5u64 {
        let p = Progress {
            bytes: i * 100,
            total: Some(total),
        };
        job2.report(start + Duration::from_secs(i), p);
        job2.report(start + Duration::from_secs(i), p);
    }
    assert_eq!(*heard.lock().unwrap(), vec![100, 200, 300, 400, 500]);
}
