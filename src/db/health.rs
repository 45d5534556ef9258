//! Whether the storage takes writes: a fault seen by a request marks it
//! degraded, and a probe (a write with room to spare, tried by `/readyz` and
//! after a write that succeeds while degraded) marks it healed,
//! and each change is logged once, not once per request. Healing checkpoints
//! the write-ahead log, which may have been unable to fold in meanwhile.

use super::fault::Fault;
use crate::db::Db;
use crate::db::store;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a degraded server may test, for `/readyz`, whether writes work again.
const PROBE_EVERY: Duration = Duration::from_secs(1);

/// The storage's state as the server last saw it.
#[derive(Debug, Default)]
pub struct Health {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    fault: Option<Fault>,
    last_probe: Option<Instant>,
}

impl Health {
    /// The fault that writes met last, if they have not succeeded since.
    #[must_use]
    pub fn fault(&self) -> Option<Fault> {
        self.lock().fault
    }

    /// A request met `fault`; `detail` is the database's own message, for the log.
    pub fn degraded(&self, fault: Fault, detail: &str) {
        let previous = self.lock().fault.replace(fault);
        if previous != Some(fault) {
            tracing::error!(?fault, detail, "storage fault: writes are refused until it clears: {}", fault.message());
        }
    }

    /// A probe succeeded: if the storage was degraded, it is healed.
    fn healed(&self, db: &Db) {
        let Some(fault) = self.lock().fault.take() else { return };
        tracing::warn!(?fault, "storage healed: writes succeed again");
        // PostgreSQL checkpoints on its own; only SQLite's log needs a nudge.
        if db.as_sqlite().is_none() {
            return;
        }
        let db = db.clone();
        tokio::spawn(async move {
            // The log may have grown while checkpoints could not complete; PASSIVE never waits on readers.
            match store::query_as::<(i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&db).await {
                Ok((_, log, done)) => tracing::info!(log, done, "write-ahead log checkpointed after healing"),
                Err(e) => tracing::warn!("could not checkpoint the write-ahead log after healing: {e}"),
            }
        });
    }

    /// The fault writes meet now: while degraded, a real write (at most once a
    /// [`PROBE_EVERY`]) tests whether it has cleared, so a load balancer that
    /// stopped sending writes still sees the server come back.
    pub async fn probe(&self, db: &Db) -> Option<Fault> {
        {
            let mut state = self.lock();
            let recent = state.last_probe.is_some_and(|at| at.elapsed() < PROBE_EVERY);
            if state.fault.is_none() || recent {
                return state.fault;
            }
            state.last_probe = Some(Instant::now());
        }
        match write_probe(db).await {
            Ok(()) => self.healed(db),
            Err(e) => {
                if let Some(fault) = Fault::of(&e) {
                    self.degraded(fault, &super::fault::detail(&e));
                }
            }
        }
        self.fault()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is two plain values, valid whatever a panicking holder did.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Rewrites the probe row with 64 KiB of room, so a disk with a few pages left
/// does not pass for healed.
async fn write_probe(db: &Db) -> sqlx::Result<()> {
    store::query(
        "INSERT INTO storage_probe (id, checked_at, room) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at, room = excluded.room",
    )
    .bind(super::now())
    .bind(vec![0u8; 65536])
    .execute(db)
    .await?;
    Ok(())
}
