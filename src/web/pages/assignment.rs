//! The due-date section of a reading's settings page: the form's values in the
//! course's time zone, and its POST (`/readings/{id}/assignment`), which sets
//! or clears the due date, opening date and late policy.

use crate::db::Db;
use crate::db::assignments as store;
use crate::domain::{Assignment, Invalid, LatePolicy, UtcOffset};
use crate::error::Result;
use crate::web::forms::Form;
use crate::web::{AppState, Instructor, ReadingAccess};
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/readings/{reading_id}/assignment", post(save_assignment))
}

/// What the settings page's due-date form shows.
pub struct AssignmentForm {
    /// `datetime-local` values in the course's time zone; empty when unset.
    pub due: String,
    pub opens: String,
    pub policy: &'static str,
    /// The course's time zone, as `+01:00`.
    pub zone: String,
    pub policies: [(&'static str, &'static str); 3],
}

impl AssignmentForm {
    pub async fn load(db: &Db, reading_id: i64, course_id: i64) -> Result<Self> {
        let assignment = store::find(db, reading_id).await?;
        let zone = store::time_zone(db, course_id).await?;
        Ok(Self {
            due: assignment.map(|a| zone.input_value(a.due_at())).unwrap_or_default(),
            opens: assignment.and_then(|a| a.opens_at()).map(|t| zone.input_value(t)).unwrap_or_default(),
            policy: assignment.map_or(LatePolicy::default(), |a| a.late_policy).as_str(),
            zone: zone.as_text(),
            policies: LatePolicy::ALL.map(|p| (p.as_str(), p.label())),
        })
    }
}

#[derive(Deserialize)]
struct Fields {
    #[serde(default)]
    due: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    late_policy: String,
    /// Present when the "Remove the due date" button was pressed.
    #[serde(default)]
    clear: Option<String>,
}

async fn save_assignment(
    State(state): State<AppState>,
    Instructor(access): Instructor<ReadingAccess>,
    Form(fields): Form<Fields>,
) -> Result<Response> {
    let done = Redirect::to(&format!("/readings/{}/settings", access.reading_id)).into_response();
    if fields.clear.is_some() {
        crate::assignments::clear(&state.db, access.viewer, access.reading_id).await?;
        return Ok(done);
    }
    let zone = store::time_zone(&state.db, access.course_id).await?;
    match parse(zone, &fields) {
        Ok(assignment) => {
            crate::assignments::set(&state.db, access.viewer, access.reading_id, &assignment).await?;
            Ok(done)
        }
        Err(invalid) => super::manage::settings_page(&state, &access, Some(invalid.to_string())).await,
    }
}

/// The form's fields as an assignment, its times read in the course's time zone.
fn parse(zone: UtcOffset, fields: &Fields) -> std::result::Result<Assignment, Invalid> {
    let due = zone.parse_input("due_at", &fields.due)?;
    let opens = Some(fields.opens.trim()).filter(|o| !o.is_empty()).map(|o| zone.parse_input("opens_at", o));
    Assignment::new(due, opens.transpose()?, fields.late_policy.parse()?)
}
