//! Names and Role Provisioning Services: the course's membership as the LMS
//! keeps it, fetched page by page (`Link: rel="next"`) and applied, so that a
//! student who never launched is already in the gradebook.

use super::claims::{display_name, role_of};
use super::client::{Call, CallFailed, Lti};
use crate::db::Db;
use crate::db::lti::contexts;
use crate::db::lti::provision::LmsUser;
use crate::db::lti::roster::{RosterChanges, apply_roster, note_roster_failure};
use crate::db::lti::{self as store};
use crate::domain::Email;
use crate::error::{Error, Result};

pub const SCOPE: &str = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly";
const MEDIA_TYPE: &str = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json";
/// The most pages and members one sync reads.
pub const MAX_PAGES: usize = 50;
pub const MAX_MEMBERS: usize = 10_000;

/// A member as the roster lists them, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    sub: String,
    email: Option<String>,
    name: String,
    roles: Vec<String>,
}

/// Fetches the course's roster from the LMS and applies it; `instructor_id` (who asked) is never removed.
pub async fn sync(db: &Db, lti: &Lti, course_id: i64, instructor_id: i64) -> Result<RosterChanges> {
    let context = contexts::context_of_course(db, course_id)
        .await?
        .ok_or(Error::Conflict("this course was not created by an LMS launch".into()))?;
    let url = context.memberships_url.ok_or(Error::Conflict(
        "the LMS has not offered its roster (Names and Roles) for this course: enable the service for the tool".into(),
    ))?;
    let platform = store::find_platform(db, context.platform_id).await?.ok_or(Error::NotFound)?;
    let fetched = match fetch(db, lti, &platform, &url).await {
        Ok(fetched) => fetched,
        Err(e) => {
            note_roster_failure(db, course_id, &format!("failed: {e}")).await?;
            return Err(unreachable_lms(&e));
        }
    };
    let members: Vec<LmsUser<'_>> = fetched
        .iter()
        .map(|m| LmsUser { sub: &m.sub, email: m.email.as_deref(), name: &m.name, role: role_of(&m.roles) })
        .collect();
    Ok(apply_roster(db, course_id, platform.id, &members, instructor_id).await?)
}

/// What an unreachable or refusing LMS becomes: a 502 that says what failed.
pub(super) fn unreachable_lms(error: &CallFailed) -> Error {
    Error::Rejected {
        status: axum::http::StatusCode::BAD_GATEWAY,
        message: format!("the LMS did not answer as expected: {error}"),
    }
}

async fn fetch(db: &Db, lti: &Lti, platform: &store::Platform, first: &str) -> Result<Vec<Member>, CallFailed> {
    let token = lti.access_token(db, platform, &[SCOPE]).await?;
    let mut members = Vec::new();
    let mut next = Some(first.to_owned());
    for _ in 0..MAX_PAGES {
        let Some(url) = next.take() else { break };
        let call = Call { bearer: Some(&token), ..Call::get(&url, MEDIA_TYPE) };
        let (page, headers) = lti.json(&call).await?;
        for member in page["members"].as_array().into_iter().flatten() {
            if let Some(member) = parse_member(member) {
                members.push(member);
            }
        }
        if members.len() > MAX_MEMBERS {
            return Err(CallFailed(format!("the roster has more than {MAX_MEMBERS} members")));
        }
        next = headers.get_all(reqwest::header::LINK).iter().filter_map(|v| v.to_str().ok()).find_map(next_link);
    }
    Ok(members)
}

/// An active member of the roster; inactive or deleted members, and those without `user_id`, are left out.
fn parse_member(member: &serde_json::Value) -> Option<Member> {
    let sub = member["user_id"].as_str().filter(|s| !s.is_empty() && s.len() <= 255)?.to_owned();
    if member["status"].as_str().is_some_and(|s| s != "Active") {
        return None;
    }
    let joined = [member["given_name"].as_str(), member["family_name"].as_str()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = display_name(member["name"].as_str().unwrap_or(&joined));
    let email = member["email"].as_str().and_then(|e| Email::parse(e).ok()).map(|e| e.as_str().to_owned());
    let roles =
        member["roles"].as_array().into_iter().flatten().filter_map(|r| r.as_str().map(str::to_owned)).collect();
    Some(Member { sub, email, name, roles })
}

/// The URL of `rel="next"` in one `Link` header, if it has one.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let rel_next = params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        });
        rel_next.then(|| url.trim().trim_start_matches('<').trim_end_matches('>').to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_is_found_among_links() {
        let header = r#"<https://lms/m?p=1>; rel="prev", <https://lms/m?p=3>; rel="next""#;
        assert_eq!(next_link(header).as_deref(), Some("https://lms/m?p=3"));
        assert_eq!(next_link(r#"<https://lms/m?p=1>; rel="differences""#), None);
    }

    #[test]
    fn inactive_members_are_left_out() {
        let active = serde_json::json!({"user_id": "u1", "name": "Ana", "roles": ["Learner"], "email": "Ana@X.org"});
        let parsed = parse_member(&active);
        assert_eq!(parsed.as_ref().map(|m| m.email.as_deref()), Some(Some("ana@x.org")));
        let inactive = serde_json::json!({"user_id": "u2", "status": "Inactive", "roles": []});
        assert_eq!(parse_member(&inactive), None);
    }
}
