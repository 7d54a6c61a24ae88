//! What a hostile client cannot do: predict or forge secrets, grow memory without bound,
//! hold connections forever, or reach the control endpoints of a sandbox that did not enable
//! them.

use crate::common::*;
use connect_sandbox::{Limits, SandboxConfig};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn lightbox_call(c: &Client, token: &str, op: &str, body: Value) -> Value {
    c.call(
        &c.http,
        &format!("/v1/lightbox/{op}"),
        Some(token),
        &format!("{op}RequestBody"),
        body,
    )
    .1
}

#[test]
fn same_seed_sandboxes_issue_unrelated_tokens() {
    let a = start(SandboxConfig::default().with_images(300).with_seed(7));
    let b = start(SandboxConfig::default().with_images(300).with_seed(7));
    let (ca, cb) = (Client::new(&a), Client::new(&b));
    let (ta, sa) = ca.session("alice");
    let (tb, sb) = cb.session("alice");
    assert_ne!(ta, tb);
    assert_ne!(sa, sb);
    // The catalog, though, is the same.
    let q = json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 3, "ItemStartNumber": 1}});
    // (Picture links name each sandbox's own listener.)
    assert_eq!(
        ca.search(&ta, q.clone()).1["SearchForImagesResult"]
            .to_string()
            .replace(&ca.http, "<sandbox>"),
        cb.search(&tb, q).1["SearchForImagesResult"]
            .to_string()
            .replace(&cb.http, "<sandbox>")
    );
    // A token is its prefix and, in hex, a per-start nonce, a counter, its sealed claims
    // (expiry and user) and their 256-bit HMAC tag: unforgeable without the sandbox's key.
    assert_eq!(
        ta.len(),
        3 + 2 * (8 + 8 + 8 + 1 + "alice".len() + 32),
        "{ta}"
    );
}

fn download_url(c: &Client, secure: &str) -> String {
    let (_, v) = c.call(
        &c.https,
        "/v1/download/GetImageDownloadAuthorizations",
        Some(secure),
        "GetImageDownloadAuthorizationsRequestBody",
        json!({"ImageSizes": [{"ImageId": "100000001", "SizeKey": "small"}]}),
    );
    let token = v["GetImageDownloadAuthorizationsResult"]["Images"][0]["Authorizations"][0]
        ["DownloadToken"]
        .as_str()
        .unwrap_or_else(|| panic!("a download token: {v}"))
        .to_owned();
    let (_, v) = c.call(
        &c.https,
        "/v1/download/CreateDownloadRequest",
        Some(secure),
        "CreateDownloadRequestBody",
        json!({"DownloadItems": [{"DownloadToken": token}]}),
    );
    v["CreateDownloadRequestResult"]["DownloadUrls"][0]["UrlAttachment"]
        .as_str()
        .unwrap_or_else(|| panic!("a URL: {v}"))
        .to_owned()
}

fn get_status(c: &Client, url: &str) -> u16 {
    c.agent.get(url).call().unwrap().status().as_u16()
}

#[test]
fn altered_or_foreign_download_urls_are_refused() {
    let sb = start(SandboxConfig::default().with_images(300));
    let c = Client::new(&sb);
    let (_, secure) = c.session("alice");
    let url = download_url(&c, &secure);
    assert_eq!(get_status(&c, &url), 200);
    // Another asset, another size, a later expiry: each breaks the signature.
    for (from, to) in [("i1.", "i2."), (".small.", ".master.")] {
        let forged = url.replacen(from, to, 1);
        assert_ne!(forged, url, "{from} in {url}");
        assert_eq!(get_status(&c, &forged), 404, "{forged}");
    }
    let (head, sig) = url.rsplit_once('.').unwrap();
    let (rest, expiry) = head.rsplit_once('.').unwrap();
    let later: i64 = expiry.parse::<i64>().unwrap() + 1;
    assert_eq!(get_status(&c, &format!("{rest}.{later}.{sig}")), 404);
    // A URL signed by another sandbox with the same seed is foreign here.
    let other = start(SandboxConfig::default().with_images(300));
    let oc = Client::new(&other);
    let (_, osecure) = oc.session("alice");
    let foreign = download_url(&oc, &osecure).replacen(&oc.https, &c.https, 1);
    assert_eq!(get_status(&c, &foreign), 404);
}

#[test]
fn lightbox_caps_and_lengths_are_enforced() {
    let limits = Limits {
        max_lightboxes_per_user: 3,
        max_items_per_lightbox: 4,
        max_name_chars: 10,
        max_text_chars: 20,
        ..Limits::default()
    };
    let sb = start(
        SandboxConfig::default()
            .with_images(300)
            .with_limits(limits),
    );
    let c = Client::new(&sb);
    let (alice, _) = c.session("alice");
    let (bob, _) = c.session("bob");
    let mut ids = Vec::new();
    for i in 0..3 {
        let v = lightbox_call(
            &c,
            &alice,
            "CreateLightbox",
            json!({"LightboxName": format!("box {i}")}),
        );
        assert_eq!(status(&v), "Success", "{v}");
        ids.push(v["CreateLightboxResult"]["LightboxId"].as_u64().unwrap());
    }
    let v = lightbox_call(
        &c,
        &alice,
        "CreateLightbox",
        json!({"LightboxName": "one more"}),
    );
    assert_error(&v, "InvalidRequest");
    // The cap is per user, and deleting makes room again.
    let v = lightbox_call(&c, &bob, "CreateLightbox", json!({"LightboxName": "bob's"}));
    assert_eq!(status(&v), "Success", "{v}");
    let v = lightbox_call(&c, &alice, "DeleteLightbox", json!({"LightboxId": ids[0]}));
    assert_eq!(status(&v), "Success", "{v}");
    let v = lightbox_call(
        &c,
        &alice,
        "CreateLightbox",
        json!({"LightboxName": "again"}),
    );
    assert_eq!(status(&v), "Success", "{v}");

    let v = lightbox_call(
        &c,
        &alice,
        "CreateLightbox",
        json!({"LightboxName": "x".repeat(11)}),
    );
    assert_error(&v, "InvalidLightboxName");
    let v = lightbox_call(
        &c,
        &alice,
        "UpdateLightboxHeader",
        json!({"LightboxId": ids[1], "LightboxName": "y".repeat(11)}),
    );
    assert_error(&v, "InvalidLightboxName");
    for field in ["Notes", "ClientName", "ProjectName"] {
        let v = lightbox_call(
            &c,
            &alice,
            "UpdateLightboxHeader",
            json!({"LightboxId": ids[1], "LightboxName": "ok", field: "z".repeat(21)}),
        );
        assert_error(&v, "InvalidRequest");
    }

    // Items: the same image under two spellings is one item; past the cap nothing is added.
    let id = ids[1];
    let v = lightbox_call(
        &c,
        &alice,
        "CreateLightboxItems",
        json!({"LightboxId": id, "AssetIds": ["100000001", "0100000001", "100000002"]}),
    );
    assert_eq!(status(&v), "Success", "{v}");
    let v = lightbox_call(
        &c,
        &alice,
        "CreateLightboxItems",
        json!({"LightboxId": id, "AssetIds": ["00100000002", "100000003", "100000004"]}),
    );
    assert_eq!(status(&v), "Success", "{v}");
    let v = lightbox_call(
        &c,
        &alice,
        "CreateLightboxItems",
        json!({"LightboxId": id, "AssetIds": ["100000005"]}),
    );
    assert_error(&v, "InvalidRequest");
    let v = lightbox_call(
        &c,
        &alice,
        "GetLightbox",
        json!({"LightboxId": id, "LightboxItemsViewOptions": {"ItemCount": 10, "ItemStartNumber": 1}}),
    );
    let items: Vec<&str> = v["GetLightboxResult"]["Lightbox"]["LightboxItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["AssetId"].as_str().unwrap())
        .collect();
    assert_eq!(
        items,
        ["100000001", "100000002", "100000003", "100000004"],
        "{v}"
    );
    // Deleting by another spelling removes the canonical item.
    let v = lightbox_call(
        &c,
        &alice,
        "DeleteLightboxItems",
        json!({"LightboxId": id, "AssetIds": ["0100000001"]}),
    );
    assert_eq!(status(&v), "Success", "{v}");
    let v = lightbox_call(
        &c,
        &alice,
        "GetLightbox",
        json!({"LightboxId": id, "LightboxItemsViewOptions": {"ItemCount": 10, "ItemStartNumber": 1}}),
    );
    assert_eq!(
        v["GetLightboxResult"]["Lightbox"]["LightboxItems"]
            .as_array()
            .unwrap()
            .len(),
        3,
        "{v}"
    );
}

#[test]
fn live_tokens_per_user_are_capped_oldest_first() {
    let limits = Limits {
        max_tokens_per_user: 4,
        ..Limits::default()
    };
    let sb = start(
        SandboxConfig::default()
            .with_images(300)
            .with_limits(limits),
    );
    let c = Client::new(&sb);
    let first = c.oauth("alice");
    let bob = c.oauth("bob");
    // Each password grant issues an access and a refresh token: two more grants push the
    // first access token out.
    c.oauth("alice");
    c.oauth("alice");
    let q = json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}});
    assert_error(&c.search(&first, q.clone()).1, "AUTH-021");
    assert_eq!(status(&c.search(&bob, q).1), "Success");
}

#[test]
fn unknown_grant_types_share_one_counter() {
    let sb = start(SandboxConfig::default().with_images(300));
    let c = Client::new(&sb);
    for i in 0..50 {
        let (s, _) = c.token_form(&format!(
            "grant_type=made-up-{i}&client_id=x&client_secret=y"
        ));
        assert_eq!(s, 400);
    }
    let grants = sb.stats().grants;
    assert_eq!(grants.get("other"), Some(&50), "{grants:?}");
    assert_eq!(grants.len(), 1, "{grants:?}");
}

fn raw_connection(addr: std::net::SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    // Far beyond the sandbox's timeouts below: only a sandbox that never closes hits it.
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

/// Reads until the sandbox closes the connection; fails if it does not within the read timeout.
fn read_to_close(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the sandbox kept the connection open: {e}"),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn short_timeouts() -> SandboxConfig {
    SandboxConfig::default()
        .with_images(300)
        .with_limits(Limits {
            header_read_timeout: Duration::from_millis(300),
            idle_timeout: Duration::from_millis(600),
            body_read_timeout: Duration::from_millis(300),
            max_connections: 2,
            ..Limits::default()
        })
}

#[test]
fn a_slow_header_is_cut() {
    let sb = start(short_timeouts());
    let mut s = raw_connection(sb.http_addr());
    s.write_all(b"POST /v2/search/SearchForImages HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let answer = read_to_close(&mut s);
    assert!(!answer.contains("200 OK"), "{answer}");
}

#[test]
fn a_slow_body_gets_408() {
    let sb = start(short_timeouts());
    let mut s = raw_connection(sb.http_addr());
    s.write_all(
        b"POST /v2/search/SearchForImages HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"Req",
    )
    .unwrap();
    let answer = read_to_close(&mut s);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[test]
fn an_idle_keep_alive_connection_is_closed() {
    let sb = start(short_timeouts());
    let mut s = raw_connection(sb.http_addr());
    s.write_all(b"GET /no/such/path HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let answer = read_to_close(&mut s);
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
}

#[test]
fn connections_beyond_the_cap_are_refused() {
    let sb = start(short_timeouts().with_limits(Limits {
        max_connections: 2,
        ..Limits::default()
    }));
    let held: Vec<TcpStream> = (0..2).map(|_| raw_connection(sb.http_addr())).collect();
    // Both held connections are accepted before the third arrives; wait until the sandbox
    // counts them, then the next one is closed without an answer.
    let mut refused = false;
    for _ in 0..200 {
        let mut s = raw_connection(sb.http_addr());
        let _ = s.write_all(b"GET /no/such/path HTTP/1.1\r\nHost: x\r\n\r\n");
        if read_to_close(&mut s).is_empty() {
            refused = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(refused, "a third connection was served while two were held");
    drop(held);
    // Room again once they close.
    let c = Client::new(&sb);
    let mut served = false;
    for _ in 0..200 {
        if c.agent
            .get(format!("{}/no/such/path", c.http))
            .call()
            .is_ok()
        {
            served = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(served);
    assert!(sb.stats().connections_refused >= 1);
}

#[test]
fn control_endpoints_are_off_unless_enabled() {
    let off = start(SandboxConfig::default().with_images(300));
    let c = Client::new(&off);
    for (method, path) in [
        ("GET", "/_sandbox/stats"),
        ("POST", "/_sandbox/revoke"),
        ("POST", "/_sandbox/stats/reset"),
    ] {
        let r = match method {
            "GET" => c.agent.get(format!("{}{path}", c.http)).call(),
            _ => c.agent.post(format!("{}{path}", c.http)).send_empty(),
        };
        assert_eq!(r.unwrap().status().as_u16(), 404, "{path}");
    }
    let on = start(
        SandboxConfig::default()
            .with_images(300)
            .with_control_endpoints(true),
    );
    let c = Client::new(&on);
    let r = c
        .agent
        .get(format!("{}/_sandbox/stats", c.http))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

/// Reads one HTTP/1.1 answer with a `content-length` from `s`; `None` if the connection closed
/// first.
fn read_one_answer(s: &mut TcpStream) -> Option<String> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1];
    // The head, byte by byte, so nothing of a next answer is consumed.
    while !out.ends_with(b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(_) => out.push(buf[0]),
        }
    }
    let head = String::from_utf8_lossy(&out).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    Some(head + &String::from_utf8_lossy(&body))
}

#[test]
fn answers_that_refuse_a_request_still_keep_the_connection_usable() {
    // A wrong method or an unknown path with a body: answered, the body read, and the same
    // keep-alive connection serves the next request (a client's pool reuses it at once).
    let sb = start(SandboxConfig::default().with_images(300));
    for (method, path, status) in [
        ("POST", "/oembed", "405"),
        ("POST", "/download/abc", "405"),
        ("PUT", "/oauth2/token", "405"),
        ("PUT", "/v2/search/SearchForImages", "405"),
        ("POST", "/v1/no/SuchThing", "404"),
    ] {
        let mut s = raw_connection(sb.http_addr());
        let body = "{\"some\": \"body\"}";
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        // The body comes a moment after the head, as from clients that write them apart: an
        // answer sent before it arrived would leave it unread.
        std::thread::sleep(Duration::from_millis(50));
        s.write_all(body.as_bytes()).unwrap();
        let first = read_one_answer(&mut s).expect("an answer");
        assert!(
            first.starts_with(&format!("HTTP/1.1 {status}")),
            "{path}: {first}"
        );
        write!(s, "GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let next = read_one_answer(&mut s);
        assert!(
            next.as_deref()
                .is_some_and(|a| a.starts_with("HTTP/1.1 200")),
            "{method} {path}: the connection was closed after the refusal: {next:?}"
        );
    }
}
