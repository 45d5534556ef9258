//! The course page's list of readings: for a student their home (each
//! reading's due status, their own progress, the reading's totals and what is
//! new since their last visit), for an instructor the class's progress (due
//! dates, how many students started and finished, links to the reviews).

use crate::assignments::{ReadingLine, reading_lines};
use crate::db::readings::ReadingSummary;
use crate::error::Result;
use crate::web::{AppState, CourseAccess};
use std::collections::HashMap;

/// One reading as the course page draws it.
pub struct Line {
    pub id: i64,
    pub title: String,
    pub author: String,
    /// `opens`, `due`, `overdue` or `closed`, and the words ("due Friday 17:00").
    pub status: Option<(&'static str, String)>,
    /// The due date in full in the course's time zone, and as RFC 3339.
    pub due_full: String,
    pub due_iso: String,
    pub mine: Option<Mine>,
    pub class: Option<Class>,
}

/// A student's own line: what they wrote, what the reading holds, what is new.
pub struct Mine {
    pub annotations: i64,
    pub replies: i64,
    pub total_annotations: i64,
    pub total_replies: i64,
    /// "3 new annotations, 1 reply to you", empty when nothing is new.
    pub news: String,
    pub news_href: String,
    pub new_annotations: i64,
    pub opened: bool,
}

/// An instructor's line: how many students started and finished (earned a
/// counted annotation under the rubric and the late policy).
pub struct Class {
    pub started: usize,
    pub finished: usize,
    pub students: usize,
}

/// The course's readings as `access`'s viewer sees them on the course page.
pub async fn lines(state: &AppState, access: &CourseAccess, readings: Vec<ReadingSummary>) -> Result<Vec<Line>> {
    let instructor = access.viewer.is_instructor();
    let progress_of = (!instructor).then_some(access.viewer);
    let (lines, _) = reading_lines(&state.db, access.course_id, readings, progress_of, chrono::Utc::now()).await?;
    let mut classes: HashMap<i64, Class> = HashMap::new();
    if instructor {
        let dashboard = state.reviews.dashboard(&state.db, access.course_id).await?;
        for table in &dashboard.tables {
            let started = table.tallies.iter().filter(|t| t.annotations() + t.replies > 0).count();
            let finished = table.tallies.iter().filter(|t| t.counted > 0).count();
            classes.insert(table.reading.id, Class { started, finished, students: table.tallies.len() });
        }
    }
    Ok(lines.into_iter().map(|line| draw(line, &mut classes)).collect())
}

fn draw(line: ReadingLine, classes: &mut HashMap<i64, Class>) -> Line {
    let news = line.news();
    let news_href = line.news_href();
    let ReadingLine { reading, status, due_full, due_iso, progress } = line;
    Line {
        id: reading.id,
        class: classes.remove(&reading.id),
        title: reading.title,
        author: reading.author,
        status: status.map(|s| (s.key(), s.to_string())),
        due_full: due_full.unwrap_or_default(),
        due_iso: due_iso.unwrap_or_default(),
        mine: progress.map(|p| Mine {
            annotations: p.mine,
            replies: p.my_replies,
            total_annotations: p.annotations,
            total_replies: p.replies,
            news,
            news_href,
            new_annotations: p.new_annotations,
            opened: p.visited_at.is_some(),
        }),
    }
}
