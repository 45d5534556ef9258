//! Overlay runs: the blocks' styles and the visible annotations' ranges merged
//! into maximal spans over which the set of styles and highlights is constant.
//! The reading page renders each run as properly nested HTML: highlight
//! elements nest where their ranges do, and each lists only the highlights it
//! adds to those around it (see [`nesting`]), so the output grows with the
//! number of highlights and blocks, not with how deeply they overlap.
//!
//! One sweep goes through the blocks and the highlights' boundaries together:
//! the boundaries are sorted once for the whole document, and the active ranges
//! live in ordered sets, so the cost is O((n + k) log k) for k highlights over n
//! code points, plus the size of the output. No step looks at single characters.

use super::{Block, CharIndex, Document, Style};
use nesting::Nesting;
use std::cmp::Reverse;
use std::collections::{BTreeSet, HashSet};

mod nesting;
#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

/// A highlighted range; its index in the slice given to [`runs`] identifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
}

/// One block and the runs that tile it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRuns<'a> {
    pub block: &'a Block,
    pub runs: Vec<Run<'a>>,
    /// How many highlight elements are still open after the last run, to close before the block ends.
    pub close: usize,
}

/// A maximal span of constant styles and highlights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run<'a> {
    pub start: usize,
    pub end: usize,
    /// The run's text: the canonical text between `start` and `end`.
    pub text: &'a str,
    /// The styles over this run, outermost first (earliest start, then longest).
    pub styles: Vec<&'a Style>,
    /// How many highlight elements to close before this run (the innermost ones).
    pub close: usize,
    /// The highlight elements to open before this run, outermost first, each
    /// listing the highlights (indices into the slice given to [`runs`]) it adds.
    pub open: Vec<Vec<usize>>,
    /// How many highlight elements are open around this run once `open` is opened.
    pub depth: usize,
    /// The innermost highlight over this run, if any.
    pub innermost: Option<usize>,
}

/// Splits every block of `doc` into runs.
///
/// `index` must be the [`CharIndex`] of `doc.text`, and `doc` must be valid
/// ([`Document::validate`]): blocks in order is what lets one sweep serve them all.
/// A highlight that is empty, reversed, or ends past the text is ignored (it
/// cannot have come from anchoring); a valid one may cross blocks and separators,
/// and appears in the runs of every block it overlaps. Equal styles that touch or
/// overlap count as one (`*a**b*` is one emphasis), so runs stay maximal.
#[must_use]
pub fn runs<'a>(doc: &'a Document, index: &CharIndex, highlights: &[Highlight]) -> Vec<BlockRuns<'a>> {
    runs_of(doc, index, &doc.blocks, highlights)
}

/// [`runs`] for some of `doc`'s blocks only: `blocks` is a slice of `doc.blocks`.
/// A block's runs depend only on the highlights that overlap it (and on their
/// order), so drawing a block alone with those gives what [`runs`] gives for it.
#[must_use]
pub fn runs_of<'a>(
    doc: &'a Document,
    index: &CharIndex,
    blocks: &'a [Block],
    highlights: &[Highlight],
) -> Vec<BlockRuns<'a>> {
    let len = index.len_chars();
    let valid = highlights.iter().enumerate().filter(|(_, h)| h.start < h.end && h.end <= len);
    let mut marks = Sweep::new(valid.map(|(i, h)| (h.start, Reverse(h.end), i)).collect());
    let end_of = |i: usize| highlights[i].end;
    blocks
        .iter()
        .map(|block| {
            let spans = merged_styles(block);
            let mut styles = Sweep::new(spans.iter().enumerate().map(|(id, &(s, e, _))| (s, Reverse(e), id)).collect());
            let mut nesting = Nesting::new(block.end);
            let mut runs = Vec::new();
            let mut at = block.start;
            while at < block.end {
                marks.advance_to(at);
                styles.advance_to(at);
                let (ended, started) = marks.take_changes();
                let step = if runs.is_empty() {
                    // Elements do not cross blocks: each block opens what covers its start.
                    nesting.step(&[], &marks.active_ids().collect::<Vec<_>>(), end_of)
                } else {
                    nesting.step(&ended, &started, end_of)
                };
                // Every pending boundary is past `at`, so the run is never empty.
                let end =
                    [marks.next_boundary(), styles.next_boundary()].into_iter().flatten().fold(block.end, usize::min);
                runs.push(Run {
                    start: at,
                    end,
                    // O(1): the index maps both code-point offsets to bytes.
                    text: index.slice(&doc.text, at, end).unwrap_or_default(),
                    styles: styles.active_ids().map(|id| spans[id].2).collect(),
                    close: step.close,
                    open: step.open,
                    depth: nesting.depth(),
                    innermost: nesting.innermost(),
                });
                at = end;
            }
            // What started or ended since the last run is no business of the next block.
            marks.take_changes();
            BlockRuns { block, runs, close: nesting.depth() }
        })
        .collect()
}

/// An active range's place in a set: earliest start first, then the latest end
/// (the longest), then its id. Iterating a set of keys lists ranges outermost first.
type Key = (usize, Reverse<usize>, usize);

/// Ranges' boundaries sorted once, swept forwards, with the set of ranges active
/// at the current position.
struct Sweep {
    /// Keys in order of start (which is the keys' own order).
    starts: Vec<Key>,
    /// The same keys in order of end.
    ends: Vec<Key>,
    next_start: usize,
    next_end: usize,
    active: BTreeSet<Key>,
    /// Ids that stopped being active, and that became active, since [`Sweep::take_changes`].
    ended: Vec<usize>,
    started: Vec<usize>,
    /// The position of the last call.
    last: Option<usize>,
}

impl Sweep {
    fn new(mut starts: Vec<Key>) -> Self {
        starts.sort_unstable();
        let mut ends = starts.clone();
        ends.sort_unstable_by_key(|&(_, Reverse(end), _)| end);
        Self {
            starts,
            ends,
            next_start: 0,
            next_end: 0,
            active: BTreeSet::new(),
            ended: Vec::new(),
            started: Vec::new(),
            last: None,
        }
    }

    /// Makes the active set the ranges containing `at` (`start <= at < end`).
    /// Positions must not decrease from one call to the next.
    fn advance_to(&mut self, at: usize) {
        // Starts go in before ends come out: a range that began and ended since
        // the last call (inside a separator, say) is then added and removed again.
        while let Some(&key) = self.starts.get(self.next_start).filter(|k| k.0 <= at) {
            self.active.insert(key);
            self.started.push(key.2);
            self.next_start += 1;
        }
        let mut vanished = HashSet::new();
        while let Some(key) = self.ends.get(self.next_end).filter(|k| k.1.0 <= at) {
            self.active.remove(key);
            // One that started in this same call was never seen active: it simply did not happen.
            if self.last.is_some_and(|last| key.0 <= last) {
                self.ended.push(key.2);
            } else {
                vanished.insert(key.2);
            }
            self.next_end += 1;
        }
        if !vanished.is_empty() {
            self.started.retain(|id| !vanished.contains(id));
        }
        self.last = Some(at);
    }

    /// The ids that ended and started since the last call, each in key order.
    fn take_changes(&mut self) -> (Vec<usize>, Vec<usize>) {
        (std::mem::take(&mut self.ended), std::mem::take(&mut self.started))
    }

    /// The next position where a range starts or ends, if any remains.
    fn next_boundary(&self) -> Option<usize> {
        let start = self.starts.get(self.next_start).map(|k| k.0);
        let end = self.ends.get(self.next_end).map(|k| k.1.0);
        start.into_iter().chain(end).min()
    }

    /// The active ranges' ids, outermost first.
    fn active_ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.active.iter().map(|&(_, _, id)| id)
    }
}

/// The block's styles with equal styles that touch or overlap merged into one
/// span, clipped to the block, as `(start, end, style)` in original order.
///
/// Without the merge, `Emphasis 0..3` and `Emphasis 3..6` would give two runs
/// with the same styles, and the runs would not be maximal.
fn merged_styles(block: &Block) -> Vec<(usize, usize, &Style)> {
    // A valid document needs no clipping; it keeps a bad span from breaking the tiling.
    let mut spans: Vec<(usize, usize, usize)> = block
        .styles
        .iter()
        .enumerate()
        .map(|(i, span)| (span.start.max(block.start), span.end.min(block.end), i))
        .filter(|&(start, end, _)| start < end)
        .collect();
    let style = |i: usize| &block.styles[i].style;
    spans.sort_unstable_by(|a, b| style_key(style(a.2)).cmp(&style_key(style(b.2))).then(a.0.cmp(&b.0)));
    let mut merged: Vec<(usize, usize, usize)> = Vec::with_capacity(spans.len());
    for (start, end, i) in spans {
        match merged.last_mut() {
            Some(last) if style(last.2) == style(i) && start <= last.1 => {
                last.1 = last.1.max(end);
                last.2 = last.2.min(i);
            }
            _ => merged.push((start, end, i)),
        }
    }
    // The sweep breaks ties by id, so ids follow the original order.
    merged.sort_unstable_by_key(|&(_, _, i)| i);
    merged.into_iter().map(|(start, end, i)| (start, end, style(i))).collect()
}

/// A total order on styles (which are not `Ord`) that groups equal ones.
fn style_key(style: &Style) -> (u8, &str) {
    match style {
        Style::Emphasis => (0, ""),
        Style::Strong => (1, ""),
        Style::Code => (2, ""),
        Style::Link { href } => (3, href),
    }
}
