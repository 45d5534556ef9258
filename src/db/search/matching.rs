//! A query's words as each backend's full-text search takes them: FTS5's MATCH
//! expression on SQLite, a tsquery built in SQL on PostgreSQL. Either way user
//! text never becomes query syntax: FTS5 gets it as quoted strings, PostgreSQL
//! as bound values that `phraseto_tsquery` (or, for a prefix, a tsquery literal
//! quoted in SQL) reads as words.

use crate::db::store::Backend;
use crate::domain::Kind;
use crate::search::{MARK_CLOSE, MARK_OPEN, Query};

/// Words a snippet shows (FTS5's `snippet()` counts tokens, [`crate::search::excerpt`] words).
pub(super) const SNIPPET_WORDS: usize = 24;

/// The placeholder of the first term's text (the statement's own values come before).
pub(super) const FIRST_TERM: usize = 9;

/// The text-search parts of the statement, in one backend's SQL.
pub(super) struct Matching<'q> {
    /// `?3`: FTS5's MATCH expression, or PostgreSQL's scope words (`c<course> r<reading> k<kind>`).
    pub scope: String,
    /// The `WHERE` condition.
    pub condition: String,
    /// The score (higher is better) and what to order by.
    pub score: String,
    pub order: String,
    /// The body's and the quote's snippet.
    pub snippets: [String; 2],
    /// Whether the snippets are whole columns, to be cut to [`SNIPPET_WORDS`].
    pub whole_text: bool,
    /// Bound from `?9` on (PostgreSQL): each term's text.
    pub terms: Vec<&'q str>,
}

impl<'q> Matching<'q> {
    /// The match of `query`'s terms in the course (and reading, and kind).
    pub fn new(
        backend: Backend,
        query: &'q Query,
        course_id: i64,
        reading_id: Option<i64>,
        kind: Option<Kind>,
    ) -> Self {
        match backend {
            Backend::Sqlite => Self {
                scope: fts5_match(query, course_id, reading_id, kind),
                condition: "search MATCH ?3".into(),
                score: "-rank".into(),
                order: "rank".into(),
                snippets: [0, 1].map(|column| {
                    format!("snippet(search, {column}, '{MARK_OPEN}', '{MARK_CLOSE}', '…', {SNIPPET_WORDS})")
                }),
                whole_text: false,
                terms: Vec::new(),
            },
            Backend::Postgres => postgres(query, course_id, reading_id, kind),
        }
    }
}

/// The FTS5 MATCH expression: the scope tokens of the course (and reading, and
/// kind) the index carries, and each term as a quoted string in its columns.
fn fts5_match(query: &Query, course_id: i64, reading_id: Option<i64>, kind: Option<Kind>) -> String {
    let mut parts = vec![format!("{{scope}}: \"c{course_id}\"")];
    if let Some(reading) = reading_id {
        parts.push(format!("{{scope}}: \"r{reading}\""));
    }
    if let Some(kind) = kind.or(query.kind) {
        parts.push(format!("{{scope}}: \"k{}\"", kind.as_str()));
    }
    for term in &query.terms {
        let columns = if term.quote_only { "{quote}" } else { "{body quote}" };
        let star = if term.prefix { " *" } else { "" };
        parts.push(format!("{columns}: \"{}\"{star}", term.text.replace('"', "\"\"")));
    }
    parts.join(" AND ")
}

/// PostgreSQL's counterpart (see the `search` table in its schema): the document
/// must hold the scope words (weight D) and every term; each term must also be
/// in its columns (`body` A, `quote` B, through `ts_filter`); the rank and the
/// marks count the terms only, the body's marks only the terms not limited to the quote.
fn postgres<'q>(query: &'q Query, course_id: i64, reading_id: Option<i64>, kind: Option<Kind>) -> Matching<'q> {
    let mut scope = format!("c{course_id}");
    if let Some(reading) = reading_id {
        scope.push_str(&format!(" r{reading}"));
    }
    if let Some(kind) = kind.or(query.kind) {
        scope.push_str(&format!(" k{}", kind.as_str()));
    }
    let (mut all, mut body, mut condition) = (Vec::new(), Vec::new(), String::new());
    for (n, term) in (FIRST_TERM..).zip(&query.terms) {
        let tsquery = if term.prefix {
            // A tsquery literal: the words quoted (quotes and backslashes doubled), all of them prefixes.
            format!(
                r"to_tsquery('counterpoint_search', '''' || replace(replace(?{n}, '\', '\\'), '''', '''''') || ''':*')"
            )
        } else {
            format!("phraseto_tsquery('counterpoint_search', ?{n})")
        };
        let weights = if term.quote_only { "{b}" } else { "{a,b}" };
        condition.push_str(&format!(" AND ts_filter(search.document, '{weights}') @@ {tsquery}"));
        if !term.quote_only {
            body.push(tsquery.clone());
        }
        all.push(tsquery);
    }
    let terms = all.join(" && ");
    let in_scope = "plainto_tsquery('simple', ?3)";
    let condition = if all.is_empty() {
        format!("search.document @@ {in_scope}")
    } else {
        format!("search.document @@ ({in_scope} && {terms}){condition}")
    };
    let score = if all.is_empty() {
        "0::float8".to_owned()
    } else {
        format!("ts_rank('{{0, 0, 1, 1}}', search.document, {terms})::float8")
    };
    // The whole text marked: cut to a window, ts_headline would drop what looks like an HTML tag.
    let headline = |column: &str, tsqueries: &[String]| {
        if tsqueries.is_empty() {
            format!("search.{column}")
        } else {
            format!(
                "ts_headline('counterpoint_search', search.{column}, {}, 'StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, HighlightAll=true')",
                tsqueries.join(" && ")
            )
        }
    };
    Matching {
        scope,
        condition,
        score: format!("{score} AS score"),
        order: "score DESC, search.rowid".into(),
        snippets: [headline("body", &body), headline("quote", &all)],
        whole_text: true,
        terms: query.terms.iter().map(|t| t.text.as_str()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SearchLimits;

    fn parse(input: &str) -> Query {
        Query::parse(input, &SearchLimits::default()).expect("parses")
    }

    #[test]
    fn user_text_only_appears_inside_quoted_strings() {
        let m = fts5_match(&parse(r#"a"b" AND -x NEAR(y) *"#), 3, Some(4), None);
        assert_eq!(
            m,
            r#"{scope}: "c3" AND {scope}: "r4" AND {body quote}: "ab" AND {body quote}: "AND" AND {body quote}: "-x" AND {body quote}: "NEAR(y)""#
        );
    }

    #[test]
    fn on_postgres_user_text_is_only_bound() {
        let query = parse(r#"quote:"a'b" c\d* kind:claim"#);
        let m = Matching::new(Backend::Postgres, &query, 3, Some(4), None);
        assert_eq!(m.scope, "c3 r4 kclaim");
        assert_eq!(m.terms, ["a'b", r"c\d"]);
        for sql in [&m.condition, &m.score, &m.snippets[0], &m.snippets[1]] {
            assert!(!sql.contains("a'b") && !sql.contains(r"c\d"), "{sql}");
        }
        assert!(
            m.condition.contains("ts_filter(search.document, '{b}') @@ phraseto_tsquery('counterpoint_search', ?9)")
        );
        assert!(m.condition.contains("ts_filter(search.document, '{a,b}') @@ to_tsquery('counterpoint_search', "));
        assert_eq!(m.snippets[0].matches("?9").count(), 0, "the body is not marked for a quote: term");
    }
}
