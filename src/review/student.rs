//! One student's whole contribution to a course, for its instructors: on each
//! reading, their annotations (with their links), their replies, the feedback
//! they received and their score under the rubric. What it shows is what
//! instructors may see ([`crate::export::EXPORT_VIEWER`]), never a private annotation.

use super::{Student, reading_work, tally::tally};
use crate::db::Db;
use crate::db::feedback::{self, Feedback};
use crate::db::readings::{self, ReadingSummary};
use crate::db::replies::Reply;
use crate::db::review;
use crate::domain::{Annotation, AnnotationId};
use std::collections::HashMap;

/// A link of the student's annotation, as the page shows it.
#[derive(Debug, Clone)]
pub struct LinkOut {
    pub relation: &'static str,
    pub target: AnnotationId,
    pub quote: String,
}

/// One reading's share of the student's work.
#[derive(Debug, Clone)]
pub struct StudentReading {
    pub reading: ReadingSummary,
    /// Their annotations in text order, each with its links.
    pub annotations: Vec<(Annotation, Vec<LinkOut>)>,
    /// Their replies, each with the quote of the thread's annotation.
    pub replies: Vec<(Reply, String)>,
    pub feedback: Vec<Feedback>,
    pub score: u64,
}

impl StudentReading {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.annotations.is_empty() && self.replies.is_empty()
    }
}

/// The student's work on every reading of the course, in the course's order.
pub async fn work_of(db: &Db, course_id: i64, student: &Student) -> sqlx::Result<Vec<StudentReading>> {
    let rubric = review::rubric_of(db, course_id).await?;
    let mut out = Vec::new();
    for reading in readings::list_for_course(db, course_id).await? {
        let work = reading_work(db, reading.id).await?;
        let score = tally(std::slice::from_ref(student), &work, &rubric).first().map_or(0, |t| t.score);
        let quotes: HashMap<AnnotationId, &str> =
            work.annotations.iter().map(|a| (a.id, a.quote.exact.as_str())).collect();
        let annotations: Vec<(Annotation, Vec<LinkOut>)> = work
            .annotations
            .iter()
            .filter(|a| a.author_id == student.id)
            .map(|a| {
                let links = a
                    .links
                    .iter()
                    .map(|l| LinkOut {
                        relation: l.relation.as_str(),
                        target: l.to,
                        quote: quotes.get(&l.to).copied().unwrap_or_default().to_owned(),
                    })
                    .collect();
                (a.clone(), links)
            })
            .collect();
        let replies = work
            .replies
            .iter()
            .filter(|r| r.author_id == student.id)
            .map(|r| (r.clone(), quotes.get(&r.annotation_id).copied().unwrap_or_default().to_owned()))
            .collect();
        let mine: Vec<AnnotationId> = annotations.iter().map(|(a, _)| a.id).collect();
        let feedback = feedback::list_for_reading(db, reading.id)
            .await?
            .into_iter()
            .filter(|f| mine.contains(&f.annotation_id))
            .collect();
        out.push(StudentReading { reading, annotations, replies, feedback, score });
    }
    Ok(out)
}
