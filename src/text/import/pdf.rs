//! PDF layout: from the glyphs of a PDF's text layer (each with its position
//! and size, as a parser reports them) to canonical text and blocks.
//!
//! Pure and independent of any PDF parser: `crate::pdf` reads the file and
//! hands over [`Page`]s. The steps, each in its own module:
//! [`lines`] groups glyphs into lines (spaces from gaps, ligatures undone),
//! [`furniture`] drops running headers, footers and page numbers,
//! [`columns`] puts the lines of a page in reading order (columns, full-width
//! bands), and [`paragraphs`] joins lines into paragraphs and headings,
//! joining hyphenated words and moving footnotes to the end.

mod columns;
mod furniture;
mod lines;
mod paragraphs;
#[cfg(test)]
mod props;
#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;

use super::ImportError;
use super::builder::Builder;
use crate::text::{BlockKind, Document};
use paragraphs::ParaKind;
use unicode_normalization::UnicodeNormalization;

/// One glyph as drawn on a page, in points, with y growing downwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The characters it stands for (a ligature glyph may stand for several).
    pub text: String,
    /// Its left edge.
    pub x: f64,
    /// Its baseline, from the top of the page.
    pub y: f64,
    /// How far it advances the pen.
    pub width: f64,
    /// Its font size as drawn (after every transformation).
    pub size: f64,
}

/// One page: its size and its glyphs in the order the PDF draws them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub width: f64,
    pub height: f64,
    pub glyphs: Vec<Glyph>,
}

/// A laid-out PDF: the document, and its first heading (a title when the file has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Laid {
    pub doc: Document,
    pub heading: Option<String>,
}

/// Lays out `pages` into a document.
///
/// `Err(NoTextLayer)` when no page has a visible character (a scan);
/// `Err(Empty)` when everything visible was page furniture.
pub fn layout(pages: &[Page]) -> Result<Laid, ImportError> {
    let spaces_drawn = lines::spaces_drawn(pages);
    let mut page_lines: Vec<Vec<lines::Line>> =
        pages.iter().enumerate().map(|(i, page)| lines::lines_of(i, page, spaces_drawn)).collect();
    if page_lines.iter().all(Vec::is_empty) {
        return Err(ImportError::NoTextLayer);
    }
    let heights: Vec<f64> = pages.iter().map(|p| sane(p.height)).collect();
    // The body size before furniture goes, judged away from the margins where furniture sits.
    let inside = page_lines
        .iter()
        .zip(&heights)
        .flat_map(|(lines, &h)| lines.iter().filter(move |l| l.y > 0.07 * h && l.y < 0.93 * h));
    let body = if inside.clone().next().is_some() {
        lines::body_size(inside)
    } else {
        lines::body_size(page_lines.iter().flatten())
    };
    furniture::drop_furniture(&mut page_lines, &heights, body);
    let body = lines::body_size(page_lines.iter().flatten());
    let segments: Vec<columns::Segment> = page_lines
        .into_iter()
        .zip(pages)
        .flat_map(|(lines, page)| columns::reading_order(lines, sane(page.height), body))
        .collect();
    let paras = paragraphs::paragraphs(&segments, body);

    let mut sizes: Vec<f64> = paras
        .iter()
        .filter_map(|p| match p.kind {
            ParaKind::Heading(size) => Some(size),
            _ => None,
        })
        .collect();
    sizes.sort_by(|a, b| b.total_cmp(a));
    sizes.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    let level = |size: f64| {
        let rank = sizes.iter().position(|s| (s - size).abs() < 0.5).unwrap_or(sizes.len());
        u8::try_from(rank + 1).unwrap_or(6).min(6)
    };

    let mut builder = Builder::new();
    let mut heading = None;
    let (notes, body_paras): (Vec<_>, Vec<_>) = paras.into_iter().partition(|p| p.kind == ParaKind::Footnote);
    for para in body_paras.iter().chain(&notes) {
        let text: String = para.text.nfc().collect();
        let kind = match para.kind {
            ParaKind::Heading(size) => {
                if heading.is_none() {
                    heading = Some(text.split_whitespace().collect::<Vec<_>>().join(" "));
                }
                BlockKind::Heading { level: level(size) }
            }
            ParaKind::ListItem => BlockKind::ListItem,
            ParaKind::Body | ParaKind::Footnote => BlockKind::Paragraph,
        };
        builder.enter(kind);
        builder.push_collapsed(&text);
        builder.leave();
    }
    let doc = builder.finish()?;
    Ok(Laid { doc, heading: heading.filter(|h| !h.is_empty()) })
}

/// A finite, positive page dimension (A4 width for anything else).
fn sane(v: f64) -> f64 {
    if v.is_finite() && v > 1.0 && v < 1.0e6 { v } else { 595.0 }
}
