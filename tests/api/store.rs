//! The store and the use cases on it, below the router, on a fresh database:
//! the edge cases pages and API answers cannot easily reach (a chain of links
//! read back, memberships removed and re-admitted, rows decoded by name).

use crate::support::{self, TestApp};
use counterpoint::courses::{MemberChange, change_member};
use counterpoint::db::links::{Inserted, closes_supports_cycle, insert_link, row_id};
use counterpoint::db::store;
use counterpoint::db::{courses, feedback};
use counterpoint::domain::{Relation, Role};
use serde_json::json;

const TEXT: &str = "One. Two. Three. Four. Five.";

#[tokio::test]
async fn supports_links_refuse_a_cycle_at_any_distance_and_allow_a_diamond() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let db = &app.state.db;
    let mut rows = Vec::new();
    for word in ["One", "Two", "Three", "Four"] {
        let id = app.annotation(reading, &teacher, "claim", word, json!({})).await;
        rows.push(row_id(db, id.parse().expect("uuid")).await.expect("query").expect("row"));
    }
    // One → Two → Three → Four.
    for pair in rows.windows(2) {
        assert!(matches!(insert_link(db, pair[0], pair[1], Relation::Supports).await.expect("link"), Inserted::Yes));
    }
    assert!(closes_supports_cycle(db, rows[3], rows[0]).await.expect("query"), "Four → One closes the chain");
    assert!(matches!(insert_link(db, rows[3], rows[0], Relation::Supports).await.expect("link"), Inserted::Cycle));
    assert!(!closes_supports_cycle(db, rows[0], rows[3]).await.expect("query"), "a second path is no cycle");
    assert!(matches!(insert_link(db, rows[0], rows[3], Relation::Supports).await.expect("link"), Inserted::Yes));
    assert!(matches!(
        insert_link(db, rows[0], rows[3], Relation::Supports).await.expect("link"),
        Inserted::AlreadyLinked
    ));
}

#[tokio::test]
async fn memberships_removed_stay_out_until_readmitted_and_the_last_instructor_stays() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let db = &app.state.db;
    let (teacher_id, ana_id) = (app.user_id(&teacher).await, app.user_id(&ana).await);

    change_member(db, course, ana_id, MemberChange::Remove).await.expect("removed");
    assert_eq!(courses::role_of(db, course, ana_id).await.expect("query"), None);
    assert!(!courses::add_student(db, course, ana_id).await.expect("query"), "a removed student cannot rejoin");
    assert_eq!(courses::list_removed(db, course).await.expect("query").len(), 1);
    assert!(courses::readmit(db, course, ana_id).await.expect("query"));
    assert!(!courses::readmit(db, course, ana_id).await.expect("query"), "only once");
    assert_eq!(courses::role_of(db, course, ana_id).await.expect("query"), Some(Role::Student));

    let last = change_member(db, course, teacher_id, MemberChange::Demote).await;
    assert!(last.is_err(), "the only instructor cannot step down");
    change_member(db, course, ana_id, MemberChange::Promote).await.expect("promoted");
    assert_eq!(courses::count_instructors(db, course).await.expect("query"), 2);
    change_member(db, course, teacher_id, MemberChange::Demote).await.expect("now there is another");
    assert_eq!(courses::role_of(db, course, teacher_id).await.expect("query"), Some(Role::Student));
    let stranger = app.user_id(&app.user("stranger").await).await;
    assert!(change_member(db, course, stranger, MemberChange::Promote).await.is_err(), "not a member: 404");
    assert_eq!(courses::role_of(db, course, stranger).await.expect("query"), None);
}

#[tokio::test]
async fn an_author_reads_feedback_on_their_own_work_only_while_in_the_course() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let db = &app.state.db;
    let teacher_id = app.user_id(&teacher).await;
    let commented = json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": "claim"},
                                    {"type": "TextualBody", "purpose": "commenting", "value": "mine"}]});
    let mine = app.annotation(reading, &ana, "claim", "Two", commented).await;
    let theirs = app.annotation(reading, &ben, "claim", "Three", json!({})).await;
    for (id, text) in [(&mine, "first"), (&theirs, "for ben"), (&mine, "second")] {
        feedback::insert_feedback(db, id.parse().expect("uuid"), teacher_id, text, text == "second")
            .await
            .expect("stored");
    }

    let ana_id = app.user_id(&ana).await;
    let listed = feedback::list_for_author(db, ana_id).await.expect("query");
    let texts: Vec<&str> = listed.iter().map(|f| f.feedback.text.as_str()).collect();
    assert_eq!(texts, ["second", "first"], "Ana's own, newest first");
    let newest = &listed[0];
    assert!(newest.feedback.exemplary);
    assert_eq!((newest.reading_id, newest.exact.as_str(), newest.comment.as_str()), (reading, "Two", "mine"));
    assert_eq!(newest.feedback.author_name, "teacher");

    change_member(db, course, ana_id, MemberChange::Remove).await.expect("removed");
    assert!(feedback::list_for_author(db, ana_id).await.expect("query").is_empty(), "not after leaving the course");
}

/// Tables no rendered page or snapshot draws from (or whose changes reach pages
/// another way), each with why. Every other table must move the revision of what
/// it shows by trigger (`migrations/sqlite/20261128000005_revisions.sql`): cached pages
/// and snapshots are kept until that revision moves, so a table without
/// triggers would leave pages stale. Add a new table here only with a reason.
const NO_REVISION_TRIGGERS: &[(&str, &str)] = &[
    ("_sqlx_migrations", "sqlx's own bookkeeping"),
    ("annotation_counts", "the per-reading quota's tally, kept by the annotations' triggers, read per create"),
    ("annotation_tombstones", "the protocol's 410 for deleted ids, read per request; the delete moves the revision"),
    ("api_tokens", "credentials, read per request"),
    ("sessions", "credentials, read per request"),
    ("password_resets", "one-time links, read per request"),
    ("course_removals", "read per request by the member list; ending the membership moves the revision"),
    ("courses", "its revision is what the others move; its join code is drawn per request"),
    ("moderation_log", "an audit record; the deletion it records moves the revision"),
    ("reading_changes", "the change log the snapshot triggers write"),
    ("reading_visits", "per-viewer news drawn around the cached parts: a visit must not make every cache stale"),
    ("retired_ids", "a high-water mark of ids, never shown"),
    ("storage_probe", "the storage health check's scratch row, never shown"),
    ("lti_platforms", "LMS registrations, read per request"),
    ("lti_deployments", "LMS registrations, read per request"),
    ("lti_keys", "the tool's signing keys, read per request"),
    ("lti_logins", "logins in flight, read per request"),
    ("lti_users", "LMS identities of accounts, read per request"),
    ("lti_contexts", "read per request by the course and review pages"),
    ("lti_resource_links", "read per launch and per grade push"),
    ("lti_deep_links", "one-time deep-linking requests, read per request"),
    ("lti_grade_reports", "read per request by the review page"),
    ("inbox_items", "one reader's own, read per request by the inbox and its badge"),
    ("reading_versions", "the versions list, read per request; replacing the text moves the revision through readings"),
];

/// Tables a reading's snapshot is loaded from: besides the revision, each logs
/// what it changed in `reading_changes`, so a kept snapshot is brought up to date.
const SNAPSHOT_TABLES: &[&str] =
    &["annotations", "links", "replies", "readings", "users", "course_settings", "assignments", "annotation_marks"];

#[tokio::test]
async fn every_table_moves_revisions_by_trigger_or_says_why_not() {
    // On PostgreSQL, tests/api/schema_contract.rs holds its triggers to SQLite's.
    if support::sqlite_only("the trigger contract over sqlite_master") {
        return;
    }
    let app = TestApp::new().await;
    let db = &app.state.db;
    // Virtual tables (the FTS5 search index) and their shadow tables are kept by
    // the triggers of the tables they index, and read per request.
    let tables: Vec<(String,)> = store::query_as(
        "SELECT t.name FROM sqlite_master t WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite_%'
         AND t.sql NOT LIKE 'CREATE VIRTUAL TABLE%'
         AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table'
                         AND v.sql LIKE 'CREATE VIRTUAL TABLE%' AND t.name LIKE v.name || '\\_%' ESCAPE '\\')
         ORDER BY t.name",
    )
    .fetch_all(db)
    .await
    .expect("tables");
    let triggers: Vec<(String, String)> =
        store::query_as("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            .fetch_all(db)
            .await
            .expect("triggers");
    let on = |table: &str, needle: &str| triggers.iter().any(|(t, sql)| t == table && sql.contains(needle));
    let mut missing = Vec::new();
    for (table,) in &tables {
        let exempt = NO_REVISION_TRIGGERS.iter().any(|(name, _)| name == table);
        if !exempt && !on(table, "revision") {
            missing.push(format!("{table}: no trigger moves a revision"));
        }
        if SNAPSHOT_TABLES.contains(&table.as_str()) && !on(table, "reading_changes") {
            missing.push(format!("{table}: no trigger logs its changes in reading_changes"));
        }
    }
    for (name, _) in NO_REVISION_TRIGGERS {
        assert!(tables.iter().any(|(t,)| t == name), "{name} is exempt but no longer exists");
    }
    assert!(missing.is_empty(), "the revision contract is broken:\n{}", missing.join("\n"));
}

/// PostgreSQL: connections the database dropped while they sat idle in the pool
/// (a restart, a failover, an idle timeout) are found dead and replaced before a
/// request is given one, rather than handed out to fail it.
#[tokio::test]
async fn connections_the_database_dropped_while_idle_are_replaced_before_use() {
    if support::postgres_only("a pool of connections to a database server") {
        return;
    }
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let store::Db::Postgres(pool) = &app.state.db else { panic!("the app is on PostgreSQL") };
    // Several connections at once, so that the pool keeps that many, and their server processes.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(pool.acquire().await.expect("a connection"));
    }
    let mut pids: Vec<i32> = Vec::new();
    for conn in &mut held {
        pids.push(sqlx::query_scalar("SELECT pg_backend_pid()").fetch_one(&mut **conn).await.expect("pid"));
    }
    drop(held);
    let url = counterpoint::fixtures::postgres_url().expect("the cluster");
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&url).await.expect("the cluster");
    let ended: Vec<bool> = sqlx::query_scalar("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid")
        .bind(&pids)
        .fetch_all(&mut admin)
        .await
        .expect("terminate");
    assert_eq!(ended, vec![true; pids.len()], "each of the pool's connections was ended");
    // Idle past the time after which a connection is checked before use.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let path = format!("/courses/{course}");
    let answers = futures_util::future::join_all((0..6).map(|_| app.get(&path, &teacher))).await;
    for answer in answers {
        assert_eq!(answer.status, axum::http::StatusCode::OK, "{}", answer.text);
    }
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)")
        .bind(&pids)
        .fetch_one(&mut admin)
        .await
        .expect("count");
    assert_eq!(left, 0, "the ended connections are gone");
}
