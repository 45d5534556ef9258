//! A course's groups, discussion mode and tag vocabulary, and marks on
//! annotations (spotlight, answered). The rules live in `crate::classroom`.

use crate::classroom::{self, GroupForm};
use crate::db::groups::{self, Group};
use crate::db::marks::Mark;
use crate::db::{review, tags};
use crate::error::{Error, Result};
use crate::formats::w3c;
use crate::web::api::annotations::RequestIris;
use crate::web::api::wire::classroom::{CourseSettings, Group as GroupBody, Groups, Tags};
use crate::web::events::Event;
use crate::web::forms::{Json, Path};
use crate::web::{AnnotationAccess, AppState, CourseAccess, Instructor};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{course_id}/groups", get(list_groups).post(create_group))
        .route("/courses/{course_id}/groups/{group_id}", put(update_group).delete(delete_group))
        .route("/courses/{course_id}/settings", get(show_settings).put(update_settings))
        .route("/courses/{course_id}/tags", get(show_tags).put(update_tags))
        .route("/annotations/{annotation_id}/spotlight", post(spotlight).delete(unspotlight))
        .route("/annotations/{annotation_id}/answered", post(answered).delete(unanswered))
}

fn group_json(group: &Group) -> GroupBody {
    GroupBody::from(group)
}

/// `GET /api/courses/{id}/groups`: every group for instructors, one's own for students.
async fn list_groups(State(state): State<AppState>, access: CourseAccess) -> Result<Json<Groups>> {
    let only = (!access.viewer.is_instructor()).then_some(access.viewer.user_id);
    let list = groups::list_groups(&state.db, access.course_id, only).await?;
    Ok(Json(Groups { groups: list.iter().map(group_json).collect() }))
}

async fn create_group(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Json(body): Json<GroupForm>,
) -> Result<(StatusCode, Json<GroupBody>)> {
    let group = classroom::save_group(&state.db, (access.course_id, access.viewer), None, &body).await?;
    Ok((StatusCode::CREATED, Json(group_json(&group))))
}

async fn update_group(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Path((_, group_id)): Path<(i64, i64)>,
    Json(body): Json<GroupForm>,
) -> Result<Json<GroupBody>> {
    let group = classroom::save_group(&state.db, (access.course_id, access.viewer), Some(group_id), &body).await?;
    Ok(Json(group_json(&group)))
}

async fn delete_group(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Path((_, group_id)): Path<(i64, i64)>,
) -> Result<StatusCode> {
    classroom::delete_group(&state.db, (access.course_id, access.viewer), group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn settings_json(state: &AppState, course_id: i64) -> Result<CourseSettings> {
    let discussion = groups::discussion(&state.db, course_id).await?;
    let post_first = review::post_first(&state.db, course_id).await?;
    Ok(CourseSettings { discussion: discussion.as_str(), post_first })
}

/// `GET /api/courses/{id}/settings`: `{discussion, post_first}`, for every member.
async fn show_settings(State(state): State<AppState>, access: CourseAccess) -> Result<Json<CourseSettings>> {
    Ok(Json(settings_json(&state, access.course_id).await?))
}

/// A change of a course's settings: either or both.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "SettingsChange")]
pub(super) struct Settings {
    #[schemars(extend("enum" = ["class", "groups", null]))]
    discussion: Option<String>,
    post_first: Option<bool>,
}

/// `PUT /api/courses/{id}/settings` `{discussion?: "class"|"groups", post_first?}` (instructors).
async fn update_settings(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Json(body): Json<Settings>,
) -> Result<Json<CourseSettings>> {
    if body.discussion.is_none() && body.post_first.is_none() {
        return Err(Error::invalid("settings", "send discussion (class or groups) or post_first"));
    }
    if let Some(discussion) = &body.discussion {
        // Parsed before anything is written, so a bad value changes nothing.
        discussion.parse::<crate::domain::Discussion>()?;
    }
    if let Some(discussion) = &body.discussion {
        classroom::set_discussion(&state.db, (access.course_id, access.viewer), discussion).await?;
    }
    if let Some(on) = body.post_first {
        review::set_post_first(&state.db, access.course_id, on).await?;
    }
    Ok(Json(settings_json(&state, access.course_id).await?))
}

/// `GET /api/courses/{id}/tags`: the course's vocabulary, for every member (the editor offers it).
async fn show_tags(State(state): State<AppState>, access: CourseAccess) -> Result<Json<Tags>> {
    let vocabulary = tags::vocabulary(&state.db, access.course_id).await?;
    Ok(Json(Tags { tags: vocabulary.as_slice().to_vec() }))
}

/// A course's new tag vocabulary, in its order.
#[derive(Deserialize, JsonSchema)]
#[schemars(rename = "SetTags")]
pub(super) struct TagsBody {
    #[schemars(length(max = 100), inner(length(max = 64)))]
    tags: Vec<String>,
}

/// `PUT /api/courses/{id}/tags` `{tags: […]}` (instructors): replaces the vocabulary.
async fn update_tags(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Json(body): Json<TagsBody>,
) -> Result<Json<Tags>> {
    let vocabulary = classroom::set_vocabulary(&state.db, (access.course_id, access.viewer), &body.tags).await?;
    Ok(Json(Tags { tags: vocabulary.as_slice().to_vec() }))
}

async fn mark(
    state: &AppState,
    access: &AnnotationAccess,
    iris: &w3c::Iris,
    mark: Mark,
    on: bool,
) -> Result<Json<Value>> {
    let before = crate::db::annotations::find_visible(&state.db, access.id, access.viewer).await?;
    let annotation = classroom::set_mark(&state.db, access.id, access.viewer, mark, on).await?;
    if let Some(before) = before {
        state.events.publish(Event::updated(&before, &annotation));
    }
    state.inbox.announce(&state.db).await;
    let provenance = crate::db::w3c::provenance_of(&state.db, annotation.id).await?;
    Ok(Json(w3c::to_jsonld_with(&annotation, iris, provenance.as_ref())))
}

/// `POST /api/annotations/{uuid}/spotlight` (instructors): the annotation, spotlit.
async fn spotlight(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
) -> Result<Json<Value>> {
    mark(&state, &access, &iris, Mark::Spotlight, true).await
}

async fn unspotlight(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
) -> Result<Json<Value>> {
    mark(&state, &access, &iris, Mark::Spotlight, false).await
}

/// `POST /api/annotations/{uuid}/answered` (a question's author or an instructor).
async fn answered(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
) -> Result<Json<Value>> {
    mark(&state, &access, &iris, Mark::Answered, true).await
}

async fn unanswered(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
) -> Result<Json<Value>> {
    mark(&state, &access, &iris, Mark::Answered, false).await
}
