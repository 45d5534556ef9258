//! The home page: the signed-in user's courses, and forms to create or join one.

use super::{Layout, render};
use crate::db::courses::{self, MyCourse};
use crate::error::{Error, Result};
use crate::web::AppState;
use crate::web::auth::{CurrentUser, MaybeUser};
use crate::web::forms::Form;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(show_home))
        .route("/courses", post(create_course))
        .route("/courses/join", post(join_course))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    courses: Vec<MyCourse>,
    error: Option<String>,
}

async fn show_home(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Result<Response> {
    let Some(user) = user else { return Ok(Redirect::to("/login").into_response()) };
    home(&state, &user, None, StatusCode::OK).await
}

async fn home(state: &AppState, user: &CurrentUser, error: Option<String>, status: StatusCode) -> Result<Response> {
    let courses = courses::list_for_user(&state.db, user.user.id).await?;
    let page = HomePage { layout: Layout::for_user(Some(user)), courses, error };
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize)]
struct NewCourse {
    title: String,
}

async fn create_course(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(form): Form<NewCourse>,
) -> Result<Response> {
    match crate::courses::create_course(&state.db, user.user.id, &form.title).await {
        Ok(course) => Ok(Redirect::to(&format!("/courses/{}", course.id)).into_response()),
        Err(Error::Invalid(e)) => {
            home(&state, &user, Some(format!("Course title {}", e.message)), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct Join {
    join_code: String,
}

async fn join_course(State(state): State<AppState>, user: CurrentUser, Form(form): Form<Join>) -> Result<Response> {
    match crate::courses::join_by_code(&state.db, user.user.id, &form.join_code).await {
        Ok(course) => Ok(Redirect::to(&format!("/courses/{}", course.id)).into_response()),
        Err(Error::Forbidden(message)) => home(&state, &user, Some(message.to_owned()), StatusCode::FORBIDDEN).await,
        Err(Error::Invalid(_)) => {
            let message = "No course has that join code; check it with your instructor.".to_owned();
            home(&state, &user, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other),
    }
}
