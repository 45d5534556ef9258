//! The instructors' buttons for the LMS services: sync the roster (course page)
//! and send the grades (review page). Each answers by going back to its page,
//! which shows the outcome kept in the database, failures included.

use crate::error::{Error, Result};
use crate::web::forms::Form;
use crate::web::{AppState, CourseAccess, Instructor};
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{course_id}/lti/roster", post(sync_roster))
        .route("/courses/{course_id}/lti/grades", post(send_grades))
        .route("/courses/{course_id}/lti/auto-grades", post(set_auto_grades))
}

/// The course setting: send the scores by themselves once writes pause (a checkbox, `on` when ticked).
async fn set_auto_grades(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    let on = form.contains_key("on");
    if !crate::db::lti::contexts::set_push_on_write(&state.db, access.course_id, on).await? {
        return Err(Error::Conflict("this course was not created by an LMS launch".into()));
    }
    Ok(Redirect::to(&format!("/courses/{}/review", access.course_id)).into_response())
}

async fn sync_roster(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(_): Form<HashMap<String, String>>,
) -> Result<Response> {
    match crate::lti::roster::sync(&state.db, &state.lti, access.course_id, access.user.user.id).await {
        // A failure to reach the LMS is kept and shown on the course page.
        Ok(_) | Err(Error::Rejected { .. }) => {
            Ok(Redirect::to(&format!("/courses/{}", access.course_id)).into_response())
        }
        Err(other) => Err(other),
    }
}

async fn send_grades(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(_): Form<HashMap<String, String>>,
) -> Result<Response> {
    let course = crate::db::courses::find_course(&state.db, access.course_id).await?.ok_or(Error::NotFound)?;
    match crate::lti::grades::push_detached(&state.db, &state.lti, course.id, &course.title).await {
        // The outcome, failures included, is kept and shown on the review page.
        Ok(_) | Err(Error::Rejected { .. }) => {
            Ok(Redirect::to(&format!("/courses/{}/review", course.id)).into_response())
        }
        Err(other) => Err(other),
    }
}
