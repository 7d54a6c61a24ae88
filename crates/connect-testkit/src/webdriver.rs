//! Just enough of the W3C WebDriver protocol to drive headless Chromium through `chromedriver`:
//! open a page, type into fields, click, read the URL and the page, take a screenshot.
//!
//! Written against the protocol rather than pulling a WebDriver crate: the few commands a
//! sign-in test needs are plain JSON over a loopback HTTP/1.1 connection, and a client crate
//! would bring its own HTTP stack into the workspace's tree.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What went wrong talking to the browser.
#[derive(Debug)]
pub struct WebDriverError(pub String);

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WebDriverError {}

type Result<T> = std::result::Result<T, WebDriverError>;

fn fail<T>(what: impl Into<String>) -> Result<T> {
    Err(WebDriverError(what.into()))
}

/// Where `chromedriver` and `chromium` are, if this machine has them: `CHROMEDRIVER` and
/// `CHROMIUM` name them explicitly, otherwise the usual Debian paths and `PATH` are searched.
pub fn find_browser() -> Option<(PathBuf, PathBuf)> {
    let find = |var: &str, names: &[&str]| -> Option<PathBuf> {
        if let Some(p) = std::env::var_os(var) {
            return Some(PathBuf::from(p));
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        names.iter().find_map(|name| {
            std::env::split_paths(&path)
                .chain([PathBuf::from("/usr/bin")])
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        })
    };
    Some((
        find("CHROMEDRIVER", &["chromedriver"])?,
        find(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        )?,
    ))
}

/// A running `chromedriver` with one headless Chromium session. Both end on drop.
#[derive(Debug)]
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: TempDir,
}

impl Browser {
    /// Starts `chromedriver` on a port it picks itself and opens a headless session.
    ///
    /// Chromium gets the flags a machine without network needs (no background fetches, no
    /// component updates, no sync), a fresh profile, and accepts the test server's own
    /// certificate authority's certificates (`acceptInsecureCerts`): the sandbox's CA is
    /// generated per run and is not in any trust store the browser reads.
    pub fn start(chromedriver: &Path, chromium: &Path) -> Result<Browser> {
        let mut driver = Command::new(chromedriver)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| WebDriverError(format!("cannot start {}: {e}", chromedriver.display())))?;
        let port = match read_port(&mut driver) {
            Ok(p) => p,
            Err(e) => {
                let _ = driver.kill();
                let _ = driver.wait();
                return Err(e);
            }
        };
        let profile = TempDir::new()?;
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "acceptInsecureCerts": true,
                "goog:chromeOptions": {
                    "binary": chromium.to_string_lossy(),
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--disable-dev-shm-usage", "--window-size=800,700",
                        format!("--user-data-dir={}", profile.0.display()),
                    ]
                }
            }}
        });
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            _profile: profile,
        };
        let value = browser.command("POST", "/session", Some(caps))?;
        browser.session = value["sessionId"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| WebDriverError(format!("no session id in {value}")))?;
        Ok(browser)
    }

    /// Loads `url` and waits for the page to finish loading.
    pub fn goto(&self, url: &str) -> Result<()> {
        self.session_command("POST", "/url", Some(json!({ "url": url })))
            .map(drop)
    }

    /// The address bar's URL, fragment included.
    pub fn current_url(&self) -> Result<String> {
        let v = self.session_command("GET", "/url", None)?;
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| WebDriverError(format!("the URL is not a string: {v}")))
    }

    /// The page's HTML as the browser holds it now.
    pub fn page_source(&self) -> Result<String> {
        let v = self.session_command("GET", "/source", None)?;
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| WebDriverError(format!("the source is not a string: {v}")))
    }

    /// The element `css` selects; an error when there is none.
    pub fn find(&self, css: &str) -> Result<Element<'_>> {
        let v = self.session_command(
            "POST",
            "/element",
            Some(json!({ "using": "css selector", "value": css })),
        )?;
        // The W3C element reference key is fixed by the specification.
        let id = v["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .ok_or_else(|| WebDriverError(format!("no element for {css}: {v}")))?;
        Ok(Element {
            browser: self,
            id: id.to_owned(),
        })
    }

    /// A PNG of the viewport.
    pub fn screenshot(&self) -> Result<Vec<u8>> {
        let v = self.session_command("GET", "/screenshot", None)?;
        let b64 = v
            .as_str()
            .ok_or_else(|| WebDriverError("the screenshot is not a string".into()))?;
        decode_base64(b64)
    }

    /// Polls until the URL satisfies `done`, or `limit` passes.
    pub fn wait_for_url(&self, limit: Duration, done: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = Instant::now() + limit;
        loop {
            let url = self.current_url()?;
            if done(&url) {
                return Ok(url);
            }
            if Instant::now() > deadline {
                return fail(format!("the browser stayed at {url}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls until the page's HTML satisfies `done` (a click's navigation may still be under
    /// way when the click returns), or `limit` passes.
    pub fn wait_for_source(&self, limit: Duration, done: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = Instant::now() + limit;
        loop {
            // Mid-navigation the document may be briefly unreadable: keep polling.
            if let Ok(html) = self.page_source() {
                if done(&html) {
                    return Ok(html);
                }
            }
            if Instant::now() > deadline {
                return fail(format!("the page never matched: {}", self.page_source()?));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn session_command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        self.command(method, &format!("/session/{}{path}", self.session), body)
    }

    /// One WebDriver command: a JSON request, `{"value": …}` back, or the driver's error.
    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))
            .map_err(|e| WebDriverError(format!("chromedriver is not reachable: {e}")))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(|e| WebDriverError(e.to_string()))?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|e| WebDriverError(format!("{method} {path}: {e}")))?;
        // chromedriver keeps the connection open whatever the request says: read the head,
        // then exactly Content-Length bytes.
        let mut reader = BufReader::new(stream);
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            let n = reader
                .read_line(&mut line)
                .map_err(|e| WebDriverError(format!("{method} {path}: {e}")))?;
            if n == 0 {
                return fail(format!("{method} {path}: the answer ended in its head"));
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut raw = vec![0; length];
        reader
            .read_exact(&mut raw)
            .map_err(|e| WebDriverError(format!("{method} {path}: {e}")))?;
        let json_text = String::from_utf8_lossy(&raw);
        let v: Value = serde_json::from_str(&json_text)
            .map_err(|e| WebDriverError(format!("{method} {path}: {e}: {json_text}")))?;
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if let Some(err) = value.get("error").and_then(Value::as_str) {
            let msg = value["message"].as_str().unwrap_or("");
            return fail(format!("{method} {path}: {err}: {msg}"));
        }
        Ok(value)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.command("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// An element of the current page.
#[derive(Debug)]
pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
}

impl Element<'_> {
    /// Types `text` into the element.
    pub fn send_keys(&self, text: &str) -> Result<()> {
        self.browser
            .session_command(
                "POST",
                &format!("/element/{}/value", self.id),
                Some(json!({ "text": text })),
            )
            .map(drop)
    }

    /// Clicks the element.
    pub fn click(&self) -> Result<()> {
        self.browser
            .session_command(
                "POST",
                &format!("/element/{}/click", self.id),
                Some(json!({})),
            )
            .map(drop)
    }
}

/// Reads chromedriver's start-up line, "… started successfully on port N.".
fn read_port(driver: &mut Child) -> Result<u16> {
    let Some(out) = driver.stdout.take() else {
        return fail("chromedriver has no stdout");
    };
    let mut lines = BufReader::new(out).lines();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.split("on port ").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if line.contains("successfully") {
                if let Ok(port) = digits.parse() {
                    // Keep draining its output so chromedriver never blocks on a full pipe.
                    std::thread::spawn(move || lines.for_each(drop));
                    return Ok(port);
                }
            }
        }
    }
    fail("chromedriver exited before it said which port it listens on")
}

/// A directory removed on drop: the browser profile.
#[derive(Debug)]
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "connect-testkit-chromium-{}-{n}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir)
            .map_err(|e| WebDriverError(format!("{}: {e}", dir.display())))?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Standard base64 (the screenshot's encoding), padding and whitespace tolerated.
fn decode_base64(s: &str) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return fail(format!("not base64: byte {c}")),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::decode_base64;

    #[test]
    fn base64_decodes() {
        assert_eq!(decode_base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(decode_base64("iVBORw0KGgo=").unwrap(), b"\x89PNG\r\n\x1a\n");
        assert!(decode_base64("a*").is_err());
    }
}
