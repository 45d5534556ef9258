//! Reading import: a reading's source (Markdown, plain text, HTML) into a
//! [`Document`]: canonical text, blocks and inline style ranges. Behind
//! `counterpoint import` and `POST /api/courses/{id}/readings`; importing W3C
//! annotations into a reading is another thing (`annotation_import`).
//!
//! This file owns the public API, the size limit, source normalisation and the
//! link policy; each format has its own walker, and all of them write through
//! the shared [`builder`] that enforces the canonical-text rules.

mod builder;
mod html;
mod markdown;
mod nesting;
pub mod pdf;
mod plain;
#[cfg(test)]
mod props;
#[cfg(test)]
mod testutil;

use super::Document;
use serde::{Deserialize, Serialize};

/// The largest source accepted, in bytes.
pub const MAX_SOURCE_BYTES: usize = 2 * 1024 * 1024;

/// The format a reading's source is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Markdown,
    Text,
    Html,
}

/// Why a source could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the source is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("the source has no text to annotate")]
    Empty,
    #[error("the HTML nests {depth} elements deep; the limit is {limit}")]
    TooDeep { depth: usize, limit: usize },
    /// A PDF whose pages hold no text, only pictures of it.
    #[error("this PDF has no text layer; run OCR first")]
    NoTextLayer,
    /// A file that is not a PDF, or one too damaged to read.
    #[error("this file is not a PDF that can be read ({0})")]
    Unreadable(String),
    #[error("this PDF is encrypted; save an unprotected copy and upload that")]
    Encrypted,
    #[error("the PDF has {pages} pages; the limit is {limit}")]
    TooManyPages { pages: usize, limit: usize },
    #[error("reading this PDF took longer than {seconds} seconds, the limit; split it or print it to a simpler PDF")]
    TooSlow { seconds: u64 },
}

/// Imports `source` written in `format`.
///
/// The result always satisfies [`Document::validate`]. Runs in time linear in
/// the source's length.
pub fn import(format: SourceFormat, source: &str) -> Result<Document, ImportError> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(ImportError::TooLarge { size: source.len(), limit: MAX_SOURCE_BYTES });
    }
    let source = normalise(source);
    match format {
        SourceFormat::Markdown => markdown::import(&source),
        SourceFormat::Text => plain::import(&source),
        SourceFormat::Html => html::import(&source),
    }
}

/// Turns `\r\n` and `\r` into `\n`, drops a leading byte-order mark and every
/// control character except `\n` and `\t`.
fn normalise(source: &str) -> String {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The href to keep for a link, or `None` if the link must be dropped.
///
/// Only http(s), mailto, relative references and fragments pass. Control
/// characters (tabs and newlines included) are removed first, as a browser's
/// URL parser ignores them, so `java\tscript:` cannot slip through; any other
/// scheme, or anything that looks like one, is refused.
fn safe_href(raw: &str) -> Option<String> {
    let href: String = raw.chars().filter(|c| !c.is_control()).collect();
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let scheme_end = href.find([':', '/', '?', '#']);
    let allowed = match scheme_end {
        Some(i) if href[i..].starts_with(':') => {
            let scheme = href[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    };
    allowed.then(|| href.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_is_refused_before_parsing() {
        let big = "a".repeat(MAX_SOURCE_BYTES + 1);
        for format in [SourceFormat::Text, SourceFormat::Markdown, SourceFormat::Html] {
            assert_eq!(
                import(format, &big),
                Err(ImportError::TooLarge { size: MAX_SOURCE_BYTES + 1, limit: MAX_SOURCE_BYTES })
            );
        }
        let just_fits = "a".repeat(MAX_SOURCE_BYTES);
        assert!(import(SourceFormat::Text, &just_fits).is_ok());
    }

    #[test]
    fn empty_sources_are_refused() {
        for format in [SourceFormat::Text, SourceFormat::Markdown, SourceFormat::Html] {
            for source in ["", "   ", "\n\r\n\t", "\u{0}\u{1}", "\u{feff}"] {
                assert_eq!(import(format, source), Err(ImportError::Empty), "{format:?} {source:?}");
            }
        }
        assert_eq!(import(SourceFormat::Html, "<script>x</script><p> </p>"), Err(ImportError::Empty));
        assert_eq!(import(SourceFormat::Markdown, "---\n\n***"), Err(ImportError::Empty));
    }

    #[test]
    fn normalise_line_endings_and_controls() {
        assert_eq!(normalise("\u{feff}a\r\nb\rc\u{0}d\u{7f}\te\u{85}"), "a\nb\ncd\te");
        assert_eq!(normalise("\r\r\n"), "\n\n");
    }

    #[test]
    fn link_policy() {
        for ok in ["https://x.org/a", "HTTP://x", "mailto:a@b", "/rel", "rel/a:b", "#frag", "?q=a:b", "//cdn"] {
            assert!(safe_href(ok).is_some(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:x",
            "\u{1}javascript:x",
            "jav\u{0}ascript:x",
            "data:text/html,<script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "",
            "  ",
        ] {
            assert_eq!(safe_href(bad), None, "{bad:?}");
        }
        assert_eq!(safe_href("  https://x.org \n").as_deref(), Some("https://x.org"));
    }
}
