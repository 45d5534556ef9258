//! The claims of an LTI 1.3 id_token that Counterpoint reads, and the rules
//! that turn them into its own terms: roles, names, titles. Pure: no HTTP, no SQL.

use crate::domain::Role;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

pub const MESSAGE_TYPE: &str = "https://purl.imsglobal.org/spec/lti/claim/message_type";
pub const VERSION: &str = "https://purl.imsglobal.org/spec/lti/claim/version";
pub const DEPLOYMENT_ID: &str = "https://purl.imsglobal.org/spec/lti/claim/deployment_id";
pub const TARGET_LINK_URI: &str = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri";
pub const RESOURCE_LINK: &str = "https://purl.imsglobal.org/spec/lti/claim/resource_link";
pub const ROLES: &str = "https://purl.imsglobal.org/spec/lti/claim/roles";
pub const CONTEXT: &str = "https://purl.imsglobal.org/spec/lti/claim/context";
pub const CUSTOM: &str = "https://purl.imsglobal.org/spec/lti/claim/custom";
pub const NRPS: &str = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice";
pub const AGS: &str = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
pub const DEEP_LINKING_SETTINGS: &str = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings";
pub const DEEP_LINKING_CONTENT_ITEMS: &str = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items";
pub const DEEP_LINKING_DATA: &str = "https://purl.imsglobal.org/spec/lti-dl/claim/data";

pub const RESOURCE_LINK_REQUEST: &str = "LtiResourceLinkRequest";
pub const DEEP_LINKING_REQUEST: &str = "LtiDeepLinkingRequest";
pub const DEEP_LINKING_RESPONSE: &str = "LtiDeepLinkingResponse";

/// The custom parameter a deep link puts on the resource link it creates.
pub const READING_PARAMETER: &str = "counterpoint_reading";

/// An id_token's payload as Counterpoint reads it (the standard claims are checked
/// by `launch`; unknown claims are ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct IdToken {
    pub iss: String,
    #[serde(default)]
    pub aud: Audience,
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub sub: Option<String>,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub iat: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/message_type", default)]
    pub message_type: Option<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/version", default)]
    pub version: Option<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/deployment_id", default)]
    pub deployment_id: Option<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/roles", default)]
    pub roles: Vec<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/context", default)]
    pub context: Option<Context>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/resource_link", default)]
    pub resource_link: Option<ResourceLink>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/custom", default)]
    pub custom: HashMap<String, Value>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice", default)]
    pub nrps: Option<NamesRoleService>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint", default)]
    pub ags: Option<AgsEndpoint>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings", default)]
    pub deep_linking: Option<DeepLinkingSettings>,
}

/// `aud`: one string or an array of them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
    #[default]
    None,
}

impl Audience {
    #[must_use]
    pub fn values(&self) -> Vec<&str> {
        match self {
            Self::One(one) => vec![one.as_str()],
            Self::Many(many) => many.iter().map(String::as_str).collect(),
            Self::None => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Context {
    pub id: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ResourceLink {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NamesRoleService {
    pub context_memberships_url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AgsEndpoint {
    #[serde(default)]
    pub scope: Vec<String>,
    #[serde(default)]
    pub lineitems: Option<String>,
    #[serde(default)]
    pub lineitem: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DeepLinkingSettings {
    pub deep_link_return_url: String,
    #[serde(default)]
    pub accept_types: Vec<String>,
    #[serde(default)]
    pub data: Option<String>,
}

impl IdToken {
    /// A display name from the claims: `name`, else given and family names, else a stand-in.
    #[must_use]
    pub fn display_name(&self) -> String {
        let joined = [self.given_name.as_deref(), self.family_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        display_name(self.name.as_deref().unwrap_or(&joined))
    }

    /// The reading a deep link chose, from the custom parameter.
    #[must_use]
    pub fn chosen_reading(&self) -> Option<i64> {
        match self.custom.get(READING_PARAMETER)? {
            Value::String(s) => s.trim().parse().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }
}

/// A name fit for an account: trimmed, at most 80 characters, never empty.
#[must_use]
pub fn display_name(name: &str) -> String {
    let name: String = name.trim().chars().filter(|c| !c.is_control()).take(80).collect();
    let name = name.trim();
    if name.is_empty() { "LMS user".to_owned() } else { name.to_owned() }
}

/// A course title from an LMS context: its title, else its label, at most 200 characters.
#[must_use]
pub fn course_title(context: &Context) -> String {
    let title = [context.title.as_deref(), context.label.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|t| !t.is_empty())
        .unwrap_or("LMS course");
    title.chars().filter(|c| !c.is_control()).take(200).collect::<String>().trim().to_owned()
}

/// The role in Counterpoint for a set of LTI roles: the context roles Instructor,
/// TeachingAssistant (a sub-role of Instructor), ContentDeveloper and Administrator
/// teach; anything else (Learner, Mentor, none) is a student. Institution and
/// system roles do not count: a professor elsewhere is a learner in this course.
#[must_use]
pub fn role_of(roles: &[String]) -> Role {
    const TEACHING: [&str; 3] = ["Instructor", "ContentDeveloper", "Administrator"];
    let teaches = roles.iter().any(|role| {
        let context_role = role
            .strip_prefix("http://purl.imsglobal.org/vocab/lis/v2/membership#")
            .or_else(|| role.strip_prefix("http://purl.imsglobal.org/vocab/lis/v2/membership/"))
            // LTI 1.3 allows the short names of context roles.
            .or_else(|| (!role.contains(':') && !role.contains('/')).then_some(role.as_str()));
        context_role.is_some_and(|r| {
            let principal = r.split('#').next().unwrap_or(r);
            TEACHING.contains(&principal) || r.ends_with("#TeachingAssistant")
        })
    });
    if teaches { Role::Instructor } else { Role::Student }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn lms_roles_map_to_instructor_or_student() {
        let m = "http://purl.imsglobal.org/vocab/lis/v2/membership#";
        for teaching in [
            format!("{m}Instructor"),
            format!("{m}ContentDeveloper"),
            "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant".to_owned(),
            "Instructor".to_owned(),
        ] {
            assert_eq!(role_of(std::slice::from_ref(&teaching)), Role::Instructor, "{teaching}");
        }
        for learning in [
            roles(&[&format!("{m}Learner")]),
            roles(&["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor", &format!("{m}Learner")]),
            roles(&["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"]),
            roles(&[&format!("{m}Mentor")]),
            Vec::new(),
        ] {
            assert_eq!(role_of(&learning), Role::Student, "{learning:?}");
        }
    }

    #[test]
    fn names_and_titles_are_bounded_and_never_empty() {
        assert_eq!(display_name("  "), "LMS user");
        assert_eq!(display_name(&"é".repeat(100)).chars().count(), 80);
        let context = Context { id: "c".into(), label: Some("HIST 101".into()), title: Some(" ".into()) };
        assert_eq!(course_title(&context), "HIST 101");
        let bare = Context { id: "c".into(), label: None, title: None };
        assert_eq!(course_title(&bare), "LMS course");
    }
}
