//! Cross-site request forgery checks and security headers.
//!
//! Every state-changing request made with the session cookie must carry the
//! session's CSRF token (the `X-CSRF-Token` header, or a `csrf` form field) and
//! must not come from another site. Bearer-token requests are exempt: a browser
//! never adds the `Authorization` header on its own.

use super::MAX_BODY_BYTES;
use super::auth::Auth;
use crate::credentials::constant_time_eq;
use crate::error::{Error, Result};
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::set_header::SetResponseHeaderLayer;

/// The header that carries the CSRF token on `fetch` calls.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field that carries it on plain forms.
pub const CSRF_FIELD: &str = "csrf";

/// Cross-site form posts by design: an LMS posts LTI's login initiation and
/// launch. They change nothing until the launch's own check passes: the
/// `state` bound to a cookie set at login, then the signed id_token (`lti::launch`).
const CROSS_SITE_POSTS: [&str; 2] = ["/lti/login", "/lti/launch"];

pub async fn csrf_guard(request: Request, next: Next) -> Result<Response> {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || CROSS_SITE_POSTS.contains(&request.uri().path())
    {
        return Ok(next.run(request).await);
    }
    let expected = match request.extensions().get::<Auth>() {
        Some(Auth::Token(_) | Auth::BadToken) => return Ok(next.run(request).await),
        Some(Auth::Session(session)) => Some(session.csrf_token.clone()),
        _ => None,
    };
    if is_cross_site(request.headers()) {
        return Err(Error::Forbidden("cross-site requests are refused"));
    }
    let Some(expected) = expected else {
        // Not signed in: nothing to forge (sign-in and registration forms land here).
        return Ok(next.run(request).await);
    };
    let (request, sent) = csrf_token_of(request).await?;
    if sent.is_some_and(|sent| constant_time_eq(&sent, &expected)) {
        Ok(next.run(request).await)
    } else {
        Err(Error::Forbidden("missing or wrong CSRF token; reload the page and try again"))
    }
}

/// True when the browser says the request came from another site.
fn is_cross_site(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").is_some_and(|v| v == "cross-site") {
        return true;
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else { return false };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
    origin == "null" || origin_host != host
}

/// The token a request carries: its header, its `csrf` query parameter on a
/// multipart upload, or its form field (the body is buffered and put back).
async fn csrf_token_of(request: Request) -> Result<(Request, Option<String>)> {
    if let Some(value) = request.headers().get(CSRF_HEADER) {
        let token = value.to_str().ok().map(str::to_owned);
        return Ok((request, token));
    }
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        let token = field(request.uri().query().unwrap_or_default().as_bytes());
        return Ok((request, token));
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok((request, None));
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| Error::TooLarge(format!("the form is larger than {MAX_BODY_BYTES} bytes")))?;
    let token = field(&bytes);
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

fn field(form: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(form).ok()?;
    pairs.into_iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v)
}

/// The security headers every response carries unless a handler set its own: no
/// inline script, no framing, no sniffing, no referrer beyond this site.
const HEADERS: [(&str, &str); 4] = [
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
];

type SetHeader = SetResponseHeaderLayer<HeaderValue>;
/// The four [`HEADERS`] layers, stacked.
pub type Headers = ServiceBuilder<Stack<SetHeader, Stack<SetHeader, Stack<SetHeader, Stack<SetHeader, Identity>>>>>;

/// [`HEADERS`] as tower-http layers, each added only where a handler set none.
pub fn headers() -> Headers {
    let [a, b, c, d] = HEADERS.map(|(name, value)| {
        SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
    });
    ServiceBuilder::new().layer(a).layer(b).layer(c).layer(d)
}

/// `Cache-Control: private, no-store` on every answer to a signed-in user and on
/// every API answer, unless the handler chose otherwise: a shared proxy must
/// never keep one student's page or annotations and hand them to another.
pub async fn private_answers(request: Request, next: Next) -> Response {
    let signed_in = matches!(request.extensions().get::<Auth>(), Some(Auth::Session(_) | Auth::Token(_)));
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if signed_in || api {
        response
            .headers_mut()
            .entry(axum::http::header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("private, no-store"));
    }
    response
}
