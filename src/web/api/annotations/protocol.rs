//! The HTTP side of the W3C Web Annotation Protocol: the Link, Allow, Vary,
//! Accept-Post and ETag headers, `Prefer` on containers and `If-Match` on changes.

use crate::error::{Error, Result};
use crate::formats::w3c::ANNO_MEDIA_TYPE;
use axum::http::header::{ALLOW, CONTENT_LOCATION, CONTENT_TYPE, ETAG, IF_MATCH, LINK, VARY};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

const CONTAINER_LINKS: &str = "<http://www.w3.org/ns/ldp#BasicContainer>; rel=\"type\", \
     <http://www.w3.org/TR/annotation-protocol/>; rel=\"http://www.w3.org/ns/ldp#constrainedBy\"";
const ANNOTATION_LINKS: &str =
    "<http://www.w3.org/ns/ldp#Resource>; rel=\"type\", <http://www.w3.org/ns/oa#Annotation>; rel=\"type\"";
const ACCEPT_POST: HeaderName = HeaderName::from_static("accept-post");
const PREFER: HeaderName = HeaderName::from_static("prefer");

/// Adds the container's headers to every response of a container route, errors included.
pub async fn container_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(LINK, HeaderValue::from_static(CONTAINER_LINKS));
    headers.insert(ALLOW, HeaderValue::from_static("GET, HEAD, OPTIONS, POST"));
    headers.insert(ACCEPT_POST, HeaderValue::from_static(ANNO_MEDIA_TYPE));
    headers.insert(VARY, HeaderValue::from_static("Accept, Prefer"));
    response
}

/// Adds an annotation's headers to every response of an annotation route.
pub async fn annotation_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(LINK, HeaderValue::from_static(ANNOTATION_LINKS));
    headers.insert(ALLOW, HeaderValue::from_static("GET, HEAD, OPTIONS, PUT, DELETE"));
    headers.insert(VARY, HeaderValue::from_static("Accept"));
    response
}

/// `OPTIONS` on a container or an annotation: the route's layer adds what it allows.
pub async fn options() -> StatusCode {
    StatusCode::OK
}

/// A strong ETag: a digest of the representation.
#[must_use]
pub fn etag_of(body: &Value) -> String {
    let digest = Sha256::digest(body.to_string().as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// JSON-LD with the Web Annotation profile, its ETag and, when given, its Content-Location.
pub fn jsonld(status: StatusCode, body: &Value, content_location: Option<&str>) -> Response {
    let etag = etag_of(body);
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(ANNO_MEDIA_TYPE));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(ETAG, value);
    }
    if let Some(value) = content_location.and_then(|l| HeaderValue::from_str(l).ok()) {
        headers.insert(CONTENT_LOCATION, value);
    }
    response
}

/// 412 unless `If-Match` (when sent) names the current representation's ETag or is `*`.
pub fn check_if_match(headers: &HeaderMap, current: &Value) -> Result<()> {
    let Some(sent) = headers.get(IF_MATCH) else { return Ok(()) };
    let sent = sent.to_str().map_err(|_| Error::PreconditionFailed)?;
    let etag = etag_of(current);
    if sent.split(',').map(str::trim).any(|tag| tag == "*" || tag == etag) {
        Ok(())
    } else {
        Err(Error::PreconditionFailed)
    }
}

/// What a client asked of a container with `Prefer: return=representation; include="…"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Preferences {
    /// `ldp#PreferMinimalContainer`: no annotations, only links to the pages.
    pub minimal: bool,
    /// `oa#PreferContainedIRIs`: the annotations' IRIs rather than their descriptions.
    pub iris_only: bool,
}

#[must_use]
pub fn preferences(headers: &HeaderMap) -> Preferences {
    let mut preferences = Preferences::default();
    for value in headers.get_all(PREFER).iter().filter_map(|v| v.to_str().ok()) {
        for preference in value.split(',') {
            let mut parts = preference.split(';').map(str::trim);
            if parts.next() != Some("return=representation") {
                continue;
            }
            for include in parts.filter_map(|p| p.strip_prefix("include=")) {
                for iri in include.trim_matches('"').split_whitespace() {
                    match iri {
                        "http://www.w3.org/ns/ldp#PreferMinimalContainer" => preferences.minimal = true,
                        "http://www.w3.org/ns/oa#PreferContainedIRIs" => preferences.iris_only = true,
                        _ => {}
                    }
                }
            }
        }
    }
    preferences
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header::InvalidHeaderValue;

    fn prefer(value: &'static str) -> Preferences {
        let mut headers = HeaderMap::new();
        headers.insert(PREFER, HeaderValue::from_static(value));
        preferences(&headers)
    }

    #[test]
    fn prefer_headers_are_read_as_the_protocol_writes_them() {
        let rows = [
            ("return=representation;include=\"http://www.w3.org/ns/ldp#PreferMinimalContainer\"", (true, false)),
            ("return=representation; include=\"http://www.w3.org/ns/oa#PreferContainedIRIs\"", (false, true)),
            (
                "return=representation;include=\"http://www.w3.org/ns/ldp#PreferMinimalContainer http://www.w3.org/ns/oa#PreferContainedIRIs\"",
                (true, true),
            ),
            ("return=minimal", (false, false)),
            ("return=representation;include=\"http://www.w3.org/ns/oa#PreferContainedDescriptions\"", (false, false)),
        ];
        for (value, (minimal, iris_only)) in rows {
            assert_eq!(prefer(value), Preferences { minimal, iris_only }, "{value}");
        }
    }

    #[test]
    fn if_match_accepts_the_current_etag_or_a_star_and_refuses_others() -> Result<(), InvalidHeaderValue> {
        let body = Value::Object(std::iter::once(("id".to_owned(), Value::from(1))).collect());
        let mut headers = HeaderMap::new();
        assert!(check_if_match(&headers, &body).is_ok(), "no If-Match, no check");
        for (sent, ok) in [(etag_of(&body), true), ("*".to_owned(), true), ("\"stale\"".to_owned(), false)] {
            headers.insert(IF_MATCH, HeaderValue::from_str(&sent)?);
            assert_eq!(check_if_match(&headers, &body).is_ok(), ok, "{sent}");
        }
        Ok(())
    }
}
