//! CORS on the JSON API and the JSON-LD context, so other annotation tools may
//! read (and, with a token, write) from another origin. Credentials are never
//! allowed: a cross-origin request carries a Bearer token, not the session cookie.
//!
//! Written here rather than with tower-http's `CorsLayer`: that layer answers every
//! `OPTIONS` request as a preflight, which would swallow the Web Annotation
//! Protocol's own `OPTIONS` (its `Allow` and `Accept-Post` headers). A preflight
//! here is an `OPTIONS` with `Access-Control-Request-Method`, as the Fetch
//! standard defines it; everything else reaches the routes.

use axum::extract::Request;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const METHODS: &str = "GET, HEAD, OPTIONS, POST, PUT, DELETE";
const ALLOWED_HEADERS: &str = "Authorization, Content-Type, Accept, Prefer, If-Match, If-None-Match";
const EXPOSED_HEADERS: &str = "ETag, Allow, Vary, Link, Content-Type, Location, Content-Location, Accept-Post";

fn is_shared(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path.starts_with("/ns/")
}

/// Answers preflights on shared paths and adds the CORS headers to their responses.
pub async fn cors(request: Request, next: Next) -> Response {
    if !is_shared(request.uri().path()) || !request.headers().contains_key(ORIGIN) {
        return next.run(request).await;
    }
    let preflight =
        request.method() == Method::OPTIONS && request.headers().contains_key(ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight { StatusCode::NO_CONTENT.into_response() } else { next.run(request).await };
    add_headers(response.headers_mut(), preflight);
    response
}

fn add_headers(headers: &mut HeaderMap, preflight: bool) {
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED_HEADERS));
    if preflight {
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(METHODS));
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    }
}
