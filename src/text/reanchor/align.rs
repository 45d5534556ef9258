//! Aligning an old text with a new one: which code points of the old text are
//! still there, and where they are now.
//!
//! The diff runs in three levels. Lines first, with the patience algorithm (it
//! anchors on lines that occur once on each side, so moved or duplicated
//! paragraphs do not drag the rest along); then words inside each changed group
//! of lines; then characters inside each changed group of words, both with
//! Myers. A character-only diff of a 400,000-character text with 10% rewritten
//! costs O(N·D) and did not finish in a trial; each level here only sees what the
//! level above could not match. A deadline bounds the whole: past it `similar`
//! answers a coarser diff, which only means fewer passages are found.

use similar::{Algorithm, DiffOp, capture_diff_deadline};
use std::ops::Range;
use std::time::Instant;

/// A run of code points that is the same on both sides: old `old..old + len`
/// is new `new..new + len`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Run {
    pub old: usize,
    pub new: usize,
    pub len: usize,
}

/// How the old text maps onto the new one.
#[derive(Debug, Clone, Default)]
pub(super) struct Alignment {
    /// Equal runs, in order on both sides, never overlapping.
    pub runs: Vec<Run>,
    /// The new side of each group of changed lines, in code points: the only
    /// places an old passage may have moved to.
    pub changed: Vec<Range<usize>>,
    pub new_len: usize,
}

impl Alignment {
    /// Where an old start offset lands: inside a run, at its image; in text
    /// the diff removed or replaced, at the start of what replaced it.
    pub fn map_start(&self, old: usize) -> usize {
        let i = self.runs.partition_point(|r| r.old + r.len <= old);
        match self.runs.get(i) {
            Some(r) if r.old <= old => r.new + (old - r.old),
            _ => i.checked_sub(1).map_or(0, |p| self.runs[p].new + self.runs[p].len),
        }
    }

    /// Where an old end offset (exclusive) lands: inside or at the end of a run,
    /// at its image; in removed or replaced text, at the end of what replaced it.
    pub fn map_end(&self, old: usize) -> usize {
        let i = self.runs.partition_point(|r| r.old + r.len < old);
        match self.runs.get(i) {
            Some(r) if r.old < old => r.new + (old - r.old),
            Some(r) => r.new,
            None => self.new_len,
        }
    }

    /// How many code points of old `old` are aligned with code points inside new `new`.
    pub fn kept(&self, old: Range<usize>, new: &Range<usize>) -> usize {
        let first = self.runs.partition_point(|r| r.old + r.len <= old.start);
        self.runs[first..]
            .iter()
            .take_while(|r| r.old < old.end)
            .map(|r| {
                // The part of the run inside `old`, then of that the part whose image is inside `new`.
                let (from, to) = (r.old.max(old.start), (r.old + r.len).min(old.end));
                let (image_from, image_to) = (r.new + (from - r.old), r.new + (to - r.old));
                image_to.min(new.end).saturating_sub(image_from.max(new.start))
            })
            .sum()
    }

    /// How many code points of new `new` are aligned with some old code point.
    pub fn aligned_in_new(&self, new: &Range<usize>) -> usize {
        let first = self.runs.partition_point(|r| r.new + r.len <= new.start);
        self.runs[first..]
            .iter()
            .take_while(|r| r.new < new.end)
            .map(|r| (r.new + r.len).min(new.end).saturating_sub(r.new.max(new.start)))
            .sum()
    }
}

/// Aligns `old` with `new`, giving up on finer levels at `deadline`.
pub(super) fn align(old: &[char], new: &[char], deadline: Option<Instant>) -> Alignment {
    let mut out = Alignment { new_len: new.len(), ..Alignment::default() };
    let (old_lines, new_lines) = (split(old, Level::Lines), split(new, Level::Lines));
    diff_level(&old_lines, &new_lines, Algorithm::Patience, deadline, &mut |op| match op {
        Piece::Equal(run) => out.runs.push(run),
        Piece::Changed(o, n) => {
            if !n.is_empty() {
                out.changed.push(n.clone());
            }
            words(old, new, o, n, deadline, &mut out.runs);
        }
    });
    out
}

fn words(old: &[char], new: &[char], o: Range<usize>, n: Range<usize>, deadline: Option<Instant>, runs: &mut Vec<Run>) {
    if o.is_empty() || n.is_empty() {
        return;
    }
    let (old_words, new_words) = (split_at(old, o, Level::Words), split_at(new, n, Level::Words));
    diff_level(&old_words, &new_words, Algorithm::Myers, deadline, &mut |op| match op {
        Piece::Equal(run) => runs.push(run),
        Piece::Changed(o, n) => chars(old, new, o, n, deadline, runs),
    });
}

fn chars(old: &[char], new: &[char], o: Range<usize>, n: Range<usize>, deadline: Option<Instant>, runs: &mut Vec<Run>) {
    if o.is_empty() || n.is_empty() {
        return;
    }
    let (base_old, base_new) = (o.start, n.start);
    for op in
        capture_diff_deadline(Algorithm::Myers, &old[o.clone()], 0..o.len(), &new[n.clone()], 0..n.len(), deadline)
    {
        if let DiffOp::Equal { old_index, new_index, len } = op {
            runs.push(Run { old: base_old + old_index, new: base_new + new_index, len });
        }
    }
}

/// What a level's diff reports, in code points of the whole texts.
enum Piece {
    Equal(Run),
    Changed(Range<usize>, Range<usize>),
}

#[derive(Clone, Copy)]
enum Level {
    Lines,
    Words,
}

/// A token: its code points and where it starts.
#[derive(Debug)]
struct Token<'a> {
    chars: &'a [char],
    at: usize,
}

impl PartialEq for Token<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.chars == other.chars
    }
}
impl Eq for Token<'_> {}
impl std::hash::Hash for Token<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.chars.hash(state);
    }
}

fn split(text: &[char], level: Level) -> Vec<Token<'_>> {
    split_at(text, 0..text.len(), level)
}

/// Lines keep their `\n`; words are runs of alphanumerics, every other code point alone.
fn split_at(text: &[char], range: Range<usize>, level: Level) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let rest = &text[at..range.end];
        let len = match level {
            Level::Lines => rest.iter().position(|&c| c == '\n').map_or(rest.len(), |i| i + 1),
            Level::Words if rest[0].is_alphanumeric() => {
                rest.iter().position(|c| !c.is_alphanumeric()).unwrap_or(rest.len())
            }
            Level::Words => 1,
        };
        tokens.push(Token { chars: &rest[..len], at });
        at += len;
    }
    tokens
}

/// Diffs two token lists and reports equal runs and changed groups in code points.
fn diff_level(
    old: &[Token<'_>],
    new: &[Token<'_>],
    algorithm: Algorithm,
    deadline: Option<Instant>,
    report: &mut dyn FnMut(Piece),
) {
    let end_of = |tokens: &[Token<'_>], i: usize, fallback: usize| tokens.get(i).map_or(fallback, |t: &Token<'_>| t.at);
    let (old_end, new_end) =
        (old.last().map_or(0, |t| t.at + t.chars.len()), new.last().map_or(0, |t| t.at + t.chars.len()));
    let ops = capture_diff_deadline(algorithm, old, 0..old.len(), new, 0..new.len(), deadline);
    // Consecutive changes form one group, so the next level sees a whole hunk.
    let mut pending: Option<(Range<usize>, Range<usize>)> = None;
    let flush = |pending: &mut Option<(Range<usize>, Range<usize>)>, report: &mut dyn FnMut(Piece)| {
        if let Some((o, n)) = pending.take() {
            let o = end_of(old, o.start, old_end)..end_of(old, o.end, old_end);
            let n = end_of(new, n.start, new_end)..end_of(new, n.end, new_end);
            report(Piece::Changed(o, n));
        }
    };
    for op in ops {
        if let DiffOp::Equal { old_index, new_index, len } = op {
            flush(&mut pending, report);
            let (o, n) = (old[old_index].at, new[new_index].at);
            let chars = end_of(old, old_index + len, old_end) - o;
            report(Piece::Equal(Run { old: o, new: n, len: chars }));
            continue;
        }
        let (o, n) = (op.old_range(), op.new_range());
        pending = Some(match pending.take() {
            Some((po, pn)) => (po.start..o.end, pn.start..n.end),
            None => (o, n),
        });
    }
    flush(&mut pending, report);
}
