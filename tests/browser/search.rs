//! Search in Chromium: from a reading page's search box to a result, landing on
//! the annotation with its thread open; axe-core over the results page.

use crate::accessibility::serious_violations;
use crate::harness::{Suite, click, type_into, wait_until};
use serde_json::json;

pub async fn a_result_opens_the_reading_at_its_thread(suite: &Suite) {
    let app = &suite.app;
    let teacher = app.user("search-teacher").await;
    let ana = app.user("search-ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let text =
        "Déjà vu in Moscow.\n\nThe sanctions bite harder than expected.\n\nA marriage of convenience, say critics.";
    let reading = app.reading(course, &teacher, "text", text).await;
    let body = json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": "claim"},
                               {"type": "TextualBody", "purpose": "commenting", "value": "Sanctioning never works"}]});
    let id = app.annotation(reading, &teacher, "claim", "sanctions bite", body).await;

    let client = suite.signed_in(&ana).await;
    suite.open_reading(&client, reading).await;
    type_into(&client, "form[role=search] input[name=q]", "sanction").await;
    click(&client, "form[role=search] button[type=submit]").await;
    wait_until(&client, "document.querySelector('a.search-open') !== null").await;
    let violations = serious_violations(&client).await;
    click(&client, &format!("a.search-open[href$=\"#annotation-{id}\"]")).await;
    wait_until(&client, &format!("location.pathname === '/readings/{reading}'")).await;
    wait_until(&client, "!document.querySelector('[data-role=thread]').hidden").await;
    wait_until(&client, "document.querySelector('[data-role=thread]').textContent.includes('Sanctioning never works')")
        .await;
    client.close().await.ok();
    assert!(violations.is_empty(), "axe on the search page: {violations:#?}");
}
