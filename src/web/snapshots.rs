//! What the reading page draws from each revision's snapshot, kept beside it
//! in the read model's cache ([`crate::snapshot::Snapshots`], which knows
//! nothing of it): the list entries, the article's blocks, the size of the
//! largest page. After a write only the list entries' text of the annotations
//! that changed, and the blocks they lie on, are drawn again; the entries drawn
//! whole are drawn again at each revision, on first use (a link's target, or
//! who may see it, may have changed).

use super::pages::reading::{BlockCache, Drawn, ItemHtml};
use crate::domain::AnnotationId;
use crate::snapshot::{self, Derived, Snapshot};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, OnceLock};

/// The readings' snapshots, each with what the reading page drew from it.
pub type Snapshots = snapshot::Snapshots<PageParts>;

/// A snapshot and what the reading page drew from it (its fields reached through `Deref`).
pub type Cached = snapshot::Cached<PageParts>;

/// What the reading page derives from a snapshot once per revision.
#[derive(Debug)]
pub struct PageParts {
    /// The reading page's list entries (see `pages::reading`).
    pub items: OnceLock<Vec<Arc<ItemHtml>>>,
    /// Each annotation's list entry drawn whole, as everyone sees it who did
    /// not write it and sees all its links (most of a class), on first use.
    pub entries: Vec<OnceLock<Drawn>>,
    /// The largest reading page drawn from it so far, in bytes.
    pub page_bytes: AtomicUsize,
    /// The article's blocks as drawn, shared with earlier revisions of the same text.
    pub blocks: Arc<BlockCache>,
    /// List entries drawn at an earlier revision for annotations that have not
    /// changed since, until this revision's entries are drawn.
    carried: Mutex<HashMap<AnnotationId, Arc<ItemHtml>>>,
}

impl Derived for PageParts {
    /// What `snapshot` derives from, given what the revision before it (`previous`) derived.
    fn derive(
        snapshot: &Snapshot,
        previous: Option<(&Snapshot, &Self)>,
        changed: Option<&HashSet<AnnotationId>>,
    ) -> Self {
        let same_text = previous.filter(|(p, _)| p.reading.doc == snapshot.reading.doc);
        let blocks = same_text.map_or_else(
            || Arc::new(BlockCache::new(snapshot.reading.doc.blocks.len())),
            |(_, p)| Arc::clone(&p.blocks),
        );
        let carried = match (same_text, changed) {
            (Some((previous_snapshot, previous)), Some(changed)) => {
                let mut kept = match previous.items.get() {
                    Some(items) => {
                        let ids = previous_snapshot.annotations.iter().map(|a| a.id);
                        ids.zip(items.iter().map(Arc::clone)).collect()
                    }
                    None => previous.carried(),
                };
                kept.retain(|id, _| !changed.contains(id));
                kept
            }
            _ => HashMap::new(),
        };
        Self {
            items: OnceLock::new(),
            entries: snapshot.annotations.iter().map(|_| OnceLock::new()).collect(),
            page_bytes: AtomicUsize::new(0),
            blocks,
            carried: Mutex::new(carried),
        }
    }
}

impl PageParts {
    /// The entries carried from an earlier revision (see [`PageParts::carried`]).
    #[must_use]
    pub fn carried(&self) -> HashMap<AnnotationId, Arc<ItemHtml>> {
        lock(&self.carried).clone()
    }

    /// Lets go of the carried entries once this revision's are drawn.
    pub fn forget_carried(&self) {
        lock(&self.carried).clear();
    }
}

/// A panic while holding the lock cannot leave the map inconsistent: take it back.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
