//! The inbox in Chromium: Ana's badge lights up when Ben replies to her claim;
//! she opens the inbox and lands on the thread; the instructor spotlights it from
//! the thread. axe-core over the new pages (the inbox, the reading page with its
//! Spotlight section, a student's page, the course page's classroom settings).

use crate::accessibility::serious_violations;
use crate::harness::{Suite, click, wait_until};
use serde_json::{Value, json};

pub async fn the_badge_lights_up_and_the_inbox_opens_the_thread(suite: &Suite) {
    let app = &suite.app;
    let teacher = app.user("inbox-teacher").await;
    let (ana, ben) = (app.user("inbox-ana").await, app.user("inbox-ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading =
        app.reading(course, &teacher, "text", "Realism explains the partnership.\n\nTrade tells another story.").await;
    let claim = app.annotation(reading, &ana, "claim", "Realism explains", json!({})).await;
    let ben_id = app.user_id(&ben).await;
    let group = json!({"name": "Seminar A", "members": [app.user_id(&ana).await, ben_id]});
    app.post(&format!("/api/courses/{course}/groups"), &teacher, group).await;
    app.api(
        axum::http::Method::PUT,
        &format!("/api/courses/{course}/tags"),
        Some(&teacher),
        Some(json!({"tags": ["realism", "energy"]})),
    )
    .await;

    let client = suite.signed_in(&ana).await;
    client.goto(&format!("{}/courses/{course}", suite.base)).await.expect("course page");
    // The stream's first event says 0: the badge stays hidden.
    wait_until(&client, "document.querySelector('[data-role=inbox-link]').dataset.unread === '0'").await;
    let reply =
        app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Which realism, Waltz's?"})).await;
    assert_eq!(reply.status, axum::http::StatusCode::CREATED, "{}", reply.text);
    wait_until(&client, "!document.querySelector('[data-role=inbox-badge]').hidden").await;
    wait_until(&client, "document.querySelector('[data-role=inbox-badge]').textContent === '1'").await;

    click(&client, "[data-role=inbox-link]").await;
    wait_until(&client, "location.pathname === '/inbox'").await;
    wait_until(&client, "document.querySelector('li.inbox-item.unread') !== null").await;
    let mut report: Vec<(&str, Vec<Value>)> = Vec::new();
    report.push(("inbox", serious_violations(&client).await));
    click(&client, "li.inbox-item.unread [data-role=open-item]").await;
    wait_until(&client, &format!("location.pathname === '/readings/{reading}'")).await;
    wait_until(&client, "!document.querySelector('[data-role=thread]').hidden").await;
    wait_until(
        &client,
        "document.querySelector('[data-role=thread]').textContent.includes(\"Which realism, Waltz's?\")",
    )
    .await;
    wait_until(&client, "document.querySelector('[data-role=inbox-link]').dataset.unread === '0'").await;
    client.close().await.ok();

    // The instructor spotlights Ana's claim from its thread; the Spotlight section appears.
    let teacher_client = suite.signed_in(&teacher).await;
    suite.open_reading(&teacher_client, reading).await;
    click(&teacher_client, &format!("#reading-text mark[data-annotation-ids~=\"{claim}\"]")).await;
    wait_until(&teacher_client, "!document.querySelector('[data-role=thread]').hidden").await;
    click(&teacher_client, "[data-role=spotlight-toggle]").await;
    wait_until(
        &teacher_client,
        &format!("document.querySelector('[data-role=spotlight] [data-annotation-id=\"{claim}\"]') !== null"),
    )
    .await;
    wait_until(
        &teacher_client,
        "document.querySelector('[data-role=spotlight-toggle]').textContent === 'Remove from spotlight'",
    )
    .await;
    report.push(("reading page with a spotlight and a thread open", serious_violations(&teacher_client).await));
    for (name, path) in [
        ("student page", format!("/courses/{course}/students/{ben_id}")),
        ("course page", format!("/courses/{course}")),
    ] {
        teacher_client.goto(&format!("{}{path}", suite.base)).await.expect("page");
        wait_until(&teacher_client, "document.readyState === 'complete'").await;
        report.push((name, serious_violations(&teacher_client).await));
    }
    teacher_client.close().await.ok();
    let failures: Vec<_> = report.into_iter().filter(|(_, found)| !found.is_empty()).collect();
    assert!(failures.is_empty(), "axe found serious or critical violations: {failures:#?}");
}
