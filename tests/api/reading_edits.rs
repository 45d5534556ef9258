//! Readings that change: an instructor replaces the text, every annotation
//! follows its passage or becomes an orphan, and orphans stay visible to their
//! authors and the instructors only.

use crate::support::{TestApp, TestUser, uuid_of};
use axum::http::{Method, StatusCode};
use counterpoint::db::store;
use counterpoint::web::events::Change;
use serde_json::{Value, json};

const OLD: &str = "The first paragraph sets out a claim about trade.\n\n\
    The second paragraph is a marriage of convenience between two powers.\n\n\
    The third paragraph will be cut by the instructor entirely.\n\n\
    The fourth paragraph closes with a question worth asking.";

const NEW: &str = "A new opening paragraph, added in the corrected edition.\n\n\
    The first paragraph sets out a claim about trade.\n\n\
    The second paragraph is an arranged marriage of convenience between two powers.\n\n\
    The fourth paragraph closes with a question worth asking.";

struct Class {
    app: TestApp,
    teacher: TestUser,
    ana: TestUser,
    ben: TestUser,
    reading: i64,
}

async fn class() -> Class {
    let app = TestApp::new().await;
    let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", OLD).await;
    Class { app, teacher, ana, ben, reading }
}

fn replacement(source: &str) -> Value {
    json!({"title": "A reading, corrected", "author": "Someone", "format": "text", "source": source})
}

async fn replace(class: &Class, user: &TestUser, body: Value) -> crate::support::TestResponse {
    class.app.api(Method::PUT, &format!("/api/readings/{}", class.reading), Some(user), Some(body)).await
}

fn ids(report: &Value, fate: &str) -> Vec<String> {
    report[fate].as_array().expect(fate).iter().map(|v| v.as_str().expect("id").to_owned()).collect()
}

/// The container's items as `viewer` sees them.
async fn items(class: &Class, viewer: &TestUser) -> Vec<Value> {
    let container = class.app.get(&format!("/api/readings/{}/annotations/", class.reading), viewer).await;
    assert_eq!(container.status, StatusCode::OK, "{}", container.text);
    container.json()["first"]["items"].as_array().cloned().unwrap_or_default()
}

fn find<'a>(items: &'a [Value], id: &str) -> Option<&'a Value> {
    items.iter().find(|i| uuid_of(i) == id)
}

#[tokio::test]
async fn replacing_the_text_reports_every_annotation_and_moves_them_with_their_passages() {
    let class = class().await;
    let app = &class.app;
    let kept = app.annotation(class.reading, &class.ana, "claim", "a claim about trade", json!({})).await;
    let edited = app.annotation(class.reading, &class.ana, "note", "a marriage of convenience", json!({})).await;
    let cut = app.annotation(class.reading, &class.ben, "claim", "cut by the instructor", json!({})).await;
    let mut events = app.state.events.subscribe(class.reading);

    let response = replace(&class, &class.teacher, replacement(NEW)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    let report = response.json();
    assert_eq!(report["version"], 2);
    assert_eq!(ids(&report, "moved"), std::slice::from_ref(&kept));
    assert_eq!(ids(&report, "orphaned"), std::slice::from_ref(&cut));
    // "a marriage of convenience" is still there, word for word, one word further on.
    assert_eq!(ids(&report, "moved").len() + ids(&report, "edited").len() + ids(&report, "kept").len(), 2);
    assert!(ids(&report, "moved").contains(&kept) && !ids(&report, "orphaned").contains(&edited));

    let reading = app.get(&format!("/api/readings/{}", class.reading), &class.ana).await.json();
    assert_eq!(reading["text"], NEW);
    assert_eq!(reading["title"], "A reading, corrected");
    let seen = items(&class, &class.ana).await;
    let claim = find(&seen, &kept).expect("the kept claim");
    let position = &claim["target"]["selector"][0];
    let start = NEW.find("a claim about trade").unwrap();
    assert_eq!((position["start"].as_u64(), position["end"].as_u64()), (Some(start as u64), Some(start as u64 + 19)));
    let event = events.try_recv().expect("open pages are told");
    assert_eq!(event.change, Change::Resync);
}

#[tokio::test]
async fn orphans_keep_their_quote_and_are_seen_by_their_author_and_instructors_only() {
    let class = class().await;
    let app = &class.app;
    let cut = app.annotation(class.reading, &class.ben, "claim", "cut by the instructor", json!({})).await;
    let private =
        app.annotation(class.reading, &class.ben, "note", "will be cut", json!({"visibility": "private"})).await;
    assert_eq!(replace(&class, &class.teacher, replacement(NEW)).await.status, StatusCode::OK);

    let bens = items(&class, &class.ben).await;
    let orphan = find(&bens, &cut).expect("the author sees the orphan");
    assert_eq!(orphan["orphaned"], true);
    let selectors = orphan["target"]["selector"].as_array().expect("selectors");
    assert_eq!(selectors.len(), 1, "{selectors:?}");
    assert_eq!(selectors[0]["type"], "TextQuoteSelector");
    assert_eq!(selectors[0]["exact"], "cut by the instructor");
    assert!(find(&bens, &private).is_some(), "their own private orphan too");

    let teachers = items(&class, &class.teacher).await;
    assert!(find(&teachers, &cut).is_some(), "instructors see a class orphan");
    assert!(find(&teachers, &private).is_none(), "but never a private one");
    let anas = items(&class, &class.ana).await;
    assert!(find(&anas, &cut).is_none(), "a classmate does not see an orphan");
    let one = app.get(&format!("/api/annotations/{cut}"), &class.ana).await;
    assert_eq!(one.status, StatusCode::NOT_FOUND);
    let one = app.get(&format!("/api/annotations/{cut}"), &class.ben).await;
    assert_eq!(one.json()["orphaned"], true);

    let page = app.browser(&class.ana).await.get(&format!("/readings/{}", class.reading)).await;
    assert!(!page.text.contains(&cut), "the page draws no orphan for a classmate");
}

#[tokio::test]
async fn an_orphan_is_placed_again_by_a_put_with_a_new_selector() {
    let class = class().await;
    let app = &class.app;
    let cut = app
        .annotation(class.reading, &class.ben, "claim", "cut by the instructor", json!({"bodyValue": "keep this"}))
        .await;
    assert_eq!(replace(&class, &class.teacher, replacement(NEW)).await.status, StatusCode::OK);
    let current = app.get(&format!("/api/annotations/{cut}"), &class.ben).await.json();
    let mut body = current.clone();
    body["target"]["selector"] = json!({"type": "TextQuoteSelector", "exact": "nowhere in the text"});
    let path = format!("/api/annotations/{cut}");
    let refused = app.api(Method::PUT, &path, Some(&class.ben), Some(body.clone())).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    // A PUT that changes only the comment leaves it an orphan.
    let mut comment = current.clone();
    comment["body"][1]["value"] = json!("still an orphan");
    let still = app.api(Method::PUT, &path, Some(&class.ben), Some(comment)).await;
    assert_eq!(still.status, StatusCode::OK, "{}", still.text);
    assert_eq!(still.json()["orphaned"], true);

    let stranger = app.user("stranger").await;
    body["target"]["selector"] = json!({"type": "TextQuoteSelector", "exact": "A new opening paragraph"});
    assert_eq!(app.api(Method::PUT, &path, Some(&class.ana), Some(body.clone())).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.api(Method::PUT, &path, Some(&stranger), Some(body.clone())).await.status, StatusCode::NOT_FOUND);
    let placed = app.api(Method::PUT, &path, Some(&class.ben), Some(body)).await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.text);
    let placed = placed.json();
    assert!(placed.get("orphaned").is_none(), "{placed}");
    assert_eq!(placed["target"]["selector"][0]["type"], "TextPositionSelector");
    assert_eq!(placed["target"]["selector"][1]["exact"], "A new opening paragraph");
    assert!(find(&items(&class, &class.ana).await, &cut).is_some(), "placed again, the class sees it");
}

#[tokio::test]
async fn an_instructor_may_place_a_students_orphan_again_or_delete_it() {
    let class = class().await;
    let app = &class.app;
    let cut = app.annotation(class.reading, &class.ben, "claim", "cut by the instructor", json!({})).await;
    let other = app.annotation(class.reading, &class.ana, "claim", "will be cut", json!({})).await;
    assert_eq!(replace(&class, &class.teacher, replacement(NEW)).await.status, StatusCode::OK);
    let path = format!("/api/annotations/{cut}");
    let mut body = app.get(&path, &class.teacher).await.json();
    body["target"]["selector"] = json!({"type": "TextPositionSelector", "start": 0, "end": 5});
    let placed = app.api(Method::PUT, &path, Some(&class.teacher), Some(body)).await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.text);
    assert_eq!(placed.json()["target"]["selector"][1]["exact"], "A new");
    let gone = app.api(Method::DELETE, &format!("/api/annotations/{other}"), Some(&class.ana), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "the author deletes an orphan");
}

#[tokio::test]
async fn students_and_strangers_cannot_replace_the_text_and_bad_input_changes_nothing() {
    let class = class().await;
    let app = &class.app;
    let stranger = app.user("stranger").await;
    assert_eq!(replace(&class, &class.ana, replacement(NEW)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(replace(&class, &stranger, replacement(NEW)).await.status, StatusCode::NOT_FOUND);
    let too_large = "a".repeat(2 * 1024 * 1024 + 1);
    for body in [
        json!({"title": "T", "format": "pdfx", "source": NEW}),
        json!({"title": "T", "format": "text", "source": "   \n "}),
        json!({"title": "", "format": "text", "source": NEW}),
        json!({"title": "T", "format": "text"}),
        json!({"title": "T", "format": "text", "source": too_large}),
    ] {
        let response = replace(&class, &class.teacher, body.clone()).await;
        assert!(response.status.is_client_error(), "{body:.80}: {} {}", response.status, response.text);
    }
    let reading = app.get(&format!("/api/readings/{}", class.reading), &class.ana).await.json();
    assert_eq!(reading["text"], OLD);
    let versions = app.get(&format!("/api/readings/{}/versions", class.reading), &class.teacher).await.json();
    assert_eq!(versions["versions"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn versions_list_who_replaced_the_text_and_what_became_of_the_annotations() {
    let class = class().await;
    let app = &class.app;
    app.annotation(class.reading, &class.ana, "claim", "a claim about trade", json!({})).await;
    app.annotation(class.reading, &class.ben, "claim", "cut by the instructor", json!({})).await;
    assert_eq!(replace(&class, &class.teacher, replacement(NEW)).await.status, StatusCode::OK);
    let path = format!("/api/readings/{}/versions", class.reading);
    assert_eq!(
        app.get(&path, &class.ana).await.status,
        StatusCode::NOT_FOUND,
        "an instructor read, hidden from students"
    );
    let versions = app.get(&path, &class.teacher).await.json()["versions"].clone();
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[0]["editor"], "teacher");
    assert_eq!((versions[0]["moved"].as_i64(), versions[0]["orphaned"].as_i64()), (Some(1), Some(1)));
    assert_eq!(versions[1]["version"], 1);
    let (anchored,): (i64,) =
        store::query_as("SELECT count(*) FROM annotations WHERE anchored_version = 2 AND orphaned = 0")
            .fetch_one(&app.state.db)
            .await
            .expect("count");
    assert_eq!(anchored, 1, "each annotation records the version it was last anchored on");
    let late = app.annotation(class.reading, &class.ana, "note", "A new opening", json!({})).await;
    let (version,): (i64,) = store::query_as("SELECT anchored_version FROM annotations WHERE uuid = ?")
        .bind(&late)
        .fetch_one(&app.state.db)
        .await
        .expect("version");
    assert_eq!(version, 2);
}

#[tokio::test]
async fn orphans_are_exported_with_their_quote_and_imported_back_as_orphans() {
    let class = class().await;
    let app = &class.app;
    let cut = app.annotation(class.reading, &class.ben, "claim", "cut by the instructor", json!({})).await;
    assert_eq!(replace(&class, &class.teacher, replacement(NEW)).await.status, StatusCode::OK);
    let course: (i64,) = store::query_as("SELECT course_id FROM readings WHERE id = ?")
        .bind(class.reading)
        .fetch_one(&app.state.db)
        .await
        .expect("course");
    let export = app.get(&format!("/api/courses/{}/export?format=jsonld", course.0), &class.teacher).await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    let export = export.json();
    let items = export["first"]["items"].as_array().cloned().unwrap_or_default();
    let orphan = find(&items, &cut).expect("the orphan is exported").clone();
    assert_eq!(orphan["orphaned"], true);
    assert_eq!(orphan["target"]["selector"].as_array().map(Vec::len), Some(1));

    // Into another reading with the new text: the quote is not there, so it stays an orphan.
    let again = app.reading(course.0, &class.teacher, "text", NEW).await;
    let report = app.post(&format!("/api/readings/{again}/import"), &class.teacher, json!([orphan])).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    let (orphans,): (i64,) = store::query_as("SELECT count(*) FROM annotations WHERE reading_id = ? AND orphaned = 1")
        .bind(again)
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(orphans, 1);
    // Into one with the old text: its quote anchors it.
    let old = app.reading(course.0, &class.teacher, "text", OLD).await;
    let report = app.post(&format!("/api/readings/{old}/import"), &class.teacher, json!([orphan])).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    let placed = app.get(&format!("/api/readings/{old}/annotations/"), &class.teacher).await.json();
    assert_eq!(placed["first"]["items"][0]["target"]["selector"][1]["exact"], "cut by the instructor");
}

#[tokio::test]
async fn saving_the_same_text_keeps_every_annotation_where_it_was() {
    let class = class().await;
    let app = &class.app;
    let claim = app.annotation(class.reading, &class.ana, "claim", "a claim about trade", json!({})).await;
    let report = replace(&class, &class.teacher, replacement(OLD)).await.json();
    assert_eq!(ids(&report, "kept"), [claim]);
    assert!(ids(&report, "orphaned").is_empty());
}

/// Posts the text form (multipart, the CSRF token in the query, as the page does).
async fn post_text(
    browser: &crate::support::Browser<'_>,
    reading: i64,
    fields: &[(&str, &str)],
) -> crate::support::TestResponse {
    use axum::body::Body;
    use axum::http::{Request, header};
    let boundary = "XcounterpointX";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/readings/{reading}/text?csrf={}", browser.csrf))
        .header(header::HOST, "counterpoint.test")
        .header(header::COOKIE, &browser.cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .expect("request");
    browser.app.send(request).await
}

fn select_text(html: &scraper::Html, css: &str) -> Vec<String> {
    let selector = scraper::Selector::parse(css).expect("selector");
    html.select(&selector).map(|e| e.text().collect::<String>()).collect()
}

#[tokio::test]
async fn the_settings_page_previews_the_new_text_then_saves_it() {
    let class = class().await;
    let app = &class.app;
    app.annotation(class.reading, &class.ana, "claim", "a claim about trade", json!({})).await;
    app.annotation(class.reading, &class.ben, "claim", "cut by the instructor", json!({})).await;
    let path = format!("/readings/{}/text", class.reading);
    let student = app.browser(&class.ana).await;
    assert_eq!(student.get(&path).await.status, StatusCode::NOT_FOUND);
    let teacher = app.browser(&class.teacher).await;
    let settings = teacher.get(&format!("/readings/{}/settings", class.reading)).await.html();
    assert_eq!(select_text(&settings, "a[data-role=edit-text]").len(), 1);
    let form = teacher.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(select_text(&form.html(), "textarea[name=source]"), [OLD]);

    let fields = [("title", "A reading"), ("author", "Someone"), ("format", "text"), ("source", NEW)];
    let preview = post_text(&teacher, class.reading, &[&fields[..], &[("action", "preview")]].concat()).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    let html = preview.html();
    assert_eq!(select_text(&html, "[data-fate=moved]"), ["1"]);
    assert_eq!(select_text(&html, "[data-fate=orphaned]"), ["1"]);
    let orphans = select_text(&html, "[data-role=preview-orphans] li");
    assert!(orphans[0].contains("cut by the instructor"), "{orphans:?}");
    assert_eq!(select_text(&html, "[data-role=save-text]").len(), 1);
    let unchanged = app.get(&format!("/api/readings/{}", class.reading), &class.ana).await.json();
    assert_eq!(unchanged["text"], OLD, "a preview saves nothing");

    let bad =
        post_text(&teacher, class.reading, &[("title", "T"), ("format", "text"), ("source", " "), ("action", "save")])
            .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = post_text(&teacher, class.reading, &[&fields[..], &[("action", "save")]].concat()).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let reading = app.get(&format!("/api/readings/{}", class.reading), &class.ana).await.json();
    assert_eq!(reading["text"], NEW);
}

#[tokio::test]
async fn the_reading_page_lists_orphans_for_their_author_and_instructors_only() {
    let class = class().await;
    let app = &class.app;
    let cut = app.annotation(class.reading, &class.ben, "claim", "cut by the instructor", json!({})).await;
    let private =
        app.annotation(class.reading, &class.ben, "note", "will be cut", json!({"visibility": "private"})).await;
    assert_eq!(replace(&class, &class.teacher, replacement(NEW)).await.status, StatusCode::OK);
    let page = format!("/readings/{}", class.reading);
    let listed = |html: &scraper::Html| {
        let selector =
            scraper::Selector::parse("[data-role=orphans]:not([hidden]) [data-orphan-id]").expect("selector");
        html.select(&selector).filter_map(|e| e.value().attr("data-orphan-id").map(str::to_owned)).collect::<Vec<_>>()
    };
    let bens = app.browser(&class.ben).await.get(&page).await.html();
    let mut expected = vec![cut.clone(), private.clone()];
    expected.sort();
    let mut got = listed(&bens);
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(select_text(&bens, "[data-orphan-id] [data-role=orphan-quote]").len(), 2);
    assert_eq!(listed(&app.browser(&class.teacher).await.get(&page).await.html()), std::slice::from_ref(&cut));
    let anas = app.browser(&class.ana).await.get(&page).await;
    assert!(listed(&anas.html()).is_empty());
    assert!(!anas.text.contains(&cut), "nothing of the orphan reaches a classmate");
    let fragment = app.browser(&class.ana).await.get(&format!("{page}/orphans")).await;
    assert_eq!(fragment.status, StatusCode::OK);
    assert!(!fragment.text.contains(&cut));
    let marks = select_text(&bens, "mark");
    assert!(marks.iter().all(|m| !m.contains("cut by the instructor")), "an orphan is never drawn in the text");
}

#[tokio::test]
async fn the_argument_map_shows_orphans_apart() {
    let class = class().await;
    let app = &class.app;
    let cut = app.annotation(class.reading, &class.ben, "claim", "cut by the instructor", json!({})).await;
    let kept = app.annotation(class.reading, &class.ben, "claim", "a claim about trade", json!({})).await;
    assert_eq!(replace(&class, &class.teacher, replacement(NEW)).await.status, StatusCode::OK);
    let map = app.browser(&class.teacher).await.get(&format!("/readings/{}/map", class.reading)).await;
    assert_eq!(map.status, StatusCode::OK);
    let html = map.html();
    let apart = scraper::Selector::parse("[data-role=orphans] [data-orphan-id]").expect("selector");
    let ids: Vec<&str> = html.select(&apart).filter_map(|e| e.value().attr("data-orphan-id")).collect();
    assert_eq!(ids, [cut.as_str()]);
    let outline = select_text(&html, ".map-outline");
    assert!(outline.iter().any(|t| t.contains("a claim about trade")) && !kept.is_empty());
    assert!(outline.iter().all(|t| !t.contains("cut by the instructor")), "the orphan is not on the map itself");
}
