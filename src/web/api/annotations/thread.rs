//! `GET /api/annotations/{id}/replies`: an annotation's replies as an
//! `AnnotationPage` of W3C annotations with motivation `replying`.

use super::RequestIris;
use super::protocol::jsonld;
use crate::db::annotations;
use crate::error::{Error, Result};
use crate::export::reply_items;
use crate::formats::w3c;
use crate::web::api::wire::annotations::RepliesPage;
use crate::web::{AnnotationAccess, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

pub async fn list_replies(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
) -> Result<Response> {
    let parent = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    let items = reply_items(&state.db, &[parent.id], parent.reading_id, &iris).await?;
    let id = iris.replies(parent.id);
    let page = RepliesPage {
        context: [w3c::ANNO_CONTEXT.to_owned(), iris.context()],
        id: id.clone(),
        page_type: "AnnotationPage",
        start_index: 0,
        items,
    };
    let body = serde_json::to_value(page).map_err(anyhow::Error::from)?;
    Ok(jsonld(StatusCode::OK, &body, Some(&id)))
}
