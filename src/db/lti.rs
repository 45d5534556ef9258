//! LTI 1.3: registered platforms and deployments, the tool's keys, logins in
//! flight, deep-linking requests and grade reports. What a launch finds or
//! creates (accounts, courses, memberships) is in [`provision`]; a roster sync
//! in [`roster`]; what the services read of a course's context in [`contexts`].

pub mod contexts;
pub mod provision;
pub mod roster;

use super::{now, timestamp};
use crate::db::Db;
use crate::db::store;
use chrono::{Duration, Utc};

/// A platform (an LMS) as registered with `counterpoint lti register`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct Platform {
    pub id: i64,
    pub issuer: String,
    pub client_id: String,
    pub auth_url: String,
    pub jwks_url: String,
    pub token_url: String,
    /// The registered deployment ids, comma-separated.
    pub deployments: String,
}

const PLATFORM: &str = "SELECT p.id, p.issuer, p.client_id, p.auth_url, p.jwks_url, p.token_url,
        coalesce((SELECT string_agg(d.deployment_id, ',') FROM lti_deployments d WHERE d.platform_id = p.id), '')
          AS deployments
     FROM lti_platforms p";

/// A platform to register: its issuer, our client id there, a deployment and its endpoints.
#[derive(Debug, Clone)]
pub struct NewPlatform<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub deployment_id: &'a str,
    pub auth_url: &'a str,
    pub jwks_url: &'a str,
    pub token_url: &'a str,
}

/// Registers a platform, or updates its endpoints and adds the deployment when
/// the issuer and client id are already registered. Returns its id.
pub async fn register_platform(db: &Db, new: &NewPlatform<'_>) -> sqlx::Result<i64> {
    let mut tx = db.begin().await?;
    let (id,): (i64,) = store::query_as(
        "INSERT INTO lti_platforms (issuer, client_id, auth_url, jwks_url, token_url, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (issuer, client_id) DO UPDATE
           SET auth_url = excluded.auth_url, jwks_url = excluded.jwks_url, token_url = excluded.token_url
         RETURNING id",
    )
    .bind(new.issuer)
    .bind(new.client_id)
    .bind(new.auth_url)
    .bind(new.jwks_url)
    .bind(new.token_url)
    .bind(now())
    .fetch_one(&mut tx)
    .await?;
    store::query("INSERT INTO lti_deployments (platform_id, deployment_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
        .bind(id)
        .bind(new.deployment_id)
        .execute(&mut tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn list_platforms(db: &Db) -> sqlx::Result<Vec<Platform>> {
    store::query_as(format!("{PLATFORM} ORDER BY p.id")).fetch_all(db).await
}

pub async fn find_platform(db: &Db, id: i64) -> sqlx::Result<Option<Platform>> {
    store::query_as(format!("{PLATFORM} WHERE p.id = ?")).bind(id).fetch_optional(db).await
}

/// The platforms registered under `issuer`, only the one with `client_id` when given.
pub async fn platforms_of_issuer(db: &Db, issuer: &str, client_id: Option<&str>) -> sqlx::Result<Vec<Platform>> {
    store::query_as(format!("{PLATFORM} WHERE p.issuer = ? AND (? IS NULL OR p.client_id = ?) ORDER BY p.id"))
        .bind(issuer)
        .bind(client_id)
        .bind(client_id)
        .fetch_all(db)
        .await
}

/// Removes a platform and everything linked to it (its courses and accounts stay); false if unknown.
pub async fn remove_platform(db: &Db, id: i64) -> sqlx::Result<bool> {
    let done = store::query("DELETE FROM lti_platforms WHERE id = ?").bind(id).execute(db).await?;
    Ok(done.rows_affected() == 1)
}

pub async fn deployment_exists(db: &Db, platform_id: i64, deployment_id: &str) -> sqlx::Result<bool> {
    let row: Option<(i64,)> =
        store::query_as("SELECT CAST(1 AS BIGINT) FROM lti_deployments WHERE platform_id = ? AND deployment_id = ?")
            .bind(platform_id)
            .bind(deployment_id)
            .fetch_optional(db)
            .await?;
    Ok(row.is_some())
}

/// The signing key: the newest unretired one.
pub async fn active_key(db: &Db) -> sqlx::Result<Option<(String, String)>> {
    store::query_as(
        "SELECT kid, private_pem FROM lti_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid LIMIT 1",
    )
    .fetch_optional(db)
    .await
}

/// Stores a new key; with `retire_others`, every other key stops signing.
pub async fn insert_key(db: &Db, kid: &str, private_pem: &str, retire_others: bool) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    if retire_others {
        store::query("UPDATE lti_keys SET retired_at = ? WHERE retired_at IS NULL")
            .bind(now())
            .execute(&mut tx)
            .await?;
    }
    store::query("INSERT INTO lti_keys (kid, private_pem, created_at) VALUES (?, ?, ?)")
        .bind(kid)
        .bind(private_pem)
        .bind(now())
        .execute(&mut tx)
        .await?;
    tx.commit().await
}

/// How long a retired key stays published, for tokens signed just before a rotation.
pub const RETIRED_KEY_PUBLISHED: Duration = Duration::days(1);

/// The keys `/lti/jwks.json` publishes: unretired ones and those retired within a day.
pub async fn published_keys(db: &Db) -> sqlx::Result<Vec<(String, String)>> {
    store::query_as(
        "SELECT kid, private_pem FROM lti_keys WHERE retired_at IS NULL OR retired_at > ? ORDER BY created_at",
    )
    .bind(timestamp(Utc::now() - RETIRED_KEY_PUBLISHED))
    .fetch_all(db)
    .await
}

/// How long a login may take between `/lti/login` and `/lti/launch`.
pub const LOGIN_LIFETIME: Duration = Duration::minutes(10);

/// Notes a login in flight (and forgets those too old to be answered).
pub async fn insert_login(db: &Db, state_hash: &str, platform_id: i64, nonce: &str) -> sqlx::Result<()> {
    store::query("DELETE FROM lti_logins WHERE created_at <= ?")
        .bind(timestamp(Utc::now() - LOGIN_LIFETIME))
        .execute(db)
        .await?;
    store::query("INSERT INTO lti_logins (state_hash, platform_id, nonce, created_at) VALUES (?, ?, ?, ?)")
        .bind(state_hash)
        .bind(platform_id)
        .bind(nonce)
        .bind(now())
        .execute(db)
        .await?;
    Ok(())
}

/// Consumes a login in flight: its platform and nonce, if it exists and is fresh.
pub async fn take_login(db: &Db, state_hash: &str) -> sqlx::Result<Option<(i64, String)>> {
    let row: Option<(i64, String, String)> =
        store::query_as("DELETE FROM lti_logins WHERE state_hash = ? RETURNING platform_id, nonce, created_at")
            .bind(state_hash)
            .fetch_optional(db)
            .await?;
    let fresh = timestamp(Utc::now() - LOGIN_LIFETIME);
    Ok(row.filter(|(_, _, created)| *created > fresh).map(|(platform, nonce, _)| (platform, nonce)))
}

/// A deep-linking request waiting for the instructor's choice.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeepLink {
    pub user_id: i64,
    pub course_id: i64,
    pub platform_id: i64,
    pub deployment_id: String,
    pub return_url: String,
    pub data: Option<String>,
}

/// How long an instructor may take to choose a reading.
pub const DEEP_LINK_LIFETIME: Duration = Duration::hours(1);

pub async fn insert_deep_link(db: &Db, id_hash: &str, link: &DeepLink) -> sqlx::Result<()> {
    store::query("DELETE FROM lti_deep_links WHERE created_at <= ?")
        .bind(timestamp(Utc::now() - DEEP_LINK_LIFETIME))
        .execute(db)
        .await?;
    store::query(
        "INSERT INTO lti_deep_links (id_hash, user_id, course_id, platform_id, deployment_id, return_url, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id_hash)
    .bind(link.user_id)
    .bind(link.course_id)
    .bind(link.platform_id)
    .bind(&link.deployment_id)
    .bind(&link.return_url)
    .bind(&link.data)
    .bind(now())
    .execute(db)
    .await?;
    Ok(())
}

/// The fresh deep-linking request with this id hash, made by `user_id`.
pub async fn find_deep_link(db: &Db, id_hash: &str, user_id: i64) -> sqlx::Result<Option<DeepLink>> {
    store::query_as(
        "SELECT user_id, course_id, platform_id, deployment_id, return_url, data FROM lti_deep_links
         WHERE id_hash = ? AND user_id = ? AND created_at > ?",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(timestamp(Utc::now() - DEEP_LINK_LIFETIME))
    .fetch_optional(db)
    .await
}

pub async fn delete_deep_link(db: &Db, id_hash: &str) -> sqlx::Result<()> {
    store::query("DELETE FROM lti_deep_links WHERE id_hash = ?").bind(id_hash).execute(db).await?;
    Ok(())
}

/// The outcome of a course's latest grade push.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize, schemars::JsonSchema)]
pub struct GradeReport {
    pub pushed_at: String,
    pub sent: i64,
    pub failed: i64,
    pub skipped: i64,
    pub message: String,
}

pub async fn save_grade_report(db: &Db, course_id: i64, report: &GradeReport) -> sqlx::Result<()> {
    store::query(
        "INSERT INTO lti_grade_reports (course_id, pushed_at, sent, failed, skipped, message)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (course_id) DO UPDATE SET pushed_at = excluded.pushed_at, sent = excluded.sent,
           failed = excluded.failed, skipped = excluded.skipped, message = excluded.message",
    )
    .bind(course_id)
    .bind(&report.pushed_at)
    .bind(report.sent)
    .bind(report.failed)
    .bind(report.skipped)
    .bind(&report.message)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn grade_report(db: &Db, course_id: i64) -> sqlx::Result<Option<GradeReport>> {
    store::query_as("SELECT pushed_at, sent, failed, skipped, message FROM lti_grade_reports WHERE course_id = ?")
        .bind(course_id)
        .fetch_optional(db)
        .await
}
