//! The shared document builder every importer writes into: it owns the
//! canonical-text rules (separators, no blank lines inside a block, no empty
//! blocks, dropped control characters) so the format walkers cannot break them.
//!
//! Offsets are tracked incrementally in code points, so building is O(n).

use super::ImportError;
use crate::text::{BLOCK_SEPARATOR, Block, BlockKind, Document, Style, StyleSpan};

/// Accumulates blocks and styles; the importers only say what they see.
#[derive(Debug, Default)]
pub(super) struct Builder {
    /// The canonical text of the finished blocks.
    text: String,
    /// `text`'s length in code points.
    len: usize,
    blocks: Vec<Block>,
    /// Block kinds entered and not yet left; the innermost decides a block's kind.
    kinds: Vec<BlockKind>,
    /// The text of the block being built.
    cur: String,
    /// `cur`'s length in code points.
    cur_len: usize,
    /// Collapsed whitespace not written yet: it only becomes a space if text follows.
    pending_space: bool,
    /// Open styles with their block-relative start; `None` is a placeholder so
    /// that every `open` is matched by one `close` even when a style is refused.
    open: Vec<Option<OpenStyle>>,
    /// Closed styles of the current block, block-relative, with their `seq`.
    spans: Vec<(usize, StyleSpan)>,
    /// How many styles were opened so far: orders styles over the same range
    /// outermost first.
    seq: usize,
}

#[derive(Debug)]
struct OpenStyle {
    style: Style,
    start: usize,
    seq: usize,
}

impl Builder {
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Starts a block of `kind`, ending the current one.
    pub(super) fn enter(&mut self, kind: BlockKind) {
        self.flush();
        self.kinds.push(kind);
    }

    /// Starts a paragraph-like block. A paragraph inside a quote or list item
    /// takes that kind, so `> a\n>\n> b` gives two quote blocks.
    pub(super) fn enter_paragraph(&mut self) {
        let kind = self.kinds.last().copied().unwrap_or(BlockKind::Paragraph);
        self.enter(kind);
    }

    /// Ends the block entered last; text after it starts a new block of the outer kind.
    pub(super) fn leave(&mut self) {
        self.flush();
        self.kinds.pop();
    }

    /// Ends the current block without changing the kind (a `div`, a list, a rule).
    pub(super) fn break_block(&mut self) {
        self.flush();
    }

    /// Opens a style at the current position; `None` opens nothing but still
    /// needs its [`Builder::close`].
    pub(super) fn open(&mut self, style: Option<Style>) {
        // A space pending before the style belongs before it, not inside it.
        if style.is_some() {
            self.materialise_space();
        }
        self.seq += 1;
        let (start, seq) = (self.cur_len, self.seq);
        self.open.push(style.map(|style| OpenStyle { style, start, seq }));
    }

    /// Closes the style opened last; an empty one is dropped.
    pub(super) fn close(&mut self) {
        if let Some(Some(OpenStyle { style, start, seq })) = self.open.pop()
            && start < self.cur_len
        {
            self.spans.push((seq, StyleSpan { style, start, end: self.cur_len }));
        }
    }

    /// Appends text as it is (markdown text, plain text, `pre`).
    pub(super) fn push_literal(&mut self, s: &str) {
        self.materialise_space();
        for c in s.chars() {
            self.push_char(c);
        }
    }

    /// Appends HTML text, collapsing runs of ASCII whitespace into one space
    /// as a browser does; spaces at block edges disappear.
    pub(super) fn push_collapsed(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_ascii_whitespace() || c == '\r' {
                self.pending_space = true;
            } else {
                self.materialise_space();
                self.push_char(c);
            }
        }
    }

    /// A line break inside a block (`<br>`, a markdown hard break, a text line).
    pub(super) fn push_newline(&mut self) {
        // A browser drops the spaces before a line break.
        self.pending_space = false;
        self.truncate(self.cur.trim_end_matches([' ', '\t']).len());
        self.push_char('\n');
    }

    /// Ends the last block and returns the document, or `Empty` if nothing had text.
    pub(super) fn finish(mut self) -> Result<Document, ImportError> {
        self.flush();
        if self.blocks.is_empty() {
            return Err(ImportError::Empty);
        }
        Ok(Document { text: self.text, blocks: self.blocks })
    }

    fn materialise_space(&mut self) {
        if std::mem::take(&mut self.pending_space)
            && self
                .cur
                .chars()
                .next_back()
                // Only collapsible whitespace absorbs the space: `&nbsp; x` keeps both.
                .is_some_and(|c| !matches!(c, ' ' | '\t' | '\n'))
        {
            self.cur.push(' ');
            self.cur_len += 1;
        }
    }

    fn push_char(&mut self, c: char) {
        // A lone '\r' can still arrive through an entity (`&#13;`).
        let c = if c == '\r' { '\n' } else { c };
        if c.is_control() && c != '\n' && c != '\t' {
            return;
        }
        // No block starts with a newline or holds a blank line, so the
        // separator stays the only "\n\n" in the canonical text.
        if c == '\n' && self.cur.chars().next_back().is_none_or(|last| last == '\n') {
            return;
        }
        self.cur.push(c);
        self.cur_len += 1;
    }

    /// Cuts the current block to `bytes` and pulls the styles back inside it.
    ///
    /// Amortised O(removed + styles touched): span ends and open starts only
    /// grow between truncations, so only a suffix of each list can be past the cut.
    fn truncate(&mut self, bytes: usize) {
        if bytes == self.cur.len() {
            return;
        }
        self.cur_len -= self.cur[bytes..].chars().count();
        self.cur.truncate(bytes);
        let len = self.cur_len;
        for (_, span) in self.spans.iter_mut().rev().take_while(|(_, s)| s.end > len) {
            span.end = len;
            span.start = span.start.min(len);
        }
        for open in self.open.iter_mut().rev().flatten().take_while(|o| o.start > len) {
            open.start = len;
        }
    }

    /// Writes the current block out (if it has text) and starts an empty one.
    fn flush(&mut self) {
        self.pending_space = false;
        self.truncate(self.cur.trim_end().len());
        let len = self.cur_len;

        // Styles still open continue into the next block; record this block's part.
        let mut spans = std::mem::take(&mut self.spans);
        for open in self.open.iter_mut().flatten() {
            if open.start < len {
                let span = StyleSpan { style: open.style.clone(), start: open.start, end: len };
                spans.push((open.seq, span));
            }
            open.start = 0;
        }

        if len > 0 {
            let start = if self.blocks.is_empty() {
                0
            } else {
                self.text.push_str(BLOCK_SEPARATOR);
                self.len + BLOCK_SEPARATOR.len()
            };
            self.text.push_str(&self.cur);
            self.len = start + len;
            // Block-relative to absolute offsets.
            let mut spans: Vec<(usize, StyleSpan)> = spans
                .into_iter()
                // Truncation may have emptied some styles.
                .filter(|(_, span)| span.start < span.end)
                .map(|(seq, span)| {
                    let (from, to) = (start + span.start, start + span.end);
                    (seq, StyleSpan { style: span.style, start: from, end: to })
                })
                .collect();
            // Outermost first: earliest start, then longest, then opened first.
            spans.sort_by(|(sa, a), (sb, b)| a.start.cmp(&b.start).then(b.end.cmp(&a.end)).then(sa.cmp(sb)));
            let styles = spans.into_iter().map(|(_, span)| span).collect();
            let kind = self.kinds.last().copied().unwrap_or(BlockKind::Paragraph);
            self.blocks.push(Block { kind, start, end: self.len, styles });
        }
        self.cur.clear();
        self.cur_len = 0;
    }
}

#[cfg(test)]
mod tests;
