//! The reading's article as the template draws it: blocks of runs from the
//! overlay core, each run with its `<mark>` (the annotations over it) and its
//! inline style elements.

use crate::domain::Annotation;
use crate::text::overlay::{self, Highlight};
use crate::text::{BlockKind, CharIndex, Document, Style};

pub struct BlockView<'a> {
    pub tag: &'static str,
    pub class: &'static str,
    pub start: usize,
    pub runs: Vec<RunView<'a>>,
}

pub struct RunView<'a> {
    pub text: &'a str,
    pub mark: Option<MarkView>,
    pub styles: Vec<StyleView<'a>>,
}

/// One `<mark>` for a run: every annotation over it, the innermost one's kind first.
pub struct MarkView {
    pub ids: Markup,
    pub class: Markup,
    pub depth: usize,
}

/// Attribute values made here only of annotation ids and kind names, which need
/// no escaping: the template writes them as they are (1,000 marks a page, a few
/// ids each, add up).
pub struct Markup(String);

impl std::fmt::Display for Markup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl askama::filters::HtmlSafe for Markup {}

/// An inline style element: static tags, and a link's target (escaped by the template).
pub struct StyleView<'a> {
    pub open: &'static str,
    pub close: &'static str,
    pub href: Option<&'a str>,
}

/// The article's blocks, with `annotations` (in any order) drawn over them; `ids` are their ids as text.
pub fn article<'a>(
    doc: &'a Document,
    index: &CharIndex,
    annotations: &[&Annotation],
    ids: &[&str],
) -> Vec<BlockView<'a>> {
    let ranges: Vec<Highlight> =
        annotations.iter().map(|a| Highlight { start: a.position.start, end: a.position.end }).collect();
    overlay::runs(doc, index, &ranges)
        .into_iter()
        .map(|block| BlockView {
            tag: tag(block.block.kind),
            class: class(block.block.kind),
            start: block.block.start,
            runs: block
                .runs
                .into_iter()
                .map(|run| RunView {
                    text: run.text,
                    mark: mark(&run.highlights, annotations, ids),
                    styles: run.styles.into_iter().filter_map(style).collect(),
                })
                .collect(),
        })
        .collect()
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

fn mark(highlights: &[usize], annotations: &[&Annotation], ids: &[&str]) -> Option<MarkView> {
    let innermost = annotations.get(*highlights.last()?)?;
    let ids: Vec<&str> = highlights.iter().filter_map(|&i| ids.get(i).copied()).collect();
    let mut class = format!("hl hl-{}", innermost.kind.as_str());
    if highlights.len() > 1 {
        class.push_str(" hl-stack");
    }
    Some(MarkView { ids: Markup(ids.join(" ")), class: Markup(class), depth: highlights.len() })
}

pub(super) fn style(style: &Style) -> Option<StyleView<'_>> {
    let (open, close, href) = match style {
        Style::Emphasis => ("<em>", "</em>", None),
        Style::Strong => ("<strong>", "</strong>", None),
        Style::Code => ("<code>", "</code>", None),
        Style::Link { href } if is_safe_href(href) => ("", "</a>", Some(href.as_str())),
        Style::Link { .. } => return None,
    };
    Some(StyleView { open, close, href })
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
