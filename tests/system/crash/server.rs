//! The real `counterpoint` binary as a child process on a temporary database,
//! a tiny HTTP/1.1 client over `TcpStream`, and writer threads that remember
//! every annotation the server acknowledged.

use counterpoint::db::store;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Start-up on a busy 2-core machine can be slow; nothing waits this long unless broken.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the binary to completion with `stdin`, returning stdout; panics with stderr on failure.
pub fn cli(db: &Path, args: &[&str], stdin: &str) -> String {
    let output = cli_output(db, args, stdin);
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

pub fn cli_output(db: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_counterpoint"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("COUNTERPOINT_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write");
    child.wait_with_output().expect("output")
}

/// A running `counterpoint serve`.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    /// Starts the server on `db` on a free port and waits for `/healthz`.
    pub fn start(db: &Path, log: PathBuf) -> Self {
        Self::start_with(db, log, &[])
    }

    /// [`Server::start`] with more environment variables.
    pub fn start_with(db: &Path, log: PathBuf, env: &[(&str, &Path)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let stderr = std::fs::File::create(&log).expect("log file");
        let mut child = Command::new(env!("CARGO_BIN_EXE_counterpoint"))
            .args(["serve", "--bind", &addr.to_string(), "--db"])
            .arg(db)
            .env("COUNTERPOINT_RATE_LIMIT", "off")
            .env_remove("COUNTERPOINT_DB")
            .env_remove("COUNTERPOINT_BASE_URL")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("spawn the server");
        // The line it prints once listening; reading it never blocks past the process's life.
        let mut line = String::new();
        let _ = BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line);
        let server = Self { child, addr, log };
        let deadline = Instant::now() + START_TIMEOUT;
        while !matches!(request(addr, "GET", "/healthz", None, None), Ok((200, _))) {
            assert!(Instant::now() < deadline, "the server did not start: {}", server.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// What the server wrote to standard error so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL: the process stops at once, mid-write or not.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }

    /// SIGTERM through `kill(1)`, then waits up to `limit` for the exit.
    pub fn terminate(mut self, limit: Duration) -> (Option<ExitStatus>, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill(1)");
        assert!(sent.success(), "kill -TERM {pid} failed");
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return (Some(status), self.log());
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return (None, self.log());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A test that fails midway must not leave a server behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`): the status and body.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> std::io::Result<(u16, String)> {
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut headers = Vec::new();
    if let Some(token) = token {
        headers.push(format!("Authorization: Bearer {token}"));
    }
    if !body.is_empty() {
        headers.push("Content-Type: application/json".to_owned());
    }
    let (status, _, body) = exchange(addr, method, path, &headers, &body)?;
    Ok((status, body))
}

/// One HTTP/1.1 request with these extra header lines: the status, the head and the body.
pub fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[String],
    body: &str,
) -> std::io::Result<(u16, String, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for header in headers {
        head.push_str(&format!("{header}\r\n"));
    }
    if !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    stream.write_all(format!("{head}\r\n{body}").as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let response = String::from_utf8_lossy(&response);
    let invalid = || std::io::Error::new(std::io::ErrorKind::InvalidData, format!("bad response: {response:?}"));
    let (head, body) = response.split_once("\r\n\r\n").ok_or_else(invalid)?;
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(invalid)?;
    let chunked = head.to_ascii_lowercase().contains("transfer-encoding: chunked");
    let body = if chunked { unchunk(body).ok_or_else(invalid)? } else { body.to_owned() };
    Ok((status, head.to_owned(), body))
}

fn unchunk(mut body: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n")?;
        let size = usize::from_str_radix(size.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.push_str(rest.get(..size)?);
        body = rest.get(size + 2..)?;
    }
}

/// A JSON request that must succeed with `expected`; returns the body as JSON.
pub fn call(addr: SocketAddr, method: &str, path: &str, token: &str, body: Option<&Value>, expected: u16) -> Value {
    let (status, text) = request(addr, method, path, Some(token), body).expect("request");
    assert_eq!(status, expected, "{method} {path}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}"))
}

/// The quotes writers annotate: each occurs once in [`READING`].
pub const QUOTES: &[&str] =
    &["marriage of convenience", "trade figures", "The alliance", "a common enemy", "cheap gas"];
pub const READING: &str = "# Partners\n\nThe alliance was a marriage of convenience.\n\n\
    The trade figures tell another story: a common enemy and cheap gas.";

/// An account, its token, a course and a reading, set up as a user would.
pub struct Fixture {
    pub token: String,
    pub reading: i64,
}

/// Creates the account and token with the command line, then starts a server
/// and adds a course and a reading over HTTP. Returns the running server too.
pub fn fixture(dir: &Path, db: &Path) -> (Fixture, Server) {
    let add = ["user", "add", "--email", "ines@example.edu", "--name", "Ines", "--password-stdin"];
    cli(db, &add, "a long password\n");
    let token = cli(db, &["token", "create", "--email", "ines@example.edu"], "").trim().to_owned();
    let server = Server::start(db, dir.join("setup.log"));
    let course = call(server.addr, "POST", "/api/courses", &token, Some(&json!({"title": "Crash course"})), 201);
    let body = json!({"title": "Partners", "format": "markdown", "source": READING});
    let path = format!("/api/courses/{}/readings", course["id"]);
    let reading = call(server.addr, "POST", &path, &token, Some(&body), 201)["id"].as_i64().expect("id");
    (Fixture { token, reading }, server)
}

/// An annotation the server acknowledged with a 2xx.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Written {
    pub uuid: String,
    pub kind: String,
    pub exact: String,
    pub comment: String,
}

const KINDS: &[&str] = &["claim", "counterargument", "source", "question", "note"];

/// Every write a server acknowledged, pushed the moment its 2xx arrived.
pub type Acknowledged = Arc<Mutex<Vec<Written>>>;

/// Posts annotations from `threads` threads until `stop` is set or the server
/// goes away, recording every one that got a 2xx in `acknowledged`.
pub fn write_until(
    addr: SocketAddr,
    fixture: &Fixture,
    threads: usize,
    stop: &Arc<AtomicBool>,
    acknowledged: &Acknowledged,
) {
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let (stop, token, reading) = (Arc::clone(stop), fixture.token.clone(), fixture.reading);
            let written = Arc::clone(acknowledged);
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let (kind, exact) = (KINDS[(t + i) % KINDS.len()], QUOTES[(t * 7 + i) % QUOTES.len()]);
                    let comment = format!("writer {t} note {i}");
                    let body = annotation_body(reading, kind, exact, &comment);
                    let path = format!("/api/readings/{reading}/annotations/");
                    match request(addr, "POST", &path, Some(&token), Some(&body)) {
                        Ok((status, text)) if (200..300).contains(&status) => {
                            let uuid = uuid_of(&text);
                            let write = Written { uuid, kind: kind.into(), exact: exact.into(), comment };
                            written.lock().expect("lock").push(write);
                        }
                        Ok((status, text)) => panic!("a write was refused with {status}: {text}"),
                        // The server was killed: a connection refused, reset or cut short.
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("writer thread");
    }
}

/// What has been acknowledged so far.
pub fn snapshot(acknowledged: &Acknowledged) -> Vec<Written> {
    acknowledged.lock().expect("lock").clone()
}

/// Waits until at least `count` writes were acknowledged, so a fault is injected
/// mid-writes however slow the machine is (rather than after a fixed sleep).
pub fn wait_for_writes(acknowledged: &Acknowledged, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().expect("lock").len() < count {
        assert!(Instant::now() < deadline, "fewer than {count} writes acknowledged in 60 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub fn annotation_body(reading: i64, kind: &str, exact: &str, comment: &str) -> Value {
    json!({
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "classifying", "value": kind},
                 {"type": "TextualBody", "purpose": "commenting", "value": comment}],
        "target": {"source": format!("http://127.0.0.1/readings/{reading}"),
                   "selector": {"type": "TextQuoteSelector", "exact": exact}},
    })
}

fn uuid_of(text: &str) -> String {
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    value["id"].as_str().and_then(|id| id.rsplit('/').next()).expect("annotation id").to_owned()
}

/// Fetches one annotation over HTTP and reads back what was written.
pub fn fetch(addr: SocketAddr, token: &str, uuid: &str) -> Written {
    let value = call(addr, "GET", &format!("/api/annotations/{uuid}"), token, None, 200);
    let bodies = value["body"].as_array().cloned().unwrap_or_default();
    let purpose = |p: &str| {
        bodies.iter().find(|b| b["purpose"] == p).and_then(|b| b["value"].as_str()).unwrap_or_default().to_owned()
    };
    let selectors = value["target"]["selector"].as_array().cloned().unwrap_or_default();
    let exact = selectors.iter().find_map(|s| s["exact"].as_str()).unwrap_or_default().to_owned();
    Written { uuid: uuid.to_owned(), kind: purpose("classifying"), exact, comment: purpose("commenting") }
}

/// Opens the database file directly: `PRAGMA integrity_check` and every annotation stored.
pub fn inspect(db: &Path) -> (String, Vec<Written>) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let pool = counterpoint::db::connect(db).await.expect("open the database");
        let (integrity,): (String,) = store::query_as("PRAGMA integrity_check").fetch_one(&pool).await.expect("check");
        let rows: Vec<(String, String, String, String)> =
            store::query_as("SELECT uuid, kind, exact, comment FROM annotations").fetch_all(&pool).await.expect("rows");
        pool.close().await;
        let stored = rows.into_iter().map(|(uuid, kind, exact, comment)| Written { uuid, kind, exact, comment });
        (integrity, stored.collect())
    })
}
