//! The reading page and the container are drawn from a copy of the reading kept
//! in memory: after every kind of write, the next page shows it, for every
//! viewer, and what they list is exactly what the SQL visibility rule returns.

use crate::support::{TestApp, TestUser};
use axum::http::{Method, StatusCode};
use counterpoint::domain::Viewer;
use counterpoint::web::events::{Change, Event};
use scraper::{Html, Selector};
use serde_json::json;
use std::collections::BTreeSet;

const TEXT: &str = "Alpha holds.\n\nBeta doubts.\n\nGamma cites.";

fn listed(page: &Html) -> BTreeSet<String> {
    let items = Selector::parse("li.annotation").expect("selector");
    page.select(&items).filter_map(|e| e.value().attr("data-annotation-id")).map(str::to_owned).collect()
}

fn text_of(page: &Html, css: &str) -> String {
    let selector = Selector::parse(css).expect("selector");
    page.select(&selector).flat_map(|e| e.text()).collect()
}

async fn page(app: &TestApp, reading: i64, user: &TestUser) -> Html {
    let response = app.get(&format!("/readings/{reading}"), user).await;
    assert_eq!(response.status, StatusCode::OK);
    response.html()
}

/// What the SQL rule (`db::visibility::VISIBLE`, which the cache does not use) lets `user` see.
async fn by_sql(app: &TestApp, reading: i64, user: &TestUser) -> BTreeSet<String> {
    let db = &app.state.db;
    let found = counterpoint::db::users::find_by_email(db, &user.email).await.expect("query").expect("user");
    let course = counterpoint::db::readings::course_of(db, reading).await.expect("query").expect("reading");
    let role = counterpoint::db::courses::role_of(db, course, found.id).await.expect("query").expect("member");
    let viewer = Viewer { user_id: found.id, role };
    let visible = counterpoint::db::annotations::list_visible(db, reading, viewer).await.expect("query");
    visible.iter().map(|a| a.id.to_string()).collect()
}

/// What the container (drawn from the same cache as the page) lists for `user`.
async fn container(app: &TestApp, reading: i64, user: &TestUser) -> BTreeSet<String> {
    let response = app.get(&format!("/api/readings/{reading}/annotations/?page=0"), user).await;
    let items = response.json()["items"].as_array().cloned().unwrap_or_default();
    items.iter().filter_map(|a| a["id"].as_str()).map(|iri| iri.rsplit('/').next().unwrap_or(iri).to_owned()).collect()
}

#[tokio::test]
async fn every_kind_of_write_shows_on_the_next_page_for_everyone() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let everyone = [&teacher, &ana, &ben];
    for user in everyone {
        assert!(listed(&page(&app, reading, user).await).is_empty(), "cached while empty");
    }

    let claim = app.annotation(reading, &ana, "claim", "Alpha holds", json!({})).await;
    for user in everyone {
        assert!(listed(&page(&app, reading, user).await).contains(&claim), "a create shows");
    }

    let put = json!({"body": [{"purpose": "classifying", "value": "claim"}, {"purpose": "commenting", "value": "Revised."}],
                     "target": {"selector": {"type": "TextQuoteSelector", "exact": "Alpha holds"}}, "visibility": "class"});
    let updated = app.api(Method::PUT, &format!("/api/annotations/{claim}"), Some(&ana), Some(put)).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert!(text_of(&page(&app, reading, &ben).await, "li.annotation p.comment").contains("Revised."), "an edit shows");

    let reply = app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Says who?"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert!(text_of(&page(&app, reading, &teacher).await, "ol.replies").contains("Says who?"), "a reply shows");

    let counter = app.annotation(reading, &ben, "counterargument", "Beta doubts", json!({})).await;
    let link = app.post(&format!("/api/annotations/{counter}/links"), &ben, json!({"target": claim})).await;
    assert!(link.status.is_success(), "{}", link.text);
    let linked = format!("li.annotation[data-annotation-id=\"{counter}\"] ul.links");
    assert!(!text_of(&page(&app, reading, &ana).await, &linked).is_empty(), "a link shows");
    let unlink = app.api(Method::DELETE, &format!("/api/annotations/{counter}/links/{claim}"), Some(&ben), None).await;
    assert!(unlink.status.is_success(), "{}", unlink.text);
    assert!(text_of(&page(&app, reading, &ana).await, &linked).is_empty(), "an unlink shows");

    let private = json!({"body": [{"purpose": "classifying", "value": "claim"}],
                         "target": {"selector": {"type": "TextQuoteSelector", "exact": "Alpha holds"}}, "visibility": "private"});
    let hidden = app.api(Method::PUT, &format!("/api/annotations/{claim}"), Some(&ana), Some(private)).await;
    assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.text);
    assert!(!listed(&page(&app, reading, &ben).await).contains(&claim), "made private, it leaves classmates' pages");
    assert!(listed(&page(&app, reading, &ana).await).contains(&claim), "and stays on its author's");

    let settings = app.browser(&teacher).await;
    let title =
        settings.post_form(&format!("/readings/{reading}/settings"), &[("title", "Renamed"), ("author", "")]).await;
    assert!(title.status.is_redirection(), "{}", title.text);
    assert_eq!(text_of(&page(&app, reading, &ben).await, "#reading-title"), "Renamed", "a new title shows");

    let third = app.annotation(reading, &teacher, "note", "Gamma cites", json!({})).await;
    let on = settings.post_form(&format!("/courses/{course}/settings"), &[("post_first", "on")]).await;
    assert!(on.status.is_redirection(), "{}", on.text);
    let ana_sees = listed(&page(&app, reading, &ana).await);
    assert!(ana_sees.contains(&claim) && !ana_sees.contains(&third), "post-first applies at once: {ana_sees:?}");
    let off = settings.post_form(&format!("/courses/{course}/settings"), &[]).await;
    assert!(off.status.is_redirection(), "{}", off.text);
    assert!(listed(&page(&app, reading, &ana).await).contains(&third), "and lifts at once");

    let moderated = app.api(Method::DELETE, &format!("/api/annotations/{counter}"), Some(&teacher), None).await;
    assert_eq!(moderated.status, StatusCode::NO_CONTENT, "{}", moderated.text);
    for user in everyone {
        let shown = listed(&page(&app, reading, user).await);
        assert!(!shown.contains(&counter), "a deletion shows");
        assert_eq!(shown, by_sql(&app, reading, user).await, "the page lists what the SQL rule allows");
        assert_eq!(container(&app, reading, user).await, shown, "and so does the container");
    }
}

#[tokio::test]
async fn a_snapshot_holds_exactly_what_the_sql_rule_returns_for_every_viewer() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    // Cara never posts: under post-first she sees her classmates' work nowhere.
    let cara = app.user("cara").await;
    let course = app.course(&teacher, &[&ana, &ben, &cara]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let tagged = json!({"visibility": "instructors", "body": [
        {"type": "TextualBody", "purpose": "classifying", "value": "claim"},
        {"type": "TextualBody", "purpose": "tagging", "value": "trade"},
        {"type": "TextualBody", "purpose": "commenting", "value": "A \"quoted\" <comment> & more"}]});
    let claim = app.annotation(reading, &ana, "claim", "Alpha holds", tagged).await;
    let private = app.annotation(reading, &ben, "claim", "Beta doubts", json!({"visibility": "private"})).await;
    let open = app.annotation(reading, &ben, "claim", "Alpha", json!({})).await;
    for target in [&claim, &private, &open] {
        let body = json!({"body": [
            {"type": "TextualBody", "purpose": "classifying", "value": "source"},
            {"type": "SpecificResource", "purpose": "linking", "source": target}]});
        if target == &private {
            app.annotation(reading, &ben, "source", "Gamma cites", body).await;
        } else {
            app.annotation(reading, &teacher, "source", "Gamma cites", body).await;
        }
    }
    for text in ["first", "second"] {
        let reply = app.post(&format!("/api/annotations/{open}/replies"), &ana, json!({"text": text})).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    }
    let db = &app.state.db;
    for post_first in [false, true] {
        counterpoint::db::review::set_post_first(db, course, post_first).await.expect("setting");
        let snapshot =
            std::sync::Arc::new(counterpoint::db::snapshot::load(db, reading).await.expect("load").expect("reading"));
        for user in [&teacher, &ana, &ben, &cara] {
            let found = counterpoint::db::users::find_by_email(db, &user.email).await.expect("query").expect("user");
            let role = counterpoint::db::courses::role_of(db, course, found.id).await.expect("query").expect("member");
            let viewer = Viewer { user_id: found.id, role };
            let seen = snapshot.view(viewer).seen();
            let by_sql = counterpoint::db::annotations::list_visible(db, reading, viewer).await.expect("query");
            assert_eq!(seen, by_sql, "{}: the same annotations, fields, links, reply counts and order", user.email);
            // Live events ask the same rule: an event about each annotation reaches exactly those who see it.
            for annotation in &snapshot.annotations {
                let event = Event::new(Change::Created, annotation);
                let sees = by_sql.iter().any(|a| a.id == annotation.id);
                assert_eq!(event.heard_in(&snapshot, viewer), sees, "{}, post-first {post_first}", user.email);
            }
        }
    }
}

/// An entry's markup as `page` has it.
fn entry_html(page: &Html, id: &str) -> String {
    let selector = Selector::parse(&format!("li.annotation[data-annotation-id=\"{id}\"]")).expect("selector");
    page.select(&selector).map(|e| e.html()).next().unwrap_or_default()
}

#[tokio::test]
async fn an_entry_drawn_once_for_the_class_never_reaches_a_viewer_it_differs_for() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    // Ana's claim only she and the instructors see, and her class-wide counterargument to it.
    let hidden = app.annotation(reading, &ana, "claim", "Alpha holds", json!({"visibility": "instructors"})).await;
    let counter = app.annotation(reading, &ana, "counterargument", "Beta doubts", json!({})).await;
    let link = app.post(&format!("/api/annotations/{counter}/links"), &ana, json!({"target": hidden})).await;
    assert!(link.status.is_success(), "{}", link.text);
    let open = app.annotation(reading, &ben, "note", "Gamma cites", json!({})).await;

    // The teacher draws first: the counterargument as everyone who sees all its links sees it.
    let teachers = page(&app, reading, &teacher).await;
    let drawn = entry_html(&teachers, &counter);
    assert!(drawn.contains(&format!("data-target=\"{hidden}\"")), "the teacher follows the link: {drawn}");
    assert!(!drawn.contains("data-mine"), "and did not write it: {drawn}");

    let bens = page(&app, reading, &ben).await;
    let seen = entry_html(&bens, &counter);
    assert!(!seen.is_empty(), "Ben sees the counterargument");
    assert!(
        !seen.contains(&hidden) && !seen.contains("Alpha holds"),
        "but not the link to what is hidden from him: {seen}"
    );
    assert!(!listed(&bens).contains(&hidden));

    let anas = page(&app, reading, &ana).await;
    let own = entry_html(&anas, &counter);
    assert!(own.contains("data-mine=\"true\"") && own.contains(&hidden), "Ana's own entry is drawn as hers: {own}");
    assert!(!entry_html(&teachers, &open).contains("data-mine"), "the teacher's copy of Ben's note is not his");
    assert!(entry_html(&bens, &open).contains("data-mine=\"true\""), "Ben's own note is, for Ben");
    assert_eq!(
        entry_html(&anas, &open),
        entry_html(&teachers, &open),
        "a classmate's entry is the same for all who see it"
    );

    // A reload of each page after the others draws the same (the kept entries changed nothing).
    assert_eq!(page(&app, reading, &ben).await.html(), bens.html());
    assert_eq!(page(&app, reading, &ana).await.html(), anas.html());
}
