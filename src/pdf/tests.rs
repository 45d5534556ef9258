//! The adapter on PDFs printed by Chromium (`tests/fixtures/pdf`, made by
//! `scripts/pdf-fixtures.sh`) and on broken, encrypted and hostile files.

use super::{PdfLimits, read};
use crate::text::import::ImportError;
use crate::text::{BlockKind, CharIndex, Document};
use proptest::prelude::*;
use std::time::Duration;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/pdf/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn blocks(doc: &Document) -> Vec<(BlockKind, String)> {
    let index = CharIndex::new(&doc.text);
    doc.blocks.iter().map(|b| (b.kind, index.slice(&doc.text, b.start, b.end).unwrap().to_owned())).collect()
}

#[test]
fn one_column_with_headings_quotes_accents_and_ligatures() {
    let read = read(&fixture("one-column.pdf"), PdfLimits::default()).unwrap();
    let blocks = blocks(&read.doc);
    eprintln!("{blocks:#?}");
    read.doc.validate().unwrap();
    assert_eq!(read.title.as_deref(), Some("One Bed, Different Dreams"));
    assert_eq!(blocks[0], (BlockKind::Heading { level: 1 }, "One Bed, Different Dreams".to_owned()));
    assert!(blocks.contains(&(BlockKind::Heading { level: 2 }, "Western Civil War Déjà Vu?".to_owned())));
    let text = &read.doc.text;
    assert!(text.contains("a “marriage of convenience.” Both nations"), "{text}");
    assert!(text.contains("the efficient flow of goods across the border is the first fruit of it."), "{text}");
    assert!(
        text.contains("“Today’s China is strong, and unlikely to get too close to a Russia whose decline"),
        "{text}"
    );
    assert!(text.contains("the dollar’s role diminished."));
    assert!(!text.contains(['\u{FB01}', '\u{FB02}', '\u{FB03}']), "{text}");
    assert!(!text.contains("Geopolitics Review"), "the running header stays out: {text}");
    assert_eq!(read.sha256.len(), 64);
    // Paragraphs are blocks: two headings and ten paragraphs, the last seven over two pages.
    assert_eq!(blocks.len(), 12, "{blocks:#?}");
    assert!(blocks[11].1.starts_with("Further paragraph 7: the partnership"));
}

#[test]
fn two_columns_come_in_reading_order_without_furniture() {
    let read = read(&fixture("two-columns.pdf"), PdfLimits::default()).unwrap();
    let blocks = blocks(&read.doc);
    eprintln!("{blocks:#?}");
    assert_eq!(blocks[0].1, "Sanctions and Their Discontents");
    let starts: Vec<usize> = (1..=16)
        .map(|i| {
            let prefix = format!("Paragraph {i}. ");
            blocks
                .iter()
                .position(|(_, t)| t.starts_with(&prefix))
                .unwrap_or_else(|| panic!("{prefix} begins no block"))
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    assert_eq!(blocks.len(), 17);
    assert!(!read.doc.text.contains("Policy Brief"));
    assert!(!read.doc.text.contains("Page 1"));
}

#[test]
fn footnotes_move_to_the_end_and_markers_stay() {
    let read = read(&fixture("footnotes.pdf"), PdfLimits::default()).unwrap();
    let blocks = blocks(&read.doc);
    eprintln!("{blocks:#?}");
    let texts: Vec<&str> = blocks.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "The first claim of this paper is that footnotes belong at the end of a reading.1 A second sentence follows the marker, and the paragraph ends here.",
            "Another paragraph on the first page cites a source as well.2",
            "The second page continues the argument with a third citation.3",
            "1 Joseph Nye, “China and Russia,” Project Syndicate, 2019.",
            "2 Fu Ying, “How China Sees Russia,” Foreign Affairs, 2016.",
            "3 Stacy Closson, “One Bed, Different Dreams,” 2017.",
        ]
    );
}

#[test]
fn a_scan_is_refused_for_its_missing_text_layer() {
    let error = read(&fixture("scan.pdf"), PdfLimits::default()).unwrap_err();
    assert_eq!(error, ImportError::NoTextLayer);
    assert_eq!(error.to_string(), "this PDF has no text layer; run OCR first");
}

#[test]
fn an_encrypted_file_is_refused() {
    assert_eq!(read(&fixture("encrypted.pdf"), PdfLimits::default()), Err(ImportError::Encrypted));
}

#[test]
fn broken_files_are_refused() {
    let whole = fixture("one-column.pdf");
    for broken in [&whole[..whole.len() / 3], b"%PDF-1.7\n garbage", b"<html>not a pdf</html>", b""] {
        match read(broken, PdfLimits::default()) {
            Err(ImportError::Unreadable(_) | ImportError::NoTextLayer) => {}
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(&broken[..broken.len().min(20)])),
        }
    }
}

#[test]
fn limits_bound_bytes_pages_and_time() {
    let pdf = fixture("footnotes.pdf");
    let small = PdfLimits { max_bytes: 1000, ..PdfLimits::default() };
    assert!(matches!(read(&pdf, small), Err(ImportError::TooLarge { limit: 1000, .. })));
    let one_page = PdfLimits { max_pages: 1, ..PdfLimits::default() };
    assert_eq!(read(&pdf, one_page), Err(ImportError::TooManyPages { pages: 2, limit: 1 }));
    let no_time = PdfLimits { time: Duration::ZERO, ..PdfLimits::default() };
    assert!(matches!(read(&pdf, no_time), Err(ImportError::TooSlow { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Damaged copies of a real PDF are read or refused, never a panic.
    #[test]
    fn damaged_pdfs_never_panic(edits in prop::collection::vec((0usize..40_000, any::<u8>()), 1..40)) {
        let mut pdf = fixture("footnotes.pdf");
        for (at, byte) in edits {
            let at = at % pdf.len();
            pdf[at] = byte;
        }
        if let Ok(read) = read(&pdf, PdfLimits::default()) {
            prop_assert!(read.doc.validate().is_ok());
        }
    }
}
