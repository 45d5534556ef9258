//! Annotation use cases shared by the reading page and the API: create (anchor
//! the selectors, check the quota, tags and links, store), update (the author
//! changes the body; an instructor may place a class member's orphan again) and
//! delete (the author, or an instructor, who is then recorded); and replies in
//! an annotation's thread. Each returns what changed; the web layer tells the
//! open pages.

use crate::db::Db;
use crate::db::assignments::Standing;
use crate::db::{annotations, moderation, readings, replies, w3c as store};
use crate::domain::{Annotation, AnnotationId, Comment, Link, LinkError, NewAnnotation, Relation, Reply, User, Viewer};
use crate::error::{Error, Result};
use crate::formats::w3c::{LinkRequest, ParsedAnnotation, Provenance};
use crate::services::Services;
use crate::text::anchor::{self, Agreement, Anchored, TextPosition, TextQuote};
use crate::text::{CharIndex, ReadingText};
use std::sync::Arc;

/// Where an annotation goes or is: its course and reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub course_id: i64,
    pub reading_id: i64,
}

/// Anchors a parsed annotation in its reading's `text`, checks its links and
/// stores it as `author` (whose place in the course is `viewer`, and whose
/// `standing` in the reading, loaded with the access check, the quota and the
/// due date are taken from).
pub async fn create(
    services: &Services<'_>,
    (place, author, viewer, standing): (Place, &User, Viewer, &Standing),
    text: Arc<ReadingText>,
    parsed: ParsedAnnotation,
    provenance: &Provenance,
) -> Result<Annotation> {
    if let Some(source) = &parsed.target_source {
        if !source.trim_end_matches('/').ends_with(&format!("/readings/{}", place.reading_id)) {
            return Err(Error::invalid("target.source", "is not this reading"));
        }
    }
    let db = services.db;
    if !viewer.is_instructor() {
        let max = services.quotas.max_annotations_per_reading;
        if standing.authored >= max {
            let message = format!(
                "You already have {max} annotations in this reading, the most one person may make; delete one to add another."
            );
            return Err(Error::invalid("annotation", message));
        }
    }
    crate::classroom::check_tags(db, place.course_id, parsed.annotation.tags.as_slice()).await?;
    let mut new = parsed.annotation;
    let anchored = anchor_in(services, text, new.position, new.quote.take()).await?;
    new.position = Some(anchored.position);
    new.quote = Some(anchored.quote);
    let links = resolve_links(db, place.reading_id, viewer, new.kind, &parsed.links, None).await?;
    let insert = annotations::Insert {
        reading_id: place.reading_id,
        author_id: author.id,
        new,
        links,
        provenance: provenance.clone(),
    };
    let (id, created) = services.inserts.insert(insert.clone()).await?;
    let annotations::Insert { new, links, .. } = insert;
    // What was stored, as its author sees it: every link's target was checked visible to them.
    let annotation = Annotation {
        id,
        reading_id: place.reading_id,
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
        late: standing.assignment.as_ref().is_some_and(|a| a.is_late(created)),
        orphaned: false,
        spotlight: false,
        answered: false,
    };
    if !annotation.links.is_empty() {
        services.inbox.announce(db).await;
    }
    Ok(annotation)
}

/// The annotation `viewer` wants to change: 404 unless they may see it, 403
/// unless they wrote it or, as an instructor, may place a class member's orphan.
pub async fn editable(db: &Db, id: AnnotationId, viewer: Viewer) -> Result<Annotation> {
    let current = annotations::find_visible(db, id, viewer).await?.ok_or(Error::NotFound)?;
    if current.author_id != viewer.user_id && !placing_only(&current, viewer) {
        return Err(Error::Forbidden("only the author can change an annotation"));
    }
    Ok(current)
}

/// An instructor may place a class member's orphan again, and change nothing else of it.
fn placing_only(current: &Annotation, viewer: Viewer) -> bool {
    current.orphaned && viewer.is_instructor() && current.author_id != viewer.user_id
}

/// Changes `current` (found with [`editable`]) as `parsed` says; the annotation as it now is.
/// The passage cannot change, except that an orphan may be placed again.
pub async fn update(
    services: &Services<'_>,
    (place, viewer): (Place, Viewer),
    current: &Annotation,
    parsed: &ParsedAnnotation,
) -> Result<Annotation> {
    let db = services.db;
    let placing_only = placing_only(current, viewer);
    let new = &parsed.annotation;
    crate::classroom::check_tags(db, place.course_id, new.tags.as_slice()).await?;
    let placed =
        if asks_to_reattach(current, new) { Some(reattach_anchor(services, current, new).await?) } else { None };
    if let (Some(anchored), true) = (&placed, placing_only) {
        annotations::reattach(db, current.id, anchored.position, &anchored.quote).await?;
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
        return annotations::find_visible(db, current.id, viewer).await?.ok_or(Error::NotFound);
    }
    for (from_kind, relation) in annotations::incoming_links(db, current.id).await? {
        Relation::for_kinds(from_kind, new.kind, Some(relation))?;
    }
    let links = resolve_links(db, current.reading_id, viewer, new.kind, &parsed.links, Some(current.id)).await?;
    let update = annotations::AnnotationUpdate {
        kind: new.kind,
        comment: new.comment.as_str(),
        citation: new.citation.as_str(),
        tags: new.tags.as_slice(),
        visibility: new.visibility,
    };
    if let Some(anchored) = &placed {
        annotations::reattach(db, current.id, anchored.position, &anchored.quote).await?;
    }
    annotations::update_annotation(db, current.id, &update, Some(&links)).await?;
    annotations::find_visible(db, current.id, viewer).await?.ok_or(Error::NotFound)
}

/// The annotation `viewer` wants to delete: 404 unless they may see it (others
/// may not even learn that a private annotation exists), 403 unless they wrote
/// it or teach the course.
pub async fn deletable(db: &Db, id: AnnotationId, viewer: Viewer) -> Result<Annotation> {
    let annotation = annotations::find_visible(db, id, viewer).await?.ok_or(Error::NotFound)?;
    if annotation.author_id != viewer.user_id && !viewer.is_instructor() {
        return Err(Error::Forbidden("only the author (or an instructor) can delete an annotation"));
    }
    Ok(annotation)
}

/// Deletes `annotation` (found with [`deletable`]), leaving a tombstone so its
/// IRI answers 410. An instructor deleting a student's work is recorded.
pub async fn delete(services: &Services<'_>, (place, viewer): (Place, Viewer), annotation: &Annotation) -> Result<()> {
    if annotation.author_id != viewer.user_id {
        // Moderation: an instructor deletes a student's annotation, and that is recorded.
        moderation::record_deletion(services.db, place.course_id, viewer.user_id, annotation).await?;
    }
    store::delete_leaving_tombstone(services.db, annotation.id, place.reading_id).await?;
    Ok(())
}

/// Adds `viewer`'s reply to the thread of an annotation they may see (404
/// otherwise); the annotation and the stored reply.
pub async fn reply(
    services: &Services<'_>,
    (id, viewer): (AnnotationId, Viewer),
    text: &str,
) -> Result<(Annotation, Reply)> {
    let annotation = annotations::find_visible(services.db, id, viewer).await?.ok_or(Error::NotFound)?;
    let text = Comment::parse("text", text)?;
    if text.as_str().is_empty() {
        return Err(Error::invalid("text", "must not be empty"));
    }
    let reply = replies::insert_reply(services.db, id, viewer.user_id, text.as_str()).await?;
    services.inbox.announce(services.db).await;
    Ok((annotation, reply))
}

/// Readings longer than this are anchored in on the blocking threads: anchoring is
/// linear, but a few megabytes of text still take milliseconds to search.
const INLINE_ANCHOR_BYTES: usize = 64 * 1024;

/// Anchors the selectors strictly in a reading's text, refusing a passage longer than the quota.
async fn anchor_in(
    services: &Services<'_>,
    text: Arc<ReadingText>,
    position: Option<TextPosition>,
    quote: Option<TextQuote>,
) -> Result<Anchored> {
    let longest = services.quotas.max_passage;
    let bytes = text.doc.text.len() + quote.as_ref().map_or(0, |q| q.exact.len() + q.prefix.len() + q.suffix.len());
    let work = move || {
        anchor::anchor_within(&text.doc.text, &text.index, position, quote.as_ref(), Agreement::Strict, longest)
    };
    let anchored = if bytes < INLINE_ANCHOR_BYTES { work() } else { services.offload.run(work).await? };
    Ok(anchored?)
}

/// Whether `new` asks to place the orphan `current` again: its target carries a
/// `TextPositionSelector`, or a quote other than the one it lost.
fn asks_to_reattach(current: &Annotation, new: &NewAnnotation) -> bool {
    current.orphaned && (new.position.is_some() || new.quote.as_ref().is_some_and(|q| q.exact != current.quote.exact))
}

/// Anchors the orphan's new selectors in the reading's current text, strictly,
/// as a new annotation would be (a 422 when they do not anchor).
async fn reattach_anchor(services: &Services<'_>, current: &Annotation, new: &NewAnnotation) -> Result<Anchored> {
    // Rare (an orphan placed by hand), so the text is read from the store rather than a cache.
    let reading = readings::find_reading(services.db, current.reading_id).await?.ok_or(Error::NotFound)?;
    let index = CharIndex::new(&reading.doc.text);
    let text = Arc::new(ReadingText { doc: reading.doc, index });
    anchor_in(services, text, new.position, new.quote.clone()).await
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
    db: &Db,
    reading_id: i64,
    viewer: Viewer,
    kind: crate::domain::Kind,
    requests: &[LinkRequest],
    own_id: Option<AnnotationId>,
) -> Result<Vec<(annotations::LinkTarget, Relation)>> {
    let mut links = Vec::with_capacity(requests.len());
    for request in requests {
        if Some(request.target) == own_id {
            return Err(LinkError::SelfLink.into());
        }
        let target =
            annotations::find_link_target(db, reading_id, request.target, viewer).await?.ok_or(LinkError::NotFound)?;
        links.push((target, Relation::for_kinds(kind, target.kind, request.relation)?));
    }
    crate::links::refuse_cycles(db, own_id, &links).await?;
    Ok(links)
}
