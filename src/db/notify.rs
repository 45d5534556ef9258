//! PostgreSQL's LISTEN/NOTIFY on one channel, the wire between server processes
//! that share a database: [`publish`] sends a payload to every listening
//! process (this one included), a [`Listener`] hears them and says when it may
//! have missed some ([`Heard::Gap`]). What the payloads mean is the web layer's
//! (`web::events::relay`); this module only moves strings.
//!
//! NOTIFY is transient: a listener whose connection drops misses whatever was
//! sent until it listens again, and nothing tells it what. So the listener
//! reports every reconnection as a gap, and the caller catches up from the
//! database (whose revisions are the truth; notifications are only a hint to
//! look sooner).

use std::time::Duration;

/// The PostgreSQL connection pool, by the name the web layer may use (it never
/// names sqlx itself, see `tests/api/architecture.rs`).
pub use sqlx::PgPool;
use sqlx::postgres::PgListener;

/// The one channel every Counterpoint server listens on.
pub const CHANNEL: &str = "counterpoint";

/// PostgreSQL refuses a NOTIFY payload of 8000 bytes or more.
pub const MAX_PAYLOAD: usize = 7999;

/// The longest a listener waits between attempts to connect again.
const MOST_BACKOFF: Duration = Duration::from_secs(5);

/// Sends `payload` (under [`MAX_PAYLOAD`] bytes) to every server listening on
/// [`CHANNEL`], this one included, once it commits (at once: one statement).
pub async fn publish(pool: &PgPool, payload: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(pool).await?;
    Ok(())
}

/// What a [`Listener`] heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// A payload some server published.
    Message(String),
    /// The connection was lost and is back: whatever was published meanwhile
    /// is lost, so what was learnt from earlier messages may be stale.
    Gap,
}

/// Listens on [`CHANNEL`] over a connection of its own from the pool,
/// connecting again (and saying so) whenever that connection is lost.
pub struct Listener {
    pool: PgPool,
    listener: Option<PgListener>,
}

impl Listener {
    /// Listens from now on; fails if PostgreSQL cannot be reached.
    pub async fn start(pool: PgPool) -> sqlx::Result<Self> {
        let listener = Some(listen(&pool).await?);
        Ok(Self { pool, listener })
    }

    /// The next payload, or [`Heard::Gap`] once listening again after a lost
    /// connection; `None` when the pool is closed (the server is stopping).
    /// Waits through an outage, trying to connect again with a growing pause.
    pub async fn recv(&mut self) -> Option<Heard> {
        let mut pause = Duration::from_millis(50);
        loop {
            if self.pool.is_closed() {
                return None;
            }
            let Some(listener) = self.listener.as_mut() else {
                // Listening again after an error: notifications sent meanwhile are lost.
                match listen(&self.pool).await {
                    Ok(listener) => {
                        self.listener = Some(listener);
                        return Some(Heard::Gap);
                    }
                    Err(e) => {
                        tracing::warn!("listening for other servers' changes again failed: {e}");
                        tokio::time::sleep(pause).await;
                        pause = (pause * 2).min(MOST_BACKOFF);
                        continue;
                    }
                }
            };
            match listener.try_recv().await {
                Ok(Some(notification)) => return Some(Heard::Message(notification.payload().to_owned())),
                // Lost, and (sqlx's eager reconnect) listening again already.
                Ok(None) => return Some(Heard::Gap),
                Err(e) => {
                    // A connection in an unknown state (an error message before it closed,
                    // a failed reconnect): drop it and listen on a fresh one.
                    tracing::warn!("listening for other servers' changes: {e}");
                    self.listener = None;
                }
            }
        }
    }
}

/// A listener on [`CHANNEL`], over a connection of its own.
async fn listen(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
