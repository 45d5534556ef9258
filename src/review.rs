//! The instructor's review of a course: per-student tallies and scores, the
//! passages worth a look, and the CSV exports built from them. What it counts
//! is what instructors may see ([`crate::export::EXPORT_VIEWER`]), never a
//! private annotation.

pub mod dashboard;
pub mod passages;
pub mod student;
pub mod tables;
pub mod tally;

use crate::db::Db;
use crate::db::{annotations, assignments, courses, replies};
use crate::domain::{Annotation, Assignment, Role};
use crate::export::EXPORT_VIEWER;
use std::collections::HashSet;

/// A student of the course, as the review lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// The course's students, by name.
pub async fn students_of(db: &Db, course_id: i64) -> sqlx::Result<Vec<Student>> {
    let mut students: Vec<Student> = courses::list_members(db, course_id)
        .await?
        .into_iter()
        .filter(|m| m.role == Role::Student)
        .map(|m| Student { id: m.user_id, name: m.name, email: m.email })
        .collect();
    students.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    Ok(students)
}

/// What instructors may see of a reading: its annotations in text order, and
/// the replies to those annotations, oldest first; and its due date and late
/// policy, which say what of it is late and what counts.
#[derive(Debug, Clone, Default)]
pub struct ReadingWork {
    pub annotations: Vec<Annotation>,
    pub replies: Vec<replies::Reply>,
    pub assignment: Option<Assignment>,
}

pub async fn reading_work(db: &Db, reading_id: i64) -> sqlx::Result<ReadingWork> {
    let annotations = annotations::list_visible(db, reading_id, EXPORT_VIEWER).await?;
    let visible: HashSet<_> = annotations.iter().map(|a| a.id).collect();
    let replies = replies::list_for_reading(db, reading_id)
        .await?
        .into_iter()
        .filter(|r| visible.contains(&r.annotation_id))
        .collect();
    let assignment = assignments::find(db, reading_id).await?;
    Ok(ReadingWork { annotations, replies, assignment })
}
