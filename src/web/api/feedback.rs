//! `POST /api/annotations/{uuid}/feedback` `{text, exemplary?}`: an instructor's
//! feedback on an annotation they can see, shown to its author.

use crate::error::Result;
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

async fn create_feedback(
    State(state): State<AppState>,
    access: AnnotationAccess,
    Json(body): Json<NewFeedback>,
) -> Result<(StatusCode, Json<FeedbackBody>)> {
    let given =
        crate::feedback::leave_feedback(&state.services(), (access.id, access.viewer), &body.text, body.exemplary)
            .await?;
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
