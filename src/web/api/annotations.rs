//! Annotations through the W3C Web Annotation Protocol: the reading's container,
//! each annotation (also at its short address), replies, and imports.

mod container;
mod protocol;
mod thread;
mod w3c_import;

use crate::annotations::Place;
use crate::db::{annotations, courses, readings, w3c as store};
use crate::domain::{Annotation, AnnotationId};
use crate::error::{Error, Result};
use crate::formats::w3c::{self, Iris, Provenance};
use crate::web::api::wire::annotations::{Creator, Reply};
use crate::web::effects;
use crate::web::events::{Change, Event};
use crate::web::forms::Json;
use crate::web::{AnnotationAccess, AppState, AuthorAccess, CurrentUser};
use axum::Router;
use axum::extract::{RawPathParams, RawQuery, State};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use protocol::{check_if_match, jsonld};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

pub fn router() -> Router<AppState> {
    let container = get(container::list_annotations).post(create_annotation).options(protocol::options);
    let one = get(show_annotation).put(update_annotation).delete(delete_annotation).options(protocol::options);
    let containers = Router::new()
        .route("/readings/{reading_id}/annotations", container.clone())
        .route("/readings/{reading_id}/annotations/", container)
        .layer(map_response(protocol::container_headers));
    let annotations = Router::new()
        .route("/readings/{reading_id}/annotations/{annotation_id}", one.clone())
        .route("/annotations/{annotation_id}", one)
        .layer(map_response(protocol::annotation_headers));
    Router::new()
        .merge(containers)
        .merge(annotations)
        .route("/annotations/{annotation_id}/replies", post(create_reply).get(thread::list_replies))
        .route("/readings/{reading_id}/import", post(w3c_import::import_annotations))
}

pub use crate::web::iris::RequestIris;

/// `GET /ns/counterpoint.jsonld`: the JSON-LD context of Counterpoint's own terms.
pub async fn counterpoint_context(RequestIris(iris): RequestIris) -> Response {
    let mut response = axum::Json(w3c::counterpoint_context(&iris)).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/ld+json"));
    response
}

/// One annotation as JSON-LD, with its provenance, as `viewer` sees it (the ETag is taken from this).
async fn render(state: &AppState, annotation: &Annotation, iris: &Iris) -> Result<Value> {
    let provenance = store::provenance_of(&state.db, annotation.id).await?;
    Ok(w3c::to_jsonld_with(annotation, iris, provenance.as_ref()))
}

async fn create_annotation(
    State(state): State<AppState>,
    author: AuthorAccess,
    RequestIris(iris): RequestIris,
    RawQuery(query): RawQuery,
    Json(body): Json<Value>,
) -> Result<Response> {
    if query.is_some_and(|q| !q.is_empty()) {
        // `?page=N` and `?iris=1` are representations of the container, not the container.
        let message = "post to the container's own IRI, not to a page or another representation".to_owned();
        return Err(Error::Rejected { status: StatusCode::METHOD_NOT_ALLOWED, message });
    }
    let parsed = w3c::parse_annotation(&body)?;
    let provenance = body.as_object().map(|o| Provenance::of(o, false)).transpose()?.unwrap_or_default();
    let annotation = effects::create_annotation(&state, &author, parsed, &provenance).await?;
    let location = iris.annotation(annotation.reading_id, annotation.id);
    let stored = (!provenance.is_empty()).then_some(&provenance);
    let mut response = jsonld(StatusCode::CREATED, &w3c::to_jsonld_with(&annotation, &iris, stored), Some(&location));
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, value);
    }
    Ok(response)
}

async fn show_annotation(
    State(state): State<AppState>,
    access: Result<AnnotationAccess>,
    user: Result<CurrentUser>,
    params: RawPathParams,
    RequestIris(iris): RequestIris,
) -> Result<Response> {
    let access = match access {
        Err(Error::NotFound) => return Err(gone_or_not_found(&state, user?, &params).await?),
        other => other?,
    };
    let annotation = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    let location = iris.annotation(annotation.reading_id, annotation.id);
    Ok(jsonld(StatusCode::OK, &render(&state, &annotation, &iris).await?, Some(&location)))
}

/// After a delete the annotation's IRI (inside its container) answers 410 Gone to
/// members of its course; anything else, the short address included, is 404.
async fn gone_or_not_found(state: &AppState, user: CurrentUser, params: &RawPathParams) -> Result<Error> {
    if !params.iter().any(|(key, _)| key == "reading_id") {
        return Ok(Error::NotFound);
    }
    let id = params.iter().find(|(key, _)| *key == "annotation_id").and_then(|(_, v)| v.parse::<AnnotationId>().ok());
    let tombstone = match id {
        Some(id) => store::tombstone(&state.db, id).await?,
        None => None,
    };
    let Some(reading_id) = tombstone else { return Ok(Error::NotFound) };
    let Some(course_id) = readings::course_of(&state.db, reading_id).await? else { return Ok(Error::NotFound) };
    if courses::role_of(&state.db, course_id, user.user.id).await?.is_some() {
        Ok(Error::Gone)
    } else {
        Ok(Error::NotFound)
    }
}

async fn update_annotation(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Result<Response> {
    let current = crate::annotations::editable(&state.db, access.id, access.viewer).await?;
    check_if_match(&headers, &render(&state, &current, &iris).await?)?;
    let parsed = w3c::parse_annotation(&body)?;
    let place = Place { course_id: access.location.course_id, reading_id: current.reading_id };
    let annotation = crate::annotations::update(&state.services(), (place, access.viewer), &current, &parsed).await?;
    state.events.publish(Event::updated(&current, &annotation));
    let location = iris.annotation(annotation.reading_id, annotation.id);
    Ok(jsonld(StatusCode::OK, &render(&state, &annotation, &iris).await?, Some(&location)))
}

async fn delete_annotation(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
    headers: HeaderMap,
) -> Result<StatusCode> {
    let annotation = crate::annotations::deletable(&state.db, access.id, access.viewer).await?;
    if headers.contains_key(axum::http::header::IF_MATCH) {
        check_if_match(&headers, &render(&state, &annotation, &iris).await?)?;
    }
    let place = Place { course_id: access.location.course_id, reading_id: access.location.reading_id };
    crate::annotations::delete(&state.services(), (place, access.viewer), &annotation).await?;
    state.events.publish(Event::new(Change::Deleted, &annotation));
    Ok(StatusCode::NO_CONTENT)
}

/// A reply to an annotation.
#[derive(Deserialize, JsonSchema)]
pub(super) struct NewReply {
    text: String,
}

async fn create_reply(
    State(state): State<AppState>,
    access: AnnotationAccess,
    Json(body): Json<NewReply>,
) -> Result<(StatusCode, Json<Reply>)> {
    let (annotation, reply) =
        crate::annotations::reply(&state.services(), (access.id, access.viewer), &body.text).await?;
    state.events.publish(Event::new(Change::Replied, &annotation));
    let body = Reply {
        id: reply.id,
        annotation: reply.annotation_id,
        text: reply.text,
        creator: Creator { id: reply.author_id, name: reply.author_name, role: None },
        created: crate::db::timestamp(reply.created),
    };
    Ok((StatusCode::CREATED, Json(body)))
}
