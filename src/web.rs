//! The HTTP layer: state, the router assembled from one module per area, and
//! the layers every request passes through.

mod access;
mod api;
mod auth;
mod cors;
mod errors;
mod forms;
mod pages;
mod security;

pub use access::{AnnotationAccess, CourseAccess, ReadingAccess};
pub use auth::{CurrentUser, SESSION_COOKIE};

use crate::config::Config;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use sqlx::SqlitePool;
use std::sync::Arc;
use std::time::Duration;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Everything a handler may need, cloned into each request.
#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
    pub config: Arc<Config>,
}

/// The largest request body: a reading's source (2 MiB) plus form or JSON overhead.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// The whole app: pages, the JSON API and static files.
pub fn router(state: AppState) -> Router {
    let static_files = ServeDir::new(&state.config.static_dir);
    Router::new()
        .merge(pages::router())
        .route("/ns/counterpoint.jsonld", axum::routing::get(api::annotations::counterpoint_context))
        .nest("/api", api::router())
        .nest_service("/static", static_files)
        .fallback(errors::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), security::csrf_guard))
        .layer(middleware::from_fn_with_state(state.clone(), auth::load_session))
        .layer(middleware::from_fn(errors::render_errors))
        .layer(middleware::from_fn(security::headers))
        .layer(middleware::from_fn(cors::cors))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
