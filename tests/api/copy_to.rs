//! `counterpoint --db FILE copy-to postgres://…`, run as an operator would: an
//! SQLite deployment with a course's whole life in it moves into a fresh
//! PostgreSQL schema, every table checked, the course exports the same from
//! either, new rows get fresh ids, and a second copy into the filled schema is
//! refused without a change.

use crate::cli::{counterpoint, stderr};
use crate::support::{TestApp, TestUser};
use axum::http::{Method, StatusCode};
use base64::Engine as _;
use counterpoint::db::{self, Db, store};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

/// The course's JSON-LD export, as the command prints it.
fn export(db: &str, course: i64) -> String {
    let output = counterpoint(db, &["export", "--course", &course.to_string(), "--format", "jsonld"], "");
    assert!(output.status.success(), "export from {db}: {}", stderr(&output));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// Every application table's row count.
async fn counts(db: &Db, tables: &[String]) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for table in tables {
        let n: i64 = store::query_scalar(format!("SELECT count(*) FROM \"{table}\""))
            .persistent(false)
            .fetch_one(db)
            .await
            .unwrap_or_else(|e| panic!("count {table}: {e}"));
        counts.insert(table.clone(), n);
    }
    counts
}

/// A course with a bit of everything: members, the shared essay and a PDF with its
/// original, annotations of several kinds with a link, a reply, feedback, a private
/// note, a deleted annotation's tombstone, an LTI platform. Returns the course and the claim.
async fn deployment(app: &TestApp, essay: &str) -> (i64, String, TestUser) {
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", essay).await;
    let pdf = base64::engine::general_purpose::STANDARD.encode(crate::pdf_readings::fixture("footnotes.pdf"));
    let uploaded =
        app.post(&format!("/api/courses/{course}/readings"), &teacher, json!({"format": "pdf", "source": pdf})).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text);

    let claim = app.annotation(reading, &ana, "claim", "marriage of convenience", json!({})).await;
    let counter =
        app.annotation(reading, &ben, "counterargument", "a marriage of like-minded partners", json!({})).await;
    let link = app.post(&format!("/api/annotations/{counter}/links"), &ben, json!({"target": claim})).await;
    assert!(link.status.is_success(), "{}", link.text);
    app.annotation(reading, &ben, "question", "arranged marriage", json!({})).await;
    app.annotation(reading, &ana, "source", "same bed", json!({})).await;
    app.annotation(reading, &ana, "note", "Shanghai Cooperation Organization", json!({"visibility": "private"})).await;
    let reply =
        app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Convenient for whom?"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let feedback =
        app.post(&format!("/api/annotations/{claim}/feedback"), &teacher, json!({"text": "Well put."})).await;
    assert_eq!(feedback.status, StatusCode::CREATED, "{}", feedback.text);
    let doomed = app.annotation(reading, &ana, "claim", "Whatever its nature", json!({})).await;
    let deleted = app.api(Method::DELETE, &format!("/api/annotations/{doomed}"), Some(&ana), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    let platform = db::lti::NewPlatform {
        issuer: "https://lms.example.edu",
        client_id: "counterpoint",
        deployment_id: "1",
        auth_url: "https://lms.example.edu/auth",
        jwks_url: "https://lms.example.edu/jwks",
        token_url: "https://lms.example.edu/token",
    };
    db::lti::register_platform(&app.state.db, &platform).await.expect("platform");
    (course, claim, ben)
}

#[tokio::test]
async fn an_sqlite_deployment_moves_into_postgresql_whole_and_checked() {
    let Some(url) = counterpoint::fixtures::postgres_url() else { return };
    let Some(essay) = counterpoint::fixtures::shared_text("readings/one-bed-different-dreams.txt") else { return };
    let (app, file) = TestApp::on_sqlite().await;
    let (course, claim, ben) = deployment(&app, &essay).await;
    db::close(&app.state.db).await;
    let file = file.to_str().expect("utf-8 path").to_owned();
    let before = export(&file, course);
    assert!(before.contains(&claim) && before.contains("Convenient for whom?"), "the export holds the work: {before}");
    let target = counterpoint::fixtures::fresh_postgres_schema(&url).await.expect("schema").url;

    let copied = counterpoint(&file, &["copy-to", &target], "");
    assert!(copied.status.success(), "{}", stderr(&copied));
    let table = String::from_utf8(copied.stdout).expect("utf-8");
    let rows: Vec<Vec<&str>> = table.lines().skip(1).map(|l| l.split_whitespace().collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 3 && r[2] == "ok"), "every table reads back the same:\n{table}");
    let tables: Vec<String> = rows.iter().map(|r| r[0].to_owned()).collect();
    for expected in ["users", "sessions", "annotations", "links", "replies", "feedback", "annotation_tombstones"]
        .into_iter()
        .chain(["search", "reading_changes", "reading_originals", "inbox_items", "annotation_counts", "lti_platforms"])
    {
        assert!(tables.iter().any(|t| t == expected), "{expected} is copied:\n{table}");
    }

    let source = db::connect_sqlite(Path::new(&file)).await.expect("sqlite");
    let pg = db::connect_postgres(&target).await.expect("postgres");
    let in_sqlite = counts(&source, &tables).await;
    let in_postgres = counts(&pg, &tables).await;
    assert_eq!(in_postgres, in_sqlite, "every table has its rows");
    for (table, n) in [("annotations", 5), ("links", 1), ("replies", 1), ("feedback", 1), ("annotation_tombstones", 1)]
    {
        assert_eq!(in_postgres[table], n, "{table}");
    }
    assert!(in_postgres["search"] > 0 && in_postgres["reading_changes"] > 0 && in_postgres["lti_deployments"] == 1);
    for (table, shown) in rows.iter().map(|r| (r[0], r[1])) {
        assert_eq!(shown, in_sqlite[table].to_string(), "the table prints {table}'s rows");
    }

    let refused = counterpoint(&file, &["copy-to", &target], "");
    assert!(!refused.status.success(), "a second copy into the filled schema is refused");
    assert!(stderr(&refused).contains("is not empty"), "{}", stderr(&refused));
    assert_eq!(counts(&pg, &tables).await, in_postgres, "and changes nothing");

    assert_eq!(export(&target, course), before, "the course exports the same from PostgreSQL");

    let highest_user: i64 = store::query_scalar("SELECT max(id) FROM users").fetch_one(&pg).await.expect("max");
    let user = counterpoint::accounts::create_account(&pg, "new@example.org", "New", "a long enough password")
        .await
        .expect("a new account after the copy");
    assert!(user > highest_user, "a new account gets a fresh id ({user} after {highest_user})");
    let highest_reply: i64 = store::query_scalar("SELECT max(id) FROM replies").fetch_one(&pg).await.expect("max");
    let ben: i64 =
        store::query_scalar("SELECT id FROM users WHERE email = ?").bind(&ben.email).fetch_one(&pg).await.expect("ben");
    let uuid = uuid::Uuid::parse_str(&claim).expect("uuid");
    // A reply fires the change log, search and inbox triggers, whose own ids come from sequences too.
    let reply = db::replies::insert_reply(&pg, uuid, ben, "And a new reply on PostgreSQL.").await.expect("a new reply");
    let newest: i64 = store::query_scalar("SELECT max(id) FROM replies").fetch_one(&pg).await.expect("max");
    assert!(newest > highest_reply, "{reply:?}");
    pg.close().await;
    source.close().await;
}

#[tokio::test]
async fn copy_to_refuses_what_it_cannot_do_and_says_why() {
    let dir = tempfile::tempdir().expect("dir");
    let absent = dir.path().join("absent.db");
    let absent = absent.to_str().expect("path");
    let target = "postgres://nobody@127.0.0.1:1/none";
    let cases = [
        (absent, target, "is not an SQLite database file"),
        (absent, "other.db", "needs a PostgreSQL URL"),
        (target, target, "--db names the SQLite file"),
    ];
    for (db, to, message) in cases {
        let output = counterpoint(db, &["copy-to", to], "");
        assert!(!output.status.success(), "{db} → {to} is refused");
        assert!(stderr(&output).contains(message), "{message:?} in {}", stderr(&output));
    }
    assert!(!Path::new(absent).exists(), "no database file is made");
}

#[tokio::test]
async fn a_value_postgresql_cannot_take_stops_the_copy_and_leaves_the_target_empty() {
    let Some(url) = counterpoint::fixtures::postgres_url() else { return };
    let dir = tempfile::tempdir().expect("dir");
    let source = db::connect_sqlite(&dir.path().join("many.db")).await.expect("sqlite");
    // More users than one batch holds, so rows cross batch boundaries in key order.
    store::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)
         INSERT INTO users (email, name, password_hash, created_at)
         SELECT 'user' || i || '@example.org', 'User ' || i, 'x', '2026-12-02T00:00:00.000Z' FROM n",
    )
    .execute(&source)
    .await
    .expect("users");
    let title = counterpoint::domain::Title::parse("Geopolitics").expect("title");
    db::courses::insert_course(&source, &title, 7).await.expect("course");
    // SQLite keeps a blob in a TEXT column; PostgreSQL's text column cannot take it.
    store::query("UPDATE memberships SET joined_at = x'00ff'").execute(&source).await.expect("blob");
    let target = counterpoint::fixtures::fresh_postgres_schema(&url).await.expect("schema").url;
    let pg = db::connect_postgres(&target).await.expect("postgres");

    let refused = db::copy_to::copy(&source, &pg).await.expect_err("a blob where text belongs");
    let message = format!("{refused:#}");
    assert!(message.contains("memberships") && message.contains("joined_at") && message.contains("BLOB"), "{message}");
    let users: i64 = store::query_scalar("SELECT count(*) FROM users").fetch_one(&pg).await.expect("count");
    assert_eq!(users, 0, "the users copied before it were rolled back");

    store::query("UPDATE memberships SET joined_at = '2026-12-02T00:00:00.000Z'").execute(&source).await.expect("text");
    let report = db::copy_to::copy(&source, &pg).await.expect("the copy, once the value is text");
    assert!(report.committed && report.tables.iter().all(|t| t.same), "{report:?}");
    let users = report.tables.iter().find(|t| t.table == "users").expect("users");
    assert_eq!((users.source_rows, users.target_rows), (1234, 1234));
    let next = counterpoint::accounts::create_account(&pg, "next@example.org", "Next", "a long enough password")
        .await
        .expect("a new account");
    assert_eq!(next, 1235, "the identity goes on after the copied ids");
    pg.close().await;
    source.close().await;
}
