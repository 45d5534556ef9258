//! The OpenAPI description stays in step with the router: every documented
//! path and method is routed, every routed one is documented.

use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

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
