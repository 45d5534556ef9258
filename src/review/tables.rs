//! The review's tables: each reading's tallies under the course's rubric, their
//! sum over the course for the gradebook, and the two CSV exports.

use super::tally::{self, Tally};
use super::{Student, reading_work, students_of};
use crate::db::Db;
use crate::db::readings::ReadingSummary;
use crate::db::review;
use crate::domain::Rubric;
use crate::error::Result;
use crate::export::{Export, annotations_of};
use crate::formats::csv;
use std::collections::HashMap;

const CSV_TYPE: &str = "text/csv; charset=utf-8";

/// One reading's tallies, a row per student in the order of the course's students.
#[derive(Debug, Clone)]
pub struct ReadingTable {
    pub reading: ReadingSummary,
    pub tallies: Vec<Tally>,
}

/// Each reading's table under `rubric`.
pub async fn reading_tables(
    db: &Db,
    students: &[Student],
    readings: &[ReadingSummary],
    rubric: &Rubric,
) -> Result<Vec<ReadingTable>> {
    let mut tables = Vec::with_capacity(readings.len());
    for reading in readings {
        let work = reading_work(db, reading.id).await?;
        tables.push(ReadingTable { reading: reading.clone(), tallies: tally::tally(students, &work, rubric) });
    }
    Ok(tables)
}

/// Each student's work summed over the tables (scores are capped per reading, then added).
#[must_use]
pub fn course_tallies(students: &[Student], tables: &[ReadingTable]) -> Vec<Tally> {
    let mut sums = tally::tally(students, &super::ReadingWork::default(), &Rubric::default());
    let index: HashMap<i64, usize> = sums.iter().enumerate().map(|(i, t)| (t.student_id, i)).collect();
    for table in tables {
        for t in &table.tallies {
            if let Some(&i) = index.get(&t.student_id) {
                sums[i].add(t);
            }
        }
    }
    sums
}

/// One row per exportable annotation of the readings.
pub async fn annotations_csv(db: &Db, course_id: i64, readings: &[ReadingSummary]) -> Result<Export> {
    let annotations = annotations_of(db, readings).await?;
    let titles: HashMap<i64, &str> = readings.iter().map(|r| (r.id, r.title.as_str())).collect();
    let body = csv::annotations(annotations.iter().map(|a| (titles.get(&a.reading_id).copied().unwrap_or(""), a)))?;
    Ok(Export { content_type: CSV_TYPE, file_name: format!("course-{course_id}-annotations.csv"), body })
}

/// One row per student: their counts and score over the readings, under the course's rubric.
pub async fn gradebook_csv(db: &Db, course_id: i64, readings: &[ReadingSummary]) -> Result<Export> {
    let students = students_of(db, course_id).await?;
    let rubric = review::rubric_of(db, course_id).await?;
    let tables = reading_tables(db, &students, readings, &rubric).await?;
    let sums = course_tallies(&students, &tables);
    let rows: Vec<csv::GradebookRow<'_>> = sums
        .iter()
        .map(|t| csv::GradebookRow {
            name: &t.name,
            email: &t.email,
            kinds: t.kinds,
            replies: t.replies,
            words: t.words,
            last_activity: t.last_activity.map(crate::db::timestamp).unwrap_or_default(),
            score: t.score,
            late: t.late,
        })
        .collect();
    Ok(Export {
        content_type: CSV_TYPE,
        file_name: format!("course-{course_id}-gradebook.csv"),
        body: csv::gradebook(&rows)?,
    })
}
