//! The search page and the search boxes that lead to it.

use crate::support::TestApp;
use axum::http::StatusCode;
use scraper::{Html, Selector};
use serde_json::json;

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    html.select(&Selector::parse(css).expect("selector")).collect()
}

fn texts(html: &Html, css: &str) -> Vec<String> {
    select(html, css).iter().map(|e| e.text().collect()).collect()
}

#[tokio::test]
async fn results_are_grouped_by_reading_with_matching_words_marked_and_everything_escaped() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let first = app.reading(course, &teacher, "text", "The sanctions bite.\n\nNothing else here.").await;
    let second = app.reading(course, &teacher, "text", "Sanctioned banks & <b>firms</b>.").await;
    let hostile = "<script>alert(1)</script> sanctions <img src=x onerror=alert(2)>";
    let body = json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": "claim"},
                               {"type": "TextualBody", "purpose": "commenting", "value": hostile}]});
    let id = app.annotation(first, &ana, "claim", "sanctions bite", body).await;
    let browser = app.browser(&ana).await;
    let page = browser.get(&format!("/courses/{course}/search?q=sanction")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let html = page.html();
    let groups: Vec<_> = select(&html, "section.search-group")
        .iter()
        .map(|g| g.value().attr("data-reading-id").map(str::to_owned))
        .collect();
    assert_eq!(groups.len(), 2, "one group per reading");
    assert!(groups.contains(&Some(first.to_string())) && groups.contains(&Some(second.to_string())));
    let marks = texts(&html, ".search-result mark");
    assert!(marks.iter().all(|m| m.to_lowercase().starts_with("sanction")), "{marks:?}");
    assert_eq!(marks.len(), 3, "the passage of each reading and the comment: {marks:?}");
    assert!(select(&html, "main script, main img, .snippet b").is_empty(), "user text is escaped");
    assert!(texts(&html, ".snippet").iter().any(|t| t.contains("<script>alert(1)</script>")), "and shown as text");
    assert!(texts(&html, ".snippet").iter().any(|t| t.contains("<b>firms</b>") || t.contains("firms")));
    let link = format!("a.search-open[href=\"/readings/{first}#annotation-{id}\"]");
    assert_eq!(select(&html, &link).len(), 1, "a link that opens the thread");
    assert_eq!(texts(&html, "[data-role=search-total]"), ["3 results"]);
}

#[tokio::test]
async fn course_and_reading_pages_have_a_search_box_and_passages_have_anchors() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", "One.\n\nTwo.").await;
    let browser = app.browser(&teacher).await;
    let form = format!("form[role=search][action=\"/courses/{course}/search\"] input[name=q]");
    for path in [format!("/courses/{course}"), format!("/readings/{reading}")] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(select(&page.html(), &form).len(), 1, "{path}");
    }
    let page = browser.get(&format!("/readings/{reading}")).await.html();
    assert_eq!(select(&page, "#at-0").len(), 1);
    let results = browser.get(&format!("/courses/{course}/search?q=two")).await.html();
    let href = format!("a.search-open[href=\"/readings/{reading}#at-6\"]");
    assert_eq!(select(&results, &href).len(), 1, "a passage links to its place: {}", results.html());
}

#[tokio::test]
async fn filters_show_as_chips_bad_queries_get_422_and_strangers_404() {
    let app = TestApp::new().await;
    let (teacher, stranger) = (app.user("teacher").await, app.user("stranger").await);
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", "A claim about sanctions.").await;
    app.annotation(reading, &teacher, "claim", "sanctions", json!({})).await;
    let browser = app.browser(&teacher).await;
    let page = browser.get(&format!("/courses/{course}/search?q=sanctions&kind=claim&reading={reading}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.html();
    let chips = texts(&html, ".chip");
    assert_eq!(chips.len(), 2, "{chips:?}");
    let without_kind: Vec<_> =
        select(&html, ".chip a").iter().filter_map(|a| a.value().attr("href").map(str::to_owned)).collect();
    assert!(without_kind.iter().any(|h| !h.contains("kind=") && h.contains("q=sanctions")), "{without_kind:?}");
    assert_eq!(texts(&html, "[data-role=search-total]"), ["1 result"]);
    let bad = browser.get(&format!("/courses/{course}/search?q={}", "a".repeat(600))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(select(&bad.html(), "[role=alert]").len(), 1);
    let odd = browser.get(&format!("/courses/{course}/search?q=%22NEAR(%20*&page=999999999999")).await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
    let outsider = app.browser(&stranger).await;
    assert_eq!(outsider.get(&format!("/courses/{course}/search?q=sanctions")).await.status, StatusCode::NOT_FOUND);
}
