//! The reading page's "Annotations whose passage changed": the orphans its
//! viewer may act on (their own; as an instructor, the class's), each with its
//! original quote and comment, to re-attach to a new passage or delete. The
//! page includes the section; `static/reattach.js` fetches it again
//! (`GET /readings/{id}/orphans`) whenever the page redraws itself.

use super::render;
use crate::domain::Kind;
use crate::error::Result;
use crate::snapshot::View;
use crate::web::{AppState, ReadingAccess};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/readings/{reading_id}/orphans", get(show_orphans))
}

/// One orphan as the list shows it.
pub struct OrphanView {
    pub id: String,
    pub kind: Kind,
    pub quote: String,
    pub comment: String,
    pub author: String,
}

/// The section: its orphans and the script that works it.
pub struct Orphans {
    pub items: Vec<OrphanView>,
    pub script: String,
}

impl Orphans {
    /// What `viewer` may see of the snapshot's orphans: the same rule as everywhere.
    #[must_use]
    pub fn for_viewer(view: &View) -> Self {
        let items = view
            .orphans()
            .iter()
            .map(|a| OrphanView {
                id: a.id.to_string(),
                kind: a.kind,
                quote: a.quote.exact.clone(),
                comment: a.comment.clone(),
                author: a.author_name.clone(),
            })
            .collect();
        Self { items, script: crate::web::assets::url("reattach.js") }
    }
}

#[derive(Template)]
#[template(path = "partials/orphans.html")]
struct OrphansFragment {
    orphans: Orphans,
}

/// `GET /readings/{id}/orphans`: the section alone, for the script to swap in.
async fn show_orphans(State(state): State<AppState>, access: ReadingAccess) -> Result<Response> {
    let cached = state.snapshots.get(&state.db, access.reading_id, access.revision).await?;
    let orphans = Orphans::for_viewer(&cached.view(access.viewer));
    Ok(render(&OrphansFragment { orphans })?.into_response())
}
