//! Links made after their annotation: who may make and remove them, and a table
//! of the links that are refused, each leaving the store unchanged.

use crate::support::{TestApp, TestUser};
use axum::http::{Method, StatusCode};
use counterpoint::db::store;
use serde_json::{Value, json};

/// A reading of numbered sentences: `"Sentence 07"` quotes the seventh.
pub fn sentences(n: usize) -> String {
    (1..=n).map(|i| format!("Sentence {i:02} says something.")).collect::<Vec<_>>().join("\n\n")
}

/// A linking body to the annotation `to` (its bare uuid).
pub fn link(to: &str, relation: Option<&str>) -> Value {
    let mut body = json!({"type": "SpecificResource", "purpose": "linking", "source": to});
    if let Some(relation) = relation {
        body["relation"] = json!(relation);
    }
    body
}

/// Extra fields for `TestApp::annotation`: the kind and links as bodies, and a visibility.
pub fn with_links(kind: &str, links: &[Value], visibility: &str) -> Value {
    let mut body = vec![json!({"type": "TextualBody", "purpose": "classifying", "value": kind})];
    body.extend(links.iter().cloned());
    json!({"body": body, "visibility": visibility})
}

pub async fn count_links(app: &TestApp) -> i64 {
    let (n,): (i64,) = store::query_as("SELECT count(*) FROM links").fetch_one(&app.state.db).await.expect("count");
    n
}

async fn post_link(app: &TestApp, from: &str, user: &TestUser, body: Value) -> crate::support::TestResponse {
    app.post(&format!("/api/annotations/{from}/links"), user, body).await
}

#[derive(Clone, Copy, Debug)]
enum Place {
    Same,
    Other,
}

#[tokio::test]
async fn links_that_do_not_fit_are_refused_with_422_and_change_nothing() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", &sentences(4)).await;
    let other = app.reading(course, &teacher, "text", &sentences(2)).await;
    // (from kind, to kind, stated relation, reading, visible to the author, self-link, closes a cycle, status)
    let table = [
        ("counterargument", "claim", None, Place::Same, true, false, false, StatusCode::CREATED),
        ("source", "claim", None, Place::Same, true, false, false, StatusCode::CREATED),
        ("source", "claim", Some("rebuts"), Place::Same, true, false, false, StatusCode::CREATED),
        ("claim", "claim", None, Place::Same, true, false, false, StatusCode::CREATED),
        ("claim", "claim", Some("supports"), Place::Same, false, false, false, StatusCode::UNPROCESSABLE_ENTITY),
        (
            "counterargument",
            "claim",
            Some("supports"),
            Place::Same,
            true,
            false,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("claim", "claim", Some("rebuts"), Place::Same, true, false, false, StatusCode::UNPROCESSABLE_ENTITY),
        ("question", "claim", Some("rebuts"), Place::Same, true, false, false, StatusCode::UNPROCESSABLE_ENTITY),
        ("note", "claim", None, Place::Same, true, false, false, StatusCode::UNPROCESSABLE_ENTITY),
        ("counterargument", "counterargument", None, Place::Same, true, false, false, StatusCode::UNPROCESSABLE_ENTITY),
        ("claim", "source", None, Place::Same, true, false, false, StatusCode::UNPROCESSABLE_ENTITY),
        ("counterargument", "claim", None, Place::Other, true, false, false, StatusCode::UNPROCESSABLE_ENTITY),
        ("claim", "claim", None, Place::Same, true, true, false, StatusCode::UNPROCESSABLE_ENTITY),
        ("claim", "claim", None, Place::Same, true, false, true, StatusCode::UNPROCESSABLE_ENTITY),
        ("claim", "claim", Some("supports"), Place::Same, true, false, true, StatusCode::UNPROCESSABLE_ENTITY),
    ];
    for (row, (from_kind, to_kind, relation, place, visible, self_link, cycle, status)) in table.into_iter().enumerate()
    {
        let from = app.annotation(reading, &ana, from_kind, "Sentence 01", json!({})).await;
        let target = if self_link {
            from.clone()
        } else {
            let (where_, author, visibility) = match (place, visible) {
                (Place::Same, true) => (reading, &ana, "class"),
                (Place::Same, false) => (reading, &ben, "private"),
                (Place::Other, _) => (other, &ana, "class"),
            };
            let back = if cycle { vec![link(&from, None)] } else { Vec::new() };
            let extra = with_links(to_kind, &back, visibility);
            app.annotation(where_, author, to_kind, "Sentence 02", extra).await
        };
        let before = count_links(&app).await;
        let mut body =
            json!({"target": format!("http://counterpoint.test/api/readings/{reading}/annotations/{target}")});
        if let Some(relation) = relation {
            body["relation"] = json!(relation);
        }
        let response = post_link(&app, &from, &ana, body).await;
        assert_eq!(response.status, status, "row {row}: {}", response.text);
        let after = count_links(&app).await;
        if status == StatusCode::CREATED {
            assert_eq!(after, before + 1, "row {row}");
            let expected = relation.unwrap_or(if from_kind == "counterargument" { "rebuts" } else { "supports" });
            assert_eq!(response.json()["relation"], expected, "row {row}");
            let shown = app.get(&format!("/api/annotations/{from}"), &ana).await.json();
            assert!(shown["body"].to_string().contains(&target), "row {row}: the link shows on the annotation");
        } else {
            assert_eq!(after, before, "row {row}: a refused link stores nothing");
            assert!(response.json()["error"].is_string(), "row {row}");
        }
    }
}

#[tokio::test]
async fn malformed_link_requests_get_a_clear_4xx() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", &sentences(2)).await;
    let claim = app.annotation(reading, &ana, "claim", "Sentence 01", json!({})).await;
    let counter = app.annotation(reading, &ana, "counterargument", "Sentence 02", json!({})).await;
    let rows = [
        (json!({"target": "not an id"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"target": "00000000-0000-4000-8000-000000000000"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"target": claim, "relation": "contradicts"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"target": claim, "relation": 3}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"relation": "rebuts"}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!({"target": claim, "weight": 2}), StatusCode::UNPROCESSABLE_ENTITY),
        (json!([claim]), StatusCode::UNPROCESSABLE_ENTITY),
    ];
    for (body, status) in rows {
        let response = post_link(&app, &counter, &ana, body.clone()).await;
        assert_eq!(response.status, status, "{body}: {}", response.text);
        assert!(response.json()["error"].is_string());
    }
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri(format!("/api/annotations/{counter}/links"))
        .header("host", "counterpoint.test")
        .header("authorization", format!("Bearer {}", ana.token))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"target\": "))
        .expect("request");
    assert_eq!(app.send(request).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(count_links(&app).await, 0);
}

#[tokio::test]
async fn only_the_author_links_or_unlinks_and_others_learn_nothing_of_hidden_annotations() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben, eve) = (app.user("ana").await, app.user("ben").await, app.user("eve").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "text", &sentences(3)).await;
    let claim = app.annotation(reading, &ben, "claim", "Sentence 01", json!({})).await;
    let counter = app.annotation(reading, &ana, "counterargument", "Sentence 02", json!({})).await;
    let hidden =
        app.annotation(reading, &ana, "counterargument", "Sentence 03", json!({"visibility": "private"})).await;
    let body = json!({"target": claim});
    assert_eq!(post_link(&app, &counter, &ben, body.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(post_link(&app, &hidden, &ben, body.clone()).await.status, StatusCode::NOT_FOUND);
    assert_eq!(post_link(&app, &hidden, &ben, json!("garbage")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(post_link(&app, &counter, &eve, body.clone()).await.status, StatusCode::NOT_FOUND);
    let anonymous = app.api(Method::POST, &format!("/api/annotations/{counter}/links"), None, Some(body.clone())).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(count_links(&app).await, 0);

    let made = post_link(&app, &counter, &ana, body.clone()).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(made.header("location"), format!("/api/annotations/{counter}/links/{claim}"));
    assert_eq!(post_link(&app, &counter, &ana, body).await.status, StatusCode::CONFLICT, "already linked");
    let path = format!("/api/annotations/{counter}/links/{claim}");
    assert_eq!(app.api(Method::DELETE, &path, Some(&ben), None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.api(Method::DELETE, &path, Some(&eve), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(count_links(&app).await, 1);
    assert_eq!(app.api(Method::DELETE, &path, Some(&ana), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.api(Method::DELETE, &path, Some(&ana), None).await.status, StatusCode::NOT_FOUND);
    let not_an_id = format!("/api/annotations/{counter}/links/nope");
    assert_eq!(app.api(Method::DELETE, &not_an_id, Some(&ana), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(count_links(&app).await, 0);
}

#[tokio::test]
async fn a_link_goes_with_either_end() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", &sentences(3)).await;
    let claim = app.annotation(reading, &ana, "claim", "Sentence 01", json!({})).await;
    let first = app
        .annotation(reading, &ana, "source", "Sentence 02", with_links("source", &[link(&claim, None)], "class"))
        .await;
    let second = app.annotation(reading, &ana, "counterargument", "Sentence 03", json!({})).await;
    assert_eq!(post_link(&app, &second, &ana, json!({"target": claim})).await.status, StatusCode::CREATED);
    assert_eq!(count_links(&app).await, 2);
    assert_eq!(
        app.api(Method::DELETE, &format!("/api/annotations/{first}"), Some(&ana), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(count_links(&app).await, 1, "deleting the source end removes its link");
    assert_eq!(
        app.api(Method::DELETE, &format!("/api/annotations/{claim}"), Some(&ana), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(count_links(&app).await, 0, "deleting the target end removes its link");
}

#[tokio::test]
async fn replacing_links_with_put_cannot_close_a_cycle_of_supports() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", &sentences(3)).await;
    let top = app.annotation(reading, &ana, "claim", "Sentence 01", json!({})).await;
    let middle =
        app.annotation(reading, &ana, "claim", "Sentence 02", with_links("claim", &[link(&top, None)], "class")).await;
    let bottom = app
        .annotation(reading, &ana, "claim", "Sentence 03", with_links("claim", &[link(&middle, None)], "class"))
        .await;
    let put = |links: Vec<Value>| {
        let mut body = with_links("claim", &links, "class");
        body["target"] = json!({"selector": {"type": "TextQuoteSelector", "exact": "Sentence 01"}});
        body
    };
    let closing = app
        .api(Method::PUT, &format!("/api/annotations/{top}"), Some(&ana), Some(put(vec![link(&bottom, None)])))
        .await;
    assert_eq!(closing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", closing.text);
    assert!(closing.json()["error"].as_str().expect("error").contains("cycle"));
    assert_eq!(count_links(&app).await, 2, "nothing changed");
    let by_route = post_link(&app, &top, &ana, json!({"target": bottom})).await;
    assert_eq!(by_route.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fine = app
        .api(
            Method::PUT,
            &format!("/api/annotations/{bottom}"),
            Some(&ana),
            Some({
                let mut body = put(vec![link(&top, None), link(&middle, None)]);
                body["target"] = json!({"selector": {"type": "TextQuoteSelector", "exact": "Sentence 03"}});
                body
            }),
        )
        .await;
    assert_eq!(fine.status, StatusCode::OK, "a second path to the same conclusion is no cycle: {}", fine.text);
    assert_eq!(count_links(&app).await, 3);
}
