//! Annotations through the W3C Web Annotation Protocol: the reading's container,
//! each annotation (also at its short address), and replies.

use crate::db::{annotations, readings, replies};
use crate::domain::{Annotation, Comment, LinkError, Relation, Viewer};
use crate::error::{Error, Result};
use crate::formats::w3c::{self, ANNO_MEDIA_TYPE, Iris, LinkRequest, ParsedAnnotation};
use crate::text::CharIndex;
use crate::text::anchor::{self, Agreement};
use crate::web::forms::Json;
use crate::web::{AnnotationAccess, AppState, ReadingAccess};
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{CONTENT_TYPE, HOST, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    let container = get(list_annotations).post(create_annotation);
    let one = get(show_annotation).put(update_annotation).delete(delete_annotation);
    Router::new()
        .route("/readings/{reading_id}/annotations", container.clone())
        .route("/readings/{reading_id}/annotations/", container)
        .route("/readings/{reading_id}/annotations/{annotation_id}", one.clone())
        .route("/annotations/{annotation_id}", one)
        .route("/annotations/{annotation_id}/replies", post(create_reply))
}

/// The server's IRIs: the configured base URL, else `http://` and the request's `Host`.
pub struct RequestIris(pub Iris);

impl FromRequestParts<AppState> for RequestIris {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let base = match &state.config.base_url {
            Some(base) => base.trim_end_matches('/').to_owned(),
            None => {
                let host = parts.headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
                format!("http://{host}")
            }
        };
        Ok(Self(Iris { base }))
    }
}

/// JSON-LD with the Web Annotation profile.
fn jsonld(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(ANNO_MEDIA_TYPE));
    response
}

async fn list_annotations(
    State(state): State<AppState>,
    access: ReadingAccess,
    RequestIris(iris): RequestIris,
) -> Result<Response> {
    let items = annotations::list_visible(&state.db, access.reading_id, access.viewer).await?;
    let container = iris.container(access.reading_id);
    let items: Vec<Value> = items.iter().map(|a| w3c::to_jsonld(a, &iris)).collect();
    let body = json!({
        "@context": [w3c::ANNO_CONTEXT, "http://www.w3.org/ns/ldp.jsonld"],
        "id": container,
        "type": ["BasicContainer", "AnnotationCollection"],
        "total": items.len(),
        "first": {"id": format!("{container}?page=0"), "type": "AnnotationPage", "partOf": container, "startIndex": 0, "items": items},
    });
    Ok(jsonld(StatusCode::OK, &body))
}

async fn create_annotation(
    State(state): State<AppState>,
    access: ReadingAccess,
    RequestIris(iris): RequestIris,
    Json(body): Json<Value>,
) -> Result<Response> {
    let parsed = w3c::parse_annotation(&body)?;
    let annotation = create_annotation_for(&state, &access, parsed).await?;
    let mut response = jsonld(StatusCode::CREATED, &w3c::to_jsonld(&annotation, &iris));
    let location = iris.annotation(access.reading_id, annotation.id);
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(LOCATION, value);
    }
    Ok(response)
}

/// Anchors a parsed annotation in its reading, checks its links and stores it.
pub async fn create_annotation_for(
    state: &AppState,
    access: &ReadingAccess,
    parsed: ParsedAnnotation,
) -> Result<Annotation> {
    if let Some(source) = &parsed.target_source {
        if !source.trim_end_matches('/').ends_with(&format!("/readings/{}", access.reading_id)) {
            return Err(Error::invalid("target.source", "is not this reading"));
        }
    }
    let reading = readings::find_reading(&state.db, access.reading_id).await?.ok_or(Error::NotFound)?;
    let text = &reading.doc.text;
    let mut new = parsed.annotation;
    let anchored = anchor::anchor(text, &CharIndex::new(text), new.position, new.quote.as_ref(), Agreement::Strict)?;
    new.position = Some(anchored.position);
    new.quote = Some(anchored.quote);
    let links = resolve_links(state, access.reading_id, access.viewer, new.kind, &parsed.links, None).await?;
    let id = annotations::insert_annotation(&state.db, access.reading_id, access.user().id, &new, &links).await?;
    annotations::find_visible(&state.db, id, access.viewer).await?.ok_or(Error::NotFound)
}

/// Finds and checks each requested link's target: same reading, visible to the author, kinds that fit.
async fn resolve_links(
    state: &AppState,
    reading_id: i64,
    viewer: Viewer,
    kind: crate::domain::Kind,
    requests: &[LinkRequest],
    own_id: Option<uuid::Uuid>,
) -> Result<Vec<(annotations::LinkTarget, Relation)>> {
    let mut links = Vec::with_capacity(requests.len());
    for request in requests {
        if Some(request.target) == own_id {
            return Err(LinkError::SelfLink.into());
        }
        let target = annotations::find_link_target(&state.db, reading_id, request.target, viewer)
            .await?
            .ok_or(LinkError::NotFound)?;
        links.push((target, Relation::for_kinds(kind, target.kind, request.relation)?));
    }
    super::links::refuse_cycles(&state.db, own_id, &links).await?;
    Ok(links)
}

async fn show_annotation(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
) -> Result<Response> {
    let annotation = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    Ok(jsonld(StatusCode::OK, &w3c::to_jsonld(&annotation, &iris)))
}

async fn update_annotation(
    State(state): State<AppState>,
    access: AnnotationAccess,
    RequestIris(iris): RequestIris,
    Json(body): Json<Value>,
) -> Result<Response> {
    let current = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    if current.author_id != access.viewer.user_id {
        return Err(Error::Forbidden("only the author can change an annotation"));
    }
    let parsed = w3c::parse_annotation(&body)?;
    let new = &parsed.annotation;
    if new.position.is_some_and(|p| p != current.position)
        || new.quote.as_ref().is_some_and(|q| q.exact != current.quote.exact)
    {
        return Err(Error::invalid("target", "the highlighted passage cannot be changed; delete and annotate again"));
    }
    for (from_kind, relation) in annotations::incoming_links(&state.db, access.id).await? {
        Relation::for_kinds(from_kind, new.kind, Some(relation))?;
    }
    let links =
        resolve_links(&state, current.reading_id, access.viewer, new.kind, &parsed.links, Some(access.id)).await?;
    let update = annotations::AnnotationUpdate {
        kind: new.kind,
        comment: new.comment.as_str(),
        citation: new.citation.as_str(),
        tags: new.tags.as_slice(),
        visibility: new.visibility,
    };
    annotations::update_annotation(&state.db, access.id, &update, Some(&links)).await?;
    let annotation = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    Ok(jsonld(StatusCode::OK, &w3c::to_jsonld(&annotation, &iris)))
}

async fn delete_annotation(State(state): State<AppState>, access: AnnotationAccess) -> Result<StatusCode> {
    if access.location.author_id != access.viewer.user_id {
        // Others may not even learn that a private annotation exists.
        let visible = annotations::find_visible(&state.db, access.id, access.viewer).await?.is_some();
        return Err(if visible {
            Error::Forbidden("only the author can delete an annotation")
        } else {
            Error::NotFound
        });
    }
    annotations::delete_annotation(&state.db, access.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct NewReply {
    text: String,
}

async fn create_reply(
    State(state): State<AppState>,
    access: AnnotationAccess,
    Json(body): Json<NewReply>,
) -> Result<(StatusCode, Json<Value>)> {
    annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    let text = Comment::parse("text", &body.text)?;
    if text.as_str().is_empty() {
        return Err(Error::invalid("text", "must not be empty"));
    }
    let reply = replies::insert_reply(&state.db, access.id, access.viewer.user_id, text.as_str()).await?;
    let body = json!({
        "id": reply.id, "annotation": reply.annotation_id, "text": reply.text,
        "creator": {"id": reply.author_id, "name": reply.author_name},
        "created": crate::db::timestamp(reply.created),
    });
    Ok((StatusCode::CREATED, Json(body)))
}
