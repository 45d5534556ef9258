//! What a live change costs an open reading page: the fragments it redraws are
//! the very bytes of the page's own parts (one renderer), show no one what they
//! may not see, and the snapshot behind them is brought up to date in place;
//! pages and the container answer `304` when unchanged, and are compressed.

use crate::support::{TestApp, bearer_get as get};
use axum::http::{StatusCode, header};
use counterpoint::db::store;
use counterpoint::web::events::Change;
use serde_json::json;

const ESSAY: &str = "Russia and China are partners, not allies 🌍.\n\n\
    Some say “a marriage of convenience”; others disagree.\n\n\
    Trade grew, and so did the pipelines; the sanctions did the rest.";

/// The text between `open` and the next `</template>` in `html`, for each time `open` occurs.
fn templates<'a>(html: &'a str, open: &str) -> Vec<&'a str> {
    html.match_indices(open)
        .filter_map(|(at, _)| {
            let rest = &html[at..];
            let body = &rest[rest.find('>')? + 1..];
            Some(&body[..body.find("</template>")?])
        })
        .collect()
}

/// The bodies of a counterargument linked to `claim`.
fn linked_to(claim: &str) -> serde_json::Value {
    json!({"body": [
        {"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
        {"type": "SpecificResource", "purpose": "linking", "source": claim},
    ]})
}

async fn fragments(browser: &crate::support::Browser<'_>, reading: i64, ids: &[&str], blocks: &[usize]) -> String {
    let blocks: Vec<String> = blocks.iter().map(ToString::to_string).collect();
    let path = format!("/readings/{reading}/fragments?ids={}&blocks={}", ids.join(","), blocks.join(","));
    let answer = browser.get(&path).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.text
}

#[tokio::test]
async fn a_fragment_is_byte_for_byte_the_part_of_the_page_it_redraws() {
    let app = TestApp::new().await;
    let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let claim = app.annotation(reading, &ana, "claim", "partners, not allies", json!({})).await;
    let across = app.annotation(reading, &ben, "note", "allies 🌍.\n\nSome say", json!({})).await;
    let inner = app.annotation(reading, &ben, "question", "not allies", json!({})).await;
    let counter = app.annotation(reading, &ben, "counterargument", "others disagree", linked_to(&claim)).await;
    let reply = app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Why <b>?"})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let ids = [claim.as_str(), across.as_str(), inner.as_str(), counter.as_str()];

    for viewer in [&ana, &ben, &teacher] {
        let browser = app.browser(viewer).await;
        let page = browser.get(&format!("/readings/{reading}")).await.text;
        let drawn = fragments(&browser, reading, &ids, &[0]).await;
        let entries = templates(&drawn, "<template data-entry=");
        assert_eq!(entries.len(), ids.len(), "every annotation is seen: {drawn}");
        for entry in &entries {
            assert!(entry.starts_with("<li class=\"annotation\""), "{entry}");
            assert!(page.contains(&format!("\n{entry}\n")), "the page holds this entry as drawn: {entry}");
        }
        let blocks = templates(&drawn, "<template data-block=");
        assert_eq!(blocks.len(), 2, "the blocks the annotations lie on, and the one asked for");
        for block in &blocks {
            assert!(block.contains("data-start=\""), "{block}");
            assert!(page.contains(block), "the page holds this block as drawn: {block}");
        }
        let option = templates(&drawn, "<template data-claim=");
        assert_eq!(option.len(), 1, "one claim");
        assert!(page.contains(option[0]), "the page offers the claim as drawn: {}", option[0]);
        let authors = templates(&drawn, "<template data-role=\"authors\"");
        assert!(page.contains(&format!("data-role=\"authors\">{}</select>", authors[0])));
    }
    let mine = fragments(&app.browser(&ana).await, reading, &[&claim], &[]).await;
    assert!(templates(&mine, "<template data-entry=")[0].contains("data-mine=\"true\""), "the author's own entry");
    assert!(mine.contains("Why ") && !mine.contains("Why <b>"), "replies are escaped");
}

#[tokio::test]
async fn fragments_and_events_reach_no_one_who_may_not_see_the_change() {
    let app = TestApp::new().await;
    let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let private = app.annotation(reading, &ana, "note", "partners", json!({"visibility": "private"})).await;
    let for_teachers =
        app.annotation(reading, &ana, "note", "others disagree", json!({"visibility": "instructors"})).await;
    let class = app.annotation(reading, &ana, "claim", "the pipelines", json!({})).await;
    let ids = [private.as_str(), for_teachers.as_str(), class.as_str()];
    let every_block = [0, 46, 102];

    let shown = |drawn: &str, id: &str| {
        let entry = templates(drawn, &format!("<template data-entry=\"{id}\"")).len() == 1;
        let marked = templates(drawn, "<template data-block=").iter().any(|b| b.contains(id));
        let gone = drawn.contains(&format!("<template data-gone=\"{id}\">"));
        assert_eq!(entry, marked, "{id}: entry and highlight agree");
        assert_ne!(entry, gone, "{id}: shown or gone");
        entry
    };
    let ben_sees = fragments(&app.browser(&ben).await, reading, &ids, &every_block).await;
    assert_eq!(ids.map(|id| shown(&ben_sees, id)), [false, false, true], "a classmate");
    let teacher_sees = fragments(&app.browser(&teacher).await, reading, &ids, &every_block).await;
    assert_eq!(ids.map(|id| shown(&teacher_sees, id)), [false, true, true], "an instructor");
    let ana_sees = fragments(&app.browser(&ana).await, reading, &ids, &every_block).await;
    assert_eq!(ids.map(|id| shown(&ana_sees, id)), [true, true, true], "the author");

    // Post-first: every open page is told to redraw whole, and Ben, who has not posted, sees nothing of Ana's.
    let mut events = app.state.events.subscribe(reading);
    let settings = app.browser(&teacher).await;
    let on = settings.post_form(&format!("/courses/{course}/settings"), &[("post_first", "on")]).await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert_eq!(events.try_recv().map(|e| e.change).ok(), Some(Change::Resync));
    let ben_browser = app.browser(&ben).await;
    let ben_sees = fragments(&ben_browser, reading, &ids, &every_block).await;
    assert_eq!(ids.map(|id| shown(&ben_sees, id)), [false, false, false], "post-first, before posting");
    assert!(ben_sees.contains("data-sees-class=\"false\""), "so his page redraws whole once he posts");
    let page = ben_browser.get(&format!("/readings/{reading}")).await;
    assert!(page.text.contains("data-sees-class=\"false\""));
    assert_eq!(page.html().select(&scraper::Selector::parse("mark").expect("selector")).count(), 0);
    // Ana's next class annotation: Ben does not hear of it.
    let later = app.annotation(reading, &ana, "claim", "Trade grew", json!({})).await;
    let event = events.try_recv().expect("published");
    assert_eq!(event.annotation.to_string(), later);
    let ben_viewer =
        counterpoint::domain::Viewer { user_id: app.user_id(&ben).await, role: counterpoint::domain::Role::Student };
    assert!(!event.may_hear(&app.state.db, ben_viewer, course).await, "the event, like the fragment");
    let own = app.annotation(reading, &ben, "note", "the sanctions", json!({})).await;
    let ben_sees = fragments(&ben_browser, reading, &[&class, &later, &own, &private], &every_block).await;
    assert!(ben_sees.contains("data-sees-class=\"true\""));
    assert_eq!([&class, &later, &own, &private].map(|id| shown(&ben_sees, id)), [true, true, true, false]);
}

#[tokio::test]
async fn bad_fragment_requests_are_refused() {
    let app = TestApp::new().await;
    let (teacher, ana, eve) = (app.user("teacher").await, app.user("ana").await, app.user("eve").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let browser = app.browser(&ana).await;
    let many = vec![uuid::Uuid::new_v4().to_string(); 51].join(",");
    for query in ["ids=not-a-uuid", "blocks=-1", "blocks=x", &format!("ids={many}")] {
        let answer = browser.get(&format!("/readings/{reading}/fragments?{query}")).await;
        assert!(answer.status.is_client_error(), "{query}: {}", answer.status);
    }
    let unknown = browser.get(&format!("/readings/{reading}/fragments?blocks=3,999999")).await;
    assert_eq!(unknown.status, StatusCode::OK, "blocks that do not start there are ignored");
    assert!(templates(&unknown.text, "<template data-block=").is_empty());
    let stranger = app.browser(&eve).await.get(&format!("/readings/{reading}/fragments")).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND, "not a member");
}

#[tokio::test]
async fn an_unchanged_page_or_container_is_not_sent_again() {
    let app = TestApp::new().await;
    let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    app.annotation(reading, &ana, "claim", "partners, not allies", json!({})).await;
    for path in [format!("/readings/{reading}"), format!("/api/readings/{reading}/annotations/")] {
        let first = app.send(get(&path, &ana, &[])).await;
        assert_eq!(first.status, StatusCode::OK);
        let etag = first.header("etag").to_owned();
        assert!(etag.starts_with("W/\""), "{path}: {etag}");
        assert_eq!(first.header("cache-control"), "private, no-cache", "kept by the browser alone, revalidated");
        let again = app.send(get(&path, &ana, &[("if-none-match", &etag)])).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.text.is_empty());
        assert_eq!(again.header("etag"), etag);
        let other = app.send(get(&path, &ben, &[("if-none-match", &etag)])).await;
        assert_eq!(other.status, StatusCode::OK, "{path}: another viewer's page is not theirs");
        assert_ne!(other.header("etag"), etag);
    }
    // A session's page differs from another session's (its CSRF token): each has its own tag.
    let (one, two) = (app.browser(&ana).await, app.browser(&ana).await);
    let path = format!("/readings/{reading}");
    assert_ne!(one.get(&path).await.header("etag"), two.get(&path).await.header("etag"));
    let before = app.send(get(&path, &ana, &[])).await.header("etag").to_owned();
    app.annotation(reading, &ben, "note", "others disagree", json!({})).await;
    let after = app.send(get(&path, &ana, &[("if-none-match", &before)])).await;
    assert_eq!(after.status, StatusCode::OK, "a change is sent");
    assert_ne!(after.header("etag"), before);
}

#[tokio::test]
async fn html_and_json_are_compressed_and_event_streams_are_not() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    app.annotation(reading, &ana, "claim", "partners, not allies", json!({})).await;
    let plain = app.send(get(&format!("/readings/{reading}"), &ana, &[])).await;
    assert_eq!(plain.header("content-encoding"), "");
    for (accept, expected) in [("gzip", "gzip"), ("gzip, deflate, br", "br")] {
        for path in [format!("/readings/{reading}"), format!("/api/readings/{reading}/annotations/")] {
            let request = get(&path, &ana, &[("accept-encoding", accept)]);
            let response = app.router.clone().oneshot(request).await.expect("infallible");
            assert_eq!(response.headers()[header::CONTENT_ENCODING], expected, "{path}");
            let vary: Vec<_> =
                response.headers().get_all(header::VARY).iter().filter_map(|v| v.to_str().ok()).collect();
            assert!(vary.iter().any(|v| v.contains("accept-encoding")), "{path}: {vary:?}");
        }
    }
    let stream = get(&format!("/readings/{reading}/events"), &ana, &[("accept-encoding", "gzip, br")]);
    let response = app.router.clone().oneshot(stream).await.expect("infallible");
    assert!(response.headers()[header::CONTENT_TYPE].to_str().unwrap_or_default().starts_with("text/event-stream"));
    assert!(response.headers().get(header::CONTENT_ENCODING).is_none(), "events are sent as they happen");
}

use tower::ServiceExt;

/// The snapshot a write leaves in memory is the one a fresh load gives, field by field.
async fn assert_up_to_date(app: &TestApp, reading: i64, what: &str) {
    let (revision,): (i64,) = store::query_as("SELECT revision FROM readings WHERE id = ?")
        .bind(reading)
        .fetch_one(&app.state.db)
        .await
        .expect("revision");
    let kept = app.state.snapshots.get(&app.state.db, reading, revision).await.expect("snapshot");
    let kept = &kept.snapshot;
    let fresh = counterpoint::db::snapshot::load(&app.state.db, reading).await.expect("load").expect("reading");
    assert_eq!(kept.revision, fresh.revision, "{what}");
    assert_eq!(kept.annotations, fresh.annotations, "{what}: annotations");
    assert_eq!(kept.rows, fresh.rows, "{what}: rows");
    assert_eq!(kept.targets, fresh.targets, "{what}: links");
    assert_eq!(kept.replies, fresh.replies, "{what}: replies");
    assert_eq!(kept.authors, fresh.authors, "{what}: authors");
    assert_eq!(kept.by_block, fresh.by_block, "{what}: blocks");
    assert_eq!(kept.post_first, fresh.post_first, "{what}: post-first");
    assert_eq!(kept.provenance, fresh.provenance, "{what}: provenance");
}

#[tokio::test]
async fn every_kind_of_write_brings_the_snapshot_in_memory_up_to_date() {
    let app = TestApp::new().await;
    let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    assert_up_to_date(&app, reading, "at first").await;
    let claim = app.annotation(reading, &ana, "claim", "partners, not allies", json!({})).await;
    assert_up_to_date(&app, reading, "a create").await;
    let counter = app.annotation(reading, &ben, "counterargument", "others disagree", linked_to(&claim)).await;
    assert_up_to_date(&app, reading, "a create with a link").await;
    app.post(&format!("/api/annotations/{claim}/replies"), &ben, json!({"text": "Why?"})).await;
    assert_up_to_date(&app, reading, "a reply").await;
    let mut changed = app.get(&format!("/api/annotations/{claim}"), &ana).await.json();
    changed["visibility"] = json!("instructors");
    let put = app.api(axum::http::Method::PUT, &format!("/api/annotations/{claim}"), Some(&ana), Some(changed)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_up_to_date(&app, reading, "an update").await;
    let delete = app.api(axum::http::Method::DELETE, &format!("/api/annotations/{claim}"), Some(&ana), None).await;
    assert_eq!(delete.status, StatusCode::NO_CONTENT);
    assert_up_to_date(&app, reading, "a delete, and the link to it").await;
    let settings = app.browser(&teacher).await;
    settings.post_form(&format!("/courses/{course}/settings"), &[("post_first", "on")]).await;
    assert_up_to_date(&app, reading, "post-first").await;
    let mut events = app.state.events.subscribe(reading);
    let renamed =
        settings.post_form(&format!("/readings/{reading}/settings"), &[("title", "Renamed"), ("author", "")]).await;
    assert!(renamed.status.is_redirection(), "{}", renamed.text);
    assert_eq!(events.try_recv().map(|e| e.change).ok(), Some(Change::Resync), "open pages redraw a reading edit");
    assert_up_to_date(&app, reading, "a reading edit").await;
    store::query("UPDATE users SET name = 'Ben B.' WHERE email = ?")
        .bind(&ben.email)
        .execute(&app.state.db)
        .await
        .expect("rename");
    assert_up_to_date(&app, reading, "a name").await;
    let _ = counter;
}

#[tokio::test]
async fn a_long_list_is_cut_short_while_every_highlight_is_drawn() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let words: Vec<String> = (0..1_005).map(|n| format!("w{n:04}")).collect();
    let reading = app.reading(course, &teacher, "text", &words.join(" ")).await;
    let items: Vec<serde_json::Value> = words
        .iter()
        .enumerate()
        .map(|(n, word)| {
            json!({
                "type": "Annotation",
                "body": [{"type": "TextualBody", "purpose": "classifying", "value": "note"}],
                "target": {"source": format!("http://counterpoint.test/readings/{reading}"), "selector": [
                    {"type": "TextPositionSelector", "start": n * 6, "end": n * 6 + 5},
                    {"type": "TextQuoteSelector", "exact": word},
                ]},
            })
        })
        .collect();
    let imported = app.post(&format!("/api/readings/{reading}/import"), &teacher, json!(items)).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.text);
    let browser = app.browser(&ana).await;
    let count = |html: &scraper::Html, css: &str| html.select(&scraper::Selector::parse(css).expect("css")).count();
    let page = browser.get(&format!("/readings/{reading}")).await;
    let html = page.html();
    assert_eq!(count(&html, "#annotation-list > li"), 1_000, "the list is cut short");
    assert_eq!(count(&html, "mark[data-annotation-ids]"), 1_005, "every highlight is drawn");
    assert_eq!(count(&html, "[data-role=more] a[href$='?list=all#annotation-list']"), 1);
    assert_eq!(count(&html, "[data-role=total]"), 1);
    let all = browser.get(&format!("/readings/{reading}?list=all")).await;
    assert_eq!(count(&all.html(), "#annotation-list > li"), 1_005, "or shown whole when asked");
    assert_ne!(all.header("etag"), page.header("etag"));
}

/// `n` annotations over `text` from a fixed pattern: passages of 10–70 code points, every kind.
fn lecture(text: &str, reading: i64, n: usize) -> Vec<serde_json::Value> {
    let kinds = ["claim", "counterargument", "source", "question", "note"];
    let chars: Vec<char> = text.chars().collect();
    (0..100_000_usize)
        .filter_map(|i| {
            let start = (i * 7_919) % (chars.len() - 80);
            let end = start + 10 + (i * 31) % 60;
            let exact: String = chars[start..end].iter().collect();
            (exact.trim() == exact && !exact.contains("\n\n")).then(|| {
                json!({
                    "type": "Annotation",
                    "body": [
                        {"type": "TextualBody", "purpose": "classifying", "value": kinds[i % kinds.len()]},
                        {"type": "TextualBody", "purpose": "commenting", "value": format!("Lecture note {i}.")},
                    ],
                    "target": {"source": format!("http://counterpoint.test/readings/{reading}"), "selector": [
                        {"type": "TextPositionSelector", "start": start, "end": end},
                        {"type": "TextQuoteSelector", "exact": exact},
                    ]},
                })
            })
        })
        .take(n)
        .collect()
}

/// The figures of BENCHMARKS.md's issue-14 section: the first view's size, drawn and on the wire.
#[tokio::test]
async fn the_first_view_of_thousands_of_annotations_stays_light() {
    let Some(essay) = counterpoint::fixtures::shared_text("readings/one-bed-different-dreams.txt") else { return };
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    for (n, most) in [(1_000, 300 * 1024), (5_000, 600 * 1024)] {
        let reading = app.reading(course, &teacher, "text", &essay).await;
        let text = app.get(&format!("/api/readings/{reading}"), &ana).await.json()["text"].as_str().map(str::to_owned);
        let items = lecture(&text.unwrap_or_default(), reading, n);
        let imported = app.post(&format!("/api/readings/{reading}/import"), &teacher, json!(items)).await;
        assert_eq!(imported.json()["imported"], n, "{}", imported.text);
        let path = format!("/readings/{reading}");
        let drawn = app.send(get(&path, &ana, &[])).await.text.len();
        let request = get(&path, &ana, &[("accept-encoding", "br, gzip")]);
        let response = app.router.clone().oneshot(request).await.expect("infallible");
        let wire = http_body_util::BodyExt::collect(response.into_body()).await.expect("body").to_bytes().len();
        println!("first view of {n} annotations: {drawn} bytes drawn, {wire} on the wire (brotli)");
        assert!(wire <= most, "{n} annotations: {wire} bytes on the wire");
        assert!(wire * 4 <= drawn, "{n} annotations: {wire} of {drawn}");
    }
}
