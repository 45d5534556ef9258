//! The PostgreSQL schema (`migrations/postgres`) held equal to what the SQLite
//! migrations (`migrations/sqlite`) produce: the same tables with the same
//! columns, indexes and triggers, and the same trigger effects — revisions,
//! the change log, the inbox, the tallies, retired ids and the search index —
//! after the same statements on both. A new SQLite migration without its
//! PostgreSQL counterpart fails here.
//!
//! Runs only with `COUNTERPOINT_TEST_POSTGRES` (see `fixtures::postgres_url`).
//! Both databases are built with sqlx and the migrations directly, not through
//! the store, so that what is compared is the schemas alone.

use counterpoint::fixtures::{fresh_postgres_schema, postgres_url};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr as _;

/// SQLite's FTS5 keeps the `search` index in shadow tables PostgreSQL has no
/// need of: there `search` is an ordinary table with a tsvector.
const FTS5_SHADOW_TABLES: &[&str] = &["search_config", "search_content", "search_data", "search_docsize", "search_idx"];

/// Columns only PostgreSQL has: FTS5's implicit `rowid`, made explicit, and the tsvector it indexes.
const POSTGRES_ONLY_COLUMNS: &[(&str, &str)] = &[("search", "rowid"), ("search", "document")];

/// Indexes only PostgreSQL has: the GIN index FTS5 has built in.
const POSTGRES_ONLY_INDEXES: &[&str] = &["search_document"];

struct Backends {
    sqlite: SqlitePool,
    postgres: PgPool,
}

/// A freshly migrated database of each kind, or `None` when there is no cluster to use.
async fn backends() -> Option<Backends> {
    let url = postgres_url()?;
    let schema = fresh_postgres_schema(&url).await.expect("a fresh schema in the test cluster");
    let postgres = PgPoolOptions::new().max_connections(2).connect_with(schema.options).await.expect("postgres");
    sqlx::migrate!("migrations/postgres").run(&postgres).await.expect("the PostgreSQL migrations run");
    // One connection: an in-memory database is per connection. Foreign keys on, as db::connect has them.
    let options = SqliteConnectOptions::from_str("sqlite::memory:").expect("options").foreign_keys(true);
    let sqlite = SqlitePoolOptions::new().max_connections(1).connect_with(options).await.expect("sqlite");
    sqlx::migrate!("migrations/sqlite").run(&sqlite).await.expect("the SQLite migrations run");
    Some(Backends { sqlite, postgres })
}

/// (table, column) → NOT NULL, read from a catalog as (table, column, not null) rows.
type Columns = BTreeMap<(String, String), bool>;

#[tokio::test]
async fn postgres_has_the_tables_columns_indexes_and_triggers_sqlite_has() {
    let Some(db) = backends().await else { return };

    // SQLite: a column is NOT NULL when declared so or when it is (part of) the primary key.
    let sqlite: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT m.name, p.name, p.\"notnull\" OR p.pk > 0 FROM sqlite_master m, pragma_table_info(m.name) p
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&db.sqlite)
    .await
    .expect("sqlite columns");
    let postgres: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, is_nullable = 'NO' FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&db.postgres)
    .await
    .expect("postgres columns");
    let sqlite: Columns = sqlite
        .into_iter()
        .filter(|(table, _, _)| !FTS5_SHADOW_TABLES.contains(&table.as_str()))
        .map(|(table, column, not_null)| ((table, column), not_null))
        .collect();
    let postgres: Columns = postgres
        .into_iter()
        .filter(|(table, column, _)| !POSTGRES_ONLY_COLUMNS.contains(&(table.as_str(), column.as_str())))
        .map(|(table, column, not_null)| ((table, column), not_null))
        .collect();
    let names = |c: &Columns| c.keys().cloned().collect::<BTreeSet<_>>();
    let (only_sqlite, only_postgres): (Vec<_>, Vec<_>) = (
        names(&sqlite).difference(&names(&postgres)).cloned().collect(),
        names(&postgres).difference(&names(&sqlite)).cloned().collect(),
    );
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas' columns differ.\nonly in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
    assert!(sqlite.len() > 200, "the catalogs were read: {} columns", sqlite.len());
    // FTS5's columns are all nullable; PostgreSQL's search table holds what the triggers always give.
    let nullability: Vec<_> =
        sqlite.iter().filter(|(key, not_null)| key.0 != "search" && postgres.get(*key) != Some(*not_null)).collect();
    assert!(nullability.is_empty(), "NOT NULL differs on PostgreSQL for: {nullability:?}");

    let sqlite: BTreeSet<(String, String)> = sqlx::query_as::<_, (String, String)>(
        "SELECT type, tbl_name || '.' || name FROM sqlite_master
         WHERE type IN ('index', 'trigger') AND name NOT LIKE 'sqlite\\_autoindex\\_%' ESCAPE '\\'",
    )
    .fetch_all(&db.sqlite)
    .await
    .expect("sqlite indexes and triggers")
    .into_iter()
    .collect();
    let postgres: BTreeSet<(String, String)> = sqlx::query_as::<_, (String, String)>(
        "SELECT 'index', tablename::text || '.' || indexname::text FROM pg_indexes i
         WHERE schemaname = current_schema()
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
                           AND c.connamespace = current_schema()::regnamespace)
         UNION ALL
         SELECT 'trigger', c.relname::text || '.' || t.tgname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal",
    )
    .fetch_all(&db.postgres)
    .await
    .expect("postgres indexes and triggers")
    .into_iter()
    .filter(|(_, name)| !POSTGRES_ONLY_INDEXES.iter().any(|only| name.ends_with(&format!(".{only}"))))
    .collect();
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the schemas' indexes or triggers differ.\nonly in SQLite: {only_sqlite:?}\nonly in PostgreSQL: {only_postgres:?}"
    );
    assert!(sqlite.iter().filter(|(kind, _)| kind == "trigger").count() > 80, "the triggers were read");
}

/// A table the triggers write (or cascades reach), and the columns compared.
/// Rows are compared as sorted sets: PostgreSQL fires several triggers on one
/// event in the order of their names, SQLite newest first, so which of two rows
/// one statement logs gets the lower `seq` or `id` may differ, and means nothing.
/// For the same reason `seq` values themselves are not compared: SQLite logs, and
/// then removes, changes to a reading being deleted, which uses up seqs that
/// PostgreSQL never takes (see `annotations_delete_change` there).
const WATCHED: &[(&str, &str)] = &[
    ("readings", "id, course_id, title, revision, version"),
    ("courses", "id, revision"),
    ("reading_changes", "reading_id, annotation_row"),
    ("inbox_items", "user_id, type, annotation_id, reply_id, link_id, feedback_id, created_at, read_at"),
    ("annotation_counts", "reading_id, author_id, authored"),
    ("retired_ids", "tbl, high"),
    ("group_members", "group_id, user_id"),
    ("search", "rowid, body, quote, scope, type, reading_id, annotation_id, reply_id, author_id, block_start"),
    ("annotations", "id, reading_id, author_id"),
    ("links", "id, from_id, to_id, relation"),
    ("replies", "id, annotation_id, author_id"),
    ("provenance", "id, annotation_id, reply_id, via"),
    ("annotation_marks", "annotation_id, mark, by_id"),
];

/// Each table's rows as text, one string a row, in one SQL text both backends run.
fn snapshot_queries() -> Vec<(String, String)> {
    WATCHED
        .iter()
        .map(|(table, columns)| {
            let row = columns
                .split(", ")
                .map(|c| format!("coalesce(CAST({c} AS TEXT), 'NULL')"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            ((*table).to_owned(), format!("SELECT {row} FROM {table}"))
        })
        .collect()
}

const PDF_SHA: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The statements, in order, each run on both backends as written (literal values, no binds).
fn scenario() -> Vec<(&'static str, String)> {
    let annotation = "INSERT INTO annotations (uuid, reading_id, author_id, kind, comment, citation, tags, visibility, \
                      start, \"end\", exact, prefix, suffix, created_at, modified_at) VALUES";
    let reading = "INSERT INTO readings (id, course_id, title, format, source, text, blocks, created_at) VALUES";
    let reply = "INSERT INTO replies (uuid, annotation_id, author_id, text, created_at) VALUES";
    vec![
        (
            "users sign up",
            "INSERT INTO users (email, name, password_hash, created_at) VALUES
                ('ana@example.org', 'Ana', '', 'T01'), ('ben@example.org', 'Ben', '', 'T01'),
                ('teacher@example.org', 'Teacher', '', 'T01')"
                .into(),
        ),
        ("courses are made", "INSERT INTO courses (title, join_code, created_at) VALUES ('C1', 'J1', 'T01'), ('C2', 'J2', 'T01')".into()),
        (
            "members join",
            "INSERT INTO memberships (course_id, user_id, role, joined_at) VALUES
                (1, 3, 'instructor', 'T01'), (1, 1, 'student', 'T01'), (1, 2, 'student', 'T01'), (2, 3, 'instructor', 'T01')"
                .into(),
        ),
        (
            "readings are imported (with the code's explicit ids)",
            format!(
                r#"{reading} (10, 1, 'R10', 'text', 's', 'Café one. Two dogs ran.',
                    '[{{"kind":"paragraph","start":0,"end":9}},{{"kind":"paragraph","start":10,"end":23}}]', 'T02'),
                   (11, 1, 'R11', 'text', 's', 'abc def', '[{{"kind":"paragraph","start":0,"end":7}}]', 'T02'),
                   (12, 2, 'R12', 'text', 's', 'xyz', '[{{"kind":"paragraph","start":0,"end":3}}]', 'T02')"#
            ),
        ),
        ("the course's settings", "INSERT INTO course_settings (course_id, post_first, updated_at) VALUES (1, 1, 'T02')".into()),
        (
            "the course's rubric",
            "INSERT INTO rubrics (course_id, claim_points, counterargument_points, source_points, question_points,
                 note_points, reply_points, min_words, cap, updated_at) VALUES (1, 5, 5, 5, 5, 5, 1, 0, 0, 'T02')"
                .into(),
        ),
        (
            "annotations are made",
            format!(
                r#"{annotation} ('a1', 10, 1, 'claim', 'Naïve idea', 'p. 3', '["énergie","b"]', 'class', 0, 4, 'Café', '', ' one', 'T03', 'T03'),
                   ('a2', 10, 2, 'counterargument', 'No', '', '[]', 'class', 10, 13, 'Two', '', '', 'T03', 'T03'),
                   ('a3', 11, 3, 'source', 'See', '', '[]', 'instructors', 0, 3, 'abc', '', '', 'T03', 'T03')"#
            ),
        ),
        (
            "one author's two more in one reading, in one statement (PostgreSQL's triggers run once for both)",
            format!(
                r#"{annotation} ('a4', 10, 1, 'note', 'Also', '', '["b"]', 'private', 5, 8, 'one', ' ', '.', 'T03', 'T03'),
                   ('a5', 10, 1, 'question', 'Why?', '', '[]', 'class', 14, 18, 'dogs', '', ' ran', 'T03', 'T03')"#
            ),
        ),
        (
            "links rebut and support",
            "INSERT INTO links (from_id, to_id, relation, created_at) VALUES (2, 1, 'rebuts', 'T04'), (3, 1, 'supports', 'T04')"
                .into(),
        ),
        (
            "replies in a thread (one statement each, so the second sees the first)",
            format!("{reply} ('p1', 1, 2, 'I disagree', 'T05'); {reply} ('p2', 1, 3, 'Both of you', 'T06')"),
        ),
        (
            "feedback",
            "INSERT INTO feedback (uuid, annotation_id, author_id, text, exemplary, created_at) VALUES ('f1', 1, 3, 'Good', 1, 'T07')"
                .into(),
        ),
        (
            "provenance of an annotation and a reply",
            "INSERT INTO provenance (annotation_id, canonical) VALUES (2, 'urn:x');
             INSERT INTO provenance (reply_id, via) VALUES (1, 'urn:y')"
                .into(),
        ),
        (
            "marks: spotlights by an instructor and by nobody, an answered question",
            "INSERT INTO annotation_marks (annotation_id, mark, by_id, created_at) VALUES
                (1, 'spotlight', 3, 'T08'), (2, 'answered', 2, 'T08'), (2, 'spotlight', NULL, 'T08')"
                .into(),
        ),
        (
            "a group and its members",
            "INSERT INTO course_groups (course_id, name, created_at) VALUES (1, 'G1', 'T09');
             INSERT INTO group_members (group_id, user_id) VALUES (1, 1), (1, 2)"
                .into(),
        ),
        ("the tag vocabulary", "INSERT INTO course_tags (course_id, tag, position) VALUES (1, 'x', 0), (1, 'y', 1)".into()),
        ("an assignment", "INSERT INTO assignments (reading_id, due_at, updated_at) VALUES (10, 'T09', 'T09')".into()),
        (
            "an original file",
            format!(
                "INSERT INTO reading_originals (reading_id, sha256, media_type, bytes, created_at)
                 VALUES (11, '{PDF_SHA}', 'application/pdf', '', 'T09')"
            ),
        ),
        (
            "an annotation edited",
            r#"UPDATE annotations SET comment = 'Better idea', tags = '["z"]', modified_at = 'T10' WHERE id = 1"#.into(),
        ),
        ("an annotation made private", "UPDATE annotations SET visibility = 'private' WHERE id = 2".into()),
        ("an annotation moved to another reading", "UPDATE annotations SET reading_id = 11 WHERE id = 2".into()),
        ("an annotation given to another author", "UPDATE annotations SET author_id = 1 WHERE id = 3".into()),
        ("a name set to what it was", "UPDATE users SET name = 'Ana' WHERE id = 1".into()),
        ("a name changed", "UPDATE users SET name = 'Ana Lima' WHERE id = 1".into()),
        ("an email changed", "UPDATE users SET email = 'ana@example.net' WHERE id = 1".into()),
        ("a reading's title", "UPDATE readings SET title = 'R10b' WHERE id = 10".into()),
        (
            "a reading's text replaced",
            r#"UPDATE readings SET text = 'Über alles.', blocks = '[{"kind":"paragraph","start":0,"end":11}]', version = 2
               WHERE id = 10"#
                .into(),
        ),
        ("a reply edited", "UPDATE replies SET text = 'I agree now' WHERE id = 1".into()),
        ("a link flipped", "UPDATE links SET relation = 'supports' WHERE id = 1".into()),
        ("feedback edited", "UPDATE feedback SET exemplary = 0 WHERE id = 1".into()),
        ("provenance edited", "UPDATE provenance SET via = 'urn:z' WHERE reply_id = 1".into()),
        ("settings changed", "UPDATE course_settings SET discussion = 'groups' WHERE course_id = 1".into()),
        ("rubric changed", "UPDATE rubrics SET cap = 3 WHERE course_id = 1".into()),
        ("a group renamed", "UPDATE course_groups SET name = 'G2' WHERE id = 1".into()),
        ("a tag moved", "UPDATE course_tags SET position = 2 WHERE tag = 'x'".into()),
        ("a due date moved", "UPDATE assignments SET due_at = 'T99' WHERE reading_id = 10".into()),
        ("a mark touched", "UPDATE annotation_marks SET created_at = 'T11' WHERE annotation_id = 2 AND mark = 'answered'".into()),
        ("a student promoted", "UPDATE memberships SET role = 'instructor' WHERE course_id = 1 AND user_id = 2".into()),
        ("a membership touched", "UPDATE memberships SET joined_at = 'T12' WHERE course_id = 1 AND user_id = 1".into()),
        ("a spotlight removed", "DELETE FROM annotation_marks WHERE annotation_id = 1 AND mark = 'spotlight'".into()),
        ("a member leaves (and so their groups)", "DELETE FROM memberships WHERE course_id = 1 AND user_id = 2".into()),
        ("a group member removed", "DELETE FROM group_members WHERE user_id = 1".into()),
        ("an annotation deleted, with its thread, links, feedback and marks", "DELETE FROM annotations WHERE id = 1".into()),
        ("an original removed", "DELETE FROM reading_originals WHERE reading_id = 11".into()),
        ("a reading deleted, with its annotations", "DELETE FROM readings WHERE id = 11".into()),
        (
            "a reading numbered above the retired ids",
            format!(r#"{reading} (13, 1, 'R13', 'text', 's', 'new', '[{{"kind":"paragraph","start":0,"end":3}}]', 'T13')"#),
        ),
        ("a tag removed", "DELETE FROM course_tags WHERE tag = 'y'".into()),
        ("an assignment removed", "DELETE FROM assignments WHERE reading_id = 10".into()),
        ("a group removed", "DELETE FROM course_groups WHERE id = 1".into()),
        ("the rubric removed", "DELETE FROM rubrics".into()),
        ("the settings removed", "DELETE FROM course_settings".into()),
        ("provenance removed", "DELETE FROM provenance".into()),
        ("a course deleted, with its reading", "DELETE FROM courses WHERE id = 2".into()),
        ("an account deleted", "DELETE FROM users WHERE id = 2".into()),
    ]
}

async fn sqlite_rows(db: &SqlitePool, sql: &str) -> Vec<String> {
    let mut rows: Vec<String> =
        sqlx::query_scalar(sql).fetch_all(db).await.unwrap_or_else(|e| panic!("SQLite: {sql}: {e}"));
    rows.sort();
    rows
}

async fn postgres_rows(db: &PgPool, sql: &str) -> Vec<String> {
    let mut rows: Vec<String> =
        sqlx::query_scalar(sql).fetch_all(db).await.unwrap_or_else(|e| panic!("PostgreSQL: {sql}: {e}"));
    rows.sort();
    rows
}

#[tokio::test]
async fn postgres_triggers_have_the_effects_sqlite_triggers_have() {
    let Some(db) = backends().await else { return };
    let queries = snapshot_queries();
    let mut logged = 0;
    for (step, sql) in scenario() {
        sqlx::raw_sql(&sql).execute(&db.sqlite).await.unwrap_or_else(|e| panic!("SQLite, {step}: {e}"));
        sqlx::raw_sql(&sql).execute(&db.postgres).await.unwrap_or_else(|e| panic!("PostgreSQL, {step}: {e}"));
        for (table, query) in &queries {
            let sqlite = sqlite_rows(&db.sqlite, query).await;
            let postgres = postgres_rows(&db.postgres, query).await;
            assert_eq!(postgres, sqlite, "after \"{step}\", {table} differs on PostgreSQL (left) from SQLite (right)");
        }
        logged = logged.max(
            sqlite_rows(&db.sqlite, "SELECT CAST(count(*) AS TEXT) FROM inbox_items").await[0].parse().unwrap_or(0),
        );
    }
    // The scenario reached the triggers: what it compared was not empty.
    assert!(logged >= 4, "the scenario put items in the inbox: {logged}");
    let revision = sqlite_rows(&db.sqlite, "SELECT CAST(revision AS TEXT) FROM courses WHERE id = 1").await;
    assert!(revision[0].parse::<i64>().unwrap_or(0) > 20, "the scenario moved revisions: {revision:?}");
}
