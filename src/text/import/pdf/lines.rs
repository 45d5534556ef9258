//! Glyphs into lines: consecutive glyphs on one baseline, moving rightwards,
//! make a line; a gap wider than a thin space makes a space; ligature
//! characters are spelled out; control characters and unmapped glyphs go.

use super::{Glyph, Page};
use std::collections::HashMap;

/// One line of text on a page (or one column's part of a line).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Line {
    pub page: usize,
    pub x0: f64,
    pub x1: f64,
    /// The baseline of its largest glyphs, from the top of the page.
    pub y: f64,
    /// Its largest font size (a superscript note marker does not lower it).
    pub size: f64,
    pub text: String,
    /// Wide gaps inside it (from, to, and the byte where the text after it
    /// starts): where a line that ran across a column gutter is cut again.
    pub gaps: Vec<(f64, f64, usize)>,
    /// Where each word after the first starts (x, byte): a line drawn across a
    /// gutter is cut where a word starts exactly at another column's edge.
    pub word_starts: Vec<(f64, usize)>,
}

impl Line {
    /// The line cut at its wide gap around `x`, if it has one: the parts left and right of it.
    pub(super) fn cut_at(&self, x: f64) -> Option<(Line, Line)> {
        let &(from, to, at) = self.gaps.iter().find(|(from, to, _)| *from < x && x < *to)?;
        self.split(from, to, at)
    }

    /// The line cut where a word starts at `edge` (another column's left edge), if one does.
    pub(super) fn cut_at_edge(&self, edge: f64) -> Option<(Line, Line)> {
        let &(x, at) =
            self.word_starts.iter().find(|(x, _)| (x - edge).abs() < 1.0 && *x > self.x0 + 4.0 * self.size)?;
        let from = self.x0.max(x - 2.0 * self.size);
        self.split(from, x, at)
    }

    fn split(&self, from: f64, to: f64, at: usize) -> Option<(Line, Line)> {
        let part = |x0: f64, x1: f64, text: &str| {
            let shift = |v: &[(f64, usize)]| v.iter().filter(|(x, _)| *x > x0 && *x < x1).copied().collect::<Vec<_>>();
            Line {
                x0,
                x1,
                text: text.to_owned(),
                gaps: Vec::new(),
                word_starts: shift(&self.word_starts),
                ..self.clone()
            }
        };
        let mut left = part(self.x0, from, self.text[..at].trim_end());
        let right_text = self.text[at..].trim_start();
        let offset = self.text.len() - right_text.len();
        let mut right = part(to, self.x1, right_text);
        left.word_starts.retain(|(_, i)| *i < at);
        right.word_starts =
            right.word_starts.iter().filter(|(_, i)| *i >= offset).map(|&(x, i)| (x, i - offset)).collect();
        (!left.text.is_empty() && !right.text.is_empty()).then_some((left, right))
    }
}

/// Gaps wider than this many font sizes inside a line are remembered as places to cut it.
const WIDE_GAP: f64 = 1.2;

/// Gaps wider than this many font sizes between two glyphs are a space, in a
/// file that draws no spaces of its own.
const SPACE_GAP: f64 = 0.18;
/// Where the file draws its spaces, gaps are not spaces: the widths such files
/// give are often wrong (a `W` said to be zero wide), their spaces are not.
const SPACE_GAP_WITH_SPACES: f64 = f64::INFINITY;
/// Gaps wider than this many font sizes end the line (a column gutter, a tab stop).
const LINE_GAP: f64 = 1.5;
/// After a space the file drew, a wider gap still continues the line (a justified line's stretched space).
const LINE_GAP_AFTER_SPACE: f64 = 3.0;
/// Baselines closer than this many font sizes are one line (superscripts included).
const BASELINE_TOLERANCE: f64 = 0.5;

/// Whether the pages draw their spaces as glyphs (at least one glyph in 25 is one).
pub(super) fn spaces_drawn(pages: &[Page]) -> bool {
    let glyphs = pages.iter().flat_map(|p| &p.glyphs);
    let (spaces, all) = glyphs.fold((0usize, 0usize), |(s, a), g| (s + usize::from(g.text == " "), a + 1));
    spaces * 25 >= all && spaces > 0
}

/// The lines of `page`, in the order the PDF draws them.
pub(super) fn lines_of(index: usize, page: &Page, spaces_drawn: bool) -> Vec<Line> {
    let space_gap = if spaces_drawn { SPACE_GAP_WITH_SPACES } else { SPACE_GAP };
    let mut out = Vec::new();
    let mut current: Option<Open> = None;
    for glyph in page.glyphs.iter().filter(|g| usable(g)) {
        let text = spell_out(&glyph.text);
        if text.is_empty() {
            continue;
        }
        let is_space = text.chars().all(char::is_whitespace);
        if let Some(open) = &mut current {
            if open.continues_with(glyph) {
                open.push(glyph, &text, is_space, space_gap);
                continue;
            }
            out.extend(current.take().and_then(Open::finish));
        }
        if !is_space {
            current = Some(Open::start(index, glyph, text));
        }
    }
    out.extend(current.and_then(Open::finish));
    out
}

/// A line being assembled.
struct Open {
    line: Line,
    /// Where the pen stands after the last glyph.
    end: f64,
    /// Where the last glyph that is not a space ends.
    ink_end: f64,
    last_size: f64,
    pending_space: bool,
}

impl Open {
    fn start(page: usize, glyph: &Glyph, text: String) -> Self {
        let end = glyph.x + advance(glyph);
        let line = Line {
            page,
            x0: glyph.x,
            x1: end,
            y: glyph.y,
            size: glyph.size,
            text,
            gaps: Vec::new(),
            word_starts: Vec::new(),
        };
        Self { end, ink_end: end, last_size: glyph.size, pending_space: false, line }
    }

    fn continues_with(&self, glyph: &Glyph) -> bool {
        let size = self.line.size.max(glyph.size);
        (glyph.y - self.line.y).abs() <= BASELINE_TOLERANCE * size
            // Within a run a parser places glyphs by the font's widths, which may be
            // wrong; the next run's own position may then step back. Text on the
            // same baseline, right of the line's start, is the same line.
            && glyph.x >= self.line.x0 - 0.5 * size
            && glyph.x <= self.end + if self.pending_space { LINE_GAP_AFTER_SPACE } else { LINE_GAP } * size
    }

    fn push(&mut self, glyph: &Glyph, text: &str, is_space: bool, space_gap: f64) {
        let gap = glyph.x - self.end;
        self.end = glyph.x + advance(glyph);
        if is_space {
            self.pending_space = true;
            return;
        }
        if gap > space_gap * glyph.size.min(self.last_size) {
            self.pending_space = true;
        }
        if std::mem::take(&mut self.pending_space) && !self.line.text.ends_with(' ') {
            self.line.text.push(' ');
            self.line.word_starts.push((glyph.x, self.line.text.len()));
        }
        let from = self.ink_end;
        if glyph.x - from > WIDE_GAP * glyph.size.max(self.last_size) {
            self.line.gaps.push((from, glyph.x, self.line.text.len()));
        }
        self.line.text.push_str(text.trim_start());
        self.ink_end = glyph.x + advance(glyph);
        self.last_size = glyph.size;
        self.line.x1 = self.line.x1.max(self.end);
        if glyph.size > self.line.size * 1.05 {
            self.line.size = glyph.size;
            self.line.y = glyph.y;
        }
    }

    fn finish(self) -> Option<Line> {
        let mut line = self.line;
        let trimmed = line.text.trim_end().len();
        line.text.truncate(trimmed);
        (!line.text.is_empty()).then_some(line)
    }
}

/// How far a glyph moves the pen, at most an em (a wrong width must not hide the next glyph).
fn advance(glyph: &Glyph) -> f64 {
    glyph.width.clamp(0.0, glyph.size)
}

/// Finite coordinates and a font size a reader could see.
fn usable(glyph: &Glyph) -> bool {
    [glyph.x, glyph.y, glyph.width].iter().all(|v| v.is_finite() && v.abs() < 1.0e6)
        && glyph.size.is_finite()
        && glyph.size > 0.5
        && glyph.size < 1_000.0
}

/// The characters a reader sees: ligatures spelled out, every white space a
/// plain space, control characters and unmapped glyphs (U+FFFD) dropped.
pub(super) fn spell_out(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{FFFD}' => {}
            c if c.is_whitespace() => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The font size most of the text is set in (weighted by characters, to half a point).
pub(super) fn body_size<'a>(lines: impl Iterator<Item = &'a Line>) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for line in lines {
        #[allow(clippy::cast_possible_truncation)]
        let key = (line.size * 2.0).round() as i64;
        *counts.entry(key).or_default() += line.text.chars().count();
    }
    #[allow(clippy::cast_precision_loss)]
    counts.into_iter().max_by_key(|&(key, n)| (n, -key)).map_or(12.0, |(key, _)| key as f64 / 2.0).max(1.0)
}
