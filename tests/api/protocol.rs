//! The W3C Web Annotation Protocol: headers, status codes, paging, Prefer,
//! ETag/If-Match, 410 after a delete, CORS, and bodies that pass the W3C schemas.

use crate::support::{TestApp, TestResponse, TestUser};
use crate::w3c_schemas::{assert_annotation, assert_collection, assert_page, schema_dir};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

const TEXT: &str = "Claims and counterclaims. The alliance is durable. Critics disagree.";
const MINIMAL: &str = "return=representation;include=\"http://www.w3.org/ns/ldp#PreferMinimalContainer\"";
const IRIS: &str = "return=representation;include=\"http://www.w3.org/ns/oa#PreferContainedIRIs\"";

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    user: Option<&TestUser>,
    headers: &[(&str, &str)],
) -> TestResponse {
    let mut request = Request::builder().method(method).uri(path).header(header::HOST, "counterpoint.test");
    if let Some(user) = user {
        request = request.header(header::AUTHORIZATION, format!("Bearer {}", user.token));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).expect("request")).await
}

async fn put(app: &TestApp, path: &str, user: &TestUser, if_match: &str, body: &Value) -> TestResponse {
    let request = Request::builder()
        .method(Method::PUT)
        .uri(path)
        .header(header::HOST, "counterpoint.test")
        .header(header::AUTHORIZATION, format!("Bearer {}", user.token))
        .header(header::CONTENT_TYPE, "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"")
        .header(header::IF_MATCH, if_match)
        .body(Body::from(body.to_string()))
        .expect("request");
    app.send(request).await
}

struct Setup {
    app: TestApp,
    teacher: TestUser,
    ana: TestUser,
    course: i64,
    reading: i64,
    id: String,
}

async fn setup() -> Setup {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let id = app
        .annotation(
            reading,
            &ana,
            "claim",
            "The alliance is durable",
            json!({"bodyValue": "Thesis", "citation": "Nye 2019"}),
        )
        .await;
    Setup { app, teacher, ana, course, reading, id }
}

#[tokio::test]
async fn containers_and_annotations_answer_every_protocol_method_with_their_headers() {
    let Setup { app, ana, reading, id, .. } = setup().await;
    let container = format!("/api/readings/{reading}/annotations/");
    let one = format!("/api/readings/{reading}/annotations/{id}");
    let short = format!("/api/annotations/{id}");
    let container_link = "<http://www.w3.org/ns/ldp#BasicContainer>; rel=\"type\"";
    let constrained = "rel=\"http://www.w3.org/ns/ldp#constrainedBy\"";
    let resource_link = "<http://www.w3.org/ns/ldp#Resource>; rel=\"type\"";
    // (method, path, status, Link must contain, Allow must contain, ETag expected)
    let rows = [
        (Method::GET, container.as_str(), StatusCode::OK, container_link, "POST", true),
        (Method::HEAD, container.as_str(), StatusCode::OK, constrained, "POST", true),
        (Method::OPTIONS, container.as_str(), StatusCode::OK, container_link, "OPTIONS", false),
        (Method::GET, one.as_str(), StatusCode::OK, resource_link, "DELETE", true),
        (Method::HEAD, one.as_str(), StatusCode::OK, resource_link, "PUT", true),
        (Method::OPTIONS, one.as_str(), StatusCode::OK, resource_link, "HEAD", false),
        (Method::GET, short.as_str(), StatusCode::OK, resource_link, "GET", true),
        (Method::PATCH, short.as_str(), StatusCode::METHOD_NOT_ALLOWED, resource_link, "PUT", false),
    ];
    for (method, path, status, link, allow, etag) in rows {
        let response = send(&app, method.clone(), path, Some(&ana), &[]).await;
        let what = format!("{method} {path}");
        assert_eq!(response.status, status, "{what}: {}", response.text);
        assert!(response.header("link").contains(link), "{what}: Link {:?}", response.header("link"));
        assert!(response.header("allow").contains(allow), "{what}: Allow {:?}", response.header("allow"));
        assert!(response.header("vary").contains("Accept"), "{what}: Vary");
        assert_eq!(!response.header("etag").is_empty(), etag, "{what}: ETag");
        if method == Method::HEAD {
            assert!(response.text.is_empty(), "{what}: HEAD has no body");
        }
        if status == StatusCode::OK && method != Method::OPTIONS {
            assert!(response.header("content-type").starts_with("application/ld+json; profile="), "{what}");
        }
    }
    let get = send(&app, Method::GET, &container, Some(&ana), &[]).await;
    assert!(get.header("accept-post").starts_with("application/ld+json"));
    assert!(get.header("vary").contains("Prefer"));
    assert!(get.header("prefer").is_empty(), "the response carries no Prefer header");
    assert_eq!(get.header("content-location"), get.json()["id"].as_str().expect("id"));
    let to_page = app.annotate(reading, &ana, "note", "Critics", json!({})).await;
    assert_eq!(to_page.status, StatusCode::CREATED, "{}", to_page.text);
    let body = json!({"target": {"selector": {"type": "TextQuoteSelector", "exact": "Critics"}}});
    let to_page = app.post(&format!("{container}?page=0"), &ana, body).await;
    assert_eq!(to_page.status, StatusCode::METHOD_NOT_ALLOWED, "pages take no posts");
    let error = send(&app, Method::GET, &container, None, &[]).await;
    assert_eq!(error.status, StatusCode::UNAUTHORIZED);
    assert!(error.header("link").contains(constrained), "errors from a container carry its Link headers too");
}

#[tokio::test]
async fn what_the_api_produces_passes_the_w3c_schema_musts() {
    let Some(dir) = schema_dir() else { return };
    let Setup { app, teacher, ana, reading, id, .. } = setup().await;
    let reply = app.post(&format!("/api/annotations/{id}/replies"), &teacher, json!({"text": "For whom?"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let annotation = app.get(&format!("/api/annotations/{id}"), &ana).await.json();
    assert_annotation(&dir, &annotation);
    assert!(annotation["created"].as_str().expect("created").ends_with('Z'));
    assert_eq!(annotation["creator"]["name"], "ana");
    assert!(annotation["@context"][1].as_str().expect("context").ends_with("/ns/counterpoint.jsonld"));
    let bodies = annotation["body"].as_array().expect("bodies");
    assert!(bodies.iter().any(|b| b["purpose"] == "identifying" && b["value"] == "Nye 2019"), "the citation is a body");
    let container = app.get(&format!("/api/readings/{reading}/annotations/"), &ana).await.json();
    assert_collection(&dir, &container);
    let page = app.get(&format!("/api/readings/{reading}/annotations/?page=0"), &ana).await.json();
    assert_page(&dir, &page);
    let replies = app.get(&format!("/api/annotations/{id}/replies"), &ana).await;
    assert_eq!(replies.status, StatusCode::OK, "{}", replies.text);
    let replies = replies.json();
    assert_page(&dir, &replies);
    assert_eq!(replies["items"][0]["motivation"], "replying");
    assert_eq!(replies["items"][0]["target"], annotation["id"]);
    let course = app.get(&format!("/api/readings/{reading}"), &teacher).await;
    assert_eq!(course.status, StatusCode::OK);
    let context = send(&app, Method::GET, "/ns/counterpoint.jsonld", None, &[]).await;
    assert_eq!(context.status, StatusCode::OK);
    assert_eq!(context.json()["@context"]["visibility"], "cp:visibility");
}

#[tokio::test]
async fn containers_page_by_a_hundred_and_honour_the_prefer_forms() {
    let Setup { app, teacher, course, .. } = setup().await;
    let words: Vec<String> = (0..150).map(|i| format!("w{i:03}")).collect();
    let big = app.reading(course, &teacher, "text", &words.join(" ")).await;
    for word in &words {
        app.annotation(big, &teacher, "note", word, json!({})).await;
    }
    let container = format!("/api/readings/{big}/annotations/");
    let full = app.get(&container, &teacher).await.json();
    assert_eq!(full["total"], 150);
    assert_eq!(full["first"]["items"].as_array().expect("items").len(), 100);
    assert_eq!(full["first"]["next"], format!("http://counterpoint.test{container}?page=1"));
    assert_eq!(full["last"], format!("http://counterpoint.test{container}?page=1"));
    let second = app.get(&format!("{container}?page=1"), &teacher).await;
    assert_eq!(second.status, StatusCode::OK);
    let second = second.json();
    assert_eq!(second["items"].as_array().expect("items").len(), 50);
    assert_eq!(second["startIndex"], 100);
    assert_eq!(second["prev"], format!("http://counterpoint.test{container}?page=0"));
    assert!(second.get("next").is_none());
    assert_eq!(second["partOf"]["id"], format!("http://counterpoint.test{container}"));
    assert_eq!(app.get(&format!("{container}?page=2"), &teacher).await.status, StatusCode::NOT_FOUND);

    let minimal = send(&app, Method::GET, &container, Some(&teacher), &[("prefer", MINIMAL)]).await.json();
    assert!(minimal["first"].is_string() && minimal["last"].is_string(), "{minimal}");
    assert!(!minimal.to_string().contains("\"items\""), "a minimal container lists nothing");
    let iris = send(&app, Method::GET, &container, Some(&teacher), &[("prefer", IRIS)]).await;
    assert_eq!(iris.header("content-location"), format!("http://counterpoint.test{container}?iris=1"));
    let iris = iris.json();
    assert!(iris["first"]["items"].as_array().expect("items").iter().all(Value::is_string));
    assert_eq!(iris["first"]["next"], format!("http://counterpoint.test{container}?iris=1&page=1"));
    let both = format!("{MINIMAL}, {IRIS}");
    let both = send(&app, Method::GET, &container, Some(&teacher), &[("prefer", &both)]).await.json();
    assert_eq!(both["first"], format!("http://counterpoint.test{container}?iris=1&page=0"));
}

#[tokio::test]
async fn a_stale_etag_gets_412_and_changes_nothing() {
    let Setup { app, ana, id, .. } = setup().await;
    let path = format!("/api/annotations/{id}");
    let first = app.get(&path, &ana).await;
    let etag = first.header("etag").to_owned();
    let mut changed = first.json();
    changed["body"] = json!([{"type": "TextualBody", "purpose": "classifying", "value": "claim"},
                             {"type": "TextualBody", "purpose": "commenting", "value": "Revised"}]);
    let updated = put(&app, &path, &ana, &etag, &changed).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_ne!(updated.header("etag"), etag, "the ETag changes with the annotation");
    let mut stale = changed.clone();
    stale["body"][1]["value"] = json!("Overwritten");
    let refused = put(&app, &path, &ana, &etag, &stale).await;
    assert_eq!(refused.status, StatusCode::PRECONDITION_FAILED, "{}", refused.text);
    assert_eq!(app.get(&path, &ana).await.json()["body"][1]["value"], "Revised", "nothing changed");
    let delete = send(&app, Method::DELETE, &path, Some(&ana), &[("if-match", &etag)]).await;
    assert_eq!(delete.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(app.count_annotations().await, 1);
}

#[tokio::test]
async fn a_deleted_annotations_iri_is_gone_for_members_and_unknown_to_others() {
    let Setup { app, teacher, ana, reading, id, .. } = setup().await;
    let outsider = app.user("zoe").await;
    let path = format!("/api/readings/{reading}/annotations/{id}");
    let etag = app.get(&path, &ana).await.header("etag").to_owned();
    let deleted = send(&app, Method::DELETE, &path, Some(&ana), &[("if-match", &etag)]).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    let rows = [
        (&ana, path.clone(), StatusCode::GONE),
        (&teacher, path.clone(), StatusCode::GONE),
        (&ana, format!("/api/annotations/{id}"), StatusCode::NOT_FOUND),
        (&outsider, path.clone(), StatusCode::NOT_FOUND),
        (&ana, "/api/annotations/00000000-0000-4000-8000-000000000000".to_owned(), StatusCode::NOT_FOUND),
    ];
    for (user, path, status) in rows {
        assert_eq!(app.get(&path, user).await.status, status, "{path}");
    }
    assert_eq!(app.get(&format!("/api/readings/{reading}/annotations/"), &ana).await.json()["total"], 0);
}

#[tokio::test]
async fn other_origins_may_read_the_api_with_a_token_after_a_preflight() {
    let Setup { app, ana, id, .. } = setup().await;
    let path = format!("/api/annotations/{id}");
    let preflight = send(
        &app,
        Method::OPTIONS,
        &path,
        None,
        &[
            ("origin", "https://tool.example"),
            ("access-control-request-method", "GET"),
            ("access-control-request-headers", "authorization"),
        ],
    )
    .await;
    assert!(preflight.status.is_success(), "{}", preflight.status);
    assert_eq!(preflight.header("access-control-allow-origin"), "*");
    assert!(preflight.header("access-control-allow-methods").contains("GET"));
    assert!(preflight.header("access-control-allow-headers").contains("Authorization"));
    assert!(preflight.header("access-control-allow-credentials").is_empty(), "never with cookies");
    let get = send(&app, Method::GET, &path, Some(&ana), &[("origin", "https://tool.example")]).await;
    assert_eq!(get.status, StatusCode::OK);
    assert_eq!(get.header("access-control-allow-origin"), "*");
    assert!(get.header("access-control-expose-headers").contains("ETag"));
    let page = send(&app, Method::GET, "/", None, &[("origin", "https://tool.example")]).await;
    assert!(page.header("access-control-allow-origin").is_empty(), "pages are not shared");
}

#[tokio::test]
async fn a_posted_annotation_keeps_its_canonical_iri_and_its_own_id_becomes_via() {
    let Setup { app, ana, reading, .. } = setup().await;
    let extra =
        json!({"id": "http://elsewhere.example/anno/7", "canonical": "urn:uuid:0c9e1c1e-2f0a-4c55-9a33-8f6f3c1c0b1a"});
    let created = app.annotate(reading, &ana, "note", "Critics disagree", extra).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let body = created.json();
    assert_eq!(body["canonical"], "urn:uuid:0c9e1c1e-2f0a-4c55-9a33-8f6f3c1c0b1a");
    assert_eq!(body["via"], "http://elsewhere.example/anno/7");
    let container = format!("http://counterpoint.test/api/readings/{reading}/annotations/");
    assert!(body["id"].as_str().expect("id").starts_with(&container), "the server assigns the id");
    assert_eq!(created.header("location"), body["id"].as_str().expect("id"));
    let not_an_iri = app.annotate(reading, &ana, "note", "Critics", json!({"canonical": "not an iri"})).await;
    assert_eq!(not_an_iri.status, StatusCode::UNPROCESSABLE_ENTITY);
    let odd_id = app.annotate(reading, &ana, "note", "Critics", json!({"id": 12})).await;
    assert_eq!(odd_id.status, StatusCode::CREATED, "a client's id that is not an IRI is ignored");
}

#[tokio::test]
async fn what_a_post_answers_is_what_a_get_then_returns_etag_and_all() {
    let Setup { app, ana, reading, .. } = setup().await;
    let claim = app.annotation(reading, &ana, "claim", "The alliance is durable", json!({})).await;
    let body = json!([
        {"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
        {"type": "TextualBody", "purpose": "commenting", "value": "Which critics?"},
        {"type": "TextualBody", "purpose": "tagging", "value": "b"},
        {"type": "TextualBody", "purpose": "tagging", "value": "a"},
        {"type": "SpecificResource", "purpose": "linking", "source": claim},
        {"type": "SpecificResource", "purpose": "linking", "source": claim},
    ]);
    let extra = json!({"canonical": "urn:uuid:0c9e1c1e-2f0a-4c55-9a33-8f6f3c1c0b1a", "body": body});
    let created = app.annotate(reading, &ana, "counterargument", "Critics disagree", extra).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let got = app.get(created.header("location"), &ana).await;
    assert_eq!(got.status, StatusCode::OK);
    let bodies = created.json()["body"].as_array().cloned().unwrap_or_default();
    assert_eq!(bodies.iter().filter(|b| b["purpose"] == "linking").count(), 1, "one link per target: {bodies:?}");
    assert_eq!(bodies.iter().filter(|b| b["purpose"] == "tagging").count(), 2, "{bodies:?}");
    assert_eq!(created.json(), got.json(), "the POST's answer is the stored annotation");
    assert_eq!(created.header("etag"), got.header("etag"), "so a client may PUT with the ETag it was given");
}

#[tokio::test]
async fn every_container_form_and_reply_thread_shows_only_what_the_caller_may_see() {
    let Setup { app, teacher, ana, reading, .. } = setup().await;
    let secret = app.annotation(reading, &teacher, "note", "Critics disagree", json!({"visibility": "private"})).await;
    app.post(&format!("/api/annotations/{secret}/replies"), &teacher, json!({"text": "to myself"})).await;
    let container = format!("/api/readings/{reading}/annotations/");
    let forms = [
        send(&app, Method::GET, &container, Some(&ana), &[]).await,
        send(&app, Method::GET, &container, Some(&ana), &[("prefer", IRIS)]).await,
        send(&app, Method::GET, &format!("{container}?page=0"), Some(&ana), &[]).await,
        send(&app, Method::GET, &format!("{container}?iris=1&page=0"), Some(&ana), &[]).await,
    ];
    for response in forms {
        assert_eq!(response.status, StatusCode::OK);
        assert!(!response.text.contains(&secret), "a classmate's private note is listed: {}", response.text);
    }
    assert_eq!(app.get(&container, &ana).await.json()["total"], 1);
    assert_eq!(app.get(&container, &teacher).await.json()["total"], 2);
    let thread = app.get(&format!("/api/annotations/{secret}/replies"), &ana).await;
    assert_eq!(thread.status, StatusCode::NOT_FOUND, "nor its replies");
}
