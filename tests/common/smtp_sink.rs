//! A local SMTP sink for tests: accepts every message on 127.0.0.1 and keeps
//! it, so that mail the server sends can be read back. Enough of RFC 5321 for
//! lettre's client (EHLO, MAIL, RCPT, DATA, QUIT; RSET and NOOP answered).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running sink and the messages it received (their DATA, dot-unstuffed).
pub struct SmtpSink {
    pub addr: SocketAddr,
    messages: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    /// Listens on a free port of 127.0.0.1, serving each connection on its own thread.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let addr = listener.local_addr().expect("addr");
        let messages = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&messages);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = Arc::clone(&kept);
                std::thread::spawn(move || {
                    let _ = serve(stream, &kept);
                });
            }
        });
        Self { addr, messages }
    }

    /// `smtp://127.0.0.1:PORT`, for `--smtp-url`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The first message that contains `needle`, if one arrived.
    pub fn find(&self, needle: &str) -> Option<String> {
        self.messages.lock().ok()?.iter().find(|m| m.contains(needle)).cloned()
    }

    /// Waits up to `limit` for a message that contains `needle`, without blocking the runtime.
    pub async fn wait_for(&self, needle: &str, limit: Duration) -> Option<String> {
        let deadline = Instant::now() + limit;
        loop {
            let found = self.find(needle);
            if found.is_some() || Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// How many messages arrived so far.
    #[allow(dead_code)]
    pub fn count(&self) -> usize {
        self.messages.lock().map(|m| m.len()).unwrap_or(0)
    }
}

fn serve(stream: TcpStream, kept: &Mutex<Vec<String>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink ESMTP\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => out.write_all(b"250-sink\r\n250 8BITMIME\r\n")?,
            "DATA" => {
                out.write_all(b"354 go ahead\r\n")?;
                let mut message = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line)? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    message.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                if let Ok(mut kept) = kept.lock() {
                    kept.push(message);
                }
                out.write_all(b"250 kept\r\n")?;
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"250 ok\r\n")?,
        }
    }
}
