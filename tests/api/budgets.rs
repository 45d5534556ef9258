//! One account cannot stall or bloat the server: hostile quotes are refused
//! quickly while `/healthz` answers, a deep nest of highlights keeps a
//! classmate's page small, and the quotas refuse with 422 and change nothing.

use crate::support::{TestApp, TestUser};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use counterpoint::db::store;
use serde_json::{Value, json};
use std::time::Duration;

fn quote_annotation(reading: i64, selector: &Value) -> Value {
    json!({"type": "Annotation", "body": [{"purpose": "classifying", "value": "claim"}],
           "target": {"source": format!("http://counterpoint.test/readings/{reading}"), "selector": selector}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_quote_or_prefix_in_a_long_reading_is_refused_while_healthz_answers() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", &"a".repeat(200_000)).await;
    let long_exact = json!({"type": "TextQuoteSelector", "exact": "a".repeat(100_000)});
    let long_prefix = json!({"type": "TextQuoteSelector", "exact": "a", "prefix": "a".repeat(100_000)});
    let path = format!("/api/readings/{reading}/annotations/");
    let hostile = [long_exact, long_prefix].map(|selector| {
        let (router, body) = (app.router.clone(), quote_annotation(reading, &selector));
        let request = Request::post(&path)
            .header("authorization", format!("Bearer {}", ana.token))
            .header("content-type", "application/json")
            .header("host", "counterpoint.test")
            .body(Body::from(body.to_string()))
            .expect("request");
        tokio::spawn(async move { tower::ServiceExt::oneshot(router, request).await.expect("infallible") })
    });
    // Served while both are in flight (on today's main, not before they end, most of a minute later).
    // On the runtime's workers, like a real request: the test's own thread is not one of them.
    let health = Request::get("/healthz").body(Body::empty()).expect("request");
    let router = app.router.clone();
    let health = tokio::spawn(async move { tower::ServiceExt::oneshot(router, health).await.expect("infallible") });
    let answer = tokio::time::timeout(Duration::from_secs(20), health).await.expect("/healthz answers").expect("task");
    assert_eq!(answer.status(), StatusCode::OK);
    for task in hostile {
        // A very generous bound: the work takes milliseconds.
        let response = tokio::time::timeout(Duration::from_secs(20), task).await.expect("answered").expect("task");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(app.count_annotations().await, 0);
}

#[tokio::test]
async fn a_thousand_nested_highlights_keep_a_classmates_page_small() {
    let Some(essay) = counterpoint::fixtures::shared_text("readings/one-bed-different-dreams.txt") else { return };
    let app = TestApp::with_config(|config| config.rate_limit = false).await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", &essay).await;
    let text =
        app.get(&format!("/api/readings/{reading}"), &ana).await.json()["text"].as_str().expect("text").to_owned();
    // Each inside the previous: 9,000 code points from the 500th, two fewer at each step.
    let chars: Vec<char> = text.chars().collect();
    let (mut start, mut end) = (500, 9_500);
    let mut posted = 0;
    while posted < 1_000 {
        let passage: String = chars[start..end].iter().collect();
        if !passage.trim().is_empty() && !chars[start].is_whitespace() {
            let selector = json!({"type": "TextPositionSelector", "start": start, "end": end});
            let response = app
                .post(&format!("/api/readings/{reading}/annotations/"), &ana, quote_annotation(reading, &selector))
                .await;
            assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
            posted += 1;
        }
        (start, end) = (start + 2, end - 2);
    }
    let page = app.browser(&ben).await.get(&format!("/readings/{reading}")).await;
    assert_eq!(page.status, StatusCode::OK);
    println!("the classmate's page with 1,000 nested highlights: {} bytes", page.text.len());
    assert!(page.text.len() < 3 * 1024 * 1024, "{} bytes", page.text.len());
}

/// An app with small quotas, a course with one reading, an instructor and a student.
async fn small_quotas() -> (TestApp, TestUser, TestUser, i64, i64) {
    let app = TestApp::with_config(|config| {
        config.quotas.max_passage = 20;
        config.quotas.max_annotations_per_reading = 2;
        config.quotas.max_import_chars = 30;
        config.quotas.max_readings_per_course = 1;
    })
    .await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let text = "One claim here. Another claim there. A third claim, longer than twenty characters.";
    let reading = app.reading(course, &teacher, "text", text).await;
    (app, teacher, ana, course, reading)
}

async fn counts(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for table in ["readings", "annotations", "links", "replies"] {
        let (n,): (i64,) =
            store::query_as(format!("SELECT count(*) FROM {table}")).fetch_one(&app.state.db).await.expect("count");
        out.push(n);
    }
    out
}

/// The quota counts what the author has in this reading now: a deletion makes room
/// again, another reading has its own count, and instructors have none.
#[tokio::test]
async fn the_annotation_quota_counts_what_the_author_has_now() {
    let (app, teacher, ana, course, reading) = small_quotas().await;
    let first = app.annotation(reading, &ana, "claim", "One claim", json!({})).await;
    app.annotation(reading, &ana, "claim", "Another claim", json!({})).await;
    let third = app.annotate(reading, &ana, "claim", "claim there", json!({})).await;
    assert_eq!(third.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", third.text);
    let deleted = app.api(Method::DELETE, &format!("/api/annotations/{first}"), Some(&ana), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    app.annotation(reading, &ana, "claim", "claim there", json!({})).await;
    let fourth = app.annotate(reading, &ana, "claim", "One claim", json!({})).await;
    assert_eq!(fourth.status, StatusCode::UNPROCESSABLE_ENTITY, "full again after one more: {}", fourth.text);
    for exact in ["One claim", "Another claim", "claim there"] {
        app.annotation(reading, &teacher, "claim", exact, json!({})).await;
    }
    // Only one reading is allowed per course here: a second course holds the next one.
    let other_course = app.course(&teacher, &[&ana]).await;
    let other = app.reading(other_course, &teacher, "text", "One claim here. Another claim there.").await;
    app.annotation(other, &ana, "claim", "One claim", json!({})).await;
    assert_ne!(course, other_course);
}

#[tokio::test]
async fn quotas_refuse_with_a_clear_422_and_change_nothing() {
    let (app, teacher, ana, course, reading) = small_quotas().await;
    app.annotation(reading, &ana, "claim", "One claim", json!({})).await;
    app.annotation(reading, &ana, "claim", "Another claim", json!({})).await;
    let position = |start: usize, end: usize| json!({"type": "TextPositionSelector", "start": start, "end": end});
    let quote = |exact: &str| json!({"type": "TextQuoteSelector", "exact": exact});
    let import = |items: Vec<Value>| json!({"type": "AnnotationPage", "items": items});
    let rows: Vec<(&str, &TestUser, String, Value, &str)> = vec![
        (
            "a third annotation by one student",
            &ana,
            format!("/api/readings/{reading}/annotations/"),
            quote_annotation(reading, &quote("claim there")),
            "You already have 2 annotations in this reading",
        ),
        (
            "a passage past the longest, by position",
            &teacher,
            format!("/api/readings/{reading}/annotations/"),
            quote_annotation(reading, &position(0, 36)),
            "at most 20 can be highlighted at once",
        ),
        (
            "a passage past the longest, by quote",
            &teacher,
            format!("/api/readings/{reading}/annotations/"),
            quote_annotation(reading, &quote("A third claim, longer than twenty characters.")),
            "at most 20 can be highlighted at once",
        ),
        (
            "an import whose passages are too long in all",
            &teacher,
            format!("/api/readings/{reading}/import"),
            import(vec![
                quote_annotation(reading, &quote("One claim here.")),
                quote_annotation(reading, &quote("Another claim there.")),
            ]),
            "cover more than 30 characters in all",
        ),
        (
            "a reading past the course's most",
            &teacher,
            format!("/api/courses/{course}/readings"),
            json!({"title": "Another", "format": "text", "source": "More text."}),
            "already has 1 readings",
        ),
    ];
    let before = counts(&app).await;
    for (what, user, path, body, message) in rows {
        let response = app.post(&path, user, body).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {}", response.text);
        let error = response.json()["error"].as_str().unwrap_or_default().to_owned();
        assert!(error.contains(message), "{what}: {error}");
    }
    assert_eq!(counts(&app).await, before, "nothing changed");
    // The instructor is bounded by the import budget, not the per-reading quota.
    for exact in ["One claim", "Another claim", "A third claim"] {
        app.annotation(reading, &teacher, "claim", exact, json!({})).await;
    }
}

#[tokio::test]
async fn a_student_at_the_quota_is_told_so_on_the_reading_page() {
    let (app, _, ana, _, reading) = small_quotas().await;
    app.annotation(reading, &ana, "claim", "One claim", json!({})).await;
    app.annotation(reading, &ana, "claim", "Another claim", json!({})).await;
    let browser = app.browser(&ana).await;
    let page = browser.post_form(&format!("/readings/{reading}"), &[("kind", "note"), ("quote", "claim there")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text.contains("You already have 2 annotations in this reading"), "{}", page.text);
    assert_eq!(app.count_annotations().await, 2);
}

#[tokio::test]
async fn ten_thousand_annotations_in_one_reading_stay_importable() {
    let Some(essay) = counterpoint::fixtures::shared_text("readings/one-bed-different-dreams.txt") else { return };
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", &essay).await;
    let len = essay.chars().count();
    for part in 0..2 {
        let items: Vec<Value> = (0..5_000)
            .map(|i| {
                let start = (part * 5_000 + i) * 2 % (len - 200);
                let selector = json!({"type": "TextPositionSelector", "start": start, "end": start + 150});
                quote_annotation(reading, &selector)
            })
            .collect();
        let response = app.post(&format!("/api/readings/{reading}/import"), &teacher, json!(items)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", &response.text[..response.text.len().min(500)]);
        assert_eq!(response.json()["imported"], 5_000);
    }
    assert_eq!(app.count_annotations().await, 10_000);
}

#[tokio::test]
async fn a_map_too_big_to_draw_in_time_falls_back_to_the_outline_and_says_so() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", &"word ".repeat(3_001)).await;
    // A chain of 3,001 claims, each supporting the next: as many layers as claims.
    let ids: Vec<String> = (0..3_001).map(|_| format!("http://x/annotations/{}", uuid::Uuid::new_v4())).collect();
    let items: Vec<Value> = (0..3_001)
        .map(|i| {
            let mut item =
                quote_annotation(reading, &json!({"type": "TextPositionSelector", "start": i * 5, "end": i * 5 + 4}));
            item["id"] = json!(ids[i]);
            if let Some(next) = ids.get(i + 1) {
                item["body"] = json!([{"purpose": "classifying", "value": "claim"},
                                      {"type": "SpecificResource", "purpose": "linking", "source": next}]);
            }
            item
        })
        .collect();
    let response = app.post(&format!("/api/readings/{reading}/import"), &teacher, json!(items)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", &response.text[..response.text.len().min(500)]);
    let page = app.browser(&teacher).await.get(&format!("/readings/{reading}/map")).await;
    assert_eq!(page.status, StatusCode::OK);
    let doc = page.html();
    let count = |css: &str| doc.select(&scraper::Selector::parse(css).expect("selector")).count();
    assert_eq!(count("[data-role=map-too-big]"), 1);
    assert_eq!(count("svg.map"), 0);
    assert_eq!(count("li.outline-item[id]"), 3_001, "every claim is in the outline once");
}

#[tokio::test]
async fn a_long_passage_is_listed_shortened_and_marked_so_the_thread_can_show_it_whole() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let long = format!("{} end.", "A very long claim ".repeat(20));
    let reading = app.reading(course, &teacher, "text", &long).await;
    app.annotation(reading, &teacher, "claim", long.trim(), json!({})).await;
    let page = app.browser(&teacher).await.get(&format!("/readings/{reading}")).await;
    let doc = page.html();
    let quote = doc.select(&scraper::Selector::parse("li.annotation .quote").expect("selector")).next().expect("quote");
    let shown: String = quote.text().collect();
    assert_eq!(shown.chars().count(), 201, "{shown}");
    assert!(shown.ends_with('…') && quote.value().attr("data-shortened").is_some());
}
