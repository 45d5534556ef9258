//! The reading's article, drawn block by block and kept: a block's markup
//! depends only on the visible annotations that overlap it, so each block is
//! drawn once for each set of those it has been shown with, and shared by every
//! viewer and every revision that shows the same set. A class writing on one
//! paragraph makes that paragraph alone be drawn again, and a student's private
//! highlights cost a few blocks of their own, not a whole article.
//!
//! The page and the live fragments both take their blocks from here, drawn by
//! one template (`partials/reading_block.html`), which the review draws its
//! blocks with too ([`DrawnBlock::draw`]).

use super::super::highlights::{self, BlockView};
use crate::domain::{Annotation, AnnotationId, Kind};
use crate::error::Result;
use crate::snapshot::Snapshot;
use crate::web::pages::escaped::Drawn;
use askama::Template;
use std::sync::{Mutex, PoisonError};

/// How many different drawings of one block are kept (the most recent first):
/// the class's view, and a few students' own highlights on it.
const VARIANTS: usize = 8;

/// What a block's drawing depends on besides its text: each visible annotation
/// over it, in text order, with what its mark shows (new to the viewer or not).
type Key = Vec<(AnnotationId, Kind, usize, usize, bool)>;

/// Each block's recent drawings, by what was drawn over it.
#[derive(Debug)]
pub struct BlockCache {
    blocks: Vec<Mutex<Vec<(Key, DrawnBlock)>>>,
}

/// One block as the template drew it (its text and user content escaped there).
pub type DrawnBlock = Drawn;

#[derive(Template)]
#[template(path = "partials/reading_block.html")]
struct BlockPart<'a> {
    block: BlockView<'a>,
    /// Drawn for the reading page: blocks are link targets, highlights focus stops.
    interactive: bool,
}

impl DrawnBlock {
    /// `block` drawn as the review shows it: as on the reading page, but
    /// neither a link target nor with highlights to focus.
    pub fn draw(block: BlockView<'_>) -> Result<Self> {
        Ok(Self::from(BlockPart { block, interactive: false }.render()?))
    }
}

impl BlockCache {
    /// An empty cache for a reading of `blocks` blocks.
    #[must_use]
    pub fn new(blocks: usize) -> Self {
        Self { blocks: (0..blocks).map(|_| Mutex::default()).collect() }
    }

    /// Block `b` of `snapshot`'s reading with the annotations `over` (indices into
    /// its annotations, in text order, each overlapping the block) drawn on it,
    /// those flagged in `fresh` (one flag each) marked new.
    pub fn drawn(&self, snapshot: &Snapshot, b: usize, over: &[usize], fresh: &[bool]) -> Result<DrawnBlock> {
        let Some(slot) = self.blocks.get(b) else { return Ok(DrawnBlock::default()) };
        let part = |n: usize| {
            let a = &snapshot.annotations[over[n]];
            (a.id, a.kind, a.position.start, a.position.end, fresh.get(n).copied().unwrap_or(false))
        };
        // Compared in place: a page asks for every block, and nearly all are kept already.
        let same = |key: &Key| key.len() == over.len() && key.iter().enumerate().all(|(n, k)| *k == part(n));
        {
            let mut kept = slot.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(at) = kept.iter().position(|(k, _)| same(k)) {
                kept[..=at].rotate_right(1);
                return Ok(kept[0].1.clone());
            }
        }
        let key: Key = (0..over.len()).map(part).collect();
        let annotations: Vec<&Annotation> = over.iter().map(|&i| &snapshot.annotations[i]).collect();
        let ids: Vec<String> = annotations.iter().map(|a| a.id.to_string()).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let reading = &snapshot.reading;
        let drawn = match highlights::block(&reading.doc, &snapshot.index, b, &annotations, &ids) {
            Some(mut block) => {
                highlights::mark_new(std::slice::from_mut(&mut block), fresh);
                DrawnBlock::from(BlockPart { block, interactive: true }.render()?)
            }
            None => DrawnBlock::default(),
        };
        let mut kept = slot.lock().unwrap_or_else(PoisonError::into_inner);
        kept.insert(0, (key, drawn.clone()));
        kept.truncate(VARIANTS);
        Ok(drawn)
    }
}
