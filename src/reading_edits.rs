//! Replacing a reading's text (instructors), shared by the API and the settings
//! page: a preview of what becomes of every annotation, then the save, which
//! computes the same plan again against the text as it then stands and stores
//! it in one transaction.

use crate::db::Db;
use crate::db::readings;
use crate::db::versions::{self, Anchored, Refused, Replacement};
use crate::domain::{AnnotationId, Title, check_length};
use crate::error::{Error, Result};
use crate::offload::Offload;
use crate::text::Document;
use crate::text::import::{self, SourceFormat};
use crate::text::reanchor::{Fate, Limits, Outcome, Reanchorer};
use serde::Serialize;

/// The replacement an instructor asks for.
#[derive(Debug, Clone)]
pub struct NewText<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub format: SourceFormat,
    pub source: &'a str,
}

/// What becomes of the annotations: their ids by fate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub kept: Vec<AnnotationId>,
    pub moved: Vec<AnnotationId>,
    pub edited: Vec<AnnotationId>,
    pub orphaned: Vec<AnnotationId>,
}

impl Report {
    fn add(&mut self, fate: Fate, id: AnnotationId) {
        match fate {
            Fate::Kept => self.kept.push(id),
            Fate::Moved => self.moved.push(id),
            Fate::Edited => self.edited.push(id),
            Fate::Orphaned => self.orphaned.push(id),
        }
    }
}

/// The new text and the annotations' places in it, not yet stored.
pub struct Plan {
    pub title: Title,
    pub author: String,
    pub doc: Document,
    pub from_version: i64,
    pub placements: Vec<(Anchored, Outcome)>,
    pub report: Report,
}

/// Parses the new text and places every anchored annotation of the reading in it.
///
/// Bad input (a blank title, an empty or oversized source) is a 4xx. The import
/// and the re-anchoring run off the async workers, under the heavy-task budget.
pub async fn plan(db: &Db, offload: &Offload, reading_id: i64, new: &NewText<'_>) -> Result<Plan> {
    let title = Title::parse(new.title)?;
    let author = new.author.trim().to_owned();
    check_length("author", &author, 200)?;
    if new.source.len() > import::MAX_SOURCE_BYTES {
        return Err(Error::TooLarge(format!("the source is larger than {} bytes", import::MAX_SOURCE_BYTES)));
    }
    let old = readings::find_reading(db, reading_id).await?.ok_or(Error::NotFound)?;
    let (from_version, anchored) = versions::anchored_in(db, reading_id).await?;
    let (format, source) = (new.format, new.source.to_owned());
    let (doc, placements) = offload
        .run(move || -> Result<(Document, Vec<(Anchored, Outcome)>)> {
            let doc = import::import(format, &source)?;
            let mut reanchorer = Reanchorer::new(&old.doc.text, &doc.text, Limits::default());
            let placements = anchored
                .into_iter()
                .map(|a| {
                    let outcome = reanchorer.place(a.position, &a.quote);
                    (a, outcome)
                })
                .collect();
            Ok((doc, placements))
        })
        .await??;
    let mut report = Report::default();
    for (annotation, outcome) in &placements {
        report.add(outcome.fate, annotation.id);
    }
    Ok(Plan { title, author, doc, from_version, placements, report })
}

/// Plans and stores the replacement as `editor_id`; the new version and the report.
///
/// If another replacement was stored between the plan and the save, nothing is
/// stored and the answer is a 409: the plan was made against a text that is gone.
pub async fn save(
    db: &Db,
    offload: &Offload,
    (reading_id, editor_id): (i64, i64),
    new: &NewText<'_>,
) -> Result<(i64, Report)> {
    let plan = plan(db, offload, reading_id, new).await?;
    let replacement = Replacement {
        reading_id,
        editor_id,
        from_version: plan.from_version,
        title: &plan.title,
        author: &plan.author,
        format: new.format,
        source: new.source,
        doc: &plan.doc,
        placements: &plan.placements,
    };
    let (version, fates) = match versions::replace_text(db, &replacement).await {
        Ok(done) => done,
        Err(Refused::Stale) => {
            return Err(Error::Conflict(
                "the reading's text was replaced meanwhile; look at it again and retry".into(),
            ));
        }
        Err(Refused::Database(e)) => return Err(e.into()),
    };
    let mut report = Report::default();
    for fate in [Fate::Kept, Fate::Moved, Fate::Edited, Fate::Orphaned] {
        for id in fates.get(&fate).into_iter().flatten() {
            report.add(fate, *id);
        }
    }
    tracing::info!(reading_id, editor_id, version, orphaned = report.orphaned.len(), "a reading's text was replaced");
    Ok((version, report))
}
