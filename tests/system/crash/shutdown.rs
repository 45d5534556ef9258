//! SIGTERM while writes are in flight: the process finishes them, exits 0
//! promptly, and leaves an intact, checkpointed database.

use super::server::{Acknowledged, fixture, inspect, snapshot, wait_for_writes, write_until};
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[test]
fn sigterm_during_writes_exits_zero_promptly_and_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("term.db");
    let (fixture, server) = fixture(dir.path(), &db);
    let (stop, writes) = (Arc::new(AtomicBool::new(false)), Acknowledged::default());
    let addr = server.addr;
    let (status, log, took) = std::thread::scope(|scope| {
        scope.spawn(|| write_until(addr, &fixture, 4, &stop, &writes));
        wait_for_writes(&writes, 20);
        let started = Instant::now();
        let (status, log) = server.terminate(Duration::from_secs(30));
        stop.store(true, Ordering::Relaxed);
        (status, log, started.elapsed())
    });
    println!("SIGTERM to exit: {took:?}");
    assert!(status.is_some_and(|s| s.success()), "exit {status:?} after SIGTERM: {log}");
    assert!(took < Duration::from_secs(10), "took {took:?} to stop");

    let wal = dir.path().join("term.db-wal");
    assert!(std::fs::metadata(&wal).map_or(true, |m| m.len() == 0), "the log was not checkpointed on exit");
    let acknowledged = snapshot(&writes);
    assert!(!acknowledged.is_empty());
    let (integrity, stored) = inspect(&db);
    assert_eq!(integrity, "ok");
    let stored: HashSet<_> = stored.into_iter().collect();
    assert!(acknowledged.iter().all(|w| stored.contains(w)), "an acknowledged write is missing after SIGTERM");
}
