//! Bad input gets a clear JSON 4xx and changes nothing.

use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use counterpoint::db::store;
use serde_json::json;

#[tokio::test]
async fn bad_annotations_get_a_json_4xx_and_store_nothing() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading =
        app.reading(course, &teacher, "text", "Short text, ten words long, for testing bad input here.").await;
    let container = format!("/api/readings/{reading}/annotations/");
    let position = |start: serde_json::Value, end: serde_json::Value| json!({"body": [], "target": {"selector": {"type": "TextPositionSelector", "start": start, "end": end}}});
    let quote =
        |exact: &str| json!({"body": [], "target": {"selector": {"type": "TextQuoteSelector", "exact": exact}}});
    let rows: Vec<(&str, String, StatusCode)> = vec![
        ("malformed JSON", "{\"body\": [".into(), StatusCode::BAD_REQUEST),
        ("not an object", "[1, 2]".into(), StatusCode::UNPROCESSABLE_ENTITY),
        ("unknown kind", json!({"body": {"purpose": "classifying", "value": "rant"}, "target": {"selector": {"type": "TextQuoteSelector", "exact": "Short"}}}).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("reversed offsets", position(json!(9), json!(3)).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("empty range", position(json!(4), json!(4)).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("past the text", position(json!(0), json!(10_000)).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("huge offset", position(json!(0), json!(u64::MAX)).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("negative offset", position(json!(-3), json!(4)).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("fractional offset", position(json!(0.5), json!(4)).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("string offset", position(json!("0"), json!(4)).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("whitespace only", position(json!(5), json!(6)).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("quote not in text", quote("not in the text").to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("empty quote", quote("").to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("no selector", json!({"body": [], "target": {"source": "x"}}).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("no target", json!({"body": []}).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("another reading's IRI", json!({"body": [], "target": {"source": "http://counterpoint.test/readings/999", "selector": {"type": "TextQuoteSelector", "exact": "Short"}}}).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("NUL in comment", json!({"bodyValue": "a\u{0}b", "target": {"selector": {"type": "TextQuoteSelector", "exact": "Short"}}}).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("oversized comment", json!({"bodyValue": "x".repeat(20_000), "target": {"selector": {"type": "TextQuoteSelector", "exact": "Short"}}}).to_string(), StatusCode::UNPROCESSABLE_ENTITY),
        ("oversized body", format!("{{\"bodyValue\": \"{}\"}}", "x".repeat(4 * 1024 * 1024)), StatusCode::PAYLOAD_TOO_LARGE),
    ];
    for (what, body, status) in rows {
        let request = Request::builder()
            .method(Method::POST)
            .uri(&container)
            .header(header::HOST, "counterpoint.test")
            .header(header::AUTHORIZATION, format!("Bearer {}", teacher.token))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("request");
        let response = app.send(request).await;
        assert_eq!(response.status, status, "{what}: {}", &response.text[..response.text.len().min(300)]);
        let error = response.json()["error"].as_str().map(str::to_owned);
        assert!(error.is_some_and(|e| !e.is_empty()), "{what}: a JSON error message");
    }
    assert_eq!(app.count_annotations().await, 0);
}

#[tokio::test]
async fn requests_without_json_or_credentials_are_refused_plainly() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "text", "Some text.").await;
    let container = format!("/api/readings/{reading}/annotations/");
    let no_content_type = Request::builder()
        .method(Method::POST)
        .uri(&container)
        .header(header::AUTHORIZATION, format!("Bearer {}", teacher.token))
        .body(Body::from("{}"))
        .expect("request");
    assert_eq!(app.send(no_content_type).await.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let anonymous = app.api(Method::GET, &container, None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(anonymous.json()["error"].is_string());
    let mut forged = teacher.clone();
    forged.token = "cp_forged".into();
    assert_eq!(app.get(&container, &forged).await.status, StatusCode::UNAUTHORIZED);
    for path in ["/api/readings/abc", "/api/readings/99999", "/api/annotations/not-a-uuid", "/api/nothing/here"] {
        let response = app.get(path, &teacher).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert!(response.json()["error"].is_string(), "{path}");
    }
}

#[tokio::test]
async fn bad_readings_and_courses_are_refused() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let student = app.user("student").await;
    let course = app.course(&teacher, &[&student]).await;
    let readings = format!("/api/courses/{course}/readings");
    let rows = [
        (&teacher, json!({"title": "", "format": "text", "source": "x"}), StatusCode::UNPROCESSABLE_ENTITY),
        (&teacher, json!({"title": "T", "format": "pdf", "source": "x"}), StatusCode::UNPROCESSABLE_ENTITY),
        (&teacher, json!({"title": "T", "format": "text", "source": "  \n\n "}), StatusCode::UNPROCESSABLE_ENTITY),
        (
            &teacher,
            json!({"title": "T", "format": "text", "source": "x".repeat(2 * 1024 * 1024 + 1)}),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (&teacher, json!({"title": "T", "format": "text"}), StatusCode::UNPROCESSABLE_ENTITY),
        (&student, json!({"title": "T", "format": "text", "source": "x"}), StatusCode::FORBIDDEN),
    ];
    for (user, body, status) in rows {
        let response = app.post(&readings, user, body.clone()).await;
        assert_eq!(
            response.status,
            status,
            "{}: {}",
            &body.to_string()[..body.to_string().len().min(80)],
            response.text
        );
    }
    let (count,): (i64,) =
        store::query_as("SELECT count(*) FROM readings").fetch_one(&app.state.db).await.expect("count");
    assert_eq!(count, 0);
    let join = app.post("/api/courses/join", &student, json!({"join_code": "NOPE"})).await;
    assert_eq!(join.status, StatusCode::UNPROCESSABLE_ENTITY);
    let untitled = app.post("/api/courses", &teacher, json!({"title": "   "})).await;
    assert_eq!(untitled.status, StatusCode::UNPROCESSABLE_ENTITY);
}
