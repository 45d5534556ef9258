//! `backup` while the real server takes concurrent writes, and `restore`:
//! what it checks, what it refuses, and that the app serves a restored file.

use super::server::{
    Acknowledged, Server, Written, cli, cli_output, fetch, fixture, inspect, snapshot, wait_for_writes, write_until,
};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[test]
fn a_backup_taken_under_write_load_restores_every_write_acknowledged_before_it() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("live.db");
    let backup = dir.path().join("backup.db");
    let (fixture, server) = fixture(dir.path(), &db);
    let (stop, writes) = (Arc::new(AtomicBool::new(false)), Acknowledged::default());
    let addr = server.addr;
    let before_backup = std::thread::scope(|scope| {
        scope.spawn(|| write_until(addr, &fixture, 4, &stop, &writes));
        wait_for_writes(&writes, 20);
        let before = snapshot(&writes);
        cli(&db, &["backup", path(&backup)], "");
        let after_backup = before.len() + 20;
        wait_for_writes(&writes, after_backup);
        stop.store(true, Ordering::Relaxed);
        before
    });
    assert!(!before_backup.is_empty(), "no write was acknowledged before the backup");

    let refused = cli_output(&db, &["restore", path(&backup)], "");
    assert!(!refused.status.success(), "restore must refuse while the server runs");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("stop the server first"));
    let (status, log) = server.terminate(Duration::from_secs(30));
    assert!(status.is_some_and(|s| s.success()), "the server did not stop cleanly: {log}");
    let written_in_all = snapshot(&writes).len();

    let restored = cli_output(&db, &["restore", path(&backup)], "");
    let said = String::from_utf8_lossy(&restored.stderr);
    assert!(restored.status.success(), "{said}");
    assert!(said.contains("restored") && said.contains(path(&backup)), "says what it did: {said}");

    let (integrity, stored) = inspect(&db);
    assert_eq!(integrity, "ok");
    let stored: HashSet<Written> = stored.into_iter().collect();
    assert!(before_backup.iter().all(|w| stored.contains(w)), "a write acknowledged before the backup is missing");
    assert!(stored.len() <= written_in_all, "the restore holds no more than was written");
    let server = Server::start(&db, dir.path().join("restored.log"));
    for written in before_backup.iter().step_by(before_backup.len().div_ceil(40)) {
        assert_eq!(&fetch(server.addr, &fixture.token, &written.uuid), written);
    }
}

#[test]
fn restore_refuses_anything_but_a_sound_counterpoint_database_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("live.db");
    cli(&db, &["user", "add", "--email", "ana@example.org", "--name", "Ana", "--password-stdin"], "a long password");
    let good = dir.path().join("good.db");
    cli(&db, &["backup", path(&good)], "");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a database at all, just some words that go on for a while".repeat(20)).expect("write");
    let truncated = dir.path().join("truncated.db");
    let bytes = std::fs::read(&good).expect("read");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).expect("write");
    let foreign = dir.path().join("foreign.db");
    let newer = dir.path().join("newer.db");
    std::fs::copy(&good, &newer).expect("copy");
    sql(&foreign, "CREATE TABLE things (id INTEGER PRIMARY KEY)");
    sql(&newer, "INSERT INTO _sqlx_migrations VALUES (29990101000000, 'future', '2999-01-01', 1, x'00', 0)");

    let before = std::fs::read(&db).expect("read");
    let cases: [(&Path, &str); 6] = [
        (Path::new("/no/such/backup.db"), "is not a file"),
        (&text, "is not a Counterpoint database"),
        (&truncated, ""),
        (&foreign, "has no migrations table"),
        (&newer, "newer Counterpoint (migration 29990101000000)"),
        (&db, "is the database itself"),
    ];
    for (file, message) in cases {
        let output = cli_output(&db, &["restore", path(file)], "");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{} should be refused", file.display());
        assert!(err.contains(message) && !err.contains("panicked"), "{}: {err}", file.display());
        assert_eq!(std::fs::read(&db).expect("read"), before, "{} changed the database", file.display());
    }
    let restored = cli_output(&db, &["restore", path(&good)], "");
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    let fresh = dir.path().join("fresh.db");
    let into_new = cli_output(&fresh, &["restore", path(&good)], "");
    assert!(into_new.status.success(), "restoring where no database is yet works");
    assert_eq!(inspect(&fresh).0, "ok");
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs one statement on a SQLite file with no migrations applied.
fn sql(file: &Path, statement: &str) {
    use sqlx::{ConnectOptions, Connection};
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file).create_if_missing(true);
        let mut conn = options.connect().await.expect("open");
        sqlx::query(statement).execute(&mut conn).await.expect(statement);
        conn.close().await.expect("close");
    });
}
