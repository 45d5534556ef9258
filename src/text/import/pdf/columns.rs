//! Reading order on one page: lines top to bottom, except where a vertical
//! gutter splits the page into columns; then each band between full-width
//! lines (a title, a figure caption, a footnote across the page) is read
//! left column first, then right. Columns inside columns are found the same
//! way, a few levels deep.

use super::lines::Line;

/// A run of lines read one after another in one column (or across the page).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Segment {
    pub lines: Vec<Line>,
    pub page_height: f64,
}

/// How many times a column may be split again.
const MAX_DEPTH: usize = 3;

/// The page's lines as segments in reading order.
pub(super) fn reading_order(lines: Vec<Line>, height: f64, body: f64) -> Vec<Segment> {
    let lines = cut_at_column_edges(lines);
    let mut out = Vec::new();
    split(lines, body, 0, &mut out);
    out.into_iter().filter(|l| !l.is_empty()).map(|lines| Segment { lines, page_height: height }).collect()
}

/// Lines cut where a word starts exactly where at least three other lines
/// start (another column's left edge): some producers draw the lines of two
/// columns that share a baseline in one go, and glyph widths are too unsure
/// to see the gutter between them.
fn cut_at_column_edges(lines: Vec<Line>) -> Vec<Line> {
    let mut starts: Vec<f64> = lines.iter().map(|l| l.x0).collect();
    starts.sort_by(f64::total_cmp);
    let mut edges: Vec<f64> = Vec::new();
    let mut i = 0;
    while i < starts.len() {
        let j = starts[i..].iter().take_while(|x| **x - starts[i] < 1.0).count();
        if j >= 3 {
            edges.push(starts[i]);
        }
        i += j.max(1);
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut queue = lines;
    while let Some(line) = queue.pop() {
        match edges.iter().find_map(|&edge| line.cut_at_edge(edge)) {
            Some((left, right)) => {
                queue.push(left);
                queue.push(right);
            }
            None => out.push(line),
        }
    }
    out
}

fn by_position(a: &Line, b: &Line) -> std::cmp::Ordering {
    a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0))
}

fn split(mut lines: Vec<Line>, body: f64, depth: usize, out: &mut Vec<Vec<Line>>) {
    lines.sort_by(by_position);
    if depth < MAX_DEPTH
        && let Some(edge) = gutter(&lines, body).is_none().then(|| column_edge(&lines, body)).flatten()
    {
        // Where line ends are unsure, a column is the lines that start at its edge.
        let (right, left): (Vec<Line>, Vec<Line>) = lines.into_iter().partition(|l| l.x0 >= edge - 1.0);
        split(left, body, depth + 1, out);
        split(right, body, depth + 1, out);
        return;
    }
    let Some(mid) = (depth < MAX_DEPTH).then(|| gutter(&lines, body)).flatten() else {
        out.push(lines);
        return;
    };
    let (mut left, mut right, mut across) = (Vec::new(), Vec::new(), Vec::new());
    let flush = |left: &mut Vec<Line>, right: &mut Vec<Line>, out: &mut Vec<Vec<Line>>| {
        split(std::mem::take(left), body, depth + 1, out);
        split(std::mem::take(right), body, depth + 1, out);
    };
    // A line that ran across the gutter (a producer drew both columns' lines in one go) is cut again.
    let lines = lines.into_iter().flat_map(|line| match line.cut_at(mid) {
        Some((left, right)) => vec![left, right],
        None => vec![line],
    });
    for line in lines {
        if line.x1 <= mid {
            if !across.is_empty() {
                out.push(std::mem::take(&mut across));
            }
            left.push(line);
        } else if line.x0 >= mid {
            if !across.is_empty() {
                out.push(std::mem::take(&mut across));
            }
            right.push(line);
        } else {
            // A line across the gutter ends the band above it.
            flush(&mut left, &mut right, out);
            across.push(line);
        }
    }
    if !across.is_empty() {
        out.push(across);
    }
    flush(&mut left, &mut right, out);
}

/// The left edge of a second column, told by where lines start: at least three
/// lines start there and at least three at the page's left edge, more than five
/// body sizes apart. For files whose glyph widths (and so line ends) are wrong.
fn column_edge(lines: &[Line], body: f64) -> Option<f64> {
    if lines.len() < 6 {
        return None;
    }
    let left = lines.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    let at = |x: f64| lines.iter().filter(|l| (l.x0 - x).abs() < 1.0).count();
    if at(left) < 3 {
        return None;
    }
    lines
        .iter()
        .map(|l| l.x0)
        .filter(|&x| x > left + 5.0 * body && at(x) >= 3)
        .fold(None, |best: Option<f64>, x| Some(best.map_or(x, |b| b.min(x))))
}

/// The middle of the widest vertical gap between columns, if the lines show
/// one: most lines keep to either side of it, some on each side, few cross it.
fn gutter(lines: &[Line], body: f64) -> Option<f64> {
    if lines.len() < 4 {
        return None;
    }
    let min = lines.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    let max = lines.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max);
    let span = max - min;
    if span.is_nan() || span <= 4.0 * body {
        return None;
    }
    // Narrow lines show the gutter; lines wider than most of the span cannot be in a column.
    let mut narrow: Vec<(f64, f64)> = lines.iter().filter(|l| l.x1 - l.x0 < 0.6 * span).map(|l| (l.x0, l.x1)).collect();
    narrow.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<(f64, f64)> = None;
    let mut reach = f64::NEG_INFINITY;
    for &(x0, x1) in &narrow {
        if reach > f64::NEG_INFINITY && x0 - reach >= 0.5 * body {
            let centre = f64::midpoint(reach, x0);
            let inside = centre > min + 0.2 * span && centre < max - 0.2 * span;
            if inside && best.is_none_or(|(a, b)| x0 - reach > b - a) {
                best = Some((reach, x0));
            }
        }
        reach = reach.max(x1);
    }
    let (start, end) = best?;
    // Wide lines were left out above: the gutter starts after the widest line that ends before it.
    let start = lines.iter().map(|l| l.x1).filter(|&x1| x1 <= end).fold(start, f64::max);
    if end - start < 0.5 * body {
        return None;
    }
    let mid = f64::midpoint(start, end);
    let left = lines.iter().filter(|l| l.x1 <= mid || l.cut_at(mid).is_some()).count();
    let right = lines.iter().filter(|l| l.x0 >= mid || l.cut_at(mid).is_some()).count();
    let across = lines.iter().filter(|l| l.x1 > mid && l.x0 < mid && l.cut_at(mid).is_none()).count();
    // The last page of a two-column text may end with one line in the right column.
    let sides = (left >= 2 && right >= 2) || (left >= 3 && right >= 1 && across == 0 && end - start >= body);
    (sides && across * 4 <= left + right).then_some(mid)
}
