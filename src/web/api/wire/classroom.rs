//! A course's groups, settings and tag vocabulary.

use schemars::JsonSchema;
use serde::Serialize;

/// The groups the caller may see: every group for instructors, one's own for students.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Groups {
    pub groups: Vec<Group>,
}

/// A group and its students.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub members: Vec<GroupMember>,
}

/// A student in a group.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupMember {
    pub id: i64,
    pub name: String,
}

impl From<&crate::db::groups::Group> for Group {
    fn from(group: &crate::db::groups::Group) -> Self {
        let members = group.members.iter().map(|(id, name)| GroupMember { id: *id, name: name.clone() }).collect();
        Group { id: group.id, name: group.name.clone(), members }
    }
}

/// A course's settings.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CourseSettings {
    /// Whether students discuss with the whole class or within their groups.
    #[schemars(extend("enum" = ["class", "groups"]))]
    pub discussion: &'static str,
    /// Whether students see classmates' annotations only after posting their own.
    pub post_first: bool,
}

/// A course's tag vocabulary, in its order.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Tags {
    pub tags: Vec<String>,
}
