//! The course page as a student's home (due status, own progress, the
//! reading's totals, what is new since the last visit), the reading page's
//! new-only filter and marks, and the instructor's course page.

use super::{attrs, fixture, texts};
use axum::http::StatusCode;
use counterpoint::db::store;
use serde_json::json;
use std::collections::BTreeSet;

const LONG: &str = "a comment of six whole words";

fn commented(kind: &str, comment: &str) -> serde_json::Value {
    json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": kind},
                    {"type": "TextualBody", "purpose": "commenting", "value": comment}]})
}

/// Every annotation id the page's highlights list.
fn highlighted(page: &scraper::Html, css: &str) -> BTreeSet<String> {
    attrs(page, css, "data-annotation-ids").iter().flat_map(|ids| ids.split(' ').map(str::to_owned)).collect()
}

#[tokio::test]
async fn a_student_sees_due_status_progress_totals_and_what_is_new_since_the_last_visit() {
    let f = fixture().await;
    let teacher_browser = f.app.browser(&f.teacher).await;
    teacher_browser.post_form(&format!("/courses/{}/time-zone", f.course), &[("time_zone", "UTC")]).await;
    f.due("2100-01-01T17:00:00Z", "mark").await;
    let overdue = f.app.reading(f.course, &f.teacher, "text", "Old news.").await;
    let closed = f.app.reading(f.course, &f.teacher, "text", "Older news.").await;
    let path = |r: i64| format!("/api/readings/{r}/assignment");
    for (r, policy) in [(overdue, "mark"), (closed, "exclude")] {
        let set = f
            .app
            .api(
                axum::http::Method::PUT,
                &path(r),
                Some(&f.teacher),
                Some(json!({"due_at": "2026-01-01T00:00:00Z", "late_policy": policy})),
            )
            .await;
        assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    }
    let mine = f.app.annotation(f.reading, &f.ana, "claim", "Alpha holds firm", commented("claim", LONG)).await;
    f.app.annotation(f.reading, &f.ana, "note", "Delta answers", json!({"visibility": "private"})).await;
    let bens_old = f.app.annotation(f.reading, &f.ben, "question", "Gamma asks why", json!({})).await;
    f.app.post(&format!("/api/annotations/{bens_old}/replies"), &f.ana, json!({"text": "Because."})).await;

    let ana = f.app.browser(&f.ana).await;
    let course_path = format!("/courses/{}", f.course);
    let page = ana.get(&course_path).await.html();
    let status =
        |page: &scraper::Html, r: i64| texts(page, &format!("li[data-reading-id=\"{r}\"] [data-role=due-status]"));
    assert_eq!(status(&page, f.reading), ["due 1 January 2100 17:00"]);
    assert_eq!(status(&page, overdue), ["overdue"]);
    assert_eq!(status(&page, closed), ["closed"]);
    let line = |page: &scraper::Html, role: &str| {
        texts(page, &format!("li[data-reading-id=\"{}\"] [data-role={role}]", f.reading))
    };
    assert_eq!(line(&page, "my-progress"), ["You: 2 annotations, 1 reply · the reading: 3 annotations, 1 reply"]);
    assert_eq!(line(&page, "not-opened"), ["Not opened yet"]);

    // Ana reads; later (the clock moved on) ben adds three, a private one and a reply to her; the teacher one for instructors.
    assert_eq!(ana.get(&format!("/readings/{}", f.reading)).await.status, StatusCode::OK);
    let db = &f.app.state.db;
    store::query("UPDATE annotations SET created_at = '2025-12-01T00:00:00.000Z'").execute(db).await.expect("moved");
    store::query("UPDATE replies SET created_at = '2025-12-01T00:00:00.000Z'").execute(db).await.expect("moved");
    store::query("UPDATE reading_visits SET visited_at = '2026-01-01T00:00:00.000Z'").execute(db).await.expect("moved");
    let mut new = BTreeSet::new();
    for (kind, exact) in [("claim", "Beta doubts"), ("source", "Delta"), ("counterargument", "holds firm")] {
        new.insert(f.app.annotation(f.reading, &f.ben, kind, exact, json!({})).await);
    }
    f.app.annotation(f.reading, &f.ben, "note", "asks why", json!({"visibility": "private"})).await;
    f.app.annotation(f.reading, &f.teacher, "note", "Gamma", json!({"visibility": "instructors"})).await;
    f.app.post(&format!("/api/annotations/{mine}/replies"), &f.ben, json!({"text": "I doubt it."})).await;

    let page = ana.get(&course_path).await.html();
    assert_eq!(line(&page, "news"), ["3 new annotations, 1 reply to you since your last visit"]);
    let href = attrs(&page, &format!("li[data-reading-id=\"{}\"] a[data-role=news-link]", f.reading), "href");
    assert_eq!(href, [format!("/readings/{}?since=2026-01-01T00:00:00.000Z", f.reading)]);

    // The link opens the reading with only what is new.
    let filtered = ana.get(&href[0]).await;
    assert_eq!(filtered.status, StatusCode::OK, "{}", filtered.text);
    let filtered = filtered.html();
    assert_eq!(highlighted(&filtered, "#reading-text mark"), new, "exactly the new highlights");
    assert_eq!(attrs(&filtered, "li.annotation", "data-annotation-id").into_iter().collect::<BTreeSet<_>>(), new);
    assert_eq!(texts(&filtered, "[data-filter=new] [data-role=new-count]"), ["3"]);
    // That was a visit: nothing is new any more.
    let page = ana.get(&course_path).await.html();
    assert!(line(&page, "news").is_empty(), "{:?}", line(&page, "news"));

    // Without the filter, everything shows and what came after the visit before is marked.
    store::query("UPDATE reading_visits SET visited_at = '2026-01-01T00:00:00.000Z'").execute(db).await.expect("moved");
    let marked = ana.get(&format!("/readings/{}", f.reading)).await.html();
    assert_eq!(highlighted(&marked, "#reading-text mark.hl-new"), new);
    assert_eq!(attrs(&marked, "li.annotation", "data-annotation-id").len(), 6, "all she may see");
    assert_eq!(texts(&marked, "[data-role=new-since] [data-role=new-count]"), ["3"]);
    assert_eq!(
        ana.get(&format!("/readings/{}?since=yesterday", f.reading)).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn the_instructors_course_page_shows_due_dates_who_started_and_finished_and_review_links() {
    let f = fixture().await;
    f.due("2100-01-01T17:00:00Z", "exclude").await;
    let anas = f.app.annotation(f.reading, &f.ana, "claim", "Alpha holds firm", commented("claim", LONG)).await;
    f.app.annotation(f.reading, &f.ben, "claim", "Beta doubts it", commented("claim", "too short")).await;
    let teacher = f.app.browser(&f.teacher).await;
    let page = teacher.get(&format!("/courses/{}", f.course)).await.html();
    let at =
        |role: &str| attrs(&page, &format!("li[data-reading-id=\"{}\"] [data-role={role}]", f.reading), "data-count");
    assert_eq!(
        (at("started"), at("finished")),
        (vec!["2".to_owned()], vec!["1".to_owned()]),
        "ben's comment is too short to count"
    );
    assert_eq!(
        attrs(&page, &format!("li[data-reading-id=\"{}\"] a[data-role=reading-review-link]", f.reading), "href"),
        [format!("/readings/{}/review", f.reading)]
    );
    assert_eq!(attrs(&page, "[data-role=due-status]", "data-status"), ["due"]);
    assert!(texts(&page, "[data-role=my-progress]").is_empty(), "no student line for instructors");
    // Ana's claim after the due date does not count under `exclude`: she has not finished.
    f.created_at(&anas, "2100-01-02T00:00:00.000Z").await;
    let page = teacher.get(&format!("/courses/{}", f.course)).await.html();
    let finished = attrs(&page, &format!("li[data-reading-id=\"{}\"] [data-role=finished]", f.reading), "data-count");
    assert_eq!(finished, ["0"]);
}

#[tokio::test]
async fn views_within_a_minute_are_one_visit_and_strangers_leave_none() {
    let f = fixture().await;
    let ana = f.app.browser(&f.ana).await;
    let path = format!("/readings/{}", f.reading);
    let visited = || async {
        let row: Option<(String,)> = store::query_as("SELECT visited_at FROM reading_visits WHERE reading_id = ?")
            .bind(f.reading)
            .fetch_optional(&f.app.state.db)
            .await
            .expect("visit");
        row.map(|(t,)| t)
    };
    assert_eq!(visited().await, None);
    ana.get(&path).await;
    let first = visited().await.expect("recorded");
    ana.get(&path).await;
    assert_eq!(visited().await, Some(first), "a reload is the same visit");
    store::query("UPDATE reading_visits SET visited_at = '2026-01-01T00:00:00.000Z'")
        .execute(&f.app.state.db)
        .await
        .expect("moved");
    ana.get(&path).await;
    assert!(visited().await.is_some_and(|t| t.as_str() > "2026-01-01T00:00:00.000Z"), "a later view is a new visit");
    let stranger = f.app.browser(&f.stranger).await;
    assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
    let (n,): (i64,) =
        store::query_as("SELECT count(*) FROM reading_visits").fetch_one(&f.app.state.db).await.expect("count");
    assert_eq!(n, 1, "only ana's");
}
