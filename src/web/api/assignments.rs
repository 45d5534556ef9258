//! A reading's assignment: its due date, opening date and late policy
//! (instructors set them; every member may read them).

use crate::assignments::{self, AssignmentView};
use crate::error::Result;
use crate::web::forms::Json;
use crate::web::{AppState, Instructor, ReadingAccess};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use schemars::JsonSchema;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/readings/{reading_id}/assignment", get(show).put(set).delete(clear))
}

/// A reading's due date, opening date and late policy.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SetAssignment")]
pub(super) struct Body {
    /// RFC 3339, years 2000 to 2200.
    #[schemars(extend("format" = "date-time"))]
    due_at: String,
    /// Before `due_at`.
    #[serde(default)]
    #[schemars(extend("format" = "date-time"))]
    opens_at: Option<String>,
    /// What happens to late work (default `mark`).
    #[serde(default)]
    #[schemars(extend("enum" = ["count", "mark", "exclude", null]))]
    late_policy: Option<String>,
}

/// `GET`: the assignment (`due_at` null when the reading has no due date).
async fn show(State(state): State<AppState>, access: ReadingAccess) -> Result<Json<AssignmentView>> {
    Ok(Json(assignments::view(&state.db, access.reading_id, access.course_id).await?))
}

/// `PUT` `{due_at, opens_at?, late_policy?}` (instructors): RFC 3339 times; the policy defaults to `mark`.
async fn set(
    State(state): State<AppState>,
    Instructor(access): Instructor<ReadingAccess>,
    Json(body): Json<Body>,
) -> Result<Json<AssignmentView>> {
    let policy = body.late_policy.as_deref().unwrap_or("mark");
    let assignment = crate::domain::Assignment::parse(&body.due_at, body.opens_at.as_deref(), policy)?;
    assignments::set(&state.db, access.viewer, access.reading_id, &assignment).await?;
    Ok(Json(assignments::view(&state.db, access.reading_id, access.course_id).await?))
}

/// `DELETE` (instructors): no due date any more, so nothing is late.
async fn clear(State(state): State<AppState>, Instructor(access): Instructor<ReadingAccess>) -> Result<StatusCode> {
    assignments::clear(&state.db, access.viewer, access.reading_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
