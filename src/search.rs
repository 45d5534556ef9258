//! Search as users type it: the query parsed into words, phrases and
//! Hypothesis-style filters (`user:`, `kind:`, `quote:`, `tag:`), the FTS5 MATCH
//! expression built from them (user text is only ever inside quoted strings,
//! never FTS5 syntax), and the highlighted words of a snippet as code-point
//! ranges. Pure: no SQL, no HTTP; `db::search` runs what this builds.

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

/// Marks FTS5's `snippet()` puts around a matching word; [`highlights`] takes them out.
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

    /// The FTS5 MATCH expression: the scope tokens of the course (and reading, and
    /// kind) the index carries, and each term as a quoted string in its columns.
    #[must_use]
    pub fn fts_match(&self, course_id: i64, reading_id: Option<i64>, kind: Option<Kind>) -> String {
        let mut parts = vec![format!("{{scope}}: \"c{course_id}\"")];
        if let Some(reading) = reading_id {
            parts.push(format!("{{scope}}: \"r{reading}\""));
        }
        if let Some(kind) = kind.or(self.kind) {
            parts.push(format!("{{scope}}: \"k{}\"", kind.as_str()));
        }
        for term in &self.terms {
            let columns = if term.quote_only { "{quote}" } else { "{body quote}" };
            let star = if term.prefix { " *" } else { "" };
            parts.push(format!("{columns}: \"{}\"{star}", term.text.replace('"', "\"\"")));
        }
        parts.join(" AND ")
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

/// A snippet from FTS5 with its marks taken out: the text and the code-point
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
    fn user_text_only_appears_inside_quoted_strings() {
        let q = parse(r#"a"b" AND -x NEAR(y) *"#);
        let m = q.fts_match(3, Some(4), None);
        assert_eq!(
            m,
            r#"{scope}: "c3" AND {scope}: "r4" AND {body quote}: "ab" AND {body quote}: "AND" AND {body quote}: "-x" AND {body quote}: "NEAR(y)""#
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
}
