//! New annotations stored in groups: one transaction, and so one `fsync`, for
//! every annotation that arrived while the previous group was being committed.
//!
//! SQLite writes one transaction at a time, and with `synchronous = FULL` each
//! commit waits for the disk: about a millisecond here, which capped a class
//! posting at once near a thousand annotations a second, and queued the rest in
//! SQLite's busy handler (which sleeps and retries). Here they queue in order
//! on a channel instead, and one task commits them together. Each is
//! acknowledged only once its group is on disk, so durability is unchanged;
//! one that fails (a link's target deleted meanwhile) is undone alone. What
//! arrives while the task waits for the write lock (on PostgreSQL, held by
//! another server's group) joins the group it waits with: the busier the
//! servers, the larger their groups, rather than more groups each waiting.
//!
//! A group is acknowledged only after a `COMMIT` that ended a transaction this
//! task began with `BEGIN` (never a savepoint inside one left open), and a
//! connection that met any other failure (a full disk, a disk error) is
//! closed, never reused: see [`super::connect`] for how one goes wrong.

use super::annotations::{Insert, insert_in, insert_rows};
use super::fault::share;
use super::{now, parse_time};
use crate::db::Db;
use crate::db::store::{Backend, Conn};
use crate::domain::AnnotationId;
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

/// The most annotations one transaction takes.
const MOST: usize = 256;

type Stored = sqlx::Result<(AnnotationId, DateTime<Utc>)>;
type Job = (Insert, oneshot::Sender<Stored>);

/// The queue of annotations to store; cloning it shares the one committing task.
#[derive(Clone, Debug)]
pub struct Inserts {
    queue: mpsc::UnboundedSender<Job>,
}

impl Inserts {
    /// Starts the committing task on the current Tokio runtime. It ends when every `Inserts` is dropped.
    #[must_use]
    pub fn start(db: Db) -> Self {
        let (queue, jobs) = mpsc::unbounded_channel();
        tokio::spawn(commit_all(db, jobs));
        Self { queue }
    }

    /// Stores `insert`, returning its id and creation time once it is on disk.
    pub async fn insert(&self, insert: Insert) -> Stored {
        let (done, stored) = oneshot::channel();
        self.queue.send((insert, done)).map_err(|_| sqlx::Error::PoolClosed)?;
        stored.await.map_err(|_| sqlx::Error::PoolClosed)?
    }
}

async fn commit_all(db: Db, mut jobs: mpsc::UnboundedReceiver<Job>) {
    let mut group = Vec::new();
    while jobs.recv_many(&mut group, MOST).await > 0 {
        let mut conn = match db.acquire().await {
            Ok(conn) => conn,
            Err(e) => {
                let failed = group_failed(&e, group.len());
                answer(group.drain(..).map(|(_, done)| done), failed);
                continue;
            }
        };
        let (results, waiting) = {
            // A custom BEGIN is refused if sqlx counts a transaction open, and fails in SQLite if one
            // is; IMMEDIATE takes the write lock now, so a lock held elsewhere fails before any work.
            let locked = conn.begin_immediate().await;
            // While this task waited for the write lock (held by another server's group, on
            // PostgreSQL), more arrived: they join this group rather than wait for the lock again.
            // (If the lock was not had, they keep their own try.)
            while locked.is_ok() && group.len() < MOST {
                let Ok(job) = jobs.try_recv() else { break };
                group.push(job);
            }
            let (inserts, waiting): (Vec<Insert>, Vec<_>) = group.drain(..).unzip();
            let results = match locked {
                Ok(tx) => store_in(tx, &inserts).await,
                Err(e) => group_failed(&e, inserts.len()),
            };
            (results, waiting)
        };
        if results.iter().any(|r| r.as_ref().is_err_and(|e| !is_constraint(e))) {
            // Its transaction may be open or half-ended: SQLite rolls back what a closed connection held.
            if let Err(e) = conn.close().await {
                tracing::warn!("could not close a database connection after a failed group: {e}");
            }
        }
        answer(waiting.into_iter(), results);
    }
}

/// The same failure for each of `count` annotations.
fn group_failed(error: &sqlx::Error, count: usize) -> Vec<Stored> {
    (0..count).map(|_| Err(share(error))).collect()
}

fn answer(waiting: impl Iterator<Item = oneshot::Sender<Stored>>, results: Vec<Stored>) {
    for (done, result) in waiting.zip(results) {
        // The request may have gone (its client hung up): what was stored stays stored.
        let _ = done.send(result);
    }
}

/// Runs one statement so that its failure undoes only itself. SQLite does so on
/// its own; a failed statement aborts a whole PostgreSQL transaction, so there
/// it runs in a savepoint of its own.
async fn alone<T>(tx: &mut Conn<'_>, statement: impl AsyncFnOnce(&mut Conn<'_>) -> sqlx::Result<T>) -> sqlx::Result<T> {
    if tx.backend() == Backend::Sqlite {
        return statement(tx).await;
    }
    let mut savepoint = tx.begin().await?;
    let result = statement(&mut savepoint).await?;
    savepoint.commit().await?;
    Ok(result)
}

/// Stores `inserts` in one transaction, each all or nothing; one result each, in order.
pub async fn commit(conn: &mut Conn<'_>, inserts: &[Insert]) -> Vec<Stored> {
    match conn.begin_immediate().await {
        Ok(tx) => store_in(tx, inserts).await,
        Err(e) => group_failed(&e, inserts.len()),
    }
}

/// Stores `inserts` in `tx` (begun with the write lock) and commits it; one result each, in order.
async fn store_in(mut tx: Conn<'_>, inserts: &[Insert]) -> Vec<Stored> {
    let now = now();
    let stored = async {
        let mut results = Vec::with_capacity(inserts.len());
        let mut rest = inserts;
        while let Some(insert) = rest.first() {
            if insert.is_one_statement() {
                let run = rest.iter().take_while(|insert| insert.is_one_statement()).count();
                let (plain, after) = rest.split_at(run);
                rest = after;
                match alone(&mut tx, async |tx| insert_rows(tx, plain, &now).await).await {
                    Ok(ids) => results.extend(ids.into_iter().map(Ok)),
                    // One broke a constraint (its reading deleted meanwhile) and the statement undid
                    // itself: store them one by one, each undoing only itself.
                    Err(e) if is_constraint(&e) => {
                        for insert in plain {
                            match alone(&mut tx, async |tx| insert_in(tx, insert, &now).await).await {
                                Err(e) if !is_constraint(&e) => return Err(e),
                                result => results.push(result),
                            }
                        }
                    }
                    Err(e) => return Err(e),
                }
                continue;
            }
            rest = &rest[1..];
            let mut one = tx.begin().await?; // a savepoint: links and provenance take several statements
            let result = match insert_in(&mut one, insert, &now).await {
                Ok(id) => one.commit().await.map(|()| id),
                Err(e) => Err(e), // dropping `one` rolls back to the savepoint
            };
            match result {
                // Any other failure (I/O, a full disk) may have ended the transaction: give up the group.
                Err(e) if !is_constraint(&e) => return Err(e),
                result => results.push(result),
            }
        }
        tx.commit().await?;
        Ok::<_, sqlx::Error>(results)
    }
    .await;
    match stored {
        Ok(results) => results.into_iter().map(|r| Ok((r?, parse_time(&now)?))).collect(),
        Err(e) => group_failed(&e, inserts.len()),
    }
}

fn is_constraint(error: &sqlx::Error) -> bool {
    use sqlx::error::ErrorKind::{CheckViolation, ForeignKeyViolation, NotNullViolation, UniqueViolation};
    error
        .as_database_error()
        .is_some_and(|e| matches!(e.kind(), UniqueViolation | ForeignKeyViolation | NotNullViolation | CheckViolation))
}
