//! Static files: embedded at build time (see `build.rs`), written out once at
//! start under their plain and content-hashed names with gzip and brotli
//! copies, and served by tower-http's `ServeDir`, which picks the encoding the
//! browser accepts. Hashed names are cached for a year; plain names revalidate
//! by ETag.

use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::io::Write;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The URL of a static file, by its content-hashed name when it has one.
#[must_use]
pub fn url(name: &str) -> String {
    ASSETS
        .iter()
        .find(|(plain, ..)| *plain == name)
        .map_or_else(|| format!("/static/{name}"), |(_, hashed, ..)| format!("/static/{hashed}"))
}

/// Writes every asset (plain and hashed names, `.gz` and `.br` beside each) into
/// a folder named for their combined hash, once; later starts reuse it.
pub fn prepare() -> std::io::Result<PathBuf> {
    let version: String = ASSETS.iter().map(|(.., hash, _)| &hash[..4]).collect();
    let dir = std::env::temp_dir().join(format!("counterpoint-static-{:x}", fnv(version.as_bytes())));
    let done = dir.join(".complete");
    if done.exists() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir)?;
    for (name, hashed, _, bytes) in ASSETS {
        for file in [name, hashed] {
            write_all_encodings(&dir.join(file), bytes)?;
        }
    }
    std::fs::write(done, b"")?;
    Ok(dir)
}

fn write_all_encodings(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)?;
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes)?;
    std::fs::write(with_suffix(path, "gz"), gzip.finish()?)?;
    let mut brotli = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 11, 22);
        writer.write_all(bytes)?;
    }
    std::fs::write(with_suffix(path, "br"), brotli)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Caching headers for `/static/…`: immutable for hashed names, ETag revalidation for plain ones.
pub async fn cache_headers(request: Request, next: Next) -> Response {
    let name = request.uri().path().rsplit('/').next().unwrap_or_default().to_owned();
    let found = ASSETS.iter().find(|(plain, hashed, ..)| *plain == name || *hashed == name);
    let Some((plain, _, hash, _)) = found else { return next.run(request).await };
    let etag = format!("\"{hash}\"");
    let immutable = *plain != name;
    let matches = request.headers().get(IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes());
    let mut response = if matches { StatusCode::NOT_MODIFIED.into_response() } else { next.run(request).await };
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        let cache = if immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
        headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
        if let Ok(value) = HeaderValue::from_str(&etag) {
            headers.insert(ETAG, value);
        }
    }
    response
}
