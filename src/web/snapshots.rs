//! Each reading's [`Snapshot`] kept in memory and shared by every request that
//! shows it, until the reading's revision moves on.
//!
//! A lecture's worth of students open the same reading at once; loading its
//! thousands of annotations from SQLite for each of them would cost more than
//! everything else a page does. The database moves a reading's revision on
//! every write that touches it (triggers, see the `revisions` migration), each
//! request learns the revision with its access check, and a snapshot older than
//! that is brought up to date — by one request, the others waiting for it —
//! from the change log (`db::snapshot::changes_since`): only the annotations
//! written since are read again, and only their list entries and the blocks
//! they lie on are drawn again.
//!
//! The policy ("newest revision wins, one loads while the others wait, bounded
//! by count") is [`Revisioned`]'s.

use super::pages::reading::{BlockCache, ItemHtml};
use super::revisioned::Revisioned;
use crate::db;
use crate::db::SqlitePool;
use crate::db::snapshot::Refreshed;
use crate::domain::AnnotationId;
use crate::error::{Error, Result};
use crate::snapshot::Snapshot;
use crate::text::CharIndex;
use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, OnceLock};

/// How many readings stay in memory at most; the least recently used goes first.
const CAPACITY: usize = 8;

/// A snapshot and what pages derive from it once per revision.
#[derive(Debug)]
pub struct Cached {
    pub snapshot: Snapshot,
    /// The reading page's list entries (see `pages::reading`).
    pub items: OnceLock<Vec<Arc<ItemHtml>>>,
    /// The largest reading page drawn from it so far, in bytes.
    pub page_bytes: AtomicUsize,
    /// The article's blocks as drawn, shared with earlier revisions of the same text.
    pub blocks: Arc<BlockCache>,
    /// List entries drawn at an earlier revision for annotations that have not
    /// changed since, until this revision's entries are drawn.
    carried: Mutex<HashMap<AnnotationId, Arc<ItemHtml>>>,
}

impl Cached {
    /// What `refreshed` derives from, given what the revision before it (`previous`) derived.
    fn new(refreshed: Refreshed, previous: Option<&Self>) -> Self {
        let Refreshed { snapshot, changed } = refreshed;
        let same_text = previous.filter(|p| p.snapshot.reading.doc == snapshot.reading.doc);
        let blocks = same_text
            .map_or_else(|| Arc::new(BlockCache::new(snapshot.reading.doc.blocks.len())), |p| Arc::clone(&p.blocks));
        let carried = match (same_text, changed) {
            (Some(previous), Some(changed)) => {
                let mut kept = match previous.items.get() {
                    Some(items) => {
                        let ids = previous.snapshot.annotations.iter().map(|a| a.id);
                        ids.zip(items.iter().map(Arc::clone)).collect()
                    }
                    None => previous.carried(),
                };
                kept.retain(|id, _| !changed.contains(id));
                kept
            }
            _ => HashMap::new(),
        };
        Self { snapshot, items: OnceLock::new(), page_bytes: AtomicUsize::new(0), blocks, carried: Mutex::new(carried) }
    }

    /// The entries carried from an earlier revision (see [`Cached::carried`]).
    #[must_use]
    pub fn carried(&self) -> HashMap<AnnotationId, Arc<ItemHtml>> {
        lock(&self.carried).clone()
    }

    /// Lets go of the carried entries once this revision's are drawn.
    pub fn forget_carried(&self) {
        lock(&self.carried).clear();
    }
}

pub struct Snapshots {
    entries: Revisioned<Cached>,
    texts: Mutex<HashMap<i64, Arc<ReadingText>>>,
}

impl Default for Snapshots {
    fn default() -> Self {
        Self { entries: Revisioned::new(CAPACITY), texts: Mutex::default() }
    }
}

pub use crate::text::ReadingText;

impl Snapshots {
    /// The reading at `revision` or later; 404 if it no longer exists.
    /// A snapshot already in memory is brought up to date with what changed
    /// since (`db::snapshot::changes_since`) rather than loaded again whole.
    pub async fn get(&self, db: &SqlitePool, reading_id: i64, revision: i64) -> Result<Arc<Cached>> {
        let load = |previous: Option<Arc<Cached>>| async move {
            let refreshed = match &previous {
                Some(previous) => db::snapshot::changes_since(db, &previous.snapshot).await?,
                None => db::snapshot::load(db, reading_id).await?.map(|snapshot| Refreshed { snapshot, changed: None }),
            };
            let refreshed = refreshed.ok_or(Error::NotFound)?;
            Ok((refreshed.snapshot.revision, Cached::new(refreshed, previous.as_deref())))
        };
        self.entries.get_from(reading_id, revision, load).await
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
        self.entries.remove(reading_id);
    }
}

/// A panic while holding the lock cannot leave the map inconsistent: take it back.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
