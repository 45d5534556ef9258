//! Raw HTTP/1.1 clients for the connection tests: half-open requests, kept-alive
//! connections, an event stream read line by line, and the server's descriptors.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect_timeout(&addr, TIMEOUT).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    stream.set_write_timeout(Some(TIMEOUT)).expect("timeout");
    stream
}

/// A connection that sends part of a request's head (or nothing) and waits.
pub fn half_open(addr: SocketAddr, send_part: bool) -> TcpStream {
    let mut stream = connect(addr);
    if send_part {
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").expect("write");
    }
    stream
}

/// A connection that was answered one request and is kept alive.
pub fn kept_alive(addr: SocketAddr) -> TcpStream {
    let mut stream = connect(addr);
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    assert_eq!(read_response(&mut stream).0, 200);
    stream
}

/// [`kept_alive`], trying again for a moment while the server still counts a
/// connection that was just closed against the caps.
pub fn admitted(addr: SocketAddr) -> TcpStream {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut stream = connect(addr);
        if stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").is_ok() && read_head(&mut stream).0 == 200 {
            return stream;
        }
        assert!(Instant::now() < deadline, "no connection was admitted");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Everything the server answers a request on a new connection before closing it.
pub fn refused(addr: SocketAddr) -> String {
    let mut stream = connect(addr);
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

/// One response with a `Content-Length` body: its status and lower-cased head.
pub fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let (status, head) = read_head(stream);
    let length = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).expect("body");
    (status, head)
}

/// Reads up to the blank line ending a response's head, a byte at a time so
/// that nothing after it is consumed; status 0 if the connection ended first.
fn read_head(stream: &mut TcpStream) -> (u16, String) {
    let mut head = Vec::new();
    let mut byte = [0];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return (0, String::from_utf8_lossy(&head).into_owned()),
        }
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head)
}

/// Whether the server has closed the connection (end of stream or reset).
pub fn is_closed(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).expect("nonblocking");
    let closed = match (&*stream).read(&mut [0; 256]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    };
    let _ = stream.set_nonblocking(false);
    closed
}

/// How many descriptors the process holds open.
/// The server's open sockets (its listener and connections): what a crowd of
/// clients could leak. Files are not counted: the database pool opens the
/// database and its log again as it grows under load, which is no leak.
pub fn open_sockets(pid: u32) -> usize {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).expect("/proc/<pid>/fd");
    fds.filter_map(Result::ok)
        .filter(|fd| std::fs::read_link(fd.path()).is_ok_and(|to| to.to_string_lossy().starts_with("socket:")))
        .count()
}

/// A reading's event stream, its lines passed on by a thread as they arrive.
pub struct EventStream {
    lines: mpsc::Receiver<String>,
}

impl EventStream {
    pub fn open(addr: SocketAddr, token: &str, reading: i64) -> Self {
        let mut stream = connect(addr);
        stream.set_read_timeout(None).expect("no timeout");
        write!(stream, "GET /readings/{reading}/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\r\n")
            .expect("write");
        let (status, head) = read_head(&mut stream);
        assert_eq!(status, 200, "the event stream: {head}");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { return };
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        Self { lines }
    }

    /// The next `annotation` event within `limit`; `None` if none came or the stream ended.
    pub fn next_event(&self, limit: Duration) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            let line = self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())).ok()?;
            if line.contains("event: annotation") {
                return Some(line);
            }
        }
    }

    /// Whether a line mentioning `needle` arrives within `limit`.
    pub fn mentions(&self, needle: &str, limit: Duration) -> bool {
        self.lines_until(needle, limit).iter().any(|line| line.contains(needle))
    }

    /// The lines that arrive until one mentions `needle` (included) or `limit` passes.
    pub fn lines_until(&self, needle: &str, limit: Duration) -> Vec<String> {
        let deadline = Instant::now() + limit;
        let mut lines = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            let found = line.contains(needle);
            lines.push(line);
            if found {
                break;
            }
        }
        lines
    }

    /// Whether the server ends the stream within `limit`.
    pub fn ends_within(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            match self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(_) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return true,
                Err(mpsc::RecvTimeoutError::Timeout) => return false,
            }
        }
    }
}
