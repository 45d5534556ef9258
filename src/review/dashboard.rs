//! The course review's tables as one value, derived once per revision of the
//! course (see the `revisions` migration) and shared by every instructor's page
//! until a write moves it on: each reading's tallies under the rubric, their sum
//! over the course, the rubric, the post-first and departed-work settings and
//! the course's groups.

use super::students_of;
use super::tables::{ReadingTable, course_tallies, reading_tables};
use crate::db::Db;
use crate::db::departures;
use crate::db::groups::{self, Group};
use crate::db::readings::{self, ReadingSummary};
use crate::db::review;
use crate::domain::Rubric;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub rubric: Rubric,
    pub post_first: bool,
    /// One table per reading, in the course's order.
    pub tables: Vec<ReadingTable>,
    /// Each student's work summed over the readings.
    pub course_wide: ReadingTable,
    /// Whether a departed student's work stays, anonymised (a change to the setting moves the revision).
    pub keeps_departed_work: bool,
    /// The course's groups, for the filter (a group added, renamed or removed moves the revision;
    /// their members are read afresh when the tables are filtered to one).
    pub groups: Vec<Group>,
}

/// The course's dashboard and the revision it was derived at, or `None` if there is no such course.
/// The revision is read first, so the dashboard shows at least everything up to it.
pub async fn load(db: &Db, course_id: i64) -> Result<Option<(i64, Dashboard)>> {
    let Some((_, revision)) = review::course_with_revision(db, course_id).await? else { return Ok(None) };
    let rubric = review::rubric_of(db, course_id).await?;
    let students = students_of(db, course_id).await?;
    let all_readings = readings::list_for_course(db, course_id).await?;
    let tables = reading_tables(db, &students, &all_readings, &rubric).await?;
    let course_wide = ReadingTable {
        reading: ReadingSummary { id: 0, title: "All readings".to_owned(), author: String::new() },
        tallies: course_tallies(&students, &tables),
    };
    let post_first = review::post_first(db, course_id).await?;
    let keeps_departed_work = departures::keeps_departed_work(db, course_id).await?;
    let groups = groups::list_groups(db, course_id, None).await?;
    Ok(Some((revision, Dashboard { rubric, post_first, tables, course_wide, keeps_departed_work, groups })))
}
