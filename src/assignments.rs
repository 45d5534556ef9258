//! Assignment use cases shared by the pages and the API: setting and clearing
//! a reading's due date (instructors), reading it back in the course's time
//! zone, and what a member's course page says of each reading.

use crate::db::Db;
use crate::db::assignments::{self as store, ReadingProgress};
use crate::db::readings::ReadingSummary;
use crate::domain::{Assignment, DueStatus, UtcOffset, Viewer};
use crate::error::{Error, Result};
use crate::formats::w3c::utc;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// The domain's rule: only the course's instructors set due dates (403). The
/// routes answer before this, with `web::Instructor`'s status policy.
fn require_instructor(viewer: Viewer) -> Result<()> {
    if viewer.is_instructor() { Ok(()) } else { Err(Error::Forbidden("only instructors can set due dates")) }
}

/// Gives the reading a due date, opening date and late policy; what is late
/// and every score re-derive at once (the revision triggers move the caches).
pub async fn set(db: &Db, viewer: Viewer, reading_id: i64, assignment: &Assignment) -> Result<()> {
    require_instructor(viewer)?;
    store::save(db, reading_id, assignment).await?;
    tracing::info!(reading_id, due_at = %utc(assignment.due_at()), "due date set");
    Ok(())
}

pub async fn clear(db: &Db, viewer: Viewer, reading_id: i64) -> Result<()> {
    require_instructor(viewer)?;
    store::clear(db, reading_id).await?;
    Ok(())
}

/// A reading's assignment as the API answers it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct AssignmentView {
    pub reading_id: i64,
    /// RFC 3339 in UTC, or null when the reading has no due date.
    pub due_at: Option<String>,
    pub opens_at: Option<String>,
    #[schemars(extend("enum" = ["count", "mark", "exclude", null]))]
    pub late_policy: Option<&'static str>,
    /// The course's time zone, as an offset from UTC (`+01:00`).
    pub time_zone: String,
}

pub async fn view(db: &Db, reading_id: i64, course_id: i64) -> Result<AssignmentView> {
    let assignment = store::find(db, reading_id).await?;
    let zone = store::time_zone(db, course_id).await?;
    Ok(AssignmentView {
        reading_id,
        due_at: assignment.map(|a| utc(a.due_at())),
        opens_at: assignment.and_then(|a| a.opens_at()).map(utc),
        late_policy: assignment.map(|a| a.late_policy.as_str()),
        time_zone: zone.as_text(),
    })
}

/// One reading on a member's course page.
#[derive(Debug, Clone)]
pub struct ReadingLine {
    pub reading: ReadingSummary,
    pub status: Option<DueStatus>,
    /// The due date in full, in the course's time zone, and as RFC 3339 for `<time datetime>`.
    pub due_full: Option<String>,
    pub due_iso: Option<String>,
    pub progress: Option<ReadingProgress>,
}

impl ReadingLine {
    /// "3 new annotations, 1 reply to you", or nothing when nothing is new.
    #[must_use]
    pub fn news(&self) -> String {
        let Some(p) = &self.progress else { return String::new() };
        let mut parts = Vec::new();
        match p.new_annotations {
            0 => {}
            1 => parts.push("1 new annotation".to_owned()),
            n => parts.push(format!("{n} new annotations")),
        }
        match p.new_replies_to_me {
            0 => {}
            1 => parts.push("1 reply to you".to_owned()),
            n => parts.push(format!("{n} replies to you")),
        }
        parts.join(", ")
    }

    /// Where "what is new" links: the reading with only what came after the last visit.
    #[must_use]
    pub fn news_href(&self) -> String {
        let since = self.progress.as_ref().and_then(|p| p.visited_at.clone()).unwrap_or_default();
        format!("/readings/{}?since={}", self.reading.id, since)
    }
}

/// Each reading of the course with its due status in the course's time zone
/// and, for a member who asks, their progress and what is new for them.
pub async fn reading_lines(
    db: &Db,
    course_id: i64,
    readings: Vec<ReadingSummary>,
    progress_of: Option<Viewer>,
    now: DateTime<Utc>,
) -> Result<(Vec<ReadingLine>, UtcOffset)> {
    let zone = store::time_zone(db, course_id).await?;
    let due = store::list_for_course(db, course_id).await?;
    let mut progress: HashMap<i64, ReadingProgress> = match progress_of {
        Some(viewer) => {
            store::progress_for(db, course_id, viewer).await?.into_iter().map(|p| (p.reading_id, p)).collect()
        }
        None => HashMap::new(),
    };
    let lines = readings
        .into_iter()
        .map(|reading| {
            let assignment = due.get(&reading.id);
            ReadingLine {
                status: assignment.map(|a| a.status(now, zone)),
                due_full: assignment.map(|a| zone.full(a.due_at())),
                due_iso: assignment.map(|a| utc(a.due_at())),
                progress: progress.remove(&reading.id),
                reading,
            }
        })
        .collect();
    Ok((lines, zone))
}
