//! Slow, idle and numerous connections against the real binary: a slowloris
//! crowd and idle keep-alive connections are closed by their deadlines while a
//! health check, a page and an event stream are served throughout; connections
//! beyond the caps are answered 503; their sockets are closed when they end.

pub mod client;

use crate::crash::server::{Server, annotation_body, call, fixture, request};
use client::{EventStream, admitted, half_open, is_closed, kept_alive, open_sockets, read_response, refused};
use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The crowd, fewer if this process may not open that many sockets.
const SLOWLORIS: usize = 3_000;
const IDLE: usize = 200;
/// Connections that send a header line every 300 ms and never finish.
const TRICKLING: usize = 5;
/// Deadlines are asserted as "closed within the timeout plus this", never more tightly.
const MARGIN: Duration = Duration::from_secs(8);
const HEADER_TIMEOUT: Duration = Duration::from_secs(2);
const IDLE_TIMEOUT: Duration = Duration::from_secs(3);

/// Starts the server with `settings` as environment variables.
fn serve(db: &Path, log: std::path::PathBuf, settings: &[(&str, &str)]) -> Server {
    let env: Vec<(&str, &Path)> = settings.iter().map(|&(name, value)| (name, Path::new(value))).collect();
    Server::start_with(db, log, &env)
}

/// When each connection of a group was seen closed, measured from its own opening
/// (opening thousands takes the client a while on a busy machine: that is not the server's time).
struct Group {
    name: &'static str,
    streams: Vec<TcpStream>,
    opened: Vec<Instant>,
    timeout: Duration,
    closed_after: Vec<Option<Duration>>,
}

impl Group {
    fn new(name: &'static str, streams: Vec<(TcpStream, Instant)>, timeout: Duration) -> Self {
        let closed_after = vec![None; streams.len()];
        let (streams, opened) = streams.into_iter().unzip();
        Self { name, streams, opened, timeout, closed_after }
    }

    /// Looks at every connection not yet seen closed; true once all are.
    fn all_closed(&mut self) -> bool {
        for ((stream, opened), closed) in self.streams.iter().zip(&self.opened).zip(&mut self.closed_after) {
            if closed.is_none() && is_closed(stream) {
                *closed = Some(opened.elapsed());
            }
        }
        self.closed_after.iter().all(Option::is_some)
    }

    fn check(&self) {
        let open = self.closed_after.iter().filter(|c| c.is_none()).count();
        let last = self.closed_after.iter().flatten().max().copied().unwrap_or_default();
        println!(
            "{}: {} connections, the last closed after {last:?} (timeout {:?})",
            self.name,
            self.streams.len(),
            self.timeout
        );
        let first = self.opened.iter().min().map(Instant::elapsed).unwrap_or_default();
        assert_eq!(open, 0, "{open} {} connections still open after {first:?}", self.name);
        assert!(last <= self.timeout + MARGIN, "{} connections held for {last:?}", self.name);
    }
}

#[test]
fn slow_and_idle_connections_are_closed_in_time_while_honest_clients_are_served() {
    let _apart = crate::apart();
    let descriptors = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1_024);
    let slow_count = SLOWLORIS.min(usize::try_from(descriptors).unwrap_or(1_024).saturating_sub(IDLE + 300));
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("slow.db");
    let (fixture, setup) = fixture(dir.path(), &db);
    setup.kill();
    let settings = [
        ("COUNTERPOINT_HEADER_TIMEOUT", "2"),
        ("COUNTERPOINT_IDLE_TIMEOUT", "3"),
        ("COUNTERPOINT_MAX_CONNECTIONS_PER_ADDRESS", "100000"),
    ];
    let server = serve(&db, dir.path().join("slow.log"), &settings);
    let (addr, pid) = (server.addr, server.child.id());
    let events = EventStream::open(addr, &fixture.token, fixture.reading);
    let at_rest = open_sockets(pid);

    let mut peak = at_rest;
    let slow: Vec<(TcpStream, Instant)> = (0..slow_count)
        .map(|i| {
            if i % 250 == 0 {
                peak = peak.max(open_sockets(pid));
            }
            let at = Instant::now();
            (half_open(addr, i % 100 != 0), at)
        })
        .collect();
    let slow = Group::new("half-open", slow, HEADER_TIMEOUT);
    let trickling: Vec<(TcpStream, Instant)> = (0..TRICKLING)
        .map(|_| {
            let at = Instant::now();
            (half_open(addr, true), at)
        })
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let dripper = drip(trickling.iter().map(|(stream, _)| stream), &stop);
    let trickling = Group::new("trickling", trickling, HEADER_TIMEOUT);
    let mut idle: Vec<(TcpStream, Instant)> = (0..IDLE).map(|_| (kept_alive(addr), Instant::now())).collect();
    let (reused, _) = idle.last_mut().expect("an idle connection");
    reused.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    assert_eq!(read_response(reused).0, 200, "a kept-alive connection carries a second request");
    let idle = Group::new("idle keep-alive", idle, IDLE_TIMEOUT);
    // The earliest may be closed already on a slow machine: the peak is only a sign they were held.
    let peak = peak.max(open_sockets(pid));
    println!("sockets: {at_rest} at rest, {peak} at the peak with {slow_count} half-open and {IDLE} idle connections");
    assert!(peak >= at_rest + 200, "the server did not hold the connections at all");

    let mut groups = [slow, trickling, idle];
    let (mut slowest_health, mut round) = (Duration::ZERO, 0);
    let give_up = Instant::now() + HEADER_TIMEOUT.max(IDLE_TIMEOUT) + MARGIN * 2;
    while any_open(&mut groups) && Instant::now() < give_up {
        let asked = Instant::now();
        assert!(matches!(request(addr, "GET", "/healthz", None, None), Ok((200, _))), "/healthz failed");
        slowest_health = slowest_health.max(asked.elapsed());
        if round % 5 == 0 {
            let page = request(addr, "GET", &format!("/readings/{}", fixture.reading), Some(&fixture.token), None);
            assert!(matches!(page, Ok((200, _))), "the reading page failed: {page:?}");
        }
        round += 1;
        std::thread::sleep(Duration::from_millis(100));
    }
    stop.store(true, Ordering::Relaxed);
    dripper.join().expect("dripper");
    println!("/healthz: {round} checks, the slowest {slowest_health:?}");
    for group in &groups {
        group.check();
    }
    assert!(slowest_health < Duration::from_secs(1), "/healthz took {slowest_health:?}");

    // The event stream outlived the idle timeout (it is never idle) and still carries events.
    let body = annotation_body(fixture.reading, "claim", "trade figures", "still live");
    call(addr, "POST", &format!("/api/readings/{}/annotations/", fixture.reading), &fixture.token, Some(&body), 201);
    assert!(events.next_event(Duration::from_secs(10)).is_some(), "the event stream carried no event");

    let deadline = Instant::now() + Duration::from_secs(10);
    while open_sockets(pid) > at_rest + 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let after = open_sockets(pid);
    println!("sockets: {after} once the crowd was closed");
    assert!(after <= at_rest + 2, "sockets: {at_rest} at rest, still {after} after the crowd left");
}

/// Whether a connection of any group is still open (every group looked at, for its times).
fn any_open(groups: &mut [Group]) -> bool {
    let mut open = false;
    for group in groups {
        open |= !group.all_closed();
    }
    open
}

/// Sends one more header line on each stream every 300 ms until `stop`.
fn drip<'a>(streams: impl Iterator<Item = &'a TcpStream>, stop: &Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let mut streams: Vec<TcpStream> = streams.map(|s| s.try_clone().expect("clone")).collect();
    let stop = Arc::clone(stop);
    std::thread::spawn(move || {
        let mut line = 0;
        while !stop.load(Ordering::Relaxed) {
            line += 1;
            for stream in &mut streams {
                let _ = write!(stream, "X-Drip-{line}: still coming\r\n");
            }
            std::thread::sleep(Duration::from_millis(300));
        }
    })
}

#[test]
fn connections_beyond_the_caps_are_answered_503_and_a_trusted_proxy_passes_the_per_address_cap() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("caps.db");
    let settings =
        [("COUNTERPOINT_MAX_CONNECTIONS_PER_ADDRESS", "3"), ("COUNTERPOINT_MAX_REQUESTS_PER_CONNECTION", "2")];
    let server = serve(&db, dir.path().join("caps.log"), &settings);
    let mut held: Vec<TcpStream> = (0..3).map(|_| admitted(server.addr)).collect();
    assert!(refused(server.addr).starts_with("HTTP/1.1 503"), "a fourth connection from one address");
    held.pop();
    let mut again = admitted(server.addr);

    // Its second request is its last: the response says so and the connection ends.
    again.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("write");
    let (status, head) = read_response(&mut again);
    assert_eq!(status, 200);
    assert!(head.contains("connection: close"), "the last response announces the close: {head}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !is_closed(&again) {
        assert!(Instant::now() < deadline, "the connection stayed open after its last request");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(server);

    let settings = [
        ("COUNTERPOINT_TRUSTED_PROXY", "192.0.2.1,127.0.0.1"),
        ("COUNTERPOINT_MAX_CONNECTIONS_PER_ADDRESS", "1"),
        ("COUNTERPOINT_MAX_CONNECTIONS", "4"),
    ];
    let proxied = serve(&db, dir.path().join("proxied.log"), &settings);
    let held: Vec<TcpStream> = (0..4).map(|_| admitted(proxied.addr)).collect();
    assert!(refused(proxied.addr).starts_with("HTTP/1.1 503"), "the cap on all connections holds for a proxy too");
    drop(held);
}

#[test]
fn sigterm_ends_event_streams_and_waiting_connections_and_exits_promptly() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("term.db");
    let (fixture, setup) = fixture(dir.path(), &db);
    setup.kill();
    // Deadlines far off: shutting down must not wait for them.
    let settings = [("COUNTERPOINT_HEADER_TIMEOUT", "60"), ("COUNTERPOINT_IDLE_TIMEOUT", "75")];
    let server = serve(&db, dir.path().join("term.log"), &settings);
    let addr = server.addr;
    let events = EventStream::open(addr, &fixture.token, fixture.reading);
    let waiting: Vec<TcpStream> =
        (0..20).map(|i| half_open(addr, i % 2 == 0)).chain((0..20).map(|_| kept_alive(addr))).collect();

    let asked = Instant::now();
    let (status, log) = server.terminate(Duration::from_secs(30));
    println!("SIGTERM to exit with an event stream and {} waiting connections: {:?}", waiting.len(), asked.elapsed());
    assert!(status.is_some_and(|s| s.success()), "exit {status:?} after SIGTERM: {log}");
    assert!(asked.elapsed() < Duration::from_secs(10), "took {:?} to stop", asked.elapsed());
    assert!(events.ends_within(Duration::from_secs(5)), "the event stream was not ended");
    assert!(waiting.iter().all(is_closed), "a waiting connection outlived the server");
}
