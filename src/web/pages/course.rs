//! The course page: its readings, and for instructors the join code, members
//! and a form to add a reading.

mod agenda;

use super::{Layout, render};
use crate::db::courses::{self, Course, Member};
use crate::db::readings;
use crate::error::{Error, Result};
use crate::reading_edits::NewText;
use crate::readings::add_reading;
use crate::text::import::SourceFormat;
use crate::web::forms::Form;
use crate::web::{AppState, CourseAccess, Instructor};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{course_id}", get(show_course))
        .route("/courses/{course_id}/readings", post(create_reading))
}

#[derive(Template)]
#[template(path = "course.html")]
struct CoursePage {
    layout: Layout,
    course: Course,
    is_instructor: bool,
    /// The readings with due dates and progress (`agenda`).
    lines: Vec<agenda::Line>,
    /// The course's time zone (`+01:00`), for the instructors' form.
    zone: String,
    members: Vec<Member>,
    /// Students an instructor removed, who may be re-admitted.
    removed: Vec<courses::Removed>,
    /// For instructors of a course made by an LMS launch: its roster sync.
    lms: Option<crate::db::lti::contexts::CourseContext>,
    error: Option<String>,
    /// Groups, discussion and tags, for instructors.
    classroom: Option<super::course_classroom::CourseClassroom>,
    /// The largest PDF the upload takes, in whole megabytes.
    max_pdf_mb: usize,
}

async fn show_course(State(state): State<AppState>, access: CourseAccess) -> Result<Response> {
    course_page(&state, &access, None).await
}

pub(super) async fn course_page(state: &AppState, access: &CourseAccess, error: Option<String>) -> Result<Response> {
    let course = courses::find_course(&state.db, access.course_id).await?.ok_or(Error::NotFound)?;
    let is_instructor = access.viewer.is_instructor();
    let (members, removed) = if is_instructor {
        (courses::list_members(&state.db, course.id).await?, courses::list_removed(&state.db, course.id).await?)
    } else {
        (Vec::new(), Vec::new())
    };
    let lms =
        if is_instructor { crate::db::lti::contexts::context_of_course(&state.db, course.id).await? } else { None };
    let classroom = if is_instructor {
        Some(super::course_classroom::CourseClassroom::load(state, course.id, &members).await?)
    } else {
        None
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let readings = readings::list_for_course(&state.db, course.id).await?;
    let page = CoursePage {
        lms,
        classroom,
        layout: Layout::for_user(Some(&access.user)),
        lines: agenda::lines(state, access, readings).await?,
        zone: crate::db::assignments::time_zone(&state.db, course.id).await?.as_text(),
        course,
        is_instructor,
        members,
        removed,
        error,
        max_pdf_mb: state.config.quotas.max_pdf_bytes / (1024 * 1024),
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize)]
struct NewReading {
    title: String,
    #[serde(default)]
    author: String,
    format: SourceFormat,
    source: String,
}

async fn create_reading(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(form): Form<NewReading>,
) -> Result<Response> {
    let new = NewText { title: &form.title, author: &form.author, format: form.format, source: &form.source };
    match add_reading(&state.services(), (access.course_id, access.viewer), &new).await {
        Ok(id) => Ok(Redirect::to(&format!("/readings/{id}")).into_response()),
        Err(e @ (Error::Invalid(_) | Error::TooLarge(_))) => course_page(&state, &access, Some(e.to_string())).await,
        Err(e) => Err(e),
    }
}
