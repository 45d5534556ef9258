//! `PUT/GET/DELETE /api/readings/{id}/assignment`: who may, and what is refused.

use super::fixture;
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn instructors_set_and_clear_a_due_date_that_members_read_in_utc() {
    let f = fixture().await;
    let body =
        json!({"due_at": "2026-12-04T18:00:00+01:00", "opens_at": "2026-11-30T09:00:00Z", "late_policy": "exclude"});
    let set = f.put_assignment(&f.teacher, body).await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let path = format!("/api/readings/{}/assignment", f.reading);
    let seen = f.app.get(&path, &f.ana).await.json();
    assert_eq!(seen["due_at"], "2026-12-04T17:00:00Z", "stored and answered in UTC");
    assert_eq!(seen["opens_at"], "2026-11-30T09:00:00Z");
    assert_eq!(seen["late_policy"], "exclude");
    assert_eq!(set.json(), seen);
    let course = f.app.get(&format!("/api/courses/{}", f.course), &f.ana).await.json();
    assert_eq!(course["readings"][0]["due_at"], "2026-12-04T17:00:00Z", "the course lists due dates");
    let policy_default = f.put_assignment(&f.teacher, json!({"due_at": "2026-12-05T17:00:00Z"})).await.json();
    assert_eq!((policy_default["late_policy"].as_str(), policy_default["opens_at"].is_null()), (Some("mark"), true));
    let cleared = f.app.api(Method::DELETE, &path, Some(&f.teacher), None).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    assert!(f.app.get(&path, &f.ana).await.json()["due_at"].is_null());
}

#[tokio::test]
async fn students_get_403_and_strangers_404_and_nothing_changes() {
    let f = fixture().await;
    f.due("2026-12-04T17:00:00Z", "mark").await;
    let path = format!("/api/readings/{}/assignment", f.reading);
    let body = json!({"due_at": "2027-01-01T00:00:00Z", "late_policy": "count"});
    assert_eq!(f.put_assignment(&f.ana, body.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(f.app.api(Method::DELETE, &path, Some(&f.ana), None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(f.put_assignment(&f.stranger, body.clone()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(f.app.get(&path, &f.stranger).await.status, StatusCode::NOT_FOUND);
    assert_eq!(f.app.api(Method::PUT, &path, None, Some(body)).await.status, StatusCode::UNAUTHORIZED);
    let after = f.app.get(&path, &f.teacher).await.json();
    assert_eq!((after["due_at"].as_str(), after["late_policy"].as_str()), (Some("2026-12-04T17:00:00Z"), Some("mark")));
    // A student's page form is hidden from them (404), like the settings page it sits on.
    let page = f.app.browser(&f.ana).await;
    let form = page.post_form(&format!("/readings/{}/assignment", f.reading), &[("due", "2027-01-01T00:00")]).await;
    assert_eq!(form.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn values_that_are_not_dates_or_policies_get_422_and_change_nothing() {
    let f = fixture().await;
    f.due("2026-12-04T17:00:00Z", "mark").await;
    let rows = [
        json!({"due_at": "Friday"}),
        json!({"due_at": "2026-12-04"}),
        json!({"due_at": "2026-12-04 17:00"}),
        json!({"due_at": 1_764_867_600}),
        json!({"due_at": null}),
        json!({}),
        json!({"due_at": "1999-12-31T23:00:00Z"}),
        json!({"due_at": "2026-12-04T17:00:00Z", "opens_at": "soon"}),
        json!({"due_at": "2026-12-04T17:00:00Z", "opens_at": "2026-12-05T00:00:00Z"}),
        json!({"due_at": "2026-12-04T17:00:00Z", "late_policy": "sometimes"}),
        json!({"due_at": "2026-12-04T17:00:00Z", "late_policy": 3}),
        json!({"due_at": "2026-12-04T17:00:00Z", "colour": "red"}),
    ];
    for body in rows {
        let response = f.put_assignment(&f.teacher, body.clone()).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", response.text);
        assert!(response.json()["error"].is_string(), "{body}");
    }
    let path = format!("/api/readings/{}/assignment", f.reading);
    let malformed = f
        .app
        .send(
            axum::http::Request::builder()
                .method(Method::PUT)
                .uri(&path)
                .header("host", "counterpoint.test")
                .header("authorization", format!("Bearer {}", f.teacher.token))
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{\"due_at\": "))
                .expect("request"),
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    let after = f.app.get(&path, &f.teacher).await.json();
    assert_eq!((after["due_at"].as_str(), after["late_policy"].as_str()), (Some("2026-12-04T17:00:00Z"), Some("mark")));
}

#[tokio::test]
async fn the_settings_page_sets_the_due_date_in_the_course_time_zone() {
    let f = fixture().await;
    let browser = f.app.browser(&f.teacher).await;
    let zone = browser.post_form(&format!("/courses/{}/time-zone", f.course), &[("time_zone", "+02:00")]).await;
    assert_eq!(zone.status, StatusCode::SEE_OTHER, "{}", zone.text);
    let path = format!("/readings/{}/assignment", f.reading);
    let saved =
        browser.post_form(&path, &[("due", "2026-12-04T17:00"), ("opens", ""), ("late_policy", "exclude")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let api = f.app.get(&format!("/api/readings/{}/assignment", f.reading), &f.ana).await.json();
    assert_eq!((api["due_at"].as_str(), api["time_zone"].as_str()), (Some("2026-12-04T15:00:00Z"), Some("+02:00")));
    let page = browser.get(&format!("/readings/{}/settings", f.reading)).await.html();
    assert_eq!(super::attrs(&page, "form[data-role=assignment-form] input[name=due]", "value"), ["2026-12-04T17:00"]);
    assert_eq!(super::attrs(&page, "input[name=late_policy][checked]", "value"), ["exclude"]);

    let bad = browser.post_form(&path, &[("due", "next Friday"), ("late_policy", "mark")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(super::texts(&bad.html(), "p.error[role=alert]").len(), 1, "the page says why");
    let bad_zone =
        browser.post_form(&format!("/courses/{}/time-zone", f.course), &[("time_zone", "Mars/Olympus")]).await;
    assert_eq!(bad_zone.status, StatusCode::UNPROCESSABLE_ENTITY);
    let cleared = browser.post_form(&path, &[("clear", "1")]).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    let api = f.app.get(&format!("/api/readings/{}/assignment", f.reading), &f.ana).await.json();
    assert!(api["due_at"].is_null(), "{api}");
}
