//! The OpenAPI description stays in step with the code: every documented path
//! and method is routed and every routed one documented; the documented schemas
//! are the ones derived from the Rust wire types (`counterpoint::web::api_schemas`);
//! every JSON body names a schema; and each JSON route's real answer fits its schema.
//!
//! After changing a wire type, regenerate the components and review the diff:
//! `UPDATE_OPENAPI=1 cargo test --test api openapi` rewrites the derived schemas in
//! `src/web/api/openapi.json` (keeping everything else, in its order), then run
//! the tests again without it.

mod answers;
mod ordered;

use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use ordered::Json;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The API paths the code routes: every `.route("…"` literal under src/web/api.
fn routed_paths() -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("src/web/api").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let source = std::fs::read_to_string(&path).expect("source");
                for piece in source.split(".route(\"").skip(1) {
                    out.insert(piece.split('"').next().expect("literal").to_owned());
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/api"), &mut out);
    out
}

fn concrete(path: &str) -> String {
    path.replace("{course_id}", "1")
        .replace("{reading_id}", "1")
        .replace("{annotation_id}", "00000000-0000-4000-8000-000000000000")
}

#[tokio::test]
async fn the_openapi_document_describes_exactly_the_routes_the_api_has() {
    let app = TestApp::new().await;
    let request = Request::get("/api/openapi.json").header(header::HOST, "counterpoint.test").body(Body::empty());
    let response = app.send(request.expect("request")).await;
    assert_eq!(response.status, StatusCode::OK);
    let doc: Value = response.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    let documented: BTreeSet<String> = paths.keys().cloned().collect();
    assert_eq!(documented, routed_paths(), "documented paths (left) and routed paths (right) differ");
    let methods = [Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH, Method::OPTIONS];
    for (path, item) in paths {
        for method in &methods {
            let request = Request::builder()
                .method(method.clone())
                .uri(format!("/api{}", concrete(path)))
                .header(header::HOST, "counterpoint.test")
                .body(Body::empty())
                .expect("request");
            let routed = app.send(request).await.status != StatusCode::METHOD_NOT_ALLOWED;
            let described = item.get(method.as_str().to_ascii_lowercase()).is_some();
            assert_eq!(routed, described, "{method} {path}: routed {routed}, described {described}");
        }
    }
}

/// Components documented by hand: the W3C Web Annotation shapes (JSON-LD built by
/// `formats::w3c`, held to the W3C's own schemas by `w3c_schemas.rs`), the error
/// body, and this document itself. Every other component is derived.
const HAND_KEPT: [&str; 6] =
    ["Error", "Annotation", "AnnotationPage", "AnnotationCollection", "ImportInput", "OpenApiDocument"];

fn openapi_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web/api/openapi.json")
}

/// The document as written (2-space JSON, keys in the order they were written).
fn pretty(doc: &Json) -> String {
    serde_json::to_string_pretty(doc).expect("JSON") + "\n"
}

#[test]
fn the_documented_schemas_are_the_ones_derived_from_the_wire_types() {
    let text = std::fs::read_to_string(openapi_path()).expect("openapi.json");
    let mut doc: Json = serde_json::from_str(&text).expect("openapi.json is JSON");
    let update = std::env::var_os("UPDATE_OPENAPI").is_some();
    assert!(
        update || text == pretty(&doc),
        "openapi.json is not formatted as 2-space JSON (UPDATE_OPENAPI=1 rewrites it)"
    );
    let derived = counterpoint::web::api_schemas();
    for name in HAND_KEPT {
        assert!(!derived.contains_key(name), "{name} is derived now: take it off HAND_KEPT");
    }
    let Some(Json::Object(documented)) = doc.get_mut("components").and_then(|c| c.get_mut("schemas")) else {
        panic!("openapi.json has no components.schemas");
    };
    let mut differences = Vec::new();
    let mut rewritten = Vec::new();
    for (name, schema) in documented.iter() {
        match derived.get(name) {
            _ if HAND_KEPT.contains(&name.as_str()) => rewritten.push((name.clone(), schema.clone())),
            Some(wanted) if *wanted == schema.to_value() => rewritten.push((name.clone(), schema.clone())),
            Some(wanted) => {
                differences.push(format!("{name}: documented {}\n  derived {wanted}", schema.to_value()));
                rewritten.push((name.clone(), Json::from_value(wanted)));
            }
            None => differences.push(format!("{name}: documented, but no wire type derives it")),
        }
    }
    for (name, wanted) in &derived {
        if !documented.iter().any(|(n, _)| n == name) {
            differences.push(format!("{name}: derived, but not documented"));
            rewritten.push((name.clone(), Json::from_value(wanted)));
        }
    }
    if update {
        *documented = rewritten;
        std::fs::write(openapi_path(), pretty(&doc)).expect("write openapi.json");
        eprintln!("rewrote {} component(s) of openapi.json: {differences:#?}", differences.len());
        return;
    }
    assert!(
        differences.is_empty(),
        "openapi.json's schemas differ from the wire types' (UPDATE_OPENAPI=1 cargo test --test api openapi \
         rewrites them):\n{}",
        differences.join("\n")
    );
}

/// Whether a media type carries JSON (`application/json`, `application/ld+json; profile=…`).
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Every `$ref` string in `value`, with where it was found.
fn refs<'a>(value: &'a Value, at: &str, out: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match (key.as_str(), item) {
                    ("$ref", Value::String(target)) => out.push((at.to_owned(), target)),
                    _ => refs(item, &format!("{at}/{key}"), out),
                }
            }
        }
        Value::Array(items) => items.iter().enumerate().for_each(|(i, item)| refs(item, &format!("{at}/{i}"), out)),
        _ => {}
    }
}

#[test]
fn every_json_body_the_document_describes_names_a_component() {
    let doc: Value = serde_json::from_str(counterpoint_openapi()).expect("JSON");
    let mut found = Vec::new();
    refs(&doc, "", &mut found);
    for (at, target) in &found {
        let pointer = target.strip_prefix('#').unwrap_or_else(|| panic!("{at}: {target} is not local"));
        assert!(doc.pointer(pointer).is_some(), "{at}: {target} names nothing");
    }
    let mut bodies = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let request = operation.get("requestBody").map(|body| ("request", body));
            let successes = operation["responses"]
                .as_object()
                .expect("responses")
                .iter()
                .filter(|(status, _)| status.starts_with('2'))
                .map(|(_, response)| ("response", response));
            for (what, body) in request.into_iter().chain(successes) {
                for (media_type, content) in body["content"].as_object().into_iter().flatten() {
                    if is_json(media_type) {
                        bodies += 1;
                        let target = content["schema"]["$ref"].as_str().unwrap_or_default();
                        assert!(
                            target.starts_with("#/components/schemas/"),
                            "{method} {path}: its {what} body ({media_type}) should name a component, not {}",
                            content["schema"]
                        );
                    }
                }
            }
        }
    }
    assert!(bodies > 50, "only {bodies} JSON bodies found");
}

/// The document as the server embeds it.
fn counterpoint_openapi() -> &'static str {
    include_str!("../../src/web/api/openapi.json")
}
