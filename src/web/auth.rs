//! Who is asking: a Bearer token or the session cookie, resolved once per request.

use super::AppState;
use crate::credentials::token_hash;
use crate::db::sessions::{self, Session};
use crate::db::{tokens, users::User};
use crate::error::{Error, Result};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
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

impl Auth {
    /// The signed-in user's id, by session or token.
    #[must_use]
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Auth::Session(session) => Some(session.user.id),
            Auth::Token(user) => Some(user.id),
            Auth::BadToken | Auth::Anonymous => None,
        }
    }
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
    super::cookies::read(headers, SESSION_COOKIE)
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

/// The client's address, when the server knows it (not behind `oneshot` in tests):
/// the connection's peer, or, when the peer is a trusted reverse proxy
/// (`--trusted-proxy`), the nearest address in `X-Forwarded-For` that is not one.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl ClientAddress {
    /// The key the per-address limits count under.
    #[must_use]
    pub fn key(&self) -> String {
        self.0.map_or_else(|| "unknown".to_owned(), |a| a.to_string())
    }
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        let peer = info.map(|info| info.0.ip());
        Ok(Self(peer.map(|peer| client_behind(peer, &parts.headers, &state.config.trusted_proxies))))
    }
}

/// Walks `X-Forwarded-For` from the right (the entries trusted proxies added)
/// while the hop is a trusted proxy; the first other hop is the client.
fn client_behind(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(address) = hop.parse::<std::net::IpAddr>() else { break };
        client = address;
        if !trusted.contains(&address) {
            break;
        }
    }
    client
}

/// A signed-in site administrator; anyone else gets 404 (the pages do not exist for them).
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if crate::db::users::is_admin(&state.db, user.user.id).await? { Ok(Self(user)) } else { Err(Error::NotFound) }
    }
}

#[cfg(test)]
mod tests {
    use super::client_behind;
    use axum::http::{HeaderMap, HeaderValue};
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 203.0.113.9, 10.0.0.2"));
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        assert_eq!(client_behind(ip("198.51.100.7"), &headers, &trusted), ip("198.51.100.7"), "a stranger's header");
        assert_eq!(client_behind(ip("10.0.0.1"), &headers, &trusted), ip("203.0.113.9"), "the hop before our proxies");
        assert_eq!(client_behind(ip("10.0.0.1"), &HeaderMap::new(), &trusted), ip("10.0.0.1"));
        headers.insert("x-forwarded-for", HeaderValue::from_static("not-an-address"));
        assert_eq!(client_behind(ip("10.0.0.1"), &headers, &trusted), ip("10.0.0.1"));
    }
}
