//! Tests of the HTML importer: structure, styles, whitespace, and the
//! dangerous inputs that must leave nothing but text behind.

use super::super::SourceFormat::Html;
use super::super::testutil::{checked, failed, kinds, link, styled, texts};
use super::super::{ImportError, import};
use crate::text::{BlockKind, Style};

#[test]
fn headings_paragraphs_quotes_lists() {
    let doc = checked(
        Html,
        "<!doctype html><html><head><title>T</title></head><body>\
         <h1>Title</h1><h3>Sub</h3><p>Para</p>\
         <blockquote>bare<p>quoted</p>tail</blockquote>\
         <ul><li>one</li><li>two<ol><li>nested</li></ol>after</li></ul></body></html>",
    );
    assert_eq!(texts(&doc), ["Title", "Sub", "Para", "bare", "quoted", "tail", "one", "two", "nested", "after"]);
    use BlockKind::*;
    assert_eq!(
        kinds(&doc),
        [
            Heading { level: 1 },
            Heading { level: 3 },
            Paragraph,
            Quote,
            Quote,
            Quote,
            ListItem,
            ListItem,
            ListItem,
            ListItem
        ]
    );
}

#[test]
fn bare_text_in_containers_becomes_paragraphs() {
    let doc = checked(
        Html,
        "loose<div>in div<p>p</p>after p</div><section>sec</section><table><tr><td>a</td><td>b</td></tr></table>",
    );
    assert_eq!(texts(&doc), ["loose", "in div", "p", "after p", "sec", "a", "b"]);
    assert!(kinds(&doc).iter().all(|k| *k == BlockKind::Paragraph));
}

#[test]
fn inline_styles_nest() {
    let doc = checked(
        Html,
        "<p>A <em>very <a href='https://x.org/'>good</a></em> <b>bold</b> <i>it</i> <strong><code>c()</code></strong>.</p>",
    );
    assert_eq!(doc.text, "A very good bold it c().");
    assert_eq!(
        styled(&doc),
        [
            (Style::Emphasis, "very good".into()),
            (link("https://x.org/"), "good".into()),
            (Style::Strong, "bold".into()),
            (Style::Emphasis, "it".into()),
            (Style::Strong, "c()".into()),
            (Style::Code, "c()".into()),
        ]
    );
}

#[test]
fn whitespace_collapses_except_in_pre() {
    let doc = checked(
        Html,
        "<p>\n  a \t\n b  <em> c </em> d\n</p><pre>\n  x  y\n\n\n  z\n</pre><p>e<br>  f <br><br><br>g</p>",
    );
    assert_eq!(texts(&doc), ["a b c d", "  x  y\n  z", "e\nf\ng"]);
    assert_eq!(kinds(&doc)[1], BlockKind::Paragraph);
    assert_eq!(styled(&doc), [(Style::Emphasis, "c".into()), (Style::Code, "  x  y\n  z".into())]);
}

#[test]
fn pre_code_has_one_code_style() {
    let doc = checked(Html, "<pre><code>fn main() {}\n</code></pre>");
    assert_eq!(styled(&doc), [(Style::Code, "fn main() {}".into())]);
}

#[test]
fn dangerous_content_is_dropped() {
    let doc = checked(
        Html,
        "<style>p{}</style><script>alert(1)</script><p onclick=\"alert(2)\">safe</p>\
         <img src=x onerror=alert(3)><iframe src=javascript:alert(4)>frame</iframe>\
         <noscript>ns</noscript><template>tpl</template><svg><text>svg</text></svg>\
         <math><mi>m</mi></math><object>obj</object><textarea>ta</textarea>\
         <button>btn</button><select><option>opt</option></select>",
    );
    assert_eq!(doc.text, "safe");
    assert!(doc.blocks[0].styles.is_empty());
    assert_eq!(failed(Html, "<img src=x onerror=alert(1)>"), ImportError::Empty);
}

#[test]
fn unsafe_links_keep_text_only() {
    let doc = checked(
        Html,
        "<a href='javascript:alert(1)'>a</a> <a href=' JaVaScRiPt:x'>b</a> \
         <a href='java&#x09;script:x'>c</a> <a href='&#x0A;javascript:x'>d</a> \
         <a href='data:text/html,x'>e</a> <a href='vbscript:x'>f</a> <a>g</a> \
         <a href='/rel' onclick='evil()'>h</a> <a href='#top'>i</a> <a href='mailto:a@b.c'>j</a>",
    );
    assert_eq!(doc.text, "a b c d e f g h i j");
    assert_eq!(
        styled(&doc),
        [(link("/rel"), "h".into()), (link("#top"), "i".into()), (link("mailto:a@b.c"), "j".into())]
    );
    assert!(!doc.text.contains("evil") && !format!("{doc:?}").contains("evil"));
}

#[test]
fn entities_are_decoded() {
    let doc = checked(Html, "<p>&lt;b&gt; &amp; &eacute; &#x1F30D; &nbsp;x&#13;y &#0;z</p>");
    assert!(doc.text.starts_with("<b> & é 🌍 \u{a0}x y"), "{:?}", doc.text);
    assert!(!doc.text.contains('\0'));
}

#[test]
fn crlf_and_nul() {
    let doc = checked(Html, "<pre>a\r\nb\r\rc\u{0}d</pre>\r\n<p>e\r\nf</p>");
    assert_eq!(texts(&doc), ["a\nb\ncd", "e f"]);
}

#[test]
fn offsets_count_code_points() {
    let doc = checked(Html, "<p>🌍 <em>e\u{301}</em></p><p><a href='/x'>🌍🌍</a></p>");
    assert_eq!(texts(&doc), ["🌍 e\u{301}", "🌍🌍"]);
    let spans: Vec<_> = doc.blocks.iter().flat_map(|b| &b.styles).map(|s| (s.start, s.end)).collect();
    assert_eq!(spans, [(2, 4), (6, 8)]);
}

#[test]
fn style_across_blocks_is_split() {
    let doc = checked(Html, "<b><p>one</p><p>two</p></b>");
    assert_eq!(styled(&doc), [(Style::Strong, "one".into()), (Style::Strong, "two".into())]);
}

#[test]
fn nesting_up_to_the_limit_imports_and_deeper_is_refused_before_parsing() {
    // html5ever's scope checks make deep `div` nesting quadratic: the guard refuses it unparsed.
    let nested = |n: usize| format!("{}deep{}", "<div><span>".repeat(n), "</span></div>".repeat(n));
    assert_eq!(checked(Html, &nested(250)).text, "deep");
    let refused = import(Html, &nested(50_000)).map_err(|e| matches!(e, ImportError::TooDeep { .. }));
    assert_eq!(refused, Err(true));
}

#[test]
fn empty_html() {
    for source in ["", "<p></p>", "<html><head><title>only</title></head></html>", "<!-- c -->", "<br><hr>"] {
        assert_eq!(import(Html, source), Err(ImportError::Empty), "{source}");
    }
}
