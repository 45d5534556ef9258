//! Instructors manage a course: join codes, members, readings.

use crate::support::TestApp;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_new_join_code_replaces_the_old_one() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[]).await;
    let old = app.get(&format!("/api/courses/{course}"), &teacher).await.json()["join_code"].clone();
    let browser = app.browser(&teacher).await;
    assert_eq!(browser.post_form(&format!("/courses/{course}/join-code"), &[]).await.status, StatusCode::SEE_OTHER);
    let new = app.get(&format!("/api/courses/{course}"), &teacher).await.json()["join_code"].clone();
    assert_ne!(old, new);
    assert_eq!(
        app.post("/api/courses/join", &ana, json!({"join_code": old})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.post("/api/courses/join", &ana, json!({"join_code": new})).await.status, StatusCode::OK);
    let student = app.browser(&ana).await;
    let refused = student.post_form(&format!("/courses/{course}/join-code"), &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "instructor forms are hidden from students");
}

#[tokio::test]
async fn instructors_promote_and_remove_members_but_keep_one_instructor() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let members = app.get(&format!("/api/courses/{course}"), &teacher).await.json()["members"].clone();
    let id_of = |name: &str| {
        members.as_array().and_then(|m| m.iter().find(|m| m["name"] == name)).map(|m| m["id"].clone()).expect(name)
    };
    let browser = app.browser(&teacher).await;
    let post = |who: &str, action: &str| format!("/courses/{course}/members/{}/{action}", id_of(who));
    assert_eq!(browser.post_form(&post("ana", "promote"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/api/courses/{course}"), &ana).await.json()["role"], "instructor");
    assert_eq!(browser.post_form(&post("ben", "remove"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/api/courses/{course}"), &ben).await.status, StatusCode::NOT_FOUND);
    assert_eq!(browser.post_form(&post("ana", "demote"), &[]).await.status, StatusCode::SEE_OTHER);
    let last = browser.post_form(&post("teacher", "remove"), &[]).await;
    assert_eq!(last.status, StatusCode::UNPROCESSABLE_ENTITY, "the last instructor stays");
    assert_eq!(browser.post_form(&post("ana", "dance"), &[]).await.status, StatusCode::NOT_FOUND);
    let student = app.browser(&ana).await;
    assert_eq!(student.post_form(&post("teacher", "remove"), &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn instructors_upload_rename_and_delete_readings_after_confirming() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let browser = app.browser(&teacher).await;
    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"treaty.md\"\r\nContent-Type: text/markdown\r\n\r\n# Treaty\n\nArticle *one*.\r\n--{boundary}--\r\n"
    );
    let upload = |csrf: &str| {
        axum::http::Request::builder()
            .method("POST")
            .uri(format!("/courses/{course}/readings/upload?csrf={csrf}"))
            .header("cookie", &browser.cookie)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(axum::body::Body::from(body.clone()))
            .expect("request")
    };
    assert_eq!(app.send(upload("forged")).await.status, StatusCode::FORBIDDEN);
    let uploaded = app.send(upload(&browser.csrf)).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text);
    let reading: i64 = uploaded.header("location").trim_start_matches("/readings/").parse().expect("id");
    let got = app.get(&format!("/api/readings/{reading}"), &teacher).await.json();
    assert_eq!((got["title"].as_str(), got["text"].as_str()), (Some("treaty"), Some("Treaty\n\nArticle one.")));

    let settings = format!("/readings/{reading}/settings");
    assert_eq!(
        app.browser(&ana).await.get(&settings).await.status,
        StatusCode::NOT_FOUND,
        "students do not manage readings"
    );
    let renamed = browser.post_form(&settings, &[("title", "The Treaty"), ("author", "Both Parties")]).await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/api/readings/{reading}"), &ana).await.json()["title"], "The Treaty");
    assert_eq!(browser.post_form(&settings, &[("title", " ")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    app.annotation(reading, &ana, "claim", "Article one", json!({})).await;
    let unconfirmed = browser.post_form(&format!("/readings/{reading}/delete"), &[("confirm", "yes")]).await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get(&format!("/api/readings/{reading}"), &ana).await.status, StatusCode::OK);
    let deleted = browser.post_form(&format!("/readings/{reading}/delete"), &[("confirm", "delete")]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/api/readings/{reading}"), &ana).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count_annotations().await, 0, "its annotations go with it");
}

/// `web::Instructor`'s one status policy, route by route: a member who does not
/// teach meets 404 on instructor pages, their forms and the API's reads, and 403
/// on the API's writes; a stranger meets 404 everywhere; and nothing changes.
#[tokio::test]
async fn instructor_routes_answer_students_404_except_403_on_api_writes() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, stranger) = (app.user("ana").await, app.user("stranger").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", "Alpha holds. Beta doubts.").await;
    let join_code = app.get(&format!("/api/courses/{course}"), &teacher).await.json()["join_code"].clone();
    let pages = [
        format!("/courses/{course}/review"),
        format!("/readings/{reading}/review"),
        format!("/readings/{reading}/settings"),
        format!("/readings/{reading}/text"),
        format!("/courses/{course}/students/{}", app.user_id(&ana).await),
    ];
    let forms = [
        format!("/courses/{course}/join-code"),
        format!("/courses/{course}/discussion"),
        format!("/readings/{reading}/delete"),
        format!("/courses/{course}/copy"),
    ];
    let api = [
        (Method::GET, format!("/api/readings/{reading}/versions"), None),
        (Method::GET, format!("/api/courses/{course}/export?format=csv"), None),
        (Method::PUT, format!("/api/courses/{course}/settings"), Some(json!({"discussion": "groups"}))),
        (Method::PUT, format!("/api/readings/{reading}/assignment"), Some(json!({"due_at": "2030-01-01T00:00:00Z"}))),
        (Method::POST, format!("/api/courses/{course}/copy"), Some(json!({"title": "Mine now"}))),
    ];
    for (user, member) in [(&ana, true), (&stranger, false)] {
        for path in &pages {
            assert_eq!(app.get(path, user).await.status, StatusCode::NOT_FOUND, "{} GET {path}", user.email);
        }
        let browser = app.browser(user).await;
        for path in &forms {
            let refused = browser.post_form(path, &[("confirm", "delete"), ("title", "Mine")]).await;
            assert_eq!(refused.status, StatusCode::NOT_FOUND, "{} POST {path}", user.email);
        }
        for (method, path, body) in &api {
            let refused = app.api(method.clone(), path, Some(user), body.clone()).await;
            let write = *method != Method::GET;
            let expected = if member && write { StatusCode::FORBIDDEN } else { StatusCode::NOT_FOUND };
            assert_eq!(refused.status, expected, "{} {method} {path}: {}", user.email, refused.text);
            assert!(refused.json()["error"].is_string(), "{path}");
        }
    }
    let after = app.get(&format!("/api/courses/{course}"), &teacher).await.json();
    assert_eq!(after["join_code"], join_code, "nothing changed");
    assert_eq!(after["readings"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.get(&format!("/api/courses/{course}/settings"), &teacher).await.json()["discussion"], "class");
    for path in &pages {
        assert_eq!(app.get(path, &teacher).await.status, StatusCode::OK, "teacher GET {path}");
    }
}
