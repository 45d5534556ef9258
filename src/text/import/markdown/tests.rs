//! Tests of the markdown importer: block mapping, styles, raw HTML, offsets.

use super::super::SourceFormat::Markdown;
use super::super::testutil::{checked, failed, kinds, link, styled, texts};
use super::super::{ImportError, import};
use crate::text::{BlockKind, Style};

#[test]
fn headings_and_paragraphs() {
    let doc = checked(Markdown, "# One\n\nSome\ntext.\n\n### Three\n\nSetext\n---\n\nLast  \nline");
    assert_eq!(texts(&doc), ["One", "Some text.", "Three", "Setext", "Last\nline"]);
    use BlockKind::*;
    assert_eq!(kinds(&doc), [Heading { level: 1 }, Paragraph, Heading { level: 3 }, Heading { level: 2 }, Paragraph]);
}

#[test]
fn quotes_each_paragraph_its_own_block() {
    let doc = checked(Markdown, "> first\n> still first\n>\n> second\n\nafter");
    assert_eq!(texts(&doc), ["first still first", "second", "after"]);
    assert_eq!(kinds(&doc), [BlockKind::Quote, BlockKind::Quote, BlockKind::Paragraph]);
}

#[test]
fn list_items_without_markers() {
    let doc = checked(
        Markdown,
        "- one\n- two\n  - nested *a*\n  - nested b\n- three\n\n1. first\n2. second\n\n   more of second",
    );
    assert_eq!(texts(&doc), ["one", "two", "nested a", "nested b", "three", "first", "second", "more of second"]);
    assert!(kinds(&doc).iter().all(|k| *k == BlockKind::ListItem));
    assert_eq!(styled(&doc), [(Style::Emphasis, "a".into())]);
}

#[test]
fn inline_styles_nest() {
    let doc = checked(Markdown, "A *very [good](https://x.org/ \"t\")* **bold** `c()` ***both***.");
    assert_eq!(doc.text, "A very good bold c() both.");
    assert_eq!(
        styled(&doc),
        [
            (Style::Emphasis, "very good".into()),
            (link("https://x.org/"), "good".into()),
            (Style::Strong, "bold".into()),
            (Style::Code, "c()".into()),
            (Style::Emphasis, "both".into()),
            (Style::Strong, "both".into()),
        ]
    );
}

#[test]
fn code_blocks_keep_lines_without_blank_ones() {
    let doc = checked(Markdown, "```rust\nfn a() {}\n\n\n    let x;\n```\n\n    indented\n    code\n");
    assert_eq!(texts(&doc), ["fn a() {}\n    let x;", "indented\ncode"]);
    assert_eq!(kinds(&doc), [BlockKind::Paragraph, BlockKind::Paragraph]);
    assert_eq!(styled(&doc), [(Style::Code, "fn a() {}\n    let x;".into()), (Style::Code, "indented\ncode".into())]);
}

#[test]
fn images_rules_and_unsafe_links() {
    let doc = checked(
        Markdown,
        "![a *cat*](cat.png) and [x](javascript:alert(1)) [y](java&#58;script:alert) [z](<data:text/html,hi>) [w](/ok)\n\n---\n\n***\n\nend",
    );
    assert_eq!(texts(&doc), ["a cat and x y z w", "end"]);
    assert_eq!(styled(&doc), [(Style::Emphasis, "cat".into()), (link("/ok"), "w".into())]);
}

#[test]
fn raw_html_blocks_keep_only_safe_text() {
    let doc = checked(
        Markdown,
        "<div onclick=\"evil()\">\n<p>html <b>para</b></p>\n<script>alert(1)</script>\n</div>\n\n\
         text <span style=\"x\">kept</span> <script>hidden()</script> <img src=x onerror=evil()> done\n\n\
         <style>\np { color: red }\n</style>\n\n<a href=\"javascript:x\">link</a>",
    );
    assert_eq!(texts(&doc), ["html para", "text kept   done", "link"]);
    assert_eq!(styled(&doc), [(Style::Strong, "para".into())]);
    let debug = format!("{doc:?}");
    assert!(!debug.contains("evil") && !debug.contains("alert") && !debug.contains('<'));
}

#[test]
fn inline_br_breaks_the_line() {
    let doc = checked(Markdown, "one<br>two<br/>  <BR />three");
    assert_eq!(doc.text, "one\ntwo\nthree");
}

#[test]
fn crlf_nul_and_offsets() {
    let doc = checked(Markdown, "# 🌍\r\n\r\ne\u{301} *🌍x*\u{0}\r\rtail");
    assert_eq!(texts(&doc), ["🌍", "e\u{301} 🌍x", "tail"]);
    let b = &doc.blocks[1];
    assert_eq!((b.start, b.end), (3, 8));
    assert_eq!((b.styles[0].start, b.styles[0].end), (6, 8));
}

#[test]
fn entities_and_escapes() {
    let doc = checked(Markdown, "&amp; \\*not em\\* &#x1F30D;");
    assert_eq!(doc.text, "& *not em* 🌍");
    assert!(doc.blocks[0].styles.is_empty());
}

#[test]
fn deep_nesting_does_not_overflow() {
    let doc = checked(Markdown, &format!("{}deep", "> ".repeat(5_000)));
    assert_eq!(doc.text, "deep");
    let doc = checked(Markdown, &format!("{}deep{}", "*a ".repeat(5_000), " a*".repeat(5_000)));
    assert!(doc.text.contains("deep"));
}

#[test]
fn empty_markdown() {
    for source in ["", "\n\n", "---", "<!-- only a comment -->", "<script>x</script>", "![](x.png)"] {
        assert_eq!(import(Markdown, source), Err(ImportError::Empty), "{source}");
    }
    assert_eq!(failed(Markdown, "   \t"), ImportError::Empty);
}
