//! Test support for `connect-blocking` and `connect-async`. Not published.
//!
//! - [`hostile`]: a scripted HTTP/HTTPS server on `127.0.0.1:0` that answers whatever a test
//!   tells it to (absurd token lifetimes, redirects, garbage, truncated or dripping bodies) and
//!   logs every request it receives, so a test can count requests and look for leaked secrets.
//! - [`proxy`]: a forward proxy (CONNECT tunnels and absolute-form requests) that logs.
//! - [`ports`]: an address that refuses connections deterministically.
//! - [`webdriver`]: a small WebDriver client that drives headless Chromium through
//!   `chromedriver`, for the browser sign-in test.
//! - `suite/`: the behaviour scenarios both clients run. They are not compiled here: each
//!   client's `tests/it/main.rs` includes them with `#[path]` after defining the few macros
//!   that differ between a blocking and an async client (see `suite/scenarios.rs`).

pub mod hostile;
pub mod ports;
pub mod proxy;
mod tls;
pub mod webdriver;

pub use hostile::{Answer, HostileServer, Logged};
pub use ports::RefusingPort;
pub use proxy::Proxy;

/// Every spelling of `secret` a recording could hold it in: as it is, percent-encoded (a URL),
/// and form-encoded (a token request). Tests that look for leaked canaries look for all three.
pub fn spellings(secret: &str) -> [String; 3] {
    let encoded: String = secret
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let form = encoded.replace("%20", "+");
    [secret.to_owned(), encoded, form]
}
