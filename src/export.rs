//! Course exports, one entry point for the API and the command line. An export
//! holds what a course's instructors may see, never private annotations.

use crate::db::Db;
use crate::db::{annotations, courses, readings, replies, w3c as store};
use crate::domain::{Annotation, AnnotationId, Role, Viewer};
use crate::error::{Error, Result};
use crate::formats::w3c::{self, About, Iris, Page, PageForm, ReplyOut};
use serde::Deserialize;
use serde_json::Value;

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
pub async fn readings_of(db: &Db, course_id: i64, reading: Option<i64>) -> Result<Vec<readings::ReadingSummary>> {
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
pub async fn annotations_of(db: &Db, readings: &[readings::ReadingSummary]) -> Result<Vec<Annotation>> {
    let mut all = Vec::new();
    for reading in readings {
        all.extend(annotations::list_visible(db, reading.id, EXPORT_VIEWER).await?);
    }
    Ok(all)
}

/// Exports a course (or one of its readings) in `format`.
pub async fn export_course(
    db: &Db,
    course_id: i64,
    reading: Option<i64>,
    format: ExportFormat,
    iris: &Iris,
) -> Result<Export> {
    let readings = readings_of(db, course_id, reading).await?;
    match format {
        ExportFormat::Jsonld => {
            let collection = jsonld_collection(db, course_id, &readings, iris).await?;
            Ok(Export {
                content_type: w3c::ANNO_MEDIA_TYPE,
                file_name: format!("course-{course_id}.jsonld"),
                body: serde_json::to_string_pretty(&collection).map_err(anyhow::Error::from)?,
            })
        }
        ExportFormat::Csv => crate::review::tables::annotations_csv(db, course_id, &readings).await,
        ExportFormat::Gradebook => crate::review::tables::gradebook_csv(db, course_id, &readings).await,
        ExportFormat::Aif => aif_export(course_id, &annotations_of(db, &readings).await?),
    }
}

/// A W3C `AnnotationCollection` of the readings' annotations followed by their
/// replies (annotations with motivation `replying`), on one embedded page.
async fn jsonld_collection(
    db: &Db,
    course_id: i64,
    readings: &[readings::ReadingSummary],
    iris: &Iris,
) -> Result<Value> {
    let mut items = Vec::new();
    let mut reply_list = Vec::new();
    let mut modified = None;
    for reading in readings {
        // Orphans too (after the anchored ones): with their quote only and `"orphaned": true`.
        let mut annotations = annotations::list_visible(db, reading.id, EXPORT_VIEWER).await?;
        annotations.extend(annotations::list_visible_orphans(db, reading.id, EXPORT_VIEWER).await?);
        let provenance = store::provenance_in_reading(db, reading.id).await?;
        modified = modified.max(annotations.iter().map(|a| a.modified).max());
        items.extend(annotations.iter().map(|a| w3c::to_jsonld_with(a, iris, provenance.get(&a.id))));
        let ids: Vec<AnnotationId> = annotations.iter().map(|a| a.id).collect();
        reply_list.extend(reply_items(db, &ids, reading.id, iris).await?);
    }
    items.extend(reply_list);
    let id = format!("{}/api/courses/{course_id}/export?format=jsonld", iris.base);
    let modified = modified.map(w3c::utc);
    let page = Page { number: 0, total: items.len(), per_page: items.len().max(1), items };
    let label = format!("Annotations of course {course_id}");
    let about = About { label: &label, modified: modified.as_deref(), container: false, minimal: false };
    Ok(w3c::collection(&id, PageForm::default(), page, about))
}

/// The replies to `parents` (annotations the caller has checked the viewer may see), oldest first, as JSON-LD.
pub async fn reply_items(db: &Db, parents: &[AnnotationId], reading_id: i64, iris: &Iris) -> Result<Vec<Value>> {
    let provenance = store::provenance_in_reading(db, reading_id).await?;
    let all = replies::list_for_reading(db, reading_id).await?;
    let parents: std::collections::HashSet<&AnnotationId> = parents.iter().collect();
    let items = all.iter().filter(|r| parents.contains(&r.annotation_id)).map(|r| {
        let out = ReplyOut {
            id: r.id,
            parent: r.annotation_id,
            reading_id,
            author_id: r.author_id,
            author_name: &r.author_name,
            text: &r.text,
            created: r.created,
        };
        w3c::reply_to_jsonld(out, iris, provenance.get(&r.id))
    });
    Ok(items.collect())
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

/// Everything `user_id` wrote, for them to take along: their annotations (private
/// ones too) and replies in every course they belong to, and the feedback they
/// received, as one W3C `AnnotationCollection`. Feedback is an annotation with
/// motivation `assessing` whose target is the annotation it is about.
pub async fn export_account(db: &Db, user_id: i64, iris: &Iris) -> Result<Value> {
    let mut items = Vec::new();
    let mut reply_list = Vec::new();
    for course in courses::list_for_user(db, user_id).await? {
        let role = course.role;
        let viewer = Viewer { user_id, role };
        for reading in readings::list_for_course(db, course.id).await? {
            let annotations = annotations::list_visible(db, reading.id, viewer).await?;
            let provenance = store::provenance_in_reading(db, reading.id).await?;
            let mine = annotations.iter().filter(|a| a.author_id == user_id);
            items.extend(mine.map(|a| w3c::to_jsonld_with(a, iris, provenance.get(&a.id))));
            let seen: Vec<AnnotationId> = annotations.iter().map(|a| a.id).collect();
            let replies = reply_items(db, &seen, reading.id, iris).await?;
            let own = iris.user(user_id);
            reply_list.extend(replies.into_iter().filter(|r| r["creator"]["id"].as_str() == Some(own.as_str())));
        }
    }
    items.extend(reply_list);
    for given in crate::db::feedback::list_for_author(db, user_id).await? {
        let feedback = &given.feedback;
        items.push(serde_json::json!({
            "id": format!("urn:uuid:{}", feedback.id),
            "type": "Annotation",
            "motivation": "assessing",
            "created": w3c::utc(feedback.created),
            "creator": {"type": "Person", "name": feedback.author_name},
            "body": {"type": "TextualBody", "value": feedback.text, "format": "text/plain"},
            "target": iris.annotation(given.reading_id, feedback.annotation_id),
        }));
    }
    let id = format!("{}/api/account/export", iris.base);
    let page = Page { number: 0, total: items.len(), per_page: items.len().max(1), items };
    let about = About { label: "Everything I wrote", modified: None, container: false, minimal: false };
    Ok(w3c::collection(&id, PageForm::default(), page, about))
}
