//! Reading use cases shared by the pages and the API: adding a reading to a
//! course, from a text format (Markdown, plain text, HTML) or from a PDF.
//! Replacing a reading's text is `reading_edits`.

use crate::db::originals::{self, NewOriginal};
use crate::db::readings;
use crate::domain::{Title, Viewer, check_length};
use crate::error::{Error, Result};
use crate::pdf;
use crate::reading_edits::NewText;
use crate::services::Services;
use crate::text::import;

/// A PDF to add as a reading: an empty `title` takes the file's.
#[derive(Debug, Clone)]
pub struct NewPdf<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub bytes: &'a [u8],
    pub file_name: &'a str,
}

/// Imports a reading into the course as `viewer`, who must teach it; the new reading's id.
pub async fn add_reading(
    services: &Services<'_>,
    (course_id, viewer): (i64, Viewer),
    new: &NewText<'_>,
) -> Result<i64> {
    check_room(services, (course_id, viewer), new.author).await?;
    let title = Title::parse(new.title)?;
    let author = new.author.trim();
    // Off the async runtime: a large source takes a while to parse (some HTML
    // shapes superlinearly), and other requests must not wait behind it.
    let (format, owned) = (new.format, new.source.to_owned());
    let doc = services.offload.run(move || import::import(format, &owned)).await??;
    Ok(readings::insert_reading(services.db, course_id, &title, author, new.format, new.source, &doc).await?)
}

/// Reads the PDF (off the async workers, within the PDF limits) and stores the
/// reading with the original file. An empty title takes the file's metadata
/// title, else its first heading, else the file's name.
pub async fn add_pdf_reading(
    services: &Services<'_>,
    (course_id, viewer): (i64, Viewer),
    new: &NewPdf<'_>,
) -> Result<i64> {
    check_room(services, (course_id, viewer), new.author).await?;
    if !new.title.trim().is_empty() {
        Title::parse(new.title)?;
    }
    let limits = services.quotas.pdf_limits();
    let owned = new.bytes.to_vec();
    let read = services.offload.run(move || pdf::read(&owned, limits)).await??;
    let title = pdf::title_for(new.title, read.title.as_deref(), new.file_name);
    let original = NewOriginal {
        sha256: &read.sha256,
        media_type: pdf::MEDIA_TYPE,
        file_name: new.file_name.trim(),
        bytes: new.bytes,
    };
    let id =
        originals::insert_reading_with_original(services.db, course_id, &title, new.author.trim(), &read.doc, original)
            .await?;
    Ok(id)
}

/// Checks that `viewer` may add a reading to the course: an instructor, an
/// author of sane length, and room in the course.
async fn check_room(services: &Services<'_>, (course_id, viewer): (i64, Viewer), author: &str) -> Result<()> {
    if !viewer.is_instructor() {
        return Err(Error::Forbidden("only instructors can add readings"));
    }
    check_length("author", author.trim(), 200)?;
    let max = services.quotas.max_readings_per_course;
    if readings::count_for_course(services.db, course_id).await? >= max {
        let message =
            format!("This course already has {max} readings, the most it may hold; delete one to add another.");
        return Err(Error::invalid("source", message));
    }
    Ok(())
}
