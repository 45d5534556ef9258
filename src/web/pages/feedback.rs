//! "My feedback": the signed-in user's annotations that instructors gave feedback on.

use super::{Layout, render};
use crate::db::feedback::{self, Feedback, FeedbackOnMine};
use crate::error::Result;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new().route("/feedback", get(show_feedback))
}

#[derive(Template)]
#[template(path = "feedback.html")]
struct FeedbackPage {
    layout: Layout,
    items: Vec<Item>,
}

/// One of my annotations, and the feedback on it, oldest first.
struct Item {
    annotation_id: Uuid,
    reading_id: i64,
    reading_title: String,
    kind: String,
    quote: String,
    comment: String,
    exemplary: bool,
    feedback: Vec<Feedback>,
}

async fn show_feedback(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let mut items: Vec<Item> = Vec::new();
    // Newest feedback first: an annotation's place is where its newest feedback puts it.
    for mine in feedback::list_for_author(&state.db, user.user.id).await? {
        let FeedbackOnMine { feedback, reading_id, reading_title, kind, exact, comment } = mine;
        match items.iter_mut().find(|i| i.annotation_id == feedback.annotation_id) {
            Some(item) => {
                item.exemplary |= feedback.exemplary;
                item.feedback.insert(0, feedback);
            }
            None => items.push(Item {
                annotation_id: feedback.annotation_id,
                reading_id,
                reading_title,
                kind,
                quote: exact,
                comment,
                exemplary: feedback.exemplary,
                feedback: vec![feedback],
            }),
        }
    }
    let page = FeedbackPage { layout: Layout::for_user(Some(&user)), items };
    Ok(render(&page)?.into_response())
}
