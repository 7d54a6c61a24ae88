//! Addresses for tests that must fail to connect, without fixed ports or ports freed and then
//! reused (another test, or another process, could take a freed port meanwhile).

use std::net::SocketAddr;

/// A loopback address that refuses every connection, for as long as the value lives: its
/// socket is bound (so nothing else can take the port) but never listens, so the kernel
/// answers each connection attempt with a reset, at once and every time.
#[derive(Debug)]
pub struct RefusingPort {
    socket: socket2::Socket,
    addr: SocketAddr,
}

impl RefusingPort {
    /// Binds `127.0.0.1:0` without listening.
    ///
    /// # Panics
    /// When the socket cannot be made or bound (a test-environment failure).
    #[allow(clippy::expect_used)]
    pub fn new() -> Self {
        let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
            .expect("a TCP socket");
        socket
            .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
            .expect("bind 127.0.0.1:0");
        let addr = socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .expect("a bound IPv4 address");
        Self { socket, addr }
    }

    /// The address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn http_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `https://127.0.0.1:PORT`.
    pub fn https_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// The socket, which must stay open for the port to stay taken.
    pub fn socket(&self) -> &socket2::Socket {
        &self.socket
    }
}

impl Default for RefusingPort {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connecting_is_refused_every_time() {
        let port = RefusingPort::new();
        for _ in 0..3 {
            let e = std::net::TcpStream::connect(port.addr()).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::ConnectionRefused, "{e}");
        }
    }
}
