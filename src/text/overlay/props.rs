//! Properties of runs on random documents: they preserve the text, highlight
//! elements nest, every highlight (listed on an element around a run) and style
//! covers exactly its code points, and runs are maximal.

use super::tests::covering;
use super::*;
use crate::text::{BLOCK_SEPARATOR, BlockKind, StyleSpan};
use proptest::prelude::*;

/// Whitespace, an accent, a curly quote, an astral emoji and a combining accent.
const ALPHABET: &[char] = &['a', 'b', ' ', '\n', 'é', '“', '🌍', '\u{0301}'];

fn style() -> impl Strategy<Value = Style> {
    let link = |href: &str| Style::Link { href: href.into() };
    prop_oneof![Just(Style::Emphasis), Just(Style::Strong), Just(Style::Code), Just(link("a")), Just(link("b"))]
}

/// Blocks of random text, each with style spans given relative to it (possibly
/// empty or reversed, and then dropped), and raw highlights that may cross
/// blocks, lie in separators, be reversed or run past the text.
fn document() -> impl Strategy<Value = (Document, Vec<Highlight>)> {
    let block = (
        prop::collection::vec(prop::sample::select(ALPHABET), 0..12),
        prop::collection::vec((0..13_usize, 0..13_usize, style()), 0..5),
    );
    let highlights = prop::collection::vec((0..90_usize, 0..90_usize), 0..10);
    (prop::collection::vec(block, 1..7), highlights).prop_map(|(blocks, highlights)| {
        let mut text = String::new();
        let mut doc_blocks = Vec::new();
        for (chars, raw_styles) in blocks {
            if !doc_blocks.is_empty() {
                text.push_str(BLOCK_SEPARATOR);
            }
            let start = text.chars().count();
            let len = chars.len();
            text.extend(chars);
            let styles = raw_styles
                .into_iter()
                .map(|(a, b, style)| (a % (len + 1), b % (len + 1), style))
                .filter(|(a, b, _)| a != b)
                .map(|(a, b, style)| StyleSpan { style, start: start + a.min(b), end: start + a.max(b) })
                .collect();
            doc_blocks.push(Block { kind: BlockKind::Paragraph, start, end: start + len, styles });
        }
        let highlights = highlights.into_iter().map(|(start, end)| Highlight { start, end }).collect();
        (Document { text, blocks: doc_blocks }, highlights)
    })
}

/// The distinct styles of the spans containing code point `at`.
fn styles_at(block: &Block, at: usize) -> Vec<&Style> {
    let mut styles: Vec<&Style> = Vec::new();
    for span in block.styles.iter().filter(|s| s.start <= at && at < s.end) {
        if !styles.contains(&&span.style) {
            styles.push(&span.style);
        }
    }
    styles
}

fn same_set(a: &[&Style], b: &[&Style]) -> bool {
    a.len() == b.len() && a.iter().all(|style| b.contains(style))
}

proptest! {
    #[test]
    fn runs_tile_blocks_and_preserve_the_text((doc, highlights) in document()) {
        prop_assert_eq!(doc.validate(), Ok(()));
        let index = CharIndex::new(&doc.text);
        let all = runs(&doc, &index, &highlights);
        prop_assert_eq!(all.len(), doc.blocks.len());
        let mut texts = Vec::new();
        for (block_runs, block) in all.iter().zip(&doc.blocks) {
            prop_assert!(std::ptr::eq(block_runs.block, block));
            let mut at = block.start;
            for run in &block_runs.runs {
                prop_assert!(run.start == at && run.start < run.end);
                prop_assert_eq!(Some(run.text), index.slice(&doc.text, run.start, run.end));
                at = run.end;
            }
            prop_assert_eq!(at, block.end);
            let joined: String = block_runs.runs.iter().map(|run| run.text).collect();
            prop_assert_eq!(Some(joined.as_str()), index.slice(&doc.text, block.start, block.end));
            texts.push(joined);
        }
        prop_assert_eq!(texts.join(BLOCK_SEPARATOR), doc.text.clone());
    }

    #[test]
    fn every_highlight_covers_exactly_its_code_points_in_blocks((doc, highlights) in document()) {
        let len = doc.len_chars();
        let all = runs(&doc, &CharIndex::new(&doc.text), &highlights);
        // `covering` fails unless the elements nest and list each highlight once among those open.
        let covers: Vec<(&Run, Vec<usize>)> = all
            .iter()
            .flat_map(|b| b.runs.iter().zip(covering(b, &highlights)))
            .collect();
        for (i, h) in highlights.iter().enumerate() {
            let mut covered = vec![false; len];
            for (run, _) in covers.iter().filter(|(_, ids)| ids.contains(&i)) {
                covered[run.start..run.end].iter_mut().for_each(|c| *c = true);
            }
            let valid = h.start < h.end && h.end <= len;
            let expected: Vec<bool> = (0..len)
                .map(|at| valid && h.start <= at && at < h.end && doc.blocks.iter().any(|b| b.start <= at && at < b.end))
                .collect();
            prop_assert_eq!(covered, expected, "highlight {} {:?}", i, h);
        }
    }

    #[test]
    fn every_style_covers_exactly_its_code_points((doc, highlights) in document()) {
        let all = runs(&doc, &CharIndex::new(&doc.text), &highlights);
        for block_runs in &all {
            for run in &block_runs.runs {
                for at in run.start..run.end {
                    let expected = styles_at(block_runs.block, at);
                    prop_assert!(same_set(&run.styles, &expected), "at {}: {:?} vs {:?}", at, run.styles, expected);
                }
            }
        }
    }

    #[test]
    fn runs_are_maximal((doc, highlights) in document()) {
        let all = runs(&doc, &CharIndex::new(&doc.text), &highlights);
        for block_runs in &all {
            let ids = covering(block_runs, &highlights);
            for (pair, ids) in block_runs.runs.windows(2).zip(ids.windows(2)) {
                let same = same_set(&pair[0].styles, &pair[1].styles) && ids[0] == ids[1];
                prop_assert!(!same, "{:?} and {:?} should be one run", pair[0], pair[1]);
            }
        }
    }
    #[test]
    fn a_block_drawn_alone_with_the_highlights_over_it_is_drawn_as_in_the_whole((doc, highlights) in document()) {
        let index = CharIndex::new(&doc.text);
        let all = runs(&doc, &index, &highlights);
        for (b, block) in doc.blocks.iter().enumerate() {
            let over: Vec<usize> = (0..highlights.len())
                .filter(|&i| {
                    let h = highlights[i];
                    h.start < h.end && h.end <= index.len_chars() && h.start < block.end && h.end > block.start
                })
                .collect();
            let subset: Vec<Highlight> = over.iter().map(|&i| highlights[i]).collect();
            let mut alone = runs_of(&doc, &index, &doc.blocks[b..=b], &subset);
            prop_assert_eq!(alone.len(), 1);
            let mut alone = alone.remove(0);
            for run in &mut alone.runs {
                run.open = run.open.iter().map(|ids| ids.iter().map(|&i| over[i]).collect()).collect();
                run.innermost = run.innermost.map(|i| over[i]);
            }
            prop_assert_eq!(&alone, &all[b]);
        }
    }
}
