//! Plain-text import: paragraphs split on blank lines, lines kept, no styles.

use super::ImportError;
use super::builder::Builder;
use crate::text::{BlockKind, Document};

/// Imports normalised plain text: each run of non-blank lines becomes a
/// paragraph whose lines are joined by `\n`, with trailing whitespace removed.
pub(super) fn import(source: &str) -> Result<Document, ImportError> {
    let mut builder = Builder::new();
    let mut in_paragraph = false;
    for line in source.split('\n') {
        // Trailing whitespace is invisible, so a whitespace-only line is blank.
        let line = line.trim_end();
        if line.is_empty() {
            if in_paragraph {
                builder.leave();
                in_paragraph = false;
            }
            continue;
        }
        if in_paragraph {
            builder.push_newline();
        } else {
            builder.enter(BlockKind::Paragraph);
            in_paragraph = true;
        }
        // Leading indentation is kept: it is part of what the author wrote.
        builder.push_literal(line);
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::super::SourceFormat::Text;
    use super::super::testutil::{checked, failed, shared_reading, texts};
    use super::super::{ImportError, import};
    use crate::text::BlockKind;

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let doc = checked(Text, "\n\n  first line  \nsecond\t\n \t \n\n\nthird\n\n");
        assert_eq!(doc.text, "  first line\nsecond\n\nthird");
        assert_eq!(texts(&doc), ["  first line\nsecond", "third"]);
        assert!(doc.blocks.iter().all(|b| b.kind == BlockKind::Paragraph && b.styles.is_empty()));
    }

    #[test]
    fn crlf_cr_and_controls() {
        let doc = checked(Text, "a\r\nb\r\r\nc\u{0}d\u{1b}e\tf\r");
        assert_eq!(texts(&doc), ["a\nb", "cde\tf"]);
    }

    #[test]
    fn markup_is_just_text() {
        let doc = checked(Text, "# not a heading\n\n<b>x</b> *y*");
        assert_eq!(texts(&doc), ["# not a heading", "<b>x</b> *y*"]);
    }

    #[test]
    fn offsets_count_code_points() {
        let doc = checked(Text, "🌍🌍\n\ne\u{301}x\n\nend");
        assert_eq!(texts(&doc), ["🌍🌍", "e\u{301}x", "end"]);
        let spans: Vec<_> = doc.blocks.iter().map(|b| (b.start, b.end)).collect();
        assert_eq!(spans, [(0, 2), (4, 7), (9, 12)]);
        assert_eq!(doc.len_chars(), 12);
    }

    #[test]
    fn empty_text() {
        assert_eq!(failed(Text, " \n\t\n\r\n"), ImportError::Empty);
    }

    #[test]
    fn one_bed_different_dreams() {
        let Some(path) = shared_reading("one-bed-different-dreams.txt") else {
            return;
        };
        let source = std::fs::read_to_string(path).unwrap();
        let doc = checked(Text, &source);

        // The paragraphs, computed independently of the importer.
        let normalised = source.replace("\r\n", "\n").replace('\r', "\n");
        let lines: Vec<&str> = normalised.lines().map(str::trim_end).collect();
        let paragraphs: Vec<String> =
            lines.split(|l| l.is_empty()).filter(|p| !p.is_empty()).map(|p| p.join("\n")).collect();
        assert_eq!(doc.blocks.len(), paragraphs.len());
        assert_eq!(texts(&doc), paragraphs);

        assert!(doc.text.contains("Western Civil War Déjà Vu?"));
        assert!(doc.text.contains("from a “constructive partnership” in 1992"));
        assert!(doc.text.contains("“Today’s China is strong"));
        assert!(doc.text.starts_with("Vladimir Putin met with"));
        assert_eq!(doc, import(Text, &source.replace('\n', "\r\n")).unwrap());
    }
}
