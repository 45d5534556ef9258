//! The one client for calls to a platform: its JWKS (cached by `kid`), its
//! OAuth 2 token endpoint (client credentials with a JWT assertion signed by
//! the tool's key; tokens cached until shortly before they expire), and the
//! NRPS and AGS endpoints. Every call has a timeout and a bound on what it
//! reads, and is retried twice on a network error, a 429 or a 5xx.

use super::keys;
use crate::credentials::random_token;
use crate::db::Db;
use crate::db::lti::Platform;
use jsonwebtoken::DecodingKey;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one call to a platform may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts per call: the first and two retries.
pub const ATTEMPTS: u32 = 3;
/// The most a platform's answer may hold.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;
/// How long a platform's JWKS is trusted before it is fetched again.
const JWKS_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// LTI's calls out to platforms, shared by every request (it is one `Arc`).
#[derive(Clone)]
pub struct Lti {
    http: reqwest::Client,
    jwks: Arc<Mutex<HashMap<i64, CachedKeys>>>,
    tokens: Arc<Mutex<HashMap<TokenKey, (String, Instant)>>>,
}

/// A platform and the scopes asked for.
type TokenKey = (i64, String);

struct CachedKeys {
    fetched: Instant,
    keys: HashMap<String, (String, String)>,
}

/// A call to a platform that failed, in words for the page or the report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CallFailed(pub String);

impl Default for Lti {
    fn default() -> Self {
        let http = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::limited(3))
            .user_agent(concat!("Counterpoint/", env!("CARGO_PKG_VERSION"), " (LTI 1.3 tool)"))
            .build()
            .unwrap_or_default();
        Self { http, jwks: Arc::default(), tokens: Arc::default() }
    }
}

/// A request to make (again, on a retry).
pub struct Call<'a> {
    pub method: Method,
    pub url: &'a str,
    pub bearer: Option<&'a str>,
    pub accept: &'a str,
    /// A JSON body and its media type.
    pub json: Option<(&'a Value, &'a str)>,
    pub form: Option<&'a [(&'a str, &'a str)]>,
}

impl<'a> Call<'a> {
    #[must_use]
    pub fn get(url: &'a str, accept: &'a str) -> Self {
        Self { method: Method::GET, url, bearer: None, accept, json: None, form: None }
    }
}

impl Lti {
    /// Makes a call, retrying twice on a network error, 429 or 5xx: the status,
    /// headers and body (at most [`MAX_ANSWER_BYTES`]) of the last answer.
    pub async fn send(&self, call: &Call<'_>) -> Result<(StatusCode, HeaderMap, Vec<u8>), CallFailed> {
        let mut last = CallFailed(format!("{} was not called", call.url));
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt * attempt))).await;
            }
            let mut request = self.http.request(call.method.clone(), call.url).header(ACCEPT, call.accept);
            if let Some(token) = call.bearer {
                request = request.bearer_auth(token);
            }
            if let Some((body, media_type)) = call.json {
                request = request.header(CONTENT_TYPE, media_type).body(body.to_string());
            }
            if let Some(form) = call.form {
                request = request.form(form);
            }
            match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let body = read_bounded(response).await.map_err(|e| CallFailed(format!("{}: {e}", call.url)))?;
                    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                        let detail: String = String::from_utf8_lossy(&body).chars().take(200).collect();
                        last = CallFailed(format!("{} answered {status}: {detail}", call.url));
                        continue;
                    }
                    return Ok((status, headers, body));
                }
                Err(e) => last = CallFailed(format!("cannot reach {}: {}", call.url, short(&e))),
            }
        }
        Err(last)
    }

    /// A JSON answer with a 2xx status, and its headers.
    pub async fn json(&self, call: &Call<'_>) -> Result<(Value, HeaderMap), CallFailed> {
        let (status, headers, body) = self.send(call).await?;
        if !status.is_success() {
            let detail = String::from_utf8_lossy(&body).chars().take(200).collect::<String>();
            return Err(CallFailed(format!("{} answered {status}: {detail}", call.url)));
        }
        let value = serde_json::from_slice(&body)
            .map_err(|e| CallFailed(format!("{} answered something that is not JSON: {e}", call.url)))?;
        Ok((value, headers))
    }

    /// The platform's public key `kid`, from its JWKS: cached, fetched again when
    /// older than an hour or when it does not name `kid` (once per launch).
    pub async fn platform_key(&self, platform: &Platform, kid: &str) -> Result<Option<DecodingKey>, CallFailed> {
        let cached = {
            let jwks = self.jwks.lock().map_err(|_| CallFailed("the key cache is unusable".into()))?;
            jwks.get(&platform.id)
                .filter(|c| c.fetched.elapsed() < JWKS_LIFETIME)
                .and_then(|c| c.keys.get(kid).cloned())
        };
        let components = match cached {
            Some(found) => Some(found),
            None => {
                let (set, _) = self.json(&Call::get(&platform.jwks_url, "application/json")).await?;
                let keys = rsa_keys(&set);
                let found = keys.get(kid).cloned();
                if let Ok(mut jwks) = self.jwks.lock() {
                    jwks.insert(platform.id, CachedKeys { fetched: Instant::now(), keys });
                }
                found
            }
        };
        Ok(components.and_then(|(n, e)| DecodingKey::from_rsa_components(&n, &e).ok()))
    }

    /// An access token for `scopes` at the platform's token endpoint.
    pub async fn access_token(&self, db: &Db, platform: &Platform, scopes: &[&str]) -> Result<String, CallFailed> {
        let scope = scopes.join(" ");
        let key = (platform.id, scope.clone());
        let cached = self.tokens.lock().ok().and_then(|tokens| tokens.get(&key).cloned());
        if let Some((token, _)) = cached.filter(|(_, until)| Instant::now() < *until) {
            return Ok(token);
        }
        let tool_key = keys::ensure_key(db).await.map_err(|e| CallFailed(format!("the tool has no key: {e}")))?;
        let now = jsonwebtoken::get_current_timestamp();
        let assertion = tool_key
            .sign(&json!({
                "iss": platform.client_id,
                "sub": platform.client_id,
                "aud": platform.token_url,
                "iat": now,
                "exp": now + 300,
                "jti": random_token(),
            }))
            .map_err(|e| CallFailed(format!("cannot sign the client assertion: {e}")))?;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", assertion.as_str()),
            ("scope", scope.as_str()),
        ];
        let call =
            Call { method: Method::POST, form: Some(&form), ..Call::get(&platform.token_url, "application/json") };
        let (answer, _) = self.json(&call).await.map_err(|e| CallFailed(format!("no access token: {e}")))?;
        let token = answer["access_token"]
            .as_str()
            .ok_or_else(|| CallFailed(format!("{} gave no access_token", platform.token_url)))?
            .to_owned();
        let lifetime = answer["expires_in"].as_u64().unwrap_or(3600).clamp(60, 86_400);
        if let Ok(mut tokens) = self.tokens.lock() {
            tokens.insert(key, (token.clone(), Instant::now() + Duration::from_secs(lifetime - 30)));
        }
        Ok(token)
    }
}

/// The RSA keys of a JWKS by kid, as base64url `(n, e)`; other keys are skipped.
fn rsa_keys(set: &Value) -> HashMap<String, (String, String)> {
    let Some(keys) = set["keys"].as_array() else { return HashMap::new() };
    keys.iter()
        .filter(|k| k["kty"] == "RSA" && (k["alg"].is_null() || k["alg"] == "RS256") && k["use"] != "enc")
        .filter_map(|k| {
            Some((k["kid"].as_str()?.to_owned(), (k["n"].as_str()?.to_owned(), k["e"].as_str()?.to_owned())))
        })
        .collect()
}

async fn read_bounded(mut response: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| short(&e))? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(format!("the answer is larger than {MAX_ANSWER_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An error and its causes on one line.
fn short(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
