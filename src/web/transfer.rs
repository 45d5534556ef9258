//! What answers cost on the wire. HTML and JSON are compressed (brotli or gzip,
//! as the browser's `Accept-Encoding` asks), and answers that depend only on a
//! reading's revision and on who asks carry a revision-based `ETag`, so that a
//! browser holding the same answer gets `304 Not Modified` and no body.
//!
//! tower-http's `CompressionLayer` with its default predicate: it leaves alone
//! what is already encoded (the static files, compressed at build time, see
//! `assets`), images, answers under 32 bytes, and Server-Sent Events, which it
//! would otherwise hold back until a compressor's buffer fills.

use axum::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// Brotli's default (11) is meant for files compressed once; 4 is the usual
/// choice for answers drawn per request: a 1.4 MB page takes milliseconds, not a second.
const QUALITY: i32 = 4;

/// The layer that compresses HTML and JSON answers.
#[must_use]
pub fn compression() -> CompressionLayer {
    CompressionLayer::new().quality(CompressionLevel::Precise(QUALITY))
}

/// A weak ETag for what `revision` shows, given everything else the answer
/// depends on (`varies`: the viewer, their session's CSRF token, the request's
/// options). Weak, as the same answer is sent compressed or not. Each process
/// tags differently, since a new build may draw the same revision differently.
#[must_use]
pub fn revision_tag(revision: i64, varies: &[&[u8]]) -> String {
    static STARTED: OnceLock<u128> = OnceLock::new();
    let started = STARTED
        .get_or_init(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    let mut digest = Sha256::new();
    digest.update(started.to_le_bytes());
    for part in varies {
        // Length-prefixed, so that parts cannot run into each other.
        digest.update((part.len() as u64).to_le_bytes());
        digest.update(part);
    }
    let hex: String = digest.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("W/\"r{revision}-{hex}\"")
}

/// Whether the browser already holds the answer tagged `etag` (`If-None-Match`, weak comparison).
#[must_use]
pub fn is_fresh(headers: &HeaderMap, etag: &str) -> bool {
    let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == "*" || bare(tag) == bare(etag))
}

/// `304 Not Modified` for an answer tagged `etag`.
#[must_use]
pub fn not_modified(etag: &str) -> Response {
    tagged(StatusCode::NOT_MODIFIED.into_response(), etag)
}

/// `response` with its `ETag`, kept by the browser (never by a shared cache) and revalidated on each use.
#[must_use]
pub fn tagged(mut response: Response, etag: &str) -> Response {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(ETAG, value);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_changes_with_the_revision_and_with_each_part_and_matches_weakly() {
        let tag = revision_tag(3, &[b"ana", b"token"]);
        assert_ne!(tag, revision_tag(4, &[b"ana", b"token"]));
        assert_ne!(tag, revision_tag(3, &[b"ana", b"other"]));
        assert_ne!(tag, revision_tag(3, &[b"anat", b"oken"]), "parts do not run into each other");
        let mut headers = HeaderMap::new();
        headers.insert(IF_NONE_MATCH, HeaderValue::from_str(&format!("\"x\", {}", &tag[2..])).expect("header"));
        assert!(is_fresh(&headers, &tag));
        assert!(!is_fresh(&HeaderMap::new(), &tag));
    }
}
