//! `/healthz` and `/readyz`, and the layer that tells [`Health`] about storage
//! faults in responses and about writes that succeed again.
//!
//! [`Health`]: crate::db::health::Health

use super::AppState;
use crate::error::StorageFault;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz))
}

/// Liveness: 200 while the process serves (reads work even when writes do not),
/// saying `ok`, or `degraded: …` and why while the storage refuses writes.
async fn healthz(State(state): State<AppState>) -> String {
    match state.health.fault() {
        None => "ok".to_owned(),
        Some(fault) => format!("degraded: {}", fault.message()),
    }
}

/// Readiness for writes: 503 with the reason while the storage refuses them,
/// tested again with a real write at most once a second.
async fn readyz(State(state): State<AppState>) -> Response {
    match state.health.probe(&state.db).await {
        None => "ready".into_response(),
        Some(fault) => {
            let headers = [(header::RETRY_AFTER, fault.retry_after().to_string())];
            (StatusCode::SERVICE_UNAVAILABLE, headers, format!("not ready: {}", fault.message())).into_response()
        }
    }
}

/// Notes a storage fault a response was refused for, or, after one, a write that succeeded.
pub async fn watch(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let response = next.run(request).await;
    if let Some(seen) = response.extensions().get::<StorageFault>() {
        state.health.degraded(seen.fault, &seen.detail);
    } else if writes
        && (response.status().is_success() || response.status().is_redirection())
        && state.health.fault().is_some()
    {
        // A small write may pass on a nearly full disk: a probe with room decides whether it healed.
        state.health.probe(&state.db).await;
    }
    response
}
