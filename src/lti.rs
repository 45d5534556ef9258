//! LTI 1.3 with LTI Advantage: Counterpoint as a tool an LMS (Canvas, Moodle,
//! Blackboard, D2L) launches. Written on `jsonwebtoken` (its RustCrypto backend:
//! no C toolchain, no OpenSSL) and `rsa`, following IMS's Security Framework and
//! the order of checks of the reference library pylti1p3 (see [`launch`]).
//!
//! - [`keys`]: the tool's RSA key pair, kept in the database, published at `/lti/jwks.json`.
//! - [`client`]: the one HTTP client for the platform's JWKS, token, NRPS and AGS endpoints.
//! - [`launch`]: the OIDC login and the validation of an id_token.
//! - [`deep_linking`], [`roster`], [`grades`]: the three LTI Advantage services;
//!   [`auto_push`] sends a course's scores by itself once its writes pause, when asked to.

pub mod auto_push;
pub mod claims;
pub mod client;
pub mod deep_linking;
pub mod grades;
pub mod keys;
pub mod launch;
pub mod roster;

pub use client::Lti;

use crate::db::Db;
use crate::db::lti::{self as store, NewPlatform};

/// The tool's URLs on a server at `base` (`https://host`), to paste into the LMS.
#[must_use]
pub fn tool_urls(base: &str) -> [(&'static str, String); 4] {
    let base = base.trim_end_matches('/');
    [
        ("login initiation URL (OpenID Connect)", format!("{base}/lti/login")),
        ("launch / redirect URL", format!("{base}/lti/launch")),
        ("public keyset URL (JWKS)", format!("{base}/lti/jwks.json")),
        ("deep linking URL", format!("{base}/lti/launch")),
    ]
}

/// Checks a platform's registration (absolute http(s) URLs, nothing empty) and stores it;
/// makes the tool's key pair if there is none yet. Returns the platform's id.
pub async fn register(db: &Db, new: &NewPlatform<'_>) -> anyhow::Result<i64> {
    for (field, value) in
        [("--issuer", new.issuer), ("--client-id", new.client_id), ("--deployment-id", new.deployment_id)]
    {
        if value.trim().is_empty() || value.len() > 1_000 {
            anyhow::bail!("{field} must not be empty (and at most 1000 characters)");
        }
    }
    for (field, value) in [("--auth-url", new.auth_url), ("--jwks-url", new.jwks_url), ("--token-url", new.token_url)] {
        let url = reqwest::Url::parse(value).map_err(|e| anyhow::anyhow!("{field} {value:?} is not a URL: {e}"))?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            anyhow::bail!("{field} {value:?} must be an http(s) URL");
        }
    }
    let id = store::register_platform(db, new).await?;
    keys::ensure_key(db).await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn tool_urls_are_under_the_base() {
        let urls = super::tool_urls("https://cp.example.edu/");
        assert_eq!(urls[0].1, "https://cp.example.edu/lti/login");
        assert_eq!(urls[2].1, "https://cp.example.edu/lti/jwks.json");
    }
}
