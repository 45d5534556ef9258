//! One error type for the whole app. It renders as `{"error": ...}` JSON; on page
//! routes the [`crate::web::errors`] middleware turns it into an HTML page.
//! Internal errors are logged once, here, and shown as a generic message.
//! Storage faults (a full disk, a lock) are told as such, with a 507 or 503,
//! and logged once per episode by [`crate::db::health`], not per request.

use crate::db::fault::Fault;
use crate::domain::{Invalid, LinkError};
use crate::text::anchor::AnchorError;
use crate::text::import::ImportError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("this was deleted")]
    Gone,
    #[error("sign in first")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("too many requests; try again in {retry_after} seconds")]
    RateLimited { retry_after: u64 },
    #[error("the annotation changed since you read it (ETag mismatch)")]
    PreconditionFailed,
    /// An extractor refused the request (malformed JSON, wrong content type, body too large).
    #[error("{message}")]
    Rejected { status: StatusCode, message: String },
    /// The storage refused a read or write (see [`Fault`]): 507 for a full disk, else 503.
    #[error("{}", .fault.message())]
    Storage { fault: Fault, source: sqlx::Error },
    #[error("database error")]
    Database(sqlx::Error),
    #[error("template error")]
    Template(#[from] askama::Error),
    #[error("internal error")]
    Other(#[from] anyhow::Error),
}

/// On a response refused for a storage fault: the fault and the database's message,
/// for [`crate::db::health::Health`] to note.
#[derive(Debug, Clone)]
pub struct StorageFault {
    pub fault: Fault,
    pub detail: String,
}

/// What the error middleware needs to render an error page in place of JSON.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid(Invalid::new(field, message))
    }

    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Gone => StatusCode::GONE,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Error::Rejected { status, .. } => *status,
            Error::Storage { fault: Fault::Full, .. } => StatusCode::INSUFFICIENT_STORAGE,
            Error::Storage { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Database(_) | Error::Template(_) | Error::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() && !matches!(self, Error::Storage { .. }) {
            tracing::error!(error = ?self, "request failed");
        }
        let message = self.to_string();
        let mut response = (status, Json(serde_json::json!({ "error": message }))).into_response();
        match self {
            Error::RateLimited { retry_after } => {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after.into());
            }
            Error::Storage { fault, source } => {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, fault.retry_after().into());
                response.extensions_mut().insert(StorageFault { fault, detail: crate::db::fault::detail(&source) });
            }
            _ => {}
        }
        response.extensions_mut().insert(ErrorMessage(message));
        response
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        match Fault::of(&error) {
            Some(fault) => Error::Storage { fault, source: error },
            None => Error::Database(error),
        }
    }
}

impl From<AnchorError> for Error {
    fn from(error: AnchorError) -> Self {
        Error::invalid("target.selector", error.to_string())
    }
}

impl From<LinkError> for Error {
    fn from(error: LinkError) -> Self {
        Error::invalid("link", error.to_string())
    }
}

impl From<ImportError> for Error {
    fn from(error: ImportError) -> Self {
        match error {
            ImportError::TooLarge { .. } => Error::TooLarge(error.to_string()),
            ImportError::Empty
            | ImportError::TooManyPages { .. }
            | ImportError::TooDeep { .. }
            | ImportError::NoTextLayer
            | ImportError::Unreadable(_)
            | ImportError::Encrypted
            | ImportError::TooSlow { .. } => Error::invalid("source", error.to_string()),
        }
    }
}

macro_rules! from_rejection {
    ($($rejection:ty),*) => {$(
        impl From<$rejection> for Error {
            fn from(rejection: $rejection) -> Self {
                Error::Rejected { status: rejection.status(), message: rejection.body_text() }
            }
        }
    )*};
}

from_rejection!(
    axum::extract::rejection::JsonRejection,
    axum::extract::rejection::FormRejection,
    axum::extract::rejection::QueryRejection
);

impl From<axum::extract::rejection::PathRejection> for Error {
    /// A path that does not parse (`/readings/abc`) names nothing: 404.
    fn from(_: axum::extract::rejection::PathRejection) -> Self {
        Error::NotFound
    }
}

/// True when `error` is a violation of a UNIQUE constraint.
#[must_use]
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_faults_get_507_or_503_with_retry_after_and_say_what_to_do() {
        for (fault, status) in [
            (Fault::Full, StatusCode::INSUFFICIENT_STORAGE),
            (Fault::Io, StatusCode::SERVICE_UNAVAILABLE),
            (Fault::ReadOnly, StatusCode::SERVICE_UNAVAILABLE),
            (Fault::Locked, StatusCode::SERVICE_UNAVAILABLE),
        ] {
            let response = Error::Storage { fault, source: sqlx::Error::PoolTimedOut }.into_response();
            assert_eq!(response.status(), status, "{fault:?}");
            assert!(response.headers().contains_key(axum::http::header::RETRY_AFTER));
            assert!(response.extensions().get::<StorageFault>().is_some_and(|seen| seen.fault == fault));
        }
        assert!(Fault::Full.message().starts_with("the server's disk is full"));
    }
}
