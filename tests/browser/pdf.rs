//! A PDF reading in Chromium: selecting a passage of its text annotates it like
//! any other reading, at the passage's code-point offsets; the original is linked.

use crate::harness::{Suite, click, run, select_passage, type_into, wait_until};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

pub async fn a_pdf_reading_is_annotated_by_selecting_its_text(suite: &Suite) {
    let app = &suite.app;
    let teacher = app.user("pdf-teacher").await;
    let ana = app.user("pdf-ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let pdf =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pdf/one-column.pdf")).expect("fixture");
    let body = json!({"format": "pdf", "source": STANDARD.encode(pdf)});
    let created = app.post(&format!("/api/courses/{course}/readings"), &teacher, body).await;
    assert_eq!(created.status.as_u16(), 201, "{}", created.text);
    let reading = created.json()["id"].as_i64().expect("id");
    let text = created.json()["text"].as_str().expect("text").to_owned();

    let client = suite.signed_in(&ana).await;
    suite.open_reading(&client, reading).await;
    let linked =
        run(&client, "return document.querySelector('a[data-role=original]').getAttribute('href');", vec![]).await;
    assert_eq!(linked, json!(format!("/readings/{reading}/original")));

    let exact = "“Today’s China is strong, and unlikely";
    select_passage(&client, exact).await;
    click(&client, "[data-role=annotation-editor] [data-kind=claim]").await;
    type_into(&client, "[data-role=annotation-editor] textarea[name=comment]", "Nye's claim").await;
    click(&client, "[data-role=annotation-editor] button[type=submit]").await;
    wait_until(&client, "document.querySelectorAll('#annotation-list > li').length > 0").await;

    let list = app.get(&format!("/api/readings/{reading}/annotations/"), &ana).await.json();
    let stored = &list["first"]["items"][0];
    assert_eq!(stored["target"]["selector"][1]["exact"], exact);
    let byte = text.find(exact).expect("the quote is in the text");
    let start = text[..byte].chars().count();
    let position = &stored["target"]["selector"][0];
    assert_eq!(
        (position["start"].as_u64(), position["end"].as_u64()),
        (Some(start as u64), Some((start + exact.chars().count()) as u64))
    );
    client.close().await.ok();
}
