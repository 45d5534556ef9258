//! The server's IRIs as an extractor, for the JSON-LD the API and the pages write.

use super::AppState;
use crate::error::{Error, Result};
use crate::formats::w3c::Iris;
use axum::extract::FromRequestParts;
use axum::http::header::HOST;
use axum::http::request::Parts;

/// The server's IRIs: the configured base URL, else `http://` and the request's `Host`.
pub struct RequestIris(pub Iris);

impl FromRequestParts<AppState> for RequestIris {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let base = match &state.config.base_url {
            Some(base) => base.trim_end_matches('/').to_owned(),
            None => {
                let host = parts.headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
                format!("http://{host}")
            }
        };
        Ok(Self(Iris { base }))
    }
}
