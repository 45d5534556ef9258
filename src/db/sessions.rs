//! Browser sessions, stored server-side. The cookie holds a random id; the table
//! holds only its SHA-256, so a copy of the database cannot be used to sign in.
//!
//! Written here rather than with tower-sessions: a session is one row read in the
//! same query as its user and CSRF token, and this keeps it to one query a request.

use super::fault::Fault;
use super::users::User;
use super::{now, timestamp};
use crate::db::Db;
use crate::db::store;
use chrono::{Duration, Utc};

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
}

/// Sessions unused for this long expire.
pub const IDLE_TIMEOUT: Duration = Duration::days(14);

pub async fn insert_session(db: &Db, id_hash: &str, user_id: i64, csrf_token: &str) -> sqlx::Result<()> {
    let now = now();
    store::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(csrf_token)
    .bind(&now)
    .bind(&now)
    .execute(db)
    .await?;
    Ok(())
}

/// The live session with this id hash, touching its last-seen time (at most once a minute).
pub async fn find_session(db: &Db, id_hash: &str) -> sqlx::Result<Option<Session>> {
    let cutoff = timestamp(Utc::now() - IDLE_TIMEOUT);
    let row: Option<(i64, String, String, String, String)> = store::query_as(
        "SELECT u.id, u.email, u.name, s.csrf_token, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = ? AND s.last_seen_at > ? AND u.disabled_at IS NULL",
    )
    .bind(id_hash)
    .bind(&cutoff)
    .fetch_optional(db)
    .await?;
    let Some((id, email, name, csrf_token, last_seen)) = row else { return Ok(None) };
    if last_seen < timestamp(Utc::now() - Duration::minutes(1)) {
        let touched = store::query("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?")
            .bind(now())
            .bind(id_hash)
            .execute(db)
            .await;
        match touched {
            // A full disk or a lock must not sign anyone out of reading: the touch waits for the next request.
            Err(e) if Fault::of(&e).is_some() => tracing::debug!("session not touched: {e}"),
            other => {
                other?;
            }
        }
    }
    Ok(Some(Session { user: User { id, email, name }, csrf_token }))
}

pub async fn delete_session(db: &Db, id_hash: &str) -> sqlx::Result<()> {
    store::query("DELETE FROM sessions WHERE id_hash = ?").bind(id_hash).execute(db).await?;
    Ok(())
}

/// Removes expired sessions; called at start-up.
pub async fn delete_expired(db: &Db) -> sqlx::Result<u64> {
    let cutoff = timestamp(Utc::now() - IDLE_TIMEOUT);
    Ok(store::query("DELETE FROM sessions WHERE last_seen_at <= ?").bind(cutoff).execute(db).await?.rows_affected())
}
