//! Static files, served from memory: embedded at build time (see `build.rs`)
//! under their plain and content-hashed names, with gzip and brotli copies made
//! there, picked by the browser's `Accept-Encoding`. Hashed names are cached for
//! a year; plain names revalidate by ETag. Nothing is read from disk, so nothing
//! planted in a shared folder can be served as the application's script.
//!
//! Written here rather than with `ServeDir`, which serves files from disk only;
//! `--static-dir` still uses it for working on the files without rebuilding.

use axum::extract::{Path, Request};
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, HeaderValue, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// One file of `static/`.
pub struct Asset {
    pub name: &'static str,
    pub hashed: &'static str,
    pub hash: &'static str,
    pub plain: &'static [u8],
    pub gzip: &'static [u8],
    pub brotli: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The URL of a static file, by its content-hashed name when it has one.
#[must_use]
pub fn url(name: &str) -> String {
    ASSETS
        .iter()
        .find(|asset| asset.name == name)
        .map_or_else(|| format!("/static/{name}"), |asset| format!("/static/{}", asset.hashed))
}

/// `GET /static/{name}`: the embedded file in the best encoding the browser accepts.
pub async fn serve(Path(name): Path<String>, request: Request) -> Response {
    let Some(asset) = ASSETS.iter().find(|asset| asset.name == name || asset.hashed == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", asset.hash);
    let headers = request.headers();
    let mut response = if headers.get(IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (encoding, body) = match preferred_encoding(headers) {
            Some("br") => (Some("br"), asset.brotli),
            Some(_) => (Some("gzip"), asset.gzip),
            None => (None, asset.plain),
        };
        let mut response = body.into_response();
        if let Some(encoding) = encoding {
            response.headers_mut().insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type(asset.name)));
        response
    };
    let immutable = asset.hashed == name;
    let headers = response.headers_mut();
    let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(ETAG, value);
    }
    response
}

/// `br` or `gzip` when the browser accepts it (brotli first), `None` for the plain bytes.
fn preferred_encoding(headers: &HeaderMap) -> Option<&'static str> {
    let accepted: Vec<&str> = headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next()?;
            let refused = parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0)));
            (!refused).then_some(coding)
        })
        .collect();
    ["br", "gzip"].into_iter().find(|coding| accepted.iter().any(|a| a.eq_ignore_ascii_case(coding)))
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_encoding_follows_what_the_browser_accepts() {
        let cases = [
            ("", None),
            ("gzip", Some("gzip")),
            ("gzip, deflate, br", Some("br")),
            ("br;q=0, gzip", Some("gzip")),
            ("identity", None),
            ("BR", Some("br")),
        ];
        for (accept, expected) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT_ENCODING, HeaderValue::from_static(accept));
            assert_eq!(preferred_encoding(&headers), expected, "{accept}");
        }
    }

    #[test]
    fn every_asset_has_compressed_copies_that_are_smaller() {
        assert!(!ASSETS.is_empty());
        for asset in ASSETS {
            assert!(asset.gzip.len() < asset.plain.len() && asset.brotli.len() < asset.plain.len(), "{}", asset.name);
        }
    }
}
