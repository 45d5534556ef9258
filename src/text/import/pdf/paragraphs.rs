//! Lines into paragraphs: a new one starts after a wider gap than the text's
//! line spacing, at a first-line indent, after a short line that ends a
//! sentence, where the font size changes (headings are the larger sizes) and
//! at a bullet. A paragraph continues across columns and pages. Footnotes (the
//! small lines at a column's foot that start with a marker) are set apart.

use super::columns::Segment;
use super::lines::Line;
use std::collections::HashSet;

/// What a paragraph is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum ParaKind {
    /// Set in a size larger than the body text's.
    Heading(f64),
    Body,
    ListItem,
    Footnote,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Para {
    pub kind: ParaKind,
    pub text: String,
}

/// Sizes this much larger than the body's are headings.
const HEADING_RATIO: f64 = 1.12;
/// Sizes this much smaller than the body's may be footnotes.
const NOTE_RATIO: f64 = 0.92;
/// A gap this much wider than the usual line spacing separates paragraphs.
const PARAGRAPH_GAP: f64 = 1.3;

const BULLETS: [char; 6] = ['•', '◦', '▪', '‣', '∙', '●'];
const NOTE_MARKERS: [char; 14] = ['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹', '⁰', '*', '†', '‡', '§'];

/// The paragraphs of the segments, in reading order; footnotes where they were found.
pub(super) fn paragraphs(segments: &[Segment], body: f64) -> Vec<Para> {
    let spacing = line_spacing(segments, body);
    let words = vocabulary(segments);
    let hyphenates = hyphenation_evidence(segments, &words);
    let mut out: Vec<Para> = Vec::new();
    // The line before, with its segment's right edge, while a paragraph is open.
    let mut last: Option<(Line, f64)> = None;
    // The paragraph the next line may continue (footnotes may have come after it).
    let mut open: Option<usize> = None;
    for segment in segments {
        let start = notes_start(&segment.lines, segment.page_height, body);
        let text_lines = &segment.lines[..start];
        let left = text_lines.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
        let right = right_edge(text_lines, left, body);
        for (i, line) in text_lines.iter().enumerate() {
            let same_segment = i > 0;
            let starts = match &last {
                None => true,
                Some((prev, prev_right)) => {
                    heading_size(line, body) != heading_size(prev, body)
                        || breaks(prev, *prev_right, line, left, same_segment, spacing, body)
                }
            };
            match open.filter(|_| !starts).and_then(|i| out.get_mut(i)) {
                Some(para) => join(&mut para.text, &line.text, &words, hyphenates),
                None => {
                    open = Some(out.len());
                    out.push(Para { kind: kind_of(line, body), text: line.text.clone() });
                }
            }
            last = Some((line.clone(), right));
        }
        for line in &segment.lines[start..] {
            match out.last_mut() {
                Some(note) if note.kind == ParaKind::Footnote && !starts_with_marker(&line.text) => {
                    join(&mut note.text, &line.text, &words, hyphenates);
                }
                _ => out.push(Para { kind: ParaKind::Footnote, text: line.text.clone() }),
            }
        }
    }
    out
}

/// A heading's size (to half a point), or `None` for text in the body's size or smaller.
fn heading_size(line: &Line, body: f64) -> Option<f64> {
    (line.size >= HEADING_RATIO * body).then(|| (line.size * 2.0).round() / 2.0)
}

fn kind_of(line: &Line, body: f64) -> ParaKind {
    if let Some(size) = heading_size(line, body) {
        ParaKind::Heading(size)
    } else if line.text.starts_with(BULLETS) {
        ParaKind::ListItem
    } else {
        ParaKind::Body
    }
}

/// Whether `line` starts a new paragraph after `prev`.
fn breaks(prev: &Line, prev_right: f64, line: &Line, left: f64, same_segment: bool, spacing: f64, body: f64) -> bool {
    if line.text.starts_with(BULLETS) {
        return true;
    }
    // A word hyphenated at the line's end goes on, however short the line.
    if prev.text.ends_with(['-', '\u{2010}', '\u{AD}']) && line.text.starts_with(char::is_lowercase) {
        return false;
    }
    let heading = prev.size >= HEADING_RATIO * body;
    if heading {
        // A heading over two lines stays one, even when a column ends between
        // them (its first line then ran to the column's edge); in one column,
        // anything further down is new.
        let full = prev_right - prev.x1 <= first_word_width(line) + body;
        return (line.size - prev.size).abs() > 0.5
            || if same_segment { line.y - prev.y > 1.5 * prev.size } else { !full };
    }
    // The line before ended early: the next line's first word would have fit.
    let short = prev_right - prev.x1 > first_word_width(line) + body;
    let indented = line.x0 > left + 0.8 * body;
    if same_segment {
        let gap = line.y - prev.y;
        let wide = gap > PARAGRAPH_GAP * spacing * (prev.size.max(line.size) / body).max(1.0) || gap < 0.0;
        wide || (indented && line.x0 > prev.x0 + 0.8 * body) || short
    } else {
        short || indented
    }
}

/// Where the lines of a segment end at most, counting only lines that start
/// near its left edge: a stray line further right (a lone line of the next
/// column, a centred caption) does not make every other line look short.
fn right_edge(lines: &[Line], left: f64, body: f64) -> f64 {
    lines.iter().filter(|l| l.x0 <= left + 3.0 * body).map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max)
}

/// About how wide the line's first word is, with the space before it.
fn first_word_width(line: &Line) -> f64 {
    let chars = line.text.chars().count().max(1);
    let word = line.text.split(' ').next().map_or(0, |w| w.chars().count()) + 1;
    #[allow(clippy::cast_precision_loss)]
    let share = word as f64 / chars as f64;
    (line.x1 - line.x0) * share
}

/// The usual distance between the baselines of two body lines in a row.
fn line_spacing(segments: &[Segment], body: f64) -> f64 {
    let mut gaps: Vec<f64> = segments
        .iter()
        .flat_map(|s| s.lines.windows(2))
        .filter(|w| (w[0].size - body).abs() < 0.1 * body && (w[1].size - body).abs() < 0.1 * body)
        .map(|w| w[1].y - w[0].y)
        .filter(|g| *g > 0.8 * body && *g < 3.0 * body)
        .collect();
    // Too few lines in a row to tell: the usual leading.
    if gaps.len() < 3 {
        return 1.2 * body;
    }
    gaps.sort_by(f64::total_cmp);
    gaps[gaps.len() / 2]
}

/// Where the footnotes at the foot of a segment start (its length if none):
/// the run of small lines at its end, from the first that starts with a
/// marker, in the page's lower half.
fn notes_start(lines: &[Line], page_height: f64, body: f64) -> usize {
    let tail = lines.iter().rev().take_while(|l| l.size < NOTE_RATIO * body && l.y > 0.5 * page_height).count();
    let first_small = lines.len() - tail;
    (first_small..lines.len()).find(|&i| starts_with_marker(&lines[i].text)).unwrap_or(lines.len())
}

fn starts_with_marker(text: &str) -> bool {
    let mut chars = text.chars();
    let first = chars.next();
    match first {
        Some(c) if c.is_ascii_digit() => {
            let rest: String = chars.skip_while(char::is_ascii_digit).take(1).collect();
            rest.is_empty() || rest.starts_with([' ', '.', ')'])
        }
        Some(c) => NOTE_MARKERS.contains(&c),
        None => false,
    }
}

/// Appends a line to a paragraph: a word hyphenated at the line's end is
/// joined again (always for a soft hyphen; for a hyphen when the document
/// shows it hyphenates words, or the joined word occurs elsewhere); a dash
/// at the end joins without a space; anything else joins with a space.
fn join(text: &mut String, next: &str, words: &HashSet<String>, hyphenates: bool) {
    if text.ends_with('\u{AD}') {
        text.pop();
        text.push_str(next);
        return;
    }
    if let Some(head) = text.strip_suffix(['-', '\u{2010}']) {
        let word_before = last_word(head);
        let word_after = first_word(next);
        let letters = !word_before.is_empty() && next.chars().next().is_some_and(char::is_lowercase);
        if letters {
            let joined = format!("{word_before}{word_after}").to_lowercase();
            let hyphened = format!("{word_before}-{word_after}").to_lowercase();
            let drop = words.contains(&joined) || (hyphenates && !words.contains(&hyphened));
            if drop {
                text.pop();
            }
        }
        text.push_str(next);
        return;
    }
    // An em dash is set close: a line may end or begin with one inside a sentence.
    let mut end = text.chars().rev();
    let dash_attached = end.next().is_some_and(|c| matches!(c, '—' | '–')) && end.next().is_some_and(|c| c != ' ');
    if !dash_attached && !next.starts_with('—') {
        text.push(' ');
    }
    text.push_str(next);
}

fn last_word(text: &str) -> &str {
    let start = text.char_indices().rev().take_while(|(_, c)| c.is_alphabetic()).last().map_or(text.len(), |(i, _)| i);
    &text[start..]
}

fn first_word(text: &str) -> &str {
    let end = text.find(|c: char| !c.is_alphabetic()).unwrap_or(text.len());
    &text[..end]
}

/// Every word of the document, lower case, for telling a hyphenated line end
/// (`inter-` `national`) from a compound (`well-` `known`).
fn vocabulary(segments: &[Segment]) -> HashSet<String> {
    let mut words = HashSet::new();
    for line in segments.iter().flat_map(|s| &s.lines) {
        let mut tokens: Vec<&str> = line.text.split_whitespace().collect();
        // A line's first and last words may be halves.
        if tokens.len() >= 2 {
            tokens.pop();
            tokens.remove(0);
        } else {
            tokens.clear();
        }
        for token in tokens {
            let word = token.trim_matches(|c: char| !c.is_alphabetic());
            if !word.is_empty() {
                words.insert(word.to_lowercase());
            }
        }
    }
    words
}

/// Whether the document hyphenates words at line ends: more line-end hyphens
/// join into a word used elsewhere than form a compound used elsewhere.
fn hyphenation_evidence(segments: &[Segment], words: &HashSet<String>) -> bool {
    let (mut joined, mut compound) = (0, 0);
    for segment in segments {
        for pair in segment.lines.windows(2) {
            let Some(head) = pair[0].text.strip_suffix(['-', '\u{2010}']) else { continue };
            let (before, after) = (last_word(head), first_word(&pair[1].text));
            if before.is_empty() || after.is_empty() {
                continue;
            }
            if words.contains(&format!("{before}{after}").to_lowercase()) {
                joined += 1;
            } else if words.contains(&format!("{before}-{after}").to_lowercase()) {
                compound += 1;
            }
        }
    }
    joined > compound
}
