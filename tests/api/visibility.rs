//! Who sees what: each role × each visibility × each read path.

use crate::support::TestApp;
use axum::http::StatusCode;
use serde_json::json;

#[derive(Clone, Copy, Debug)]
enum Who {
    Author,
    Classmate,
    Instructor,
    Outsider,
}

#[tokio::test]
async fn each_role_sees_exactly_what_each_visibility_allows() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (author, classmate, outsider) =
        (app.user("author").await, app.user("classmate").await, app.user("outsider").await);
    let course = app.course(&teacher, &[&author, &classmate]).await;
    let reading =
        app.reading(course, &teacher, "text", "Alpha beta gamma.\n\nDelta epsilon zeta.\n\nEta theta iota.").await;
    let mut made = Vec::new();
    for (visibility, exact) in [("private", "Alpha beta"), ("instructors", "Delta epsilon"), ("class", "Eta theta")] {
        let id = app.annotation(reading, &author, "claim", exact, json!({"visibility": visibility})).await;
        made.push((visibility, id, exact));
    }
    let table = [
        (Who::Author, [true, true, true]),
        (Who::Classmate, [false, false, true]),
        (Who::Instructor, [false, true, true]),
        (Who::Outsider, [false, false, false]),
    ];
    for (who, expected) in table {
        let user = match who {
            Who::Author => &author,
            Who::Classmate => &classmate,
            Who::Instructor => &teacher,
            Who::Outsider => &outsider,
        };
        let container = app.get(&format!("/api/readings/{reading}/annotations/"), user).await;
        let page = app.app_page(&format!("/readings/{reading}"), user).await;
        if matches!(who, Who::Outsider) {
            assert_eq!(container.status, StatusCode::NOT_FOUND);
            assert_eq!(page.status, StatusCode::NOT_FOUND);
        }
        for ((visibility, id, exact), visible) in made.iter().zip(expected) {
            let one = app.get(&format!("/api/annotations/{id}"), user).await;
            let status = if visible { StatusCode::OK } else { StatusCode::NOT_FOUND };
            assert_eq!(one.status, status, "{who:?} GET {visibility}");
            let listed = container.text.contains(id.as_str());
            assert_eq!(listed, visible, "{who:?} container {visibility}");
            assert_eq!(page.text.contains(id.as_str()), visible, "{who:?} page {visibility}");
            assert_eq!(
                page.text.contains(&format!("<blockquote class=\"quote\">{exact}")),
                visible,
                "{who:?} list {visibility}"
            );
        }
    }
}

impl TestApp {
    /// A page fetched with the user's token (pages accept Bearer tokens like the API).
    pub async fn app_page(&self, path: &str, user: &crate::support::TestUser) -> crate::support::TestResponse {
        self.get(path, user).await
    }
}
