//! Script payloads in everything users write — names, course and reading titles,
//! imported HTML, comments, citations, replies, feedback — rendered in Chromium:
//! no script runs. The payloads set `window.pwned`; the test fails if it is ever set.

use crate::harness::{Suite, click, wait_until};
use crate::support::{PASSWORD, TestUser};
use fantoccini::Client;
use serde_json::json;

/// Each payload tries a different way in; all of them would set `window.pwned`.
const PAYLOADS: &[&str] = &[
    "<script>window.pwned = 'script'</script>",
    "<img src=x onerror=\"window.pwned = 'img'\">",
    "\"><svg onload=\"window.pwned = 'svg'\">",
    "'><iframe srcdoc=\"<script>parent.pwned = 'iframe'</script>\"></iframe>",
];

fn payload() -> String {
    PAYLOADS.concat()
}

async fn user(suite: &Suite, email: &str) -> TestUser {
    let db = &suite.app.state.db;
    let name = format!("Mallory {}", PAYLOADS[1]);
    let id = counterpoint::accounts::create_account(db, email, &name, PASSWORD).await.expect("account");
    let token = counterpoint::accounts::create_token(db, id, "xss").await.expect("token");
    TestUser { email: email.to_owned(), token }
}

/// Loads `path`, lets its script run, and checks that nothing set `window.pwned`.
async fn assert_inert(suite: &Suite, client: &Client, path: &str) {
    client.goto(&format!("{}{path}", suite.base)).await.expect(path);
    wait_until(client, "document.readyState === 'complete'").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let pwned = client.execute("return window.pwned === undefined ? null : String(window.pwned);", vec![]).await;
    assert_eq!(pwned.expect("script ran"), json!(null), "a payload ran on {path}");
    let injected =
        client.execute("return document.querySelectorAll('img[src=x], svg[onload], iframe').length;", vec![]).await;
    assert_eq!(injected.expect("query ran"), json!(0), "a payload became markup on {path}");
}

pub async fn script_payloads_never_run(suite: &Suite) {
    let app = &suite.app;
    let (teacher, student) =
        (user(suite, "xss-teacher@example.org").await, user(suite, "xss-student@example.org").await);
    let course = app.post("/api/courses", &teacher, json!({"title": format!("Course {}", payload())})).await.json();
    let course_id = course["id"].as_i64().expect("course");
    app.post("/api/courses/join", &student, json!({"join_code": course["join_code"]})).await;
    let source = format!(
        "<h1 onclick=\"window.pwned='h1'\">Imported</h1><p>Some text to annotate here, \
         <a href=\"javascript:window.pwned='link'\">a link</a> <a href=\" JaVaScRiPt:window.pwned='link2'\">another</a>.</p>\
         <p>Body {}</p>",
        payload()
    );
    let reading = app
        .post(
            &format!("/api/courses/{course_id}/readings"),
            &teacher,
            json!({"title": format!("Reading {}", payload()), "author": payload(), "format": "html", "source": source}),
        )
        .await;
    assert_eq!(reading.status, 201, "{}", reading.text);
    let reading = reading.json()["id"].as_i64().expect("reading");
    let body = json!({
        "body": [{"purpose": "classifying", "value": "source"}, {"purpose": "commenting", "value": payload()},
                 {"purpose": "tagging", "value": PAYLOADS[0]}],
        "citation": payload(),
        "target": {"selector": {"type": "TextQuoteSelector", "exact": "text to annotate"}},
    });
    let annotation = app.post(&format!("/api/readings/{reading}/annotations/"), &student, body).await;
    assert_eq!(annotation.status, 201, "{}", annotation.text);
    let id = crate::support::uuid_of(&annotation.json());
    app.post(&format!("/api/annotations/{id}/replies"), &teacher, json!({"text": payload()})).await;
    app.post(&format!("/api/annotations/{id}/feedback"), &teacher, json!({"text": payload()})).await;

    let as_student = suite.signed_in(&student).await;
    for path in
        ["/".to_owned(), format!("/courses/{course_id}"), format!("/readings/{reading}/map"), "/feedback".into()]
    {
        assert_inert(suite, &as_student, &path).await;
    }
    assert_inert(suite, &as_student, &format!("/readings/{reading}")).await;
    // The script draws the thread from the page: open it, and follow the imported links.
    click(&as_student, &format!("#reading-text mark[data-annotation-ids~=\"{id}\"]")).await;
    wait_until(&as_student, "!document.querySelector('[data-role=thread]').hidden").await;
    let links = as_student
        .execute("return [...document.querySelectorAll('#reading-text a')].map(a => a.getAttribute('href'));", vec![])
        .await;
    assert_eq!(links.expect("links"), json!([]), "script links are dropped, their text kept");
    let pwned = as_student.execute("return window.pwned === undefined ? null : String(window.pwned);", vec![]).await;
    assert_eq!(pwned.expect("script ran"), json!(null), "a payload ran in the thread");
    as_student.close().await.ok();

    let as_teacher = suite.signed_in(&teacher).await;
    for path in
        [format!("/courses/{course_id}"), format!("/courses/{course_id}/review"), format!("/readings/{reading}/review")]
    {
        assert_inert(suite, &as_teacher, &path).await;
    }
    as_teacher.close().await.ok();
}
