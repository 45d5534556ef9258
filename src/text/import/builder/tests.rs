//! Tests of the builder's own rules, independent of any format.

use super::*;

#[test]
fn blocks_are_separated_and_trimmed() {
    let mut b = Builder::new();
    b.enter(BlockKind::Paragraph);
    b.push_literal("one  \n\n\n");
    b.leave();
    b.enter(BlockKind::Quote);
    b.leave();
    b.enter(BlockKind::Quote);
    b.push_literal("\ntwo\n\nthree");
    b.leave();
    let doc = b.finish().unwrap();
    assert_eq!(doc.text, "one\n\ntwo\nthree");
    assert_eq!(doc.blocks.len(), 2);
    assert_eq!(doc.blocks[1].kind, BlockKind::Quote);
    doc.validate().unwrap();
}

#[test]
fn collapsed_whitespace_and_styles() {
    let mut b = Builder::new();
    b.push_collapsed("  a \t ");
    b.open(Some(Style::Emphasis));
    b.push_collapsed("b ");
    b.close();
    b.open(Some(Style::Strong));
    b.push_collapsed("   ");
    b.close();
    b.push_collapsed(" c  ");
    let doc = b.finish().unwrap();
    assert_eq!(doc.text, "a b c");
    assert_eq!(doc.blocks[0].styles, vec![StyleSpan { style: Style::Emphasis, start: 2, end: 3 }]);
    doc.validate().unwrap();
}

#[test]
fn open_style_spans_blocks() {
    let mut b = Builder::new();
    b.open(Some(Style::Strong));
    b.push_collapsed("x");
    b.break_block();
    b.push_collapsed("yz");
    b.close();
    let doc = b.finish().unwrap();
    assert_eq!(doc.blocks[0].styles[0].end, 1);
    assert_eq!((doc.blocks[1].styles[0].start, doc.blocks[1].styles[0].end), (3, 5));
    doc.validate().unwrap();
}

#[test]
fn spaces_before_a_line_break_go_with_their_styles() {
    let mut b = Builder::new();
    b.push_literal("a ");
    b.open(Some(Style::Strong));
    b.push_literal(" \t");
    b.close();
    b.open(Some(Style::Emphasis));
    b.push_literal(" ");
    b.push_newline();
    b.push_literal("b");
    b.close();
    let doc = b.finish().unwrap();
    assert_eq!(doc.text, "a\nb");
    assert_eq!(doc.blocks[0].styles, vec![StyleSpan { style: Style::Emphasis, start: 1, end: 3 }]);
}

#[test]
fn nothing_is_empty() {
    let mut b = Builder::new();
    b.push_literal(" \u{0}\n \t");
    assert_eq!(b.finish(), Err(ImportError::Empty));
}
