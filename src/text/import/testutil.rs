//! Helpers shared by the importers' tests: slicing blocks and styles out of a
//! document by code points, checking the invariants, finding shared readings.

use super::{ImportError, SourceFormat, import};
use crate::text::{BlockKind, CharIndex, Document, Style};
use std::path::PathBuf;

/// Imports and checks every invariant, panicking with the source on failure.
pub(super) fn checked(format: SourceFormat, source: &str) -> Document {
    let doc = import(format, source).unwrap_or_else(|e| panic!("{format:?} {source:?}: {e}"));
    assert_invariants(&doc);
    doc
}

/// `validate()` is Ok and no block holds a blank line or is empty.
pub(super) fn assert_invariants(doc: &Document) {
    doc.validate().unwrap_or_else(|e| panic!("{e}: {doc:?}"));
    for text in texts(doc) {
        assert!(!text.is_empty(), "empty block in {doc:?}");
        assert!(!text.contains("\n\n"), "blank line in block {text:?}");
    }
}

/// Imports and expects an error.
pub(super) fn failed(format: SourceFormat, source: &str) -> ImportError {
    import(format, source).expect_err(source)
}

/// Each block's text.
pub(super) fn texts(doc: &Document) -> Vec<String> {
    let index = CharIndex::new(&doc.text);
    doc.blocks.iter().map(|b| index.slice(&doc.text, b.start, b.end).expect("block in range").to_owned()).collect()
}

/// Each block's kind.
pub(super) fn kinds(doc: &Document) -> Vec<BlockKind> {
    doc.blocks.iter().map(|b| b.kind).collect()
}

/// Every style with the text it covers, in block order.
pub(super) fn styled(doc: &Document) -> Vec<(Style, String)> {
    let index = CharIndex::new(&doc.text);
    doc.blocks
        .iter()
        .flat_map(|b| &b.styles)
        .map(|s| {
            let text = index.slice(&doc.text, s.start, s.end).expect("style in range");
            (s.style.clone(), text.to_owned())
        })
        .collect()
}

/// A link style.
pub(super) fn link(href: &str) -> Style {
    Style::Link { href: href.to_owned() }
}

/// The path of a file in `../shared/readings`, through the project's one finder.
pub(super) fn shared_reading(name: &str) -> Option<PathBuf> {
    crate::fixtures::shared_file(&format!("readings/{name}"))
}
