//! A student's course page in Chromium: "3 new" since the last visit, the
//! link to the reading with only those, exactly their highlights; and
//! axe-core over the changed pages (the student's and the instructor's course
//! page, the reading page filtered, the reading settings with its due date).

use crate::accessibility::serious_violations;
use crate::harness::{Suite, click, run, wait_until};
use counterpoint::db::store;
use serde_json::{Value, json};
use std::collections::BTreeSet;

pub async fn a_student_opens_what_is_new_since_the_last_visit(suite: &Suite) {
    let app = &suite.app;
    let teacher = app.user("home-teacher").await;
    let ana = app.user("home-ana").await;
    let ben = app.user("home-ben").await;
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let text = "Alpha holds firm.\n\nBeta doubts it.\n\nGamma asks why.\n\nDelta answers.";
    let reading = app.reading(course, &teacher, "text", text).await;
    let due = json!({"due_at": "2100-01-01T17:00:00Z", "late_policy": "mark"});
    let path = format!("/api/readings/{reading}/assignment");
    assert!(app.api(axum::http::Method::PUT, &path, Some(&teacher), Some(due)).await.status.is_success());
    let old = app.annotation(reading, &ana, "claim", "Alpha holds firm", json!({})).await;

    let client = suite.signed_in(&ana).await;
    suite.open_reading(&client, reading).await;
    // She leaves the reading (else its live redraws would count as visits while ben writes).
    client.goto(&format!("{}/courses/{course}", suite.base)).await.expect("course page");
    // Her visit was before what ben writes next (moved back, so the same millisecond cannot blur them).
    let db = &app.state.db;
    store::query("UPDATE annotations SET created_at = '2025-12-01T00:00:00.000Z'").execute(db).await.expect("moved");
    store::query("UPDATE reading_visits SET visited_at = '2026-01-01T00:00:00.000Z'").execute(db).await.expect("moved");
    let mut new = BTreeSet::new();
    for (kind, exact) in [("claim", "Beta doubts"), ("question", "Gamma asks why"), ("counterargument", "holds firm")] {
        new.insert(app.annotation(reading, &ben, kind, exact, json!({})).await);
    }

    client.goto(&format!("{}/courses/{course}", suite.base)).await.expect("course page");
    wait_until(&client, "document.querySelector('a[data-role=news-link]') !== null").await;
    let news = run(&client, "return document.querySelector('a[data-role=news-link]').textContent;", vec![]).await;
    assert!(news.as_str().is_some_and(|n| n.starts_with("3 new")), "{news}");
    let mut report = Vec::new();
    report.push(("student's course page", serious_violations(&client).await));
    click(&client, "a[data-role=news-link]").await;
    wait_until(
        &client,
        &format!("location.pathname === '/readings/{reading}' && location.search.startsWith('?since=')"),
    )
    .await;
    wait_until(&client, "document.documentElement.classList.contains('enhanced')").await;
    let ids = run(
        &client,
        "return [...document.querySelectorAll('#reading-text mark')].flatMap((m) => m.dataset.annotationIds.split(' '));",
        vec![],
    )
    .await;
    let shown: BTreeSet<String> =
        ids.as_array().cloned().unwrap_or_default().iter().filter_map(Value::as_str).map(str::to_owned).collect();
    assert_eq!(shown, new, "exactly the new highlights, not {old}");
    report.push(("reading, new only", serious_violations(&client).await));
    client.close().await.ok();

    let client = suite.signed_in(&teacher).await;
    for (name, page) in [
        ("instructor's course page", format!("/courses/{course}")),
        ("reading settings", format!("/readings/{reading}/settings")),
    ] {
        client.goto(&format!("{}{page}", suite.base)).await.expect("page");
        wait_until(&client, "document.readyState === 'complete'").await;
        report.push((name, serious_violations(&client).await));
    }
    client.close().await.ok();
    let failures: Vec<_> = report.into_iter().filter(|(_, found)| !found.is_empty()).collect();
    assert!(failures.is_empty(), "axe found serious or critical violations: {failures:#?}");
}
