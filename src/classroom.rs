//! Classroom use cases shared by the pages and the API: seminar groups and the
//! course's discussion mode, its tag vocabulary, and marks on annotations
//! (an instructor's spotlight, a question answered).

use crate::db::Db;
use crate::db::groups::{self, Group};
use crate::db::marks::{self, Mark};
use crate::db::{annotations, tags};
use crate::domain::{Annotation, AnnotationId, Discussion, GroupName, Kind, Viewer, Vocabulary};
use crate::error::{Error, Result, is_unique_violation};

/// The most members one group may list.
pub const MAX_GROUP_MEMBERS: usize = 1_000;

/// A group as an instructor sends it: a name and the students in it.
#[derive(Debug, Clone, serde::Deserialize, schemars::JsonSchema)]
pub struct GroupForm {
    #[schemars(length(max = 80))]
    pub name: String,
    /// User ids of students of the course.
    #[serde(default)]
    pub members: Vec<i64>,
}

fn require_instructor(viewer: Viewer, what: &'static str) -> Result<()> {
    if viewer.is_instructor() { Ok(()) } else { Err(Error::Forbidden(what)) }
}

/// Creates a group (or, with `id`, replaces one) in the course: instructors only;
/// every member must be a student of the course (422 otherwise), names are unique.
pub async fn save_group(
    db: &Db,
    (course_id, viewer): (i64, Viewer),
    id: Option<i64>,
    form: &GroupForm,
) -> Result<Group> {
    require_instructor(viewer, "only the course's instructors can make groups")?;
    let name = GroupName::parse(&form.name)?;
    if form.members.len() > MAX_GROUP_MEMBERS {
        return Err(Error::invalid("members", format!("a group has at most {MAX_GROUP_MEMBERS} members")));
    }
    let mut members = form.members.clone();
    members.sort_unstable();
    members.dedup();
    let students = groups::students_among(db, course_id, &members).await?;
    if let Some(stranger) = members.iter().find(|m| !students.contains(m)) {
        return Err(Error::invalid("members", format!("user {stranger} is not a student of this course")));
    }
    let saved = match groups::save_group(db, course_id, id, &name, &members).await {
        Err(e) if is_unique_violation(&e) => {
            return Err(Error::invalid("name", "another group of this course has that name"));
        }
        other => other?,
    };
    let id = saved.ok_or(Error::NotFound)?;
    let all = groups::list_groups(db, course_id, None).await?;
    all.into_iter().find(|g| g.id == id).ok_or(Error::NotFound)
}

pub async fn delete_group(db: &Db, (course_id, viewer): (i64, Viewer), id: i64) -> Result<()> {
    require_instructor(viewer, "only the course's instructors can remove groups")?;
    if groups::delete_group(db, course_id, id).await? { Ok(()) } else { Err(Error::NotFound) }
}

/// Sets whether the course discusses as a class or in groups (instructors only).
pub async fn set_discussion(db: &Db, (course_id, viewer): (i64, Viewer), value: &str) -> Result<Discussion> {
    require_instructor(viewer, "only the course's instructors can change its settings")?;
    let discussion: Discussion = value.parse()?;
    groups::set_discussion(db, course_id, discussion).await?;
    Ok(discussion)
}

/// Replaces the course's tag vocabulary (instructors only); an empty one allows any tag.
pub async fn set_vocabulary(db: &Db, (course_id, viewer): (i64, Viewer), tags: &[String]) -> Result<Vocabulary> {
    require_instructor(viewer, "only the course's instructors can set its tags")?;
    let vocabulary = Vocabulary::parse(tags.iter().map(String::as_str))?;
    tags::set_vocabulary(db, course_id, &vocabulary).await?;
    Ok(vocabulary)
}

/// 422 when an annotation's tags fall outside the course's non-empty vocabulary.
pub async fn check_tags(db: &Db, course_id: i64, tags: &[String]) -> Result<()> {
    if tags.is_empty() {
        return Ok(());
    }
    Ok(tags::vocabulary(db, course_id).await?.check(tags)?)
}

/// Spotlights an annotation or takes the spotlight off (instructors only), or marks
/// a question answered or not (its author or an instructor). The annotation must be
/// one the caller may see (404 otherwise). Returns it as the caller now sees it.
pub async fn set_mark(db: &Db, id: AnnotationId, viewer: Viewer, mark: Mark, on: bool) -> Result<Annotation> {
    let annotation = annotations::find_visible(db, id, viewer).await?.ok_or(Error::NotFound)?;
    match mark {
        Mark::Spotlight => require_instructor(viewer, "only instructors can spotlight annotations")?,
        Mark::Answered => {
            if annotation.kind != Kind::Question {
                return Err(Error::invalid("kind", "only a question can be marked answered"));
            }
            if annotation.author_id != viewer.user_id && !viewer.is_instructor() {
                return Err(Error::Forbidden("only the question's author or an instructor can mark it answered"));
            }
        }
    }
    marks::set_mark(db, id, mark, viewer.user_id, on).await?;
    annotations::find_visible(db, id, viewer).await?.ok_or(Error::NotFound)
}
