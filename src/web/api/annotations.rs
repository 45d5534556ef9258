//! Annotations through the W3C Web Annotation Protocol: the reading's container,
//! each annotation (also at its short address), replies, and imports.

mod container;
mod import;
mod protocol;
mod reattach;
mod thread;

use crate::db::{annotations, courses, moderation, readings, replies, w3c as store};
use crate::domain::{Annotation, AnnotationId, Comment, Link, LinkError, Relation, Viewer};
use crate::error::{Error, Result};
use crate::formats::w3c::{self, Iris, LinkRequest, ParsedAnnotation, Provenance};
use crate::text::anchor::{self, Agreement, Anchored, TextPosition, TextQuote};
use crate::web::api::wire::annotations::{Creator, Reply};
use crate::web::events::{Change, Event};
use crate::web::forms::Json;
use crate::web::snapshots::ReadingText;
use crate::web::{AnnotationAccess, AppState, CurrentUser, ReadingAccess};
use axum::Router;
use axum::extract::{FromRequestParts, RawPathParams, RawQuery, State};
use axum::http::header::{CONTENT_TYPE, HOST, LOCATION};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use protocol::{check_if_match, jsonld};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

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
        .route("/readings/{reading_id}/import", post(import::import_annotations))
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
    access: ReadingAccess,
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
    let annotation = create_annotation_for(&state, &access, parsed, &provenance).await?;
    let location = iris.annotation(access.reading_id, annotation.id);
    let stored = (!provenance.is_empty()).then_some(&provenance);
    let mut response = jsonld(StatusCode::CREATED, &w3c::to_jsonld_with(&annotation, &iris, stored), Some(&location));
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
    provenance: &Provenance,
) -> Result<Annotation> {
    state.limits.annotations.hit(&access.user().id.to_string())?;
    if let Some(source) = &parsed.target_source {
        if !source.trim_end_matches('/').ends_with(&format!("/readings/{}", access.reading_id)) {
            return Err(Error::invalid("target.source", "is not this reading"));
        }
    }
    let author = access.user();
    if !access.viewer.is_instructor() {
        let max = state.config.quotas.max_annotations_per_reading;
        if annotations::count_by_author(&state.db, access.reading_id, author.id).await? >= max {
            let message = format!(
                "You already have {max} annotations in this reading, the most one person may make; delete one to add another."
            );
            return Err(Error::invalid("annotation", message));
        }
    }
    crate::classroom::check_tags(&state.db, access.course_id, parsed.annotation.tags.as_slice()).await?;
    let text = state.snapshots.text(&state.db, access.reading_id).await?;
    let mut new = parsed.annotation;
    let anchored = anchor_in(state, text, new.position, new.quote.take()).await?;
    new.position = Some(anchored.position);
    new.quote = Some(anchored.quote);
    let links = resolve_links(state, access.reading_id, access.viewer, new.kind, &parsed.links, None).await?;
    let insert = annotations::Insert {
        reading_id: access.reading_id,
        author_id: author.id,
        new,
        links,
        provenance: provenance.clone(),
    };
    let (id, created) = state.inserts.insert(insert.clone()).await?;
    let annotations::Insert { new, links, .. } = insert;
    // What was stored, as its author sees it: every link's target was checked visible to them.
    let annotation = Annotation {
        id,
        reading_id: access.reading_id,
        author_id: author.id,
        author_name: author.name.clone(),
        kind: new.kind,
        comment: new.comment.as_str().to_owned(),
        citation: new.citation.as_str().to_owned(),
        tags: new.tags.as_slice().to_vec(),
        visibility: new.visibility,
        position: anchored.position,
        quote: new.quote.unwrap_or_default(),
        created,
        modified: created,
        links: stored_links(id, &links),
        reply_count: 0,
        late: crate::db::assignments::find(&state.db, access.reading_id).await?.is_some_and(|a| a.is_late(created)),
        orphaned: false,
        spotlight: false,
        answered: false,
    };
    state.events.publish(Event::new(Change::Created, &annotation));
    if !annotation.links.is_empty() {
        state.inbox.announce(&state.db).await;
    }
    Ok(annotation)
}

/// Readings longer than this are anchored in on the blocking threads: anchoring is
/// linear, but a few megabytes of text still take milliseconds to search.
const INLINE_ANCHOR_BYTES: usize = 64 * 1024;

/// Anchors the selectors strictly in a reading's text, refusing a passage longer than the quota.
async fn anchor_in(
    state: &AppState,
    text: Arc<ReadingText>,
    position: Option<TextPosition>,
    quote: Option<TextQuote>,
) -> Result<Anchored> {
    let longest = state.config.quotas.max_passage;
    let bytes = text.doc.text.len() + quote.as_ref().map_or(0, |q| q.exact.len() + q.prefix.len() + q.suffix.len());
    let work = move || {
        anchor::anchor_within(&text.doc.text, &text.index, position, quote.as_ref(), Agreement::Strict, longest)
    };
    let anchored = if bytes < INLINE_ANCHOR_BYTES { work() } else { state.offload.run(work).await? };
    Ok(anchored?)
}

/// The links as stored: one per target, the first asked for (the store ignores repeats).
fn stored_links(from: AnnotationId, links: &[(annotations::LinkTarget, Relation)]) -> Vec<Link> {
    let mut stored: Vec<Link> = Vec::with_capacity(links.len());
    for (target, relation) in links {
        if !stored.iter().any(|l| l.to == target.id) {
            stored.push(Link { from, to: target.id, relation: *relation });
        }
    }
    stored
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
    let current = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    // An instructor may place a class member's orphan again, and change nothing else of it.
    let placing_only = current.orphaned && access.viewer.is_instructor() && current.author_id != access.viewer.user_id;
    if current.author_id != access.viewer.user_id && !placing_only {
        return Err(Error::Forbidden("only the author can change an annotation"));
    }
    check_if_match(&headers, &render(&state, &current, &iris).await?)?;
    let parsed = w3c::parse_annotation(&body)?;
    let new = &parsed.annotation;
    crate::classroom::check_tags(&state.db, access.location.course_id, new.tags.as_slice()).await?;
    let placed = if reattach::asks_to_reattach(&current, new) {
        Some(reattach::anchor(&state, &current, new).await?)
    } else {
        None
    };
    if let (Some(anchored), true) = (&placed, placing_only) {
        reattach::store(&state, &current, anchored).await?;
    } else if placing_only {
        return Err(Error::invalid(
            "target",
            "send a TextPositionSelector for the passage to place this annotation on",
        ));
    } else if !current.orphaned
        && (new.position.is_some_and(|p| p != current.position)
            || new.quote.as_ref().is_some_and(|q| q.exact != current.quote.exact))
    {
        return Err(Error::invalid("target", "the highlighted passage cannot be changed; delete and annotate again"));
    }
    if placing_only {
        let annotation =
            annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
        state.events.publish(Event::updated(&current, &annotation));
        let location = iris.annotation(annotation.reading_id, annotation.id);
        return Ok(jsonld(StatusCode::OK, &render(&state, &annotation, &iris).await?, Some(&location)));
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
    if let Some(anchored) = &placed {
        reattach::store(&state, &current, anchored).await?;
    }
    annotations::update_annotation(&state.db, access.id, &update, Some(&links)).await?;
    let annotation = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
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
    // Others may not even learn that a private annotation exists.
    let annotation = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    if annotation.author_id != access.viewer.user_id && !access.viewer.is_instructor() {
        return Err(Error::Forbidden("only the author (or an instructor) can delete an annotation"));
    }
    if headers.contains_key(axum::http::header::IF_MATCH) {
        check_if_match(&headers, &render(&state, &annotation, &iris).await?)?;
    }
    if annotation.author_id != access.viewer.user_id {
        // Moderation: an instructor deletes a student's annotation, and that is recorded.
        moderation::record_deletion(&state.db, access.location.course_id, access.viewer.user_id, &annotation).await?;
    }
    store::delete_leaving_tombstone(&state.db, access.id, access.location.reading_id).await?;
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
    let annotation = annotations::find_visible(&state.db, access.id, access.viewer).await?.ok_or(Error::NotFound)?;
    let text = Comment::parse("text", &body.text)?;
    if text.as_str().is_empty() {
        return Err(Error::invalid("text", "must not be empty"));
    }
    let reply = replies::insert_reply(&state.db, access.id, access.viewer.user_id, text.as_str()).await?;
    state.events.publish(Event::new(Change::Replied, &annotation));
    state.inbox.announce(&state.db).await;
    let body = Reply {
        id: reply.id,
        annotation: reply.annotation_id,
        text: reply.text,
        creator: Creator { id: reply.author_id, name: reply.author_name, role: None },
        created: crate::db::timestamp(reply.created),
    };
    Ok((StatusCode::CREATED, Json(body)))
}
