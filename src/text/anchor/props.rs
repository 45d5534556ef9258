//! Properties: a quote built from a range anchors back to that range unless its
//! context really occurs more than once, and agreeing selectors always agree.

use super::*;
use proptest::prelude::*;

/// Few letters, so quotes repeat; whitespace, accents, curly quotes, an astral
/// emoji and a combining accent, so code points, bytes and UTF-16 units differ.
const ALPHABET: &[char] = &['a', 'b', ' ', '\n', '\t', 'é', '“', '”', '🌍', '\u{0301}'];

/// A text (sometimes periodic, so context cannot always disambiguate) and a
/// non-empty range in it.
fn text_and_range() -> impl Strategy<Value = (String, TextPosition)> {
    let random = prop::collection::vec(prop::sample::select(ALPHABET), 1..120);
    let periodic = (prop::collection::vec(prop::sample::select(ALPHABET), 1..4), 1..60_usize)
        .prop_map(|(unit, times)| unit.repeat(times));
    prop_oneof![random, periodic].prop_flat_map(|chars| {
        let n = chars.len();
        (Just(chars.into_iter().collect::<String>()), 0..n, 0..n)
            .prop_map(|(text, a, b)| (text, TextPosition { start: a.min(b), end: a.max(b) + 1 }))
    })
}

/// How many times `needle` occurs in `haystack`, overlapping occurrences included.
fn occurrences(haystack: &[char], needle: &[char]) -> usize {
    haystack.windows(needle.len()).filter(|window| *window == needle).count()
}

fn is_blank(text: &str, index: &CharIndex, position: TextPosition) -> bool {
    index.slice(text, position.start, position.end).is_none_or(|s| s.trim().is_empty())
}

proptest! {
    #[test]
    fn a_quote_anchors_back_to_its_range_unless_its_context_repeats((text, position) in text_and_range()) {
        let index = CharIndex::new(&text);
        prop_assume!(!is_blank(&text, &index, position));
        let quote = quote_at(&text, &index, position).unwrap();
        let with_context: Vec<char> = format!("{}{}{}", quote.prefix, quote.exact, quote.suffix).chars().collect();
        let chars: Vec<char> = text.chars().collect();
        let identical = occurrences(&chars, &with_context);
        match anchor(&text, &index, None, Some(&quote), Agreement::Strict) {
            Ok(found) => {
                prop_assert_eq!(identical, 1);
                prop_assert_eq!(found.position, position);
                prop_assert_eq!(found.by, AnchoredBy::Quote);
                prop_assert_eq!(found.quote, quote);
            }
            Err(AnchorError::AmbiguousQuote { matches }) => {
                prop_assert!(identical > 1);
                prop_assert_eq!(matches, identical);
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn selectors_built_from_one_range_agree((text, position) in text_and_range()) {
        let index = CharIndex::new(&text);
        prop_assume!(!is_blank(&text, &index, position));
        let quote = quote_at(&text, &index, position).unwrap();
        for agreement in [Agreement::Strict, Agreement::QuoteWins] {
            let found = anchor(&text, &index, Some(position), Some(&quote), agreement).unwrap();
            prop_assert_eq!(found.position, position);
            prop_assert_eq!(found.by, AnchoredBy::Position);
            prop_assert_eq!(&found.quote, &quote);
        }
    }

    #[test]
    fn a_quote_without_context_wins_nearest_to_a_stale_position((text, position) in text_and_range(), shift in 0..3_usize) {
        let index = CharIndex::new(&text);
        prop_assume!(!is_blank(&text, &index, position));
        let bare = TextQuote { exact: quote_at(&text, &index, position).unwrap().exact, ..TextQuote::default() };
        // Moving the position's end keeps its start, so the original occurrence is nearest.
        let stale = TextPosition { start: position.start, end: position.end + shift };
        let found = anchor(&text, &index, Some(stale), Some(&bare), Agreement::QuoteWins).unwrap();
        prop_assert_eq!(found.position, position);
    }
}
