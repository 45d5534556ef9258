//! Course exports through the API.

use crate::support::TestApp;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn instructors_export_jsonld_without_private_annotations_and_students_get_404() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", "One claim here.\n\nAnother passage there.").await;
    let shared = app.annotation(reading, &ana, "claim", "One claim", json!({})).await;
    let private = app.annotation(reading, &ana, "note", "Another passage", json!({"visibility": "private"})).await;
    let own_private =
        app.annotation(reading, &teacher, "note", "passage there", json!({"visibility": "private"})).await;
    let export = app.get(&format!("/api/courses/{course}/export?format=jsonld"), &teacher).await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    assert!(export.header("content-disposition").starts_with("attachment"));
    let collection = export.json();
    assert_eq!(collection["type"], "AnnotationCollection");
    assert_eq!(collection["total"], 1);
    assert!(export.text.contains(&shared));
    assert!(!export.text.contains(&private) && !export.text.contains(&own_private), "private annotations never appear");
    let by_student = app.get(&format!("/api/courses/{course}/export?format=jsonld"), &ana).await;
    assert_eq!(by_student.status, StatusCode::NOT_FOUND);
    let other = app.reading(course, &teacher, "text", "Elsewhere.").await;
    let one_reading = app.get(&format!("/api/courses/{course}/export?format=jsonld&reading={other}"), &teacher).await;
    assert_eq!(one_reading.json()["total"], 0);
    let bad = app.get(&format!("/api/courses/{course}/export?format=pdf"), &teacher).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
