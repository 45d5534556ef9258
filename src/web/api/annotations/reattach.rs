//! Placing an orphan again: a PUT on an orphan whose target carries a
//! `TextPositionSelector` (or a quote other than the one it lost) anchors it in
//! the reading's current text, strictly, as a new annotation would be.

use super::anchor_in;
use crate::db::annotations;
use crate::domain::{Annotation, NewAnnotation};
use crate::error::Result;
use crate::text::anchor::Anchored;
use crate::web::AppState;

/// Whether `new` asks to place the orphan `current` again.
pub(super) fn asks_to_reattach(current: &Annotation, new: &NewAnnotation) -> bool {
    current.orphaned && (new.position.is_some() || new.quote.as_ref().is_some_and(|q| q.exact != current.quote.exact))
}

/// Anchors the new selectors in the current text (a 422 when they do not anchor).
pub(super) async fn anchor(state: &AppState, current: &Annotation, new: &NewAnnotation) -> Result<Anchored> {
    let text = state.snapshots.text(&state.db, current.reading_id).await?;
    anchor_in(state, text, new.position, new.quote.clone()).await
}

/// Stores the orphan at its new place.
pub(super) async fn store(state: &AppState, current: &Annotation, anchored: &Anchored) -> Result<()> {
    annotations::reattach(&state.db, current.id, anchored.position, &anchored.quote).await?;
    Ok(())
}
