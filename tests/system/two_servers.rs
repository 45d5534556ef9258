//! Two `counterpoint serve` processes on one PostgreSQL database, as behind a
//! load balancer: what one stores the other serves at once, a session made on
//! one is valid on the other, live events cross
//! between them filtered per viewer, concurrent writes through both are all
//! kept, and `kill -9` of one loses nothing it acknowledged while the other
//! goes on. They need a cluster (`COUNTERPOINT_TEST_POSTGRES`); each test
//! makes a schema of its own in it.

use crate::connections::client::EventStream;
use crate::crash::server::{
    Acknowledged, Fixture, Server, Written, annotation_body, call, cli, exchange, fetch, snapshot, wait_for_writes,
    write_until,
};
use counterpoint::db::store;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long a create on one server may take to reach a stream on the other.
const SOON: Duration = Duration::from_secs(1);

const READING: &str = "# Partners\n\nThe alliance was a marriage of convenience.\n\n\
    The trade figures tell another story: a common enemy and cheap gas.";

/// A class on two servers: an instructor and two students with tokens, a course and a reading.
struct Class {
    a: Server,
    b: Server,
    teacher: String,
    ana: String,
    ben: String,
    reading: i64,
    _dir: tempfile::TempDir,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// A schema of its own in the test cluster, as a URL; `None` (said) without a cluster.
fn database() -> Option<String> {
    let url = counterpoint::fixtures::postgres_url()?;
    let schema = runtime().block_on(counterpoint::fixtures::fresh_postgres_schema(&url)).expect("a fresh schema");
    Some(schema.url)
}

fn account(db: &Path, email: &str) -> String {
    cli(db, &["user", "add", "--email", email, "--name", email, "--password-stdin"], "a long password\n");
    cli(db, &["token", "create", "--email", email], "").trim().to_owned()
}

/// The accounts made with the command line, the course made through server A,
/// the students joining through server B, the reading added through A.
fn class(url: &str) -> Class {
    let dir = tempfile::tempdir().expect("dir");
    let db = Path::new(url);
    let (teacher, ana, ben) =
        (account(db, "teacher@example.edu"), account(db, "ana@example.edu"), account(db, "ben@example.edu"));
    let a = Server::start(db, dir.path().join("a.log"));
    let b = Server::start(db, dir.path().join("b.log"));
    let course = call(a.addr, "POST", "/api/courses", &teacher, Some(&json!({"title": "Two servers"})), 201);
    for student in [&ana, &ben] {
        call(b.addr, "POST", "/api/courses/join", student, Some(&json!({"join_code": course["join_code"]})), 200);
    }
    let body = json!({"title": "Partners", "format": "markdown", "source": READING});
    let path = format!("/api/courses/{}/readings", course["id"]);
    let reading = call(a.addr, "POST", &path, &teacher, Some(&body), 201)["id"].as_i64().expect("id");
    Class { a, b, teacher, ana, ben, reading, _dir: dir }
}

fn annotate(server: &Server, token: &str, reading: i64, kind: &str, comment: &str, extra: Value) -> String {
    let mut body = annotation_body(reading, kind, "cheap gas", comment);
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let created = call(server.addr, "POST", &format!("/api/readings/{reading}/annotations/"), token, Some(&body), 201);
    created["id"].as_str().and_then(|id| id.rsplit('/').next()).expect("id").to_owned()
}

/// The page or JSON a GET answers on `server`, which must be 200.
fn get(server: &Server, token: &str, path: &str) -> String {
    let (status, text) = crate::crash::server::request(server.addr, "GET", path, Some(token), None).expect("request");
    assert_eq!(status, 200, "GET {path}: {text}");
    text
}

/// Every annotation stored, read from the database itself.
fn stored(url: &str) -> HashMap<String, Written> {
    runtime().block_on(async {
        let db = counterpoint::db::connect(Path::new(url)).await.expect("the database");
        let rows: Vec<(String, String, String, String)> =
            store::query_as("SELECT uuid, kind, exact, comment FROM annotations").fetch_all(&db).await.expect("rows");
        db.close().await;
        rows.into_iter()
            .map(|(uuid, kind, exact, comment)| (uuid.clone(), Written { uuid, kind, exact, comment }))
            .collect()
    })
}

#[test]
fn what_one_server_stores_the_other_serves_at_once_and_streams_within_a_second() {
    let _apart = crate::apart();
    let Some(url) = database() else { return };
    let class = class(&url);
    let (a, b, reading) = (&class.a, &class.b, class.reading);

    let shown = call(b.addr, "GET", &format!("/api/readings/{reading}"), &class.ben, None, 200);
    assert_eq!(shown["title"], "Partners", "the reading added through A is read through B: {shown}");

    let stream = EventStream::open(b.addr, &class.ben, reading);
    let claim = annotate(a, &class.ana, reading, "claim", "Stored through A", json!({}));
    assert!(stream.mentions(&claim, SOON), "a stream on B hears a create on A within {SOON:?}");
    let page = get(b, &class.ben, &format!("/readings/{reading}"));
    assert!(page.contains(&claim) && page.contains("Stored through A"), "B's reading page shows it at once");

    // A browser session made on A is valid on B.
    let form = "email=ben%40example.edu&password=a+long+password";
    let headers = ["Content-Type: application/x-www-form-urlencoded".to_owned()];
    let (status, head, _) = exchange(a.addr, "POST", "/login", &headers, form).expect("sign in");
    assert_eq!(status, 303, "{head}");
    let cookie = head.lines().find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")));
    let cookie = cookie.and_then(|c| c.split(';').next()).expect("a session cookie");
    let (status, _, page) =
        exchange(b.addr, "GET", &format!("/readings/{reading}"), &[format!("Cookie: {cookie}")], "").expect("page");
    assert!(status == 200 && page.contains("Stored through A"), "B knows A's session: {status}");

    // A private note reaches nobody else, on either server, in a list or a stream.
    let private = annotate(a, &class.ana, reading, "note", "Mine alone", json!({"visibility": "private"}));
    let public = annotate(a, &class.ana, reading, "question", "For the class", json!({}));
    let seen = stream.lines_until(&public, SOON);
    assert!(seen.iter().any(|l| l.contains(&public)), "the class's question arrived: {seen:?}");
    assert!(!seen.iter().any(|l| l.contains(&private)), "the private note never reached a classmate: {seen:?}");
    let ana_stream = EventStream::open(a.addr, &class.ana, reading);
    let mine = annotate(b, &class.ana, reading, "note", "Mine again", json!({"visibility": "private"}));
    assert!(ana_stream.mentions(&mine, SOON), "the author's own stream on A hears her private note made on B");
    for server in [a, b] {
        let list = get(server, &class.ben, &format!("/api/readings/{reading}/annotations/"));
        assert!(list.contains(&public) && !list.contains(&private) && !list.contains(&mine), "{list}");
        let page = get(server, &class.ben, &format!("/readings/{reading}"));
        assert!(!page.contains(&private) && !page.contains("Mine alone"), "a classmate's page on either");
        let own = get(server, &class.ana, &format!("/api/readings/{reading}/annotations/"));
        assert!(own.contains(&private) && own.contains(&mine), "the author sees hers on either");
        let teacher = get(server, &class.teacher, &format!("/api/readings/{reading}/annotations/"));
        assert!(!teacher.contains(&private), "private is private from instructors too");
    }
}

#[test]
fn six_hundred_concurrent_writes_through_both_servers_are_all_kept() {
    let _apart = crate::apart();
    let Some(url) = database() else { return };
    let class = class(&url);
    let written: Acknowledged = Acknowledged::default();
    std::thread::scope(|scope| {
        for t in 0..8 {
            let (server, token, written) = (if t % 2 == 0 { &class.a } else { &class.b }, &class.ana, &written);
            scope.spawn(move || {
                for i in 0..75 {
                    let comment = format!("writer {t} note {i}");
                    let uuid = annotate(server, token, class.reading, "claim", &comment, json!({}));
                    let write = Written { uuid, kind: "claim".into(), exact: "cheap gas".into(), comment };
                    written.lock().expect("lock").push(write);
                }
            });
        }
    });
    let written = snapshot(&written);
    assert_eq!(written.len(), 600);
    let stored = stored(&url);
    assert_eq!(stored.len(), 600, "every write is stored once");
    for write in &written {
        assert_eq!(stored.get(&write.uuid), Some(write));
    }
    // And each server serves what went through the other.
    for write in written.iter().step_by(20) {
        assert_eq!(&fetch(class.a.addr, &class.ana, &write.uuid), write);
        assert_eq!(&fetch(class.b.addr, &class.ana, &write.uuid), write);
    }
}

#[test]
fn kill_9_of_one_server_mid_writes_loses_nothing_acknowledged_and_the_other_goes_on() {
    let _apart = crate::apart();
    let Some(url) = database() else { return };
    let Class { a, b, ana, reading, _dir, .. } = class(&url);
    let fixture = Fixture { token: ana, reading };
    let (stop_a, through_a) = (Arc::new(AtomicBool::new(false)), Acknowledged::default());
    let (stop_b, through_b) = (Arc::new(AtomicBool::new(false)), Acknowledged::default());
    let (addr_a, addr_b) = (a.addr, b.addr);
    std::thread::scope(|scope| {
        scope.spawn(|| write_until(addr_a, &fixture, 4, &stop_a, &through_a));
        scope.spawn(|| write_until(addr_b, &fixture, 4, &stop_b, &through_b));
        wait_for_writes(&through_a, 100);
        a.kill();
        stop_a.store(true, Ordering::Relaxed);
        // B goes on taking writes after A is gone.
        let before = snapshot(&through_b).len();
        wait_for_writes(&through_b, before + 100);
        stop_b.store(true, Ordering::Relaxed);
    });
    let acknowledged: Vec<Written> = snapshot(&through_a).into_iter().chain(snapshot(&through_b)).collect();
    let stored = stored(&url);
    for write in &acknowledged {
        assert_eq!(stored.get(&write.uuid), Some(write), "acknowledged but lost or changed");
    }
    for write in acknowledged.iter().step_by(acknowledged.len().div_ceil(30)) {
        assert_eq!(&fetch(b.addr, &fixture.token, &write.uuid), write, "B serves what A acknowledged");
    }
}
