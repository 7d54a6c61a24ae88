//! A tiny forward proxy for tests: `CONNECT host:port` tunnels (HTTPS through the proxy) and
//! absolute-form requests (`GET http://host:port/path`, plain HTTP through the proxy), on
//! `127.0.0.1:0`. It logs the first request line of each connection, so a test can show its
//! traffic really went through the proxy and where to.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};

/// A running proxy; it stops accepting when dropped (open tunnels end with their peers).
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
}

impl Proxy {
    /// Starts the proxy on a thread.
    ///
    /// # Panics
    /// When `127.0.0.1:0` cannot be bound (a test-environment failure).
    #[allow(clippy::expect_used)]
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("a bound address");
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let stop: Arc<std::sync::atomic::AtomicBool> = Arc::default();
        let (l, s) = (log.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let l = l.clone();
                std::thread::spawn(move || {
                    // A broken connection only ends that connection.
                    let _ended = serve(conn, &l);
                });
            }
        });
        Self { addr, log, stop }
    }

    /// `http://127.0.0.1:PORT`, the URL to configure as the client's proxy.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The first request line of every connection so far (`CONNECT 127.0.0.1:443`,
    /// `POST http://127.0.0.1:80/v2/search/SearchForImages`).
    pub fn requests(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _woken = TcpStream::connect(self.addr);
    }
}

fn serve(client: TcpStream, log: &Mutex<Vec<String>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let end = line == "\r\n" || line == "\n";
        head.push(line);
        if end {
            break;
        }
    }
    let first = head[0].trim_end().to_owned();
    log.lock().unwrap_or_else(PoisonError::into_inner).push(
        first
            .rsplit_once(' ')
            .map_or(first.clone(), |(l, _)| l.to_owned()),
    );
    let mut parts = first.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut client = client;
    let mut upstream;
    if method.eq_ignore_ascii_case("CONNECT") {
        upstream = TcpStream::connect(target)?;
        client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    } else {
        // Absolute form: `http://host:port/path` -> connect there, send the origin form.
        let rest = target.strip_prefix("http://").unwrap_or(target);
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        upstream = TcpStream::connect(host)?;
        let path = if path.is_empty() { "/" } else { path };
        let version = first.rsplit(' ').next().unwrap_or("HTTP/1.1");
        let mut out = format!("{method} {path} {version}\r\n");
        for h in &head[1..] {
            if !h.to_ascii_lowercase().starts_with("proxy-") {
                out.push_str(h);
            }
        }
        upstream.write_all(out.as_bytes())?;
    }
    // Whatever the client sent past the head (a body) goes first.
    upstream.write_all(reader.buffer())?;
    let mut down = upstream.try_clone()?;
    let mut client_read = reader.into_inner();
    let up = std::thread::spawn(move || {
        let _copied = std::io::copy(&mut client_read, &mut upstream);
        let _closed = upstream.shutdown(Shutdown::Write);
    });
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = down.read(&mut buf)?;
        if n == 0 {
            break;
        }
        client.write_all(&buf[..n])?;
    }
    let _closed = client.shutdown(Shutdown::Write);
    let _joined = up.join();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwards_absolute_form_requests_and_logs_them() {
        let origin = TcpListener::bind("127.0.0.1:0").unwrap();
        let origin_addr = origin.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (mut s, _) = origin.accept().unwrap();
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .unwrap();
            line
        });
        let proxy = Proxy::start();
        let mut c = TcpStream::connect(proxy.addr).unwrap();
        write!(
            c,
            "GET http://{origin_addr}/x?y=1 HTTP/1.1\r\nhost: {origin_addr}\r\nproxy-authorization: z\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        c.read_to_string(&mut answer).unwrap();
        assert!(answer.ends_with("ok"), "{answer}");
        assert_eq!(server.join().unwrap(), "GET /x?y=1 HTTP/1.1\r\n");
        assert_eq!(
            proxy.requests(),
            [format!("GET http://{origin_addr}/x?y=1")]
        );
    }
}
