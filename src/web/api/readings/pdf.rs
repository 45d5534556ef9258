//! Adding a reading from a PDF: the one use case behind the API's
//! `format: "pdf"` and the course page's upload of a `.pdf`.

use super::check_room;
use crate::db::originals::{self, NewOriginal};
use crate::domain::Title;
use crate::error::Result;
use crate::pdf;
use crate::web::{AppState, CourseAccess};

/// Reads `bytes` as a PDF (off the async workers, within the PDF limits) and
/// stores the reading with the original file. An empty `title` takes the
/// file's metadata title, else its first heading, else the file's name.
pub async fn add_pdf_reading(
    state: &AppState,
    access: &CourseAccess,
    title: &str,
    author: &str,
    bytes: &[u8],
    file_name: &str,
) -> Result<i64> {
    check_room(state, access, author).await?;
    if !title.trim().is_empty() {
        Title::parse(title)?;
    }
    let limits = state.config.quotas.pdf_limits();
    let owned = bytes.to_vec();
    let read = state.offload.run(move || pdf::read(&owned, limits)).await??;
    let title = pdf::title_for(title, read.title.as_deref(), file_name);
    let original =
        NewOriginal { sha256: &read.sha256, media_type: pdf::MEDIA_TYPE, file_name: file_name.trim(), bytes };
    let id = originals::insert_reading_with_original(
        &state.db,
        access.course_id,
        &title,
        author.trim(),
        &read.doc,
        original,
    )
    .await?;
    Ok(id)
}
