//! Readings: add (instructors), get, replace the text (instructors) and list its versions.

use crate::db::{readings, versions};
use crate::domain::{Title, check_length};
use crate::error::{Error, Result};
use crate::reading_edits::{self, NewText};
use crate::text::import::{self, SourceFormat};
use crate::web::api::wire::readings::{Reading, ReadingVersions, TextReplaced};
use crate::web::events::Event;
use crate::web::forms::Json;
use crate::web::{AppState, CourseAccess, MAX_BODY_BYTES, ReadingAccess};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;

mod pdf;
pub use pdf::add_pdf_reading;

pub fn router() -> Router<AppState> {
    Router::new()
        // The body is read by the handler, bounded by the PDF limit (a PDF comes in base64).
        .route("/courses/{course_id}/readings", post(create_reading).layer(DefaultBodyLimit::disable()))
        .route("/readings/{reading_id}", get(show_reading).put(replace_reading))
        .route("/readings/{reading_id}/versions", get(list_versions))
}

/// The formats a reading may be sent in: the text formats, or a PDF's bytes in base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "ReadingFormat")]
enum Format {
    Markdown,
    Text,
    Html,
    Pdf,
}

/// A reading to add: its source in one of the formats (a PDF's bytes in base64).
#[derive(Deserialize, JsonSchema)]
pub(super) struct NewReading {
    /// Required for the text formats; for a PDF, empty or absent takes the file's metadata title, else its first heading.
    #[serde(default)]
    title: String,
    #[serde(default)]
    author: String,
    format: Format,
    source: String,
}

/// Imports a reading into the course; the caller must teach it.
pub async fn add_reading(
    state: &AppState,
    access: &CourseAccess,
    title: &str,
    author: &str,
    format: SourceFormat,
    source: &str,
) -> Result<i64> {
    check_room(state, access, author).await?;
    let title = Title::parse(title)?;
    let author = author.trim();
    // Off the async runtime: a large source takes a while to parse (some HTML
    // shapes superlinearly), and other requests must not wait behind it.
    let owned = source.to_owned();
    let doc = state.offload.run(move || import::import(format, &owned)).await??;
    Ok(readings::insert_reading(&state.db, access.course_id, &title, author, format, source, &doc).await?)
}

/// Checks that the caller may add a reading to the course: an instructor, an
/// author of sane length, and room in the course.
pub(super) async fn check_room(state: &AppState, access: &CourseAccess, author: &str) -> Result<()> {
    access.require_instructor("only instructors can add readings")?;
    check_length("author", author.trim(), 200)?;
    let max = state.config.quotas.max_readings_per_course;
    if readings::count_for_course(&state.db, access.course_id).await? >= max {
        let message =
            format!("This course already has {max} readings, the most it may hold; delete one to add another.");
        return Err(Error::invalid("source", message));
    }
    Ok(())
}

/// The largest body this route takes: a PDF at its limit in base64, with room for the JSON around it.
fn body_limit(state: &AppState) -> usize {
    MAX_BODY_BYTES.max(state.config.quotas.max_pdf_bytes.saturating_mul(4) / 3 + 64 * 1024)
}

async fn create_reading(
    State(state): State<AppState>,
    access: CourseAccess,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<Reading>)> {
    // Who may add comes first: a stranger's large body is not read at all.
    access.require_instructor("only instructors can add readings")?;
    let Json(body) = json_body::<NewReading>(request, body_limit(&state)).await?;
    let text_format = match body.format {
        Format::Markdown => Some(SourceFormat::Markdown),
        Format::Text => Some(SourceFormat::Text),
        Format::Html => Some(SourceFormat::Html),
        Format::Pdf => None,
    };
    let id = match text_format {
        Some(format) => add_reading(&state, &access, &body.title, &body.author, format, &body.source).await?,
        None => {
            let bytes = decode_base64(&body.source)?;
            add_pdf_reading(&state, &access, &body.title, &body.author, &bytes, "").await?
        }
    };
    let reading = readings::find_reading(&state.db, id).await?.ok_or(Error::NotFound)?;
    Ok((StatusCode::CREATED, Json(reading_json(reading))))
}

async fn show_reading(State(state): State<AppState>, access: ReadingAccess) -> Result<Json<Reading>> {
    let reading = readings::find_reading(&state.db, access.reading_id).await?.ok_or(Error::NotFound)?;
    Ok(Json(reading_json(reading)))
}

fn reading_json(reading: readings::Reading) -> Reading {
    let readings::Reading { id, course_id, title, author, doc } = reading;
    Reading { id, course_id, title, author, text: doc.text, blocks: doc.blocks }
}

/// The body of `PUT /api/readings/{id}`: a new text in one of the text formats.
#[derive(Deserialize, JsonSchema)]
pub(super) struct ReplacedText {
    title: String,
    #[serde(default)]
    author: String,
    format: SourceFormat,
    source: String,
}

/// `PUT /api/readings/{id}`: replaces the reading's text; every annotation is
/// re-anchored in the new one or becomes an orphan. 200 with the report.
async fn replace_reading(
    State(state): State<AppState>,
    access: ReadingAccess,
    Json(body): Json<ReplacedText>,
) -> Result<Json<TextReplaced>> {
    if !access.viewer.is_instructor() {
        return Err(Error::Forbidden("only instructors can change a reading's text"));
    }
    let new = NewText { title: &body.title, author: &body.author, format: body.format, source: &body.source };
    let (version, report) =
        reading_edits::save(&state.db, &state.offload, (access.reading_id, access.viewer.user_id), &new).await?;
    text_replaced(&state, access.reading_id);
    let reading_edits::Report { kept, moved, edited, orphaned } = report;
    Ok(Json(TextReplaced { id: access.reading_id, version, kept, moved, edited, orphaned }))
}

/// What a new text makes stale: the copies kept in memory, and every open page
/// of the reading, which is told to draw itself again (`resync`).
pub fn text_replaced(state: &AppState, reading_id: i64) {
    state.snapshots.forget(reading_id);
    state.reviews.forget_reading(reading_id);
    state.events.publish(Event::resync(reading_id));
}

/// `GET /api/readings/{id}/versions`: the text's versions, newest first (instructors).
async fn list_versions(State(state): State<AppState>, access: ReadingAccess) -> Result<Json<ReadingVersions>> {
    if !access.viewer.is_instructor() {
        return Err(Error::Forbidden("only instructors can see a reading's versions"));
    }
    let versions = versions::list_versions(&state.db, access.reading_id).await?;
    Ok(Json(ReadingVersions { id: access.reading_id, versions }))
}

/// Reads a JSON body of at most `limit` bytes (413 beyond it).
async fn json_body<T: serde::de::DeserializeOwned>(request: axum::extract::Request, limit: usize) -> Result<Json<T>> {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Error::TooLarge(format!("the request body is larger than {limit} bytes")))?;
    let request = axum::extract::Request::from_parts(parts, Body::from(bytes));
    <Json<T> as axum::extract::FromRequest<()>>::from_request(request, &()).await
}

/// A PDF's bytes from the `source` field (standard base64, padding optional, white space ignored).
fn decode_base64(source: &str) -> Result<Vec<u8>> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let compact: String = source.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    LENIENT
        .decode(compact.as_bytes())
        .map_err(|_| Error::invalid("source", "for format \"pdf\", source must hold the PDF's bytes in base64"))
}
