//! Courses: create, join, show.

use crate::db::{courses, readings};
use crate::error::{Error, Result};
use crate::web::api::annotations::RequestIris;
use crate::web::api::wire::courses::{Course, CourseReading, CreatedCourse, JoinedCourse, Member, ResetLink};
use crate::web::forms::{Json, Path};
use crate::web::{AppState, CourseAccess, CurrentUser};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use schemars::JsonSchema;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses", post(create_course))
        .route("/courses/join", post(join_course))
        .route("/courses/{course_id}", get(show_course))
        .route("/courses/{course_id}/members/{user_id}/reset-link", post(create_reset_link))
}

/// `POST /api/courses/{id}/members/{user_id}/reset-link`: 201 `{link, expires_at}` for a student of the course.
async fn create_reset_link(
    State(state): State<AppState>,
    access: CourseAccess,
    RequestIris(iris): RequestIris,
    Path((_, student_id)): Path<(i64, i64)>,
) -> Result<(StatusCode, Json<ResetLink>)> {
    let (link, expires_at) =
        crate::courses::student_reset_link(&state.db, (access.course_id, access.user.user.id), student_id, &iris.base)
            .await?;
    Ok((StatusCode::CREATED, Json(ResetLink { link, expires_at })))
}

#[derive(Deserialize, JsonSchema)]
pub(super) struct NewCourse {
    title: String,
}

async fn create_course(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewCourse>,
) -> Result<(StatusCode, Json<CreatedCourse>)> {
    let course = crate::courses::create_course(&state.db, user.user.id, &body.title).await?;
    Ok((StatusCode::CREATED, Json(CreatedCourse { id: course.id, title: course.title, join_code: course.join_code })))
}

#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "JoinCourse")]
pub(super) struct Join {
    join_code: String,
}

async fn join_course(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<Join>,
) -> Result<Json<JoinedCourse>> {
    let course = crate::courses::join_by_code(&state.db, user.user.id, &body.join_code).await?;
    let role = courses::role_of(&state.db, course.id, user.user.id).await?.ok_or(Error::NotFound)?;
    Ok(Json(JoinedCourse { id: course.id, title: course.title, role: role.as_str() }))
}

async fn show_course(State(state): State<AppState>, access: CourseAccess) -> Result<Json<Course>> {
    let course = courses::find_course(&state.db, access.course_id).await?.ok_or(Error::NotFound)?;
    let readings = readings::list_for_course(&state.db, course.id).await?;
    let due = crate::db::assignments::list_for_course(&state.db, course.id).await?;
    let readings = readings
        .into_iter()
        .map(|r| {
            let due_at = due.get(&r.id).map(|a| crate::formats::w3c::utc(a.due_at()));
            CourseReading { id: r.id, title: r.title, author: r.author, due_at }
        })
        .collect();
    let role = access.viewer.role.as_str();
    let mut out = Course { id: course.id, title: course.title, role, readings, join_code: None, members: None };
    if access.viewer.is_instructor() {
        let members = courses::list_members(&state.db, course.id).await?;
        out.join_code = Some(course.join_code);
        out.members = Some(
            members
                .into_iter()
                .map(|m| Member { id: m.user_id, name: m.name, email: m.email, role: m.role.as_str() })
                .collect(),
        );
    }
    Ok(Json(out))
}
