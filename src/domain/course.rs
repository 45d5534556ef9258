//! Courses: titles, join codes and members' roles.

use super::{Invalid, bounded_text};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A member's role in a course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Instructor,
    Student,
}

impl Role {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Instructor => "instructor",
            Role::Student => "student",
        }
    }

    #[must_use]
    pub fn is_student(self) -> bool {
        self == Role::Student
    }
}

impl TryFrom<String> for Role {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Invalid> {
        value.parse()
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s {
            "instructor" => Ok(Role::Instructor),
            "student" => Ok(Role::Student),
            _ => Err(Invalid::new("role", format!("unknown role {s:?}"))),
        }
    }
}

/// A course: its title and the code students join it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub id: i64,
    pub title: String,
    pub join_code: String,
}

/// A title of a course or reading: trimmed, non-empty, at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        bounded_text("title", value, 200).map(Self)
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A course's join code: eight characters from an alphabet without look-alikes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinCode(String);

impl JoinCode {
    const ALPHABET: &'static [u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const LEN: usize = 8;

    /// A fresh random code.
    #[must_use]
    pub fn generate() -> Self {
        let mut rng = rand::thread_rng();
        let code = (0..Self::LEN).map(|_| char::from(Self::ALPHABET[rng.gen_range(0..Self::ALPHABET.len())])).collect();
        Self(code)
    }

    /// A code as a person typed it: case and surrounding spaces and dashes do not matter.
    pub fn parse(value: &str) -> Result<Self, Invalid> {
        let code: String =
            value.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
        if code.len() == Self::LEN && code.bytes().all(|b| Self::ALPHABET.contains(&b)) {
            Ok(Self(code))
        } else {
            Err(Invalid::new("join_code", "that is not a join code: it has 8 letters and digits"))
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_join_codes_parse_back_whatever_the_case() {
        let code = JoinCode::generate();
        let typed = format!(" {} ", code.as_str().to_lowercase());
        assert_eq!(JoinCode::parse(&typed).as_ref().map(JoinCode::as_str), Ok(code.as_str()));
        assert!(JoinCode::parse("ABC").is_err());
        assert!(JoinCode::parse("ABCDEFG1").is_err(), "1 is not in the alphabet");
    }
}

/// Who is looking at a course's content: the one input of every visibility rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: i64,
    pub role: Role,
}

impl Viewer {
    #[must_use]
    pub fn is_instructor(self) -> bool {
        self.role == Role::Instructor
    }

    /// Whether this viewer may see an annotation by `author_id` with `visibility`.
    /// The first part of the visibility rule: `snapshot::Snapshot::allows` adds the
    /// course's post-first and groups settings, as `db::visibility::VISIBLE` does in SQL.
    #[must_use]
    pub fn can_see(self, author_id: i64, visibility: super::Visibility) -> bool {
        use super::Visibility::{Class, Instructors, Private};
        author_id == self.user_id
            || match visibility {
                Class => true,
                Instructors => self.is_instructor(),
                Private => false,
            }
    }
}
