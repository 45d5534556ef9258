//! A simulated LMS on loopback: its JWKS, its OIDC auth endpoint (which answers
//! with the form an LMS auto-posts to the tool), its token endpoint (which checks
//! the tool's client assertion against the tool's `/lti/jwks.json`), and NRPS and
//! AGS endpoints that record what they receive.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub const ISSUER: &str = "https://lms.example.edu";
pub const CLIENT_ID: &str = "counterpoint-client";
pub const DEPLOYMENT_ID: &str = "deployment-1";
pub const INSTRUCTOR: &str = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";
pub const LEARNER: &str = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner";
pub const PLATFORM_KID: &str = "platform-key-1";

/// The platform's signing key, and another one (for forged signatures); made once per test run.
fn keys() -> &'static (RsaPrivateKey, RsaPrivateKey) {
    static KEYS: OnceLock<(RsaPrivateKey, RsaPrivateKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        let make = || RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("key");
        (make(), make())
    })
}

fn encoding_key(key: &RsaPrivateKey) -> EncodingKey {
    EncodingKey::from_rsa_der(key.to_pkcs1_der().expect("der").as_bytes())
}

/// Who the next launch is for and how it is made (or forged).
#[derive(Debug, Clone)]
pub struct LaunchSpec {
    pub sub: String,
    pub name: String,
    pub email: Option<String>,
    pub roles: Vec<String>,
    pub message_type: String,
    pub resource_link_id: String,
    pub custom: Value,
    /// Claims set over the generated ones (`null` removes one).
    pub patch: Value,
    /// Signs with a key the platform does not publish, under its published kid.
    pub forge_signature: bool,
    pub kid: String,
    /// Sends this nonce instead of the one the tool asked for.
    pub nonce: Option<String>,
}

impl LaunchSpec {
    pub fn for_user(sub: &str, name: &str, role: &str) -> Self {
        Self {
            sub: sub.to_owned(),
            name: name.to_owned(),
            email: Some(format!("{}@lms.example.edu", sub.to_lowercase())),
            roles: vec![role.to_owned()],
            message_type: "LtiResourceLinkRequest".to_owned(),
            resource_link_id: "assignment-1".to_owned(),
            custom: json!({}),
            patch: json!({}),
            forge_signature: false,
            kid: PLATFORM_KID.to_owned(),
            nonce: None,
        }
    }
}

/// What the platform received and will answer.
#[derive(Default)]
pub struct Recorded {
    pub auth_requests: Vec<HashMap<String, String>>,
    /// The last nonce the tool asked for.
    pub last_nonce: Option<String>,
    pub jwks_fetches: usize,
    /// The verified claims of each client assertion, and the scope asked for.
    pub assertions: Vec<(Value, String)>,
    pub bad_assertions: usize,
    pub roster_requests: usize,
    /// `(line item id, score)` of each score received.
    pub scores: Vec<(String, Value)>,
    pub line_items: Vec<Value>,
}

pub struct PlatformState {
    pub url: String,
    pub next: Mutex<LaunchSpec>,
    pub recorded: Mutex<Recorded>,
    /// The tool's published keys, as the test read them from `/lti/jwks.json`.
    pub tool_jwks: Mutex<Value>,
    /// The NRPS members.
    pub roster: Mutex<Vec<Value>>,
    pub fail_scores: Mutex<bool>,
    tokens: Mutex<Vec<String>>,
}

pub struct Platform {
    pub url: String,
    pub state: Arc<PlatformState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Platform {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Platform {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(PlatformState {
            url: url.clone(),
            next: Mutex::new(LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)),
            recorded: Mutex::default(),
            tool_jwks: Mutex::new(json!({"keys": []})),
            roster: Mutex::default(),
            fail_scores: Mutex::new(false),
            tokens: Mutex::default(),
        });
        let router = Router::new()
            .route("/jwks", get(jwks))
            .route("/auth", get(auth))
            .route("/token", post(token))
            .route("/nrps/memberships", get(memberships))
            .route("/ags/lineitems", get(list_line_items).post(create_line_item))
            .route("/ags/lineitems/{id}/scores", post(score))
            .with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, state, task }
    }

    pub fn set_next(&self, spec: LaunchSpec) {
        *self.state.next.lock().expect("lock") = spec;
    }

    pub fn recorded<T>(&self, read: impl FnOnce(&Recorded) -> T) -> T {
        read(&self.state.recorded.lock().expect("lock"))
    }
}

async fn jwks(State(state): State<Arc<PlatformState>>) -> Json<Value> {
    state.recorded.lock().expect("lock").jwks_fetches += 1;
    let public = keys().0.to_public_key();
    Json(json!({"keys": [
        {"kty": "EC", "kid": "an-ec-key", "crv": "P-256", "x": "AA", "y": "AA"},
        {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": PLATFORM_KID,
         "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()), "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be())}
    ]}))
}

/// The OIDC authentication request: answers with the form that posts a signed id_token to the tool.
async fn auth(State(state): State<Arc<PlatformState>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let spec = state.next.lock().expect("lock").clone();
    let nonce = spec.nonce.clone().unwrap_or_else(|| query.get("nonce").cloned().unwrap_or_default());
    {
        let mut recorded = state.recorded.lock().expect("lock");
        recorded.auth_requests.push(query.clone());
        recorded.last_nonce = query.get("nonce").cloned();
    }
    let now = jsonwebtoken::get_current_timestamp();
    let url = &state.url;
    let mut claims = json!({
        "iss": ISSUER, "aud": CLIENT_ID, "sub": spec.sub, "iat": now, "exp": now + 300, "nonce": nonce,
        "name": spec.name, "email": spec.email,
        "https://purl.imsglobal.org/spec/lti/claim/message_type": spec.message_type,
        "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
        "https://purl.imsglobal.org/spec/lti/claim/deployment_id": DEPLOYMENT_ID,
        "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": query.get("redirect_uri"),
        "https://purl.imsglobal.org/spec/lti/claim/roles": spec.roles,
        "https://purl.imsglobal.org/spec/lti/claim/context": {"id": "course-77", "label": "HIST 101", "title": "History of Arguments"},
        "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": spec.resource_link_id, "title": "Week 1 reading"},
        "https://purl.imsglobal.org/spec/lti/claim/custom": spec.custom,
        "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
            "context_memberships_url": format!("{url}/nrps/memberships"), "service_versions": ["2.0"]},
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
            "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                      "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
            "lineitems": format!("{url}/ags/lineitems"),
            "lineitem": format!("{url}/ags/lineitems/{}", spec.resource_link_id)},
    });
    if spec.message_type == "LtiDeepLinkingRequest" {
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = json!({
            "deep_link_return_url": format!("{url}/dl/return"), "accept_types": ["ltiResourceLink"], "data": "opaque-42"});
        if let Some(map) = claims.as_object_mut() {
            map.remove("https://purl.imsglobal.org/spec/lti/claim/resource_link");
        }
    }
    if let (Some(map), Some(patch)) = (claims.as_object_mut(), spec.patch.as_object()) {
        for (k, v) in patch {
            if v.is_null() {
                map.remove(k);
            } else {
                map.insert(k.clone(), v.clone());
            }
        }
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(spec.kid.clone());
    let key = if spec.forge_signature { &keys().1 } else { &keys().0 };
    let id_token = jsonwebtoken::encode(&header, &claims, &encoding_key(key)).expect("sign");
    let action = query.get("redirect_uri").cloned().unwrap_or_default();
    let state_param = query.get("state").cloned().unwrap_or_default();
    // Values are URL-safe base64 and a plain URL: nothing to escape.
    Html(format!(
        "<!doctype html><form method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"id_token\" value=\"{id_token}\">\
         <input type=\"hidden\" name=\"state\" value=\"{state_param}\"></form><script>document.forms[0].submit()</script>"
    ))
    .into_response()
}

/// Client credentials with a JWT assertion, verified against the tool's published keys.
async fn token(State(state): State<Arc<PlatformState>>, Form(form): Form<HashMap<String, String>>) -> Response {
    let assertion = form.get("client_assertion").cloned().unwrap_or_default();
    let scope = form.get("scope").cloned().unwrap_or_default();
    let verified = verify_assertion(&state, &assertion, form.get("grant_type").map(String::as_str));
    let mut recorded = state.recorded.lock().expect("lock");
    match verified {
        Some(claims) => {
            recorded.assertions.push((claims, scope.clone()));
            let token = format!("access-{}", recorded.assertions.len());
            state.tokens.lock().expect("lock").push(token.clone());
            Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": scope}))
                .into_response()
        }
        None => {
            recorded.bad_assertions += 1;
            (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client"}))).into_response()
        }
    }
}

fn verify_assertion(state: &PlatformState, assertion: &str, grant: Option<&str>) -> Option<Value> {
    if grant != Some("client_credentials") {
        return None;
    }
    let kid = jsonwebtoken::decode_header(assertion).ok()?.kid?;
    let jwks = state.tool_jwks.lock().expect("lock").clone();
    let jwk = jwks["keys"].as_array()?.iter().find(|k| k["kid"] == kid.as_str())?.clone();
    let key = DecodingKey::from_rsa_components(jwk["n"].as_str()?, jwk["e"].as_str()?).ok()?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[format!("{}/token", state.url)]);
    validation.set_issuer(&[CLIENT_ID]);
    let claims = jsonwebtoken::decode::<Value>(assertion, &key, &validation).ok()?.claims;
    (claims["sub"] == CLIENT_ID).then_some(claims)
}

fn authorized(state: &PlatformState, headers: &HeaderMap) -> bool {
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    bearer.is_some_and(|t| state.tokens.lock().expect("lock").iter().any(|known| known == t))
}

/// The roster, two members a page, with `Link: rel="next"`.
async fn memberships(
    State(state): State<Arc<PlatformState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if !authorized(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    state.recorded.lock().expect("lock").roster_requests += 1;
    let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(0);
    let roster = state.roster.lock().expect("lock").clone();
    let members: Vec<Value> = roster.iter().skip(page * 2).take(2).cloned().collect();
    let mut response = Json(json!({"id": "x", "context": {"id": "course-77"}, "members": members})).into_response();
    if roster.len() > (page + 1) * 2 {
        let link = format!("<{}/nrps/memberships?page={}>; rel=\"next\"", state.url, page + 1);
        response.headers_mut().insert(header::LINK, link.parse().expect("header"));
    }
    response
}

async fn list_line_items(State(state): State<Arc<PlatformState>>, headers: HeaderMap) -> Response {
    if !authorized(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    Json(Value::Array(state.recorded.lock().expect("lock").line_items.clone())).into_response()
}

async fn create_line_item(State(state): State<Arc<PlatformState>>, headers: HeaderMap, body: String) -> Response {
    if !authorized(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let mut item: Value = serde_json::from_str(&body).unwrap_or_default();
    let mut recorded = state.recorded.lock().expect("lock");
    item["id"] = json!(format!("{}/ags/lineitems/made-{}", state.url, recorded.line_items.len()));
    recorded.line_items.push(item.clone());
    (StatusCode::CREATED, Json(item)).into_response()
}

async fn score(
    State(state): State<Arc<PlatformState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: String,
) -> Response {
    if !authorized(&state, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if headers.get(header::CONTENT_TYPE).is_none_or(|v| v != "application/vnd.ims.lis.v1.score+json") {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    if *state.fail_scores.lock().expect("lock") {
        return (StatusCode::INTERNAL_SERVER_ERROR, "gradebook is down").into_response();
    }
    let score: Value = serde_json::from_str(&body).unwrap_or_default();
    state.recorded.lock().expect("lock").scores.push((id, score));
    StatusCode::OK.into_response()
}
