//! Links made after their source annotation, from its thread:
//! `POST /api/annotations/{id}/links` and `DELETE /api/annotations/{id}/links/{target}`
//! (the source annotation's author only), and the cycle check every new link passes.

use super::annotations::RequestIris;
use crate::db::annotations::{self, LinkTarget};
use crate::db::links;
use crate::domain::{AnnotationId, LinkError, Relation};
use crate::error::{Error, Result};
use crate::formats::w3c;
use crate::web::api::wire::annotations::Link;
use crate::web::events::{Change, Event};
use crate::web::forms::Json;
use crate::web::{AnnotationAccess, AppState};
use axum::Router;
use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use schemars::JsonSchema;
use serde::Deserialize;
use sqlx::SqlitePool;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/annotations/{annotation_id}/links", post(create_link))
        .route("/annotations/{annotation_id}/links/{target_id}", delete(delete_link))
}

/// Refuses links from `from` that would close a cycle of `supports`. A new
/// annotation (`from` is `None`) has nothing pointing at it yet, so its links
/// cannot close one.
pub async fn refuse_cycles(db: &SqlitePool, from: Option<AnnotationId>, new: &[(LinkTarget, Relation)]) -> Result<()> {
    let Some(from) = from else { return Ok(()) };
    let Some(from_row) = links::row_id(db, from).await? else { return Ok(()) };
    for (target, relation) in new {
        if *relation == Relation::Supports && links::closes_supports_cycle(db, from_row, target.row_id).await? {
            return Err(LinkError::Cycle.into());
        }
    }
    Ok(())
}

/// A link from this annotation to another of the same reading.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewLink {
    /// The other annotation: its uuid or its IRI.
    target: String,
    /// Follows from the two kinds unless stated.
    #[schemars(extend("enum" = ["rebuts", "supports", null]))]
    relation: Option<String>,
}

/// 404 unless the caller may see the annotation; 403 unless they wrote it.
async fn require_author(state: &AppState, access: &AnnotationAccess) -> Result<crate::domain::Annotation> {
    let annotation = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    if annotation.author_id != access.viewer.user_id {
        return Err(Error::Forbidden("only the author of an annotation can change its links"));
    }
    Ok(annotation)
}

async fn create_link(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
    body: Result<Json<NewLink>, Error>,
) -> Result<Response> {
    let source = require_author(&state, &access).await?;
    // The body is read only now, so a malformed one does not tell others that the annotation exists.
    let Json(body) = body?;
    let to = w3c::annotation_id(&body.target).map_err(|e| Error::invalid("target", e.message))?;
    let stated = body.relation.as_deref().map(str::parse::<Relation>).transpose()?;
    if to == source.id {
        return Err(LinkError::SelfLink.into());
    }
    let target = annotations::find_link_target(&state.db, source.reading_id, to, access.viewer)
        .await?
        .ok_or(LinkError::NotFound)?;
    let relation = Relation::for_kinds(source.kind, target.kind, stated)?;
    let from_row = links::row_id(&state.db, source.id).await?.ok_or(Error::NotFound)?;
    match links::insert_link(&state.db, from_row, target.row_id, relation).await? {
        links::Inserted::Yes => {}
        links::Inserted::Cycle => return Err(LinkError::Cycle.into()),
        links::Inserted::AlreadyLinked => {
            return Err(Error::Conflict("these annotations are already linked; delete the link to change it".into()));
        }
    }
    state.inbox.announce(&state.db).await;
    let body = Link {
        source: iris.annotation(source.reading_id, source.id),
        target: iris.annotation(source.reading_id, to),
        relation: relation.as_str(),
    };
    state.events.publish(Event::new(Change::Linked, &source));
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/annotations/{}/links/{to}", source.id)) {
        response.headers_mut().insert(LOCATION, location);
    }
    Ok(response)
}

async fn delete_link(
    State(state): State<AppState>,
    access: AnnotationAccess,
    axum::extract::Path((_, target_id)): axum::extract::Path<(String, String)>,
) -> Result<StatusCode> {
    let source = require_author(&state, &access).await?;
    let to: AnnotationId = target_id.parse().map_err(|_| Error::NotFound)?;
    if !links::delete_link(&state.db, source.id, to).await? {
        return Err(Error::NotFound);
    }
    state.events.publish(Event::new(Change::Linked, &source));
    Ok(StatusCode::NO_CONTENT)
}
