//! What students and instructors do on the reading page, in Chromium.

use crate::harness::{Suite, click, run, select_passage, type_into, wait_until};
use crate::support::{TestUser, uuid_of};
use fantoccini::Client;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{Value, json};

const ESSAY: &str = "readings/one-bed-different-dreams.txt";
const CLAIM: &str = "Rhetorically, Chinese and Russian relations have evolved over the past two decades from a “constructive partnership” in 1992, to a “strategic partnership” in 1996, and more recently a “strategic cooperative framework.”";
const COUNTER: &str = "However, a marriage of like-minded partners, it is not.";
const DEJA_VU: &str = "Déjà Vu?. *Comparative Connections*";

/// A course with an instructor and two students, and a reading in it.
struct Class {
    teacher: TestUser,
    ana: TestUser,
    ben: TestUser,
    reading: i64,
}

async fn class(suite: &Suite, prefix: &str, format: &str, source: &str) -> Class {
    let app = &suite.app;
    let teacher = app.user(&format!("{prefix}-teacher")).await;
    let ana = app.user(&format!("{prefix}-ana")).await;
    let ben = app.user(&format!("{prefix}-ben")).await;
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, format, source).await;
    Class { teacher, ana, ben, reading }
}

/// What `user` may see of the reading, through the API.
async fn visible(suite: &Suite, user: &TestUser, reading: i64) -> Vec<Value> {
    let list = suite.app.get(&format!("/api/readings/{reading}/annotations/"), user).await.json();
    list["first"]["items"].as_array().cloned().unwrap_or_default()
}

/// The stored annotation whose quote is `exact`.
async fn stored(suite: &Suite, user: &TestUser, reading: i64, exact: &str) -> Value {
    let items = visible(suite, user, reading).await;
    items
        .into_iter()
        .find(|a| a["target"]["selector"][1]["exact"] == exact)
        .unwrap_or_else(|| panic!("no annotation on {exact:?}"))
}

/// `exact`'s offsets in code points of the reading's canonical text.
async fn offsets_of(suite: &Suite, user: &TestUser, reading: i64, exact: &str) -> (u64, u64) {
    let text = suite.app.get(&format!("/api/readings/{reading}"), user).await.json()["text"]
        .as_str()
        .expect("text")
        .to_owned();
    let byte = text.find(exact).unwrap_or_else(|| panic!("{exact:?} is not in the text"));
    let count = |s: &str| u64::try_from(s.chars().count()).expect("small");
    let start = count(&text[..byte]);
    (start, start + count(exact))
}

fn position(annotation: &Value) -> (u64, u64) {
    let selector = &annotation["target"]["selector"][0];
    (selector["start"].as_u64().expect("start"), selector["end"].as_u64().expect("end"))
}

/// Selects `exact`, picks `kind`, writes `comment` and saves; waits for the highlight.
async fn annotate(client: &Client, exact: &str, kind: &str, comment: &str) {
    let before = run(client, "return document.querySelectorAll('#annotation-list > li').length;", vec![]).await;
    select_passage(client, exact).await;
    click(client, &format!("[data-role=annotation-editor] [data-kind={kind}]")).await;
    type_into(client, "[data-role=annotation-editor] textarea[name=comment]", comment).await;
    click(client, "[data-role=annotation-editor] button[type=submit]").await;
    wait_until(client, &format!("document.querySelectorAll('#annotation-list > li').length > {before}")).await;
}

pub async fn offset_fixtures(suite: &Suite) {
    let class = class(suite, "fixtures", "markdown", "A *short* reading.").await;
    let client = suite.signed_in(&class.ana).await;
    suite.open_reading(&client, class.reading).await;
    let script = include_str!("offsets.js");
    let report = client.execute_async(script, vec![]).await.expect("the fixtures ran");
    let failures = report["failures"].as_array().cloned().unwrap_or_default();
    assert!(report["ran"].as_u64().unwrap_or(0) >= 7, "{report}");
    assert!(failures.is_empty(), "offset fixtures failed: {failures:#?}");
    client.close().await.ok();
}

pub async fn live_discussion(suite: &Suite) {
    let Some(essay) = counterpoint::fixtures::shared_text(ESSAY) else { return };
    let class = class(suite, "live", "text", &essay).await;
    let (reading, app) = (class.reading, &suite.app);
    // Ben's page is open first, and listens to what arrives.
    let ben = suite.signed_in(&class.ben).await;
    suite.open_reading(&ben, reading).await;
    let spy = "window.heard = []; const s = new EventSource(location.pathname + '/events'); \
               s.addEventListener('annotation', (e) => window.heard.push(e.data));";
    run(&ben, spy, vec![]).await;
    let ana = suite.signed_in(&class.ana).await;
    suite.open_reading(&ana, reading).await;

    annotate(&ana, CLAIM, "claim", "The rhetoric escalates step by step.").await;
    let claim = stored(suite, &class.ana, reading, CLAIM).await;
    assert_eq!(position(&claim), offsets_of(suite, &class.ana, reading, CLAIM).await);
    let claim_id = uuid_of(&claim);
    wait_until(
        &ana,
        &format!("document.querySelector('#reading-text mark.hl-claim[data-annotation-ids~=\"{claim_id}\"]')"),
    )
    .await;

    // Ben sees it without reloading, then rebuts it, choosing the claim in the editor.
    wait_until(&ben, &format!("document.getElementById('a-{claim_id}')")).await;
    wait_until(&ben, &format!("document.querySelector('mark[data-annotation-ids~=\"{claim_id}\"]')")).await;
    select_passage(&ben, COUNTER).await;
    click(&ben, "[data-role=annotation-editor] [data-kind=counterargument]").await;
    wait_until(&ben, "!document.querySelector('[data-role=link-fields]').hidden").await;
    let link = ben.find(fantoccini::Locator::Css("select[name=link]")).await.expect("claim choice");
    link.select_by_value(&claim_id).await.expect("the claim is offered");
    type_into(&ben, "[data-role=annotation-editor] textarea[name=comment]", "They are not like-minded at all.").await;
    click(&ben, "[data-role=annotation-editor] button[type=submit]").await;
    wait_until(&ben, "document.querySelector('#annotation-list > li[data-kind=counterargument]')").await;
    let counter = stored(suite, &class.ben, reading, COUNTER).await;
    let linking = counter["body"].as_array().expect("bodies").iter().find(|b| b["purpose"] == "linking").cloned();
    let linking = linking.expect("the counterargument is linked");
    assert!(linking["source"].as_str().is_some_and(|s| s.ends_with(&claim_id)), "{linking}");
    assert_eq!(linking["relation"], "rebuts");

    // A link in the list jumps to the linked highlight and opens its thread.
    let counter_id = uuid_of(&counter);
    click(&ben, &format!("#a-{counter_id} a[data-target]")).await;
    wait_until(&ben, &format!("document.querySelector('mark.hl-target[data-annotation-ids~=\"{claim_id}\"]')")).await;
    wait_until(&ben, "document.querySelector('[data-role=thread] .quote')?.textContent.startsWith('Rhetorically')")
        .await;
    // A classmate's note arrives meanwhile and the article is redrawn: the jump's outline stays.
    let note =
        app.annotation(reading, &class.ana, "note", "Why are China-Russia relations strengthening?", json!({})).await;
    wait_until(&ben, &format!("document.getElementById('a-{note}')")).await;
    let outlined = run(
        &ben,
        &format!("return document.querySelector('mark.hl-target[data-annotation-ids~=\"{claim_id}\"]') !== null;"),
        vec![],
    )
    .await;
    assert_eq!(outlined, Value::Bool(true), "a live redraw wiped the outline of where the jump landed");

    // Ana sees the rebuttal arrive, opens her claim's thread from its highlight and replies.
    wait_until(&ana, "document.querySelector('#annotation-list > li[data-kind=counterargument]')").await;
    // The argument summary follows live too: one claim, now challenged.
    wait_until(&ana, "document.querySelector('[data-argument-count=counterarguments]').textContent.trim() === '1'")
        .await;
    wait_until(&ana, "document.querySelector('[data-argument-count=unchallenged]').textContent.trim() === '0'").await;
    click(&ana, &format!("#reading-text mark[data-annotation-ids~=\"{claim_id}\"]")).await;
    wait_until(&ana, "!document.querySelector('[data-role=thread]').hidden").await;
    type_into(&ana, "[data-role=reply-form] textarea", "Rhetoric is cheap; look at the trade figures.").await;
    click(&ana, "[data-role=reply-form] button[type=submit]").await;
    wait_until(&ana, "document.querySelector('[data-role=thread] .replies')?.textContent.includes('trade figures')")
        .await;
    wait_until(
        &ben,
        &format!("document.querySelector('#a-{claim_id} .replies')?.textContent.includes('trade figures')"),
    )
    .await;

    // The instructor sees all three.
    let teacher = suite.signed_in(&class.teacher).await;
    suite.open_reading(&teacher, reading).await;
    let seen = run(
        &teacher,
        "return [...document.querySelectorAll('#annotation-list > li')].map((li) => li.dataset.kind + ':' + li.textContent);",
        vec![],
    )
    .await;
    let seen = seen.to_string();
    assert!(seen.contains("claim:") && seen.contains("counterargument:") && seen.contains("trade figures"), "{seen}");

    // A passage with accents is stored at exactly its code points.
    annotate(&ana, DEJA_VU, "source", "An earlier look at the same question.").await;
    let source = stored(suite, &class.ana, reading, DEJA_VU).await;
    assert_eq!(position(&source), offsets_of(suite, &class.ana, reading, DEJA_VU).await);

    // A private note never reaches Ben's browser, neither as an event nor in the page.
    let secret = "a strictly private thought";
    select_passage(&ana, "One Bed, Different Dreams").await;
    click(&ana, "[data-role=annotation-editor] [data-kind=note]").await;
    type_into(&ana, "[data-role=annotation-editor] textarea[name=comment]", secret).await;
    let visibility = ana.find(fantoccini::Locator::Css("[data-role=annotation-editor] select[name=visibility]")).await;
    visibility.expect("visibility").select_by_value("private").await.expect("private");
    click(&ana, "[data-role=annotation-editor] button[type=submit]").await;
    wait_until(&ana, "document.querySelector('#annotation-list > li[data-visibility=private]')").await;
    let private = stored(suite, &class.ana, reading, "One Bed, Different Dreams").await;
    let private_id = uuid_of(&private);
    let after = app
        .annotation(
            reading,
            &class.ana,
            "question",
            "Many challenges remain to cementing their partnership.",
            json!({}),
        )
        .await;
    wait_until(&ben, &format!("document.getElementById('a-{after}')")).await;
    let source_html = ben.source().await.expect("page source");
    let heard = run(&ben, "return window.heard.join('\\n');", vec![]).await.to_string();
    assert!(!source_html.contains(&private_id) && !source_html.contains(secret), "the private note reached Ben's page");
    assert!(heard.contains(&after) && !heard.contains(&private_id), "Ben heard of the private note: {heard}");
    assert!(visible(suite, &class.ben, reading).await.iter().all(|a| uuid_of(a) != private_id));

    run(&ana, "document.querySelector('#reading-text mark.hl-claim').scrollIntoView({ block: 'center' });", vec![])
        .await;
    screenshot(&ana, "reading").await;
    select_passage(&ana, "Political relations between China and Russia are currently far stronger").await;
    click(&ana, "[data-role=annotation-editor] [data-kind=source]").await;
    screenshot(&ana, "editor").await;
    for client in [ana, ben, teacher] {
        client.close().await.ok();
    }
}

/// Saves what `client` shows as target/screenshots/`name`.png.
async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let png = client.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot saved");
}

pub async fn emoji_offsets(suite: &Suite) {
    let source = "# Partners\n\nRussia and China are *partners* 🌍🤝 not allies.\n\nSome say “a marriage of convenience” 👀 — others 🙅 disagree.";
    let class = class(suite, "emoji", "markdown", source).await;
    let client = suite.signed_in(&class.ana).await;
    suite.open_reading(&client, class.reading).await;
    for exact in ["partners 🌍🤝 not allies", "convenience” 👀 — others 🙅", "allies.\n\nSome say"] {
        annotate(&client, exact, "question", "Why?").await;
        let annotation = stored(suite, &class.ana, class.reading, exact).await;
        assert_eq!(position(&annotation), offsets_of(suite, &class.ana, class.reading, exact).await, "{exact}");
    }
    client.close().await.ok();
}

pub async fn keyboard(suite: &Suite) {
    let class = class(suite, "keys", "markdown", "Trade between them doubled in a decade.").await;
    let client = suite.signed_in(&class.ana).await;
    suite.open_reading(&client, class.reading).await;
    run(&client, "document.getElementById('reading-text').focus();", vec![]).await;
    // Shift+→ three times selects the first three words; A opens the editor.
    let mut keys = KeyActions::new("keyboard".into());
    keys = keys.then(KeyAction::Down { value: Key::Shift.into() });
    for _ in 0..3 {
        keys = keys.then(KeyAction::Down { value: Key::Right.into() }).then(KeyAction::Up { value: Key::Right.into() });
    }
    keys = keys.then(KeyAction::Up { value: Key::Shift.into() });
    keys = keys.then(KeyAction::Down { value: 'a' }).then(KeyAction::Up { value: 'a' });
    client.perform_actions(keys).await.expect("keys");
    wait_until(&client, "document.querySelector('[data-role=annotation-editor]').classList.contains('floating')").await;
    let quote = run(&client, "return document.querySelector('textarea[name=quote]').value;", vec![]).await;
    assert_eq!(quote, "Trade between them");
    let focused =
        run(&client, "return document.activeElement.closest('[data-role=annotation-editor]') !== null;", vec![]).await;
    assert_eq!(focused, true, "the editor takes the focus");
    // A refused save shows the server's message in the editor and keeps what was typed.
    run(
        &client,
        "document.querySelector('[data-role=annotation-editor] textarea[name=comment]').value = 'x'.repeat(10001);",
        vec![],
    )
    .await;
    click(&client, "[data-role=annotation-editor] button[type=submit]").await;
    wait_until(&client, "!document.querySelector('[data-role=editor-error]').hidden").await;
    let kept = run(
        &client,
        "return [document.querySelector('[data-role=editor-error]').textContent, \
                 document.querySelector('textarea[name=comment]').value.length, \
                 document.querySelector('textarea[name=quote]').value];",
        vec![],
    )
    .await;
    assert!(kept[0].as_str().is_some_and(|m| m.contains("comment")), "{kept}");
    assert_eq!((kept[1].clone(), kept[2].clone()), (json!(10001), json!("Trade between them")));
    assert!(visible(suite, &class.ana, class.reading).await.is_empty(), "nothing was stored");
    let escape = KeyActions::new("escape".into())
        .then(KeyAction::Down { value: Key::Escape.into() })
        .then(KeyAction::Up { value: Key::Escape.into() });
    client.perform_actions(escape).await.expect("escape");
    wait_until(&client, "!document.querySelector('[data-role=annotation-editor]').classList.contains('floating')")
        .await;
    client.close().await.ok();
}

pub async fn edit_and_delete(suite: &Suite) {
    let class = class(suite, "edit", "markdown", "Sanctions pushed them together. Trade followed.").await;
    let id =
        suite.app.annotation(class.reading, &class.ana, "note", "Sanctions pushed them together.", json!({})).await;
    let ana = suite.signed_in(&class.ana).await;
    let ben = suite.signed_in(&class.ben).await;
    for client in [&ana, &ben] {
        suite.open_reading(client, class.reading).await;
    }
    click(&ana, &format!("mark[data-annotation-ids~=\"{id}\"]")).await;
    click(&ana, "[data-role=thread] details summary").await;
    let kind = ana.find(fantoccini::Locator::Css("[data-role=edit-form] select[name=kind]")).await.expect("kind");
    kind.select_by_value("claim").await.expect("claim");
    type_into(&ana, "[data-role=edit-form] textarea[name=comment]", "Now a claim.").await;
    click(&ana, "[data-role=edit-form] button[type=submit]").await;
    wait_until(&ben, &format!("document.querySelector('#a-{id}[data-kind=claim]')")).await;
    click(&ana, "[data-role=delete]").await;
    click(&ana, "[data-role=confirm-delete]").await;
    wait_until(&ben, &format!("!document.getElementById('a-{id}') && !document.querySelector('mark')")).await;
    assert!(visible(suite, &class.ana, class.reading).await.is_empty());
    for client in [ana, ben] {
        client.close().await.ok();
    }
}

pub async fn overlaps_filters_and_picking_a_claim(suite: &Suite) {
    let class =
        class(suite, "panel", "markdown", "Sanctions pushed them together. Trade followed, and so did arms.").await;
    let (app, reading) = (&suite.app, class.reading);
    let claim = app.annotation(reading, &class.teacher, "claim", "Sanctions pushed them together.", json!({})).await;
    let question = app.annotation(reading, &class.ana, "question", "pushed them", json!({})).await;
    let client = suite.signed_in(&class.ana).await;
    suite.open_reading(&client, reading).await;

    // Where highlights overlap, the thread offers every annotation under the point.
    // The question's mark lies inside the claim's and lists only itself; the thread offers both.
    click(&client, &format!("mark[data-annotation-ids~=\"{claim}\"] mark[data-annotation-ids=\"{question}\"]")).await;
    let choices = run(
        &client,
        "return [...document.querySelectorAll('[data-role=thread] .choice')].map((b) => b.textContent);",
        vec![],
    )
    .await;
    assert_eq!(choices.as_array().map(Vec::len), Some(2), "{choices}");
    click(&client, "[data-role=thread] .choice").await;
    wait_until(&client, "document.querySelector('[data-role=thread] [data-role=reply-form]')").await;

    // Filters: by kind (with counts), by author, mine only.
    let count = run(&client, "return document.querySelector('[data-count-kind=claim]').textContent;", vec![]).await;
    assert_eq!(count, "1");
    click(&client, "[data-role=filters] input[value=claim]").await;
    wait_until(
        &client,
        &format!("document.getElementById('a-{claim}').hidden && !document.getElementById('a-{question}').hidden"),
    )
    .await;
    click(&client, "[data-role=filters] input[value=claim]").await;
    click(&client, "[data-role=filters] input[name=mine]").await;
    wait_until(
        &client,
        &format!("document.getElementById('a-{claim}').hidden && !document.getElementById('a-{question}').hidden"),
    )
    .await;
    click(&client, "[data-role=filters] input[name=mine]").await;
    let authors =
        client.find(fantoccini::Locator::Css("[data-role=filters] select[name=author]")).await.expect("authors");
    authors.select_by_value("panel-teacher").await.expect("the teacher is offered");
    wait_until(
        &client,
        &format!("!document.getElementById('a-{claim}').hidden && document.getElementById('a-{question}').hidden"),
    )
    .await;
    authors.select_by_value("").await.expect("everyone");

    // A counterargument's claim can be chosen by clicking the claim's highlight.
    run(&client, "document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));", vec![])
        .await;
    select_passage(&client, "so did arms").await;
    click(&client, "[data-role=annotation-editor] [data-kind=counterargument]").await;
    run(&client, "document.getSelection().removeAllRanges();", vec![]).await;
    click(&client, &format!("mark[data-annotation-ids=\"{claim}\"]")).await;
    let chosen = run(&client, "return document.querySelector('select[name=link]').value;", vec![]).await;
    assert_eq!(chosen, json!(claim));
    client.close().await.ok();
}

pub async fn links_from_the_thread(suite: &Suite) {
    let class = class(suite, "linking", "markdown", "Sanctions pushed them together. Trade followed.").await;
    let (app, reading) = (&suite.app, class.reading);
    let claim = app.annotation(reading, &class.teacher, "claim", "Trade followed.", json!({})).await;
    let counter =
        app.annotation(reading, &class.ana, "counterargument", "Sanctions pushed them together.", json!({})).await;
    let ana = suite.signed_in(&class.ana).await;
    suite.open_reading(&ana, reading).await;
    click(&ana, &format!("mark[data-annotation-ids~=\"{counter}\"]")).await;
    click(&ana, "[data-role=thread] details summary").await;
    let target =
        ana.find(fantoccini::Locator::Css("[data-role=link-form] select[name=target]")).await.expect("targets");
    target.select_by_value(&claim).await.expect("the claim is offered");
    click(&ana, "[data-role=link-form] button[type=submit]").await;
    wait_until(&ana, &format!("document.querySelector('#a-{counter} a[data-target=\"{claim}\"]')")).await;
    let stored = app.get(&format!("/api/annotations/{counter}"), &class.ana).await.json();
    let linking = stored["body"].as_array().and_then(|b| b.iter().find(|b| b["purpose"] == "linking").cloned());
    assert_eq!(linking.expect("linked")["relation"], "rebuts");
    click(&ana, &format!("[data-role=thread] [data-role=unlink][data-target=\"{claim}\"]")).await;
    wait_until(&ana, &format!("!document.querySelector('#a-{counter} a[data-target]')")).await;
    ana.close().await.ok();
}
