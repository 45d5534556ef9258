//! Readings: add (instructors), get, replace the text (instructors) and list its versions.

use crate::db::{readings, versions};
use crate::error::{Error, Result};
use crate::reading_edits::{self, NewText};
use crate::readings::NewPdf;
use crate::text::import::SourceFormat;
use crate::web::api::wire::readings::{Reading, ReadingVersions, TextReplaced};
use crate::web::forms::Json;
use crate::web::{AppState, CourseAccess, Instructor, MAX_BODY_BYTES, ReadingAccess};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;

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

/// The largest body this route takes: a PDF at its limit in base64, with room for the JSON around it.
fn body_limit(state: &AppState) -> usize {
    MAX_BODY_BYTES.max(state.config.quotas.max_pdf_bytes.saturating_mul(4) / 3 + 64 * 1024)
}

async fn create_reading(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<Reading>)> {
    // Who may add was checked first, by the extractor: a stranger's large body is not read at all.
    let Json(body) = json_body::<NewReading>(request, body_limit(&state)).await?;
    let text_format = match body.format {
        Format::Markdown => Some(SourceFormat::Markdown),
        Format::Text => Some(SourceFormat::Text),
        Format::Html => Some(SourceFormat::Html),
        Format::Pdf => None,
    };
    let course = (access.course_id, access.viewer);
    let id = match text_format {
        Some(format) => {
            let new = NewText { title: &body.title, author: &body.author, format, source: &body.source };
            crate::readings::add_reading(&state.services(), course, &new).await?
        }
        None => {
            let bytes = decode_base64(&body.source)?;
            let new = NewPdf { title: &body.title, author: &body.author, bytes: &bytes, file_name: "" };
            crate::readings::add_pdf_reading(&state.services(), course, &new).await?
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
    Instructor(access): Instructor<ReadingAccess>,
    Json(body): Json<ReplacedText>,
) -> Result<Json<TextReplaced>> {
    let new = NewText { title: &body.title, author: &body.author, format: body.format, source: &body.source };
    let (version, report) =
        reading_edits::save(&state.db, &state.offload, (access.reading_id, access.viewer.user_id), &new).await?;
    crate::web::effects::text_replaced(&state, access.reading_id);
    let reading_edits::Report { kept, moved, edited, orphaned } = report;
    Ok(Json(TextReplaced { id: access.reading_id, version, kept, moved, edited, orphaned }))
}

/// `GET /api/readings/{id}/versions`: the text's versions, newest first (instructors).
async fn list_versions(
    State(state): State<AppState>,
    Instructor(access): Instructor<ReadingAccess>,
) -> Result<Json<ReadingVersions>> {
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
