//! A full disk under the real binary: the database on a 3 MB tmpfs, filled
//! with annotations, replies and sign-ins until writes are refused. Every
//! acknowledged write must be there, in the running server and after a
//! restart; refusals must be 507 and say the disk is full; reads must go on;
//! and writes must resume, without a restart, once the tmpfs is remounted
//! larger. Mounting needs root (CI runs as root); elsewhere it says SKIPPED.

use super::server::{Fixture, Server, annotation_body, call, exchange, fixture, inspect, request};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Consecutive refusals after which the disk counts as full.
const REFUSALS: usize = 6;
/// A bound on the filling, should the disk never fill.
const MOST_WRITES: usize = 3_000;

/// A tmpfs mounted on a temporary folder, unmounted when dropped (also when a test fails).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().expect("dir");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status();
        status.is_ok_and(|s| s.success()).then_some(Self { dir })
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount").args(["-o", &format!("remount,size={size}")]).arg(self.dir.path()).status();
        assert!(status.is_ok_and(|s| s.success()), "remount {size}");
    }

    /// Shrinks it to what it holds now: full again.
    fn fill(&self) {
        let df = Command::new("df").args(["-k", "--output=used"]).arg(self.dir.path()).output().expect("df");
        let used = String::from_utf8_lossy(&df.stdout).lines().nth(1).map(|l| l.trim().to_owned()).expect("used");
        self.resize(&format!("{used}k"));
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// What the server acknowledged: annotations (uuid → comment), replies (uuid → text) and session cookies.
#[derive(Default)]
struct Written {
    annotations: HashMap<String, String>,
    replies: Vec<(String, String)>,
    sessions: Vec<String>,
}

/// A refusal must be a 507 or 503 that says what happened; a 500 or an acknowledgement is a failure.
fn assert_refused(what: &str, status: u16, body: &str) {
    assert!(matches!(status, 503 | 507), "{what} refused with {status}: {body}");
    assert!(body.contains("disk is full"), "{what}: the refusal does not say the disk is full: {body}");
}

fn sign_in(addr: SocketAddr) -> (u16, Option<String>, String) {
    let form = "email=ines%40example.edu&password=a+long+password";
    let headers = ["Content-Type: application/x-www-form-urlencoded".to_owned()];
    let (status, head, body) = exchange(addr, "POST", "/login", &headers, form).expect("sign in");
    let cookie = head.lines().find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")));
    (status, cookie.and_then(|c| c.split(';').next()).map(str::to_owned), body)
}

/// Writes one of each kind; returns how many were refused (the others are recorded).
fn write_round(addr: SocketAddr, fixture: &Fixture, written: &mut Written, n: usize) -> usize {
    let mut refused = 0;
    let comment = format!("note {n} {}", "x".repeat(2_000));
    let body = annotation_body(fixture.reading, "claim", "marriage of convenience", &comment);
    let path = format!("/api/readings/{}/annotations/", fixture.reading);
    match request(addr, "POST", &path, Some(&fixture.token), Some(&body)).expect("post") {
        (201, text) => {
            let value: Value = serde_json::from_str(&text).expect("json");
            let uuid = value["id"].as_str().and_then(|id| id.rsplit('/').next()).expect("id").to_owned();
            written.annotations.insert(uuid, comment);
        }
        (status, text) => {
            refused += 1;
            assert_refused("an annotation", status, &text);
        }
    }
    if n % 4 == 0 {
        if let Some(uuid) = written.annotations.keys().next().cloned() {
            let text = format!("reply {n}");
            let path = format!("/api/annotations/{uuid}/replies");
            match request(addr, "POST", &path, Some(&fixture.token), Some(&json!({ "text": text }))).expect("reply") {
                (201, _) => written.replies.push((uuid, text)),
                (status, text) => {
                    refused += 1;
                    assert_refused("a reply", status, &text);
                }
            }
        }
    }
    if n % 16 == 0 {
        match sign_in(addr) {
            (303, Some(cookie), _) => written.sessions.push(cookie),
            (status, _, text) => {
                refused += 1;
                assert_refused("a sign-in", status, &text);
            }
        }
    }
    refused
}

/// Every acknowledged write, read back through the server.
fn assert_all_there(addr: SocketAddr, fixture: &Fixture, written: &Written) {
    for (uuid, comment) in &written.annotations {
        let value = call(addr, "GET", &format!("/api/annotations/{uuid}"), &fixture.token, None, 200);
        assert!(value.to_string().contains(comment.as_str()), "annotation {uuid} changed");
    }
    for (uuid, text) in &written.replies {
        let thread = call(addr, "GET", &format!("/api/annotations/{uuid}/replies"), &fixture.token, None, 200);
        assert!(thread.to_string().contains(&format!("\"{text}\"")), "acknowledged reply {text:?} is missing");
    }
    for cookie in &written.sessions {
        let headers = [format!("Cookie: {cookie}")];
        let path = format!("/api/readings/{}", fixture.reading);
        let (status, _, _) = exchange(addr, "GET", &path, &headers, "").expect("read with the session");
        assert_eq!(status, 200, "an acknowledged sign-in was lost");
    }
}

#[test]
fn a_full_disk_refuses_writes_clearly_loses_nothing_and_heals_without_a_restart() {
    if !is_root() {
        println!("SKIPPED: mounting a tmpfs needs root");
        return;
    }
    let logs = tempfile::tempdir().expect("dir");
    let tmpfs = Tmpfs::mount("3m").expect("mount a tmpfs (running as root)");
    let db: PathBuf = tmpfs.path().join("full.db");
    let (fixture, server) = fixture(logs.path(), &db);
    let addr = server.addr;
    let started = Instant::now();

    let (mut written, mut streak, mut n) = (Written::default(), 0, 0);
    while streak < REFUSALS {
        n += 1;
        assert!(n < MOST_WRITES, "the disk never filled");
        let refused = write_round(addr, &fixture, &mut written, n);
        streak = if refused == 0 { 0 } else { streak + refused };
    }
    println!(
        "disk full after {n} rounds ({:?}): {} annotations, {} replies, {} sign-ins acknowledged",
        started.elapsed(),
        written.annotations.len(),
        written.replies.len(),
        written.sessions.len()
    );
    assert!(written.annotations.len() > 10 && !written.replies.is_empty() && !written.sessions.is_empty());

    // Reads go on, and say what is wrong.
    assert_all_there(addr, &fixture, &written);
    let (status, health) = request(addr, "GET", "/healthz", None, None).expect("healthz");
    assert_eq!((status, health.starts_with("degraded: the server's disk is full")), (200, true), "{health}");
    let (status, ready) = request(addr, "GET", "/readyz", None, None).expect("readyz");
    assert_eq!(status, 503, "{ready}");

    // Space comes back: writes resume without a restart.
    tmpfs.resize("64m");
    std::thread::sleep(Duration::from_millis(1_100)); // past the readiness probe's pause
    let (status, ready) = request(addr, "GET", "/readyz", None, None).expect("readyz");
    assert_eq!((status, ready.as_str()), (200, "ready"));
    assert_eq!(write_round(addr, &fixture, &mut written, 16 * 1_000), 0, "writes still refused after healing");
    assert_eq!(request(addr, "GET", "/healthz", None, None).expect("healthz"), (200, "ok".to_owned()));
    assert_all_there(addr, &fixture, &written);

    // Full again at exit, with new pages in the write-ahead log: the checkpoint fails, is retried and reported.
    for n in 1..=10 {
        assert_eq!(write_round(addr, &fixture, &mut written, 16 * 1_000 + n), 0);
    }
    tmpfs.fill();
    let (status, log) = server.terminate(Duration::from_secs(30));
    assert!(status.is_some_and(|s| s.success()), "exit {status:?}: {log}");
    assert_eq!(log.matches("storage fault:").count(), 1, "the fault is logged once per episode: {log}");
    assert_eq!(log.matches("storage healed").count(), 1, "{log}");
    assert!(log.contains("trying again"), "the exit checkpoint was not retried: {log}");
    assert!(log.contains("Nothing is lost"), "the failed exit checkpoint was not reported: {log}");
    tmpfs.resize("64m");

    let (integrity, stored) = inspect(&db);
    assert_eq!(integrity, "ok");
    let stored: HashMap<String, String> = stored.into_iter().map(|w| (w.uuid, w.comment)).collect();
    for (uuid, comment) in &written.annotations {
        assert_eq!(stored.get(uuid), Some(comment), "acknowledged but lost");
    }
    let server = Server::start(&db, logs.path().join("after.log"));
    assert_all_there(server.addr, &fixture, &written);
    println!("the whole test took {:?}", started.elapsed());
}
