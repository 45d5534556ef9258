//! Courses: what creating, joining and showing one answers.

use schemars::JsonSchema;
use serde::Serialize;

/// A course just made (created or copied); the caller is its instructor.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CreatedCourse {
    pub id: i64,
    pub title: String,
    /// The code students join with.
    pub join_code: String,
}

/// A course just joined, and the caller's role in it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct JoinedCourse {
    pub id: i64,
    pub title: String,
    #[schemars(extend("enum" = ["instructor", "student"]))]
    pub role: &'static str,
}

/// A course as one of its members sees it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Course {
    pub id: i64,
    pub title: String,
    /// The caller's role.
    #[schemars(extend("enum" = ["instructor", "student"]))]
    pub role: &'static str,
    pub readings: Vec<CourseReading>,
    /// For instructors only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_code: Option<String>,
    /// For instructors only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
}

/// A reading in a course's list.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CourseReading {
    pub id: i64,
    pub title: String,
    pub author: String,
    /// RFC 3339 in UTC; null when the reading has no due date.
    pub due_at: Option<String>,
}

/// A member of a course, as its instructors see them.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub email: String,
    #[schemars(extend("enum" = ["instructor", "student"]))]
    pub role: &'static str,
}

/// A one-time link a student sets a new password with.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ResetLink {
    pub link: String,
    #[schemars(extend("format" = "date-time"))]
    pub expires_at: String,
}
