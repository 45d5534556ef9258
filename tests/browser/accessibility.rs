//! axe-core, run in Chromium over the annotated reading page: closed, with the
//! editor open, and with a thread open. axe-core is vendored under
//! `tests/browser/vendor/` (no network at test time); it is never served by the app.

use crate::harness::{Suite, click, run, select_passage, wait_until};
use serde_json::{Value, json};

/// axe.min.js, vendored (see `tests/browser/vendor/README.md`).
const AXE: &str = include_str!("vendor/axe-4.11.0.min.js");

const RUN_AXE: &str = r"
    const done = arguments[arguments.length - 1];
    axe.run(document, { resultTypes: ['violations'] })
      .then((result) => done(result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))))
      .catch((error) => done([{ id: 'axe-failed', help: String(error) }]));
";

/// What axe-core finds serious or critical on the page `client` shows (injected first when absent).
pub async fn serious_violations(client: &fantoccini::Client) -> Vec<Value> {
    if run(client, "return typeof axe === 'undefined';", vec![]).await == json!(true) {
        run(client, AXE, vec![]).await;
    }
    let found = client.execute_async(RUN_AXE, vec![]).await.expect("axe ran");
    found.as_array().cloned().unwrap_or_default()
}

pub async fn axe_finds_nothing_serious(suite: &Suite) {
    let app = &suite.app;
    let teacher = app.user("axe-teacher").await;
    let ana = app.user("axe-ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let text = "# Partners\n\nRussia and China are *partners*, not allies 🌍.\n\n> Some say “a marriage of convenience”; others disagree.\n\n- Trade doubled.\n- Exercises grew.";
    let reading = app.reading(course, &teacher, "markdown", text).await;
    let claim = app.annotation(reading, &ana, "claim", "China are partners, not allies", json!({})).await;
    app.annotation(reading, &teacher, "source", "partners", json!({"citation": "https://example.org/trade"})).await;
    let link = json!({"body": [{"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
                               {"type": "SpecificResource", "purpose": "linking", "source": claim}]});
    app.annotation(reading, &ana, "counterargument", "others disagree", link).await;
    app.annotation(reading, &teacher, "question", "Trade doubled", json!({"visibility": "class"})).await;
    app.post(&format!("/api/annotations/{claim}/replies"), &teacher, json!({"text": "Which partners?"})).await;

    let client = suite.signed_in(&ana).await;
    suite.open_reading(&client, reading).await;
    let mut report = Vec::new();
    report.push(("page", serious_violations(&client).await));
    select_passage(&client, "Exercises grew").await;
    report.push(("editor open", serious_violations(&client).await));
    run(&client, "document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));", vec![])
        .await;
    run(&client, "document.getSelection().removeAllRanges();", vec![]).await;
    click(&client, &format!("#reading-text mark[data-annotation-ids~=\"{claim}\"]")).await;
    wait_until(&client, "!document.querySelector('[data-role=thread]').hidden").await;
    report.push(("thread open", serious_violations(&client).await));
    client.close().await.ok();
    let failures: Vec<_> = report.into_iter().filter(|(_, found)| !found.is_empty()).collect();
    assert!(failures.is_empty(), "axe found serious or critical violations: {failures:#?}");
}
