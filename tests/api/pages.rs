//! The HTML pages as a browser sees them: the reading with its highlights,
//! forms with CSRF tokens, escaping and security headers.

use crate::support::TestApp;
use axum::http::StatusCode;
use counterpoint::db::store;
use scraper::{ElementRef, Selector};
use serde_json::json;
use std::collections::BTreeMap;

fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&Selector::parse(css).expect("selector")).collect()
}

const ESSAY: &str = "# The Question\n\nRussia and China are *partners*, not allies 🌍.\n\nSome say “a marriage of convenience”; others disagree.";

#[tokio::test]
async fn the_reading_page_draws_every_visible_annotation_over_exactly_its_text() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    let claim = app.annotation(reading, &ana, "claim", "China are partners, not allies 🌍", json!({})).await;
    let inner = app.annotation(reading, &teacher, "source", "partners", json!({})).await;
    let across = app.annotation(reading, &ana, "question", "allies 🌍.\n\nSome say", json!({})).await;
    let browser = app.browser(&ana).await;
    let page = browser.get(&format!("/readings/{reading}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let doc = page.html();
    let article = select(&doc, "article.reading-text").pop().expect("article");
    let canonical =
        app.get(&format!("/api/readings/{reading}"), &ana).await.json()["text"].as_str().expect("text").to_owned();
    assert_eq!(article.text().collect::<String>(), canonical, "the article's text is the canonical text");

    // Each block's data-start is its offset; each mark covers its annotations' code points.
    let mut covered: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for block in select(&doc, "article.reading-text > [data-start]") {
        let mut offset: usize = block.value().attr("data-start").and_then(|s| s.parse().ok()).expect("data-start");
        let block_text: String = block.text().collect();
        assert_eq!(canonical.chars().skip(offset).take(block_text.chars().count()).collect::<String>(), block_text);
        for node in block.descendants() {
            let Some(text) = node.value().as_text() else { continue };
            let len = text.chars().count();
            // A code point is covered by the ids of every mark around it (nested marks list only what they add).
            let ids = node
                .ancestors()
                .filter_map(ElementRef::wrap)
                .filter(|e| e.value().name() == "mark")
                .filter_map(|m| m.value().attr("data-annotation-ids"))
                .flat_map(str::split_whitespace);
            for id in ids {
                covered.entry(id.to_owned()).or_default().extend(offset..offset + len);
            }
            offset += len;
        }
    }
    for (id, exact) in [(&claim, "China are partners, not allies 🌍"), (&inner, "partners")] {
        let start = canonical.find(exact).map(|b| canonical[..b].chars().count()).expect("in text");
        assert_eq!(covered[id.as_str()], (start..start + exact.chars().count()).collect::<Vec<_>>(), "{exact}");
    }
    assert!(!covered[across.as_str()].is_empty(), "an annotation across blocks is drawn in both");
    // The source nested in the claim is its own mark inside the claim's, listing only itself.
    let marks = select(&doc, &format!("mark[data-annotation-ids~=\"{claim}\"] mark.hl-source"));
    assert!(marks.iter().any(|m| m.value().attr("data-annotation-ids") == Some(inner.as_str())));
    assert_eq!(select(&doc, "ol.annotations > li").len(), 3);
    for kind in ["claim", "counterargument", "source", "question", "note"] {
        assert_eq!(select(&doc, &format!("[data-role=annotation-editor] [data-kind={kind}]")).len(), 1, "{kind}");
    }
    assert_eq!(select(&doc, "[data-role=annotation-editor] textarea[name=comment]").len(), 1);
}

#[tokio::test]
async fn comments_and_titles_are_escaped_and_pages_carry_security_headers() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    app.annotation(
        reading,
        &teacher,
        "note",
        "partners",
        json!({"bodyValue": "<script>window.pwned=1</script><img src=x onerror=alert(1)>"}),
    )
    .await;
    let browser = app.browser(&teacher).await;
    let page = browser.get(&format!("/readings/{reading}")).await;
    let doc = page.html();
    assert!(select(&doc, "script").iter().all(|s| s.value().attr("src").is_some()), "no inline script");
    assert!(select(&doc, "img").is_empty());
    let comment = select(&doc, "p.comment").pop().expect("comment");
    assert_eq!(comment.text().collect::<String>(), "<script>window.pwned=1</script><img src=x onerror=alert(1)>");
    let csp = page.header("content-security-policy");
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn a_student_annotates_without_javascript_by_pasting_a_quote() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    let browser = app.browser(&ana).await;
    let path = format!("/readings/{reading}");
    let saved = browser
        .post_form(
            &path,
            &[("kind", "counterargument"), ("quote", " a marriage\nof convenience "), ("comment", "Too cynical.")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let page = browser.get(&path).await;
    let doc = page.html();
    let mark = select(&doc, "mark.hl-counterargument").pop().expect("highlight");
    assert_eq!(mark.text().collect::<String>(), "a marriage of convenience");
    let missing = browser
        .post_form(&path, &[("kind", "claim"), ("quote", "words that are not there"), ("comment", "kept")])
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    let doc = missing.html();
    assert!(select(&doc, "[role=alert]").pop().expect("error").text().collect::<String>().contains("not found"));
    assert_eq!(
        select(&doc, "textarea[name=comment]").pop().expect("comment").text().collect::<String>(),
        "kept",
        "typed text is kept"
    );
    assert_eq!(app.count_annotations().await, 1);
}

#[tokio::test]
async fn forms_without_the_csrf_token_or_from_another_site_change_nothing() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let browser = app.browser(&teacher).await;
    let forged = browser.post_form("/courses", &[("title", "Forged"), ("csrf", "wrong")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/courses")
        .header("host", "counterpoint.test")
        .header("origin", "https://evil.example")
        .header("cookie", &browser.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!("title=Forged&csrf={}", browser.csrf)))
        .expect("request");
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
    let (courses,): (i64,) =
        store::query_as("SELECT count(*) FROM courses").fetch_one(&app.state.db).await.expect("count");
    assert_eq!(courses, 0);
    let made = browser.post_form("/courses", &[("title", "Real")]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn pages_for_strangers_redirect_to_sign_in_and_unknown_pages_are_404() {
    let app = TestApp::new().await;
    let request =
        |path: &str| axum::http::Request::builder().uri(path).body(axum::body::Body::empty()).expect("request");
    let response = app.send(request("/readings/1")).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(response.header("location"), "/login?next=%2Freadings%2F1");
    let missing = app.send(request("/no/such/page")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.header("content-type").starts_with("text/html"));
    assert_eq!(app.send(request("/healthz")).await.text, "ok");
}
