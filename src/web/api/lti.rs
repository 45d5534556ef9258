//! The LMS services of a course launched from an LMS (instructors): roster sync
//! (Names and Roles) and grade push (Assignment and Grade Services).

use crate::db::lti::GradeReport;
use crate::db::lti::roster::RosterChanges;
use crate::error::{Error, Result};
use crate::web::forms::Json;
use crate::web::{AppState, CourseAccess, Instructor};
use axum::Router;
use axum::extract::State;
use axum::routing::post;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{course_id}/lti/roster", post(sync_roster))
        .route("/courses/{course_id}/lti/grades", post(send_grades))
}

/// `POST /api/courses/{id}/lti/roster`: `{added, updated, removed, kept_out}`.
async fn sync_roster(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
) -> Result<Json<RosterChanges>> {
    let changes = crate::lti::roster::sync(&state.db, &state.lti, access.course_id, access.user.user.id).await?;
    Ok(Json(changes))
}

/// `POST /api/courses/{id}/lti/grades`: `{pushed_at, sent, failed, skipped, message}`.
async fn send_grades(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
) -> Result<Json<GradeReport>> {
    let course = crate::db::courses::find_course(&state.db, access.course_id).await?.ok_or(Error::NotFound)?;
    let report = crate::lti::grades::push_detached(&state.db, &state.lti, course.id, &course.title).await?;
    Ok(Json(report))
}
