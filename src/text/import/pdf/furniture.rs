//! Page furniture: running headers and footers (the same words at the top or
//! bottom of most pages, page numbers aside) and lone page numbers go; they
//! are not part of what the author wrote, and would cut sentences in two.

use super::lines::Line;
use std::collections::{HashMap, HashSet};

/// The top and bottom share of a page where furniture may sit.
const MARGIN: f64 = 0.12;
/// At most this many lines at each edge of a page are looked at.
const EDGE_LINES: usize = 3;

/// Drops furniture from each page's lines (`heights[i]` is page `i`'s height;
/// `body` the body text's font size).
pub(super) fn drop_furniture(pages: &mut [Vec<Line>], heights: &[f64], body: f64) {
    let candidates: Vec<Vec<usize>> =
        pages.iter().zip(heights).map(|(lines, &height)| edge_lines(lines, height)).collect();
    let mut pages_with: HashMap<String, HashSet<usize>> = HashMap::new();
    for (page, indices) in candidates.iter().enumerate() {
        for &i in indices {
            pages_with.entry(key(&pages[page][i].text)).or_default().insert(page);
        }
    }
    let repeated_on = (pages.len().div_ceil(2)).max(2);
    for (page, indices) in candidates.iter().enumerate() {
        let drop: HashSet<usize> = indices
            .iter()
            .copied()
            .filter(|&i| {
                let text = &pages[page][i].text;
                is_page_number(text)
                    // A title set larger than the text is not its own running header.
                    || (pages[page][i].size <= body * 1.05
                        && pages_with.get(&key(text)).is_some_and(|p| p.len() >= repeated_on))
                    || small_and_apart(&pages[page], i, heights[page], body)
            })
            .collect();
        let mut i = 0;
        pages[page].retain(|_| {
            i += 1;
            !drop.contains(&(i - 1))
        });
    }
}

/// The indices of the lines nearest the top and bottom edges, inside the margins.
fn edge_lines(lines: &[Line], height: f64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| lines[a].y.total_cmp(&lines[b].y));
    let top = order.iter().copied().take(EDGE_LINES).filter(|&i| lines[i].y < MARGIN * height);
    let bottom = order.iter().rev().copied().take(EDGE_LINES).filter(|&i| lines[i].y > (1.0 - MARGIN) * height);
    let mut out: Vec<usize> = top.chain(bottom).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A line in small print at the top of a page, well above the text below it:
/// a running header even on a page of its own (a title is set larger).
fn small_and_apart(lines: &[Line], i: usize, height: f64, body: f64) -> bool {
    let line = &lines[i];
    let below = lines.iter().filter(|l| l.y > line.y + 0.5 * line.size).map(|l| l.y).fold(f64::INFINITY, f64::min);
    line.y < MARGIN * height && line.size < 0.9 * body && below - line.y > 2.5 * body
}

/// What stays the same of a running header from page to page: no digits, lower case.
fn key(text: &str) -> String {
    let kept: String = text.chars().filter(|c| !c.is_ascii_digit()).flat_map(char::to_lowercase).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `12`, `- 12 -`, `Page 12`, `12 of 30`, `12/30`, `xii`.
pub(super) fn is_page_number(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    let lower = lower.strip_prefix("page").unwrap_or(&lower);
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '/' | '-' | '–' | '—' | '|' | '.' | '(' | ')'))
        .filter(|w| !w.is_empty() && *w != "of")
        .collect();
    // A roman numeral that ends a sentence ("… as in chapter ii.") is the last
    // word of a paragraph, not the number of a page.
    let ends_sentence = lower.trim_end().ends_with('.');
    let number = |w: &&str| {
        (w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit()))
            || (!ends_sentence && w.len() <= 6 && w.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'l' | 'c')))
    };
    !words.is_empty() && words.len() <= 2 && words.iter().all(number)
}
