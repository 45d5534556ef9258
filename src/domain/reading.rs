//! Readings: a document in a course with its canonical text and blocks.

use crate::text::Document;

/// A reading with its text, ready to render or anchor in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub id: i64,
    pub course_id: i64,
    pub title: String,
    pub author: String,
    pub doc: Document,
}
