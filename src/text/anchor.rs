//! Selectors (W3C `TextPositionSelector` and `TextQuoteSelector`) and anchoring
//! them in a text.
//!
//! Offsets are code points, but every search runs on bytes (`search`, linear in
//! the text and the quote, never splitting a character) and each byte offset found
//! is converted back with [`CharIndex::char_of_byte`] (a binary search). Nothing
//! here walks the text char by char from its start, and no input makes the work
//! grow faster than the text: a quote's context is clipped to what the scoring
//! reads, and a quote that occurs more than [`MAX_CANDIDATES`] times is refused.

use super::CharIndex;
use serde::{Deserialize, Serialize};

#[cfg(test)]
mod props;
mod search;
#[cfg(test)]
mod tests;

/// How many code points of context a quote keeps on each side.
pub const CONTEXT_CHARS: usize = 32;

/// A quote found more often than this is ambiguous whatever its context says:
/// scoring every occurrence of one letter in a long reading is work for nothing.
pub const MAX_CANDIDATES: usize = 1_000;

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
    #[error("the quote occurs more than {max} times; quote a longer passage")]
    TooManyMatches { max: usize },
    #[error("the passage is {len} characters long; at most {max} can be highlighted at once")]
    TooLong { len: usize, max: usize },
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
    anchor_within(text, index, position, quote, agreement, usize::MAX)
}

/// [`anchor`], refusing a passage longer than `longest` code points (a quote
/// before it is searched for, a position before its text is copied).
pub fn anchor_within(
    text: &str,
    index: &CharIndex,
    position: Option<TextPosition>,
    quote: Option<&TextQuote>,
    agreement: Agreement,
    longest: usize,
) -> Result<Anchored, AnchorError> {
    let too_long = |len: usize| if len > longest { Err(AnchorError::TooLong { len, max: longest }) } else { Ok(()) };
    if let Some(q) = quote {
        // Bytes bound code points from above: most quotes are counted without a pass.
        if q.exact.len() > longest {
            too_long(q.exact.chars().count())?;
        }
    }
    let (position, by) = match (position, quote) {
        (None, None) => return Err(AnchorError::NoSelector),
        (Some(p), None) => {
            too_long(p.end.saturating_sub(p.start))?;
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
    too_long(position.end - position.start)?;
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
    let mut candidates = search::exact_matches(text, &quote.exact, MAX_CANDIDATES);
    if candidates.is_empty() {
        candidates = search::loose_matches(text, &quote.exact, MAX_CANDIDATES);
    }
    if candidates.len() > MAX_CANDIDATES {
        return Err(AnchorError::TooManyMatches { max: MAX_CANDIDATES });
    }
    // The scoring reads no further than this: a longer context would only cost time.
    let context = TextQuote {
        exact: String::new(),
        prefix: search::last_chars(&quote.prefix, CONTEXT_CHARS).to_owned(),
        suffix: search::first_chars(&quote.suffix, CONTEXT_CHARS).to_owned(),
    };
    let scores: Vec<usize> = candidates.iter().map(|&range| context_score(text, range, &context)).collect();
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

/// How many code points of the quote's prefix (read backwards from its end) and
/// suffix (read forwards) agree with the text around a byte range.
fn context_score(text: &str, (start, end): (usize, usize), quote: &TextQuote) -> usize {
    let before = text[..start].chars().rev().zip(quote.prefix.chars().rev());
    let after = text[end..].chars().zip(quote.suffix.chars());
    before.take_while(|(a, b)| a == b).count() + after.take_while(|(a, b)| a == b).count()
}
