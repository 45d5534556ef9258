//! Per-student tallies of a reading: annotations by kind, replies, words
//! written, last activity and the rubric's score; and how a table of them sorts.
//! Pure.

use super::{ReadingWork, Student};
use crate::domain::{Invalid, Kind, LatePolicy, Rubric, word_count};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::str::FromStr;

/// One student's work on a reading (or, summed, on a course).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub student_id: i64,
    pub name: String,
    pub email: String,
    /// Annotations by kind, in the order of [`Kind::ALL`].
    pub kinds: [usize; 5],
    pub replies: usize,
    pub words: usize,
    pub last_activity: Option<DateTime<Utc>>,
    pub score: u64,
    /// Annotations and replies created after the reading's due date.
    pub late: usize,
    /// Annotations that count toward the score (long enough, and not late under `exclude`):
    /// one of them is what "finished" means on the course page.
    pub counted: usize,
    /// Late annotations and replies that count toward the score under the `mark` policy:
    /// the score is flagged when there are any.
    pub flagged: usize,
}

impl Tally {
    fn new(student: &Student) -> Self {
        Self {
            student_id: student.id,
            name: student.name.clone(),
            email: student.email.clone(),
            kinds: [0; 5],
            replies: 0,
            words: 0,
            last_activity: None,
            score: 0,
            late: 0,
            counted: 0,
            flagged: 0,
        }
    }

    /// How many annotations, of every kind.
    #[must_use]
    pub fn annotations(&self) -> usize {
        self.kinds.iter().sum()
    }

    /// Adds another tally of the same student (another reading's) to this one.
    pub fn add(&mut self, other: &Tally) {
        for (mine, theirs) in self.kinds.iter_mut().zip(other.kinds) {
            *mine += theirs;
        }
        self.replies += other.replies;
        self.words += other.words;
        self.last_activity = self.last_activity.max(other.last_activity);
        self.score = self.score.saturating_add(other.score);
        self.late += other.late;
        self.counted += other.counted;
        self.flagged += other.flagged;
    }

    /// The last activity as shown: a date and time in UTC, or nothing.
    #[must_use]
    pub fn last_activity_text(&self) -> String {
        self.last_activity.map(|t| t.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default()
    }
}

/// Each student's tally of a reading's work, in the order of `students`.
/// Work by anyone else (instructors, people who left) is not tallied. Work
/// after the reading's due date is tallied as late; under the `exclude` policy
/// it does not count toward the score, under `mark` it counts and is flagged.
#[must_use]
pub fn tally(students: &[Student], work: &ReadingWork, rubric: &Rubric) -> Vec<Tally> {
    let mut tallies: Vec<Tally> = students.iter().map(Tally::new).collect();
    let mut counted: Vec<([usize; 5], usize)> = vec![([0; 5], 0); students.len()];
    let index: HashMap<i64, usize> = students.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    // (late, counts toward the score) for work created at `created`.
    let timing = |created: DateTime<Utc>| match work.assignment {
        Some(assignment) => (assignment.is_late(created), assignment.counts(created)),
        None => (false, true),
    };
    let marks = work.assignment.is_some_and(|a| a.late_policy == LatePolicy::Mark);
    for a in &work.annotations {
        let Some(&i) = index.get(&a.author_id) else { continue };
        let kind = Kind::ALL.iter().position(|k| *k == a.kind).unwrap_or(0);
        let t = &mut tallies[i];
        let (late, in_time) = timing(a.created);
        t.kinds[kind] += 1;
        t.words += word_count(&a.comment);
        t.last_activity = t.last_activity.max(Some(a.modified));
        t.late += usize::from(late);
        if rubric.counts(&a.comment) && in_time {
            counted[i].0[kind] += 1;
            t.counted += 1;
            t.flagged += usize::from(late && marks);
        }
    }
    for r in &work.replies {
        let Some(&i) = index.get(&r.author_id) else { continue };
        let t = &mut tallies[i];
        let (late, in_time) = timing(r.created);
        t.replies += 1;
        t.words += word_count(&r.text);
        t.last_activity = t.last_activity.max(Some(r.created));
        t.late += usize::from(late);
        if rubric.counts(&r.text) && in_time {
            counted[i].1 += 1;
            t.flagged += usize::from(late && marks);
        }
    }
    for (t, (kinds, replies)) in tallies.iter_mut().zip(counted) {
        t.score = rubric.score(kinds, replies);
    }
    tallies
}

/// The sum of a table's tallies, for its totals row.
#[must_use]
pub fn total(tallies: &[Tally]) -> Tally {
    let mut sum = Tally::new(&Student { id: 0, name: "Total".to_owned(), email: String::new() });
    for t in tallies {
        sum.add(t);
    }
    sum
}

/// A column of the review table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Kind(Kind),
    Replies,
    Words,
    Late,
    LastActivity,
    Score,
}

impl Column {
    /// Every column, in the table's order.
    pub const ALL: [Column; 11] = [
        Column::Name,
        Column::Kind(Kind::Claim),
        Column::Kind(Kind::Counterargument),
        Column::Kind(Kind::Source),
        Column::Kind(Kind::Question),
        Column::Kind(Kind::Note),
        Column::Replies,
        Column::Words,
        Column::Late,
        Column::LastActivity,
        Column::Score,
    ];

    /// The column's name in `?sort=`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Kind(kind) => kind.as_str(),
            Column::Replies => "replies",
            Column::Words => "words",
            Column::Late => "late",
            Column::LastActivity => "last",
            Column::Score => "score",
        }
    }

    /// The column's heading.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Column::Name => "Student",
            Column::Kind(Kind::Claim) => "Claims",
            Column::Kind(Kind::Counterargument) => "Counterarguments",
            Column::Kind(Kind::Source) => "Sources",
            Column::Kind(Kind::Question) => "Questions",
            Column::Kind(Kind::Note) => "Notes",
            Column::Replies => "Replies",
            Column::Words => "Words",
            Column::Late => "Late",
            Column::LastActivity => "Last activity",
            Column::Score => "Score",
        }
    }

    fn compare(self, a: &Tally, b: &Tally) -> Ordering {
        match self {
            Column::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            Column::Kind(kind) => {
                let i = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
                a.kinds[i].cmp(&b.kinds[i])
            }
            Column::Replies => a.replies.cmp(&b.replies),
            Column::Words => a.words.cmp(&b.words),
            Column::Late => a.late.cmp(&b.late),
            Column::LastActivity => a.last_activity.cmp(&b.last_activity),
            Column::Score => a.score.cmp(&b.score),
        }
    }
}

/// How a table is sorted: `?sort=words` ascending, `?sort=-words` descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Self { column: Column::Name, descending: false }
    }
}

impl FromStr for Sort {
    type Err = Invalid;
    fn from_str(value: &str) -> Result<Self, Invalid> {
        let (descending, key) = match value.strip_prefix('-') {
            Some(key) => (true, key),
            None => (false, value),
        };
        Column::ALL.into_iter().find(|c| c.key() == key).map(|column| Sort { column, descending }).ok_or_else(|| {
            let keys: Vec<&str> = Column::ALL.iter().map(|c| c.key()).collect();
            Invalid::new("sort", format!("unknown column {key:?}; sort by one of {}", keys.join(", ")))
        })
    }
}

impl Sort {
    /// The value of `?sort=` for this order.
    #[must_use]
    pub fn param(self) -> String {
        if self.descending { format!("-{}", self.column.key()) } else { self.column.key().to_owned() }
    }

    /// Where a column's heading links: the other direction if the table is sorted
    /// by it, else names A to Z and numbers most first.
    #[must_use]
    pub fn link_for(self, column: Column) -> Sort {
        if column == self.column {
            Sort { column, descending: !self.descending }
        } else {
            Sort { column, descending: column != Column::Name }
        }
    }

    /// `aria-sort` for a column's heading, when the table is sorted by it.
    #[must_use]
    pub fn aria_for(self, column: Column) -> Option<&'static str> {
        (column == self.column).then_some(if self.descending { "descending" } else { "ascending" })
    }

    /// Sorts the tallies; ties go by name, then by id, so the order is stable.
    pub fn apply(self, tallies: &mut [Tally]) {
        tallies.sort_by(|a, b| {
            let primary = self.column.compare(a, b);
            let primary = if self.descending { primary.reverse() } else { primary };
            primary.then_with(|| Column::Name.compare(a, b)).then(a.student_id.cmp(&b.student_id))
        });
    }
}

#[cfg(test)]
mod tests;
