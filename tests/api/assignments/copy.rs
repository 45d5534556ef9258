//! `POST /api/courses/{id}/copy` (and its button): next term's course, with
//! the readings, settings, due dates moved or cleared, the rubric, the tag
//! vocabulary and the groups' names, and the
//! instructors, optionally the instructors' annotations; never the students.

use super::{fixture, texts};
use axum::http::{Method, StatusCode};
use counterpoint::db::store;
use serde_json::{Value, json};

async fn count(db: &counterpoint::db::Db, sql: &str, course: i64) -> i64 {
    let (n,): (i64,) = store::query_as(sql).bind(course).fetch_one(db).await.expect("count");
    n
}

const ANNOTATIONS: &str =
    "SELECT count(*) FROM annotations a JOIN readings r ON r.id = a.reading_id WHERE r.course_id = ?";

#[tokio::test]
async fn a_copy_keeps_readings_settings_rubric_and_instructors_and_nothing_of_the_students() {
    let f = fixture().await;
    let co_teacher = f.app.user("coteacher").await;
    let members = f.app.get(&format!("/api/courses/{}", f.course), &f.teacher).await.json();
    let code = members["join_code"].as_str().unwrap_or_default().to_owned();
    f.app.post("/api/courses/join", &co_teacher, json!({"join_code": code})).await;
    let id = f.app.user_id(&co_teacher).await;
    let browser = f.app.browser(&f.teacher).await;
    browser.post_form(&format!("/courses/{}/members/{id}/promote", f.course), &[]).await;
    browser.post_form(&format!("/courses/{}/time-zone", f.course), &[("time_zone", "-05:00")]).await;
    let rubric = [
        ("claim", "7"),
        ("counterargument", "3"),
        ("source", "2"),
        ("question", "1"),
        ("note", "1"),
        ("reply", "1"),
        ("min_words", "0"),
        ("cap", "0"),
    ];
    assert_eq!(
        browser.post_form(&format!("/courses/{}/rubric", f.course), &rubric).await.status,
        StatusCode::SEE_OTHER
    );
    f.due("2026-12-04T17:00:00Z", "exclude").await;
    let claim = f.app.annotation(f.reading, &f.teacher, "claim", "Alpha holds firm", json!({})).await;
    let link = json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
                               {"type": "SpecificResource", "purpose": "linking", "source": claim}]});
    f.app.annotation(f.reading, &co_teacher, "counterargument", "Beta doubts it", link).await;
    let anas = f.app.annotation(f.reading, &f.ana, "question", "Gamma asks why", json!({})).await;
    f.app.post(&format!("/api/annotations/{anas}/replies"), &f.teacher, json!({"text": "Good question."})).await;
    f.app.post(&format!("/api/annotations/{anas}/feedback"), &f.teacher, json!({"text": "Well spotted."})).await;
    f.app.browser(&f.ana).await.get(&format!("/readings/{}", f.reading)).await;
    let vocabulary = json!({"tags": ["realism", "energy"]});
    let tagged =
        f.app.api(Method::PUT, &format!("/api/courses/{}/tags", f.course), Some(&f.teacher), Some(vocabulary)).await;
    assert_eq!(tagged.status, StatusCode::OK, "{}", tagged.text);
    let ana_id = f.app.user_id(&f.ana).await;
    let group = json!({"name": "Seminar A", "members": [ana_id]});
    let grouped = f.app.post(&format!("/api/courses/{}/groups", f.course), &f.teacher, group).await;
    assert!(grouped.status.is_success(), "{}", grouped.text);

    for (with, expected_annotations) in [(false, 0), (true, 2)] {
        let body = json!({"title": "Geopolitics 101, spring", "shift_days": 105, "instructors_annotations": with});
        let copied = f.app.post(&format!("/api/courses/{}/copy", f.course), &f.teacher, body).await;
        assert_eq!(copied.status, StatusCode::CREATED, "{}", copied.text);
        let copied = copied.json();
        let new = copied["id"].as_i64().expect("id");
        assert_eq!(copied["title"], "Geopolitics 101, spring");
        assert_ne!(copied["join_code"].as_str(), Some(code.as_str()), "a new join code");

        let course = f.app.get(&format!("/api/courses/{new}"), &f.teacher).await.json();
        let roles: Vec<&str> =
            course["members"].as_array().expect("members").iter().filter_map(|m| m["role"].as_str()).collect();
        assert_eq!(roles, ["instructor", "instructor"], "the instructors, no students");
        assert_eq!(f.app.get(&format!("/api/courses/{new}"), &f.ana).await.status, StatusCode::NOT_FOUND);
        let readings = course["readings"].as_array().expect("readings").clone();
        assert_eq!(readings.len(), 1);
        let reading = readings[0]["id"].as_i64().expect("id");
        assert_ne!(reading, f.reading);
        let text = f.app.get(&format!("/api/readings/{reading}"), &co_teacher).await.json();
        assert_eq!(text["text"].as_str(), Some(super::TEXT.split("\n\n").collect::<Vec<_>>().join("\n\n").as_str()));
        let due = f.app.get(&format!("/api/readings/{reading}/assignment"), &f.teacher).await.json();
        assert_eq!(
            (due["due_at"].as_str(), due["late_policy"].as_str()),
            (Some("2027-03-19T17:00:00Z"), Some("exclude"))
        );
        assert_eq!(due["time_zone"], "-05:00", "the course's settings");
        let db = &f.app.state.db;
        let (claim_points,): (i64,) = store::query_as("SELECT claim_points FROM rubrics WHERE course_id = ?")
            .bind(new)
            .fetch_one(db)
            .await
            .expect("rubric");
        assert_eq!(claim_points, 7);
        let tags = f.app.get(&format!("/api/courses/{new}/tags"), &f.teacher).await.json();
        assert_eq!(tags["tags"], json!(["realism", "energy"]), "the tag vocabulary");
        let groups = f.app.get(&format!("/api/courses/{new}/groups"), &f.teacher).await.json();
        assert_eq!(groups["groups"][0]["name"], "Seminar A", "the groups' names");
        assert_eq!(groups["groups"][0]["members"], json!([]), "and none of their students");

        let items =
            f.app.get(&format!("/api/readings/{reading}/annotations/?page=0"), &f.teacher).await.json()["items"]
                .clone();
        let items: Vec<Value> = items.as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), expected_annotations);
        assert_eq!(count(db, ANNOTATIONS, new).await, expected_annotations as i64, "not one of ana's");
        if with {
            let counter = items.iter().find(|a| a["body"][0]["value"] == "counterargument").expect("copied");
            let target = counter["body"]
                .as_array()
                .and_then(|b| b.iter().find(|x| x["purpose"] == "linking"))
                .expect("its link");
            let claim_copy = items.iter().find(|a| a["body"][0]["value"] == "claim").expect("copied claim");
            assert_eq!(target["source"], claim_copy["id"], "links point within the copy");
        }
        for sql in [
            "SELECT count(*) FROM replies p JOIN annotations a ON a.id = p.annotation_id JOIN readings r ON r.id = a.reading_id WHERE r.course_id = ?",
            "SELECT count(*) FROM feedback k JOIN annotations a ON a.id = k.annotation_id JOIN readings r ON r.id = a.reading_id WHERE r.course_id = ?",
            "SELECT count(*) FROM reading_visits v JOIN readings r ON r.id = v.reading_id WHERE r.course_id = ?",
            "SELECT count(*) FROM memberships WHERE role = 'student' AND course_id = ?",
        ] {
            assert_eq!(count(db, sql, new).await, 0, "{sql}");
        }
    }
    // The original is untouched.
    assert_eq!(count(&f.app.state.db, ANNOTATIONS, f.course).await, 3);
}

#[tokio::test]
async fn due_dates_may_be_cleared_and_bad_copies_are_refused() {
    let f = fixture().await;
    f.due("2026-12-04T17:00:00Z", "mark").await;
    let path = format!("/api/courses/{}/copy", f.course);
    let copied = f.app.post(&path, &f.teacher, json!({"title": "Next", "clear_due_dates": true})).await;
    assert_eq!(copied.status, StatusCode::CREATED, "{}", copied.text);
    let new = copied.json()["id"].as_i64().expect("id");
    let reading =
        f.app.get(&format!("/api/courses/{new}"), &f.teacher).await.json()["readings"][0]["id"].as_i64().expect("id");
    assert!(f.app.get(&format!("/api/readings/{reading}/assignment"), &f.teacher).await.json()["due_at"].is_null());

    let (courses_before,): (i64,) =
        store::query_as("SELECT count(*) FROM courses").fetch_one(&f.app.state.db).await.expect("count");
    assert_eq!(f.app.post(&path, &f.ana, json!({"title": "Mine now"})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(f.app.post(&path, &f.stranger, json!({"title": "Mine now"})).await.status, StatusCode::NOT_FOUND);
    for body in [
        json!({"title": ""}),
        json!({}),
        json!({"title": "x", "shift_days": 100_000}),
        json!({"title": "x", "shift_days": "soon"}),
        json!({"title": "x", "shift_days": i64::MIN}),
        json!({"title": "x", "shift_days": 63_000 }),
    ] {
        let response = f.app.post(&path, &f.teacher, body.clone()).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", response.text);
    }
    let (courses_after,): (i64,) =
        store::query_as("SELECT count(*) FROM courses").fetch_one(&f.app.state.db).await.expect("count");
    assert_eq!(courses_before, courses_after, "nothing was made");
}

#[tokio::test]
async fn the_course_pages_button_copies_and_opens_the_new_course() {
    let f = fixture().await;
    let browser = f.app.browser(&f.teacher).await;
    let page = browser.get(&format!("/courses/{}", f.course)).await.html();
    assert_eq!(texts(&page, "form[data-role=copy-form] button[type=submit]"), ["Copy the course"]);
    let path = format!("/courses/{}/copy", f.course);
    let made = browser.post_form(&path, &[("title", "Spring term"), ("due_dates", "shift"), ("shift_days", "7")]).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let location = made.header("location").to_owned();
    let page = browser.get(&location).await.html();
    assert_eq!(texts(&page, "h1"), ["Spring term"]);
    let bad =
        browser.post_form(&path, &[("title", "Spring term"), ("due_dates", "shift"), ("shift_days", "a week")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let student = f.app.browser(&f.ana).await;
    assert_eq!(student.post_form(&path, &[("title", "Mine")]).await.status, StatusCode::NOT_FOUND);
    assert!(
        texts(&student.get(&format!("/courses/{}", f.course)).await.html(), "form[data-role=copy-form]").is_empty()
    );
}

#[tokio::test]
async fn a_copy_draws_one_import_per_reading_on_the_callers_allowance() {
    let app = crate::support::TestApp::with_config(|c| c.rates.imports_per_hour = 4).await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    for text in ["One.", "Two."] {
        app.reading(course, &teacher, "text", text).await;
    }
    let path = format!("/api/courses/{course}/copy");
    assert_eq!(app.post(&path, &teacher, json!({"title": "Next"})).await.status, StatusCode::CREATED);
    let refused = app.post(&path, &teacher, json!({"title": "Again"})).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", refused.text);
    let (courses,): (i64,) =
        store::query_as("SELECT count(*) FROM courses").fetch_one(&app.state.db).await.expect("count");
    assert_eq!(courses, 2, "the refused copy made nothing");
}
