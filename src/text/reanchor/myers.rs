//! Approximate search: where a short pattern (at most 64 code points) occurs in
//! a text with the fewest edits, by Myers' bit-parallel algorithm ("A fast
//! bit-vector algorithm for approximate string matching based on dynamic
//! programming", J. ACM 1999): one pass over the text, a few word operations per
//! code point, whatever the number of errors allowed.
//!
//! Written here rather than taken from a crate: it is thirty lines, it must count
//! code points (not bytes), and it only ever runs inside the changed parts of an
//! edited reading, under a budget.

use std::collections::HashMap;

/// The longest pattern one machine word holds.
pub(super) const MAX_PATTERN: usize = 64;

/// A match: the text's `start..end` (code points) is `distance` edits from the pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Match {
    pub start: usize,
    pub end: usize,
    pub distance: usize,
}

/// For each code point of `text`, the pattern's peq masks; the pattern is at most 64 long.
struct Pattern {
    peq: HashMap<char, u64>,
    len: usize,
}

impl Pattern {
    fn new(pattern: &[char]) -> Self {
        let mut peq: HashMap<char, u64> = HashMap::new();
        for (i, &c) in pattern.iter().enumerate() {
            *peq.entry(c).or_insert(0) |= 1 << i;
        }
        Self { peq, len: pattern.len() }
    }

    /// Calls `seen(j, d)` for each position `j` of `text` with `d`, the fewest
    /// edits turning the pattern into a substring of `text` that ends just before `j + 1`.
    fn scan(&self, text: &[char], mut seen: impl FnMut(usize, usize)) {
        let high = 1_u64 << (self.len - 1);
        let (mut pv, mut mv, mut score) = (u64::MAX, 0_u64, self.len);
        for (j, c) in text.iter().enumerate() {
            let eq = self.peq.get(c).copied().unwrap_or(0);
            let xv = eq | mv;
            let xh = (((eq & pv).wrapping_add(pv)) ^ pv) | eq;
            let mut ph = mv | !(xh | pv);
            let mut mh = pv & xh;
            if ph & high != 0 {
                score += 1;
            } else if mh & high != 0 {
                score -= 1;
            }
            // A match may start anywhere in the text: no carry into the first row.
            ph <<= 1;
            mh <<= 1;
            pv = mh | !(xv | ph);
            mv = ph & xv;
            seen(j, score);
        }
    }
}

/// The best matches of `pattern` in `text` with at most `max_distance` edits, one
/// per place (a local minimum; neighbours ending a few code points on are the same
/// place), best first, at most `cap` + 1 of them. Empty when the pattern is empty or too long.
pub(super) fn search(pattern: &[char], text: &[char], max_distance: usize, cap: usize) -> Vec<Match> {
    if pattern.is_empty() || pattern.len() > MAX_PATTERN {
        return Vec::new();
    }
    let forward = Pattern::new(pattern);
    // Ends of places: a run of positions within the distance, closed when it has
    // gone on for a pattern's length past its best.
    let mut ends: Vec<(usize, usize)> = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    forward.scan(text, |j, d| {
        if let Some((best_j, best_d)) = current {
            if j - best_j > pattern.len() {
                ends.push((best_j, best_d));
                current = None;
            } else if d < best_d {
                current = Some((j, d));
            }
        }
        if current.is_none() && d <= max_distance {
            current = Some((j, d));
        }
    });
    ends.extend(current);
    ends.sort_by_key(|&(j, d)| (d, j));
    ends.truncate(cap.saturating_add(1));
    let reversed: Vec<char> = pattern.iter().rev().copied().collect();
    let backward = Pattern::new(&reversed);
    ends.into_iter().map(|(j, d)| Match { start: start_of(&backward, text, j, d), end: j + 1, distance: d }).collect()
}

/// Where the match of `distance` edits ending at `end` (inclusive) starts: the
/// reversed pattern scanned backwards from there; the nearest start that reaches
/// the distance, so the match is no longer than it need be.
fn start_of(backward: &Pattern, text: &[char], end: usize, distance: usize) -> usize {
    let from = (end + 1).saturating_sub(backward.len + distance);
    let window: Vec<char> = text[from..=end].iter().rev().copied().collect();
    let mut best = (usize::MAX, 0);
    backward.scan(&window, |j, d| {
        if d < best.0 {
            best = (d, j);
        }
    });
    end - best.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn exact_and_approximate_matches_are_found_with_their_distance() {
        let text = chars("the marriage of convenience, a marriage of conveniance");
        let found = search(&chars("marriage of convenience"), &text, 3, 10);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0], Match { start: 4, end: 27, distance: 0 });
        assert_eq!((found[1].start, found[1].end, found[1].distance), (31, 54, 1));
    }

    #[test]
    fn nothing_beyond_the_distance_and_code_points_not_bytes() {
        let text = chars("déjà vu 🌍 déjà");
        assert_eq!(search(&chars("zzzz"), &text, 1, 10), vec![]);
        let found = search(&chars("🌍 déjà"), &text, 0, 10);
        assert_eq!(found, vec![Match { start: 8, end: 14, distance: 0 }]);
    }

    #[test]
    fn empty_and_overlong_patterns_find_nothing() {
        assert!(search(&[], &chars("abc"), 2, 10).is_empty());
        assert!(search(&vec!['a'; 65], &vec!['a'; 100], 2, 10).is_empty());
        assert_eq!(search(&vec!['a'; 64], &vec!['a'; 64], 0, 10).len(), 1);
    }
}
