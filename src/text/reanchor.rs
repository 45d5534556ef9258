//! Re-anchoring annotations when a reading's text is replaced by a corrected one.
//!
//! Both texts are known, so each passage is first mapped through a diff of the
//! two ([`align`]): its start and end follow the text around them, and it stays
//! anchored when most of its code points are still there and the new range is
//! still like the old one ([`MIN_KEPT`], [`MIN_SIMILARITY`]). Only where that
//! fails is the quote searched for ([`search`]), and only in text the diff
//! calls new (a moved paragraph lands there; a look-alike paragraph that was
//! already there never does), accepted above [`MIN_SEARCH_SIMILARITY`] and with a
//! [`SEARCH_MARGIN`] over the next best place. Everything else is an orphan: a
//! passage pinned to words its author never read misleads the whole class, an
//! orphan only asks to be placed again.
//!
//! Every offset is a code point, as everywhere in `text`.

mod align;
mod myers;
#[cfg(test)]
mod props;
mod search;
#[cfg(test)]
mod tests;

use super::CharIndex;
use super::anchor::{TextPosition, TextQuote, quote_at};
use serde::Serialize;
use std::time::Duration;
use std::time::Instant;

/// A passage stays anchored through the diff only if at least this share of its
/// code points is still there, in order...
pub const MIN_KEPT: f64 = 0.5;
/// ...and its new range is at least this similar to it (twice the code points
/// they share over their total length).
pub const MIN_SIMILARITY: f64 = 0.6;
/// A passage found by search must be at least this similar to its quote...
pub const MIN_SEARCH_SIMILARITY: f64 = 0.8;
/// ...and score this much more than any other place it was found.
pub const SEARCH_MARGIN: f64 = 0.1;

/// What happened to an annotation's passage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fate {
    /// Same words, same offsets.
    Kept,
    /// Same words, elsewhere.
    Moved,
    /// Its words were edited; it covers what they became.
    Edited,
    /// Not found with confidence: kept aside with its old quote.
    Orphaned,
}

/// Where a passage is in the new text, and its quote there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub fate: Fate,
    /// `None` for an orphan.
    pub anchored: Option<(TextPosition, TextQuote)>,
}

/// How much work one re-anchoring may do (the text core has no clock of its own
/// beyond the diff's deadline).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// After this the diff stops refining: fewer passages are found, none wrongly.
    pub diff_time: Duration,
    /// Code points the fallback search may scan, over all passages.
    pub search_budget: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { diff_time: Duration::from_secs(3), search_budget: 50_000_000 }
    }
}

/// The old text and the new, aligned once for all the passages of one edit.
pub struct Reanchorer<'a> {
    old: Vec<char>,
    new: Vec<char>,
    new_text: &'a str,
    new_index: CharIndex,
    alignment: align::Alignment,
    budget: usize,
}

impl<'a> Reanchorer<'a> {
    #[must_use]
    pub fn new(old_text: &str, new_text: &'a str, limits: Limits) -> Self {
        let (old, new): (Vec<char>, Vec<char>) = (old_text.chars().collect(), new_text.chars().collect());
        let deadline = Instant::now().checked_add(limits.diff_time);
        let alignment = align::align(&old, &new, deadline);
        Self { old, new, new_text, new_index: CharIndex::new(new_text), alignment, budget: limits.search_budget }
    }

    /// Where the old passage at `position` (quoted by `quote`) is now.
    ///
    /// The old text itself says what the passage was; `quote` adds the context
    /// the search weighs. A position outside the old text is an orphan.
    pub fn place(&mut self, position: TextPosition, quote: &TextQuote) -> Outcome {
        let orphan = Outcome { fate: Fate::Orphaned, anchored: None };
        let TextPosition { start, end } = position;
        if start >= end || end > self.old.len() {
            return orphan;
        }
        let found = self.through_diff(start, end).or_else(|| {
            let context = search::Context::of(quote);
            let exact = &self.old[start..end];
            let found = search::find(exact, &context, &self.new, &self.alignment, &mut self.budget)?;
            Some(found)
        });
        // White space at an end is dropped unless the passage itself began or ended with it.
        let exact = &self.old[start..end];
        let keep = (exact[0].is_whitespace(), exact[exact.len() - 1].is_whitespace());
        let Some((new_start, new_end)) = found.and_then(|(s, e)| trim(&self.new, s, e, keep)) else {
            return orphan;
        };
        let position = TextPosition { start: new_start, end: new_end };
        let Ok(quote) = quote_at(self.new_text, &self.new_index, position) else {
            return orphan;
        };
        let same_words = self.new[new_start..new_end] == self.old[start..end];
        let fate = match (same_words, new_start == start && new_end == end) {
            (true, true) => Fate::Kept,
            (true, false) => Fate::Moved,
            (false, _) => Fate::Edited,
        };
        Outcome { fate, anchored: Some((position, quote)) }
    }

    /// The old range's image through the diff, if enough of it survived.
    fn through_diff(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let exact = &self.old[start..end];
        let keep = (exact[0].is_whitespace(), exact[exact.len() - 1].is_whitespace());
        let (new_start, new_end) = trim(&self.new, self.alignment.map_start(start), self.alignment.map_end(end), keep)?;
        let kept = self.alignment.kept(start..end, &(new_start..new_end));
        let (old_len, new_len) = (end - start, new_end - new_start);
        let share = ratio(kept, old_len);
        let similarity = ratio(2 * kept, old_len + new_len);
        (share >= MIN_KEPT && similarity >= MIN_SIMILARITY).then_some((new_start, new_end))
    }
}

/// Re-anchors each `(position, quote)` of the old text in the new one.
#[must_use]
pub fn reanchor(
    old_text: &str,
    new_text: &str,
    passages: &[(TextPosition, &TextQuote)],
    limits: Limits,
) -> Vec<Outcome> {
    let mut reanchorer = Reanchorer::new(old_text, new_text, limits);
    passages.iter().map(|(position, quote)| reanchorer.place(*position, quote)).collect()
}

/// `start..end` without white space at either end (except where `keep` says
/// the passage had it), or `None` if nothing but white space is left.
fn trim(text: &[char], mut start: usize, mut end: usize, keep: (bool, bool)) -> Option<(usize, usize)> {
    end = end.min(text.len());
    while !keep.0 && start < end && text[start].is_whitespace() {
        start += 1;
    }
    while !keep.1 && end > start && text[end - 1].is_whitespace() {
        end -= 1;
    }
    let blank = text[start.min(end)..end].iter().all(|c| c.is_whitespace());
    (start < end && !blank).then_some((start, end))
}

#[allow(clippy::cast_precision_loss)] // lengths are far below 2^52
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}
