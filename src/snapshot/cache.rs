//! Each reading's [`Snapshot`] kept in memory and shared by every request that
//! shows it, until the reading's revision moves on.
//!
//! A lecture's worth of students open the same reading at once; loading its
//! thousands of annotations from SQLite for each of them would cost more than
//! everything else a page does. The database moves a reading's revision on
//! every write that touches it (see the trigger contract in [`super`]), each
//! request learns the revision with its access check, and a snapshot older than
//! that is brought up to date — by one request, the others waiting for it —
//! from the change log (`db::snapshot::changes_since`): only the annotations
//! written since are read again.
//!
//! What a consumer derives from a snapshot once per revision (the reading
//! page's drawn entries and blocks) is its own type `D` ([`Derived`]), handed
//! what the revision before derived and which annotations changed, so that it
//! can carry over what still holds. This cache knows nothing of what `D` is.
//! The policy ("newest revision wins, one loads while the others wait, bounded
//! by count") is [`Revisioned`]'s.

use super::{Revisioned, Snapshot, View};
use crate::db;
use crate::db::Db;
use crate::db::snapshot::Refreshed;
use crate::domain::{AnnotationId, Viewer};
use crate::error::{Error, Result};
use crate::text::CharIndex;
use std::collections::HashSet;
use std::ops::Deref;
use std::sync::Arc;

/// How many readings stay in memory at most; the least recently used goes first.
const CAPACITY: usize = 8;

/// What a consumer derives from each revision's snapshot, kept beside it.
pub trait Derived: Send + Sync + Sized + 'static {
    /// What `snapshot` derives, given the revision before it and what it derived
    /// (`previous`), and which annotations changed since (`None`: any may have).
    fn derive(
        snapshot: &Snapshot,
        previous: Option<(&Snapshot, &Self)>,
        changed: Option<&HashSet<AnnotationId>>,
    ) -> Self;
}

/// Nothing derived: the snapshot alone.
impl Derived for () {
    fn derive(_: &Snapshot, _: Option<(&Snapshot, &Self)>, _: Option<&HashSet<AnnotationId>>) -> Self {}
}

/// A snapshot and what its consumer derived from it (reached through `Deref`).
#[derive(Debug)]
pub struct Cached<D> {
    pub snapshot: Arc<Snapshot>,
    derived: D,
}

impl<D> Cached<D> {
    /// What `viewer` sees of this snapshot.
    #[must_use]
    pub fn view(&self, viewer: Viewer) -> View {
        View::new(Arc::clone(&self.snapshot), viewer)
    }
}

impl<D> Deref for Cached<D> {
    type Target = D;

    fn deref(&self) -> &D {
        &self.derived
    }
}

/// Texts are kept until the text is replaced (whoever replaces it calls [`Snapshots::forget`]).
pub use crate::text::ReadingText;

/// The readings' snapshots in memory, with what `D` derives from each.
pub struct Snapshots<D> {
    entries: Revisioned<Cached<D>>,
    /// Texts alone (anchoring needs no annotations), under the same policy at revision 0:
    /// a text is valid until forgotten.
    texts: Revisioned<ReadingText>,
}

impl<D> Default for Snapshots<D> {
    fn default() -> Self {
        Self { entries: Revisioned::new(CAPACITY), texts: Revisioned::new(CAPACITY) }
    }
}

impl<D: Derived> Snapshots<D> {
    /// The reading at `revision` or later; 404 if it no longer exists.
    /// A snapshot already in memory is brought up to date with what changed
    /// since (`db::snapshot::changes_since`) rather than loaded again whole.
    pub async fn get(&self, db: &Db, reading_id: i64, revision: i64) -> Result<Arc<Cached<D>>> {
        let load = |previous: Option<Arc<Cached<D>>>| async move {
            let refreshed = match &previous {
                Some(previous) => db::snapshot::changes_since(db, &previous.snapshot).await?,
                None => db::snapshot::load(db, reading_id).await?.map(|snapshot| Refreshed { snapshot, changed: None }),
            };
            let Refreshed { snapshot, changed } = refreshed.ok_or(Error::NotFound)?;
            let derived =
                D::derive(&snapshot, previous.as_deref().map(|p| (&*p.snapshot, &p.derived)), changed.as_ref());
            Ok((snapshot.revision, Cached { snapshot: Arc::new(snapshot), derived }))
        };
        self.entries.get_from(reading_id, revision, load).await
    }

    /// The reading as it stands now: its revision looked up (one query), then [`Snapshots::get`].
    pub async fn current(&self, db: &Db, reading_id: i64) -> Result<Arc<Cached<D>>> {
        let revision = super::revision_of(db, reading_id).await?.ok_or(Error::NotFound)?;
        self.get(db, reading_id, revision).await
    }
}

impl<D> Snapshots<D> {
    /// The text of `reading_id`, loaded once; 404 if there is no such reading.
    pub async fn text(&self, db: &Db, reading_id: i64) -> Result<Arc<ReadingText>> {
        self.texts
            .get(reading_id, 0, || async move {
                let reading = db::readings::find_reading(db, reading_id).await?.ok_or(Error::NotFound)?;
                let index = CharIndex::new(&reading.doc.text);
                Ok((0, ReadingText { doc: reading.doc, index }))
            })
            .await
    }

    /// Drops everything kept of a deleted reading, or one whose text was replaced (its id may be used again).
    pub fn forget(&self, reading_id: i64) {
        self.texts.remove(reading_id);
        self.entries.remove(reading_id);
    }

    /// Drops everything kept: another server may have replaced or deleted any
    /// reading unheard (see `web::events::relay`).
    pub fn forget_all(&self) {
        self.texts.clear();
        self.entries.clear();
    }
}
