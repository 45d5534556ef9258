//! The course page's instructor forms for next term: copying the course
//! (`POST /courses/{id}/copy`) and its time zone (`POST /courses/{id}/time-zone`).

use crate::db::course_copy::DueDates;
use crate::domain::UtcOffset;
use crate::error::{Error, Result};
use crate::web::forms::Form;
use crate::web::{AppState, CourseAccess, Instructor};
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{course_id}/copy", post(copy_course))
        .route("/courses/{course_id}/time-zone", post(save_time_zone))
}

#[derive(Deserialize)]
struct CopyForm {
    #[serde(default)]
    title: String,
    /// `shift` (with `shift_days`) or `clear`.
    #[serde(default)]
    due_dates: String,
    #[serde(default)]
    shift_days: String,
    /// A checkbox: present when ticked.
    instructors_annotations: Option<String>,
}

async fn copy_course(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(form): Form<CopyForm>,
) -> Result<Response> {
    let due = match form.due_dates.as_str() {
        "clear" => Ok(DueDates::Clear),
        _ => match form.shift_days.trim() {
            "" => Ok(DueDates::Shift(0)),
            days => days
                .parse()
                .map(DueDates::Shift)
                .map_err(|_| "Move the due dates by a whole number of days.".to_owned()),
        },
    };
    let copied = match due {
        Ok(due) => {
            crate::web::effects::charge_copy(&state, &access).await?;
            let with = form.instructors_annotations.is_some();
            crate::courses::copy_course(&state.db, access.viewer, access.course_id, &form.title, due, with).await
        }
        Err(message) => return super::course::course_page(&state, &access, Some(message)).await,
    };
    match copied {
        Ok(course) => Ok(Redirect::to(&format!("/courses/{}", course.id)).into_response()),
        Err(Error::Invalid(invalid)) => super::course::course_page(&state, &access, Some(invalid.to_string())).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct ZoneForm {
    #[serde(default)]
    time_zone: String,
}

async fn save_time_zone(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(form): Form<ZoneForm>,
) -> Result<Response> {
    match UtcOffset::parse(&form.time_zone) {
        Ok(zone) => {
            crate::db::assignments::set_time_zone(&state.db, access.course_id, zone).await?;
            Ok(Redirect::to(&format!("/courses/{}", access.course_id)).into_response())
        }
        Err(invalid) => super::course::course_page(&state, &access, Some(invalid.to_string())).await,
    }
}
