//! Links made after their source annotation, from its thread:
//! `POST /api/annotations/{id}/links` and `DELETE /api/annotations/{id}/links/{target}`
//! (the source annotation's author only); the rules are `crate::links`.

use super::annotations::RequestIris;
use crate::domain::{AnnotationId, Relation};
use crate::error::{Error, Result};
use crate::formats::w3c;
use crate::links;
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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/annotations/{annotation_id}/links", post(create_link))
        .route("/annotations/{annotation_id}/links/{target_id}", delete(delete_link))
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

async fn create_link(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
    body: Result<Json<NewLink>, Error>,
) -> Result<Response> {
    let source = links::authored(&state.db, access.id, access.viewer).await?;
    // The body is read only now, so a malformed one does not tell others that the annotation exists.
    let Json(body) = body?;
    let to = w3c::annotation_id(&body.target).map_err(|e| Error::invalid("target", e.message))?;
    let stated = body.relation.as_deref().map(str::parse::<Relation>).transpose()?;
    let relation = links::link(&state.services(), (&source, access.viewer), to, stated).await?;
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
    let source = links::authored(&state.db, access.id, access.viewer).await?;
    let to: AnnotationId = target_id.parse().map_err(|_| Error::NotFound)?;
    links::unlink(&state.db, &source, to).await?;
    state.events.publish(Event::new(Change::Linked, &source));
    Ok(StatusCode::NO_CONTENT)
}
