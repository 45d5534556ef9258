//! `/courses/{id}/students/{user_id}`: one student's whole contribution to the
//! course, for its instructors (students get 404, as for every instructor page).

use super::{Layout, render};
use crate::error::{Error, Result};
use crate::review::student::{StudentReading, work_of};
use crate::review::{Student, students_of};
use crate::web::forms::Path;
use crate::web::{AppState, CourseAccess, Instructor};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/courses/{course_id}/students/{user_id}", get(show_student))
}

#[derive(Template)]
#[template(path = "student.html")]
struct StudentPage {
    layout: Layout,
    course_id: i64,
    student: Student,
    readings: Vec<StudentReading>,
    total: u64,
}

async fn show_student(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Path((_, user_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let students = students_of(&state.db, access.course_id).await?;
    let student = students.into_iter().find(|s| s.id == user_id).ok_or(Error::NotFound)?;
    let readings = work_of(&state.db, access.course_id, &student).await?;
    let total = readings.iter().map(|r| r.score).sum();
    let page = StudentPage {
        layout: Layout::for_user(Some(&access.user)),
        course_id: access.course_id,
        student,
        readings,
        total,
    };
    Ok(render(&page)?.into_response())
}
