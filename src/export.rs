//! Course exports, one entry point for the API and the command line. An export
//! holds what a course's instructors may see, never private annotations.

use crate::db::{annotations, courses, readings};
use crate::domain::{Annotation, Role, Viewer};
use crate::error::{Error, Result};
use crate::formats::w3c::{self, Iris};
use serde::Deserialize;
use sqlx::SqlitePool;

/// The formats a course can be exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// A W3C `AnnotationCollection` (JSON-LD).
    Jsonld,
    /// One row per annotation.
    Csv,
    /// One row per student: counts and score.
    Gradebook,
    /// The Argument Interchange Format (JSON), for OVA and AIFdb.
    Aif,
}

/// An export ready to be written or sent.
#[derive(Debug, Clone)]
pub struct Export {
    pub content_type: &'static str,
    pub file_name: String,
    pub body: String,
}

/// What exports see: an instructor who wrote nothing, so class and instructor
/// annotations but never anyone's private ones.
pub const EXPORT_VIEWER: Viewer = Viewer { user_id: 0, role: Role::Instructor };

/// The readings of a course to export: all of them, or the one asked for (which must be in the course).
pub async fn readings_of(
    db: &SqlitePool,
    course_id: i64,
    reading: Option<i64>,
) -> Result<Vec<readings::ReadingSummary>> {
    courses::find_course(db, course_id).await?.ok_or(Error::NotFound)?;
    let all = readings::list_for_course(db, course_id).await?;
    match reading {
        None => Ok(all),
        Some(id) => {
            let one: Vec<_> = all.into_iter().filter(|r| r.id == id).collect();
            if one.is_empty() { Err(Error::invalid("reading", "is not a reading of this course")) } else { Ok(one) }
        }
    }
}

/// Every exportable annotation of the readings, reading by reading in text order.
pub async fn annotations_of(db: &SqlitePool, readings: &[readings::ReadingSummary]) -> Result<Vec<Annotation>> {
    let mut all = Vec::new();
    for reading in readings {
        all.extend(annotations::list_visible(db, reading.id, EXPORT_VIEWER).await?);
    }
    Ok(all)
}

/// Exports a course (or one of its readings) in `format`.
pub async fn export_course(
    db: &SqlitePool,
    course_id: i64,
    reading: Option<i64>,
    format: ExportFormat,
    iris: &Iris,
) -> Result<Export> {
    let readings = readings_of(db, course_id, reading).await?;
    match format {
        ExportFormat::Jsonld => {
            let items: Vec<_> = annotations_of(db, &readings).await?.iter().map(|a| w3c::to_jsonld(a, iris)).collect();
            let collection = serde_json::json!({
                "@context": w3c::ANNO_CONTEXT,
                "id": format!("{}/api/courses/{course_id}/export?format=jsonld", iris.base),
                "type": "AnnotationCollection",
                "total": items.len(),
                "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
            });
            Ok(Export {
                content_type: w3c::ANNO_MEDIA_TYPE,
                file_name: format!("course-{course_id}.jsonld"),
                body: serde_json::to_string_pretty(&collection).map_err(anyhow::Error::from)?,
            })
        }
        ExportFormat::Aif => aif_export(course_id, &annotations_of(db, &readings).await?),
        ExportFormat::Csv | ExportFormat::Gradebook => {
            Err(Error::invalid("format", "this export format is not available yet; use jsonld"))
        }
    }
}

/// AIF JSON of the annotations' argument (claims, counterarguments, sources and their links).
fn aif_export(course_id: i64, annotations: &[Annotation]) -> Result<Export> {
    let document = crate::formats::aif::document(annotations);
    Ok(Export {
        content_type: "application/json",
        file_name: format!("course-{course_id}-aif.json"),
        body: serde_json::to_string_pretty(&document).map_err(anyhow::Error::from)?,
    })
}
