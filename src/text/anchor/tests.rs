//! Examples for quoting and anchoring, including text where code points, UTF-8
//! bytes and UTF-16 units disagree.

use super::*;

/// Anchors in `text`, building the index the way callers do.
fn find(
    text: &str,
    position: Option<(usize, usize)>,
    quote: Option<&TextQuote>,
    agreement: Agreement,
) -> Result<Anchored, AnchorError> {
    let position = position.map(|(start, end)| TextPosition { start, end });
    anchor(text, &CharIndex::new(text), position, quote, agreement)
}

fn quote(exact: &str, prefix: &str, suffix: &str) -> TextQuote {
    TextQuote { exact: exact.into(), prefix: prefix.into(), suffix: suffix.into() }
}

fn range(anchored: &Anchored) -> (usize, usize) {
    (anchored.position.start, anchored.position.end)
}

const MIXED: &str = "Café “naïve” ‘quoted’ 🌍 e\u{0301}tude";

#[test]
fn quote_at_counts_code_points_through_accents_curly_quotes_and_emoji() {
    let index = CharIndex::new(MIXED);
    // "Café " is 5 code points; the curly quotes are one each.
    let q = quote_at(MIXED, &index, TextPosition { start: 5, end: 12 }).unwrap();
    assert_eq!(q.exact, "“naïve”");
    assert_eq!(q.prefix, "Café ");
    // 🌍 is one code point (4 UTF-8 bytes, 2 UTF-16 units); "é" as e + U+0301 is two.
    let q = quote_at(MIXED, &index, TextPosition { start: 22, end: 23 }).unwrap();
    assert_eq!(q.exact, "🌍");
    assert_eq!(q.suffix, " e\u{0301}tude");
    let q = quote_at(MIXED, &index, TextPosition { start: 24, end: 26 }).unwrap();
    assert_eq!(q.exact, "e\u{0301}");
    assert_eq!(index.len_chars(), 30);
}

#[test]
fn context_is_capped_at_thirty_two_code_points() {
    let text = format!("{}target{}", "🌍".repeat(40), "é".repeat(40));
    let q = quote_at(&text, &CharIndex::new(&text), TextPosition { start: 40, end: 46 }).unwrap();
    assert_eq!(q.prefix, "🌍".repeat(CONTEXT_CHARS));
    assert_eq!(q.suffix, "é".repeat(CONTEXT_CHARS));
}

#[test]
fn quotes_anchor_to_code_point_offsets_after_astral_characters() {
    for (exact, expected) in
        [("“naïve”", (5, 12)), ("‘quoted’", (13, 21)), ("🌍", (22, 23)), ("e\u{0301}tude", (24, 30))]
    {
        let found = find(MIXED, None, Some(&quote(exact, "", "")), Agreement::Strict).unwrap();
        assert_eq!(range(&found), expected, "{exact}");
        assert_eq!(found.by, AnchoredBy::Quote);
        assert_eq!(found.quote.exact, exact);
    }
}

#[test]
fn a_position_alone_anchors_and_gets_its_quote() {
    let found = find(MIXED, Some((0, 4)), None, Agreement::Strict).unwrap();
    assert_eq!(found.by, AnchoredBy::Position);
    assert_eq!(found.quote, quote("Café", "", " “naïve” ‘quoted’ 🌍 e\u{0301}tude"));
}

#[test]
fn prefix_and_suffix_choose_between_repeated_quotes() {
    let text = "the cat sat; the dog sat; the cat ran";
    let by_prefix = find(text, None, Some(&quote("sat", "dog ", "")), Agreement::Strict).unwrap();
    assert_eq!(range(&by_prefix), (21, 24));
    let by_suffix = find(text, None, Some(&quote("the cat", "", " ran")), Agreement::Strict).unwrap();
    assert_eq!(range(&by_suffix), (26, 33));
    // The closer the context, the better: "og" beats nothing, even if "x" never matches.
    let partial = find(text, None, Some(&quote("sat", "x og ", "")), Agreement::Strict).unwrap();
    assert_eq!(range(&partial), (21, 24));
}

#[test]
fn a_repeated_quote_without_telling_context_is_ambiguous() {
    let text = "sat sat sat";
    assert_eq!(
        find(text, None, Some(&quote("sat", "", "")), Agreement::Strict),
        Err(AnchorError::AmbiguousQuote { matches: 3 })
    );
    // The context narrows the count it reports.
    assert_eq!(
        find(text, None, Some(&quote("sat", " ", "")), Agreement::Strict),
        Err(AnchorError::AmbiguousQuote { matches: 2 })
    );
}

#[test]
fn overlapping_occurrences_are_all_candidates() {
    // match_indices would see "aa" only at 0 and 2; the suffix points at the one at 1.
    let found = find("aaab", None, Some(&quote("aa", "", "b")), Agreement::Strict).unwrap();
    assert_eq!(range(&found), (1, 3));
}

#[test]
fn a_pasted_quote_with_other_whitespace_still_anchors() {
    let text = "First line\nof the “essay”,\n\n  then more.";
    let found = find(text, None, Some(&quote("  line of\tthe “essay”, then\n", "", "")), Agreement::Strict).unwrap();
    assert_eq!(range(&found), (6, 34));
    // The stored quote is the text's own, line breaks and all.
    assert_eq!(found.quote.exact, "line\nof the “essay”,\n\n  then");
    // Whitespace may differ but must be there.
    let glued = find(text, None, Some(&quote("Firstline", "", "")), Agreement::Strict);
    assert_eq!(glued, Err(AnchorError::QuoteNotFound));
}

#[test]
fn each_invalid_position_has_its_own_error() {
    let text = "ab  cd🌍";
    for (position, error) in [
        ((3, 2), AnchorError::Reversed { start: 3, end: 2 }),
        ((2, 2), AnchorError::Empty { start: 2, end: 2 }),
        ((2, 4), AnchorError::Empty { start: 2, end: 4 }),
        ((5, 8), AnchorError::OutOfRange { end: 8, len: 7 }),
    ] {
        assert_eq!(find(text, Some(position), None, Agreement::Strict), Err(error.clone()));
        let at = TextPosition { start: position.0, end: position.1 };
        assert_eq!(quote_at(text, &CharIndex::new(text), at), Err(error));
    }
    // The emoji is the seventh code point, so 6..7 is in range.
    assert_eq!(range(&find(text, Some((6, 7)), None, Agreement::Strict).unwrap()), (6, 7));
}

#[test]
fn quote_errors() {
    let text = "some text";
    assert_eq!(find(text, None, None, Agreement::Strict), Err(AnchorError::NoSelector));
    assert_eq!(find(text, None, Some(&quote("", "some", "")), Agreement::Strict), Err(AnchorError::EmptyQuote));
    assert_eq!(find(text, None, Some(&quote(" \n", "", "")), Agreement::Strict), Err(AnchorError::EmptyQuote));
    assert_eq!(find(text, None, Some(&quote("other", "", "")), Agreement::Strict), Err(AnchorError::QuoteNotFound));
}

#[test]
fn agreeing_selectors_anchor_by_position() {
    let text = "a claim, a claim";
    let found = find(text, Some((9, 16)), Some(&quote("a claim", ", ", "")), Agreement::Strict).unwrap();
    assert_eq!((range(&found), found.by), ((9, 16), AnchoredBy::Position));
}

#[test]
fn strict_selectors_that_disagree_are_refused() {
    let text = "a claim, a claim";
    // Different text.
    assert_eq!(
        find(text, Some((0, 5)), Some(&quote("a claim", "", "")), Agreement::Strict),
        Err(AnchorError::Disagree)
    );
    // Same text, but the context says it is the other one.
    let other = quote("a claim", "", ", a claim");
    assert_eq!(find(text, Some((9, 16)), Some(&other), Agreement::Strict), Err(AnchorError::Disagree));
    // An invalid position reports itself, not a disagreement.
    let error = find(text, Some((9, 40)), Some(&quote("a claim", "", "")), Agreement::Strict);
    assert_eq!(error, Err(AnchorError::OutOfRange { end: 40, len: 16 }));
}

#[test]
fn when_the_quote_wins_the_position_breaks_ties() {
    // The text was edited: the position is stale by a few code points.
    let text = "note: x y x y x y";
    let nearest = find(text, Some((11, 14)), Some(&quote("x y", "", "")), Agreement::QuoteWins).unwrap();
    assert_eq!((range(&nearest), nearest.by), ((10, 13), AnchoredBy::Quote));
    let stale = find(text, Some((13, 14)), Some(&quote("x y", "", "")), Agreement::QuoteWins).unwrap();
    assert_eq!(range(&stale), (14, 17));
    // Context still outranks nearness.
    let context = find(text, Some((13, 14)), Some(&quote("x y", ": ", "")), Agreement::QuoteWins).unwrap();
    assert_eq!(range(&context), (6, 9));
    // An invalid position does not matter when the quote is found.
    let invalid = find(text, Some((90, 80)), Some(&quote("note", "", "")), Agreement::QuoteWins).unwrap();
    assert_eq!(range(&invalid), (0, 4));
    // A quote that is not there fails, whatever the position says.
    let missing = find(text, Some((0, 4)), Some(&quote("gone", "", "")), Agreement::QuoteWins);
    assert_eq!(missing, Err(AnchorError::QuoteNotFound));
}

#[test]
fn a_long_quote_in_a_periodic_text_is_refused_without_scoring_every_occurrence() {
    // 100,001 overlapping occurrences: more than the cap, so ambiguous at once.
    let text = "a".repeat(200_000);
    let long = quote(&"a".repeat(100_000), "", "");
    assert_eq!(
        find(&text, None, Some(&long), Agreement::Strict),
        Err(AnchorError::TooManyMatches { max: MAX_CANDIDATES })
    );
    let prefixed = quote("a", &"a".repeat(100_000), "");
    assert_eq!(
        find(&text, None, Some(&prefixed), Agreement::QuoteWins),
        Err(AnchorError::TooManyMatches { max: MAX_CANDIDATES })
    );
}

#[test]
fn a_long_context_is_read_only_as_far_as_the_scoring_goes() {
    // The prefix's last 32 code points tell the two occurrences apart.
    let text = format!("{}x target {}y target", "b".repeat(500), "b".repeat(500));
    let long_prefix = format!("{}y ", "c".repeat(100_000));
    let found = find(&text, None, Some(&quote("target", &long_prefix, "")), Agreement::Strict).unwrap();
    assert_eq!(range(&found), (1011, 1017));
}

#[test]
fn a_passage_longer_than_the_limit_is_refused() {
    let text = "a claim that runs on";
    let index = CharIndex::new(text);
    let whole = TextPosition { start: 0, end: 20 };
    let by_position = anchor_within(text, &index, Some(whole), None, Agreement::Strict, 10);
    assert_eq!(by_position, Err(AnchorError::TooLong { len: 20, max: 10 }));
    let by_quote = anchor_within(text, &index, None, Some(&quote(text, "", "")), Agreement::Strict, 10);
    assert_eq!(by_quote, Err(AnchorError::TooLong { len: 20, max: 10 }));
    assert!(anchor_within(text, &index, Some(whole), None, Agreement::Strict, 20).is_ok());
}
