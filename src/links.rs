//! Link use cases: linking an annotation to another after it was made, and
//! unlinking (the source annotation's author only), and the `supports` cycle
//! check every new link passes. A new annotation's links are checked in
//! `annotations`; a W3C import's, among its batch, with the same rule
//! ([`crate::domain::links_on_cycles`]) in `annotation_import`.

use crate::db::Db;
use crate::db::annotations::{self, LinkTarget};
use crate::db::links;
use crate::domain::{Annotation, AnnotationId, LinkError, Relation, Viewer};
use crate::error::{Error, Result};
use crate::services::Services;

/// Refuses links from `from` that would close a cycle of `supports`. A new
/// annotation (`from` is `None`) has nothing pointing at it yet, so its links
/// cannot close one.
pub async fn refuse_cycles(db: &Db, from: Option<AnnotationId>, new: &[(LinkTarget, Relation)]) -> Result<()> {
    let Some(from) = from else { return Ok(()) };
    let Some(from_row) = links::row_id(db, from).await? else { return Ok(()) };
    for (target, relation) in new {
        if *relation == Relation::Supports && links::closes_supports_cycle(db, from_row, target.row_id).await? {
            return Err(LinkError::Cycle.into());
        }
    }
    Ok(())
}

/// The annotation whose links `viewer` wants to change: 404 unless they may see it, 403 unless they wrote it.
pub async fn authored(db: &Db, id: AnnotationId, viewer: Viewer) -> Result<Annotation> {
    let annotation = annotations::find_visible(db, id, viewer).await?.ok_or(Error::NotFound)?;
    if annotation.author_id != viewer.user_id {
        return Err(Error::Forbidden("only the author of an annotation can change its links"));
    }
    Ok(annotation)
}

/// Links `source` (found with [`authored`]) to the annotation `to` of the same
/// reading that `viewer` may see; the relation, stated or following from the kinds.
pub async fn link(
    services: &Services<'_>,
    (source, viewer): (&Annotation, Viewer),
    to: AnnotationId,
    stated: Option<Relation>,
) -> Result<Relation> {
    if to == source.id {
        return Err(LinkError::SelfLink.into());
    }
    let target =
        annotations::find_link_target(services.db, source.reading_id, to, viewer).await?.ok_or(LinkError::NotFound)?;
    let relation = Relation::for_kinds(source.kind, target.kind, stated)?;
    let from_row = links::row_id(services.db, source.id).await?.ok_or(Error::NotFound)?;
    match links::insert_link(services.db, from_row, target.row_id, relation).await? {
        links::Inserted::Yes => {}
        links::Inserted::Cycle => return Err(LinkError::Cycle.into()),
        links::Inserted::AlreadyLinked => {
            return Err(Error::Conflict("these annotations are already linked; delete the link to change it".into()));
        }
    }
    services.inbox.announce(services.db).await;
    Ok(relation)
}

/// Removes the link from `source` (found with [`authored`]) to `to`; 404 when there is none.
pub async fn unlink(db: &Db, source: &Annotation, to: AnnotationId) -> Result<()> {
    if links::delete_link(db, source.id, to).await? { Ok(()) } else { Err(Error::NotFound) }
}
