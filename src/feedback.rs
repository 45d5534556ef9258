//! Feedback use case shared by the review page and the API: an instructor's
//! word on an annotation they can see, shown to its author.

use crate::db::annotations;
use crate::db::feedback::{self, Feedback};
use crate::domain::{AnnotationId, Comment, Viewer};
use crate::error::{Error, Result};
use crate::services::Services;

/// Stores `viewer`'s feedback on the annotation: 404 unless they may see it,
/// 403 for students, 422 when there is neither text nor the exemplary mark.
pub async fn leave_feedback(
    services: &Services<'_>,
    (annotation_id, viewer): (AnnotationId, Viewer),
    text: &str,
    exemplary: bool,
) -> Result<Feedback> {
    // Visibility first: nobody learns that an annotation they cannot see exists.
    annotations::find_visible(services.db, annotation_id, viewer).await?.ok_or(Error::NotFound)?;
    if !viewer.is_instructor() {
        return Err(Error::Forbidden("only instructors leave feedback"));
    }
    let text = Comment::parse("text", text)?;
    if text.as_str().is_empty() && !exemplary {
        return Err(Error::invalid("text", "write some feedback, or mark the annotation exemplary"));
    }
    let given = feedback::insert_feedback(services.db, annotation_id, viewer.user_id, text.as_str(), exemplary).await?;
    services.inbox.announce(services.db).await;
    Ok(given)
}
