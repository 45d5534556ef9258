//! LTI 1.3's browser side: the OIDC login initiation (`/lti/login`, GET or
//! POST), the launch (`/lti/launch`), the tool's keys (`/lti/jwks.json`), the
//! deep-linking picker and the instructors' roster and grade buttons.
//!
//! The login and the launch are cross-site form posts by design, so the CSRF
//! guard lets them through (`web::security`); their own check is the `state`
//! bound to a cookie set at login. That cookie must come back on the LMS's
//! cross-site POST: it is `SameSite=None; Secure` when cookies are secure
//! (`--base-url https://…`). On plain http (development) it carries no
//! `SameSite` attribute, which Firefox sends cross-site and Chrome sends on a
//! top-level POST within two minutes of the login ("Lax+POST"); a real LMS
//! needs https.

mod deep_link;
mod services;

use super::account::start_session;
use crate::db::lti::provision::{self, LmsContext, LmsResourceLink, LmsUser, Provisioned};
use crate::db::users;
use crate::domain::{Email, Role};
use crate::error::{Error, Result};
use crate::lti::claims::{course_title, role_of};
use crate::lti::launch::{self, LoginRequest};
use crate::web::forms::{Form, Query};
use crate::web::{AppState, cookies};
use axum::Router;
use axum::extract::State;
use axum::http::header::HOST;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lti/login", get(login_get).post(login_post))
        .route("/lti/launch", axum::routing::post(launch))
        .route("/lti/jwks.json", get(jwks))
        .merge(deep_link::router())
        .merge(services::router())
}

/// The prefix of the cookie that binds a login's state to the browser (one per login, so tabs do not collide).
const STATE_COOKIE: &str = "cp_lti_";

/// The server's public base: `--base-url`, else `http://` and the request's `Host`.
pub(super) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    match &state.config.base_url {
        Some(base) => base.clone(),
        None => format!("http://{}", headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost")),
    }
}

async fn login_get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(request): Query<LoginRequest>,
) -> Result<Response> {
    begin_login(&state, &headers, &request).await
}

async fn login_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(request): Form<LoginRequest>,
) -> Result<Response> {
    begin_login(&state, &headers, &request).await
}

async fn begin_login(state: &AppState, headers: &HeaderMap, request: &LoginRequest) -> Result<Response> {
    let redirect_uri = format!("{}/lti/launch", base_url(state, headers));
    let login = launch::begin(&state.db, request, &redirect_uri).await?;
    let max_age = crate::db::lti::LOGIN_LIFETIME.num_seconds();
    let name = format!("{STATE_COOKIE}{}", login.state);
    let cookie = cookies::lti_state(name, login.state.clone(), max_age, state.config.secure_cookies);
    let mut response = Redirect::to(&login.redirect).into_response();
    cookies::set(&mut response, &cookie)?;
    Ok(response)
}

#[derive(Deserialize, Default)]
struct LaunchForm {
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    state: Option<String>,
    /// An OIDC error the platform answered the login with instead of a token.
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

async fn launch(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<LaunchForm>) -> Result<Response> {
    if let Some(error) = &form.error {
        let detail = form.error_description.as_deref().unwrap_or("");
        let message = format!("The LMS refused the login: {error}. {detail}").chars().take(500).collect();
        return Err(Error::Rejected { status: axum::http::StatusCode::BAD_REQUEST, message });
    }
    let cookie = form.state.as_deref().and_then(|s| cookies::read(&headers, &format!("{STATE_COOKIE}{s}")));
    let valid =
        launch::validate(&state.db, &state.lti, form.state.as_deref(), cookie.as_deref(), form.id_token.as_deref())
            .await?;
    let token = &valid.token;
    let role = role_of(&token.roles);
    if valid.is_deep_linking() && role != Role::Instructor {
        return Err(Error::Forbidden("only the course's instructors can add Counterpoint activities"));
    }
    let context = token.context.as_ref().ok_or(Error::NotFound)?;
    let title = course_title(context);
    let ags = token.ags.as_ref();
    let scopes = ags.map(|a| a.scope.join(" ")).unwrap_or_default();
    let lms_context = LmsContext {
        platform_id: valid.platform.id,
        deployment_id: &valid.deployment_id,
        context_id: &context.id,
        title: &title,
        memberships_url: token.nrps.as_ref().map(|n| n.context_memberships_url.as_str()),
        lineitems_url: ags.and_then(|a| a.lineitems.as_deref()),
        ags_scopes: &scopes,
    };
    let email = token.email.as_deref().and_then(|e| Email::parse(e).ok());
    let name = token.display_name();
    let user = LmsUser {
        sub: token.sub.as_deref().unwrap_or_default(),
        email: email.as_ref().map(Email::as_str),
        name: &name,
        role,
    };
    let link_title = token.resource_link.as_ref().and_then(|l| l.title.clone()).unwrap_or_default();
    let link = token.resource_link.as_ref().map(|l| LmsResourceLink {
        id: &l.id,
        title: &link_title,
        lineitem_url: ags.and_then(|a| a.lineitem.as_deref()),
        reading_id: token.chosen_reading(),
    });
    let link = if valid.is_deep_linking() { None } else { link };
    let (user_id, course_id, reading_id) =
        match provision::launch(&state.db, &lms_context, &user, link.as_ref()).await? {
            Provisioned::Member { user_id, course_id, reading_id } => (user_id, course_id, reading_id),
            Provisioned::Removed => return Err(Error::Forbidden(crate::courses::REMOVED)),
            Provisioned::Disabled => {
                return Err(Error::Forbidden("this account is disabled: ask the site's administrator"));
            }
        };
    users::touch_sign_in(&state.db, user_id).await?;
    let target = if valid.is_deep_linking() {
        deep_link::begin(&state, &valid, user_id, course_id).await?
    } else {
        reading_id.map_or_else(|| format!("/courses/{course_id}"), |id| format!("/readings/{id}"))
    };
    tracing::info!(
        user_id,
        course_id,
        platform = valid.platform.id,
        kind = token.message_type.as_deref().unwrap_or(""),
        "LTI launch"
    );
    let mut response = start_session(&state, &headers, user_id, &target).await?;
    if let Some(s) = &form.state {
        cookies::set(&mut response, &cookies::lti_state_ended(format!("{STATE_COOKIE}{s}")))?;
    }
    Ok(response)
}

async fn jwks(State(state): State<AppState>) -> Result<Response> {
    let set = crate::lti::keys::jwks(&state.db).await?;
    let mut response = axum::Json(set).into_response();
    response.headers_mut().insert(axum::http::header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    Ok(response)
}
