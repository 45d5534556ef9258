use super::testkit::{BODY, Item, Setup, typeset};
use super::{Glyph, ImportError, Laid, Page, layout};
use crate::text::BlockKind;
use crate::text::import::testutil::{assert_invariants, kinds, texts};

const ONE: Setup = Setup { columns: 1, furniture: false, space_glyphs: false };
const TWO: Setup = Setup { columns: 2, furniture: true, space_glyphs: false };

fn laid(items: &[Item], setup: Setup) -> Laid {
    let laid = layout(&typeset(items, setup)).expect("a document");
    assert_invariants(&laid.doc);
    laid
}

fn para(words: usize, seed: usize) -> String {
    const WORDS: [&str; 12] = [
        "sanctions",
        "partnership",
        "alliance",
        "border",
        "trade",
        "Moscow",
        "Beijing",
        "energy",
        "pipeline",
        "summit",
        "rivalry",
        "order",
    ];
    let mut out: Vec<String> = (0..words).map(|i| WORDS[(i * 7 + seed * 5) % WORDS.len()].to_owned()).collect();
    out[0] = format!("P{seed}");
    out.join(" ") + "."
}

#[test]
fn paragraphs_become_blocks_and_headings_are_found_by_size() {
    let items = [
        Item::Heading("One Bed, Different Dreams".into()),
        Item::Para(para(80, 1)),
        Item::Para(para(5, 2)),
        Item::Para(para(60, 3)),
    ];
    let laid = laid(&items, ONE);
    assert_eq!(texts(&laid.doc), ["One Bed, Different Dreams", &para(80, 1), &para(5, 2), &para(60, 3)]);
    assert_eq!(kinds(&laid.doc)[0], BlockKind::Heading { level: 1 });
    assert_eq!(kinds(&laid.doc)[1], BlockKind::Paragraph);
    assert_eq!(laid.heading.as_deref(), Some("One Bed, Different Dreams"));
}

#[test]
fn two_columns_are_read_left_then_right_across_pages() {
    let items: Vec<Item> = (0..14).map(|i| Item::Para(para(40 + i * 3, i))).collect();
    let pages = typeset(&items, TWO);
    assert!(pages.len() >= 2, "the test needs a page break");
    let laid = laid(&items, TWO);
    let expected: Vec<String> = (0..14).map(|i| para(40 + i * 3, i)).collect();
    assert_eq!(texts(&laid.doc), expected);
}

#[test]
fn running_headers_and_page_numbers_are_dropped() {
    let items: Vec<Item> = (0..10).map(|i| Item::Para(para(70, i))).collect();
    let laid = laid(&items, Setup { columns: 1, furniture: true, space_glyphs: true });
    assert!(!laid.doc.text.contains("Journal of Toy Studies"), "{}", laid.doc.text);
    assert!(laid.doc.blocks.len() == 10, "{:?}", texts(&laid.doc));
    assert!(texts(&laid.doc).iter().all(|t| t.starts_with('P')));
}

#[test]
fn footnotes_come_at_the_end_and_markers_stay() {
    let items = [
        Item::Para("Nye argues that China is strong.¹ More follows.".into()),
        Item::Note("¹ Joseph Nye, “China and Russia,” 2019.".into()),
        Item::Para(para(30, 4)),
    ];
    let laid = laid(&items, ONE);
    let texts = texts(&laid.doc);
    assert_eq!(texts[0], "Nye argues that China is strong.¹ More follows.");
    assert_eq!(texts.last().map(String::as_str), Some("¹ Joseph Nye, “China and Russia,” 2019."));
    assert_eq!(texts.len(), 3);
}

fn glyphs(text: &str, x: f64, y: f64) -> Vec<Glyph> {
    text.chars()
        .enumerate()
        .filter(|(_, c)| *c != ' ')
        .map(|(i, c)| Glyph { text: c.to_string(), x: x + i as f64 * 5.0, y, width: 5.0, size: BODY })
        .collect()
}

fn page(lines: &[(&str, f64, f64)]) -> Page {
    Page { width: 600.0, height: 800.0, glyphs: lines.iter().flat_map(|(t, x, y)| glyphs(t, *x, *y)).collect() }
}

#[test]
fn ligatures_accents_and_quotes_come_out_as_read() {
    // Ligature glyphs, and accents sent as combining marks.
    let p = page(&[("The \u{FB01}nal e\u{FB03}cient “De\u{301}ja\u{300} Vu” — it’s", 50.0, 100.0)]);
    let laid = layout(&[p]).unwrap();
    assert!(laid.doc.text.starts_with("The final efficient “Déjà Vu” — it’s"), "{}", laid.doc.text);
    assert!(!laid.doc.text.contains('\u{301}'));
}

#[test]
fn a_word_hyphenated_at_a_line_end_is_joined() {
    let p = page(&[
        ("Their international partnership is an", 50.0, 100.0),
        ("inter-", 50.0, 112.0),
        ("national order; a well-", 50.0, 124.0),
        ("known well-known pair and Sino-", 50.0, 136.0),
        ("Russian ties.", 50.0, 148.0),
    ]);
    let laid = layout(&[p]).unwrap();
    assert_eq!(
        laid.doc.text,
        "Their international partnership is an international order; a well-known well-known pair and Sino-Russian ties."
    );
}

#[test]
fn a_soft_hyphen_always_joins() {
    let p = page(&[("A sec\u{AD}", 50.0, 100.0), ("ond line.", 50.0, 112.0)]);
    assert_eq!(layout(&[p]).unwrap().doc.text, "A second line.");
}

#[test]
fn a_scan_has_no_text_layer() {
    let blank = Page { width: 600.0, height: 800.0, glyphs: Vec::new() };
    assert_eq!(layout(&[blank.clone(), blank]), Err(ImportError::NoTextLayer));
    assert_eq!(layout(&[]), Err(ImportError::NoTextLayer));
    let spaces = Page {
        glyphs: vec![Glyph { text: " \u{0}\u{FFFD}".into(), x: 1.0, y: 1.0, width: 1.0, size: 10.0 }],
        ..Page::default()
    };
    assert_eq!(layout(&[spaces]), Err(ImportError::NoTextLayer));
}

#[test]
fn nonsense_coordinates_are_ignored() {
    let mut p = page(&[("Real text here.", 50.0, 100.0)]);
    p.glyphs.push(Glyph { text: "X".into(), x: f64::NAN, y: 1.0, width: 1.0, size: 10.0 });
    p.glyphs.push(Glyph { text: "Y".into(), x: 1.0, y: f64::INFINITY, width: 1.0, size: 10.0 });
    p.glyphs.push(Glyph { text: "Z".into(), x: 1.0, y: 1.0, width: 1.0, size: -3.0 });
    assert_eq!(layout(&[p]).unwrap().doc.text, "Real text here.");
}

#[test]
fn page_numbers_are_recognised() {
    use super::furniture::is_page_number;
    for yes in ["12", "- 12 -", "Page 3", "3 of 30", "3/30", "xii", "Page 4 of 9"] {
        assert!(is_page_number(yes), "{yes}");
    }
    for no in ["1992 was a year", "Chapter 2", "", "Moscow", "12345", "i.", "xii."] {
        assert!(!is_page_number(no), "{no}");
    }
}

#[test]
fn a_title_across_two_columns_is_read_first() {
    let mut lines: Vec<(String, f64, f64)> = vec![("A Title Across The Whole Page Of Two Columns".into(), 50.0, 90.0)];
    for i in 0..10 {
        let y = 130.0 + f64::from(i) * 12.0;
        lines.push((format!("left {i} words go on"), 50.0, y));
        lines.push((format!("right {i} words go on"), 320.0, y));
    }
    let refs: Vec<(&str, f64, f64)> = lines.iter().map(|(t, x, y)| (t.as_str(), *x, *y)).collect();
    let text = layout(&[page(&refs)]).unwrap().doc.text;
    let title = text.find("A Title").unwrap();
    let left = text.find("left 9").unwrap();
    let right = text.find("right 0").unwrap();
    assert!(title < left && left < right, "{text}");
}
