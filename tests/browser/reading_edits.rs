//! An instructor replaces a reading's text while a student has it open: the
//! page redraws itself, the student's lost passage shows in "Annotations whose
//! passage changed", and re-attach mode places it on a new passage.

use crate::harness::{Suite, click, run, select_text, wait_until};
use crate::support::uuid_of;
use axum::http::{Method, StatusCode};
use serde_json::json;

const OLD: &str = "The first paragraph sets out a claim about trade.\n\n\
    The third paragraph will be cut by the instructor entirely.\n\n\
    The last paragraph closes with a question worth asking.";
const NEW: &str = "A new opening paragraph, added in the corrected edition.\n\n\
    The first paragraph sets out a claim about trade.\n\n\
    The last paragraph closes with a question worth asking.";

pub async fn an_instructor_edits_the_reading_while_a_student_has_it_open(suite: &Suite) {
    let app = &suite.app;
    let (teacher, ana, ben) =
        (app.user("retext-teacher").await, app.user("retext-ana").await, app.user("retext-ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", OLD).await;
    app.annotation(reading, &ana, "claim", "a claim about trade", json!({})).await;
    let lost = app.annotation(reading, &ben, "question", "cut by the instructor", json!({"bodyValue": "Why?"})).await;

    let page = suite.signed_in(&ben).await;
    suite.open_reading(&page, reading).await;
    wait_until(&page, "document.querySelector('[data-role=orphans]').hidden").await;

    let put = app
        .api(
            Method::PUT,
            &format!("/api/readings/{reading}"),
            Some(&teacher),
            Some(json!({"title": "Corrected", "format": "text", "source": NEW})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_eq!(put.json()["orphaned"][0], lost.as_str());

    // The open page redraws itself with the new text, and lists the lost annotation.
    wait_until(&page, "document.getElementById('reading-text').textContent.startsWith('A new opening paragraph')")
        .await;
    let listed = format!("[data-role=orphans]:not([hidden]) [data-orphan-id='{lost}']");
    wait_until(&page, &format!("document.querySelector(\"{listed}\") !== null")).await;
    let quote = run(
        &page,
        &format!("return document.querySelector(\"{listed} [data-role=orphan-quote]\").textContent;"),
        vec![],
    )
    .await;
    assert_eq!(quote, "cut by the instructor");
    let marks = run(
        &page,
        "return [...document.querySelectorAll('#reading-text mark')].map(m => m.textContent).join('|');",
        vec![],
    )
    .await;
    assert_eq!(marks, "a claim about trade", "the orphan is drawn nowhere in the text");

    // Re-attach mode: a selection opens the re-attach panel, not the editor.
    click(&page, &format!("[data-role=reattach][data-annotation-id='{lost}']")).await;
    select_text(&page, "A new opening paragraph").await;
    wait_until(&page, "document.querySelector('[data-role=reattach-editor]') !== null").await;
    let editor_open = run(
        &page,
        "return document.querySelector('[data-role=annotation-editor]').classList.contains('floating');",
        vec![],
    )
    .await;
    assert_eq!(editor_open, false);
    click(&page, "[data-role=reattach-editor] [data-role=place]").await;
    wait_until(&page, "document.querySelector('[data-role=orphans]').hidden").await;
    wait_until(&page, "document.querySelectorAll('#reading-text mark').length === 2").await;

    let placed = app.get(&format!("/api/annotations/{lost}"), &ben).await.json();
    assert_eq!(uuid_of(&placed), lost);
    assert!(placed.get("orphaned").is_none(), "{placed}");
    assert_eq!(placed["target"]["selector"][1]["exact"], "A new opening paragraph");
}
