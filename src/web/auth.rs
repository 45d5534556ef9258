//! Who is asking: a Bearer token or the session cookie, resolved once per request.

use super::AppState;
use crate::credentials::token_hash;
use crate::db::sessions::{self, Session};
use crate::db::{tokens, users::User};
use crate::error::{Error, Result};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "cp_session";

/// How the request was authenticated; stored in the request's extensions.
#[derive(Debug, Clone)]
pub enum Auth {
    Session(Session),
    Token(User),
    /// An `Authorization` header that names no live token.
    BadToken,
    Anonymous,
}

/// Resolves the caller once: the Bearer token wins over the cookie.
pub async fn load_session(State(state): State<AppState>, mut request: Request, next: Next) -> Result<Response> {
    let auth = if let Some(value) = request.headers().get(AUTHORIZATION) {
        let token = value.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
        match token {
            Some(token) => {
                tokens::find_user_by_token(&state.db, &token_hash(token)).await?.map_or(Auth::BadToken, Auth::Token)
            }
            None => Auth::BadToken,
        }
    } else if let Some(id) = session_id(request.headers()) {
        sessions::find_session(&state.db, &token_hash(&id)).await?.map_or(Auth::Anonymous, Auth::Session)
    } else {
        Auth::Anonymous
    };
    request.extensions_mut().insert(auth);
    Ok(next.run(request).await)
}

/// The session id from the `Cookie` header, if any.
pub fn session_id(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// A signed-in user; anyone else gets 401 (JSON) or the sign-in page.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    /// The session's CSRF token, for forms; `None` for Bearer requests.
    pub csrf_token: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        match parts.extensions.get::<Auth>() {
            Some(Auth::Session(session)) => {
                Ok(CurrentUser { user: session.user.clone(), csrf_token: Some(session.csrf_token.clone()) })
            }
            Some(Auth::Token(user)) => Ok(CurrentUser { user: user.clone(), csrf_token: None }),
            _ => Err(Error::Unauthorized),
        }
    }
}

/// The signed-in user, if any, for pages that anyone may see.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(user) => Ok(MaybeUser(Some(user))),
            Err(_) => Ok(MaybeUser(None)),
        }
    }
}

/// The client's address, when the server knows it (not behind `oneshot` in tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self> {
        let info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(Self(info.map(|info| info.0.ip())))
    }
}
