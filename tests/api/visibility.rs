//! The authorization matrix: each role × each visibility × each read path,
//! with the status it must get and whether the annotation appears.

use crate::support::{TestApp, TestResponse, TestUser};
use axum::http::{Method, StatusCode};
use serde_json::json;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Author,
    Classmate,
    Instructor,
    OtherCourse,
    Anonymous,
}

#[derive(Clone, Copy, Debug)]
enum Route {
    ReadingPage,
    Container,
    Single,
    Export,
}

const VISIBILITIES: [&str; 3] = ["private", "instructors", "class"];

/// (who, route) → (status, which of private/instructors/class appear).
fn expected(who: Who, route: Route) -> (StatusCode, [bool; 3]) {
    use Who::*;
    let sees = match who {
        Author => [true, true, true],
        Classmate => [false, false, true],
        Instructor => [false, true, true],
        OtherCourse | Anonymous => [false, false, false],
    };
    match (who, route) {
        (Anonymous, Route::ReadingPage) => (StatusCode::SEE_OTHER, sees),
        (Anonymous, _) => (StatusCode::UNAUTHORIZED, sees),
        (OtherCourse, _) => (StatusCode::NOT_FOUND, sees),
        (Author | Classmate, Route::Export) => (StatusCode::NOT_FOUND, [false; 3]),
        // Exports never carry private annotations, whoever asks.
        (Instructor, Route::Export) => (StatusCode::OK, [false, true, true]),
        _ => (StatusCode::OK, sees),
    }
}

async fn fetch(app: &TestApp, user: Option<&TestUser>, path: &str) -> TestResponse {
    app.api(Method::GET, path, user, None).await
}

#[tokio::test]
async fn each_role_sees_exactly_what_each_visibility_allows_on_every_path() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (author, classmate) = (app.user("author").await, app.user("classmate").await);
    let outsider = app.user("outsider").await;
    let course = app.course(&teacher, &[&author, &classmate]).await;
    let other_teacher = app.user("other-teacher").await;
    app.course(&other_teacher, &[&outsider]).await;
    let reading =
        app.reading(course, &teacher, "text", "Alpha beta gamma.\n\nDelta epsilon zeta.\n\nEta theta iota.").await;
    let mut made = Vec::new();
    for (visibility, exact) in VISIBILITIES.iter().zip(["Alpha beta", "Delta epsilon", "Eta theta"]) {
        made.push(app.annotation(reading, &author, "claim", exact, json!({"visibility": visibility})).await);
    }
    let routes = [Route::ReadingPage, Route::Container, Route::Single, Route::Export];
    let people = [
        (Who::Author, Some(&author)),
        (Who::Classmate, Some(&classmate)),
        (Who::Instructor, Some(&teacher)),
        (Who::OtherCourse, Some(&outsider)),
        (Who::Anonymous, None),
    ];
    for (who, user) in people {
        for route in routes {
            let (status, appears) = expected(who, route);
            for (i, id) in made.iter().enumerate() {
                let path = match route {
                    Route::ReadingPage => format!("/readings/{reading}"),
                    Route::Container => format!("/api/readings/{reading}/annotations/"),
                    Route::Single => format!("/api/annotations/{id}"),
                    Route::Export => format!("/api/courses/{course}/export?format=jsonld"),
                };
                let response = fetch(&app, user, &path).await;
                let (status, appears) = match route {
                    // A single annotation one may not see is simply not found.
                    Route::Single if status == StatusCode::OK && !appears[i] => (StatusCode::NOT_FOUND, false),
                    _ => (status, appears[i]),
                };
                assert_eq!(response.status, status, "{who:?} {route:?} {}", VISIBILITIES[i]);
                assert_eq!(
                    response.text.contains(id.as_str()),
                    appears,
                    "{who:?} {route:?} {} appears",
                    VISIBILITIES[i]
                );
            }
        }
    }
}

#[tokio::test]
async fn the_author_changes_visibility_later_and_the_class_sees_it_then() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", "Something worth sharing.").await;
    let id = app.annotation(reading, &ana, "note", "worth sharing", json!({"visibility": "private"})).await;
    assert_eq!(app.get(&format!("/api/annotations/{id}"), &ben).await.status, StatusCode::NOT_FOUND);
    let update = json!({"body": [{"purpose": "classifying", "value": "note"}], "visibility": "class",
                        "target": {"selector": {"type": "TextQuoteSelector", "exact": "worth sharing"}}});
    let changed = app.api(Method::PUT, &format!("/api/annotations/{id}"), Some(&ana), Some(update)).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(app.get(&format!("/api/annotations/{id}"), &ben).await.status, StatusCode::OK);
}

#[tokio::test]
async fn instructors_moderate_by_deleting_any_annotation_and_it_is_recorded() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", "A remark and a private thought.").await;
    let remark = app.annotation(reading, &ana, "note", "A remark", json!({})).await;
    let private = app.annotation(reading, &ana, "note", "private thought", json!({"visibility": "private"})).await;
    let rows = [
        (&remark, &ben, StatusCode::FORBIDDEN, "a classmate cannot"),
        (&private, &teacher, StatusCode::NOT_FOUND, "nobody deletes what they cannot see"),
        (&remark, &teacher, StatusCode::NO_CONTENT, "the instructor moderates"),
    ];
    for (id, user, status, why) in rows {
        let response = app.api(Method::DELETE, &format!("/api/annotations/{id}"), Some(user), None).await;
        assert_eq!(response.status, status, "{why}");
    }
    let logged = counterpoint::db::moderation::count_for_course(&app.state.db, course).await.expect("count");
    assert_eq!(logged, 1);
    assert_eq!(app.count_annotations().await, 1);
}
