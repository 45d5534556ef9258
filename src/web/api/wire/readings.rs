//! Readings: a reading, a replaced text's report, the text's versions.

use crate::db::versions::Version;
use crate::domain::AnnotationId;
use crate::text::Block;
use schemars::JsonSchema;
use serde::Serialize;

/// A reading: its canonical text and the blocks that tile it (offsets in code points).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Reading {
    pub id: i64,
    pub course_id: i64,
    pub title: String,
    pub author: String,
    pub text: String,
    pub blocks: Vec<Block>,
}

/// What became of the annotations when a reading's text was replaced: their ids by fate.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TextReplaced {
    pub id: i64,
    /// The new version of the text.
    pub version: i64,
    /// Same place, same quote.
    pub kept: Vec<AnnotationId>,
    /// Same quote, found elsewhere.
    pub moved: Vec<AnnotationId>,
    /// Anchored again, to a quote that changed a little.
    pub edited: Vec<AnnotationId>,
    /// Not found in the new text: kept with their quote only.
    pub orphaned: Vec<AnnotationId>,
}

/// A reading's text versions, newest first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReadingVersions {
    pub id: i64,
    pub versions: Vec<Version>,
}
