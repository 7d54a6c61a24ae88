//! A hostile HTTP(S) server: it answers each request with whatever its script returns, and logs
//! every request it receives.
//!
//! ```
//! use connect_testkit::{Answer, HostileServer};
//! let server = HostileServer::http(|req| match req.path() {
//!     "/oauth2/token" => Answer::html(302, "<p>moved</p>").header("location", "http://elsewhere/"),
//!     _ => Answer::json(200, "{not json"),
//! });
//! assert!(server.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(server.request_count(), 0);
//! ```
//!
//! It is deliberately simple and synchronous (a thread per connection, std sockets, rustls for
//! HTTPS), so blocking and async tests use it alike and a script has full control of the bytes:
//! [`Answer::Raw`] and [`Answer::Drip`] write exactly what they are given (lying headers,
//! truncated bodies, bytes trickling in), [`Answer::HangUp`] closes without a word.
//!
//! Every HTTPS server shares one certificate authority per process ([`HostileServer::ca_pem`]),
//! and the certificate names both `127.0.0.1` and `localhost`: a client that trusts one server
//! could complete a TLS handshake with any other, so when a test redirects to "another host"
//! (`localhost` instead of `127.0.0.1`, or another port), a client that followed would really
//! deliver its request there, and the other server's log would show it.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

/// The largest request head read (64 KiB) and body (4 MiB); bigger requests are cut off.
const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 4 * 1024 * 1024;
/// A connection silent for this long is closed, so no thread outlives its test for long.
const IDLE: Duration = Duration::from_secs(10);

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Logged {
    /// 0 for the server's first request, counting every request it received.
    pub seq: usize,
    /// How many requests to the same path came before this one (0 for the first).
    pub seq_on_path: usize,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// Header names (lower-cased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (cut at 4 MiB).
    pub body: Vec<u8>,
}

impl Logged {
    /// The target without its query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether `needle` appears anywhere in the request: target, a header value, or the body
    /// (raw, or form-decoded, since a password may travel as `a%2Bb`).
    pub fn contains(&self, needle: &str) -> bool {
        let body = self.body_text();
        self.target.contains(needle)
            || self.headers.iter().any(|(_, v)| v.contains(needle))
            || body.contains(needle)
            || form_decoded(&body).contains(needle)
    }
}

fn form_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the server does with a request.
#[derive(Clone, Debug)]
pub enum Answer {
    /// A well-formed response. `Content-Length` is added unless the headers hold one (which
    /// may then lie). The connection stays open for the next request.
    Reply {
        /// The HTTP status.
        status: u16,
        /// Headers, in order.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// These bytes exactly (status line, headers and body, true or not), then the connection
    /// is closed.
    Raw(Vec<u8>),
    /// These pieces, one after the other with a pause after each, then the connection is
    /// closed: a server that drips bytes, or stalls in the middle of a body.
    Drip {
        /// The pieces, written in order.
        pieces: Vec<Vec<u8>>,
        /// The pause after each piece.
        pause: Duration,
    },
    /// Close the connection without answering.
    HangUp,
}

impl Answer {
    /// An empty response with this status.
    pub fn status(status: u16) -> Self {
        Answer::Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON body (given as text, so it may be invalid on purpose).
    pub fn json(status: u16, body: &str) -> Self {
        Self::status(status)
            .header("content-type", "application/json; charset=utf-8")
            .body(body)
    }

    /// An HTML body.
    pub fn html(status: u16, body: &str) -> Self {
        Self::status(status)
            .header("content-type", "text/html; charset=utf-8")
            .body(body)
    }

    /// A redirect (`301`, `302`, `303`, `307`, `308`) to `location`.
    pub fn redirect(status: u16, location: &str) -> Self {
        Self::html(status, "<a>moved</a>").header("location", location)
    }

    /// An OAuth2 token answer; `expires_in` is raw JSON (`"1800"`, `"0"`, `"1e300"`,
    /// `"18446744073709551615"`, `"-1"`, `"\"soon\""`), or `None` to leave the field out.
    pub fn token(access_token: &str, expires_in: Option<&str>) -> Self {
        let expires = expires_in
            .map(|e| format!(",\"expires_in\":{e}"))
            .unwrap_or_default();
        Self::json(
            200,
            &format!(
                "{{\"access_token\":\"{access_token}\",\"token_type\":\"Bearer\",\
                 \"refresh_token\":\"refresh-{access_token}\"{expires}}}"
            ),
        )
    }

    /// A CreateSession / RenewSession answer (the result key is picked from the request path);
    /// `minutes` is raw JSON for `TokenDurationMinutes`.
    pub fn session(request: &Logged, token: &str, minutes: &str) -> Self {
        let key = if request.path().ends_with("RenewSession") {
            "RenewSessionResult"
        } else {
            "CreateSessionResult"
        };
        Self::json(
            200,
            &format!(
                "{{\"ResponseHeader\":{{\"Status\":\"Success\",\"StatusList\":[]}},\
                 \"{key}\":{{\"Token\":\"{token}\",\"SecureToken\":\"secure-{token}\",\
                 \"TokenDurationMinutes\":{minutes}}}}}"
            ),
        )
    }

    /// A successful Connect envelope with `result` (raw JSON) under `result_key`.
    pub fn api_ok(result_key: &str, result: &str) -> Self {
        Self::json(
            200,
            &format!(
                "{{\"ResponseHeader\":{{\"Status\":\"Success\",\"StatusList\":[]}},\
                 \"{result_key}\":{result}}}"
            ),
        )
    }

    /// A Connect envelope reporting `code` (e.g. `AUTH-021`), with HTTP 200 as the service does.
    pub fn api_error(code: &str, message: &str) -> Self {
        Self::json(
            200,
            &format!(
                "{{\"ResponseHeader\":{{\"Status\":\"Error\",\"StatusList\":\
                 [{{\"Type\":\"Error\",\"Code\":\"{code}\",\"Message\":\"{message}\"}}]}}}}"
            ),
        )
    }

    /// Adds a header to a [`Answer::Reply`] (other answers are returned unchanged).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Answer::Reply { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }

    /// Sets the body of a [`Answer::Reply`] (other answers are returned unchanged).
    pub fn body(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        if let Answer::Reply { body, .. } = &mut self {
            *body = bytes.into();
        }
        self
    }

    /// `bytes` written `piece` bytes at a time with `pause` after each piece.
    pub fn drip(bytes: &[u8], piece: usize, pause: Duration) -> Self {
        Answer::Drip {
            pieces: bytes.chunks(piece.max(1)).map(<[u8]>::to_vec).collect(),
            pause,
        }
    }

    /// The response head of a [`Answer::Reply`] as bytes, with its body: what a client would
    /// receive. Tests use it to build [`Answer::Raw`] variants (e.g. cut at a length).
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Answer::Reply {
                status,
                headers,
                body,
            } => {
                let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(*status)).into_bytes();
                for (n, v) in headers {
                    out.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
                }
                if !headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                {
                    out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
                }
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(body);
                out
            }
            Answer::Raw(bytes) => bytes.clone(),
            Answer::Drip { pieces, .. } => pieces.concat(),
            Answer::HangUp => Vec::new(),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

type Script = dyn Fn(&Logged) -> Answer + Send + Sync;

struct Shared {
    script: Box<Script>,
    log: Mutex<Vec<Logged>>,
    stop: AtomicBool,
    tls: Option<Arc<rustls::ServerConfig>>,
}

/// A running hostile server on `127.0.0.1:0`. Dropping it stops accepting connections.
pub struct HostileServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for HostileServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostileServer")
            .field("base_url", &self.base_url())
            .field("requests", &self.request_count())
            .finish()
    }
}

impl HostileServer {
    /// A plain-HTTP server answering with `script`.
    pub fn http(script: impl Fn(&Logged) -> Answer + Send + Sync + 'static) -> Self {
        Self::start(None, Box::new(script))
    }

    /// An HTTPS server answering with `script`; clients must trust [`HostileServer::ca_pem`].
    pub fn https(script: impl Fn(&Logged) -> Answer + Send + Sync + 'static) -> Self {
        let config = match crate::tls::material() {
            Ok(m) => m.config.clone(),
            Err(e) => panic!("{e}"),
        };
        Self::start(Some(config), Box::new(script))
    }

    /// The PEM of the certificate authority every HTTPS hostile server of this process uses.
    pub fn ca_pem() -> String {
        match crate::tls::material() {
            Ok(m) => m.ca_pem.clone(),
            Err(e) => panic!("{e}"),
        }
    }

    fn start(tls: Option<Arc<rustls::ServerConfig>>, script: Box<Script>) -> Self {
        let listener = match TcpListener::bind("127.0.0.1:0") {
            Ok(l) => l,
            Err(e) => panic!("hostile server: cannot bind 127.0.0.1:0: {e}"),
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => panic!("hostile server: no local address: {e}"),
        };
        let shared = Arc::new(Shared {
            script,
            log: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
            tls,
        });
        let for_thread = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("hostile-accept".into())
            .spawn(move || accept_loop(&listener, &for_thread))
            .ok();
        Self {
            addr,
            shared,
            accept,
        }
    }

    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.url_via("127.0.0.1")
    }

    /// The same server under another host name (`localhost`): another host to a client.
    pub fn url_via(&self, host: &str) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}:{}", self.addr.port())
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Logged> {
        self.log().clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.log().len()
    }

    /// How many requests went to `path`.
    pub fn requests_to(&self, path: &str) -> usize {
        self.log().iter().filter(|r| r.path() == path).count()
    }

    /// The requests in which `needle` appears (see [`Logged::contains`]).
    pub fn requests_containing(&self, needle: &str) -> Vec<Logged> {
        self.log()
            .iter()
            .filter(|r| r.contains(needle))
            .cloned()
            .collect()
    }

    fn log(&self) -> std::sync::MutexGuard<'_, Vec<Logged>> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let shared = Arc::clone(shared);
        let _ = std::thread::Builder::new()
            .name("hostile-conn".into())
            .spawn(move || serve(stream, &shared));
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    match &shared.tls {
        None => converse(stream, shared),
        Some(config) => {
            let Ok(conn) = rustls::ServerConnection::new(Arc::clone(config)) else {
                return;
            };
            converse(rustls::StreamOwned::new(conn, stream), shared);
        }
    }
}

/// Reads requests and answers them until the peer leaves or an answer closes the connection.
fn converse(mut stream: impl Read + Write, shared: &Shared) {
    let mut pending = Vec::new();
    loop {
        let Some((method, target, headers, body)) = read_request(&mut stream, &mut pending) else {
            return;
        };
        let close = headers
            .iter()
            .any(|(n, v)| n == "connection" && v.eq_ignore_ascii_case("close"));
        let request = {
            let mut log = shared.log.lock().unwrap_or_else(PoisonError::into_inner);
            let path = target.split('?').next().unwrap_or("").to_owned();
            let logged = Logged {
                seq: log.len(),
                seq_on_path: log.iter().filter(|r| r.path() == path).count(),
                method,
                target,
                headers,
                body,
            };
            log.push(logged.clone());
            logged
        };
        let answer = (shared.script)(&request);
        let keep_open = match &answer {
            Answer::Reply { .. } => {
                if stream.write_all(&answer.to_bytes()).is_err() || stream.flush().is_err() {
                    return;
                }
                !close
            }
            Answer::Raw(bytes) => {
                let _ = stream.write_all(bytes);
                let _ = stream.flush();
                false
            }
            Answer::Drip { pieces, pause } => {
                for piece in pieces {
                    if stream.write_all(piece).is_err() || stream.flush().is_err() {
                        return;
                    }
                    std::thread::sleep(*pause);
                }
                false
            }
            Answer::HangUp => return,
        };
        if !keep_open {
            return;
        }
    }
}

type Request = (String, String, Vec<(String, String)>, Vec<u8>);

/// One request from the stream (`pending` keeps bytes read past its end).
fn read_request(stream: &mut impl Read, pending: &mut Vec<u8>) -> Option<Request> {
    let head_end = loop {
        if let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if pending.len() > MAX_HEAD || !fill(stream, pending) {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&pending[..head_end]).into_owned();
    pending.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX_BODY);
    while pending.len() < length {
        if !fill(stream, pending) {
            return None;
        }
    }
    let body: Vec<u8> = pending.drain(..length).collect();
    Some((method, target, headers, body))
}

fn fill(stream: &mut impl Read, pending: &mut Vec<u8>) -> bool {
    let mut buf = [0u8; 8192];
    match stream.read(&mut buf) {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            pending.extend_from_slice(&buf[..n]);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn exchange(server: &HostileServer, raw: &str) -> String {
        let port = server.addr.port();
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(raw.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    #[test]
    fn answers_from_the_script_and_logs_the_request() {
        let server = HostileServer::http(|r| {
            if r.seq_on_path == 0 {
                Answer::json(200, "{\"first\":true}")
            } else {
                Answer::Raw(b"HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\nshort".to_vec())
            }
        });
        let a = exchange(
            &server,
            "POST /x?q=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 17\r\n\r\npassword=a%2Bb+c!",
        );
        assert!(a.starts_with("HTTP/1.1 200 OK\r\n"), "{a}");
        assert!(a.ends_with("\r\n\r\n{\"first\":true}"), "{a}");
        let b = exchange(&server, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
        assert!(b.ends_with("short"), "{b}");
        let log = server.requests();
        assert_eq!(log.len(), 2);
        assert_eq!((log[0].path(), log[0].target.as_str()), ("/x", "/x?q=1"));
        assert_eq!(log[0].header("HOST"), Some("a"));
        assert!(log[0].contains("a+b c!"), "form-decoded body searched");
        assert_eq!(
            (log[1].seq, log[1].seq_on_path, log[1].method.as_str()),
            (1, 1, "GET")
        );
        assert_eq!(server.requests_to("/x"), 2);
    }

    #[test]
    fn keeps_the_connection_for_the_next_request() {
        let server = HostileServer::http(|r| Answer::json(200, &r.seq.to_string()));
        let a = exchange(
            &server,
            "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nConnection: close\r\n\r\n",
        );
        assert_eq!(a.matches("HTTP/1.1 200").count(), 2, "{a}");
        assert!(a.ends_with('1'), "{a}");
    }

    #[test]
    fn tls_material_is_generated_once() {
        assert!(HostileServer::ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(HostileServer::ca_pem(), HostileServer::ca_pem());
        let s = HostileServer::https(|_| Answer::HangUp);
        assert!(s.url_via("localhost").starts_with("https://localhost:"));
    }
}
