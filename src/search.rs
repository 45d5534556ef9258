//! Search as users type it: the query parsed into words, phrases and
//! Hypothesis-style filters (`user:`, `kind:`, `quote:`, `tag:`), and the
//! highlighted words of a snippet as code-point ranges. Pure: no SQL, no HTTP;
//! `db::search` makes each backend's match (FTS5's or PostgreSQL's) of the terms.

use crate::domain::{Invalid, Kind};

/// How much one query may ask for (`--search-query-chars`, `--search-terms`, `--search-pages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct SearchLimits {
    /// Longest search query, in characters.
    #[arg(long = "search-query-chars", env = "COUNTERPOINT_SEARCH_QUERY_CHARS", default_value_t = 500)]
    pub query_chars: usize,
    /// Most words, phrases and filters in one search query.
    #[arg(long = "search-terms", env = "COUNTERPOINT_SEARCH_TERMS", default_value_t = 16)]
    pub terms: usize,
    /// Highest page number of search results (20 to a page).
    #[arg(long = "search-pages", env = "COUNTERPOINT_SEARCH_PAGES", default_value_t = 100)]
    pub pages: u32,
}

impl Default for SearchLimits {
    fn default() -> Self {
        Self { query_chars: 500, terms: 16, pages: 100 }
    }
}

/// Results on one page.
pub const PER_PAGE: u32 = 20;

/// Marks the database puts around a matching word (FTS5's `snippet()`, PostgreSQL's
/// `ts_headline`); [`highlights`] takes them out.
pub const MARK_OPEN: char = '\u{2}';
pub const MARK_CLOSE: char = '\u{3}';

/// One word or phrase to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    /// `quote:`: only in the highlighted words of annotations.
    pub quote_only: bool,
    /// A trailing `*`: words starting with it.
    pub prefix: bool,
}

/// A parsed query: what to find and the filters typed into it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    pub kind: Option<Kind>,
    /// `user:NAME`: by the member of that name (or first name).
    pub user: Option<String>,
    /// `tag:TAG`: only annotations carrying that tag (any case).
    pub tag: Option<String>,
}

impl Query {
    /// Parses what the user typed. Words are split on white space; `"…"` makes a
    /// phrase; `user:`, `kind:`, `tag:` and `quote:` (any case) take the next word or phrase.
    /// Any other text, `col:val`, `NEAR(`, `AND` or `-` included, is words to find.
    pub fn parse(input: &str, limits: &SearchLimits) -> Result<Self, Invalid> {
        if input.chars().count() > limits.query_chars {
            return Err(Invalid::new("q", format!("a search is at most {} characters", limits.query_chars)));
        }
        let mut query = Query::default();
        let mut count = 0;
        for (prefix, text) in lex(input) {
            let text = text.trim();
            if !text.chars().any(char::is_alphanumeric) {
                continue; // nothing FTS5's tokenizer would keep
            }
            count += 1;
            if count > limits.terms {
                return Err(Invalid::new("q", format!("a search has at most {} words and filters", limits.terms)));
            }
            match prefix.as_deref() {
                Some("kind") => query.kind = Some(text.to_lowercase().parse()?),
                Some("user") => query.user = Some(text.to_owned()),
                Some("tag") => query.tag = Some(text.to_owned()),
                quote => {
                    let prefix = text.ends_with('*');
                    let text = text.trim_end_matches('*').to_owned();
                    query.terms.push(Term { text, quote_only: quote.is_some(), prefix });
                }
            }
        }
        Ok(query)
    }

    /// Whether there is anything to search for.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.kind.is_none() && self.user.is_none() && self.tag.is_none()
    }
}

/// Splits the input into (prefix, text) pieces; control characters count as spaces.
fn lex(input: &str) -> Vec<(Option<String>, String)> {
    const PREFIXES: [&str; 4] = ["user", "kind", "quote", "tag"];
    let mut out = Vec::new();
    let mut chars = input.chars().map(|c| if c.is_control() { ' ' } else { c }).peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return out;
        }
        let (mut prefix, mut text, mut quoted) = (None, String::new(), false);
        while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
            if c == '"' {
                quoted = true;
                text.extend(chars.by_ref().take_while(|&c| c != '"'));
            } else if c == ':' && prefix.is_none() && !quoted && PREFIXES.contains(&text.to_lowercase().as_str()) {
                prefix = Some(std::mem::take(&mut text).to_lowercase());
            } else {
                text.push(c);
            }
        }
        out.push((prefix, text));
    }
}

/// A snippet with its marks taken out: the text and the code-point
/// ranges `[start, end)` that were marked.
#[must_use]
pub fn highlights(marked: &str) -> (String, Vec<(usize, usize)>) {
    let (mut text, mut ranges, mut open, mut at) = (String::new(), Vec::new(), None, 0);
    for c in marked.chars() {
        match c {
            MARK_OPEN => open = Some(at),
            MARK_CLOSE => {
                if let Some(start) = open.take().filter(|&s| s < at) {
                    ranges.push((start, at));
                }
            }
            c => {
                text.push(c);
                at += 1;
            }
        }
    }
    (text, ranges)
}

/// About `words` words of a marked text, around its marks, with `…` where it
/// was cut: what FTS5's `snippet()` gives, made from a text marked whole
/// (PostgreSQL's `ts_headline`, which cannot cut without dropping what looks
/// like an HTML tag). A word is a run of letters and digits, as FTS5 counts
/// tokens; the window is the first with the most marked words, centred on them.
#[must_use]
pub fn excerpt(marked: &str, words: usize) -> String {
    // Each word's byte range and whether it is marked.
    let (mut spans, mut word, mut open) = (Vec::new(), None, false);
    for (at, c) in marked.char_indices().chain([(marked.len(), ' ')]) {
        if c.is_alphanumeric() {
            word = word.or(Some((at, open)));
            continue;
        }
        if let Some((start, marked)) = word.take() {
            spans.push((start, at, marked));
        }
        match c {
            MARK_OPEN => open = true,
            MARK_CLOSE => open = false,
            _ => {}
        }
    }
    if words == 0 || spans.len() <= words {
        return marked.to_owned();
    }
    let last_start = spans.len() - words;
    let count = |s: usize| spans[s..s + words].iter().filter(|w| w.2).count();
    let best = (0..=last_start).rev().max_by_key(|&s| count(s)).unwrap_or(0);
    let window = &spans[best..best + words];
    let start = match (window.iter().position(|w| w.2), window.iter().rposition(|w| w.2)) {
        (Some(first), Some(last)) => (best + first).saturating_sub((words - (last - first + 1)) / 2).min(last_start),
        _ => best,
    };
    let end = start + words;
    // The text from the window's first word (with its mark) to its last (with its close).
    let from = if start == 0 { 0 } else { spans[start].0 - usize::from(marked[..spans[start].0].ends_with(MARK_OPEN)) };
    let to = if end == spans.len() {
        marked.len()
    } else {
        spans[end - 1].1 + usize::from(marked[spans[end - 1].1..].starts_with(MARK_CLOSE))
    };
    let (before, after) = (if start > 0 { "…" } else { "" }, if end < spans.len() { "…" } else { "" });
    format!("{before}{}{after}", &marked[from..to])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(input: &str) -> Query {
        Query::parse(input, &SearchLimits::default()).expect("parses")
    }

    #[test]
    fn prefixes_phrases_and_stars_are_parsed_by_the_product() {
        let q = parse(r#"Kind:claim user:"Ana Lima" quote:"a marriage" sanct* "NEAR(" col:val TAG:"hard power""#);
        assert_eq!(q.kind, Some(Kind::Claim));
        assert_eq!(q.tag.as_deref(), Some("hard power"));
        assert_eq!(q.user.as_deref(), Some("Ana Lima"));
        let texts: Vec<_> = q.terms.iter().map(|t| (t.text.as_str(), t.quote_only, t.prefix)).collect();
        assert_eq!(
            texts,
            [("a marriage", true, false), ("sanct", false, true), ("NEAR(", false, false), ("col:val", false, false)]
        );
    }

    #[test]
    fn limits_and_bad_kinds_are_refused() {
        let limits = SearchLimits { query_chars: 10, terms: 2, pages: 1 };
        assert!(Query::parse(&"a".repeat(11), &limits).is_err());
        assert!(Query::parse("a b c", &limits).is_err());
        assert!(Query::parse("a \" * -", &limits).is_ok());
        assert!(Query::parse("kind:rumour", &SearchLimits::default()).is_err());
        assert!(parse("\0 \" ** -").is_empty());
    }

    #[test]
    fn highlights_are_code_point_ranges_of_the_marked_words() {
        let (text, ranges) = highlights("Déjà \u{2}vu\u{3} 😀 \u{2}sanctions\u{3}\u{2}\u{3}");
        assert_eq!(text, "Déjà vu 😀 sanctions");
        assert_eq!(ranges, [(5, 7), (10, 19)]);
    }

    #[test]
    fn an_excerpt_is_the_window_of_words_with_the_most_marks_cut_with_ellipses() {
        let text = |marks: &[usize]| {
            (0..40)
                .map(|i| if marks.contains(&i) { format!("\u{2}w{i}\u{3}") } else { format!("w{i}") })
                .collect::<Vec<_>>()
        };
        let short = "<b>Déjà</b> \u{2}vu\u{3}, again.";
        assert_eq!(excerpt(short, 24), short, "a short text whole, tags and all");
        let words = text(&[30, 31]);
        let cut = excerpt(&words.join(" "), 10);
        assert_eq!(cut, format!("…{}…", words[26..36].join(" ")), "centred on its marks");
        assert_eq!(highlights(&cut).1.len(), 2);
        let words = text(&[2, 20, 22]);
        assert_eq!(excerpt(&words.join(" "), 10), format!("…{}…", words[17..27].join(" ")), "the most marks");
        let words = text(&[]);
        assert_eq!(excerpt(&words.join(" "), 10), format!("{}…", words[..10].join(" ")), "no marks: the start");
        let words = text(&[39]);
        assert_eq!(excerpt(&words.join(" "), 10), format!("…{}", words[30..].join(" ")), "the end");
    }
}
