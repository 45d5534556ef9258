//! What one viewer sees of a reading at one revision: the per-viewer read
//! model every page, the annotation container, the map, the review and live
//! events ask. It holds the snapshot everyone shares and which of its
//! annotations this viewer may see ([`Snapshot::allows`]); what it hands out is
//! already filtered: visible annotations, links only to what the viewer sees,
//! counts, authors, replies and orphans.
//!
//! Annotations are also named by their place in the snapshot's text order
//! (`usize`, as in `Snapshot::annotations`), for consumers that keep something
//! per place (the reading page's drawn entries and blocks); a place the view
//! hands out is always one the viewer may see.

use super::Snapshot;
use crate::argument::Counts;
use crate::db::replies::Reply;
use crate::domain::{Annotation, AnnotationId, Kind, Relation, Viewer};
use std::sync::Arc;

/// One viewer's view of a snapshot.
#[derive(Debug, Clone)]
pub struct View {
    snapshot: Arc<Snapshot>,
    viewer: Viewer,
    /// Whether the viewer may see the annotation at each place.
    sees: Vec<bool>,
    /// The places the viewer may see, in text order.
    visible: Vec<usize>,
}

impl View {
    /// What `viewer` sees of `snapshot`.
    #[must_use]
    pub fn new(snapshot: Arc<Snapshot>, viewer: Viewer) -> Self {
        let sees = snapshot.mask_for(viewer);
        let visible = (0..sees.len()).filter(|&i| sees[i]).collect();
        Self { snapshot, viewer, sees, visible }
    }

    #[must_use]
    pub fn viewer(&self) -> Viewer {
        self.viewer
    }

    /// The snapshot everyone shares: for the reading, its text and what is not per viewer.
    #[must_use]
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Whether the viewer sees classmates' work at all (see `Snapshot::sees_classmates`).
    #[must_use]
    pub fn sees_classmates(&self) -> bool {
        self.snapshot.sees_classmates(self.viewer)
    }

    /// The places of the annotations the viewer sees, in text order.
    #[must_use]
    pub fn places(&self) -> &[usize] {
        &self.visible
    }

    /// How many annotations the viewer sees (orphans apart).
    #[must_use]
    pub fn len(&self) -> usize {
        self.visible.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    /// The annotations the viewer sees, in text order, as stored (with every link:
    /// for what only reads their own fields; [`View::seen`] filters the links).
    pub fn annotations(&self) -> impl Iterator<Item = &Annotation> {
        self.visible.iter().map(|&i| &self.snapshot.annotations[i])
    }

    /// The annotation at `place` (one the view handed out).
    #[must_use]
    pub fn at(&self, place: usize) -> &Annotation {
        &self.snapshot.annotations[place]
    }

    /// The place of annotation `id`, if the viewer sees it.
    #[must_use]
    pub fn place_of(&self, id: AnnotationId) -> Option<usize> {
        let i = self.snapshot.annotations.iter().position(|a| a.id == id)?;
        self.sees[i].then_some(i)
    }

    /// The first place after `place` in text order that the viewer sees and `keep` accepts.
    #[must_use]
    pub fn next_after(&self, place: usize, keep: impl Fn(&Annotation) -> bool) -> Option<&Annotation> {
        let after = self.visible.partition_point(|&i| i <= place);
        self.visible[after..].iter().map(|&i| &self.snapshot.annotations[i]).find(|a| keep(a))
    }

    /// The links of the annotation at `place` to annotations the viewer sees: (relation, their place).
    pub fn links_of(&self, place: usize) -> impl Iterator<Item = (Relation, usize)> + '_ {
        self.snapshot.targets[place].iter().copied().filter(|&(_, to)| self.sees[to])
    }

    /// Whether the viewer sees every link of the annotation at `place`.
    #[must_use]
    pub fn sees_all_links_of(&self, place: usize) -> bool {
        self.snapshot.targets[place].iter().all(|&(_, to)| self.sees[to])
    }

    /// The annotations the viewer sees, in text order, each with only the links to what they see.
    #[must_use]
    pub fn seen(&self) -> Vec<Annotation> {
        self.visible.iter().map(|&i| self.snapshot.as_seen(i, &self.sees)).collect()
    }

    /// The annotation at `place` with only the links to what the viewer sees.
    #[must_use]
    pub fn seen_at(&self, place: usize) -> Annotation {
        self.snapshot.as_seen(place, &self.sees)
    }

    /// The orphans the viewer sees (their own, and as an instructor the others'), each
    /// with only the links to anchored annotations the viewer sees.
    #[must_use]
    pub fn orphans(&self) -> Vec<Annotation> {
        self.snapshot
            .orphans_for(self.viewer)
            .into_iter()
            .map(|orphan| {
                let mut seen = orphan.clone();
                seen.links.retain(|l| self.place_of(l.to).is_some());
                seen
            })
            .collect()
    }

    /// The replies to annotation `id` if the viewer sees it, oldest first.
    #[must_use]
    pub fn replies_to(&self, id: AnnotationId) -> &[Reply] {
        let orphan = || self.snapshot.orphans_for(self.viewer).iter().any(|a| a.id == id);
        if self.place_of(id).is_some() || orphan() { self.snapshot.replies_to(id) } else { &[] }
    }

    /// How many of each kind the viewer sees.
    #[must_use]
    pub fn counts(&self) -> Vec<(Kind, usize)> {
        Kind::ALL.iter().map(|k| (*k, self.annotations().filter(|a| a.kind == *k).count())).collect()
    }

    /// The argument's counts among what the viewer sees.
    #[must_use]
    pub fn argument(&self) -> Counts {
        self.snapshot.argument_counts(&self.sees)
    }

    /// The names of the authors of what the viewer sees, sorted, each once.
    #[must_use]
    pub fn authors(&self) -> Vec<&str> {
        self.snapshot.authors_in(&self.sees)
    }
}

impl Snapshot {
    /// What `viewer` sees of this snapshot.
    #[must_use]
    pub fn view(self: &Arc<Self>, viewer: Viewer) -> View {
        View::new(Arc::clone(self), viewer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::argument::tests::annotation;
    use crate::domain::{Role, Visibility};

    #[test]
    fn a_view_hands_out_only_what_its_viewer_sees_and_links_between_those() {
        use Kind::{Claim, Source};
        use Relation::Supports;
        let with = |author_id, visibility, a: Annotation| Annotation { author_id, visibility, ..a };
        let all = vec![
            with(1, Visibility::Private, annotation(1, Claim, &[])),
            with(2, Visibility::Class, annotation(2, Source, &[(1, Supports), (3, Supports)])),
            with(2, Visibility::Class, annotation(3, Claim, &[])),
        ];
        let snapshot = Arc::new(super::super::tests::snapshot(all, false));
        let ben = snapshot.view(Viewer { user_id: 2, role: Role::Student });
        let ids: Vec<u128> = ben.seen().iter().map(|a| a.id.as_u128()).collect();
        assert_eq!(ids, [2, 3], "not Ana's private claim");
        let source = &ben.seen()[0];
        assert_eq!(
            source.links.iter().map(|l| l.to.as_u128()).collect::<Vec<_>>(),
            [3],
            "no link to what he can't see"
        );
        let place = ben.place_of(source.id).expect("visible");
        assert!(!ben.sees_all_links_of(place));
        assert_eq!(ben.links_of(place).count(), 1);
        assert_eq!(ben.next_after(place, |_| true).map(|a| a.id.as_u128()), Some(3));
        assert_eq!(ben.authors().len(), 1);
        assert_eq!(ben.argument().supports, 1);
        let ana = snapshot.view(Viewer { user_id: 1, role: Role::Student });
        assert_eq!(ana.len(), 3);
        assert!(ana.sees_all_links_of(ana.place_of(source.id).expect("visible")));
    }
}
