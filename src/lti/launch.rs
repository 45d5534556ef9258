//! The OIDC third-party login and the validation of the id_token that answers it.
//!
//! The checks run in the order of IMS's Security Framework and pylti1p3's
//! `MessageLaunch.validate`: the state (posted, bound to this browser by a
//! cookie, issued by this server and not yet used), the JWT's form, the
//! registration (issuer and audience), the signature against the platform's
//! JWKS by `kid` with `exp`/`iat`, the nonce (issued with the state, used once),
//! the deployment, then the message (version, type and the claims it needs).
//! A refusal says which check failed, in words a teacher can pass to IT.

use super::Lti;
use super::claims::{self, IdToken};
use crate::credentials::{constant_time_eq, random_token, token_hash};
use crate::db::Db;
use crate::db::lti::{self as store, Platform};
use axum::http::StatusCode;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};

/// How far the platform's clock may be from ours, in seconds.
pub const LEEWAY_SECONDS: u64 = 60;
/// The largest id_token accepted.
pub const MAX_ID_TOKEN_BYTES: usize = 64 * 1024;

/// A refused login or launch: the check that failed and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub check: &'static str,
    pub why: String,
}

impl Refusal {
    fn new(status: StatusCode, check: &'static str, why: impl Into<String>) -> Self {
        Self { status, check, why: why.into() }
    }

    /// 403, not 401: on a page route a 401 becomes a redirect to the sign-in page, which would hide why.
    fn unauthorized(check: &'static str, why: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, check, why)
    }

    fn bad(check: &'static str, why: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, check, why)
    }
}

impl From<Refusal> for crate::error::Error {
    fn from(refusal: Refusal) -> Self {
        crate::error::Error::Rejected {
            status: refusal.status,
            message: format!("The LMS launch was refused. Failed check: {}. {}", refusal.check, refusal.why),
        }
    }
}

/// A login begun: where to send the browser, and the state its cookie must hold.
#[derive(Debug, Clone)]
pub struct Login {
    pub redirect: String,
    pub state: String,
}

/// The parameters of a third-party login initiation.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LoginRequest {
    #[serde(default)]
    pub iss: String,
    #[serde(default)]
    pub login_hint: String,
    #[serde(default)]
    pub target_link_uri: String,
    #[serde(default)]
    pub lti_message_hint: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub lti_deployment_id: Option<String>,
}

/// Starts a login: finds the platform by issuer (and client id), notes a fresh
/// state and nonce, and builds the authentication request to the platform.
pub async fn begin(db: &Db, request: &LoginRequest, redirect_uri: &str) -> crate::error::Result<Login> {
    if request.iss.is_empty() || request.login_hint.is_empty() {
        return Err(Refusal::bad("login request", "the LMS must send iss and login_hint").into());
    }
    let platforms = store::platforms_of_issuer(db, &request.iss, request.client_id.as_deref()).await?;
    let platform = match platforms.as_slice() {
        [] => {
            return Err(Refusal::bad(
                "issuer",
                format!(
                    "no platform with issuer {:?}{} is registered on this server (counterpoint lti register)",
                    request.iss,
                    request.client_id.as_ref().map(|c| format!(" and client id {c:?}")).unwrap_or_default()
                ),
            )
            .into());
        }
        [one] => one,
        _ => {
            return Err(Refusal::bad(
                "client id",
                "several registrations share this issuer: the LMS must send client_id",
            )
            .into());
        }
    };
    let (state, nonce) = (random_token(), random_token());
    store::insert_login(db, &token_hash(&state), platform.id, &nonce).await?;
    let mut url = reqwest::Url::parse(&platform.auth_url).map_err(anyhow::Error::from)?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("scope", "openid")
            .append_pair("response_type", "id_token")
            .append_pair("response_mode", "form_post")
            .append_pair("prompt", "none")
            .append_pair("client_id", &platform.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("login_hint", &request.login_hint)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce);
        if let Some(hint) = &request.lti_message_hint {
            query.append_pair("lti_message_hint", hint);
        }
    }
    Ok(Login { redirect: url.into(), state })
}

/// A launch that passed every check.
#[derive(Debug, Clone)]
pub struct ValidLaunch {
    pub platform: Platform,
    pub deployment_id: String,
    pub token: IdToken,
}

impl ValidLaunch {
    #[must_use]
    pub fn is_deep_linking(&self) -> bool {
        self.token.message_type.as_deref() == Some(claims::DEEP_LINKING_REQUEST)
    }
}

/// Validates a launch: the posted `state` and `id_token`, and the state the
/// browser's cookie holds. The login in flight is consumed whatever the outcome.
pub async fn validate(
    db: &Db,
    lti: &Lti,
    state: Option<&str>,
    cookie: Option<&str>,
    id_token: Option<&str>,
) -> Result<ValidLaunch, crate::error::Error> {
    // 1. The state: posted, bound to this browser, issued here and unused.
    let state = state.filter(|s| !s.is_empty()).ok_or_else(|| Refusal::bad("state", "the launch carries no state"))?;
    let Some(cookie) = cookie else {
        return Err(Refusal::unauthorized(
            "state cookie",
            "this browser does not hold the cookie set when the login began: start the launch again from the LMS \
             (and let Counterpoint open in a new window, not inside a frame)",
        )
        .into());
    };
    if !constant_time_eq(cookie, state) {
        return Err(Refusal::unauthorized("state", "the state does not match this browser's login").into());
    }
    let Some((platform_id, nonce)) = store::take_login(db, &token_hash(state)).await? else {
        return Err(Refusal::unauthorized(
            "state",
            "this login is unknown, expired or was already used: start again from the LMS",
        )
        .into());
    };
    let platform = store::find_platform(db, platform_id)
        .await?
        .ok_or_else(|| Refusal::unauthorized("issuer", "the platform of this login was removed"))?;

    // 2. The JWT's form.
    let id_token =
        id_token.filter(|t| !t.is_empty()).ok_or_else(|| Refusal::bad("id_token", "the launch carries no id_token"))?;
    if id_token.len() > MAX_ID_TOKEN_BYTES {
        return Err(Refusal::bad("id_token", "the id_token is too large").into());
    }
    let header =
        jsonwebtoken::decode_header(id_token).map_err(|_| Refusal::bad("id_token", "the id_token is not a JWT"))?;
    if header.alg != Algorithm::RS256 {
        return Err(Refusal::unauthorized(
            "algorithm",
            format!("the id_token is signed with {:?}, not RS256", header.alg),
        )
        .into());
    }
    let unverified: IdToken = jsonwebtoken::dangerous::insecure_decode(id_token)
        .map_err(|_| Refusal::bad("id_token", "the id_token's claims cannot be read"))?
        .claims;

    // 3. The registration: the issuer this login began with, and our client id as the audience.
    if unverified.iss != platform.issuer {
        return Err(Refusal::unauthorized(
            "issuer",
            format!("the id_token's issuer {:?} is not the registered platform {:?}", unverified.iss, platform.issuer),
        )
        .into());
    }
    let audience = unverified.aud.values();
    if !audience.contains(&platform.client_id.as_str()) {
        return Err(Refusal::unauthorized(
            "audience",
            format!("the id_token is not addressed to this tool's client id {:?}", platform.client_id),
        )
        .into());
    }
    let azp_needed = audience.len() > 1 || unverified.azp.is_some();
    if azp_needed && unverified.azp.as_deref() != Some(platform.client_id.as_str()) {
        return Err(Refusal::unauthorized("authorized party", "the id_token's azp is not this tool's client id").into());
    }

    // 4. The signature, against the platform's key named by kid, and the times.
    let kid = header.kid.ok_or_else(|| Refusal::unauthorized("key id", "the id_token names no key (kid)"))?;
    let key = lti
        .platform_key(&platform, &kid)
        .await
        .map_err(|e| {
            Refusal::new(StatusCode::BAD_GATEWAY, "platform keys", format!("cannot fetch the platform's keys: {e}"))
        })?
        .ok_or_else(|| Refusal::unauthorized("key id", format!("the platform's keys (JWKS) have no key {kid:?}")))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = LEEWAY_SECONDS;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud"]);
    let token: IdToken = jsonwebtoken::decode(id_token, &key, &validation)
        .map_err(|e| match e.kind() {
            ErrorKind::InvalidSignature => {
                Refusal::unauthorized("signature", "the id_token's signature does not match the platform's key")
            }
            ErrorKind::ExpiredSignature => Refusal::unauthorized("expiry", "the id_token has expired (exp is past)"),
            ErrorKind::MissingRequiredClaim(claim) => Refusal::bad("id_token", format!("the id_token has no {claim}")),
            _ => Refusal::unauthorized("signature", format!("the id_token cannot be verified: {e}")),
        })?
        .claims;
    let now = i64::try_from(jsonwebtoken::get_current_timestamp()).unwrap_or(i64::MAX);
    let leeway = i64::try_from(LEEWAY_SECONDS).unwrap_or(60);
    if token.iat.is_none_or(|iat| iat > now + leeway) {
        return Err(Refusal::unauthorized("issued at", "the id_token's iat is missing or in the future").into());
    }

    // 5. The nonce: the one issued with this state (which is now used up).
    match token.nonce.as_deref() {
        None | Some("") => return Err(Refusal::unauthorized("nonce", "the id_token has no nonce").into()),
        Some(sent) if !constant_time_eq(sent, &nonce) => {
            return Err(Refusal::unauthorized(
                "nonce",
                "the id_token's nonce is not the one issued for this login (a replayed or forged launch)",
            )
            .into());
        }
        Some(_) => {}
    }

    // 6. The deployment.
    let deployment_id = token.deployment_id.clone().unwrap_or_default();
    if deployment_id.is_empty() {
        return Err(Refusal::bad("deployment", "the id_token has no deployment_id").into());
    }
    if !store::deployment_exists(db, platform.id, &deployment_id).await? {
        return Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "deployment",
            format!("deployment {deployment_id:?} is not registered for this platform (counterpoint lti register --deployment-id)"),
        )
        .into());
    }

    // 7. The message.
    if token.version.as_deref() != Some("1.3.0") {
        return Err(Refusal::bad(
            "version",
            format!("the LTI version is {:?}, not 1.3.0", token.version.as_deref().unwrap_or("")),
        )
        .into());
    }
    match token.message_type.as_deref() {
        Some(claims::RESOURCE_LINK_REQUEST) => {
            if token.resource_link.as_ref().is_none_or(|l| l.id.is_empty()) {
                return Err(
                    Refusal::bad("resource link", "a resource link launch must name its resource_link id").into()
                );
            }
        }
        Some(claims::DEEP_LINKING_REQUEST) => {
            if token.deep_linking.is_none() {
                return Err(
                    Refusal::bad("deep linking", "the deep linking request has no deep_linking_settings").into()
                );
            }
        }
        other => {
            return Err(Refusal::bad(
                "message type",
                format!(
                    "{:?} is not a message Counterpoint handles (LtiResourceLinkRequest, LtiDeepLinkingRequest)",
                    other.unwrap_or("")
                ),
            )
            .into());
        }
    }
    if token.sub.as_deref().is_none_or(str::is_empty) {
        return Err(Refusal::bad("user", "the launch names no user (sub): anonymous launches are not supported").into());
    }
    if token.context.as_ref().is_none_or(|c| c.id.is_empty()) {
        return Err(Refusal::bad(
            "context",
            "the launch names no course (context): Counterpoint works within a course",
        )
        .into());
    }
    Ok(ValidLaunch { platform, deployment_id, token })
}
