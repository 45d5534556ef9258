//! Overlay runs: the blocks' styles and the visible annotations' ranges merged
//! into maximal spans over which the set of styles and highlights is constant.
//! The reading page renders each run as properly nested HTML.
//!
//! One sweep goes through the blocks and the highlights' boundaries together:
//! the boundaries are sorted once for the whole document, and the active ranges
//! live in ordered sets, so the cost is O((n + k) log k) for k highlights over n
//! code points, plus the size of the output. No step looks at single characters.

use super::{Block, CharIndex, Document, Style};
use std::cmp::Reverse;
use std::collections::BTreeSet;

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
    /// Indices into the highlights slice, outermost first (earliest start, then longest, then index).
    pub highlights: Vec<usize>,
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
    let len = index.len_chars();
    let valid = highlights.iter().enumerate().filter(|(_, h)| h.start < h.end && h.end <= len);
    let mut marks = Sweep::new(valid.map(|(i, h)| (h.start, Reverse(h.end), i)).collect());
    doc.blocks
        .iter()
        .map(|block| {
            let spans = merged_styles(block);
            let mut styles = Sweep::new(spans.iter().enumerate().map(|(id, &(s, e, _))| (s, Reverse(e), id)).collect());
            let mut runs = Vec::new();
            let mut at = block.start;
            while at < block.end {
                marks.advance_to(at);
                styles.advance_to(at);
                // Every pending boundary is past `at`, so the run is never empty.
                let end =
                    [marks.next_boundary(), styles.next_boundary()].into_iter().flatten().fold(block.end, usize::min);
                runs.push(Run {
                    start: at,
                    end,
                    // O(1): the index maps both code-point offsets to bytes.
                    text: index.slice(&doc.text, at, end).unwrap_or_default(),
                    styles: styles.active_ids().map(|id| spans[id].2).collect(),
                    highlights: marks.active_ids().collect(),
                });
                at = end;
            }
            BlockRuns { block, runs }
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
}

impl Sweep {
    fn new(mut starts: Vec<Key>) -> Self {
        starts.sort_unstable();
        let mut ends = starts.clone();
        ends.sort_unstable_by_key(|&(_, Reverse(end), _)| end);
        Self { starts, ends, next_start: 0, next_end: 0, active: BTreeSet::new() }
    }

    /// Makes the active set the ranges containing `at` (`start <= at < end`).
    /// Positions must not decrease from one call to the next.
    fn advance_to(&mut self, at: usize) {
        // Starts go in before ends come out: a range that began and ended since
        // the last call (inside a separator, say) is then added and removed again.
        while let Some(&key) = self.starts.get(self.next_start).filter(|k| k.0 <= at) {
            self.active.insert(key);
            self.next_start += 1;
        }
        while let Some(key) = self.ends.get(self.next_end).filter(|k| k.1.0 <= at) {
            self.active.remove(key);
            self.next_end += 1;
        }
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
