//! The cache policy of the read model: a value derived from a course or a
//! reading, kept in memory and shared by every request until the revision it
//! was derived at moves on.
//!
//! Newest revision wins, one request loads while the others wait, bounded by
//! count (the least recently used goes first): for readings' snapshots
//! ([`super::Snapshots`]) and their texts, the course review's tables, the
//! reading review's drawn parts and the snapshots live events are checked
//! against. Written here rather than with a caching crate, as the whole policy
//! is a map and a `OnceCell`. The revision comes from the database (moved by
//! triggers on every write, see [`super`]'s trigger contract); a loader reads
//! it *before* what it derives, so a value is never labelled newer than what it shows.

use crate::error::Result;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// A value and the revision it was derived at.
type Loaded<T> = (i64, Arc<T>);

/// Values of type `T` by id (a course's or a reading's), each at the newest revision asked for.
pub struct Revisioned<T> {
    capacity: usize,
    entries: Mutex<Entries<T>>,
}

struct Entries<T> {
    map: HashMap<i64, Entry<T>>,
    clock: u64,
}

struct Entry<T> {
    revision: i64,
    cell: Arc<OnceCell<Loaded<T>>>,
    used: u64,
}

impl<T> Revisioned<T> {
    /// Keeps at most `capacity` ids; the least recently used goes first.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        Self { capacity, entries: Mutex::new(Entries { map: HashMap::new(), clock: 0 }) }
    }

    /// The value for `id` at `revision` or later: the one in memory, or what `load`
    /// returns (the revision it read before loading, and the value), loaded once
    /// however many requests ask at the same time.
    pub async fn get<F, Fut>(&self, id: i64, revision: i64, load: F) -> Result<Arc<T>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(i64, T)>>,
    {
        self.get_from(id, revision, |_| load()).await
    }

    /// [`Revisioned::get`], where `load` is handed the value it replaces (an
    /// older revision's, if one was in memory), to bring it up to date rather
    /// than derive everything again.
    pub async fn get_from<F, Fut>(&self, id: i64, revision: i64, load: F) -> Result<Arc<T>>
    where
        F: FnOnce(Option<Arc<T>>) -> Fut,
        Fut: Future<Output = Result<(i64, T)>>,
    {
        let (cell, previous) = self.cell(id, revision);
        let (_, value) = cell.get_or_try_init(|| async { load(previous).await.map(|(r, v)| (r, Arc::new(v))) }).await?;
        Ok(Arc::clone(value))
    }

    /// Forgets `id` (a deleted reading, whose id may be used again).
    pub fn remove(&self, id: i64) {
        self.lock().map.remove(&id);
    }

    /// Forgets every id: what the revisions do not cover may have changed unseen.
    pub fn clear(&self) {
        self.lock().map.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries<T>> {
        // A panic while holding the lock cannot leave the map inconsistent: take it back.
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cell holding `id` at `revision` or later, made empty if what it held
    /// is older, and the older value it held.
    fn cell(&self, id: i64, revision: i64) -> (Arc<OnceCell<Loaded<T>>>, Option<Arc<T>>) {
        let mut entries = self.lock();
        entries.clock += 1;
        let now = entries.clock;
        let mut previous = None;
        if let Some(entry) = entries.map.get_mut(&id) {
            let loaded = entry.cell.get().map(|(r, _)| *r);
            if entry.revision >= revision || loaded.is_some_and(|r| r >= revision) {
                entry.used = now;
                return (Arc::clone(&entry.cell), None);
            }
            previous = entry.cell.get().map(|(_, value)| Arc::clone(value));
        }
        if entries.map.len() >= self.capacity && !entries.map.contains_key(&id) {
            if let Some(oldest) = entries.map.iter().min_by_key(|(_, e)| e.used).map(|(id, _)| *id) {
                entries.map.remove(&oldest);
            }
        }
        let cell = Arc::new(OnceCell::new());
        entries.map.insert(id, Entry { revision, cell: Arc::clone(&cell), used: now });
        (cell, previous)
    }
}

#[cfg(test)]
mod tests {
    use super::Revisioned;
    use crate::error::{Error, Result};
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_value_is_loaded_once_per_revision_and_again_when_it_moves_on() -> Result<()> {
        let cache = Revisioned::new(4);
        let loads = AtomicUsize::new(0);
        let load = |revision: i64| {
            let loads = &loads;
            move || async move { Ok((revision, loads.fetch_add(1, Ordering::SeqCst))) }
        };
        assert_eq!(*cache.get(1, 3, load(3)).await?, 0);
        assert_eq!(*cache.get(1, 3, load(3)).await?, 0, "kept");
        assert_eq!(*cache.get(1, 2, load(2)).await?, 0, "an older ask takes the newer value");
        assert_eq!(*cache.get(1, 4, load(4)).await?, 1, "a newer revision loads again");
        assert_eq!(*cache.get(2, 4, load(4)).await?, 2, "ids are apart");
        assert_eq!(loads.load(Ordering::SeqCst), 3);
        cache.remove(1);
        assert_eq!(*cache.get(1, 4, load(4)).await?, 3, "a removed id loads again");
        cache.clear();
        assert_eq!(*cache.get(2, 4, load(4)).await?, 4, "after clearing every id loads again");
        Ok(())
    }

    #[tokio::test]
    async fn a_newer_revision_is_loaded_from_the_value_it_replaces() -> Result<()> {
        let cache = Revisioned::new(4);
        assert_eq!(
            *cache.get_from(1, 1, |previous| async move { Ok((1, previous.map_or(10, |v| *v + 1))) }).await?,
            10
        );
        assert_eq!(
            *cache.get_from(1, 2, |previous| async move { Ok((2, previous.map_or(10, |v| *v + 1))) }).await?,
            11
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_failed_load_is_not_kept() -> Result<()> {
        let cache: Revisioned<i64> = Revisioned::new(4);
        assert!(cache.get(1, 1, || async { Err(Error::NotFound) }).await.is_err());
        assert_eq!(*cache.get(1, 1, || async { Ok((1, 7)) }).await?, 7);
        Ok(())
    }

    #[tokio::test]
    async fn the_least_recently_used_id_goes_first_when_full() -> Result<()> {
        let cache = Revisioned::new(2);
        cache.get(1, 0, || async { Ok((0, 10)) }).await?;
        cache.get(2, 0, || async { Ok((0, 20)) }).await?;
        cache.get(1, 0, || async { Ok((0, 11)) }).await?;
        cache.get(3, 0, || async { Ok((0, 30)) }).await?;
        assert_eq!(*cache.get(1, 0, || async { Ok((0, 12)) }).await?, 10, "one kept");
        assert_eq!(*cache.get(2, 0, || async { Ok((0, 21)) }).await?, 21, "two evicted");
        Ok(())
    }
}
