//! Instructor review: the course dashboard, the reading review page, feedback,
//! the post-first setting, CSV exports, and who may reach each of them.

mod access;
mod csv_export;
mod dashboard;
mod feedback;
mod post_first;
mod reading_page;

use crate::support::{TestApp, TestUser};
use axum::http::StatusCode;
use scraper::{ElementRef, Selector};
use serde_json::json;

pub fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&Selector::parse(css).expect("selector")).collect()
}

pub fn text(element: &ElementRef<'_>) -> String {
    element.text().collect()
}

/// A course with known work: ana wrote a counted claim, a too-short
/// counterargument, a private note and a counted reply; ben a counted question
/// and an uncommented source; cleo nothing; the teacher a claim of their own.
pub struct Fixture {
    pub app: TestApp,
    pub teacher: TestUser,
    pub ana: TestUser,
    pub ben: TestUser,
    pub cleo: TestUser,
    pub outsider: TestUser,
    pub course: i64,
    pub reading: i64,
    pub claim: String,
    pub private_note: String,
    pub question: String,
}

pub const TEXT: &str =
    "Alpha is first.\n\nBeta comes second.\n\nGamma asks third.\n\nDelta cites fourth.\n\nEpsilon notes fifth.";

pub async fn fixture() -> Fixture {
    let app = TestApp::new().await;
    let (teacher, ana, ben, cleo, outsider) = (
        app.user("teacher").await,
        app.user("ana").await,
        app.user("ben").await,
        app.user("cleo").await,
        app.user("outsider").await,
    );
    let course = app.course(&teacher, &[&ana, &ben, &cleo]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let comment = |text: &str| json!({"body": [{"type": "TextualBody", "purpose": "commenting", "value": text}]});
    let with_kind = |kind: &str, text: &str| {
        let mut body = comment(text);
        body["body"]
            .as_array_mut()
            .expect("array")
            .insert(0, json!({"type": "TextualBody", "purpose": "classifying", "value": kind}));
        body
    };
    let claim =
        app.annotation(reading, &ana, "claim", "Alpha is first", with_kind("claim", "one two three four five")).await;
    app.annotation(reading, &ana, "counterargument", "Beta comes", with_kind("counterargument", "short")).await;
    let mut private = with_kind("note", "a private note of many words here");
    private["visibility"] = json!("private");
    let private_note = app.annotation(reading, &ana, "note", "Epsilon notes", private).await;
    let question =
        app.annotation(reading, &ben, "question", "Gamma asks", with_kind("question", "why is this the case")).await;
    app.annotation(reading, &ben, "source", "Delta cites", json!({})).await;
    app.annotation(reading, &teacher, "claim", "fourth", json!({})).await;
    let reply =
        app.post(&format!("/api/annotations/{claim}/replies"), &ana, json!({"text": "I think it is because"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    Fixture { app, teacher, ana, ben, cleo, outsider, course, reading, claim, private_note, question }
}
