//! The course review page (instructors): for each reading a sortable table of
//! students × what they wrote, with totals and the rubric's score; the rubric
//! form and the course's review settings.

use super::{Layout, render};
use crate::db::courses::Course;
use crate::db::review as settings;
use crate::domain::{Rubric, RubricFields};
use crate::error::{Error, Result};
use crate::review::dashboard::{self, Dashboard};
use crate::review::tables::ReadingTable;
use crate::review::tally::{Column, Sort, Tally, total};
use crate::snapshot::Revisioned;
use crate::web::forms::{Form, Query};
use crate::web::{AppState, CourseAccess, Instructor};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

/// What the review pages keep in memory, each until its course's revision moves on
/// (a reading's revision moves its course's, so that covers both pages).
pub struct Reviews {
    dashboards: Revisioned<Dashboard>,
    pub(super) readings: Revisioned<super::reading_review::Drawn>,
}

impl Default for Reviews {
    fn default() -> Self {
        // A course's dashboard is a few kilobytes; a reading's drawn parts are about its page's
        // size again (a few MB for 2,000 annotations), so few readings stay.
        Self { dashboards: Revisioned::new(64), readings: Revisioned::new(4) }
    }
}

impl Reviews {
    /// Forgets what was drawn for a deleted reading.
    pub fn forget_reading(&self, reading_id: i64) {
        self.readings.remove(reading_id);
    }

    /// Forgets everything drawn: another server may have changed any of it unheard.
    pub fn forget_all(&self) {
        self.dashboards.clear();
        self.readings.clear();
    }

    /// The course's dashboard at its current revision (from memory when it has not moved on).
    pub(super) async fn dashboard(&self, db: &crate::db::Db, course_id: i64) -> Result<std::sync::Arc<Dashboard>> {
        let (_, revision) = settings::course_with_revision(db, course_id).await?.ok_or(Error::NotFound)?;
        self.dashboards
            .get(course_id, revision, || async { dashboard::load(db, course_id).await?.ok_or(Error::NotFound) })
            .await
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{course_id}/review", get(show_review))
        .route("/courses/{course_id}/rubric", post(save_rubric))
        .route("/courses/{course_id}/settings", post(save_settings))
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    course: Course,
    columns: Vec<ColumnView>,
    tables: Vec<TableView>,
    rule: String,
    rubric: RubricFields,
    post_first: bool,
    keeps_departed_work: bool,
    /// For a course made by an LMS launch: the latest grade push, if any (`Some(None)`: none yet).
    lms_grades: Option<Option<crate::db::lti::GradeReport>>,
    /// Whether the course's scores go to the LMS by themselves once writes pause.
    lms_auto: bool,
    error: Option<String>,
    /// The course's groups, and the one the tables are filtered to.
    groups: Vec<crate::db::groups::Group>,
    group: Option<i64>,
}

/// A column heading: its sort link and, when the table is sorted by it, `aria-sort`.
struct ColumnView {
    key: &'static str,
    label: &'static str,
    href: String,
    aria_sort: Option<&'static str>,
}

struct TableView {
    /// The reading's id, or `None` for the whole course.
    reading_id: Option<i64>,
    title: String,
    rows: Vec<RowView>,
    total: RowView,
}

struct RowView {
    student_id: i64,
    name: String,
    idle: bool,
    /// Claims … notes, replies, words, late work: `(column key, value)`.
    numbers: Vec<(&'static str, usize)>,
    last_activity: String,
    score: u64,
    /// Late work counted toward the score under the `mark` policy.
    flagged: bool,
}

impl RowView {
    fn new(t: &Tally) -> Self {
        let mut numbers: Vec<(&'static str, usize)> = Column::ALL[1..6].iter().map(|c| c.key()).zip(t.kinds).collect();
        numbers.extend([
            (Column::Replies.key(), t.replies),
            (Column::Words.key(), t.words),
            (Column::Late.key(), t.late),
        ]);
        Self {
            student_id: t.student_id,
            name: t.name.clone(),
            idle: t.annotations() == 0,
            numbers,
            last_activity: t.last_activity_text(),
            score: t.score,
            flagged: t.flagged > 0,
        }
    }
}

#[derive(Deserialize)]
struct ReviewQuery {
    #[serde(default)]
    sort: String,
    /// Only this group's students.
    group: Option<i64>,
}

async fn show_review(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Query(query): Query<ReviewQuery>,
) -> Result<Response> {
    let sort = if query.sort.is_empty() { Sort::default() } else { query.sort.parse()? };
    let members = match query.group {
        Some(group) => {
            Some(crate::db::groups::members_of(&state.db, access.course_id, group).await?.ok_or(Error::NotFound)?)
        }
        None => None,
    };
    review_page(&state, &access, (sort, query.group, members.as_deref()), None, None).await
}

async fn review_page(
    state: &AppState,
    access: &CourseAccess,
    (sort, group, members): (Sort, Option<i64>, Option<&[i64]>),
    form: Option<RubricFields>,
    error: Option<String>,
) -> Result<Response> {
    let (course, revision) =
        settings::course_with_revision(&state.db, access.course_id).await?.ok_or(Error::NotFound)?;
    let dashboard = state
        .reviews
        .dashboards
        .get(course.id, revision, || async { dashboard::load(&state.db, course.id).await?.ok_or(Error::NotFound) })
        .await?;
    let mut views: Vec<TableView> = dashboard.tables.iter().map(|t| table_view(t, sort, members)).collect();
    views.push(TableView { reading_id: None, ..table_view(&dashboard.course_wide, sort, members) });
    let columns = Column::ALL
        .iter()
        .map(|&c| ColumnView {
            key: c.key(),
            label: c.label(),
            href: match group {
                Some(g) => format!("/courses/{}/review?sort={}&group={g}", course.id, sort.link_for(c).param()),
                None => format!("/courses/{}/review?sort={}", course.id, sort.link_for(c).param()),
            },
            aria_sort: sort.aria_for(c),
        })
        .collect();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ReviewPage {
        layout: Layout::for_user(Some(&access.user)),
        post_first: dashboard.post_first,
        keeps_departed_work: dashboard.keeps_departed_work,
        lms_auto: crate::db::lti::contexts::push_on_write(&state.db, access.course_id).await?,
        lms_grades: match crate::db::lti::contexts::context_of_course(&state.db, access.course_id).await? {
            Some(_) => Some(crate::db::lti::grade_report(&state.db, access.course_id).await?),
            None => None,
        },
        course,
        columns,
        tables: views,
        rule: dashboard.rubric.describe(),
        rubric: form.unwrap_or_else(|| dashboard.rubric.fields()),
        error,
        groups: dashboard.groups.clone(),
        group,
    };
    Ok((status, render(&page)?).into_response())
}

/// A reading's table sorted, with only the students in `members` when given (a group).
fn table_view(table: &ReadingTable, sort: Sort, members: Option<&[i64]>) -> TableView {
    let mut tallies = table.tallies.clone();
    if let Some(members) = members {
        tallies.retain(|t| members.contains(&t.student_id));
    }
    sort.apply(&mut tallies);
    TableView {
        reading_id: Some(table.reading.id),
        title: table.reading.title.clone(),
        rows: tallies.iter().map(RowView::new).collect(),
        total: RowView::new(&total(&tallies)),
    }
}

async fn save_rubric(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(fields): Form<RubricFields>,
) -> Result<Response> {
    match Rubric::parse(&fields) {
        Ok(rubric) => {
            settings::save_rubric(&state.db, access.course_id, &rubric).await?;
            Ok(Redirect::to(&format!("/courses/{}/review", access.course_id)).into_response())
        }
        Err(invalid) => {
            review_page(&state, &access, (Sort::default(), None, None), Some(fields), Some(invalid.message)).await
        }
    }
}

#[derive(Deserialize)]
struct SettingsForm {
    /// A checkbox: present when ticked.
    post_first: Option<String>,
    /// `anonymise` (kept when absent) or `delete`.
    departed_work: Option<String>,
}

async fn save_settings(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    settings::set_post_first(&state.db, access.course_id, form.post_first.is_some()).await?;
    // What students see changes wholesale: every open page of the course redraws whole.
    for reading in crate::db::readings::list_for_course(&state.db, access.course_id).await? {
        state.events.publish(crate::web::events::Event::resync(reading.id));
    }
    let keep = match form.departed_work.as_deref() {
        None | Some("anonymise") => true,
        Some("delete") => false,
        Some(_) => return Err(Error::invalid("departed_work", "is anonymise or delete")),
    };
    crate::db::departures::set_keeps_departed_work(&state.db, access.course_id, keep).await?;
    Ok(Redirect::to(&format!("/courses/{}/review", access.course_id)).into_response())
}
