//! Static files: content-hashed names cached for a year, compressed once, ETags.

use crate::support::TestApp;
use axum::http::StatusCode;

async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> crate::support::TestResponse {
    let mut request = axum::http::Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(axum::body::Body::empty()).expect("request")).await
}

#[tokio::test]
async fn pages_link_hashed_assets_that_are_immutable_and_compressed() {
    let app = TestApp::new().await;
    let login = fetch(&app, "/login", &[]).await;
    let doc = login.html();
    let href = doc
        .select(&scraper::Selector::parse("link[rel=stylesheet]").expect("css"))
        .next()
        .and_then(|l| l.value().attr("href"))
        .expect("stylesheet")
        .to_owned();
    assert!(href.starts_with("/static/style.") && href.ends_with(".css") && href != "/static/style.css", "{href}");
    let css = fetch(&app, &href, &[]).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("cache-control").contains("immutable"));
    assert!(css.header("content-type").starts_with("text/css"));
    let plain = fetch(&app, "/static/style.css", &[]).await;
    assert_eq!(plain.text, css.text, "the same bytes under both names");
    assert_eq!(plain.header("cache-control"), "no-cache");
    let etag = plain.header("etag").to_owned();
    assert!(!etag.is_empty());
    let revalidated = fetch(&app, "/static/style.css", &[("if-none-match", &etag)]).await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    for (accept, encoding) in [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")] {
        let compressed = fetch(&app, &href, &[("accept-encoding", accept)]).await;
        assert_eq!(compressed.header("content-encoding"), encoding, "{accept}");
        assert!(compressed.text.len() < plain.text.len());
        assert!(compressed.header("vary").to_ascii_lowercase().contains("accept-encoding"));
    }
    assert_eq!(fetch(&app, "/static/nothing.js", &[]).await.status, StatusCode::NOT_FOUND);
}
