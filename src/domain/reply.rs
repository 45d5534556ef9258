//! Replies: the comments in an annotation's thread.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A comment in an annotation's thread, with its author's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub id: Uuid,
    pub annotation_id: Uuid,
    pub author_id: i64,
    pub author_name: String,
    pub text: String,
    pub created: DateTime<Utc>,
}
