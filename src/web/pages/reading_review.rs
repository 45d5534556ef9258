//! A reading's review page (instructors): a heatmap of how many students
//! highlighted each stretch, the most contested passages, unanswered questions,
//! unsupported claims, counts by kind, one student's work alone (`?student=ID`),
//! and feedback on each annotation.

mod drawn;

pub use drawn::Drawn;

use super::Layout;
use super::highlights;
use super::reading::DrawnBlock;
use crate::db::readings::Reading;
use crate::db::review;
use crate::domain::Annotation;
use crate::error::{Error, Result};
use crate::feedback::leave_feedback;
use crate::review::Student;
use crate::web::auth::CurrentUser;
use crate::web::forms::{Form, Query};
use crate::web::transfer;
use crate::web::{AnnotationAccess, AppState, Instructor, ReadingAccess};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use drawn::{ItemHtml, Panel};
use serde::Deserialize;
use std::sync::atomic::Ordering;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/readings/{reading_id}/review", get(show_reading_review))
        .route("/annotations/{annotation_id}/feedback", post(create_feedback))
}

/// The page: the heatmap and side panel every instructor shares come drawn (see
/// [`Drawn`]); `|safe` in the template only ever writes those, which askama
/// escaped as it drew them. Each list entry is drawn whole here, from its text
/// escaped once per revision.
#[derive(Template)]
#[template(path = "reading_review.html")]
struct ReadingReviewPage<'a> {
    layout: Layout,
    reading: &'a Reading,
    /// The heatmap, when the page shows the whole class.
    heat: Option<&'a str>,
    /// One student's highlights, when the page shows them alone.
    blocks: Vec<DrawnBlock>,
    student: Option<&'a Student>,
    students: &'a [Student],
    panel: &'a str,
    items: Vec<&'a ItemHtml>,
    error: Option<String>,
    /// The course's groups, and the one whose work the page shows alone.
    groups: &'a [crate::db::groups::Group],
    group: Option<i64>,
}

#[derive(Deserialize)]
struct ReviewQuery {
    student: Option<i64>,
    group: Option<i64>,
}

/// `GET /readings/{id}/review`: the page, or `304` when the browser holds it
/// at this revision of the course (which every write to the reading moves).
async fn show_reading_review(
    State(state): State<AppState>,
    Instructor(access): Instructor<ReadingAccess>,
    Query(query): Query<ReviewQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let who = Who { student: query.student, group: query.group };
    let places = (access.course_id, access.reading_id);
    let (_, course_revision) =
        review::revisions_of_reading(&state.db, access.reading_id).await?.ok_or(Error::NotFound)?;
    let etag = page_tag(&access.user, places, who, course_revision);
    if transfer::is_fresh(&headers, &etag) {
        return Ok(transfer::not_modified(&etag));
    }
    let page = review_page(&state, &access.user, (places, course_revision), who, None).await?;
    Ok(transfer::tagged(page, &etag))
}

/// The page's ETag: the course's revision, and all else it shows that differs
/// between requests (the viewer, their name and CSRF token, the page's script
/// and stylesheet, whose work it shows alone).
fn page_tag(user: &CurrentUser, (course_id, reading_id): (i64, i64), who: Who, revision: i64) -> String {
    let layout = Layout::for_user(Some(user));
    let name = layout.user_name.as_deref().unwrap_or_default();
    let alone = format!("student {:?}, group {:?}", who.student, who.group);
    let parts: [&[u8]; 9] = [
        b"reading review",
        &course_id.to_le_bytes(),
        &reading_id.to_le_bytes(),
        &user.user.id.to_le_bytes(),
        name.as_bytes(),
        layout.csrf.as_bytes(),
        layout.css.as_bytes(),
        layout.js.as_bytes(),
        alone.as_bytes(),
    ];
    transfer::revision_tag(revision, &parts)
}

/// Whose work the page shows alone: one student's, or one group's.
#[derive(Default, Clone, Copy)]
struct Who {
    student: Option<i64>,
    group: Option<i64>,
}

/// The page for the course as it stood at `course_revision` (or later).
async fn review_page(
    state: &AppState,
    user: &CurrentUser,
    ((course_id, reading_id), course_revision): ((i64, i64), i64),
    who: Who,
    error: Option<String>,
) -> Result<Response> {
    let student_id = who.student;
    let mut drawn = state.reviews.readings.get(reading_id, course_revision, || drawn::load(state, reading_id)).await?;
    if drawn.cached.snapshot.reading.course_id != course_id {
        // Kept for another reading that had this id: never shown; drawn again.
        state.reviews.forget_reading(reading_id);
        drawn = state.reviews.readings.get(reading_id, course_revision, || drawn::load(state, reading_id)).await?;
    }
    let group_members = match who.group {
        Some(group) => {
            let group = drawn.groups.iter().find(|g| g.id == group).ok_or(Error::NotFound)?;
            Some(group.members.iter().map(|&(id, _)| id).collect())
        }
        None => None,
    };
    let student = match student_id {
        Some(id) => Some(
            drawn
                .students
                .iter()
                .find(|s| s.id == id)
                .ok_or_else(|| Error::invalid("student", "is not a student of this course"))?,
        ),
        None => None,
    };
    let reading = &drawn.cached.snapshot.reading;
    // One student's (or one group's) annotations, when the page shows their work alone.
    let alone: Option<Vec<i64>> = student.map(|s| vec![s.id]).or(group_members);
    let shown: Vec<usize> = match &alone {
        None => Vec::new(),
        Some(authors) => {
            (0..drawn.annotations.len()).filter(|&i| authors.contains(&drawn.annotations[i].author_id)).collect()
        }
    };
    let theirs: Vec<Annotation> = shown.iter().map(|&i| drawn.annotations[i].clone()).collect();
    let ids: Vec<String> = theirs.iter().map(|a| a.id.to_string()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let (heat, blocks, panel, items) = match alone {
        None => (Some(drawn.heat.as_str()), Vec::new(), None, drawn.items.iter().collect()),
        Some(_) => {
            let refs: Vec<&Annotation> = theirs.iter().collect();
            let blocks = highlights::article(&reading.doc, &drawn.cached.snapshot.index, &refs, &ids);
            let blocks = blocks.into_iter().map(DrawnBlock::draw).collect::<Result<_>>()?;
            (None, blocks, Some(Panel::of(&theirs).render()?), shown.iter().map(|&i| &drawn.items[i]).collect())
        }
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ReadingReviewPage {
        layout: Layout::for_user(Some(user)),
        reading,
        heat,
        blocks,
        student,
        students: &drawn.students,
        panel: panel.as_deref().unwrap_or(&drawn.panel),
        items,
        error,
        groups: &drawn.groups,
        group: who.group,
    };
    // Sized for the largest page drawn so far, so that the megabytes are written without regrowing.
    let mut body = String::with_capacity(super::highlights::page_capacity(drawn.page_bytes.load(Ordering::Relaxed)));
    page.render_into(&mut body)?;
    drawn.page_bytes.fetch_max(body.len(), Ordering::Relaxed);
    Ok((status, Html(body)).into_response())
}

#[derive(Deserialize)]
struct FeedbackForm {
    #[serde(default)]
    text: String,
    /// A checkbox: present when ticked.
    exemplary: Option<String>,
}

/// The feedback form on the review page: back to the annotation, or the page with the message.
async fn create_feedback(
    State(state): State<AppState>,
    access: AnnotationAccess,
    Form(form): Form<FeedbackForm>,
) -> Result<Response> {
    let reading_id = access.location.reading_id;
    let on = (access.id, access.viewer);
    match leave_feedback(&state.services(), on, &form.text, form.exemplary.is_some()).await {
        Ok(given) => {
            Ok(Redirect::to(&format!("/readings/{reading_id}/review#a-{}", given.annotation_id)).into_response())
        }
        Err(Error::Invalid(invalid)) => {
            let (_, course_revision) =
                review::revisions_of_reading(&state.db, reading_id).await?.ok_or(Error::NotFound)?;
            let places = ((access.location.course_id, reading_id), course_revision);
            review_page(&state, &access.user, places, Who::default(), Some(invalid.message)).await
        }
        Err(e) => Err(e),
    }
}
