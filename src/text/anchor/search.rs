//! Where a quote occurs in a text: every occurrence, overlapping ones included,
//! exactly or with other whitespace, in time linear in the text and the quote,
//! and never more than a cap of them.

use aho_corasick::{AhoCorasick, AhoCorasickKind};

/// Byte ranges of every occurrence of `needle`, overlapping ones included, up to
/// `cap + 1` of them (one more than the cap says "too many").
///
/// `str::find` and `memchr::memmem` report non-overlapping occurrences only
/// ("aa" twice in "aaa"), and the one skipped could be the one the context points
/// at; restarting one character after each match costs O(n·m) on periodic text
/// (200,000 `a`s and a quote of 100,000 took most of a minute). Aho-Corasick's
/// overlapping search reports them all in one pass, O(n + m).
pub(super) fn exact_matches(text: &str, needle: &str, cap: usize) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    // Always the NFA: building a DFA for one long quote takes seconds (it is
    // worth it for many searches with one automaton, not for one search).
    let builder = AhoCorasick::builder().kind(Some(AhoCorasickKind::ContiguousNFA)).build([needle]);
    let Ok(automaton) = builder else {
        return Vec::new();
    };
    let Ok(found) = automaton.try_find_overlapping_iter(text) else {
        return Vec::new();
    };
    // A match of valid UTF-8 in valid UTF-8 begins on a lead byte and ends after a
    // whole character, so both ends are character boundaries.
    found.take(cap.saturating_add(1)).map(|m| (m.start(), m.end())).collect()
}

/// Byte ranges where the quote's words occur separated by any non-empty runs of
/// whitespace: a quote pasted with other line breaks or spacing still anchors.
/// Leading and trailing whitespace of the quote are ignored.
///
/// Both sides are squeezed (each run of whitespace becomes one space) and searched
/// like exact quotes, then the matches are mapped back to the text's bytes: linear,
/// where extending every occurrence of the first word word by word was not.
pub(super) fn loose_matches(text: &str, quote: &str, cap: usize) -> Vec<(usize, usize)> {
    let needle = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    if needle.is_empty() {
        return Vec::new();
    }
    let (squeezed, origin) = squeeze(text);
    // The needle begins and ends with a word, so each match begins on a byte copied
    // from the text and ends just after one.
    exact_matches(&squeezed, &needle, cap)
        .into_iter()
        .filter_map(|(start, end)| Some((*origin.get(start)?, origin.get(end.checked_sub(1)?)? + 1)))
        .collect()
}

/// `text` with every run of whitespace replaced by one space, and for each of its
/// bytes the offset of the byte of `text` it came from (a run's first byte, for a space).
fn squeeze(text: &str) -> (String, Vec<usize>) {
    let mut squeezed = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    let mut in_space = false;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            if !in_space {
                squeezed.push(' ');
                origin.push(at);
            }
            in_space = true;
        } else {
            squeezed.push(c);
            origin.extend(at..at + c.len_utf8());
            in_space = false;
        }
    }
    (squeezed, origin)
}

/// The last `max` code points of `text`.
pub(super) fn last_chars(text: &str, max: usize) -> &str {
    match max.checked_sub(1).and_then(|skip| text.char_indices().rev().nth(skip)) {
        Some((cut, _)) => &text[cut..],
        None if max == 0 => "",
        None => text,
    }
}

/// The first `max` code points of `text`.
pub(super) fn first_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_occurrences_are_found_and_capped() {
        assert_eq!(exact_matches("aaaa", "aa", 10), vec![(0, 2), (1, 3), (2, 4)]);
        assert_eq!(exact_matches("aaaa", "aa", 1).len(), 2);
        assert_eq!(exact_matches("é🌍é🌍é", "é🌍é", 10), vec![(0, 8), (6, 14)]);
    }

    #[test]
    fn loose_matches_map_back_to_the_text() {
        let text = "one  two\n\nthree two three";
        assert_eq!(loose_matches(text, " two three ", 10), vec![(5, 15), (16, 25)]);
        assert_eq!(loose_matches(text, "onetwo", 10), vec![]);
    }

    #[test]
    fn context_is_clipped_in_code_points() {
        assert_eq!(last_chars("ab🌍é", 2), "🌍é");
        assert_eq!(last_chars("ab", 5), "ab");
        assert_eq!(last_chars("ab", 0), "");
        assert_eq!(first_chars("é🌍ab", 2), "é🌍");
        assert_eq!(first_chars("é", 3), "é");
    }
}
