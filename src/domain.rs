//! The concepts of DESIGN.md as types that can only hold valid values.
//! No HTTP, no SQL: the web and store layers convert at their edges.

mod annotation;
mod assignment;
mod classroom;
mod course;
mod link;
mod reading;
mod reply;
mod rubric;
mod user;

pub use annotation::{Annotation, AnnotationId, Comment, Kind, NewAnnotation, Tags, Visibility};
pub use assignment::{Assignment, DueStatus, LatePolicy, MAX_SHIFT_DAYS, UtcOffset, parse_rfc3339};
pub use classroom::{Circles, Discussion, GroupName, Vocabulary};
pub use course::{Course, JoinCode, Role, Title, Viewer};
pub use link::{Link, LinkError, Relation, links_on_cycles};
pub use reading::Reading;
pub use reply::Reply;
pub use rubric::{Rubric, RubricFields, word_count};
pub use user::{DisplayName, Email, Password, Registration, User};

/// A value a user gave that does not fit; `field` names it, `message` says why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

/// Trims `value` and checks it is non-empty and at most `max` code points.
pub(crate) fn bounded_text(field: &'static str, value: &str, max: usize) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    check_length(field, value, max)?;
    Ok(value.to_owned())
}

/// Checks `value` is at most `max` code points and free of NUL bytes.
pub fn check_length(field: &'static str, value: &str, max: usize) -> Result<(), Invalid> {
    if value.chars().count() > max {
        return Err(Invalid::new(field, format!("must be at most {max} characters")));
    }
    if value.contains('\0') {
        return Err(Invalid::new(field, "must not contain NUL characters"));
    }
    Ok(())
}
