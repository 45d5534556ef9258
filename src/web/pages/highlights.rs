//! The reading's article as the template draws it: blocks of runs from the
//! overlay core, each run with how many marks close and which open before it
//! (each listing the annotations it adds to those around it) and its inline
//! style elements. The template (`partials/reading_block.html`) writes every tag.

use crate::domain::{Annotation, Kind};
use crate::text::overlay::{self, Highlight};
use crate::text::{BlockKind, CharIndex, Document, Style};

pub struct BlockView<'a> {
    pub tag: &'static str,
    pub class: &'static str,
    pub start: usize,
    pub runs: Vec<RunView<'a>>,
    /// How many marks are still open after the last run.
    pub close: usize,
}

pub struct RunView<'a> {
    pub text: &'a str,
    /// How many marks end before this run.
    pub close: usize,
    /// The marks that begin before this run, outermost first.
    pub open: Vec<MarkView<'a>>,
    pub styles: Vec<StyleView<'a>>,
}

/// One `<mark>`: the annotations it adds to the marks around it, its innermost
/// one's kind, and how deep it is drawn.
pub struct MarkView<'a> {
    pub ids: MarkIds<'a>,
    pub class: &'static str,
    /// The drawn-size hint (`data-depth`, a thicker underline), clamped: past a
    /// few levels nobody sees the difference.
    pub depth: usize,
    /// Whether it adds an annotation that is new to the viewer (class `hl-new`).
    pub fresh: bool,
}

/// The most a page's body is sized for ahead of drawing it ("the largest page
/// drawn so far"): one huge page must not make every later one allocate as much.
pub const MAX_PAGE_HINT: usize = 4 * 1024 * 1024;

/// The capacity to draw a page into, from the largest drawn so far.
pub fn page_capacity(largest: usize) -> usize {
    largest.min(MAX_PAGE_HINT) + 4096
}

/// Marks drawn deeper than this look the same.
const MAX_DRAWN_DEPTH: usize = 4;

/// The ids a mark lists, space-separated, written straight into the page. They
/// are UUIDs, which need no escaping: the template writes them as they are.
pub struct MarkIds<'a> {
    highlights: Vec<usize>,
    ids: &'a [&'a str],
}

impl std::fmt::Display for MarkIds<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, &i) in self.highlights.iter().enumerate() {
            if n > 0 {
                f.write_str(" ")?;
            }
            f.write_str(self.ids.get(i).copied().unwrap_or_default())?;
        }
        Ok(())
    }
}

impl askama::filters::HtmlSafe for MarkIds<'_> {}

/// An inline style element: its tag's name, and a link's target (escaped by the template).
pub struct StyleView<'a> {
    pub tag: &'static str,
    pub href: Option<&'a str>,
}

/// The article's blocks, with `annotations` (in any order) drawn over them; `ids` are their ids as text.
pub fn article<'a>(
    doc: &'a Document,
    index: &CharIndex,
    annotations: &[&Annotation],
    ids: &'a [&'a str],
) -> Vec<BlockView<'a>> {
    let ranges = ranges(annotations);
    overlay::runs(doc, index, &ranges).into_iter().map(|block| view(block, annotations, ids)).collect()
}

/// Block `b` of the article alone, with `annotations` (those that overlap it, in
/// text order) drawn over it: as [`article`] draws it with every annotation.
pub fn block<'a>(
    doc: &'a Document,
    index: &CharIndex,
    b: usize,
    annotations: &[&Annotation],
    ids: &'a [&'a str],
) -> Option<BlockView<'a>> {
    let ranges = ranges(annotations);
    let blocks = doc.blocks.get(b..=b)?;
    overlay::runs_of(doc, index, blocks, &ranges).into_iter().next().map(|block| view(block, annotations, ids))
}

fn ranges(annotations: &[&Annotation]) -> Vec<Highlight> {
    annotations.iter().map(|a| Highlight { start: a.position.start, end: a.position.end }).collect()
}

fn view<'a>(block: overlay::BlockRuns<'a>, annotations: &[&Annotation], ids: &'a [&'a str]) -> BlockView<'a> {
    BlockView {
        tag: tag(block.block.kind),
        class: class(block.block.kind),
        start: block.block.start,
        runs: block
            .runs
            .into_iter()
            .map(|run| {
                // The depth of the first mark opened here: those around it, plus one.
                let outer = run.depth - run.open.len();
                let open = run.open.into_iter().enumerate();
                RunView {
                    text: run.text,
                    close: run.close,
                    open: open.filter_map(|(n, listed)| mark(listed, outer + n + 1, annotations, ids)).collect(),
                    styles: run.styles.into_iter().filter_map(style).collect(),
                }
            })
            .collect(),
        close: block.close,
    }
}

pub(super) fn tag(kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::Heading { level: 1 } => "h2",
        BlockKind::Heading { level: 2 } => "h3",
        BlockKind::Heading { level: 3 } => "h4",
        BlockKind::Heading { level: 4 } => "h5",
        BlockKind::Heading { .. } => "h6",
        BlockKind::Paragraph => "p",
        BlockKind::Quote => "blockquote",
        BlockKind::ListItem => "p",
    }
}

pub(super) fn class(kind: BlockKind) -> &'static str {
    match kind {
        BlockKind::Heading { .. } => "b-heading",
        BlockKind::Paragraph => "b-paragraph",
        BlockKind::Quote => "b-quote",
        BlockKind::ListItem => "b-list-item",
    }
}

/// The mark listing `highlights` at nesting depth `depth` (1 for an outermost mark).
fn mark<'a>(
    highlights: Vec<usize>,
    depth: usize,
    annotations: &[&Annotation],
    ids: &'a [&'a str],
) -> Option<MarkView<'a>> {
    let innermost = annotations.get(*highlights.last()?)?;
    let class = mark_class(innermost.kind, depth > 1 || highlights.len() > 1);
    Some(MarkView { ids: MarkIds { highlights, ids }, class, depth: depth.min(MAX_DRAWN_DEPTH), fresh: false })
}

/// Marks the highlights that add an annotation flagged in `fresh` (indexed as
/// the annotations given to [`article`]): new since the viewer's last visit.
pub fn mark_new(blocks: &mut [BlockView<'_>], fresh: &[bool]) {
    if !fresh.contains(&true) {
        return;
    }
    for mark in blocks.iter_mut().flat_map(|b| b.runs.iter_mut()).flat_map(|r| r.open.iter_mut()) {
        mark.fresh = mark.ids.highlights.iter().any(|&i| fresh.get(i).copied().unwrap_or(false));
    }
}

/// A mark's classes: its innermost annotation's kind, and whether others lie under it.
fn mark_class(kind: Kind, stacked: bool) -> &'static str {
    match (kind, stacked) {
        (Kind::Claim, false) => "hl hl-claim",
        (Kind::Claim, true) => "hl hl-claim hl-stack",
        (Kind::Counterargument, false) => "hl hl-counterargument",
        (Kind::Counterargument, true) => "hl hl-counterargument hl-stack",
        (Kind::Source, false) => "hl hl-source",
        (Kind::Source, true) => "hl hl-source hl-stack",
        (Kind::Question, false) => "hl hl-question",
        (Kind::Question, true) => "hl hl-question hl-stack",
        (Kind::Note, false) => "hl hl-note",
        (Kind::Note, true) => "hl hl-note hl-stack",
    }
}

pub(super) fn style(style: &Style) -> Option<StyleView<'_>> {
    let (tag, href) = match style {
        Style::Emphasis => ("em", None),
        Style::Strong => ("strong", None),
        Style::Code => ("code", None),
        Style::Link { href } if is_safe_href(href) => ("a", Some(href.as_str())),
        Style::Link { .. } => return None,
    };
    Some(StyleView { tag, href })
}

/// Links may go to the web, to mail or within the site; never to script.
fn is_safe_href(href: &str) -> bool {
    let lower = href.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => matches!(scheme, "http" | "https" | "mailto"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::is_safe_href;

    #[test]
    fn script_links_are_not_drawn() {
        for bad in ["javascript:alert(1)", " JavaScript:x", "data:text/html,x", "vbscript:x"] {
            assert!(!is_safe_href(bad), "{bad}");
        }
        for good in ["https://example.org", "http://x", "mailto:a@b", "/readings/1", "#fn1", "notes.html?a=b:c"] {
            assert!(is_safe_href(good), "{good}");
        }
    }
}

#[cfg(test)]
mod hint_tests {
    use super::{MAX_PAGE_HINT, page_capacity};

    #[test]
    fn the_page_size_hint_is_clamped() {
        assert_eq!(page_capacity(1_000), 5_096);
        assert_eq!(page_capacity(40 * 1024 * 1024), MAX_PAGE_HINT + 4096);
    }
}
