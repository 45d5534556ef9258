//! Annotations stored in groups: each in a group is all or nothing, one that
//! fails leaves the others stored, a class posting at once loses nothing, and
//! after a failed transaction nothing is acknowledged until a real commit.

use crate::support::{self, TestApp};
use counterpoint::db::annotations::{Insert, LinkTarget};
use counterpoint::db::group_commit::{Inserts, commit};
use counterpoint::db::store;
use counterpoint::domain::{Comment, Kind, NewAnnotation, Relation, Tags, Visibility};
use counterpoint::formats::w3c::Provenance;
use counterpoint::text::anchor::{TextPosition, TextQuote};
use serde_json::json;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Connection, Executor};
use uuid::Uuid;

const TEXT: &str = "Alpha holds. Beta doubts. Gamma cites.";

fn insert(reading_id: i64, author_id: i64, comment: &str) -> Insert {
    let new = NewAnnotation {
        kind: Kind::Counterargument,
        comment: Comment::parse("comment", comment).expect("comment"),
        citation: Comment::default(),
        tags: Tags::default(),
        visibility: Visibility::Class,
        position: Some(TextPosition { start: 13, end: 25 }),
        quote: Some(TextQuote { exact: "Beta doubts.".into(), prefix: String::new(), suffix: String::new() }),
    };
    Insert { reading_id, author_id, new, links: Vec::new(), provenance: Provenance::default() }
}

async fn comments(app: &TestApp) -> Vec<String> {
    let rows: Vec<(String,)> =
        store::query_as("SELECT comment FROM annotations ORDER BY id").fetch_all(&app.state.db).await.expect("query");
    rows.into_iter().map(|(c,)| c).collect()
}

#[tokio::test]
async fn one_failure_in_a_group_is_undone_alone() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let claim = app.annotation(reading, &teacher, "claim", "Alpha holds.", json!({})).await;
    let (claim_row, author): (i64, i64) = store::query_as("SELECT id, author_id FROM annotations WHERE uuid = ?")
        .bind(&claim)
        .fetch_one(&app.state.db)
        .await
        .expect("claim");
    let target = |row_id| LinkTarget { row_id, id: Uuid::new_v4(), kind: Kind::Claim };

    let mut linked = insert(reading, author, "linked");
    linked.links = vec![(target(claim_row), Relation::Rebuts)];
    let mut broken_link = insert(reading, author, "broken link");
    broken_link.links = vec![(target(claim_row + 999), Relation::Rebuts)];
    let group = [
        insert(reading, author, "first"),
        insert(reading + 999, author, "no such reading"),
        broken_link,
        linked,
        insert(reading, author, "last"),
    ];
    let mut conn = app.state.db.acquire().await.expect("connection");
    let results = commit(&mut conn, &group).await;
    let ok: Vec<bool> = results.iter().map(Result::is_ok).collect();
    assert_eq!(ok, [true, false, false, true, true]);
    assert_eq!(comments(&app).await, ["", "first", "linked", "last"], "the failed ones left nothing, not even a part");
    let (links,): (i64,) = store::query_as("SELECT count(*) FROM links").fetch_one(&app.state.db).await.expect("links");
    assert_eq!(links, 1, "only the good link was stored");
}

#[tokio::test]
async fn a_class_posting_at_once_gets_every_annotation_stored_and_answered() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let posts = (0..40).map(|n| {
        let app = &app;
        let teacher = &teacher;
        async move {
            let comment = json!({"body": [
                {"type": "TextualBody", "purpose": "classifying", "value": "note"},
                {"type": "TextualBody", "purpose": "commenting", "value": format!("post {n}")}]});
            app.annotation(reading, teacher, "note", "Gamma cites.", comment).await
        }
    });
    let ids = futures_util::future::join_all(posts).await;
    assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), 40, "each answered with its own id");
    assert_eq!(app.count_annotations().await, 40);
}

/// Faults injected on every connection of the group-committing pool: a failure
/// SQLite answers by rolling the whole transaction back itself, as it does a
/// `COMMIT` that fails for a full disk or a disk error; and one it answers by
/// undoing the statement alone, leaving the transaction open.
const INJECT: &str = "
    CREATE TEMP TRIGGER fault_rollback AFTER INSERT ON annotations WHEN NEW.comment = 'fault: rollback'
    BEGIN SELECT RAISE(ROLLBACK, 'injected: the transaction was rolled back'); END;
    CREATE TEMP TRIGGER fault_abort AFTER INSERT ON annotations WHEN NEW.comment = 'fault: abort'
    BEGIN SELECT RAISE(ABORT, 'injected: the statement failed'); END;";

#[tokio::test]
async fn after_a_failed_transaction_nothing_is_acknowledged_until_a_real_commit() {
    if support::sqlite_only("a failing SQLite connection") {
        return;
    }
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let (author,): (i64,) = store::query_as("SELECT id FROM users").fetch_one(&app.state.db).await.expect("author");
    // One connection, so that a connection left in a bad state would be the one reused.
    let faulty = SqlitePoolOptions::new()
        .max_connections(1)
        .after_connect(|conn, _| Box::pin(async move { conn.execute(INJECT).await.map(|_| ()) }))
        .connect_with(SqliteConnectOptions::new().filename(&app.state.config.db))
        .await
        .expect("pool");
    let inserts = Inserts::start(faulty.clone().into());

    assert!(inserts.insert(insert(reading, author, "fault: rollback")).await.is_err());
    assert!(inserts.insert(insert(reading, author, "fault: abort")).await.is_err());
    let acknowledged = inserts.insert(insert(reading, author, "after the faults")).await;
    assert!(acknowledged.is_ok(), "{acknowledged:?}");

    // Acknowledged means committed: another connection sees it at once.
    assert_eq!(comments(&app).await, ["after the faults"], "acknowledged but not committed");
    let mut conn = faulty.acquire().await.expect("connection");
    assert!(!conn.is_in_transaction(), "a connection went back to the pool inside a transaction");
    conn.begin_with("BEGIN").await.expect("SQLite is out of any transaction too").rollback().await.expect("rollback");
}

#[tokio::test]
async fn what_arrives_while_a_group_waits_for_the_write_lock_joins_it() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let (author,): (i64,) = store::query_as("SELECT id FROM users").fetch_one(&app.state.db).await.expect("author");
    let inserts = Inserts::start(app.state.db.clone());

    // Another writer (another server's group, on PostgreSQL) holds the write lock.
    let holder = app.state.db.begin_immediate().await.expect("the write lock");
    let first = tokio::spawn({
        let inserts = inserts.clone();
        async move { inserts.insert(insert(reading, author, "first")).await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await; // the group task is waiting for the lock
    let later: Vec<_> = (0..9)
        .map(|n| {
            let inserts = inserts.clone();
            tokio::spawn(async move { inserts.insert(insert(reading, author, &format!("later {n}"))).await })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    holder.rollback().await.expect("release");

    let mut created = std::collections::HashSet::new();
    for task in std::iter::once(first).chain(later) {
        let (_, at) = task.await.expect("task").expect("stored");
        created.insert(at);
    }
    assert_eq!(app.count_annotations().await, 10);
    // One group takes its time once it holds the lock: ten annotations, one transaction.
    assert_eq!(created.len(), 1, "those that arrived while the first waited were stored in a group of their own");
}

#[tokio::test]
async fn a_group_stores_every_column_as_given_whatever_its_characters() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let (author,): (i64,) = store::query_as("SELECT id FROM users").fetch_one(&app.state.db).await.expect("author");
    // What JSON escapes, what it passes through, and what SQL quotes: a group must store each as written.
    let awkward =
        ["say \"no\"", "back\\slash", "tab\there\nline", "it's; DROP", "🌍 e\u{301} \u{2028}", "\u{1b}[0m", ""];
    let group: Vec<Insert> = awkward
        .iter()
        .enumerate()
        .map(|(n, text)| {
            let mut one = insert(reading, author, text);
            one.new.kind = Kind::ALL[n % Kind::ALL.len()];
            one.new.visibility = Visibility::ALL[n % Visibility::ALL.len()];
            one.new.citation = Comment::parse("citation", &format!("cite {text}")).expect("citation");
            one.new.tags = Tags::parse([format!("tag \"{n}\"").as_str()]).expect("tags");
            one.new.position = Some(TextPosition { start: n, end: n + 5 });
            let exact: String = TEXT.chars().skip(n).take(5).collect();
            one.new.quote =
                Some(TextQuote { exact, prefix: format!("before {text}"), suffix: format!("after {text}") });
            one
        })
        .collect();
    let mut conn = app.state.db.acquire().await.expect("connection");
    let results = commit(&mut conn, &group).await;
    let ids: Vec<String> = results.into_iter().map(|r| r.expect("stored").0.to_string()).collect();

    type Stored = (String, i64, String, String, String, String, String, i64, i64, String, String, String);
    for (id, want) in ids.iter().zip(&group) {
        let row: Stored = store::query_as(
            "SELECT kind, author_id, comment, citation, tags, visibility, exact, start, \"end\", prefix, suffix, \
             created_at FROM annotations WHERE uuid = ? AND reading_id = ?",
        )
        .bind(id)
        .bind(reading)
        .fetch_one(&app.state.db)
        .await
        .expect("the annotation, under the id it was answered with");
        let (position, quote) = (want.new.position.expect("position"), want.new.quote.as_ref().expect("quote"));
        let expected = (
            want.new.kind.as_str().to_owned(),
            author,
            want.new.comment.as_str().to_owned(),
            want.new.citation.as_str().to_owned(),
            serde_json::to_string(want.new.tags.as_slice()).expect("tags"),
            want.new.visibility.as_str().to_owned(),
            quote.exact.clone(),
            i64::try_from(position.start).expect("start"),
            i64::try_from(position.end).expect("end"),
            quote.prefix.clone(),
            quote.suffix.clone(),
        );
        assert_eq!(
            (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10),
            expected,
            "annotation {id}"
        );
        assert!(row.11.starts_with("20"), "created_at is a stored time: {}", row.11);
    }
}
