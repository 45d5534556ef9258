//! Selectors (W3C `TextPositionSelector` and `TextQuoteSelector`) and anchoring
//! them in a text.
//!
//! Offsets are code points, but every search runs on bytes (`str::find`, which is
//! fast and never splits a character) and each byte offset found is converted
//! back with [`CharIndex::char_of_byte`] (a binary search). Nothing here walks the
//! text char by char from its start.

use super::CharIndex;
use serde::{Deserialize, Serialize};

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

/// How many code points of context a quote keeps on each side.
pub const CONTEXT_CHARS: usize = 32;

/// A range of code points: `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextPosition {
    pub start: usize,
    pub end: usize,
}

/// A quote with its surrounding context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TextQuote {
    pub exact: String,
    #[serde(default)]
    pub prefix: String,
    #[serde(default)]
    pub suffix: String,
}

/// What to do when both selectors are given and disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// They must agree (a client creating an annotation).
    Strict,
    /// The quote wins (importing from another tool or an edited text).
    QuoteWins,
}

/// Which selector found the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchoredBy {
    Position,
    Quote,
}

/// A range found in the text, with the quote rebuilt from the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchored {
    pub position: TextPosition,
    pub quote: TextQuote,
    pub by: AnchoredBy,
}

/// Why selectors could not be anchored. The messages are shown to users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnchorError {
    #[error("a selector is required: a TextPositionSelector, a TextQuoteSelector, or both")]
    NoSelector,
    #[error("the range {start}..{end} is reversed")]
    Reversed { start: usize, end: usize },
    #[error("the range {start}..{end} is empty or only whitespace")]
    Empty { start: usize, end: usize },
    #[error("the range ends at {end}, past the end of the text ({len} code points)")]
    OutOfRange { end: usize, len: usize },
    #[error("the quote is empty")]
    EmptyQuote,
    #[error("the quote was not found in the text")]
    QuoteNotFound,
    #[error("the quote occurs {matches} times; add a prefix or suffix to say which")]
    AmbiguousQuote { matches: usize },
    #[error("the TextPositionSelector and the TextQuoteSelector point at different text")]
    Disagree,
}

/// The quote selector for `position`, with up to [`CONTEXT_CHARS`] of context each side.
///
/// Fails like a position selector does: reversed, out of range, empty or only whitespace.
pub fn quote_at(text: &str, index: &CharIndex, position: TextPosition) -> Result<TextQuote, AnchorError> {
    let exact = checked_slice(text, index, position)?;
    let TextPosition { start, end } = position;
    // The context is clamped in code points, not bytes, so it never splits a character.
    let before = start.saturating_sub(CONTEXT_CHARS);
    let after = end.saturating_add(CONTEXT_CHARS).min(index.len_chars());
    let prefix = index.slice(text, before, start).unwrap_or_default();
    let suffix = index.slice(text, end, after).unwrap_or_default();
    Ok(TextQuote { exact: exact.to_owned(), prefix: prefix.to_owned(), suffix: suffix.to_owned() })
}

/// Finds the range the selectors describe.
///
/// With both selectors, the position is taken when its text is exactly `quote.exact`
/// and the quote's `prefix` and `suffix` (which may be shorter than
/// [`CONTEXT_CHARS`], or empty) are exactly the text just before and after it.
/// Otherwise [`Agreement::Strict`] fails (with the position's own error if it is
/// invalid, else [`AnchorError::Disagree`]) and [`Agreement::QuoteWins`] anchors
/// the quote alone, breaking ties by nearness to the position's start; a quote
/// that cannot be anchored then fails with the quote's error, since the position
/// was already shown not to point at the quoted text.
///
/// The returned quote is always rebuilt from the text, so it is exactly what is stored.
pub fn anchor(
    text: &str,
    index: &CharIndex,
    position: Option<TextPosition>,
    quote: Option<&TextQuote>,
    agreement: Agreement,
) -> Result<Anchored, AnchorError> {
    let (position, by) = match (position, quote) {
        (None, None) => return Err(AnchorError::NoSelector),
        (Some(p), None) => {
            checked_slice(text, index, p)?;
            (p, AnchoredBy::Position)
        }
        (None, Some(q)) => (find_quote(text, index, q, None)?, AnchoredBy::Quote),
        (Some(p), Some(q)) => match (checked_slice(text, index, p), agreement) {
            (Ok(slice), _) if slice == q.exact && context_agrees(text, index, p, q) => (p, AnchoredBy::Position),
            (Err(invalid), Agreement::Strict) => return Err(invalid),
            (Ok(_), Agreement::Strict) => return Err(AnchorError::Disagree),
            (_, Agreement::QuoteWins) => (find_quote(text, index, q, Some(p.start))?, AnchoredBy::Quote),
        },
    };
    let quote = quote_at(text, index, position)?;
    Ok(Anchored { position, quote, by })
}

/// The text of a position selector, or why the position is unusable.
fn checked_slice<'a>(text: &'a str, index: &CharIndex, position: TextPosition) -> Result<&'a str, AnchorError> {
    let TextPosition { start, end } = position;
    if start > end {
        return Err(AnchorError::Reversed { start, end });
    }
    let len = index.len_chars();
    if end > len {
        return Err(AnchorError::OutOfRange { end, len });
    }
    // Cannot fail now that 0 <= start <= end <= len; the fallback keeps a
    // mismatched index from panicking.
    let slice = index.slice(text, start, end).ok_or(AnchorError::OutOfRange { end, len })?;
    if slice.trim().is_empty() { Err(AnchorError::Empty { start, end }) } else { Ok(slice) }
}

/// Whether the quote's context is exactly the text around a (valid) position.
fn context_agrees(text: &str, index: &CharIndex, position: TextPosition, quote: &TextQuote) -> bool {
    let (Some(start), Some(end)) = (index.byte(position.start), index.byte(position.end)) else {
        return false;
    };
    // Comparing bytes is comparing code points: both sides are valid UTF-8 and a
    // match always begins on a lead byte.
    text[..start].ends_with(quote.prefix.as_str()) && text[end..].starts_with(quote.suffix.as_str())
}

/// Anchors a quote alone; `near` (a code-point offset) breaks ties when given.
fn find_quote(
    text: &str,
    index: &CharIndex,
    quote: &TextQuote,
    near: Option<usize>,
) -> Result<TextPosition, AnchorError> {
    // A quote of only whitespace could only anchor to a range that is itself
    // rejected as empty, so it is empty as a quote too.
    if quote.exact.trim().is_empty() {
        return Err(AnchorError::EmptyQuote);
    }
    let mut candidates = exact_matches(text, &quote.exact);
    if candidates.is_empty() {
        candidates = loose_matches(text, &quote.exact);
    }
    let scores: Vec<usize> = candidates.iter().map(|&range| context_score(text, range, quote)).collect();
    let best_score = scores.iter().copied().max().ok_or(AnchorError::QuoteNotFound)?;
    let best: Vec<(usize, usize)> =
        candidates.into_iter().zip(scores).filter(|&(_, score)| score == best_score).map(|(range, _)| range).collect();
    // Byte offsets from `find` fall on char boundaries, so these lookups succeed;
    // only the few best candidates are converted.
    let to_position = |(start, end): (usize, usize)| -> Result<TextPosition, AnchorError> {
        match (index.char_of_byte(start), index.char_of_byte(end)) {
            (Some(start), Some(end)) => Ok(TextPosition { start, end }),
            _ => Err(AnchorError::QuoteNotFound),
        }
    };
    match (best.as_slice(), near) {
        ([only], _) => to_position(*only),
        (_, Some(near)) => {
            let positions = best.into_iter().map(to_position).collect::<Result<Vec<_>, _>>()?;
            // `min_by_key` keeps the first of equals: the earlier of two equally near.
            positions.into_iter().min_by_key(|p| p.start.abs_diff(near)).ok_or(AnchorError::QuoteNotFound)
        }
        (_, None) => Err(AnchorError::AmbiguousQuote { matches: best.len() }),
    }
}

/// Byte ranges of every occurrence of `needle`, overlapping ones included.
///
/// `str::match_indices` would skip overlapping occurrences ("aa" twice in "aaa"),
/// and the one skipped could be the one the context points at, so the search
/// restarts one character after each match instead.
fn exact_matches(text: &str, needle: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text[from..].find(needle) {
        let start = from + offset;
        found.push((start, start + needle.len()));
        from = start + text[start..].chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// Byte ranges where the quote's words occur separated by any non-empty runs of
/// whitespace: a quote pasted with other line breaks or spacing still anchors.
/// Leading and trailing whitespace of the quote are ignored.
fn loose_matches(text: &str, quote: &str) -> Vec<(usize, usize)> {
    let mut words = quote.split_whitespace();
    let Some(first) = words.next() else {
        return Vec::new();
    };
    let rest: Vec<&str> = words.collect();
    let extend = |(start, mut end): (usize, usize)| {
        for word in &rest {
            let after = &text[end..];
            let gap = after.len() - after.trim_start().len();
            if gap == 0 || !after[gap..].starts_with(word) {
                return None;
            }
            end += gap + word.len();
        }
        Some((start, end))
    };
    exact_matches(text, first).into_iter().filter_map(extend).collect()
}

/// How many code points of the quote's prefix (read backwards from its end) and
/// suffix (read forwards) agree with the text around a byte range.
fn context_score(text: &str, (start, end): (usize, usize), quote: &TextQuote) -> usize {
    let before = text[..start].chars().rev().zip(quote.prefix.chars().rev());
    let after = text[end..].chars().zip(quote.suffix.chars());
    before.take_while(|(a, b)| a == b).count() + after.take_while(|(a, b)| a == b).count()
}
