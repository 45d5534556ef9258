//! HTML import: walks the parsed tree (iteratively, so deep nesting cannot
//! overflow the stack) and turns block elements into blocks and a few inline
//! elements into styles. Only text and safe `href`s leave the source; no tag,
//! attribute or script does.

use super::builder::Builder;
use super::nesting::{MAX_DEPTH, max_depth};
use super::{ImportError, safe_href};
use crate::text::{BlockKind, Document, Style};
use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{Html, Node, node::Element};

/// Imports a normalised HTML document.
pub(super) fn import(source: &str) -> Result<Document, ImportError> {
    let depth = max_depth(source);
    if depth > MAX_DEPTH {
        return Err(ImportError::TooDeep { depth, limit: MAX_DEPTH });
    }
    let mut builder = Builder::new();
    walk(&mut builder, Html::parse_document(source).tree.root());
    builder.finish()
}

/// Imports an HTML fragment into `builder` (raw HTML blocks in markdown).
///
/// A fragment nested past [`MAX_DEPTH`] is left out rather than parsed.
pub(super) fn import_fragment(builder: &mut Builder, fragment: &str) {
    if max_depth(fragment) > MAX_DEPTH {
        return;
    }
    walk(builder, Html::parse_fragment(fragment).tree.root());
    builder.break_block();
}

/// What an element means to the importer.
enum Role {
    /// Skipped with everything inside it: never visible text, or active content.
    Drop,
    /// Starts a block of this kind.
    Block(BlockKind),
    /// A `p`: a paragraph, or a quote/list item inside one of those.
    Paragraph,
    /// Preformatted: a paragraph with a code style whose whitespace is kept.
    Pre,
    /// Ends the current block but has no kind of its own (`div`, `ul`, ...).
    Break,
    LineBreak,
    Style(Option<Style>),
    /// Everything else (`span`, unknown tags): only its children count.
    Transparent,
}

fn role(element: &Element) -> Role {
    match element.name() {
        "script" | "style" | "template" | "noscript" | "iframe" | "frame" | "frameset" | "object" | "embed"
        | "applet" | "head" | "title" | "svg" | "math" | "canvas" | "audio" | "video" | "img" | "input" | "button"
        | "select" | "textarea" | "option" | "optgroup" | "datalist" | "meter" | "progress" | "output" | "link"
        | "meta" | "base" => Role::Drop,
        "h1" => Role::Block(BlockKind::Heading { level: 1 }),
        "h2" => Role::Block(BlockKind::Heading { level: 2 }),
        "h3" => Role::Block(BlockKind::Heading { level: 3 }),
        "h4" => Role::Block(BlockKind::Heading { level: 4 }),
        "h5" => Role::Block(BlockKind::Heading { level: 5 }),
        "h6" => Role::Block(BlockKind::Heading { level: 6 }),
        "blockquote" => Role::Block(BlockKind::Quote),
        "li" => Role::Block(BlockKind::ListItem),
        "p" => Role::Paragraph,
        "pre" | "listing" | "xmp" | "plaintext" => Role::Pre,
        "html" | "body" | "div" | "section" | "article" | "main" | "header" | "footer" | "nav" | "aside" | "ul"
        | "ol" | "menu" | "dl" | "dt" | "dd" | "table" | "caption" | "thead" | "tbody" | "tfoot" | "tr" | "td"
        | "th" | "figure" | "figcaption" | "address" | "details" | "summary" | "fieldset" | "legend" | "form"
        | "hr" | "center" | "hgroup" | "dialog" | "search" => Role::Break,
        "br" => Role::LineBreak,
        "em" | "i" => Role::Style(Some(Style::Emphasis)),
        "strong" | "b" => Role::Style(Some(Style::Strong)),
        "code" => Role::Style(Some(Style::Code)),
        "a" => Role::Style(element.attr("href").and_then(safe_href).map(|href| Style::Link { href })),
        _ => Role::Transparent,
    }
}

/// Walk state besides the builder.
#[derive(Default)]
struct Walker {
    /// Depth inside `pre`: text is kept as written there.
    pre: usize,
    /// Depth inside code (`pre` or `code`): a nested code style would repeat the outer one.
    code: usize,
}

impl Walker {
    fn open(&mut self, b: &mut Builder, role: Role) {
        match role {
            Role::Drop | Role::Transparent => {}
            Role::Block(kind) => b.enter(kind),
            Role::Paragraph => b.enter_paragraph(),
            Role::Pre => {
                b.enter_paragraph();
                self.open_code(b);
                self.pre += 1;
            }
            Role::Break => b.break_block(),
            Role::LineBreak => b.push_newline(),
            Role::Style(Some(Style::Code)) => self.open_code(b),
            Role::Style(style) => b.open(style),
        }
    }

    fn close(&mut self, b: &mut Builder, role: Role) {
        match role {
            Role::Drop | Role::Transparent | Role::LineBreak => {}
            Role::Block(_) | Role::Paragraph => b.leave(),
            Role::Pre => {
                self.pre -= 1;
                self.code -= 1;
                b.close();
                b.leave();
            }
            Role::Break => b.break_block(),
            Role::Style(Some(Style::Code)) => {
                self.code -= 1;
                b.close();
            }
            Role::Style(_) => b.close(),
        }
    }

    fn open_code(&mut self, b: &mut Builder) {
        b.open((self.code == 0).then_some(Style::Code));
        self.code += 1;
    }
}

fn walk(builder: &mut Builder, root: NodeRef<'_, Node>) {
    let mut walker = Walker::default();
    // The dropped element being skipped, if any; its subtree is ignored.
    let mut skipping = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => match node.value() {
                Node::Text(text) if walker.pre > 0 => builder.push_literal(text),
                Node::Text(text) => builder.push_collapsed(text),
                Node::Element(element) => match role(element) {
                    Role::Drop => skipping = Some(node.id()),
                    role => walker.open(builder, role),
                },
                _ => {}
            },
            Edge::Open(_) => {}
            Edge::Close(node) => {
                if skipping.is_some() {
                    if skipping == Some(node.id()) {
                        skipping = None;
                    }
                } else if let Node::Element(element) = node.value() {
                    // `role` is a pure function of the element, so close mirrors open.
                    walker.close(builder, role(element));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
