//! The course page's classroom settings for instructors: seminar groups (made
//! and edited there), whether the class discusses in groups, and the tag
//! vocabulary. Each form posts here; the rules are `crate::classroom`'s.

use super::course::course_page;
use crate::classroom::{self, GroupForm};
use crate::db::courses::Member;
use crate::db::{groups, tags};
use crate::domain::Discussion;
use crate::error::{Error, Result};
use crate::web::forms::{Form, Path};
use crate::web::{AppState, CourseAccess, Instructor};
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/courses/{course_id}/groups", post(create_group))
        .route("/courses/{course_id}/groups/{group_id}", post(update_group))
        .route("/courses/{course_id}/groups/{group_id}/delete", post(delete_group))
        .route("/courses/{course_id}/discussion", post(set_discussion))
        .route("/courses/{course_id}/tags", post(set_tags))
}

/// One group as its form shows it: every student, checked when a member.
pub struct GroupView {
    pub id: i64,
    pub name: String,
    pub students: Vec<(i64, String, bool)>,
}

/// What the course page shows instructors of the course's classroom settings.
pub struct CourseClassroom {
    pub groups: Vec<GroupView>,
    /// Every student, for the new group's form.
    pub students: Vec<(i64, String)>,
    pub in_groups: bool,
    /// The vocabulary, one tag a line.
    pub tags: String,
}

impl CourseClassroom {
    pub async fn load(state: &AppState, course_id: i64, members: &[Member]) -> Result<Self> {
        let students: Vec<(i64, String)> =
            members.iter().filter(|m| m.role.is_student()).map(|m| (m.user_id, m.name.clone())).collect();
        let groups = groups::list_groups(&state.db, course_id, None)
            .await?
            .into_iter()
            .map(|g| GroupView {
                id: g.id,
                students: students
                    .iter()
                    .map(|(id, name)| (*id, name.clone(), g.members.iter().any(|(m, _)| m == id)))
                    .collect(),
                name: g.name,
            })
            .collect();
        let in_groups = groups::discussion(&state.db, course_id).await? == Discussion::Groups;
        let tags = tags::vocabulary(&state.db, course_id).await?.as_slice().join("\n");
        Ok(Self { groups, students, in_groups, tags })
    }
}

/// A group's form: `name` and a `member` field per checked student (repeated keys).
fn group_form(fields: &[(String, String)]) -> Result<GroupForm> {
    let name = fields.iter().find(|(k, _)| k == "name").map(|(_, v)| v.clone()).unwrap_or_default();
    let members = fields
        .iter()
        .filter(|(k, _)| k == "member")
        .map(|(_, v)| v.parse().map_err(|_| Error::invalid("members", "choose students from the list")))
        .collect::<Result<Vec<i64>>>()?;
    Ok(GroupForm { name, members })
}

/// Back to the course page, or the page again with the message when the input was refused.
async fn done(state: &AppState, access: &CourseAccess, outcome: Result<()>) -> Result<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/courses/{}#classroom", access.course_id)).into_response()),
        Err(e @ Error::Invalid(_)) => course_page(state, access, Some(e.to_string())).await,
        Err(e) => Err(e),
    }
}

async fn create_group(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let outcome = async {
        let form = group_form(&fields)?;
        classroom::save_group(&state.db, (access.course_id, access.viewer), None, &form).await.map(|_| ())
    }
    .await;
    done(&state, &access, outcome).await
}

async fn update_group(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Path((_, group_id)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let outcome = async {
        let form = group_form(&fields)?;
        classroom::save_group(&state.db, (access.course_id, access.viewer), Some(group_id), &form).await.map(|_| ())
    }
    .await;
    done(&state, &access, outcome).await
}

async fn delete_group(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Path((_, group_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let outcome = classroom::delete_group(&state.db, (access.course_id, access.viewer), group_id).await;
    done(&state, &access, outcome).await
}

#[derive(serde::Deserialize)]
struct DiscussionForm {
    #[serde(default)]
    discussion: String,
}

async fn set_discussion(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(form): Form<DiscussionForm>,
) -> Result<Response> {
    let outcome =
        classroom::set_discussion(&state.db, (access.course_id, access.viewer), &form.discussion).await.map(|_| ());
    done(&state, &access, outcome).await
}

#[derive(serde::Deserialize)]
struct TagsForm {
    #[serde(default)]
    tags: String,
}

async fn set_tags(
    State(state): State<AppState>,
    Instructor(access): Instructor<CourseAccess>,
    Form(form): Form<TagsForm>,
) -> Result<Response> {
    let tags: Vec<String> = form.tags.lines().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
    let outcome = classroom::set_vocabulary(&state.db, (access.course_id, access.viewer), &tags).await.map(|_| ());
    done(&state, &access, outcome).await
}
