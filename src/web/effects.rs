//! The web side of the use cases, shared by the pages and the API: the
//! per-user rate limits charged before one, the cached text it needs, and what
//! its change makes stale or tells the open pages after it. The rules
//! themselves live in the use-case modules (`crate::annotations`, …).

use super::events::relay::Notice;
use super::events::{Change, Event};
use super::{AppState, AuthorAccess, CourseAccess};
use crate::annotations::{self, Place};
use crate::domain::Annotation;
use crate::error::Result;
use crate::formats::w3c::{ParsedAnnotation, Provenance};

/// Creates an annotation in the reading as the caller ([`annotations::create`]),
/// within their rate limit, and tells the reading's open pages.
pub async fn create_annotation(
    state: &AppState,
    AuthorAccess { access, standing }: &AuthorAccess,
    parsed: ParsedAnnotation,
    provenance: &Provenance,
) -> Result<Annotation> {
    state.limits.annotations.hit(&access.user().id.to_string())?;
    let text = state.snapshots.text(&state.db, access.reading_id).await?;
    let place = Place { course_id: access.course_id, reading_id: access.reading_id };
    let who = (place, access.user(), access.viewer, standing);
    let annotation = annotations::create(&state.services(), who, text, parsed, provenance).await?;
    state.events.publish(Event::new(Change::Created, &annotation));
    Ok(annotation)
}

/// What a new text makes stale: the copies kept in memory, and every open page
/// of the reading, which is told to draw itself again (`resync`).
pub fn text_replaced(state: &AppState, reading_id: i64) {
    // Before the resync below, so that other servers' pages redraw from the new text.
    state.events.tell_others(Notice::Forget { reading: reading_id });
    state.snapshots.forget(reading_id);
    state.reviews.forget_reading(reading_id);
    state.events.publish(Event::resync(reading_id));
}

/// A copy adds every reading of the course at once, so it draws one import per
/// reading on the caller's allowance ("readings added … 60 an hour"), at most
/// a whole hour's: any course can be copied, but copies cannot duplicate
/// readings much faster than uploading them could. 429 when it is used up.
/// Every route that copies a course takes [`crate::web::Instructor`] first.
pub async fn charge_copy(state: &AppState, access: &CourseAccess) -> Result<()> {
    let readings = crate::db::readings::count_for_course(&state.db, access.course_id).await?;
    let charge = readings.min(usize::try_from(state.config.rates.imports_per_hour).unwrap_or(usize::MAX)).max(1);
    let key = access.viewer.user_id.to_string();
    for _ in 0..charge {
        state.limits.imports.hit(&key)?;
    }
    Ok(())
}
