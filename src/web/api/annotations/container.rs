//! `GET /api/readings/{id}/annotations/`: the reading's annotation container,
//! paged (`?page=N`), in the forms a client prefers (`Prefer`, `?iris=1`).

use super::RequestIris;
use super::protocol::{jsonld, preferences};
use crate::error::{Error, Result};
use crate::formats::w3c::{self, About, Page, PageForm};
use crate::web::forms::Query;
use crate::web::{AppState, ReadingAccess, transfer};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

/// How many annotations a page of a container holds.
pub const PAGE_SIZE: usize = 100;

#[derive(Deserialize)]
pub struct ContainerQuery {
    page: Option<usize>,
    #[serde(default)]
    iris: u8,
}

pub async fn list_annotations(
    State(state): State<AppState>,
    access: ReadingAccess,
    RequestIris(iris): RequestIris,
    Query(query): Query<ContainerQuery>,
    headers: HeaderMap,
) -> Result<Response> {
    let container = iris.container(access.reading_id);
    let etag = container_tag(&access, &container, &query, &headers);
    if transfer::is_fresh(&headers, &etag) {
        return Ok(transfer::not_modified(&etag));
    }
    let cached = state.snapshots.get(&state.db, access.reading_id, access.revision).await?;
    let view = cached.view(access.viewer);
    let snapshot = view.snapshot();
    // Orphans come after the anchored annotations, to their authors and the instructors.
    let orphans = view.orphans();
    let container = iris.container(access.reading_id);
    let modified = view.annotations().chain(&orphans).map(|a| a.modified).max().map(w3c::utc);
    let total = view.len() + orphans.len();
    let prefer = preferences(&headers);
    // A page's content never depends on Prefer; the container's does.
    let form = PageForm { iris_only: query.iris == 1 || (query.page.is_none() && prefer.iris_only) };
    let number = query.page.unwrap_or(0);
    let first = number.saturating_mul(PAGE_SIZE);
    if first >= total.max(1) && number > 0 {
        return Err(Error::NotFound);
    }
    let items = if query.page.is_none() && prefer.minimal {
        Vec::new()
    } else {
        // Links come as the viewer may see them: only to annotations they see.
        let one = |&i: &usize| -> Value {
            let a = view.at(i);
            if form.iris_only {
                Value::String(iris.annotation(a.reading_id, a.id))
            } else {
                w3c::to_jsonld_with(&view.seen_at(i), &iris, snapshot.provenance.get(&a.id))
            }
        };
        let orphan = |a: &crate::domain::Annotation| -> Value {
            if form.iris_only {
                Value::String(iris.annotation(a.reading_id, a.id))
            } else {
                w3c::to_jsonld_with(a, &iris, snapshot.provenance.get(&a.id))
            }
        };
        let anchored = view.places().iter().map(one);
        anchored.chain(orphans.iter().map(orphan)).skip(first).take(PAGE_SIZE).collect()
    };
    let page = Page { number, total, per_page: PAGE_SIZE, items };
    let body = match query.page {
        Some(_) => w3c::page(&container, form, page, modified.as_deref()),
        None => {
            let label = format!("Annotations on reading {}", access.reading_id);
            let about =
                About { label: &label, modified: modified.as_deref(), container: true, minimal: prefer.minimal };
            w3c::collection(&container, form, page, about)
        }
    };
    let id = body["id"].as_str().map(str::to_owned);
    Ok(transfer::tagged(jsonld(StatusCode::OK, &body, id.as_deref()), &etag))
}

/// The container's ETag: its revision, who asks, and every option that shapes the answer.
fn container_tag(access: &ReadingAccess, container: &str, query: &ContainerQuery, headers: &HeaderMap) -> String {
    let header = |name| headers.get(name).map_or(&b""[..], |v| v.as_bytes());
    let page = query.page.map_or(-1, |p| i64::try_from(p).unwrap_or(i64::MAX));
    let parts: [&[u8]; 8] = [
        b"annotation container",
        &access.viewer.user_id.to_le_bytes(),
        access.viewer.role.as_str().as_bytes(),
        container.as_bytes(),
        &page.to_le_bytes(),
        &[query.iris],
        header("prefer"),
        header("accept"),
    ];
    transfer::revision_tag(access.revision, &parts)
}
