//! The reading page's live side: the events each change publishes, who may
//! hear them, the event stream's access rule, and the plain form's links.

use crate::support::{TestApp, TestUser};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use counterpoint::db::store;
use counterpoint::domain::{Role, Viewer};
use counterpoint::web::events::Change;
use serde_json::json;
use tokio::sync::broadcast::Receiver;
use tower::ServiceExt;

const ESSAY: &str =
    "Russia and China are partners, not allies 🌍.\n\nSome say “a marriage of convenience”; others disagree.";

async fn viewer(app: &TestApp, user: &TestUser, role: Role) -> Viewer {
    let (user_id,): (i64,) = store::query_as("SELECT id FROM users WHERE email = ?")
        .bind(&user.email)
        .fetch_one(&app.state.db)
        .await
        .expect("user");
    Viewer { user_id, role }
}

fn next(events: &mut Receiver<counterpoint::web::events::Event>) -> counterpoint::web::events::Event {
    events.try_recv().expect("an event was published")
}

#[tokio::test]
async fn every_change_is_published_to_exactly_those_who_may_see_it() {
    let app = TestApp::new().await;
    let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let (ben_sees, teacher_sees) =
        (viewer(&app, &ben, Role::Student).await, viewer(&app, &teacher, Role::Instructor).await);
    let mut events = app.state.events.subscribe(reading);

    let claim = app.annotation(reading, &ana, "claim", "partners, not allies", json!({})).await;
    let event = next(&mut events);
    assert_eq!((event.change, event.annotation.to_string()), (Change::Created, claim.clone()));
    assert!(event.visible_to(ben_sees));

    let note = app.annotation(reading, &ana, "note", "others disagree", json!({"visibility": "instructors"})).await;
    let event = next(&mut events);
    assert_eq!(event.annotation.to_string(), note);
    assert!(!event.visible_to(ben_sees) && event.visible_to(teacher_sees));

    let reply = app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Why?"})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(next(&mut events).change, Change::Replied);

    let mut private = app.get(&format!("/api/annotations/{claim}"), &ana).await.json();
    private["visibility"] = json!("private");
    let put = app.api(Method::PUT, &format!("/api/annotations/{claim}"), Some(&ana), Some(private)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let event = next(&mut events);
    assert_eq!(event.change, Change::Updated);
    assert!(event.visible_to(ben_sees), "Ben hears that the claim he could see went away");

    let gone = app.api(Method::DELETE, &format!("/api/annotations/{claim}"), Some(&ana), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let event = next(&mut events);
    assert_eq!(event.change, Change::Deleted);
    assert!(!event.visible_to(ben_sees), "a private annotation's deletion is not heard by classmates");
    assert!(events.try_recv().is_err(), "refused changes publish nothing");
}

#[tokio::test]
async fn only_members_may_open_a_readings_event_stream() {
    let app = TestApp::new().await;
    let (teacher, ana, stranger) = (app.user("teacher").await, app.user("ana").await, app.user("stranger").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    for (user, status) in [(&ana, StatusCode::OK), (&stranger, StatusCode::NOT_FOUND)] {
        let request = Request::builder()
            .uri(format!("/readings/{reading}/events"))
            .header(header::AUTHORIZATION, format!("Bearer {}", user.token))
            .body(Body::empty())
            .expect("request");
        let response = app.router.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), status, "{}", user.email);
        if status == StatusCode::OK {
            let kind = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert!(kind.starts_with("text/event-stream"), "{kind}");
        }
    }
}

#[tokio::test]
async fn the_plain_form_links_a_counterargument_and_cites_a_source() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let claim = app.annotation(reading, &teacher, "claim", "partners, not allies", json!({})).await;
    let browser = app.browser(&ana).await;
    let path = format!("/readings/{reading}");
    let counter =
        [("kind", "counterargument"), ("quote", "others disagree"), ("link", claim.as_str()), ("relation", "supports")];
    assert_eq!(
        browser.post_form(&path, &counter).await.status,
        StatusCode::SEE_OTHER,
        "a counterargument's relation follows from its kind"
    );
    let source = [
        ("kind", "source"),
        ("quote", "a marriage of convenience"),
        ("link", claim.as_str()),
        ("relation", "rebuts"),
        ("citation", "Closson, One Bed"),
        ("citation_url", "https://example.org/closson"),
    ];
    assert_eq!(browser.post_form(&path, &source).await.status, StatusCode::SEE_OTHER);
    let items = app.get(&format!("/api/readings/{reading}/annotations/"), &ana).await.json()["first"]["items"].clone();
    let find = |exact: &str| {
        items
            .as_array()
            .and_then(|a| a.iter().find(|i| i["target"]["selector"][1]["exact"] == exact))
            .cloned()
            .expect(exact)
    };
    let link_of = |a: &serde_json::Value| {
        a["body"].as_array().and_then(|b| b.iter().find(|b| b["purpose"] == "linking")).cloned().expect("link")
    };
    assert_eq!(link_of(&find("others disagree"))["relation"], "rebuts");
    let cited = find("a marriage of convenience");
    assert_eq!(link_of(&cited)["relation"], "rebuts");
    assert_eq!(cited["citation"], "Closson, One Bed https://example.org/closson");

    let before = app.count_annotations().await;
    for (kind, link) in
        [("note", claim.as_str()), ("counterargument", "not-an-id"), ("claim", "00000000-0000-0000-0000-000000000000")]
    {
        let response = browser.post_form(&path, &[("kind", kind), ("quote", "Some say"), ("link", link)]).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind} {link}");
        let doc = response.html();
        let error = doc.select(&scraper::Selector::parse("[data-role=editor-error]").expect("selector")).next();
        assert!(error.is_some_and(|e| !e.text().collect::<String>().trim().is_empty()), "the form says why");
    }
    assert_eq!(app.count_annotations().await, before, "refused forms store nothing");
}

#[tokio::test]
async fn with_post_first_on_a_student_hears_of_classmates_only_after_posting() {
    let app = TestApp::new().await;
    let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    counterpoint::db::review::set_post_first(&app.state.db, course, true).await.expect("setting");
    let (ben_sees, teacher_sees) =
        (viewer(&app, &ben, Role::Student).await, viewer(&app, &teacher, Role::Instructor).await);
    let mut events = app.state.events.subscribe(reading);
    app.annotation(reading, &ana, "claim", "partners, not allies", json!({})).await;
    let event = next(&mut events);
    assert!(!event.may_hear(&app.state.db, ben_sees, course).await, "Ben has not posted yet");
    assert!(event.may_hear(&app.state.db, teacher_sees, course).await);
    app.annotation(reading, &ben, "note", "others disagree", json!({"visibility": "private"})).await;
    let own = next(&mut events);
    assert!(own.may_hear(&app.state.db, ben_sees, course).await, "his own he always hears of");
    assert!(!event.may_hear(&app.state.db, ben_sees, course).await, "a private note is not posting");
    app.annotation(reading, &ben, "question", "others disagree", json!({})).await;
    assert!(event.may_hear(&app.state.db, ben_sees, course).await, "after posting he hears of classmates");
}

/// The `annotation` ids a stream passes on, read until `last` arrives.
async fn heard_until(body: Body, last: &str) -> Vec<String> {
    use http_body_util::BodyExt;
    let mut body = body;
    let (mut text, mut heard) = (String::new(), Vec::new());
    while !heard.iter().any(|id| id == last) {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(30), body.frame())
            .await
            .expect("the stream goes on")
            .expect("a frame")
            .expect("no error");
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
        while let Some(end) = text.find("\n\n") {
            let message: String = text.drain(..end + 2).collect();
            if !message.contains("event: annotation") {
                continue;
            }
            let data = message.lines().find_map(|l| l.strip_prefix("data: ")).unwrap_or_default();
            let payload: serde_json::Value = serde_json::from_str(data).expect("json");
            heard.push(payload["annotation"].as_str().unwrap_or_default().to_owned());
        }
    }
    heard
}

#[tokio::test]
async fn open_streams_pass_on_what_the_groups_rule_shows_and_nothing_else() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben, cara) = (app.user("ana").await, app.user("ben").await, app.user("cara").await);
    let course = app.course(&teacher, &[&ana, &ben, &cara]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let ids = [app.user_id(&ana).await, app.user_id(&ben).await, app.user_id(&cara).await];
    for (name, members) in [("Seminar A", vec![ids[0], ids[1]]), ("Seminar B", vec![ids[2]])] {
        let made = app
            .post(&format!("/api/courses/{course}/groups"), &teacher, json!({"name": name, "members": members}))
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    }
    let path = format!("/api/courses/{course}/settings");
    let set = app.api(Method::PUT, &path, Some(&teacher), Some(json!({"discussion": "groups"}))).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let mut streams = Vec::new();
    for user in [&ben, &cara] {
        let request = Request::builder()
            .uri(format!("/readings/{reading}/events"))
            .header(header::AUTHORIZATION, format!("Bearer {}", user.token))
            .body(Body::empty())
            .expect("request");
        let response = app.router.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        streams.push(response.into_body());
    }
    let claim = app.annotation(reading, &ana, "claim", "partners, not allies", json!({})).await;
    // Ana's private note reaches no stream but her own.
    app.annotation(reading, &ana, "note", "Some say", json!({"visibility": "private"})).await;
    let lecture = app.annotation(reading, &teacher, "note", "others disagree", json!({})).await;
    let cara_stream = streams.pop().expect("Cara's");
    let ben_stream = streams.pop().expect("Ben's");
    assert_eq!(
        heard_until(ben_stream, &lecture).await,
        [claim, lecture.clone()],
        "Ben: his group's and the instructor's"
    );
    assert_eq!(heard_until(cara_stream, &lecture).await, [lecture], "Cara: another group, the instructor's only");
}
