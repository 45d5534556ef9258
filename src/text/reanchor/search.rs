//! The fallback: searching for a passage the diff lost, only in the new text's
//! changed parts, and accepting a place only when it is clearly the one.
//!
//! A score alone is not enough: Hypothesis-style matching with a 0.80 minimum
//! anchored 445 of 455 look-alike passages to the wrong place in a trial on the
//! project's readings. So a place must (1) be mostly text the diff calls new,
//! (2) be at least [`MIN_SEARCH_SIMILARITY`] like the passage, and (3) beat every
//! other place by [`SEARCH_MARGIN`] once the quote's context is weighed in.

use super::align::Alignment;
use super::myers::{self, MAX_PATTERN};
use super::{MIN_SEARCH_SIMILARITY, SEARCH_MARGIN, ratio};
use crate::text::anchor::{CONTEXT_CHARS, TextQuote};
use similar::{Algorithm, DiffOp, capture_diff_deadline};
use std::time::Duration;
use std::time::Instant;

/// Places a probe may be found in before the passage counts as too common to place.
const MAX_PLACES: usize = 16;
/// How much the context (prefix and suffix) adds to a place's score, at most.
const CONTEXT_WEIGHT: f64 = 0.25;
/// A place counts as a rival when it is at least this similar.
const RIVAL_SIMILARITY: f64 = 0.5;

/// The quote's context, clipped to what the score reads.
pub(super) struct Context {
    prefix: Vec<char>,
    suffix: Vec<char>,
}

impl Context {
    pub(super) fn of(quote: &TextQuote) -> Self {
        let prefix: Vec<char> = quote.prefix.chars().collect();
        let prefix = prefix[prefix.len().saturating_sub(CONTEXT_CHARS)..].to_vec();
        let suffix = quote.suffix.chars().take(CONTEXT_CHARS).collect();
        Self { prefix, suffix }
    }

    /// The share of the context found around `start..end` of `text`.
    fn agreement(&self, text: &[char], start: usize, end: usize) -> f64 {
        let before = text[..start].iter().rev().zip(self.prefix.iter().rev()).take_while(|(a, b)| a == b).count();
        let after = text[end..].iter().zip(&self.suffix).take_while(|(a, b)| a == b).count();
        ratio(before + after, self.prefix.len() + self.suffix.len())
    }
}

#[derive(Debug, Clone, Copy)]
struct Place {
    start: usize,
    end: usize,
    similarity: f64,
    score: f64,
}

/// Where `exact` (the passage's old words) most surely is in the changed parts
/// of `new`, or `None`. Each code point scanned is taken from `budget`; once it
/// is spent, nothing more is searched.
pub(super) fn find(
    exact: &[char],
    context: &Context,
    new: &[char],
    alignment: &Alignment,
    budget: &mut usize,
) -> Option<(usize, usize)> {
    let probe = &exact[..exact.len().min(MAX_PATTERN)];
    let max_distance = probe.len() / 5;
    let mut places: Vec<Place> = Vec::new();
    for region in &alignment.changed {
        // Too short to hold the passage, even edited.
        if region.len() < exact.len() - exact.len() / 4 {
            continue;
        }
        *budget = budget.checked_sub(region.len())?;
        let found = myers::search(probe, &new[region.clone()], max_distance, MAX_PLACES);
        for m in found {
            let start = region.start + m.start;
            let Some((end, similarity)) = measure(exact, new, start, region.end) else { continue };
            // A place the diff already matched with old text is that text's, not this passage's.
            if 2 * alignment.aligned_in_new(&(start..end)) >= end - start {
                continue;
            }
            let score = similarity + CONTEXT_WEIGHT * context.agreement(new, start, end);
            places.push(Place { start, end, similarity, score });
            if places.len() > MAX_PLACES {
                return None;
            }
        }
    }
    let best = places.iter().copied().max_by(|a, b| a.score.total_cmp(&b.score))?;
    if best.similarity < MIN_SEARCH_SIMILARITY {
        return None;
    }
    let rival = places
        .iter()
        .filter(|p| (p.end <= best.start || p.start >= best.end) && p.similarity >= RIVAL_SIMILARITY)
        .map(|p| p.score)
        .fold(f64::NEG_INFINITY, f64::max);
    (best.score - rival >= SEARCH_MARGIN).then_some((best.start, best.end))
}

/// Aligns the whole passage with the new text from `start` (at most to `limit`):
/// where it ends there, and how similar the two are (twice the code points they
/// share, in order, over their total length).
fn measure(exact: &[char], new: &[char], start: usize, limit: usize) -> Option<(usize, f64)> {
    let window = &new[start..limit.min(start + exact.len() + exact.len() / 4)];
    let deadline = Instant::now().checked_add(Duration::from_millis(50));
    let ops = capture_diff_deadline(Algorithm::Myers, exact, 0..exact.len(), window, 0..window.len(), deadline);
    let mut shared = 0;
    let mut end = 0;
    for op in ops {
        if let DiffOp::Equal { new_index, len, .. } = op {
            shared += len;
            end = new_index + len;
        }
    }
    (end > 0).then(|| (start + end, ratio(2 * shared, exact.len() + end)))
}
