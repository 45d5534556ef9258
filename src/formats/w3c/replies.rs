//! Replies as W3C annotations: motivation `replying`, targeting the annotation they answer.

use super::{ANNO_CONTEXT, Iris, Provenance, utc};
use crate::domain::AnnotationId;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// A reply as it is written out.
#[derive(Debug, Clone, Copy)]
pub struct ReplyOut<'a> {
    pub id: AnnotationId,
    pub parent: AnnotationId,
    pub reading_id: i64,
    pub author_id: i64,
    pub author_name: &'a str,
    pub text: &'a str,
    pub created: DateTime<Utc>,
}

/// A reply as W3C JSON-LD.
#[must_use]
pub fn reply_to_jsonld(reply: ReplyOut<'_>, iris: &Iris, provenance: Option<&Provenance>) -> Value {
    let created = utc(reply.created);
    let mut out = json!({
        "@context": [ANNO_CONTEXT, iris.context()],
        "id": iris.reply(reply.parent, reply.id),
        "type": "Annotation",
        "motivation": "replying",
        "created": created,
        "modified": created,
        "creator": {"id": iris.user(reply.author_id), "type": "Person", "name": reply.author_name},
        "body": {"type": "TextualBody", "purpose": "replying", "value": reply.text, "format": "text/plain"},
        "target": iris.annotation(reply.reading_id, reply.parent),
    });
    if let Some(provenance) = provenance {
        provenance.write_into(&mut out);
    }
    out
}
