//! `POST /api/courses/{id}/copy`: the course for another term (instructors).

use crate::db::course_copy::DueDates;
use crate::error::Result;
use crate::web::forms::Json;
use crate::web::{AppState, CourseAccess, Instructor};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new().route("/courses/{course_id}/copy", post(copy_course))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    title: String,
    /// Days to move every due and opening date by (default 0).
    #[serde(default)]
    shift_days: i64,
    /// Drop the due dates instead (default false).
    #[serde(default)]
    clear_due_dates: bool,
    /// Copy the instructors' own annotations too (default false).
    #[serde(default)]
    instructors_annotations: bool,
}

/// 201 `{id, title, join_code}`.
async fn copy_course(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Json(body): Json<Body>,
) -> Result<(StatusCode, Json<Value>)> {
    crate::web::effects::charge_copy(&state, &access).await?;
    let due = if body.clear_due_dates { DueDates::Clear } else { DueDates::Shift(body.shift_days) };
    let course = crate::courses::copy_course(
        &state.db,
        access.viewer,
        access.course_id,
        &body.title,
        due,
        body.instructors_annotations,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": course.id, "title": course.title, "join_code": course.join_code}))))
}
