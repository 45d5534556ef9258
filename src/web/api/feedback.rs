//! `POST /api/annotations/{uuid}/feedback` `{text, exemplary?}`: an instructor's
//! feedback on an annotation they can see, shown to its author.

use crate::db::annotations;
use crate::db::feedback::{self, Feedback};
use crate::domain::Comment;
use crate::error::{Error, Result};
use crate::web::api::wire::annotations::{Creator, Feedback as FeedbackBody};
use crate::web::forms::Json;
use crate::web::{AnnotationAccess, AppState};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use schemars::JsonSchema;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/annotations/{annotation_id}/feedback", post(create_feedback))
}

/// An instructor's feedback: some text, or the annotation marked exemplary, or both.
#[derive(Deserialize, JsonSchema)]
pub(super) struct NewFeedback {
    #[serde(default)]
    text: String,
    #[serde(default)]
    exemplary: bool,
}

/// Stores an instructor's feedback: 404 unless they may see the annotation, 403 for students.
pub async fn leave_feedback(
    state: &AppState,
    access: &AnnotationAccess,
    text: &str,
    exemplary: bool,
) -> Result<Feedback> {
    // Visibility first: nobody learns that an annotation they cannot see exists.
    annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    if !access.viewer.is_instructor() {
        return Err(Error::Forbidden("only instructors leave feedback"));
    }
    let text = Comment::parse("text", text)?;
    if text.as_str().is_empty() && !exemplary {
        return Err(Error::invalid("text", "write some feedback, or mark the annotation exemplary"));
    }
    let given =
        feedback::insert_feedback(&state.db, access.id, access.viewer.user_id, text.as_str(), exemplary).await?;
    state.inbox.announce(&state.db).await;
    Ok(given)
}

async fn create_feedback(
    State(state): State<AppState>,
    access: AnnotationAccess,
    Json(body): Json<NewFeedback>,
) -> Result<(StatusCode, Json<FeedbackBody>)> {
    let given = leave_feedback(&state, &access, &body.text, body.exemplary).await?;
    let body = FeedbackBody {
        id: given.id,
        annotation: given.annotation_id,
        text: given.text,
        exemplary: given.exemplary,
        creator: Creator { id: given.author_id, name: given.author_name, role: Some("instructor") },
        created: crate::db::timestamp(given.created),
    };
    Ok((StatusCode::CREATED, Json(body)))
}
