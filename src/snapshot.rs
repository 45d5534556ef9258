//! The read model: a reading and everything written on it, as of one revision,
//! behind one door. What lives here:
//!
//! - [`Snapshot`]: the text, every annotation whatever its visibility, their
//!   links and replies, the course settings that decide who sees what
//!   (post-first, groups), the course's tag vocabulary and the original file's
//!   SHA-256. Loaded (whole, or brought up to date from the `reading_changes`
//!   log) by `db::snapshot`, where its SQL lives.
//! - [`Snapshots`] (`cache`): each reading's snapshot kept in memory per
//!   revision, with what a consumer derives from it; [`Revisioned`] is the
//!   policy (newest revision wins, one loads, bounded by count).
//! - [`View`]: what one viewer sees of a snapshot — their visible annotations
//!   with links already filtered, counts, authors, replies, orphans. Pages, the
//!   annotation container, the map, the review and live events read a view and
//!   never filter the snapshot themselves.
//! - [`revision_of`]: the revision lookups, through `db`.
//!
//! The visibility rule lives once in Rust ([`Snapshot::allows`]) and once in
//! SQL (`db::visibility::VISIBLE`); `tests/api/visibility.rs` and
//! `tests/api/cached_pages.rs` hold the two equal for every viewer.
//!
//! # The trigger contract
//!
//! Everything here is kept until a revision moves, and only the database moves
//! it: every table whose rows a page or a snapshot shows must have triggers
//! that move the revision of what it shows (`readings.revision`, or
//! `courses.revision`; see `migrations/sqlite/20261128000005_revisions.sql`), and every
//! table a snapshot is loaded from must also log the annotations it changed in
//! `reading_changes` (`migrations/sqlite/20261202001401_reading_changes.sql`; a row
//! with no annotation means "reload whole"). A table without them leaves pages
//! stale. A new table adds its triggers in its migration, or goes on the exempt
//! list with a reason: `tests/api/store.rs`
//! (`every_table_moves_revisions_by_trigger_or_says_why_not`) lists every
//! table and fails otherwise.

mod cache;
mod revisioned;
mod view;

pub use cache::{Cached, Derived, ReadingText, Snapshots};
pub use revisioned::Revisioned;
pub use view::View;

use crate::argument::{self, Counts};
use crate::db::Db;
use crate::db::readings::Reading;
use crate::db::replies::Reply;
use crate::domain::{Annotation, AnnotationId, Circles, Kind, Link, Relation, Viewer, Visibility, Vocabulary};
use crate::error::Result;
use crate::formats::w3c::Provenance;
use crate::text::CharIndex;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug)]
pub struct Snapshot {
    /// The reading's revision this was loaded at (see the `revisions` migration).
    pub revision: i64,
    pub reading: Reading,
    pub index: CharIndex,
    /// Every annotation anchored in the text, in text order, each with all of its links.
    pub annotations: Vec<Annotation>,
    /// Annotations whose passage was lost when the text was replaced: never drawn
    /// in the text, listed apart for their authors and the instructors.
    pub orphans: Vec<Annotation>,
    /// Each annotation's replies, oldest first.
    pub replies: HashMap<AnnotationId, Vec<Reply>>,
    /// The course's post-first setting: students see classmates' work once they have posted.
    pub post_first: bool,
    /// Where annotations and replies came from, by id, for those imported or posted with it.
    pub provenance: HashMap<Uuid, Provenance>,
    /// Each annotation's links as (relation, index of the target in `annotations`).
    pub targets: Vec<Vec<(Relation, usize)>>,
    /// Every author's name and id, sorted by name.
    pub authors: Vec<(String, i64)>,
    /// What a view reads of each annotation (as `annotations`), packed apart from them.
    facts: Vec<Facts>,
    /// For each of the reading's blocks, the annotations that overlap it (indices, in text order).
    pub by_block: Vec<Vec<usize>>,
    /// Each annotation's row id, and the last entry of the change log this
    /// snapshot has seen (see `db::snapshot::changes_since`); 0 when unknown.
    pub rows: Vec<i64>,
    pub seq: i64,
    /// Who has posted something here that is not private.
    posted: HashSet<i64>,
    /// The course's discussion mode and groups.
    pub circles: Circles,
    /// The course's tag vocabulary (empty: any tag).
    pub vocabulary: Vocabulary,
    /// The SHA-256 of the file the reading was imported from (a PDF), if any.
    pub original: Option<String>,
}

/// What every view reads of an annotation, for each of them on every view: a
/// page's visibility mask, argument counts and author list come from these,
/// which fit in the processor's cache where two thousand annotations do not.
#[derive(Debug, Clone, Copy)]
struct Facts {
    author_id: i64,
    /// The author's place in `Snapshot::authors`.
    author: usize,
    kind: Kind,
    visibility: Visibility,
}

/// The revision of `reading_id` as it stands, or `None` if there is no such reading.
pub async fn revision_of(db: &Db, reading_id: i64) -> Result<Option<i64>> {
    Ok(crate::db::snapshot::revision_of(db, reading_id).await?)
}

impl Snapshot {
    #[must_use]
    pub fn new(
        revision: i64,
        reading: Reading,
        annotations: Vec<Annotation>,
        replies: Vec<Reply>,
        post_first: bool,
    ) -> Self {
        let mut threads: HashMap<AnnotationId, Vec<Reply>> = HashMap::new();
        for reply in replies {
            threads.entry(reply.annotation_id).or_default().push(reply);
        }
        let (mut orphans, mut annotations): (Vec<Annotation>, Vec<Annotation>) =
            annotations.into_iter().partition(|a| a.orphaned);
        for annotation in &mut annotations {
            annotation.reply_count = threads.get(&annotation.id).map_or(0, Vec::len);
        }
        for orphan in &mut orphans {
            orphan.reply_count = threads.get(&orphan.id).map_or(0, Vec::len);
        }
        let posted = annotations
            .iter()
            .chain(&orphans)
            .filter(|a| a.visibility != Visibility::Private)
            .map(|a| a.author_id)
            .collect();
        let position: HashMap<AnnotationId, usize> = annotations.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        let targets = annotations
            .iter()
            .map(|a| a.links.iter().filter_map(|l| position.get(&l.to).map(|&i| (l.relation, i))).collect())
            .collect();
        let mut authors: Vec<(String, i64)> =
            annotations.iter().map(|a| (a.author_name.clone(), a.author_id)).collect();
        authors.sort_unstable();
        authors.dedup();
        let facts = annotations
            .iter()
            .map(|a| Facts {
                author_id: a.author_id,
                author: authors
                    .binary_search_by(|(name, id)| (name.as_str(), *id).cmp(&(a.author_name.as_str(), a.author_id)))
                    .unwrap_or_default(),
                kind: a.kind,
                visibility: a.visibility,
            })
            .collect();
        let index = CharIndex::new(&reading.doc.text);
        let provenance = HashMap::new();
        let by_block = by_block(&reading.doc.blocks, &annotations);
        Self {
            revision,
            reading,
            index,
            annotations,
            orphans,
            replies: threads,
            post_first,
            provenance,
            targets,
            authors,
            facts,
            by_block,
            rows: Vec::new(),
            seq: 0,
            posted,
            circles: Circles::default(),
            vocabulary: Vocabulary::default(),
            original: None,
        }
    }

    /// This snapshot with each annotation's row id, and the change log's position it was loaded at.
    #[must_use]
    pub fn with_rows(self, rows: Vec<i64>, seq: i64) -> Self {
        Self { rows, seq, ..self }
    }

    /// Whether `viewer` sees classmates' work at all: not a student who has yet
    /// to post under the post-first setting. When this changes, so does nearly all they see.
    #[must_use]
    pub fn sees_classmates(&self, viewer: Viewer) -> bool {
        viewer.is_instructor() || !self.post_first || self.posted.contains(&viewer.user_id)
    }

    /// The course's groups and tag vocabulary.
    #[must_use]
    pub fn with_classroom(self, circles: Circles, vocabulary: Vocabulary) -> Self {
        Self { circles, vocabulary, ..self }
    }

    /// The original file's SHA-256.
    #[must_use]
    pub fn with_original(self, original: Option<String>) -> Self {
        Self { original, ..self }
    }

    #[must_use]
    pub fn with_provenance(self, provenance: HashMap<Uuid, Provenance>) -> Self {
        Self { provenance, ..self }
    }

    /// The kind of the annotation at place `i` (as `annotations[i].kind`, from the packed facts).
    #[must_use]
    pub fn kind_of(&self, i: usize) -> Kind {
        self.facts[i].kind
    }

    /// Whether `viewer` may see `annotation` (see [`Snapshot::allows`]).
    #[must_use]
    pub fn may_see(&self, viewer: Viewer, annotation: &Annotation) -> bool {
        self.allows(viewer, annotation.author_id, annotation.visibility)
    }

    /// The visibility rule, in Rust: whether `viewer` may see what `author_id`
    /// wrote with `visibility` on this reading. `Viewer::can_see`; under post-first a
    /// student sees classmates' work only once they have posted something not private,
    /// and under groups only their group's and the instructors' (`Circles::allows`).
    /// `db::visibility::VISIBLE` is the same rule in SQL.
    #[must_use]
    pub fn allows(&self, viewer: Viewer, author_id: i64, visibility: Visibility) -> bool {
        self.allows_when(viewer, self.sees_classmates(viewer), author_id, visibility)
    }

    /// [`Snapshot::allows`], with whether the viewer sees classmates' work at all already known.
    fn allows_when(&self, viewer: Viewer, classmates: bool, author_id: i64, visibility: Visibility) -> bool {
        author_id == viewer.user_id
            || (viewer.can_see(author_id, visibility) && classmates && self.circles.allows(viewer, author_id))
    }

    /// The orphans `viewer` may see: their own, and as an instructor the others'
    /// (within the visibility rule: never someone's private note).
    #[must_use]
    pub fn orphans_for(&self, viewer: Viewer) -> Vec<&Annotation> {
        self.orphans
            .iter()
            .filter(|a| self.may_see(viewer, a) && (a.author_id == viewer.user_id || viewer.is_instructor()))
            .collect()
    }

    /// What `viewer` may see, in text order. Links to annotations outside it are theirs to ignore.
    #[must_use]
    pub fn visible_to(&self, viewer: Viewer) -> Vec<&Annotation> {
        self.annotations.iter().filter(|a| self.may_see(viewer, a)).collect()
    }

    /// Which of `annotations` `viewer` may see, by index (a [`View`] holds it).
    #[must_use]
    fn mask_for(&self, viewer: Viewer) -> Vec<bool> {
        let classmates = self.sees_classmates(viewer);
        self.facts.iter().map(|f| self.allows_when(viewer, classmates, f.author_id, f.visibility)).collect()
    }

    /// The names of the authors of what `mask` shows, sorted, each once.
    #[must_use]
    fn authors_in(&self, mask: &[bool]) -> Vec<&str> {
        let mut shown = vec![false; self.authors.len()];
        for (facts, _) in self.facts.iter().zip(mask).filter(|(_, shown)| **shown) {
            shown[facts.author] = true;
        }
        let mut names: Vec<&str> =
            self.authors.iter().zip(shown).filter(|(_, shown)| *shown).map(|((name, _), _)| name.as_str()).collect();
        names.dedup();
        names
    }

    /// Annotation `i` as a viewer who sees `mask` sees it: with only the links to what they may see.
    #[must_use]
    fn as_seen(&self, i: usize, mask: &[bool]) -> Annotation {
        let annotation = &self.annotations[i];
        let links = self.targets[i]
            .iter()
            .filter(|(_, to)| mask[*to])
            .map(|&(relation, to)| Link { from: annotation.id, to: self.annotations[to].id, relation })
            .collect();
        Annotation { links, ..annotation.clone() }
    }

    /// The argument's counts among what `mask` shows: `argument::Counts::of` over
    /// the visible annotations, by index rather than by id (a page asks for it each time).
    #[must_use]
    fn argument_counts(&self, mask: &[bool]) -> Counts {
        let on = |i: usize| mask[i] && argument::on_map(self.facts[i].kind);
        let mut counts = Counts::default();
        let mut supporters = vec![0_usize; mask.len()];
        let mut rebuttals = vec![0_usize; mask.len()];
        for from in (0..mask.len()).filter(|&i| on(i)) {
            match self.facts[from].kind {
                Kind::Claim => counts.claims += 1,
                Kind::Counterargument => counts.counterarguments += 1,
                _ => counts.sources += 1,
            }
            let links = &self.targets[from];
            for (n, &(relation, to)) in links.iter().enumerate() {
                // Each pair once (the first link stands), never to itself, only between nodes shown.
                if to == from || !on(to) || links[..n].iter().any(|&(_, earlier)| earlier == to) {
                    continue;
                }
                match relation {
                    Relation::Supports => (counts.supports += 1, supporters[to] += 1),
                    Relation::Rebuts => (counts.rebuttals += 1, rebuttals[to] += 1),
                };
            }
        }
        for claim in (0..mask.len()).filter(|&i| on(i) && self.facts[i].kind == Kind::Claim) {
            counts.unsupported += usize::from(supporters[claim] == 0);
            counts.unchallenged += usize::from(rebuttals[claim] == 0);
        }
        counts
    }

    /// An annotation's replies, oldest first.
    #[must_use]
    pub fn replies_to(&self, id: AnnotationId) -> &[Reply] {
        self.replies.get(&id).map_or(&[], Vec::as_slice)
    }
}

/// For each block, the annotations (indices into `annotations`, in order) whose range overlaps it.
fn by_block(blocks: &[crate::text::Block], annotations: &[Annotation]) -> Vec<Vec<usize>> {
    let mut by_block = vec![Vec::new(); blocks.len()];
    for (i, annotation) in annotations.iter().enumerate() {
        let (start, end) = (annotation.position.start, annotation.position.end);
        if start >= end {
            continue;
        }
        // Blocks are in order and apart: the first that ends after the start, and on while they begin before the end.
        let first = blocks.partition_point(|b| b.end <= start);
        for (b, block) in blocks.iter().enumerate().skip(first) {
            if block.start >= end {
                break;
            }
            by_block[b].push(i);
        }
    }
    by_block
}

#[cfg(test)]
mod tests;
