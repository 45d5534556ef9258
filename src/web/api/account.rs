//! The caller's own account: everything they wrote, to take along.

use super::annotations::RequestIris;
use crate::error::Result;
use crate::export::export_account;
use crate::formats::w3c::ANNO_MEDIA_TYPE;
use crate::web::{AppState, CurrentUser};
use axum::Router;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/account/export", get(export))
}

/// `GET /api/account/export`: the caller's annotations, replies and feedback received, as W3C JSON-LD.
async fn export(State(state): State<AppState>, user: CurrentUser, RequestIris(iris): RequestIris) -> Result<Response> {
    let collection = export_account(&state.db, user.user.id, &iris).await?;
    let mut response = axum::Json(collection).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(ANNO_MEDIA_TYPE));
    headers
        .insert(CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"counterpoint-my-work.jsonld\""));
    Ok(response)
}
