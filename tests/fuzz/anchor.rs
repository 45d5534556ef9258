//! Anchoring selectors with random positions and quotes, valid or not: never a
//! panic, and any `Ok` range's text is exactly the quote it returns.

use counterpoint::text::CharIndex;
use counterpoint::text::anchor::{Agreement, TextPosition, TextQuote, anchor};
use proptest::prelude::*;

/// Few distinct characters so quotes repeat; multi-byte and combining ones so
/// code points and bytes differ; whitespace so loose matching runs.
const ALPHABET: &[&str] =
    &["a", "b", "ab", " ", "  ", "\n", "\n\n", "\t", "é", "e\u{301}", "🌍", "“", "\u{0}", "\u{85}"];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(ALPHABET), 0..200).prop_map(|parts| parts.concat()),
        any::<String>(),
    ]
}

/// A position that is often valid, sometimes reversed, past the end or huge.
fn position(len: usize) -> impl Strategy<Value = TextPosition> {
    let offset = prop_oneof![8 => 0..=len + 1, 1 => Just(usize::MAX), 1 => any::<usize>()];
    (offset.clone(), offset).prop_map(|(start, end)| TextPosition { start, end })
}

/// A quote cut from the text, then perhaps changed, or made up.
fn quote(text: String) -> impl Strategy<Value = TextQuote> {
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let piece = move |(a, b): (usize, usize)| -> String { chars[a.min(b).min(n)..a.max(b).min(n)].iter().collect() };
    let cut = (0..=n, 0..=n);
    let exact = prop_oneof![
        4 => cut.clone().prop_map(piece.clone()),
        1 => (cut.clone(), prop::sample::select(ALPHABET)).prop_map({
            let piece = piece.clone();
            move |(range, extra)| format!("{extra}{}{extra}", piece(range))
        }),
        1 => text_part(),
    ];
    let context = prop_oneof![3 => Just(String::new()), 2 => cut.prop_map(piece), 1 => text_part()];
    (exact, context.clone(), context).prop_map(|(exact, prefix, suffix)| TextQuote { exact, prefix, suffix })
}

fn text_part() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..8).prop_map(|parts| parts.concat())
}

fn case() -> impl Strategy<Value = (String, Option<TextPosition>, Option<TextQuote>, bool)> {
    text().prop_flat_map(|text| {
        let len = text.chars().count();
        (
            Just(text.clone()),
            prop::option::weighted(0.7, position(len)),
            prop::option::weighted(0.7, quote(text)),
            any::<bool>(),
        )
    })
}

proptest! {
    #![proptest_config(crate::config())]

    #[test]
    fn anchoring_never_panics_and_returns_the_text_it_quotes((text, position, quote, strict) in case()) {
        let index = CharIndex::new(&text);
        let agreement = if strict { Agreement::Strict } else { Agreement::QuoteWins };
        if let Ok(found) = anchor(&text, &index, position, quote.as_ref(), agreement) {
            let TextPosition { start, end } = found.position;
            prop_assert_eq!(index.slice(&text, start, end), Some(found.quote.exact.as_str()));
            prop_assert!(!found.quote.exact.trim().is_empty());
            let before = index.slice(&text, 0, start).unwrap_or_default();
            let after = index.slice(&text, end, index.len_chars()).unwrap_or_default();
            prop_assert!(before.ends_with(&found.quote.prefix) && after.starts_with(&found.quote.suffix));
        }
    }
}
