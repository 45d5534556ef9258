//! What one viewer sees of a reading at one revision, as the reading page
//! draws it: the page and its live fragments are both drawn from it, so they
//! cannot disagree. It holds the read model's [`View`] (what the viewer may
//! see) and what the page drew from the snapshot (blocks, list entries), and
//! narrows what is shown to the news filter.

use super::ItemHtml;
use super::article::DrawnBlock;
use super::entries::{Item, item_html};
use super::since::News;
use crate::argument::Counts;
use crate::domain::{Annotation, AnnotationId, Kind, Viewer};
use crate::error::Result;
use crate::snapshot::{Snapshot, View};
use crate::web::snapshots::Cached;
use crate::web::{AppState, ReadingAccess};
use std::sync::Arc;

pub struct ReadingView {
    cached: Arc<Cached>,
    pub viewer: Viewer,
    /// What the viewer may see.
    view: View,
    /// Those the page lists and draws (all visible ones unless the news filter narrows them).
    shown: Vec<usize>,
    drawn: Vec<bool>,
    /// Those whose highlights are marked new to the viewer.
    fresh: Vec<bool>,
}

impl ReadingView {
    /// The reading as `access`'s viewer sees it at the revision access was checked at (or later).
    pub async fn load(state: &AppState, access: &ReadingAccess) -> Result<Self> {
        let cached = state.snapshots.get(&state.db, access.reading_id, access.revision).await?;
        let viewer = access.viewer;
        let view = cached.view(viewer);
        let shown = view.places().to_vec();
        let count = cached.snapshot.annotations.len();
        let mut drawn = vec![false; count];
        for &i in &shown {
            drawn[i] = true;
        }
        Ok(Self { cached, viewer, view, shown, drawn, fresh: vec![false; count] })
    }

    /// The view narrowed to what `news` shows (`?since=`), with what it calls new marked.
    #[must_use]
    pub fn with_news(mut self, news: &News) -> Self {
        let cached = Arc::clone(&self.cached);
        let (annotations, viewer) = (&cached.snapshot.annotations, self.viewer);
        self.shown.retain(|&i| news.shows(&annotations[i], viewer));
        self.drawn = vec![false; annotations.len()];
        for &i in &self.shown {
            self.drawn[i] = true;
            self.fresh[i] = news.is_new(&annotations[i], viewer);
        }
        self
    }

    /// Which annotations are marked new, as bytes for the page's ETag.
    #[must_use]
    pub fn fresh_tag(&self) -> Vec<u8> {
        self.shown.iter().filter(|&&i| self.fresh[i]).flat_map(|&i| (i as u64).to_le_bytes()).collect()
    }

    /// How many of the annotations shown are marked new.
    #[must_use]
    pub fn fresh(&self) -> usize {
        self.shown.iter().filter(|&&i| self.fresh[i]).count()
    }

    /// What the viewer may see, whatever the news filter shows.
    #[must_use]
    pub fn view(&self) -> &View {
        &self.view
    }

    #[must_use]
    pub fn snapshot(&self) -> &Snapshot {
        &self.cached.snapshot
    }

    /// The largest page drawn at this revision, to size the next one.
    #[must_use]
    pub fn page_bytes(&self) -> &std::sync::atomic::AtomicUsize {
        &self.cached.page_bytes
    }

    /// How many annotations the viewer sees.
    #[must_use]
    pub fn total(&self) -> usize {
        self.shown.len()
    }

    /// Whether the viewer sees classmates' work (see `Snapshot::sees_classmates`).
    #[must_use]
    pub fn sees_class(&self) -> bool {
        self.view.sees_classmates()
    }

    /// Every block of the article, drawn with what the viewer sees.
    pub fn blocks(&self) -> Result<Vec<DrawnBlock>> {
        let mut over = Vec::new();
        let mut fresh = Vec::new();
        (0..self.snapshot().by_block.len()).map(|b| self.block_with(b, &mut over, &mut fresh)).collect()
    }

    /// Block `b`, drawn with what the viewer sees.
    pub fn block(&self, b: usize) -> Result<DrawnBlock> {
        self.block_with(b, &mut Vec::new(), &mut Vec::new())
    }

    /// Block `b`, with `over` and `fresh` as room for what is drawn over it.
    fn block_with(&self, b: usize, over: &mut Vec<usize>, fresh: &mut Vec<bool>) -> Result<DrawnBlock> {
        over.clear();
        over.extend(self.snapshot().by_block[b].iter().copied().filter(|&i| self.drawn[i]));
        fresh.clear();
        fresh.extend(over.iter().map(|&i| self.fresh[i]));
        self.cached.blocks.drawn(self.snapshot(), b, over, fresh)
    }

    /// The index of the block starting at `start`, if one does.
    #[must_use]
    pub fn block_at(&self, start: usize) -> Option<usize> {
        let blocks = &self.snapshot().reading.doc.blocks;
        blocks.binary_search_by_key(&start, |b| b.start).ok()
    }

    /// The blocks annotation `i` lies on.
    #[must_use]
    pub fn blocks_of(&self, i: usize) -> Vec<usize> {
        let by_block = &self.snapshot().by_block;
        (0..by_block.len()).filter(|&b| by_block[b].binary_search(&i).is_ok()).collect()
    }

    /// The list entries the viewer sees, in text order.
    pub fn items(&self) -> Result<Vec<Item<'_>>> {
        let html = item_html(&self.cached)?;
        self.shown.iter().map(|&i| self.item_with(html, i)).collect()
    }

    /// Annotation `i`'s entry as the viewer sees it (`i` must be visible to them).
    pub fn item(&self, i: usize) -> Result<Item<'_>> {
        self.item_with(item_html(&self.cached)?, i)
    }

    fn item_with<'a>(&'a self, html: &'a [Arc<ItemHtml>], i: usize) -> Result<Item<'a>> {
        Item::for_viewer(&self.view, html, &self.cached.entries[i], i)
    }

    /// The place of annotation `id` if the viewer may see it.
    #[must_use]
    pub fn visible(&self, id: AnnotationId) -> Option<usize> {
        self.view.place_of(id)
    }

    /// The first annotation after `i` in text order that the viewer sees and `keep` accepts.
    #[must_use]
    pub fn next_after(&self, i: usize, keep: impl Fn(&Annotation) -> bool) -> Option<&Annotation> {
        self.view.next_after(i, keep)
    }

    /// The claims the viewer sees, which a counterargument or source may be linked to.
    pub fn claims(&self) -> Result<Vec<&ItemHtml>> {
        let html = item_html(&self.cached)?;
        let snapshot = self.snapshot();
        Ok(self.shown.iter().filter(|&&i| snapshot.kind_of(i) == Kind::Claim).map(|&i| &*html[i]).collect())
    }

    /// Every annotation's entry's shared parts, indexed as the snapshot's annotations.
    pub fn html_all(&self) -> Result<&[Arc<ItemHtml>]> {
        item_html(&self.cached)
    }

    /// The indices of the annotations the page lists and draws, in text order.
    #[must_use]
    pub fn shown(&self) -> &[usize] {
        &self.shown
    }

    /// Annotation `i`'s entry's shared parts (its claim label, among others).
    pub fn html(&self, i: usize) -> Result<&ItemHtml> {
        Ok(&item_html(&self.cached)?[i])
    }

    /// How many of each kind the page shows (the news filter may narrow them).
    #[must_use]
    pub fn counts(&self) -> Vec<(Kind, usize)> {
        let mut counts = Kind::ALL.map(|k| (k, 0));
        for &i in &self.shown {
            let kind = self.snapshot().kind_of(i);
            if let Some((_, n)) = counts.iter_mut().find(|(k, _)| *k == kind) {
                *n += 1;
            }
        }
        counts.to_vec()
    }

    /// The argument's counts among what the viewer sees.
    #[must_use]
    pub fn argument(&self) -> Counts {
        self.view.argument()
    }

    /// The authors of what the viewer sees, sorted, each once.
    #[must_use]
    pub fn authors(&self) -> Vec<&str> {
        self.view.authors()
    }
}
