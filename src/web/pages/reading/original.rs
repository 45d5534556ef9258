//! `/readings/{id}/original`: the file a reading was imported from (a PDF),
//! for the course's members, as an attachment named for it and tagged with its SHA-256.

use crate::db::originals;
use crate::error::{Error, Result};
use crate::web::{AppState, ReadingAccess};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, ETAG, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The original file; 404 for a reading that has none (and, through
/// [`ReadingAccess`], for anyone outside the course).
pub(super) async fn download_original(State(state): State<AppState>, access: ReadingAccess) -> Result<Response> {
    let original = originals::find_original(&state.db, access.reading_id).await?.ok_or(Error::NotFound)?;
    let name = attachment_name(&original.file_name, access.reading_id);
    let mut response = original.bytes.into_response();
    let headers = response.headers_mut();
    let media_type = HeaderValue::from_str(&original.media_type).unwrap_or(HeaderValue::from_static("application/pdf"));
    headers.insert(CONTENT_TYPE, media_type);
    if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(CONTENT_DISPOSITION, disposition);
    }
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", original.sha256)) {
        headers.insert(ETAG, etag);
    }
    headers.insert("x-content-sha256", HeaderValue::from_str(&original.sha256).unwrap_or(HeaderValue::from_static("")));
    Ok(response)
}

/// A file name safe in a header: the stored name's ASCII letters, digits and `.-_`, else `reading-ID.pdf`.
fn attachment_name(stored: &str, reading_id: i64) -> String {
    let safe: String =
        stored.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ')).take(100).collect();
    let safe = safe.trim();
    if safe.is_empty() || !safe.to_ascii_lowercase().ends_with(".pdf") {
        format!("reading-{reading_id}.pdf")
    } else {
        safe.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::attachment_name;

    #[test]
    fn attachment_names_cannot_break_the_header() {
        assert_eq!(attachment_name("report 2024.pdf", 3), "report 2024.pdf");
        assert_eq!(attachment_name("a\"; x=\r\n.pdf", 3), "a x.pdf");
        assert_eq!(attachment_name("", 7), "reading-7.pdf");
        assert_eq!(attachment_name("Déjà.txt", 7), "reading-7.pdf");
    }
}
