//! Storage faults in process: a database locked by another program gets a
//! clear 503 and heals when the lock goes; a connection that a failed commit
//! left counted in a transaction never goes back to the pool.

use crate::support::{self, TestApp};
use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Executor, PgConnection, SqliteConnection};
use std::time::{Duration, Instant};

const TEXT: &str = "Alpha holds. Beta doubts. Gamma cites.";

/// Another program's connection holding the database's write lock.
enum Shell {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Shell {
    async fn lock(app: &TestApp) -> Self {
        let db = &app.state.config.db;
        if support::on_postgres() {
            let url = db.to_str().expect("a URL");
            let mut conn = PgConnection::connect(url).await.expect("another connection");
            let key = counterpoint::db::store::WRITE_LOCK_KEY;
            let lock = format!("SELECT pg_advisory_lock({key}, hashtext(current_schema()))");
            conn.execute(lock.as_str()).await.expect("lock");
            Self::Postgres(conn)
        } else {
            let options = SqliteConnectOptions::new().filename(db);
            let mut conn = SqliteConnection::connect_with(&options).await.expect("another connection");
            conn.execute("BEGIN IMMEDIATE").await.expect("lock");
            Self::Sqlite(conn)
        }
    }

    async fn unlock(self) {
        match self {
            Self::Sqlite(mut conn) => conn.execute("ROLLBACK").await.map(drop),
            Self::Postgres(conn) => conn.close().await,
        }
        .expect("unlock");
    }
}

#[tokio::test]
async fn a_database_locked_by_another_program_gets_a_503_and_heals_when_it_lets_go() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let claim = app.annotation(reading, &teacher, "claim", "Alpha holds.", json!({})).await;

    // A `sqlite3` (or `psql`) shell left open holding the write lock.
    let shell = Shell::lock(&app).await;
    let reply = json!({"text": "held up"});
    let reply_path = format!("/api/annotations/{claim}/replies");
    // Both wait out the busy timeout together.
    let (annotated, replied) = tokio::join!(
        app.annotate(reading, &teacher, "question", "Beta doubts.", json!({})),
        app.post(&reply_path, &teacher, reply.clone()),
    );
    for refused in [&annotated, &replied] {
        assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE, "{}", refused.text);
        assert!(refused.json()["error"].as_str().is_some_and(|e| e.contains("locked by another program")));
        assert_eq!(refused.header("retry-after"), "5");
    }
    assert!(app.api(Method::GET, "/healthz", None, None).await.text.starts_with("degraded: the database is locked"));
    let read = app.get(&format!("/api/readings/{reading}/annotations/"), &teacher).await;
    assert_eq!(read.status, StatusCode::OK, "reads go on");

    shell.unlock().await;
    app.annotation(reading, &teacher, "question", "Beta doubts.", json!({})).await;
    assert_eq!(app.post(&reply_path, &teacher, reply).await.status, StatusCode::CREATED);
    assert_eq!(app.api(Method::GET, "/healthz", None, None).await.text, "ok");
    assert_eq!(app.api(Method::GET, "/readyz", None, None).await.text, "ready");
    assert_eq!(app.count_annotations().await, 2, "the refused annotation left nothing");
}

#[tokio::test]
async fn a_connection_a_failed_commit_left_in_a_transaction_is_closed_not_reused() {
    if support::sqlite_only("sqlx's SQLite transaction count") {
        return;
    }
    let app = TestApp::new().await;
    let pool = app.state.db.as_sqlite().expect("an SQLite test database");
    let mut conn = pool.acquire().await.expect("connection");
    let before = pool.size();
    // SQLite rolls the transaction back under sqlx (as a COMMIT failing for a full disk does);
    // sqlx's COMMIT, then its ROLLBACK, fail, and it still counts the transaction open.
    let mut tx = conn.begin().await.expect("begin");
    tx.execute("ROLLBACK").await.expect("rolled back under sqlx");
    assert!(tx.commit().await.is_err(), "the commit fails");
    assert!(conn.is_in_transaction());
    drop(conn);

    let deadline = Instant::now() + Duration::from_secs(5);
    while pool.size() == before {
        assert!(Instant::now() < deadline, "the connection went back to the pool");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(pool.size(), before - 1);
    let mut conn = pool.acquire().await.expect("connection");
    assert!(!conn.is_in_transaction());
    conn.begin_with("BEGIN").await.expect("out of any transaction").rollback().await.expect("rollback");
}
