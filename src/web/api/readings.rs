//! Readings: add (instructors), get, replace the text (instructors) and list its versions.

use crate::db::{readings, versions};
use crate::domain::{Title, check_length};
use crate::error::{Error, Result};
use crate::reading_edits::{self, NewText};
use crate::text::import::{self, SourceFormat};
use crate::web::events::Event;
use crate::web::forms::Json;
use crate::web::{AppState, CourseAccess, ReadingAccess};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{course_id}/readings", post(create_reading))
        .route("/readings/{reading_id}", get(show_reading).put(replace_reading))
        .route("/readings/{reading_id}/versions", get(list_versions))
}

#[derive(Deserialize)]
struct NewReading {
    title: String,
    #[serde(default)]
    author: String,
    format: SourceFormat,
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
    access.require_instructor("only instructors can add readings")?;
    let title = Title::parse(title)?;
    let author = author.trim();
    check_length("author", author, 200)?;
    let max = state.config.quotas.max_readings_per_course;
    if readings::count_for_course(&state.db, access.course_id).await? >= max {
        let message =
            format!("This course already has {max} readings, the most it may hold; delete one to add another.");
        return Err(Error::invalid("source", message));
    }
    // Off the async runtime: a large source takes a while to parse (some HTML
    // shapes superlinearly), and other requests must not wait behind it.
    let owned = source.to_owned();
    let doc = state.offload.run(move || import::import(format, &owned)).await??;
    Ok(readings::insert_reading(&state.db, access.course_id, &title, author, format, source, &doc).await?)
}

async fn create_reading(
    State(state): State<AppState>,
    access: CourseAccess,
    Json(body): Json<NewReading>,
) -> Result<(StatusCode, Json<Value>)> {
    let id = add_reading(&state, &access, &body.title, &body.author, body.format, &body.source).await?;
    let reading = readings::find_reading(&state.db, id).await?.ok_or(Error::NotFound)?;
    Ok((StatusCode::CREATED, Json(reading_json(&reading))))
}

async fn show_reading(State(state): State<AppState>, access: ReadingAccess) -> Result<Json<Value>> {
    let reading = readings::find_reading(&state.db, access.reading_id).await?.ok_or(Error::NotFound)?;
    Ok(Json(reading_json(&reading)))
}

fn reading_json(reading: &readings::Reading) -> Value {
    json!({
        "id": reading.id,
        "course_id": reading.course_id,
        "title": reading.title,
        "author": reading.author,
        "text": reading.doc.text,
        "blocks": reading.doc.blocks,
    })
}

/// `PUT /api/readings/{id}`: replaces the reading's text; every annotation is
/// re-anchored in the new one or becomes an orphan. 200 with the report.
async fn replace_reading(
    State(state): State<AppState>,
    access: ReadingAccess,
    Json(body): Json<NewReading>,
) -> Result<Json<Value>> {
    if !access.viewer.is_instructor() {
        return Err(Error::Forbidden("only instructors can change a reading's text"));
    }
    let new = NewText { title: &body.title, author: &body.author, format: body.format, source: &body.source };
    let (version, report) =
        reading_edits::save(&state.db, &state.offload, (access.reading_id, access.viewer.user_id), &new).await?;
    text_replaced(&state, access.reading_id);
    Ok(Json(json!({
        "id": access.reading_id,
        "version": version,
        "kept": report.kept,
        "moved": report.moved,
        "edited": report.edited,
        "orphaned": report.orphaned,
    })))
}

/// What a new text makes stale: the copies kept in memory, and every open page
/// of the reading, which is told to draw itself again (`resync`).
pub fn text_replaced(state: &AppState, reading_id: i64) {
    state.snapshots.forget(reading_id);
    state.reviews.forget_reading(reading_id);
    state.events.publish(Event::resync(reading_id));
}

/// `GET /api/readings/{id}/versions`: the text's versions, newest first (instructors).
async fn list_versions(State(state): State<AppState>, access: ReadingAccess) -> Result<Json<Value>> {
    if !access.viewer.is_instructor() {
        return Err(Error::Forbidden("only instructors can see a reading's versions"));
    }
    let versions = versions::list_versions(&state.db, access.reading_id).await?;
    Ok(Json(json!({ "id": access.reading_id, "versions": versions })))
}
