//! A reading's review page (instructors): a heatmap of how many students
//! highlighted each stretch, the most contested passages, unanswered questions,
//! unsupported claims, counts by kind, one student's work alone (`?student=ID`),
//! and feedback on each annotation.

use super::heatmap::{self, HeatBlock};
use super::highlights::{self, BlockView};
use super::{Layout, render};
use crate::db::feedback::{self, Feedback};
use crate::db::readings::{self, Reading};
use crate::domain::{Annotation, Kind};
use crate::error::{Error, Result};
use crate::review::{Student, passages, reading_work, students_of};
use crate::text::CharIndex;
use crate::text::heat::{self, StudentRange};
use crate::web::api::leave_feedback;
use crate::web::auth::CurrentUser;
use crate::web::forms::{Form, Query};
use crate::web::{AnnotationAccess, AppState, ReadingAccess};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashSet;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/readings/{reading_id}/review", get(show_reading_review))
        .route("/annotations/{annotation_id}/feedback", post(create_feedback))
}

#[derive(Template)]
#[template(path = "reading_review.html")]
struct ReadingReviewPage<'a> {
    layout: Layout,
    reading: &'a Reading,
    /// The heatmap, when the page shows the whole class.
    heat: Vec<HeatBlock<'a>>,
    /// One student's highlights, when the page shows them alone.
    blocks: Vec<BlockView<'a>>,
    student: Option<Student>,
    students: Vec<Student>,
    bars: Vec<Bar>,
    chart_height: usize,
    contested: Vec<(Passage, usize)>,
    unanswered: Vec<Passage>,
    unsupported: Vec<Passage>,
    items: Vec<Item<'a>>,
    error: Option<String>,
}

/// One bar of the chart of counts by kind, laid out in SVG units.
struct Bar {
    kind: Kind,
    count: usize,
    y: usize,
    width: usize,
}

const BAR_STEP: usize = 24;
const BAR_MAX_WIDTH: usize = 180;

/// An annotation named in a list: its id, author and (shortened) quote.
struct Passage {
    id: String,
    author: String,
    quote: String,
}

impl Passage {
    fn of(a: &Annotation) -> Self {
        Self { id: a.id.to_string(), author: a.author_name.clone(), quote: shorten(&a.quote.exact, 160) }
    }
}

struct Item<'a> {
    annotation: &'a Annotation,
    quote: String,
    feedback: Vec<&'a Feedback>,
}

#[derive(Deserialize)]
struct ReviewQuery {
    student: Option<i64>,
}

async fn show_reading_review(
    State(state): State<AppState>,
    access: ReadingAccess,
    Query(query): Query<ReviewQuery>,
) -> Result<Response> {
    if !access.viewer.is_instructor() {
        return Err(Error::NotFound);
    }
    review_page(&state, &access.user, access.reading_id, query.student, None).await
}

async fn review_page(
    state: &AppState,
    user: &CurrentUser,
    reading_id: i64,
    student_id: Option<i64>,
    error: Option<String>,
) -> Result<Response> {
    let reading = readings::find_reading(&state.db, reading_id).await?.ok_or(Error::NotFound)?;
    let students = students_of(&state.db, reading.course_id).await?;
    let student = match student_id {
        Some(id) => Some(
            students
                .iter()
                .find(|s| s.id == id)
                .cloned()
                .ok_or_else(|| Error::invalid("student", "is not a student of this course"))?,
        ),
        None => None,
    };
    let ids: HashSet<i64> = students.iter().map(|s| s.id).collect();
    let work = reading_work(&state.db, reading_id).await?;
    let shown: Vec<Annotation> = match &student {
        Some(s) => work.annotations.into_iter().filter(|a| a.author_id == s.id).collect(),
        None => work.annotations,
    };
    let all_feedback = feedback::list_for_reading(&state.db, reading_id).await?;
    let shown_ids: Vec<String> = shown.iter().map(|a| a.id.to_string()).collect();
    let shown_ids: Vec<&str> = shown_ids.iter().map(String::as_str).collect();
    let (heat, blocks) = if student.is_some() {
        let shown: Vec<&Annotation> = shown.iter().collect();
        (Vec::new(), highlights::article(&reading.doc, &CharIndex::new(&reading.doc.text), &shown, &shown_ids))
    } else {
        let ranges: Vec<StudentRange> = shown
            .iter()
            .filter(|a| ids.contains(&a.author_id))
            .map(|a| StudentRange { student: a.author_id, start: a.position.start, end: a.position.end })
            .collect();
        (heatmap::article(&reading.doc, &heat::segments(&ranges)), Vec::new())
    };
    let items = shown
        .iter()
        .map(|a| Item {
            annotation: a,
            quote: shorten(&a.quote.exact, 240),
            feedback: all_feedback.iter().filter(|f| f.annotation_id == a.id).collect(),
        })
        .collect();
    let bars = bars(&shown);
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ReadingReviewPage {
        layout: Layout::for_user(Some(user)),
        reading: &reading,
        heat,
        blocks,
        student,
        students,
        chart_height: bars.len() * BAR_STEP,
        bars,
        contested: passages::contested(&shown, 5).iter().map(|c| (Passage::of(c.claim), c.counterarguments)).collect(),
        unanswered: passages::unanswered(&shown).into_iter().map(Passage::of).collect(),
        unsupported: passages::unsupported(&shown).into_iter().map(Passage::of).collect(),
        items,
        error,
    };
    Ok((status, render(&page)?).into_response())
}

fn bars(annotations: &[Annotation]) -> Vec<Bar> {
    let counts: Vec<(Kind, usize)> =
        Kind::ALL.iter().map(|&k| (k, annotations.iter().filter(|a| a.kind == k).count())).collect();
    let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    counts
        .into_iter()
        .enumerate()
        .map(|(i, (kind, count))| Bar { kind, count, y: i * BAR_STEP, width: count * BAR_MAX_WIDTH / most })
        .collect()
}

/// The first `max` code points of `text`, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
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
    match leave_feedback(&state, &access, &form.text, form.exemplary.is_some()).await {
        Ok(given) => {
            Ok(Redirect::to(&format!("/readings/{reading_id}/review#a-{}", given.annotation_id)).into_response())
        }
        Err(Error::Invalid(invalid)) => {
            review_page(&state, &access.user, reading_id, None, Some(invalid.message)).await
        }
        Err(e) => Err(e),
    }
}
