//! The authorization matrix: each role × each visibility × each read path,
//! with the status it must get and whether the annotation appears.

use crate::support::{TestApp, TestResponse, TestUser};
use axum::http::{Method, StatusCode};
use counterpoint::domain::{Role, Viewer};
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

/// Sets the course's discussion mode through the API, as its instructor.
async fn discussion(app: &TestApp, course: i64, teacher: &TestUser, mode: &str) {
    let path = format!("/api/courses/{course}/settings");
    let response = app.api(Method::PUT, &path, Some(teacher), Some(json!({"discussion": mode}))).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
}

async fn unread(app: &TestApp, user: &TestUser) -> i64 {
    fetch(app, Some(user), "/api/inbox").await.json()["unread"].as_i64().expect("unread")
}

/// Whether `user` meets annotation `id` on each read path: the reading page, the
/// container, the annotation itself, the map, search, and (for the inbox) nothing here.
async fn paths_showing(app: &TestApp, user: &TestUser, course: i64, reading: i64, id: &str) -> [bool; 5] {
    let page = fetch(app, Some(user), &format!("/readings/{reading}")).await;
    let container = fetch(app, Some(user), &format!("/api/readings/{reading}/annotations/?page=0")).await;
    let single = fetch(app, Some(user), &format!("/api/annotations/{id}")).await;
    let map = fetch(app, Some(user), &format!("/readings/{reading}/map")).await;
    let search = fetch(app, Some(user), &format!("/api/courses/{course}/search?q=Alpha")).await;
    [
        page.text.contains(id),
        container.text.contains(id),
        single.status == StatusCode::OK,
        map.text.contains(id),
        search.text.contains(id),
    ]
}

#[tokio::test]
async fn in_groups_a_students_work_reaches_their_group_and_the_instructors_on_every_path() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben, cara, dan) =
        (app.user("ana").await, app.user("ben").await, app.user("cara").await, app.user("dan").await);
    let course = app.course(&teacher, &[&ana, &ben, &cara, &dan]).await;
    let reading = app.reading(course, &teacher, "text", "Alpha beta gamma.\n\nDelta epsilon zeta.").await;
    let claim = app.annotation(reading, &ana, "claim", "Alpha beta", json!({})).await;
    let lecture = app.annotation(reading, &teacher, "note", "Delta epsilon", json!({})).await;
    // Before groups, Cara rebuts Ana's claim: Ana's inbox hears of it.
    let counter = json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
                                  {"type": "TextualBody", "purpose": "commenting", "value": "Alpha is wrong"},
                                  {"type": "SpecificResource", "purpose": "linking", "source": claim}]});
    let rebuttal = app.annotation(reading, &cara, "counterargument", "gamma", counter).await;
    assert_eq!(unread(&app, &ana).await, 1, "class discussion: Ana hears of Cara's rebuttal");

    let ids = [app.user_id(&ana).await, app.user_id(&ben).await, app.user_id(&cara).await];
    for (name, members) in [("Seminar A", vec![ids[0], ids[1]]), ("Seminar B", vec![ids[2]])] {
        let made = app
            .post(&format!("/api/courses/{course}/groups"), &teacher, json!({"name": name, "members": members}))
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    }
    let mut events = app.state.events.subscribe(reading);
    discussion(&app, course, &teacher, "groups").await;

    let all = [true; 5];
    let none = [false; 5];
    let rows: [(&TestUser, &str, [bool; 5]); 5] = [
        (&ana, "the author", all),
        (&ben, "her group", all),
        (&cara, "another group", none),
        (&dan, "no group", none),
        (&teacher, "an instructor", all),
    ];
    for (user, who, expected) in rows {
        assert_eq!(paths_showing(&app, user, course, reading, &claim).await, expected, "{who} and Ana's claim");
        let lecture_seen = fetch(&app, Some(user), &format!("/api/annotations/{lecture}")).await.status;
        assert_eq!(lecture_seen, StatusCode::OK, "{who} sees the instructor's note");
    }
    let export = fetch(&app, Some(&teacher), &format!("/api/courses/{course}/export?format=jsonld")).await;
    assert!(export.text.contains(&claim) && export.text.contains(&rebuttal), "exports are the instructors' and whole");
    assert_eq!(unread(&app, &ana).await, 0, "Cara's rebuttal is out of Ana's sight now, so out of her inbox");

    // Live: Ana's next annotation is heard by her group and the instructor only.
    let note = app.annotation(reading, &ana, "note", "epsilon zeta", json!({})).await;
    let event = loop {
        let event = events.try_recv().expect("an event was published");
        if event.annotation.to_string() == note {
            break event;
        }
    };
    for (user, role, hears) in [
        (&ben, Role::Student, true),
        (&cara, Role::Student, false),
        (&dan, Role::Student, false),
        (&teacher, Role::Instructor, true),
    ] {
        let viewer = Viewer { user_id: app.user_id(user).await, role };
        assert_eq!(event.may_hear(&app.state.db, viewer, course).await, hears, "{}", user.email);
    }

    // The page (from the in-memory snapshot) and the SQL rule agree for everyone.
    let snapshot = counterpoint::db::snapshot::load(&app.state.db, reading).await.expect("load").expect("reading");
    for (user, role) in [
        (&ana, Role::Student),
        (&ben, Role::Student),
        (&cara, Role::Student),
        (&dan, Role::Student),
        (&teacher, Role::Instructor),
    ] {
        let viewer = Viewer { user_id: app.user_id(user).await, role };
        let by_sql: Vec<String> = counterpoint::db::annotations::list_visible(&app.state.db, reading, viewer)
            .await
            .expect("query")
            .iter()
            .map(|a| a.id.to_string())
            .collect();
        let in_memory: Vec<String> = snapshot.visible_to(viewer).iter().map(|a| a.id.to_string()).collect();
        assert_eq!(in_memory, by_sql, "{}", user.email);
    }

    // Joining Ana's group, or the class discussing as a class again, shows it at once.
    let groups = fetch(&app, Some(&teacher), &format!("/api/courses/{course}/groups")).await.json();
    let seminar_a = groups["groups"].as_array().and_then(|g| g.first()).map(|g| g["id"].clone()).expect("a group");
    let path = format!("/api/courses/{course}/groups/{seminar_a}");
    let moved = app
        .api(
            Method::PUT,
            &path,
            Some(&teacher),
            Some(json!({"name": "Seminar A", "members": [ids[0], ids[1], ids[2]]})),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(paths_showing(&app, &cara, course, reading, &claim).await, all, "Cara joined Ana's group");
    assert!(!paths_showing(&app, &dan, course, reading, &claim).await[0]);
    discussion(&app, course, &teacher, "class").await;
    assert_eq!(paths_showing(&app, &dan, course, reading, &claim).await, all, "class discussion again");
}
