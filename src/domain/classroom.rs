//! How a course's discussion is organised: the whole class, or seminar groups
//! within which students see each other's work; the names of groups; and the
//! course's tag vocabulary.

use super::{Invalid, Tags, Viewer, bounded_text};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

/// Who sees a student's class-visible work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Discussion {
    /// Every member of the course.
    #[default]
    Class,
    /// The student's own group(s) and the instructors.
    Groups,
}

impl Discussion {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Discussion::Class => "class",
            Discussion::Groups => "groups",
        }
    }
}

impl FromStr for Discussion {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s {
            "class" => Ok(Discussion::Class),
            "groups" => Ok(Discussion::Groups),
            _ => Err(Invalid::new("discussion", format!("unknown discussion {s:?}; use class or groups"))),
        }
    }
}

/// A group's name: trimmed, 1 to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupName(String);

impl GroupName {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        bounded_text("name", value, 80).map(Self)
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A course's tag vocabulary: at most [`Vocabulary::MAX`] tags, each a valid tag.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Vocabulary(Vec<String>);

impl Vocabulary {
    pub const MAX: usize = 100;

    pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<Self, Invalid> {
        let mut tags: Vec<String> = Vec::new();
        for value in values {
            let tag = bounded_text("tags", value, Tags::MAX_CHARS)?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
            if tags.len() > Self::MAX {
                return Err(Invalid::new("tags", format!("a vocabulary holds at most {} tags", Self::MAX)));
            }
        }
        Ok(Self(tags))
    }

    /// A vocabulary as stored (already checked).
    #[must_use]
    pub fn from_stored(tags: Vec<String>) -> Self {
        Self(tags)
    }

    #[must_use]
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Refuses tags outside a non-empty vocabulary (an empty one allows any).
    pub fn check(&self, tags: &[String]) -> Result<(), Invalid> {
        if self.0.is_empty() {
            return Ok(());
        }
        match tags.iter().find(|t| !self.0.contains(t)) {
            None => Ok(()),
            Some(tag) => {
                Err(Invalid::new("tags", format!("{tag:?} is not one of this course's tags: {}", self.0.join(", "))))
            }
        }
    }
}

/// The groups rule of a course as [`Viewer::can_see`] needs it: under
/// [`Discussion::Groups`], a student sees another student's work only if they
/// share a group; the instructors' work and their own stay for them. The same
/// rule in SQL is `db::visibility::GROUPS_RULE`, inside `db::visibility::VISIBLE`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Circles {
    pub discussion: Discussion,
    /// The course's instructors (their work is for the whole class).
    pub instructors: HashSet<i64>,
    /// Each member's groups.
    pub groups_of: HashMap<i64, Vec<i64>>,
}

impl Circles {
    /// Whether the groups rule lets `viewer` see work by `author_id` (visibility aside).
    #[must_use]
    pub fn allows(&self, viewer: Viewer, author_id: i64) -> bool {
        if self.discussion == Discussion::Class
            || viewer.is_instructor()
            || viewer.user_id == author_id
            || self.instructors.contains(&author_id)
        {
            return true;
        }
        let (Some(mine), Some(theirs)) = (self.groups_of.get(&viewer.user_id), self.groups_of.get(&author_id)) else {
            return false;
        };
        mine.iter().any(|g| theirs.contains(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    #[test]
    fn under_groups_students_see_their_group_and_the_instructors_only() {
        let student = |user_id| Viewer { user_id, role: Role::Student };
        let mut circles = Circles {
            discussion: Discussion::Groups,
            instructors: HashSet::from([9]),
            groups_of: HashMap::from([(1, vec![10]), (2, vec![10, 11]), (3, vec![11])]),
        };
        assert!(circles.allows(student(1), 2), "same group");
        assert!(!circles.allows(student(1), 3), "another group");
        assert!(circles.allows(student(3), 2), "a member of two groups is seen by both");
        assert!(circles.allows(student(4), 9) && !circles.allows(student(4), 1), "no group: instructors only");
        assert!(circles.allows(Viewer { user_id: 9, role: Role::Instructor }, 3));
        assert!(circles.allows(student(3), 3), "one's own");
        circles.discussion = Discussion::Class;
        assert!(circles.allows(student(1), 3));
    }

    #[test]
    fn a_non_empty_vocabulary_refuses_other_tags() {
        let v = Vocabulary::parse(["realism", " energy ", "realism"]).expect("valid");
        assert_eq!(v.as_slice(), ["realism", "energy"]);
        assert!(v.check(&["energy".into()]).is_ok());
        assert!(v.check(&["trade".into()]).is_err());
        assert!(Vocabulary::default().check(&["anything".into()]).is_ok());
        assert!(Vocabulary::parse([""]).is_err());
        assert!("rooms".parse::<Discussion>().is_err());
    }
}
