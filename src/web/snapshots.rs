//! Each reading's [`Snapshot`] kept in memory and shared by every request that
//! shows it, until the reading's revision moves on.
//!
//! A lecture's worth of students open the same reading at once; loading its
//! thousands of annotations from SQLite for each of them would cost more than
//! everything else a page does. The database moves a reading's revision on
//! every write that touches it (triggers, see the `revisions` migration), each
//! request learns the revision with its access check, and a snapshot older than
//! that is loaded again — by one request, the others waiting for it.
//!
//! Written here rather than with a caching crate: the whole policy is "newest
//! revision wins, bounded by count", which is a map and a `OnceCell`.

use crate::db;
use crate::error::{Error, Result};
use crate::snapshot::Snapshot;
use crate::text::{CharIndex, Document};
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::OnceCell;

/// How many readings stay in memory at most; the least recently used goes first.
const CAPACITY: usize = 8;

/// A snapshot and what pages derive from it once per revision.
#[derive(Debug)]
pub struct Cached {
    pub snapshot: Snapshot,
    /// The reading page's list entries (see `pages::reading`).
    pub items: OnceLock<Vec<super::pages::reading::ItemHtml>>,
    /// The largest reading page drawn from it so far, in bytes.
    pub page_bytes: AtomicUsize,
}

#[derive(Default)]
pub struct Snapshots {
    entries: Mutex<Entries>,
    texts: Mutex<HashMap<i64, Arc<ReadingText>>>,
}

/// A reading's text and blocks, with the index anchoring needs. A reading's
/// text never changes once imported (only its title and author may), so this
/// stays valid whatever is annotated, until the reading is deleted.
#[derive(Debug)]
pub struct ReadingText {
    pub doc: Document,
    pub index: CharIndex,
}

#[derive(Default)]
struct Entries {
    map: HashMap<i64, Entry>,
    clock: u64,
}

struct Entry {
    revision: i64,
    cell: Arc<OnceCell<Arc<Cached>>>,
    used: u64,
}

impl Snapshots {
    /// The reading at `revision` or later; 404 if it no longer exists.
    pub async fn get(&self, db: &SqlitePool, reading_id: i64, revision: i64) -> Result<Arc<Cached>> {
        let cell = self.cell(reading_id, revision);
        let cached = cell
            .get_or_try_init(|| async {
                let snapshot = db::snapshot::load(db, reading_id).await?.ok_or(Error::NotFound)?;
                Ok::<_, Error>(Arc::new(Cached { snapshot, items: OnceLock::new(), page_bytes: AtomicUsize::new(0) }))
            })
            .await?;
        Ok(Arc::clone(cached))
    }

    /// The text of `reading_id`, loaded once; 404 if there is no such reading.
    pub async fn text(&self, db: &SqlitePool, reading_id: i64) -> Result<Arc<ReadingText>> {
        if let Some(text) = lock(&self.texts).get(&reading_id) {
            return Ok(Arc::clone(text));
        }
        let reading = db::readings::find_reading(db, reading_id).await?.ok_or(Error::NotFound)?;
        let index = CharIndex::new(&reading.doc.text);
        let text = Arc::new(ReadingText { doc: reading.doc, index });
        let mut texts = lock(&self.texts);
        if texts.len() >= CAPACITY {
            // Any one will do: a text is cheap to load again and rarely needed by many readings at once.
            if let Some(&some) = texts.keys().next() {
                texts.remove(&some);
            }
        }
        texts.insert(reading_id, Arc::clone(&text));
        Ok(text)
    }

    /// Drops everything kept of a deleted reading (its id may be used again).
    pub fn forget(&self, reading_id: i64) {
        lock(&self.texts).remove(&reading_id);
        lock(&self.entries).map.remove(&reading_id);
    }

    /// The cell holding `reading_id` at `revision` or later, made empty if what it held is older.
    fn cell(&self, reading_id: i64, revision: i64) -> Arc<OnceCell<Arc<Cached>>> {
        let mut entries = lock(&self.entries);
        entries.clock += 1;
        let now = entries.clock;
        if let Some(entry) = entries.map.get_mut(&reading_id) {
            let loaded = entry.cell.get().map(|c| c.snapshot.revision);
            if entry.revision >= revision || loaded.is_some_and(|r| r >= revision) {
                entry.used = now;
                return Arc::clone(&entry.cell);
            }
        }
        if entries.map.len() >= CAPACITY && !entries.map.contains_key(&reading_id) {
            if let Some(oldest) = entries.map.iter().min_by_key(|(_, e)| e.used).map(|(id, _)| *id) {
                entries.map.remove(&oldest);
            }
        }
        let cell = Arc::new(OnceCell::new());
        entries.map.insert(reading_id, Entry { revision, cell: Arc::clone(&cell), used: now });
        cell
    }
}

/// A panic while holding one of these locks cannot leave its map inconsistent: take it back.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
