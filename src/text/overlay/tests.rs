//! Examples of runs: nested, overlapping, identical and adjacent highlights,
//! highlights across blocks, styles with highlights, and emoji inside runs.

use super::*;
use crate::text::{BLOCK_SEPARATOR, BlockKind, StyleSpan};
use std::cmp::Reverse;

/// A paragraph's text and its `(style, start, end)` spans, relative to it.
type Paragraph<'s> = (&'s str, Vec<(Style, usize, usize)>);

/// A document of paragraphs.
fn document(blocks: &[Paragraph]) -> Document {
    let mut text = String::new();
    let mut doc_blocks = Vec::new();
    for (i, (block_text, styles)) in blocks.iter().enumerate() {
        if i > 0 {
            text.push_str(BLOCK_SEPARATOR);
        }
        let start = text.chars().count();
        text.push_str(block_text);
        let styles = styles
            .iter()
            .map(|(style, s, e)| StyleSpan { style: style.clone(), start: start + s, end: start + e })
            .collect();
        doc_blocks.push(Block { kind: BlockKind::Paragraph, start, end: text.chars().count(), styles });
    }
    let doc = Document { text, blocks: doc_blocks };
    doc.validate().unwrap();
    doc
}

/// Each block's runs as `(text, the highlights covering it, outermost first)`.
fn marks<'d>(doc: &'d Document, highlights: &[(usize, usize)]) -> Vec<Vec<(&'d str, Vec<usize>)>> {
    let highlights: Vec<Highlight> = highlights.iter().map(|&(start, end)| Highlight { start, end }).collect();
    runs(doc, &CharIndex::new(&doc.text), &highlights)
        .iter()
        .map(|block| block.runs.iter().map(|run| run.text).zip(covering(block, &highlights)).collect())
        .collect()
}

/// For each run of a block, the highlights covering it by the markup rule (listed
/// on an element open around it), outermost first (earliest start, then longest,
/// then index). Fails unless the elements nest, and each highlight is listed once
/// among the open elements.
pub(super) fn covering(block: &BlockRuns, highlights: &[Highlight]) -> Vec<Vec<usize>> {
    let mut open: Vec<&Vec<usize>> = Vec::new();
    let mut covering = Vec::new();
    for run in &block.runs {
        assert!(run.close <= open.len(), "closes more than is open: {run:?}");
        open.truncate(open.len() - run.close);
        assert!(run.open.iter().all(|element| !element.is_empty()), "an element lists nothing: {run:?}");
        open.extend(&run.open);
        assert_eq!(run.depth, open.len());
        assert_eq!(run.innermost, open.last().and_then(|element| element.last().copied()));
        let mut ids: Vec<usize> = open.iter().copied().flatten().copied().collect();
        ids.sort_by_key(|&i| (highlights[i].start, Reverse(highlights[i].end), i));
        assert!(ids.windows(2).all(|pair| pair[0] != pair[1]), "listed twice: {ids:?}");
        covering.push(ids);
    }
    assert_eq!(block.close, open.len());
    covering
}

/// How many ids the elements of all blocks list, in all.
fn listed(doc: &Document, highlights: &[Highlight]) -> usize {
    let all = runs(doc, &CharIndex::new(&doc.text), highlights);
    all.iter().flat_map(|b| &b.runs).flat_map(|run| &run.open).map(Vec::len).sum()
}

#[test]
fn nested_highlights_are_listed_once_each() {
    let text = "x".repeat(3_000);
    let doc = document(&[(&text, vec![])]);
    // Each inside the previous; then all from one start; then all to one end.
    let inside: Vec<Highlight> = (0..1_000).map(|i| Highlight { start: i, end: 3_000 - i }).collect();
    let from_one_start: Vec<Highlight> = (0..1_000).map(|i| Highlight { start: 0, end: 2_000 - i }).collect();
    let to_one_end: Vec<Highlight> = (0..1_000).map(|i| Highlight { start: 1 + i, end: 1_500 }).collect();
    for highlights in [inside, from_one_start, to_one_end] {
        assert_eq!(listed(&doc, &highlights), 1_000);
    }
}

#[test]
fn elements_close_at_each_block_end_and_open_again_in_the_next() {
    let doc = document(&[("one", vec![]), ("two", vec![])]);
    let all = runs(&doc, &CharIndex::new(&doc.text), &[Highlight { start: 0, end: 8 }, Highlight { start: 1, end: 6 }]);
    assert_eq!((all[0].runs[1].open.clone(), all[0].close), (vec![vec![1]], 2));
    assert_eq!((all[1].runs[0].open.clone(), all[1].runs[1].close, all[1].close), (vec![vec![0], vec![1]], 1, 1));
}

const ALPHABET: &str = "abcdefghij";

#[test]
fn without_highlights_each_block_is_one_run_and_an_empty_block_has_none() {
    let doc = document(&[("one", vec![]), ("", vec![]), ("two", vec![])]);
    assert_eq!(marks(&doc, &[]), vec![vec![("one", vec![])], vec![], vec![("two", vec![])]]);
}

#[test]
fn nested_highlights_list_the_outer_one_first() {
    let doc = document(&[(ALPHABET, vec![])]);
    assert_eq!(marks(&doc, &[(2, 5), (0, 10)]), vec![vec![("ab", vec![1]), ("cde", vec![1, 0]), ("fghij", vec![1])]]);
}

#[test]
fn overlapping_highlights_split_into_three_runs() {
    let doc = document(&[(ALPHABET, vec![])]);
    let expected = vec![("abc", vec![0]), ("def", vec![0, 1]), ("ghi", vec![1]), ("j", vec![])];
    assert_eq!(marks(&doc, &[(0, 6), (3, 9)]), vec![expected]);
}

#[test]
fn identical_highlights_share_runs_in_index_order() {
    let doc = document(&[(ALPHABET, vec![])]);
    assert_eq!(marks(&doc, &[(2, 5), (2, 5)]), vec![vec![("ab", vec![]), ("cde", vec![0, 1]), ("fghij", vec![])]]);
}

#[test]
fn adjacent_highlights_do_not_merge() {
    let doc = document(&[(ALPHABET, vec![])]);
    assert_eq!(marks(&doc, &[(3, 6), (0, 3)]), vec![vec![("abc", vec![1]), ("def", vec![0]), ("ghij", vec![])]]);
}

#[test]
fn outermost_means_earliest_start_then_longest() {
    let doc = document(&[(ALPHABET, vec![])]);
    let found = marks(&doc, &[(3, 5), (0, 8), (3, 8)]);
    assert_eq!(found[0][1], ("de", vec![1, 2, 0]));
}

#[test]
fn highlights_cross_blocks_but_never_separators() {
    // one: 0..3, two: 5..8, three: 10..15.
    let doc = document(&[("one", vec![]), ("two", vec![]), ("three", vec![])]);
    let expected =
        vec![vec![("o", vec![]), ("ne", vec![0])], vec![("two", vec![0])], vec![("th", vec![0]), ("ree", vec![])]];
    // The second lies inside a separator and shows nowhere.
    assert_eq!(marks(&doc, &[(1, 12), (3, 5)]), expected);
}

#[test]
fn invalid_highlights_are_ignored() {
    let doc = document(&[("one", vec![]), ("two", vec![])]);
    assert_eq!(marks(&doc, &[(2, 2), (6, 1), (0, 99), (9, 12)]), vec![vec![("one", vec![])], vec![("two", vec![])]]);
}

#[test]
fn styles_and_highlights_combine() {
    let href = Style::Link { href: "https://example.org".into() };
    let styles = vec![(Style::Strong, 6, 10), (href.clone(), 11, 15), (Style::Emphasis, 0, 15)];
    let doc = document(&[("plain bold link", styles)]);
    let found = runs(&doc, &CharIndex::new(&doc.text), &[Highlight { start: 8, end: 13 }]);
    let view: Vec<(&str, Vec<&Style>, Vec<usize>)> = found[0]
        .runs
        .iter()
        .map(|run| run.text)
        .zip(covering(&found[0], &[Highlight { start: 8, end: 13 }]))
        .zip(&found[0].runs)
        .map(|((text, ids), run)| (text, run.styles.clone(), ids))
        .collect();
    let (em, strong) = (&Style::Emphasis, &Style::Strong);
    assert_eq!(
        view,
        vec![
            ("plain ", vec![em], vec![]),
            ("bo", vec![em, strong], vec![]),
            ("ld", vec![em, strong], vec![0]),
            (" ", vec![em], vec![0]),
            ("li", vec![em, &href], vec![0]),
            ("nk", vec![em, &href], vec![]),
        ]
    );
}

#[test]
fn equal_styles_that_touch_make_one_run() {
    let styles = vec![(Style::Emphasis, 0, 3), (Style::Emphasis, 3, 6), (Style::Code, 4, 8)];
    let doc = document(&[(ALPHABET, styles)]);
    let found = runs(&doc, &CharIndex::new(&doc.text), &[]);
    let view: Vec<(&str, Vec<&Style>)> = found[0].runs.iter().map(|run| (run.text, run.styles.clone())).collect();
    let (em, code) = (&Style::Emphasis, &Style::Code);
    let expected = vec![("abcd", vec![em]), ("ef", vec![em, code]), ("gh", vec![code]), ("ij", vec![])];
    assert_eq!(view, expected);
}

#[test]
fn emoji_and_combining_accents_stay_whole_inside_runs() {
    // 🌍 is one code point; "e\u{301}" is two, and a highlight may split them.
    let doc = document(&[("a🌍b🌍c", vec![]), ("e\u{301}!", vec![])]);
    let found = marks(&doc, &[(1, 4), (8, 9)]);
    assert_eq!(found[0], vec![("a", vec![]), ("🌍b🌍", vec![0]), ("c", vec![])]);
    assert_eq!(found[1], vec![("e", vec![]), ("\u{301}", vec![1]), ("!", vec![])]);
    let all = runs(&doc, &CharIndex::new(&doc.text), &[]);
    assert_eq!((all[1].runs[0].start, all[1].runs[0].end), (7, 10));
}
