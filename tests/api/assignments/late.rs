//! Work after the due date: kept, shown and marked late everywhere, and scored
//! by the late policy, re-scored the moment the due date or policy changes.

use super::{Fixture, attrs, fixture, texts};
use axum::http::{Method, StatusCode};
use counterpoint::db::store;
use scraper::{Html, Selector};
use serde_json::Value;
use std::collections::HashMap;

const DUE: &str = "2026-12-04T17:00:00Z";

fn csv_rows(body: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    reader
        .records()
        .map(|r| header.iter().cloned().zip(r.expect("record").iter().map(str::to_owned)).collect())
        .collect()
}

/// A student's row in a review table: each `data-col` cell's text.
fn review_row(page: &Html, reading: i64, student: &str) -> HashMap<String, String> {
    let rows = Selector::parse(&format!("table[data-reading-id=\"{reading}\"] tbody tr")).expect("selector");
    let cells = Selector::parse("[data-col]").expect("selector");
    page.select(&rows)
        .map(|row| {
            row.select(&cells)
                .filter_map(|c| {
                    Some((c.value().attr("data-col")?.to_owned(), c.text().collect::<String>().trim().to_owned()))
                })
                .collect::<HashMap<_, _>>()
        })
        .find(|cells| cells.get("name").is_some_and(|n| n.starts_with(student)))
        .expect("the student's row")
}

async fn container(f: &Fixture) -> Vec<Value> {
    let page = f.app.get(&format!("/api/readings/{}/annotations/?page=0", f.reading), &f.teacher).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let json = page.json();
    json["items"].as_array().or_else(|| json["first"]["items"].as_array()).cloned().unwrap_or_default()
}

#[tokio::test]
async fn work_just_after_the_due_date_is_marked_late_in_json_pages_tables_and_csvs() {
    let f = fixture().await;
    let before = f.annotation_at(&f.ana, "claim", "Alpha holds firm", "2026-12-04T16:59:59.999Z").await;
    let on_the_minute = f.annotation_at(&f.ana, "question", "Gamma asks why", "2026-12-04T17:00:00.000Z").await;
    let after = f.annotation_at(&f.ben, "counterargument", "Beta doubts it", "2026-12-04T17:00:00.001Z").await;
    // Before there is a due date, nothing is late.
    assert!(container(&f).await.iter().all(|a| a.get("late").is_none()));
    f.due(DUE, "mark").await;

    let items = container(&f).await;
    let late: Vec<&str> =
        items.iter().filter(|a| a["late"] == true).filter_map(|a| a["id"].as_str()?.rsplit('/').next()).collect();
    assert_eq!(late, [after.as_str()], "only the one after the due date");
    assert!(items.iter().all(|a| a.get("late").is_none() || a["late"] == true), "absent when on time");
    let one = f.app.get(&format!("/api/annotations/{after}"), &f.ana).await.json();
    assert_eq!(one["late"], true);
    let context = f
        .app
        .send(
            axum::http::Request::get("/ns/counterpoint.jsonld")
                .header("host", "counterpoint.test")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .json();
    assert!(context["@context"]["late"].is_object(), "`late` is a defined term");

    let reading_page = f.app.browser(&f.ana).await.get(&format!("/readings/{}", f.reading)).await.html();
    assert_eq!(attrs(&reading_page, "li.annotation:has(.badge.late)", "data-annotation-id"), [after.as_str()]);

    let browser = f.app.browser(&f.teacher).await;
    let review = browser.get(&format!("/courses/{}/review", f.course)).await.html();
    assert_eq!(review_row(&review, f.reading, "ana")["late"], "0");
    assert_eq!(review_row(&review, f.reading, "ben")["late"], "1");
    assert_eq!(texts(&review, "th[data-col=late]").first().map(String::as_str), Some("Late"));
    let reading_review = browser.get(&format!("/readings/{}/review", f.reading)).await.html();
    assert_eq!(attrs(&reading_review, "li.annotation:has(.badge.late)", "data-annotation-id"), [after.as_str()]);

    let export = f.app.get(&format!("/api/courses/{}/export?format=csv", f.course), &f.teacher).await;
    let rows = csv_rows(&export.text);
    let late_of = |id: &str| rows.iter().find(|r| r["id"] == id).map(|r| r["late"].clone());
    assert_eq!(late_of(&after).as_deref(), Some("true"));
    assert_eq!(late_of(&before).as_deref(), Some(""));
    assert_eq!(late_of(&on_the_minute).as_deref(), Some(""), "on the due minute is on time");
    let gradebook = f.app.get(&format!("/api/courses/{}/export?format=gradebook", f.course), &f.teacher).await;
    let rows = csv_rows(&gradebook.text);
    let late_of = |name: &str| rows.iter().find(|r| r["student"] == name).map(|r| r["late"].clone());
    assert_eq!((late_of("ana").as_deref(), late_of("ben").as_deref()), (Some("0"), Some("1")));

    // Moving the due date later makes it on time again, at once.
    f.due("2026-12-05T17:00:00Z", "mark").await;
    assert!(container(&f).await.iter().all(|a| a.get("late").is_none()));
}

/// The review's score cell for ana, with whether it is flagged, and the gradebook's score.
async fn scores(f: &Fixture) -> (String, bool, String) {
    let browser = f.app.browser(&f.teacher).await;
    let review = browser.get(&format!("/courses/{}/review", f.course)).await.html();
    let row = review_row(&review, f.reading, "ana");
    let score = row["score"].split_whitespace().next().unwrap_or_default().to_owned();
    let flagged = row["score"].contains("late");
    let gradebook = f.app.get(&format!("/api/courses/{}/export?format=gradebook", f.course), &f.teacher).await;
    let rows = csv_rows(&gradebook.text);
    let book = rows.iter().find(|r| r["student"] == "ana").map(|r| r["score"].clone()).unwrap_or_default();
    (score, flagged, book)
}

#[tokio::test]
async fn each_late_policy_scores_late_work_its_way_and_a_change_rescores_at_once() {
    let f = fixture().await;
    // Default rubric: a claim earns 2, a reply 1; comments need 5 words.
    let on_time = f.annotation_at(&f.ana, "claim", "Alpha holds firm", "2026-12-04T10:00:00.000Z").await;
    f.annotation_at(&f.ana, "claim", "Delta answers", "2026-12-04T18:00:00.000Z").await;
    let reply = f
        .app
        .post(
            &format!("/api/annotations/{on_time}/replies"),
            &f.ana,
            serde_json::json!({"text": "one two three four five"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    store::query("UPDATE replies SET created_at = '2026-12-05T09:00:00.000Z'")
        .execute(&f.app.state.db)
        .await
        .expect("moved");

    assert_eq!(scores(&f).await, ("5".to_owned(), false, "5".to_owned()), "no due date: everything counts");
    f.due(DUE, "count").await;
    assert_eq!(scores(&f).await, ("5".to_owned(), false, "5".to_owned()), "count: nothing changes");
    f.due(DUE, "mark").await;
    assert_eq!(scores(&f).await, ("5".to_owned(), true, "5".to_owned()), "mark: counts, flagged");
    f.due(DUE, "exclude").await;
    assert_eq!(
        scores(&f).await,
        ("2".to_owned(), false, "2".to_owned()),
        "exclude: the late claim and reply do not count"
    );
    f.due("2026-12-06T00:00:00Z", "exclude").await;
    assert_eq!(scores(&f).await, ("5".to_owned(), false, "5".to_owned()), "a later due date: all on time");
    let cleared =
        f.app.api(Method::DELETE, &format!("/api/readings/{}/assignment", f.reading), Some(&f.teacher), None).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    f.due(DUE, "exclude").await;
    assert_eq!(scores(&f).await.0, "2");
    // The work itself is kept and shown whatever the policy.
    assert_eq!(container(&f).await.len(), 2);
}

#[tokio::test]
async fn due_date_changes_move_the_revisions_that_caches_follow_and_visits_do_not() {
    let f = fixture().await;
    let revisions = || async {
        let row: (i64, i64) = store::query_as(
            "SELECT r.revision, c.revision FROM readings r JOIN courses c ON c.id = r.course_id WHERE r.id = ?",
        )
        .bind(f.reading)
        .fetch_one(&f.app.state.db)
        .await
        .expect("revisions");
        row
    };
    let start = revisions().await;
    f.due(DUE, "mark").await;
    let set = revisions().await;
    assert!(set.0 > start.0 && set.1 > start.1, "setting a due date: {start:?} -> {set:?}");
    f.due(DUE, "exclude").await;
    let changed = revisions().await;
    assert!(changed.0 > set.0 && changed.1 > set.1, "changing the policy");
    f.app.browser(&f.ana).await.get(&format!("/readings/{}", f.reading)).await;
    assert_eq!(revisions().await, changed, "a visit changes nothing anyone else sees");
    let path = format!("/api/readings/{}/assignment", f.reading);
    f.app.api(Method::DELETE, &path, Some(&f.teacher), None).await;
    assert!(revisions().await.0 > changed.0, "clearing it");
}

/// A create learns the due date and the author's count in its access check's
/// query (`readings::access_as_author`): what it answers must be what is stored.
#[tokio::test]
async fn a_create_after_the_due_date_is_answered_late_and_strangers_are_still_refused() {
    let f = fixture().await;
    let on_time = f.app.annotate(f.reading, &f.ana, "claim", "Alpha holds firm", serde_json::json!({})).await;
    assert_eq!(on_time.status, StatusCode::CREATED, "{}", on_time.text);
    assert!(on_time.json().get("late").is_none(), "no due date, nothing late");
    f.due("2020-01-01T00:00:00Z", "mark").await;
    let late = f.app.annotate(f.reading, &f.ben, "question", "Gamma asks why", serde_json::json!({})).await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.text);
    assert_eq!(late.json()["late"], true, "answered late at once");
    let id = late.json()["id"].as_str().and_then(|id| id.rsplit('/').next()).expect("id").to_owned();
    assert_eq!(f.app.get(&format!("/api/annotations/{id}"), &f.ben).await.json()["late"], true, "and stored so");
    let refused = f.app.annotate(f.reading, &f.stranger, "claim", "Alpha holds firm", serde_json::json!({})).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "not a member: {}", refused.text);
}
