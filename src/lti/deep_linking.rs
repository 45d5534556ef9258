//! Deep linking: the instructor picks a reading of the course, and the tool
//! answers the platform with a signed LtiDeepLinkingResponse holding one
//! `ltiResourceLink` whose custom parameter names the reading, so that every
//! launch of that assignment opens it.

use super::claims;
use super::keys;
use crate::db::Db;
use crate::db::lti::{DeepLink, Platform};
use serde_json::{Value, json};

/// The reading to link, as the response describes it.
#[derive(Debug, Clone)]
pub struct LinkedReading<'a> {
    pub id: i64,
    pub title: &'a str,
    /// The line item's maximum score, when the platform should make one.
    pub score_maximum: Option<u64>,
}

/// The signed JWT for the platform's `deep_link_return_url`.
pub async fn response_jwt(
    db: &Db,
    platform: &Platform,
    request: &DeepLink,
    reading: &LinkedReading<'_>,
    launch_url: &str,
) -> anyhow::Result<String> {
    let key = keys::ensure_key(db).await?;
    let now = jsonwebtoken::get_current_timestamp();
    let mut item = json!({
        "type": "ltiResourceLink",
        "title": reading.title,
        "url": launch_url,
        "custom": { claims::READING_PARAMETER: reading.id.to_string() },
    });
    if let Some(maximum) = reading.score_maximum {
        item["lineItem"] = json!({
            "scoreMaximum": maximum,
            "label": reading.title,
            "resourceId": format!("reading-{}", reading.id),
        });
    }
    let mut claims_value = json!({
        "iss": platform.client_id,
        "aud": platform.issuer,
        "iat": now,
        "exp": now + 600,
        "nonce": crate::credentials::random_token(),
        claims::DEPLOYMENT_ID: request.deployment_id,
        claims::MESSAGE_TYPE: claims::DEEP_LINKING_RESPONSE,
        claims::VERSION: "1.3.0",
        claims::DEEP_LINKING_CONTENT_ITEMS: [item],
    });
    if let (Some(data), Some(map)) = (&request.data, claims_value.as_object_mut()) {
        map.insert(claims::DEEP_LINKING_DATA.to_owned(), Value::String(data.clone()));
    }
    key.sign(&claims_value)
}
