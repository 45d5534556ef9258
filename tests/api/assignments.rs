//! Assignments: due dates and late work, the course page as a student's home
//! (due status, progress, what is new since the last visit), the instructor's
//! course page, and a course copied to next term.

mod api;
mod copy;
mod home;
mod late;

use crate::support::{TestApp, TestUser};
use axum::http::{Method, StatusCode};
use counterpoint::db::store;
use scraper::{Html, Selector};
use serde_json::{Value, json};

pub const TEXT: &str = "Alpha holds firm.\n\nBeta doubts it.\n\nGamma asks why.\n\nDelta answers.";

/// A course taught by `teacher` with students ana and ben, one reading, and a stranger.
pub struct Fixture {
    pub app: TestApp,
    pub teacher: TestUser,
    pub ana: TestUser,
    pub ben: TestUser,
    pub stranger: TestUser,
    pub course: i64,
    pub reading: i64,
}

pub async fn fixture() -> Fixture {
    let app = TestApp::new().await;
    let (teacher, ana, ben, stranger) =
        (app.user("teacher").await, app.user("ana").await, app.user("ben").await, app.user("stranger").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    Fixture { app, teacher, ana, ben, stranger, course, reading }
}

impl Fixture {
    pub async fn put_assignment(&self, user: &TestUser, body: Value) -> crate::support::TestResponse {
        let path = format!("/api/readings/{}/assignment", self.reading);
        self.app.api(Method::PUT, &path, Some(user), Some(body)).await
    }

    /// Sets the due date (RFC 3339) and policy, asserting it worked.
    pub async fn due(&self, due_at: &str, policy: &str) {
        let response = self.put_assignment(&self.teacher, json!({"due_at": due_at, "late_policy": policy})).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    }

    /// Moves an annotation's creation time, as if it had been written then.
    pub async fn created_at(&self, uuid: &str, at: &str) {
        store::query("UPDATE annotations SET created_at = ?, modified_at = ? WHERE uuid = ?")
            .bind(at)
            .bind(at)
            .bind(uuid)
            .execute(&self.app.state.db)
            .await
            .expect("moved");
    }

    /// An annotation by `user` whose comment is long enough for any rubric, created at `at`.
    pub async fn annotation_at(&self, user: &TestUser, kind: &str, exact: &str, at: &str) -> String {
        let body = json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": kind},
                                   {"type": "TextualBody", "purpose": "commenting", "value": "a comment of six whole words"}]});
        let uuid = self.app.annotation(self.reading, user, kind, exact, body).await;
        self.created_at(&uuid, at).await;
        uuid
    }
}

pub fn texts(page: &Html, css: &str) -> Vec<String> {
    let selector = Selector::parse(css).expect("selector");
    page.select(&selector)
        .map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

pub fn attrs(page: &Html, css: &str, attr: &str) -> Vec<String> {
    let selector = Selector::parse(css).expect("selector");
    page.select(&selector).filter_map(|e| e.value().attr(attr)).map(str::to_owned).collect()
}
