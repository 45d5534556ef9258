//! `GET /api/courses/{id}/export?format=…[&reading=ID]` (instructors).

use super::annotations::RequestIris;
use crate::error::Result;
use crate::export::{ExportFormat, export_course};
use crate::web::forms::Query;
use crate::web::{AppState, CourseAccess, Instructor};
use axum::Router;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/courses/{course_id}/export", get(export))
}

#[derive(Deserialize)]
struct ExportQuery {
    format: ExportFormat,
    reading: Option<i64>,
}

async fn export(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    RequestIris(iris): RequestIris,
    Query(query): Query<ExportQuery>,
) -> Result<Response> {
    let export = export_course(&state.db, access.course_id, query.reading, query.format, &iris).await?;
    let mut response = export.body.into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(export.content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", export.file_name)) {
        headers.insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
