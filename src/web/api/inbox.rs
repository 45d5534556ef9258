//! `GET /api/inbox` and `POST /api/inbox/read`: what answered the caller's work.

use crate::error::{Error, Result};
use crate::inbox::{self, MAX_READ_IDS};
use crate::web::api::wire::account::Unread;
use crate::web::forms::Json;
use crate::web::{AppState, CurrentUser};
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/inbox", get(show_inbox)).route("/inbox/read", post(mark_read))
}

/// `{unread, items: [{id, type, annotation, reading, by: {name}, text, at, read, url}]}`, newest first.
async fn show_inbox(State(state): State<AppState>, user: CurrentUser) -> Result<Json<inbox::Listing>> {
    Ok(Json(inbox::listing(&state.db, user.user.id).await?))
}

/// Which items to mark read: `ids`, or `all`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MarkRead")]
pub(super) struct Read {
    #[schemars(length(max = 1000))]
    ids: Option<Vec<i64>>,
    #[serde(default)]
    all: bool,
}

/// `{ids: [...]}` or `{all: true}`: marks those items read; `{unread}` after.
async fn mark_read(State(state): State<AppState>, user: CurrentUser, Json(body): Json<Read>) -> Result<Json<Unread>> {
    let ids = match (body.ids, body.all) {
        (None, true) => None,
        (Some(ids), false) if ids.len() <= MAX_READ_IDS => Some(ids),
        (Some(_), false) => return Err(Error::invalid("ids", format!("at most {MAX_READ_IDS} ids at once"))),
        _ => return Err(Error::invalid("ids", "send either ids: [...] or all: true")),
    };
    crate::db::inbox::mark_read(&state.db, user.user.id, ids.as_deref()).await?;
    state.inbox.notify(user.user.id);
    Ok(Json(Unread { unread: crate::db::inbox::unread(&state.db, user.user.id).await? }))
}
