//! Property tests over arbitrary input for every format: import never panics,
//! and whatever it returns keeps the canonical-text invariants.

use super::testutil::assert_invariants;
use super::{SourceFormat, import};
use proptest::prelude::*;

/// Strings mixing markup of every format with arbitrary characters.
fn source() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        3 => any::<char>().prop_map(String::from),
        2 => prop::sample::select(vec![
            "\n", "\n\n", "\r\n", "\r", " ", "\t", "\u{0}", "🌍", "e\u{301}", "#", "> ", "- ", "1. ",
            "*", "**", "_", "`", "```", "    ", "[a](", ")", "](javascript:x)", "![", "---", "\\",
            "<p>", "</p>", "<em>", "</em>", "<b>", "<pre>", "</pre>", "<br>", "<li>", "<ul>",
            "<blockquote>", "<h2>", "<div>", "</div>", "<script>", "</script>", "<a href=\"/x\">",
            "</a>", "<code>", "&amp;", "&#13;", "&#0;", "<!--", "-->", "<img onerror=x>",
        ])
        .prop_map(String::from),
        1 => "\\PC{0,12}",
    ];
    prop::collection::vec(token, 0..48).prop_map(|tokens| tokens.concat())
}

fn check(format: SourceFormat, source: &str) {
    if let Ok(doc) = import(format, source) {
        assert_invariants(&doc);
    }
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

proptest! {
    #[test]
    fn text_keeps_invariants(s in source()) {
        check(SourceFormat::Text, &s);
    }

    #[test]
    fn markdown_keeps_invariants(s in source()) {
        check(SourceFormat::Markdown, &s);
    }

    #[test]
    fn html_keeps_invariants(s in source()) {
        check(SourceFormat::Html, &s);
    }

    #[test]
    fn any_string_keeps_invariants(s in any::<String>()) {
        for format in [SourceFormat::Text, SourceFormat::Markdown, SourceFormat::Html] {
            check(format, &s);
        }
    }

    /// Plain text only moves whitespace: every other visible character stays, in order.
    #[test]
    fn text_keeps_every_visible_char(s in source()) {
        let expected: String = s
            .strip_prefix('\u{feff}')
            .unwrap_or(&s)
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        match import(SourceFormat::Text, &s) {
            Ok(doc) => prop_assert_eq!(without_whitespace(&doc.text), without_whitespace(&expected)),
            Err(_) => prop_assert_eq!(without_whitespace(&expected), ""),
        }
    }
}
