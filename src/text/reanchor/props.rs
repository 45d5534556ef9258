//! Properties over random edits of the readings in `../shared/readings`: a
//! passage the edit did not touch maps to the same words, and no passage ever
//! maps to a range that shares less than [`MIN_SIMILARITY`] with its quote.

use super::*;
use crate::fixtures::shared_text;
use crate::text::import::{SourceFormat, import};
use proptest::prelude::*;
use std::sync::OnceLock;

const READINGS: [&str; 4] = [
    "readings/one-bed-different-dreams.txt",
    "readings/federalist-10.txt",
    "readings/kennedy-inaugural-1961.txt",
    "readings/truman-doctrine-1947.txt",
];

/// The readings' canonical texts, or `None` when `../shared` is absent.
fn texts() -> Option<&'static [String]> {
    static TEXTS: OnceLock<Option<Vec<String>>> = OnceLock::new();
    TEXTS
        .get_or_init(|| {
            READINGS
                .iter()
                .map(|r| shared_text(r).and_then(|source| import(SourceFormat::Text, &source).ok()).map(|d| d.text))
                .collect()
        })
        .as_deref()
}

/// An edit on code points: `start..end` of the old text becomes `with`.
#[derive(Debug, Clone)]
struct Edit {
    start: usize,
    end: usize,
    with: String,
}

/// Word boundaries (offsets just before a word) of `chars`.
fn word_starts(chars: &[char]) -> Vec<usize> {
    (0..chars.len()).filter(|&i| !chars[i].is_whitespace() && (i == 0 || chars[i - 1].is_whitespace())).collect()
}

/// An edit between two word starts: delete, replace with words drawn from the same
/// text (so look-alikes abound), or insert; sometimes a whole paragraph goes.
fn edit_of(chars: &[char], seed: (usize, usize, usize, u8)) -> Edit {
    let words = word_starts(chars);
    let (a, len, from, how) = seed;
    let start = words[a % words.len()];
    let end = words.get(a % words.len() + len % 40).copied().unwrap_or(chars.len());
    let donor = words[from % words.len()];
    let donor_end = words.get(from % words.len() + 1 + len % 7).copied().unwrap_or(chars.len());
    let borrowed: String = chars[donor..donor_end].iter().collect();
    match how % 4 {
        0 => Edit { start, end, with: String::new() },
        1 => Edit { start, end, with: borrowed },
        2 => Edit { start, end: start, with: borrowed },
        _ => {
            // The whole paragraph around `start`.
            let text: String = chars.iter().collect();
            let byte = text.char_indices().nth(start).map_or(0, |(b, _)| b);
            let from = text[..byte].rfind("\n\n").map_or(0, |b| text[..b].chars().count() + 2);
            let to = text[byte..].find("\n\n").map_or(chars.len(), |b| start + text[byte..byte + b].chars().count());
            Edit { start: from, end: to, with: String::new() }
        }
    }
}

fn apply(chars: &[char], edit: &Edit) -> String {
    chars[..edit.start].iter().chain(edit.with.chars().collect::<Vec<_>>().iter()).chain(&chars[edit.end..]).collect()
}

/// The longest common subsequence of two short strings, by dynamic programming.
fn lcs(a: &[char], b: &[char]) -> usize {
    let mut row = vec![0_usize; b.len() + 1];
    for &x in a {
        let mut diagonal = 0;
        for (j, &y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diagonal + 1 } else { up.max(row[j]) };
            diagonal = up;
        }
    }
    row[b.len()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn untouched_passages_keep_their_words_and_none_lands_on_unlike_text(
        reading in 0..READINGS.len(),
        seed in (any::<usize>(), any::<usize>(), any::<usize>(), any::<u8>()),
        passages in prop::collection::vec((any::<usize>(), 1..30_usize), 1..40),
    ) {
        let Some(texts) = texts() else { return Ok(()) };
        let old = &texts[reading];
        let chars: Vec<char> = old.chars().collect();
        let edit = edit_of(&chars, seed);
        let new = apply(&chars, &edit);
        let new_chars: Vec<char> = new.chars().collect();
        let words = word_starts(&chars);
        let index = CharIndex::new(old);
        let mut reanchorer = Reanchorer::new(old, &new, Limits::default());
        for (at, len) in passages {
            let first = at % words.len();
            let start = words[first];
            let end = words.get(first + len).map_or(chars.len(), |&w| w - 1);
            let position = TextPosition { start, end };
            let Ok(quote) = quote_at(old, &index, position) else { continue };
            let outcome = reanchorer.place(position, &quote);
            let exact = &chars[start..end];
            // Untouched: the edit is a sentence or more away.
            let untouched = end + 32 < edit.start || start > edit.end + 32;
            if let Some((p, q)) = &outcome.anchored {
                let now = &new_chars[p.start..p.end];
                prop_assert_eq!(&q.exact, &now.iter().collect::<String>());
                let similarity = ratio(2 * lcs(exact, now), exact.len() + now.len());
                prop_assert!(similarity >= MIN_SIMILARITY, "{:?} became {:?} ({})", quote.exact, q.exact, similarity);
            }
            if untouched {
                let now = outcome.anchored.as_ref().map(|(_, q)| q.exact.as_str());
                prop_assert_eq!(now, Some(quote.exact.as_str()), "{:?} after {:?}", outcome.fate, edit);
            }
        }
    }
}
