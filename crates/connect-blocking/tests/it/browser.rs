//! The implicit grant in a real browser: headless Chromium, driven over WebDriver, opens the
//! authorize URL that `connect_auth::implicit` builds, signs in on the sandbox's page, lands on
//! the application's redirect URI with the token in the fragment, and the SDK uses that token.
//!
//! Needs `chromedriver` and `chromium` (Debian's `chromium-driver` and `chromium`). `.ci/run`
//! installs them and sets `GETTY_CONNECT_BROWSER_TESTS=required`, which turns a missing
//! browser into a failure; elsewhere the test says it was skipped and passes.

use super::scenarios::{CLIENT_ID, builder, search, start};
use super::sdk;
use connect_sandbox::SandboxConfig;
use connect_testkit::webdriver::{Browser, find_browser};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// The application's redirect URI: a loopback page that answers anything with a short note.
/// Browsers never send the fragment, so the page sees no token; the address bar has it.
fn redirect_target() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let body = "<!DOCTYPE html><title>Signed in</title><p>Back in the application.</p>";
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    format!("http://{addr}/callback")
}

#[test]
fn a_user_signs_in_in_a_browser_and_the_sdk_uses_the_token() {
    let Some((chromedriver, chromium)) = find_browser() else {
        assert!(
            std::env::var("GETTY_CONNECT_BROWSER_TESTS").as_deref() != Ok("required"),
            "GETTY_CONNECT_BROWSER_TESTS=required but chromedriver or chromium is not installed \
             (apt-get install chromium chromium-driver, or set CHROMEDRIVER and CHROMIUM)"
        );
        eprintln!("skipped: no chromedriver/chromium on this machine");
        return;
    };
    let sb = start(SandboxConfig::default());
    let browser = Browser::start(&chromedriver, &chromium).unwrap();
    let redirect_uri = redirect_target();
    let state = "state-7f3a";
    let url = connect_auth::implicit::authorize_url(
        &sb.https_base_url(),
        CLIENT_ID,
        &redirect_uri,
        state,
    );

    // The page, then a wrong password: the page again, with the error, still carrying the
    // authorize parameters.
    browser.goto(&url).unwrap();
    let page = browser.page_source().unwrap();
    assert!(page.contains("Sign in to Getty Images"), "{page}");
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-signin");
    std::fs::create_dir_all(&out).unwrap();
    let png = browser.screenshot().unwrap();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "the screenshot is a PNG"
    );
    std::fs::write(out.join("signin-page.png"), &png).unwrap();

    browser
        .find("#username")
        .unwrap()
        .send_keys("alice")
        .unwrap();
    browser
        .find("#password")
        .unwrap()
        .send_keys("not-her-password")
        .unwrap();
    browser.find("#sign-in").unwrap().click().unwrap();
    // A wrong password shows the page with its error (waiting out the form's navigation).
    let again = browser
        .wait_for_source(Duration::from_secs(30), |html| {
            html.contains(connect_sandbox::WRONG_CREDENTIALS)
        })
        .unwrap();
    assert!(
        again.contains(r#"name="state" value="state-7f3a""#),
        "{again}"
    );
    std::fs::write(
        out.join("signin-wrong-password.png"),
        browser.screenshot().unwrap(),
    )
    .unwrap();

    // The right password: the browser ends on the redirect URI with the token in the fragment.
    // The user name field kept what was typed; the password field starts empty again.
    browser
        .find("#password")
        .unwrap()
        .send_keys("alice-password")
        .unwrap();
    browser.find("#sign-in").unwrap().click().unwrap();
    let landed = browser
        .wait_for_url(Duration::from_secs(30), |u| u.starts_with(&redirect_uri))
        .unwrap();
    assert!(
        landed.contains("#"),
        "the token travels in the fragment: {landed}"
    );
    let token = connect_auth::implicit::parse_redirect(&landed, state).unwrap();
    assert!(token.expires_in.is_some());

    // A forged state is refused, as the SDK promises.
    assert!(connect_auth::implicit::parse_redirect(&landed, "another-state").is_err());

    // The SDK calls the API with that token, and asks for no other.
    let client = builder(
        &sb,
        sdk::Credentials::access_token(token.access_token.clone(), token.expires_in),
    )
    .build()
    .unwrap();
    let found = client.search_images(&search("tree", 5)).unwrap();
    assert!(found.result.item_total_count.unwrap_or(0) >= 1);
    let stats = sb.stats();
    assert_eq!(
        stats.grants.get("implicit").copied(),
        Some(1),
        "one implicit grant, and the client asked for no other token: {:?}",
        stats.grants
    );
}
