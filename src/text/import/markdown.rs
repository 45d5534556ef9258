//! Markdown import: maps pulldown-cmark's events onto blocks and styles.
//!
//! Raw HTML: a block of raw HTML goes through the HTML importer (so its text
//! survives and its scripts, handlers and unsafe links do not); inline tags
//! are dropped and the text between them kept, except inside elements whose
//! content is never readable text (`<script>`, `<style>`, ...).

use super::builder::Builder;
use super::{ImportError, html, safe_href};
use crate::text::{BlockKind, Document, Style};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Inline elements whose content is skipped, as the HTML importer drops them.
const HIDDEN_INLINE: &[&str] = &[
    "script", "style", "template", "noscript", "iframe", "object", "embed", "title", "svg", "math", "textarea",
    "select", "button",
];

/// Imports normalised CommonMark (no extensions).
pub(super) fn import(source: &str) -> Result<Document, ImportError> {
    let mut walker = Walker::default();
    for event in Parser::new_ext(source, Options::empty()) {
        walker.event(event);
    }
    walker.builder.finish()
}

#[derive(Default)]
struct Walker {
    builder: Builder,
    /// Raw HTML of the HTML block being read, if inside one.
    html_block: Option<String>,
    /// The inline element whose content is being skipped.
    hidden: Option<String>,
}

impl Walker {
    fn event(&mut self, event: Event<'_>) {
        if let Some(raw) = &mut self.html_block {
            match event {
                Event::Html(text) | Event::Text(text) => raw.push_str(&text),
                Event::End(TagEnd::HtmlBlock) => {
                    let raw = self.html_block.take().unwrap_or_default();
                    html::import_fragment(&mut self.builder, &raw);
                }
                _ => {}
            }
            return;
        }
        let b = &mut self.builder;
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) if self.hidden.is_none() => b.push_literal(&text),
            Event::Code(text) if self.hidden.is_none() => {
                b.open(Some(Style::Code));
                b.push_literal(&text);
                b.close();
            }
            Event::InlineHtml(tag) => self.inline_html(&tag),
            Event::SoftBreak => b.push_literal(" "),
            Event::HardBreak => b.push_newline(),
            Event::Rule => b.break_block(),
            // Extensions are off, so math, footnotes and task markers do not occur;
            // text inside a hidden inline element is skipped.
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let b = &mut self.builder;
        match tag {
            Tag::Paragraph => b.enter_paragraph(),
            Tag::Heading { level, .. } => b.enter(BlockKind::Heading { level: heading_level(level) }),
            Tag::BlockQuote(_) => b.enter(BlockKind::Quote),
            // Code blocks are paragraphs (quotes or list items when inside one)
            // with a code style; the builder folds their blank lines.
            Tag::CodeBlock(_) => {
                b.enter_paragraph();
                b.open(Some(Style::Code));
            }
            Tag::HtmlBlock => self.html_block = Some(String::new()),
            Tag::List(_) => b.break_block(),
            Tag::Item => b.enter(BlockKind::ListItem),
            Tag::Emphasis => b.open(Some(Style::Emphasis)),
            Tag::Strong => b.open(Some(Style::Strong)),
            Tag::Link { dest_url, .. } => {
                b.open(safe_href(&dest_url).map(|href| Style::Link { href }));
            }
            // Images contribute their alt text, which arrives as text events.
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let b = &mut self.builder;
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::BlockQuote(_) | TagEnd::Item => {
                b.leave();
            }
            TagEnd::CodeBlock => {
                b.close();
                b.leave();
            }
            TagEnd::List(_) => b.break_block(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link => b.close(),
            _ => {}
        }
        // Inline HTML cannot outlive its block: an unclosed `<script>` hides no more.
        if matches!(tag, TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) {
            self.hidden = None;
        }
    }

    /// Drops an inline tag; starts or stops hiding text at hidden elements.
    fn inline_html(&mut self, tag: &str) {
        let Some(rest) = tag.strip_prefix('<') else {
            return;
        };
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let name: String =
            rest.chars().take_while(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
        // `<br>` is the one inline tag that changes the text: it breaks the line.
        if name == "br" && !closing && self.hidden.is_none() {
            self.builder.push_newline();
        }
        match &self.hidden {
            Some(hidden) if closing && *hidden == name => self.hidden = None,
            None if !closing && !tag.ends_with("/>") && HIDDEN_INLINE.contains(&name.as_str()) => {
                self.hidden = Some(name);
            }
            _ => {}
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests;
