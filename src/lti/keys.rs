//! The tool's RSA key pair: made once (2048 bits, off the async workers), kept
//! in the database as PKCS#8 PEM under a random `kid`, rotated on the command
//! line. It signs the client assertions of service calls and the deep-linking
//! responses; `/lti/jwks.json` publishes its public half.

use crate::credentials::random_token;
use crate::db::Db;
use crate::db::lti as store;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use serde_json::{Value, json};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The size of the tool's keys; IMS asks for at least 2048 bits.
pub const KEY_BITS: usize = 2048;

/// One of the tool's key pairs.
pub struct ToolKey {
    pub kid: String,
    private: RsaPrivateKey,
}

impl std::fmt::Debug for ToolKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolKey").field("kid", &self.kid).finish_non_exhaustive()
    }
}

impl ToolKey {
    /// A new key pair: its kid and its private key as PKCS#8 PEM. Slow (a second or so): run it off the async workers.
    pub fn generate() -> anyhow::Result<(String, String)> {
        let private = RsaPrivateKey::new(&mut rand::rngs::OsRng, KEY_BITS)?;
        let pem = private.to_pkcs8_pem(LineEnding::LF)?;
        Ok((random_token()[..22].to_owned(), pem.as_str().to_owned()))
    }

    pub fn from_pem(kid: String, pem: &str) -> anyhow::Result<Self> {
        Ok(Self { kid, private: RsaPrivateKey::from_pkcs8_pem(pem)? })
    }

    /// The public key as a JWK.
    #[must_use]
    pub fn jwk(&self) -> Value {
        let public = self.private.to_public_key();
        json!({
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": self.kid,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        })
    }

    /// A JWT of `claims`, signed RS256 with this key and naming its kid.
    pub fn sign(&self, claims: &impl Serialize) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        let der = self.private.to_pkcs1_der()?;
        Ok(jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_der(der.as_bytes()))?)
    }
}

/// The signing key, made now if there is none.
pub async fn ensure_key(db: &Db) -> anyhow::Result<ToolKey> {
    if let Some((kid, pem)) = store::active_key(db).await? {
        return ToolKey::from_pem(kid, &pem);
    }
    let (kid, pem) = tokio::task::spawn_blocking(ToolKey::generate).await??;
    store::insert_key(db, &kid, &pem, false).await?;
    // Two requests may have made one each at once: both are published; the newest signs.
    let (kid, pem) = store::active_key(db).await?.unwrap_or((kid, pem));
    ToolKey::from_pem(kid, &pem)
}

/// Makes a new signing key; the old ones stay published for a day. Returns the new kid.
pub async fn rotate(db: &Db) -> anyhow::Result<String> {
    let (kid, pem) = tokio::task::spawn_blocking(ToolKey::generate).await??;
    store::insert_key(db, &kid, &pem, true).await?;
    Ok(kid)
}

/// The JWKS that `/lti/jwks.json` serves (made with a key if there is none yet).
pub async fn jwks(db: &Db) -> anyhow::Result<Value> {
    ensure_key(db).await?;
    let keys = store::published_keys(db).await?;
    let keys: Vec<Value> =
        keys.into_iter().filter_map(|(kid, pem)| ToolKey::from_pem(kid, &pem).ok()).map(|key| key.jwk()).collect();
    Ok(json!({ "keys": keys }))
}
