//! Errors on page routes become HTML pages (or a redirect to sign in); on
//! `/api` they stay JSON.

use crate::error::{Error, ErrorMessage};
use askama::Template;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    reason: &'a str,
    message: &'a str,
}

pub async fn render_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let mut response = next.run(request).await;
    if path == "/api" || path.starts_with("/api/") {
        return response;
    }
    let Some(ErrorMessage(message)) = response.extensions_mut().remove::<ErrorMessage>() else { return response };
    let status = response.status();
    if status == StatusCode::UNAUTHORIZED {
        let next = match query {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        let target = format!(
            "/login?next={}",
            serde_urlencoded::to_string([("", &next)]).unwrap_or_default().trim_start_matches('=')
        );
        return Redirect::to(&target).into_response();
    }
    let page =
        ErrorPage { status: status.as_u16(), reason: status.canonical_reason().unwrap_or("Error"), message: &message };
    match page.render() {
        Ok(html) => {
            let mut html_response = (status, Html(html)).into_response();
            if let Some(retry) = response.headers().get(axum::http::header::RETRY_AFTER) {
                html_response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry.clone());
            }
            html_response
        }
        Err(_) => response,
    }
}

/// The fallback for routes that do not exist.
pub async fn not_found() -> Error {
    Error::NotFound
}

/// The answer when a handler panicked (tower-http's `CatchPanicLayer`, the last
/// line of defence): a plain 500 that says nothing of the panic, which is logged.
pub fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(detail, "a request handler panicked");
    crate::error::Error::Other(anyhow::anyhow!("panic")).into_response()
}
