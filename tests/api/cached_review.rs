//! The review pages are drawn from parts kept in memory per revision of the
//! course: after every kind of write they show, the next page shows it — a new
//! annotation, a reply, feedback, a rubric change, a member joining or leaving,
//! a change of visibility, a setting, a new reading.

use crate::support::{Browser, TestApp, TestUser, bearer_get};
use axum::http::{Method, StatusCode};
use scraper::{Html, Selector};
use serde_json::{Value, json};

const TEXT: &str = "Alpha holds.\n\nBeta doubts.\n\nGamma asks.";

fn all(page: &Html, css: &str) -> Vec<String> {
    let selector = Selector::parse(css).expect("selector");
    page.select(&selector).map(|e| e.text().collect::<String>().trim().to_owned()).collect()
}

fn attrs(page: &Html, css: &str, attr: &str) -> Vec<String> {
    let selector = Selector::parse(css).expect("selector");
    page.select(&selector).filter_map(|e| e.value().attr(attr)).map(str::to_owned).collect()
}

async fn page(browser: &Browser<'_>, path: &str) -> Html {
    let response = browser.get(path).await;
    assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.text);
    response.html()
}

/// A student's cell in a reading's table (`reading` is its id, or `all`), if they have a row.
fn cell(page: &Html, reading: &str, student: &str, column: &str) -> Option<String> {
    let rows = Selector::parse(&format!("table[data-reading-id=\"{reading}\"] tbody tr")).expect("selector");
    let name = Selector::parse("th[data-col=name]").expect("selector");
    let wanted = Selector::parse(&format!("[data-col=\"{column}\"]")).expect("selector");
    page.select(&rows)
        .find(|row| row.select(&name).any(|n| n.text().collect::<String>().starts_with(student)))
        .and_then(|row| row.select(&wanted).next())
        .map(|c| c.text().collect())
}

async fn member_id(app: &TestApp, course: i64, teacher: &TestUser, name: &str) -> Value {
    let members = app.get(&format!("/api/courses/{course}"), teacher).await.json()["members"].clone();
    members.as_array().and_then(|m| m.iter().find(|m| m["name"] == name)).map(|m| m["id"].clone()).expect(name)
}

async fn join(app: &TestApp, course: i64, teacher: &TestUser, student: &TestUser) {
    let code = app.get(&format!("/api/courses/{course}"), teacher).await.json()["join_code"].clone();
    let joined = app.post("/api/courses/join", student, json!({"join_code": code})).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.text);
}

fn made(kind: &str, exact: &str, visibility: &str) -> Value {
    json!({"body": [{"purpose": "classifying", "value": kind}, {"purpose": "commenting", "value": "One two three four five."}],
           "target": {"selector": {"type": "TextQuoteSelector", "exact": exact}}, "visibility": visibility})
}

#[tokio::test]
async fn the_course_review_follows_every_kind_of_write_at_once() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben, cleo) = (app.user("ana").await, app.user("ben").await, app.user("cleo").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let browser = app.browser(&teacher).await;
    let path = format!("/courses/{course}/review");
    let r = reading.to_string();
    let first = page(&browser, &path).await;
    assert_eq!(cell(&first, &r, "ana", "claim").as_deref(), Some("0"), "cached with nothing written");

    let claim = app.annotation(reading, &ana, "claim", "Alpha holds", json!({})).await;
    let at = format!("/api/annotations/{claim}");
    let commented = app.api(Method::PUT, &at, Some(&ana), Some(made("claim", "Alpha holds", "class"))).await;
    assert_eq!(commented.status, StatusCode::OK, "{}", commented.text);
    let doc = page(&browser, &path).await;
    assert_eq!(cell(&doc, &r, "ana", "claim").as_deref(), Some("1"), "a new annotation counts");
    assert_eq!(cell(&doc, &r, "ana", "score").as_deref(), Some("2"), "and scores");
    assert_eq!(cell(&doc, "all", "ana", "claim").as_deref(), Some("1"), "over the course too");

    let reply =
        app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Says who, and why?"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(cell(&page(&browser, &path).await, &r, "ben", "replies").as_deref(), Some("1"), "a reply counts");

    let mut rubric = vec![("claim", "7"), ("counterargument", "3"), ("source", "2"), ("question", "1")];
    rubric.extend([("note", "1"), ("reply", "1"), ("min_words", "0"), ("cap", "0")]);
    let saved = browser.post_form(&format!("/courses/{course}/rubric"), &rubric).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let doc = page(&browser, &path).await;
    assert_eq!(cell(&doc, &r, "ana", "score").as_deref(), Some("7"), "a rubric change rescores at once");
    assert_eq!(attrs(&doc, "input[name=claim]", "value"), ["7"], "and fills the form");

    join(&app, course, &teacher, &cleo).await;
    assert_eq!(cell(&page(&browser, &path).await, &r, "cleo", "claim").as_deref(), Some("0"), "a new member has a row");
    let ben_id = member_id(&app, course, &teacher, "ben").await;
    let removed = browser.post_form(&format!("/courses/{course}/members/{ben_id}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text);
    assert_eq!(cell(&page(&browser, &path).await, &r, "ben", "claim"), None, "a removed member has none");

    let private = made("claim", "Alpha holds", "private");
    let hidden = app.api(Method::PUT, &at, Some(&ana), Some(private)).await;
    assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.text);
    assert_eq!(
        cell(&page(&browser, &path).await, &r, "ana", "claim").as_deref(),
        Some("0"),
        "made private, not counted"
    );

    let on = browser.post_form(&format!("/courses/{course}/settings"), &[("post_first", "on")]).await;
    assert!(on.status.is_redirection(), "{}", on.text);
    assert_eq!(attrs(&page(&browser, &path).await, "input[name=post_first][checked]", "name").len(), 1, "a setting");

    let second = app.reading(course, &teacher, "text", "Delta ends.").await;
    let doc = page(&browser, &path).await;
    assert_eq!(cell(&doc, &second.to_string(), "ana", "claim").as_deref(), Some("0"), "a new reading has a table");
}

#[tokio::test]
async fn the_reading_review_follows_every_kind_of_write_at_once() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben, cleo) = (app.user("ana").await, app.user("ben").await, app.user("cleo").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let browser = app.browser(&teacher).await;
    let path = format!("/readings/{reading}/review");
    let listed = |doc: &Html| attrs(doc, "ol.annotations li.annotation", "data-annotation-id");
    assert!(listed(&page(&browser, &path).await).is_empty(), "cached with nothing written");

    let question = app.annotation(reading, &ana, "question", "Gamma asks", json!({})).await;
    let doc = page(&browser, &path).await;
    assert_eq!(listed(&doc), [question.as_str()], "a new annotation is listed");
    assert_eq!(attrs(&doc, "[data-role=unanswered] li", "data-annotation-id"), [question.as_str()]);
    assert_eq!(attrs(&doc, "article span.heat", "data-students"), ["1"], "and shaded");
    assert_eq!(attrs(&doc, "svg.kind-chart g.bar[data-kind=question]", "data-count"), ["1"], "and counted");

    let reply = app.post(&format!("/api/annotations/{question}/replies"), &ben, json!({"text": "Because."})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert!(all(&page(&browser, &path).await, "[data-role=unanswered] li").is_empty(), "a reply answers it");

    let given = app.post(&format!("/api/annotations/{question}/feedback"), &teacher, json!({"text": "Sharp."})).await;
    assert_eq!(given.status, StatusCode::CREATED, "{}", given.text);
    assert_eq!(all(&page(&browser, &path).await, ".feedback-text"), ["Sharp."], "feedback shows");

    let claim = app.annotation(reading, &ben, "claim", "Alpha holds", json!({})).await;
    let ben_id = member_id(&app, course, &teacher, "ben").await;
    let alone = page(&browser, &format!("{path}?student={ben_id}")).await;
    assert_eq!(listed(&alone), [claim.as_str()], "one student's work alone follows too");
    assert_eq!(attrs(&page(&browser, &path).await, "article span.heat", "data-students"), ["1", "1"]);

    join(&app, course, &teacher, &cleo).await;
    let options = |doc: &Html| all(doc, "[data-role=student-filter] option");
    assert_eq!(options(&page(&browser, &path).await), ["ana", "ben", "cleo"], "a new member can be chosen");
    let removed = browser.post_form(&format!("/courses/{course}/members/{ben_id}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text);
    let doc = page(&browser, &path).await;
    assert_eq!(options(&doc), ["ana", "cleo"], "a removed member cannot");
    assert_eq!(attrs(&doc, "article span.heat", "data-students"), ["1"], "nor shades the heatmap");

    let private = made("question", "Gamma asks", "private");
    let hidden = app.api(Method::PUT, &format!("/api/annotations/{question}"), Some(&ana), Some(private)).await;
    assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.text);
    assert_eq!(listed(&page(&browser, &path).await), [claim], "made private, it leaves the review");
}

#[tokio::test]
async fn each_review_page_carries_only_its_own_viewers_name_and_token() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    app.annotation(reading, &ana, "claim", "Alpha holds", json!({})).await;
    let first = app.browser(&teacher).await;
    let ana_id = member_id(&app, course, &teacher, "ana").await;
    let promoted = first.post_form(&format!("/courses/{course}/members/{ana_id}/promote"), &[]).await;
    assert_eq!(promoted.status, StatusCode::SEE_OTHER, "{}", promoted.text);
    let viewers = [(first, "teacher"), (app.browser(&teacher).await, "teacher"), (app.browser(&ana).await, "ana")];
    assert_ne!(viewers[0].0.csrf, viewers[1].0.csrf, "two sessions, two tokens");
    for round in ["first", "again"] {
        for (browser, name) in &viewers {
            let doc = page(browser, &format!("/readings/{reading}/review")).await;
            let tokens = attrs(&doc, "input[name=csrf]", "value");
            assert!(tokens.len() > 1 && tokens.iter().all(|t| *t == browser.csrf), "{round} for {name}: {tokens:?}");
            assert_eq!(all(&doc, "a.who"), [*name], "{round}");
        }
    }
}

#[tokio::test]
async fn an_unchanged_review_page_is_not_sent_again_and_a_changed_one_is() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    app.annotation(reading, &ana, "claim", "Alpha holds", json!({})).await;
    let path = format!("/readings/{reading}/review");
    let first = app.send(bearer_get(&path, &teacher, &[])).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let etag = first.header("etag").to_owned();
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_eq!(first.header("cache-control"), "private, no-cache");
    let again = app.send(bearer_get(&path, &teacher, &[("if-none-match", &etag)])).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.text.is_empty());
    // One student's work alone is another page, with its own tag.
    let ana_id = app.user_id(&ana).await;
    let alone = app.send(bearer_get(&format!("{path}?student={ana_id}"), &teacher, &[("if-none-match", &etag)])).await;
    assert_eq!(alone.status, StatusCode::OK);
    assert_ne!(alone.header("etag"), etag);
    // A student never gets the page, tag or no tag.
    let student = app.send(bearer_get(&path, &ana, &[("if-none-match", &etag)])).await;
    assert_eq!(student.status, StatusCode::NOT_FOUND);
    // A write moves the revision: the page is sent again, with the new annotation.
    let annotations = format!("/api/readings/{reading}/annotations/");
    let made = app.api(Method::POST, &annotations, Some(&ana), Some(made("question", "Beta doubts", "class"))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let after = app.send(bearer_get(&path, &teacher, &[("if-none-match", &etag)])).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(after.header("etag"), etag);
    let comment = "One two three four five.";
    assert!(!first.text.contains(comment) && after.text.contains(comment), "the new annotation is on the page");
}
