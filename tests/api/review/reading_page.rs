//! The reading review page: heatmap, contested passages, unanswered questions,
//! unsupported claims, the per-kind chart and one student's work alone.

use super::{select, text};
use crate::support::TestApp;
use axum::http::StatusCode;
use counterpoint::db::store;
use serde_json::json;

#[tokio::test]
async fn the_heatmap_counts_distinct_students_over_the_canonical_text() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben, cleo) = (app.user("ana").await, app.user("ben").await, app.user("cleo").await);
    let course = app.course(&teacher, &[&ana, &ben, &cleo]).await;
    let reading = app.reading(course, &teacher, "markdown", "Alpha *beta* gamma delta.\n\nLast “word” 🌍.").await;
    let claim = app.annotation(reading, &ana, "claim", "Alpha beta gamma", json!({})).await;
    app.annotation(reading, &ana, "note", "beta", json!({})).await;
    let counter = app.annotation(reading, &ben, "counterargument", "gamma delta", json!({})).await;
    let question = app.annotation(reading, &ben, "question", "“word” 🌍", json!({})).await;
    app.annotation(reading, &teacher, "note", "delta.", json!({})).await;
    app.annotation(reading, &cleo, "note", "Alpha", json!({"visibility": "private"})).await;

    let browser = app.browser(&teacher).await;
    let page = browser.get(&format!("/readings/{reading}/review")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let doc = page.html();
    let canonical =
        app.get(&format!("/api/readings/{reading}"), &teacher).await.json()["text"].as_str().map(str::to_owned);
    let article = select(&doc, "article#reading-text").remove(0);
    assert_eq!(Some(text(&article)), canonical, "the article's text is the canonical text");
    let heat: Vec<(String, String)> = select(&doc, "article span.heat")
        .iter()
        .map(|s| (s.value().attr("data-students").unwrap_or_default().to_owned(), text(s)))
        .collect();
    let expected = [("1", "Alpha "), ("1", "beta"), ("1", " "), ("2", "gamma"), ("1", " delta"), ("1", "“word” 🌍")];
    let expected: Vec<(String, String)> = expected.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())).collect();
    assert_eq!(heat, expected, "one student twice counts once; instructors and private notes not at all");
    assert!(select(&doc, "span.heat.heat-2[data-students=\"2\"]").len() == 1);
    assert!(select(&doc, "article em span.heat, article span.heat em").len() == 1, "styles survive");

    let ids = |css: &str| -> Vec<String> {
        select(&doc, css).iter().filter_map(|e| e.value().attr("data-annotation-id").map(str::to_owned)).collect()
    };
    assert_eq!(ids("[data-role=contested] li"), [claim.as_str()]);
    assert_eq!(ids("[data-role=unanswered] li"), [question]);
    assert_eq!(ids("[data-role=unsupported] li"), [claim.as_str()], "the teacher's note is not a claim");
    let bars: Vec<(String, String)> = select(&doc, "svg.kind-chart g.bar")
        .iter()
        .map(|g| {
            (
                g.value().attr("data-kind").unwrap_or_default().to_owned(),
                g.value().attr("data-count").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let counts: Vec<(&str, &str)> = bars.iter().map(|(k, n)| (k.as_str(), n.as_str())).collect();
    assert_eq!(counts, [("claim", "1"), ("counterargument", "1"), ("source", "0"), ("question", "1"), ("note", "2")]);

    // One student alone: their highlights, no heat.
    let ben_id = user_id(&app, "ben").await;
    let alone = browser.get(&format!("/readings/{reading}/review?student={ben_id}")).await;
    assert_eq!(alone.status, StatusCode::OK);
    let doc = alone.html();
    assert!(select(&doc, "span.heat").is_empty());
    let marked: Vec<String> = select(&doc, "article mark")
        .iter()
        .flat_map(|m| {
            m.value().attr("data-annotation-ids").unwrap_or_default().split(' ').map(str::to_owned).collect::<Vec<_>>()
        })
        .collect();
    assert!(marked.contains(&counter) && !marked.contains(&claim), "{marked:?}");
    assert_eq!(select(&doc, "li.annotation").len(), 2);
    assert_eq!(Some(text(&select(&doc, "article#reading-text").remove(0))), canonical);

    let teacher_id = user_id(&app, "teacher").await;
    for (query, status) in
        [(teacher_id.to_string(), StatusCode::UNPROCESSABLE_ENTITY), ("abc".to_owned(), StatusCode::BAD_REQUEST)]
    {
        let response = browser.get(&format!("/readings/{reading}/review?student={query}")).await;
        assert_eq!(response.status, status, "student={query}");
    }
}

pub async fn user_id(app: &TestApp, name: &str) -> i64 {
    let (id,): (i64,) =
        store::query_as("SELECT id FROM users WHERE name = ?").bind(name).fetch_one(&app.state.db).await.expect("user");
    id
}
