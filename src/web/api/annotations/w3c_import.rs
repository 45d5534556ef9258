//! `POST /api/readings/{id}/import` (instructors): W3C annotation import
//! (`crate::annotation_import`; not a reading's import, which is
//! `POST /api/courses/{id}/readings`). W3C annotations in, a report out; 422
//! with the refusals when any item is refused, and then nothing is stored.

use super::RequestIris;
use crate::annotation_import::{ImportBudget, import_annotations as import};
use crate::error::Result;
use crate::web::api::wire::annotations::ImportAnswer;
use crate::web::forms::Json;
use crate::web::{AppState, Instructor, ReadingAccess};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

pub async fn import_annotations(
    State(state): State<AppState>,
    Instructor(access): Instructor<ReadingAccess>,
    RequestIris(iris): RequestIris,
    Json(body): Json<Value>,
) -> Result<Response> {
    let quotas = &state.config.quotas;
    let budget = ImportBudget {
        max_passage: quotas.max_passage,
        max_import_chars: quotas.max_import_chars,
        offload: state.offload.clone(),
    };
    let report = import(&state.db, access.reading_id, access.viewer, body, &iris, &budget).await?;
    let status = if report.refused.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    if report.refused.is_empty() {
        // Many annotations at once: open pages redraw whole rather than one by one.
        state.events.publish(crate::web::events::Event::resync(access.reading_id));
    }
    let error = report.refused.first().map(|r| format!("item {}: {}; nothing was imported", r.index, r.reason));
    Ok((status, axum::Json(ImportAnswer { report, error })).into_response())
}
