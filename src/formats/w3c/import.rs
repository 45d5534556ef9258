//! Annotations coming from elsewhere: another tool's export, or a Counterpoint
//! export being restored. Bodies of unknown purposes are kept as comments, and
//! where each item came from (its id, `canonical`, creator) is kept as provenance.

use super::{Bodies, ParsedAnnotation, annotation_id, one_or_many, parse_with};
use crate::domain::{AnnotationId, Comment, Invalid, check_length};
use serde_json::{Map, Value, json};

/// Where an annotation came from: kept as given, written back out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Provenance {
    /// `canonical`: the IRI that identifies it wherever it is copied.
    pub canonical: Option<String>,
    /// `via`: the IRI it was copied from.
    pub via: Option<String>,
    /// The name of whoever wrote it there.
    pub creator_name: Option<String>,
}

const MAX_IRI_CHARS: usize = 2_000;
const MAX_NAME_CHARS: usize = 200;

impl Provenance {
    /// Reads `canonical` (which must be an IRI), the item's own `id` (else its
    /// `via`; ignored unless an IRI: the server assigns ids) and, when
    /// `with_creator`, the creator's name.
    pub fn of(object: &Map<String, Value>, with_creator: bool) -> Result<Self, Invalid> {
        let canonical = object.get("canonical").map(|v| iri(v, "canonical")).transpose()?;
        let via = ["id", "via"].into_iter().find_map(|key| object.get(key).and_then(|v| iri(v, "id").ok()));
        let creator_name = if with_creator { creator_name(object.get("creator"))? } else { None };
        Ok(Self { canonical, via, creator_name })
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.canonical.is_none() && self.via.is_none() && self.creator_name.is_none()
    }

    /// Adds `canonical`, `via` and `originalCreator` to an annotation's JSON-LD.
    pub fn write_into(&self, out: &mut Value) {
        if let Some(canonical) = &self.canonical {
            out["canonical"] = json!(canonical);
        }
        if let Some(via) = &self.via {
            out["via"] = json!(via);
        }
        if let Some(name) = &self.creator_name {
            out["originalCreator"] = json!(name);
        }
    }
}

fn iri(value: &Value, field: &'static str) -> Result<String, Invalid> {
    let text = value.as_str().ok_or_else(|| Invalid::new(field, "must be an IRI string"))?;
    check_length(field, text, MAX_IRI_CHARS)?;
    let scheme = text.split_once(':').map(|(scheme, _)| scheme).unwrap_or_default();
    let scheme_ok = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Invalid::new(field, format!("{text:?} is not an absolute IRI")));
    }
    Ok(text.to_owned())
}

fn creator_name(creator: Option<&Value>) -> Result<Option<String>, Invalid> {
    let Some(first) = one_or_many(creator).next() else { return Ok(None) };
    let name = first.get("name").and_then(|n| one_or_many(Some(n)).next()).and_then(Value::as_str);
    let name = name.or_else(|| first.get("nickname").and_then(Value::as_str)).map(str::trim);
    match name {
        Some(name) if !name.is_empty() => {
            check_length("creator.name", name, MAX_NAME_CHARS)?;
            Ok(Some(name.to_owned()))
        }
        _ => Ok(None),
    }
}

/// One item of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportItem {
    /// An annotation of the reading; `key` is the id other items use for it.
    Annotation { key: Option<AnnotationId>, parsed: Box<ParsedAnnotation>, provenance: Provenance },
    /// A reply (motivation `replying`) to the annotation `parent`.
    Reply { parent: AnnotationId, text: Comment, provenance: Provenance },
}

/// The items of an `AnnotationCollection` (with embedded pages), an `AnnotationPage`, an array or one annotation.
pub fn items_of(value: &Value) -> Result<Vec<&Value>, Invalid> {
    match value {
        Value::Array(items) => Ok(items.iter().collect()),
        Value::Object(object) if has_type(object, "AnnotationCollection") => {
            let mut items = Vec::new();
            let mut page = object.get("first");
            while let Some(current) = page {
                let current = current.as_object().ok_or_else(|| {
                    Invalid::new("first", "the collection's pages must be embedded, not linked by IRI")
                })?;
                items.extend(one_or_many(current.get("items")));
                page = current.get("next").filter(|next| next.is_object());
            }
            Ok(items)
        }
        Value::Object(object) if has_type(object, "AnnotationPage") => Ok(one_or_many(object.get("items")).collect()),
        Value::Object(object) if has_type(object, "Annotation") => Ok(vec![value]),
        _ => Err(Invalid::new("import", "send an AnnotationCollection, an AnnotationPage or an array of annotations")),
    }
}

fn has_type(object: &Map<String, Value>, wanted: &str) -> bool {
    one_or_many(object.get("type")).any(|t| t.as_str() == Some(wanted))
}

/// Parses one item: a reply when its motivation is `replying` and its target is an annotation, else an annotation.
pub fn parse_import_item(value: &Value) -> Result<ImportItem, Invalid> {
    let object = value.as_object().ok_or_else(|| Invalid::new("annotation", "must be a JSON object"))?;
    let provenance = Provenance::of(object, true)?;
    let replying = one_or_many(object.get("motivation")).any(|m| m.as_str() == Some("replying"));
    if replying {
        if let Some(parent) = reply_target(object.get("target")) {
            // Parsed as an annotation over a placeholder target, to read its bodies as comments.
            let mut bodies = json!({"target": {"selector": {"type": "TextQuoteSelector", "exact": "-"}}});
            for key in ["body", "bodyValue"] {
                if let Some(value) = object.get(key) {
                    bodies[key] = value.clone();
                }
            }
            let parsed = parse_with(&bodies, Bodies::KeepAsComments)?;
            let text = parsed.annotation.comment;
            if text.as_str().is_empty() {
                return Err(Invalid::new("body", "a reply needs text"));
            }
            return Ok(ImportItem::Reply { parent: annotation_id(parent)?, text, provenance });
        }
    }
    let key = object.get("id").and_then(Value::as_str).and_then(|id| annotation_id(id).ok());
    let parsed = parse_with(value, Bodies::KeepAsComments)?;
    Ok(ImportItem::Annotation { key, parsed: Box::new(parsed), provenance })
}

/// The IRI a reply targets: a string, or an object naming an annotation with no selector.
fn reply_target(target: Option<&Value>) -> Option<&str> {
    let target = one_or_many(target).next()?;
    match target {
        Value::String(iri) => Some(iri),
        Value::Object(object) if object.get("selector").is_none() => {
            object.get("id").or_else(|| object.get("source")).and_then(Value::as_str)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Kind;

    #[test]
    fn collections_pages_and_arrays_all_give_their_items() {
        let item = json!({"type": "Annotation"});
        let page = json!({"type": "AnnotationPage", "items": [item, item]});
        let collection = json!({"type": ["BasicContainer", "AnnotationCollection"],
                                "first": {"type": "AnnotationPage", "items": [item], "next": page}});
        assert_eq!(items_of(&collection).expect("collection").len(), 3);
        assert_eq!(items_of(&page).expect("page").len(), 2);
        assert_eq!(items_of(&json!([item])).expect("array").len(), 1);
        assert_eq!(
            items_of(&json!({"type": "AnnotationCollection", "first": "http://x/?page=0"})).expect_err("linked").field,
            "first"
        );
        assert_eq!(items_of(&json!("nope")).expect_err("string").field, "import");
    }

    #[test]
    fn unknown_bodies_become_comments_and_the_creator_is_remembered() {
        let value = json!({"id": "http://elsewhere/a/1", "canonical": "urn:uuid:1",
            "creator": {"name": "Ana"}, "motivation": "commenting",
            "body": [{"type": "TextualBody", "purpose": "bookmarking", "value": "for later"}, "http://example.org/img.png"],
            "target": {"selector": {"type": "TextQuoteSelector", "exact": "x"}}});
        let ImportItem::Annotation { key, parsed, provenance } = parse_import_item(&value).expect("valid") else {
            panic!("an annotation")
        };
        assert_eq!(key, None, "a non-uuid id maps to nothing");
        assert_eq!(parsed.annotation.kind, Kind::Note);
        assert_eq!(parsed.annotation.comment.as_str(), "for later\n\nhttp://example.org/img.png");
        assert_eq!(provenance.creator_name.as_deref(), Some("Ana"));
        assert_eq!(provenance.via.as_deref(), Some("http://elsewhere/a/1"));
        assert_eq!(provenance.canonical.as_deref(), Some("urn:uuid:1"));
    }

    #[test]
    fn a_replying_annotation_that_targets_an_annotation_is_a_reply() {
        let parent = "9f1c1c66-1a9b-4ed5-9a54-4b1dc5b56f0c";
        let value = json!({"motivation": "replying", "body": {"type": "TextualBody", "value": "Why?"},
                           "target": format!("http://h/api/readings/1/annotations/{parent}")});
        let ImportItem::Reply { parent: got, text, .. } = parse_import_item(&value).expect("valid") else {
            panic!("a reply")
        };
        assert_eq!(got.to_string(), parent);
        assert_eq!(text.as_str(), "Why?");
        let bad = json!({"motivation": "replying", "target": "http://h/x", "bodyValue": "Hm"});
        assert!(parse_import_item(&bad).is_err(), "a reply to something that is not an annotation is refused");
        assert!(parse_import_item(&json!({"canonical": "not an iri", "target": {}})).is_err());
    }
}
