//! The W3C Web Annotation data model: annotations in (as clients send them) and
//! out (as JSON-LD). See DESIGN.md for how the kind, comment, links and
//! visibility map onto bodies.

use crate::domain::{Annotation, AnnotationId, Comment, Invalid, Kind, NewAnnotation, Relation, Tags, Visibility};
use crate::text::anchor::{TextPosition, TextQuote};
use chrono::SecondsFormat;
use serde_json::{Map, Value, json};

mod collection;
mod context;
mod import;
mod replies;

pub use collection::{About, Page, PageForm, collection, page};
pub use context::counterpoint_context;
pub use import::{ImportItem, Provenance, items_of, parse_import_item};
pub use replies::{ReplyOut, reply_to_jsonld};

/// The W3C Web Annotation JSON-LD context.
pub const ANNO_CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";
/// The media type of JSON-LD with the Web Annotation profile.
pub const ANNO_MEDIA_TYPE: &str = "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";

/// The absolute IRIs of one server, e.g. `http://127.0.0.1:3000`.
#[derive(Debug, Clone)]
pub struct Iris {
    pub base: String,
}

impl Iris {
    #[must_use]
    pub fn reading(&self, reading_id: i64) -> String {
        format!("{}/readings/{reading_id}", self.base)
    }
    #[must_use]
    pub fn container(&self, reading_id: i64) -> String {
        format!("{}/api/readings/{reading_id}/annotations/", self.base)
    }
    #[must_use]
    pub fn annotation(&self, reading_id: i64, id: AnnotationId) -> String {
        format!("{}{id}", self.container(reading_id))
    }
    #[must_use]
    pub fn user(&self, user_id: i64) -> String {
        format!("{}/users/{user_id}", self.base)
    }
    /// The page of an annotation's replies.
    #[must_use]
    pub fn replies(&self, parent: AnnotationId) -> String {
        format!("{}/api/annotations/{parent}/replies", self.base)
    }
    /// One reply: a fragment of its thread's page.
    #[must_use]
    pub fn reply(&self, parent: AnnotationId, id: AnnotationId) -> String {
        format!("{}#{id}", self.replies(parent))
    }
    #[must_use]
    pub fn context(&self) -> String {
        format!("{}/ns/counterpoint.jsonld", self.base)
    }
}

/// A link as a client asked for it: the other annotation and, optionally, the relation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRequest {
    pub target: AnnotationId,
    pub relation: Option<Relation>,
}

/// An annotation as a client sent it, parsed but not yet anchored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAnnotation {
    pub annotation: NewAnnotation,
    pub links: Vec<LinkRequest>,
    /// `target.source`, when given.
    pub target_source: Option<String>,
}

/// Parses a W3C annotation. A missing kind means `note`; a missing visibility `class`.
pub fn parse_annotation(value: &Value) -> Result<ParsedAnnotation, Invalid> {
    parse_with(value, Bodies::Strict)
}

/// How bodies of purposes Counterpoint does not know are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bodies {
    /// Refused (a client of this API).
    Strict,
    /// Kept as comments (an import from another tool).
    KeepAsComments,
}

fn parse_with(value: &Value, mode: Bodies) -> Result<ParsedAnnotation, Invalid> {
    let object = value.as_object().ok_or_else(|| Invalid::new("annotation", "must be a JSON object"))?;
    let mut kind = None;
    let mut comments = Vec::new();
    let mut tags = Vec::new();
    let mut links = Vec::new();
    let mut cited = None;
    if let Some(text) = object.get("bodyValue") {
        comments.push(string(text, "bodyValue")?);
    }
    for body in one_or_many(object.get("body")) {
        match parse_body(body, mode)? {
            Body::Kind(k) if kind.is_some_and(|old| old != k) => {
                return Err(Invalid::new("body", "has more than one classifying body"));
            }
            Body::Kind(k) => kind = Some(k),
            Body::Comment(text) => comments.push(text),
            Body::Tag(tag) => tags.push(tag),
            Body::Link(link) => links.push(link),
            Body::Citation(text) => cited = Some(text),
        }
    }
    let visibility = match object.get("visibility") {
        None | Some(Value::Null) => Visibility::default(),
        Some(v) => string(v, "visibility")?.parse()?,
    };
    let citation = match (cited, object.get("citation")) {
        (Some(text), _) => Comment::parse("citation", text)?,
        (None, None | Some(Value::Null)) => Comment::default(),
        (None, Some(v)) => Comment::parse("citation", string(v, "citation")?)?,
    };
    let (target_source, position, quote) = parse_target(object.get("target"))?;
    let annotation = NewAnnotation {
        kind: kind.unwrap_or(Kind::Note),
        comment: Comment::parse("comment", &comments.join("\n\n"))?,
        citation,
        tags: Tags::parse(tags.iter().copied())?,
        visibility,
        position,
        quote,
    };
    Ok(ParsedAnnotation { annotation, links, target_source })
}

enum Body<'a> {
    Kind(Kind),
    Comment(&'a str),
    Tag(&'a str),
    Link(LinkRequest),
    Citation(&'a str),
}

fn parse_body(body: &Value, mode: Bodies) -> Result<Body<'_>, Invalid> {
    if let (Value::String(iri), Bodies::KeepAsComments) = (body, mode) {
        return Ok(Body::Comment(iri));
    }
    let object = body.as_object().ok_or_else(|| Invalid::new("body", "each body must be a JSON object"))?;
    let purpose = object.get("purpose").map(|p| string(p, "body.purpose")).transpose()?;
    match purpose {
        Some("classifying") => Ok(Body::Kind(text_value(object)?.parse()?)),
        Some("tagging") => Ok(Body::Tag(text_value(object)?)),
        Some("linking") => {
            let source = object.get("source").or_else(|| object.get("id"));
            let source = source.ok_or_else(|| Invalid::new("body.source", "a linking body needs a source"))?;
            let relation = object
                .get("relation")
                .map(|r| string(r, "body.relation")?.parse().map_err(|e| Invalid::new("body.relation", format!("{e}"))))
                .transpose()?;
            Ok(Body::Link(LinkRequest { target: annotation_id(string(source, "body.source")?)?, relation }))
        }
        Some("identifying") => Ok(Body::Citation(text_value(object)?)),
        None | Some("commenting" | "describing" | "replying" | "questioning" | "assessing" | "editing") => {
            Ok(Body::Comment(text_value(object)?))
        }
        Some(other) if mode == Bodies::Strict => {
            Err(Invalid::new("body.purpose", format!("unsupported purpose {other:?}")))
        }
        Some(_) => Ok(Body::Comment(any_text(object)?)),
    }
}

/// An annotation id from its IRI (`…/annotations/{uuid}`) or the bare uuid.
pub fn annotation_id(value: &str) -> Result<AnnotationId, Invalid> {
    let last = value.trim_end_matches('/').rsplit('/').next().unwrap_or(value);
    last.parse().map_err(|_| Invalid::new("body.source", format!("{value:?} is not an annotation id")))
}

type Target<'a> = (Option<String>, Option<TextPosition>, Option<TextQuote>);

fn parse_target(target: Option<&Value>) -> Result<Target<'_>, Invalid> {
    let target = match target {
        Some(Value::Array(items)) if items.len() == 1 => &items[0],
        Some(Value::Array(_)) => return Err(Invalid::new("target", "must be exactly one target")),
        Some(t) => t,
        None => return Err(Invalid::new("target", "is required")),
    };
    let object = target.as_object().ok_or_else(|| Invalid::new("target", "must be an object with a selector"))?;
    let source = object.get("source").map(|s| string(s, "target.source").map(str::to_owned)).transpose()?;
    let (mut position, mut quote) = (None, None);
    for selector in one_or_many(object.get("selector")) {
        let selector = selector.as_object().ok_or_else(|| Invalid::new("target.selector", "must be an object"))?;
        match selector.get("type").and_then(Value::as_str) {
            Some("TextPositionSelector") => {
                position = Some(TextPosition { start: offset(selector, "start")?, end: offset(selector, "end")? });
            }
            Some("TextQuoteSelector") => {
                let optional = |key| selector.get(key).map_or(Ok(""), |v| string(v, "target.selector"));
                quote = Some(TextQuote {
                    exact: string(selector.get("exact").unwrap_or(&Value::Null), "target.selector.exact")?.to_owned(),
                    prefix: optional("prefix")?.to_owned(),
                    suffix: optional("suffix")?.to_owned(),
                });
            }
            _ => {}
        }
    }
    if position.is_none() && quote.is_none() {
        return Err(Invalid::new("target.selector", "needs a TextPositionSelector or a TextQuoteSelector"));
    }
    Ok((source, position, quote))
}

fn offset(selector: &Map<String, Value>, key: &'static str) -> Result<usize, Invalid> {
    selector
        .get(key)
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| Invalid::new("target.selector", format!("{key} must be a non-negative whole number")))
}

fn one_or_many(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    let items: &[Value] = match value {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(single) => std::slice::from_ref(single),
    };
    items.iter()
}

fn text_value(body: &Map<String, Value>) -> Result<&str, Invalid> {
    string(body.get("value").unwrap_or(&Value::Null), "body.value")
}

/// Whatever text a body of an unknown kind carries: its value, else its IRI.
fn any_text(body: &Map<String, Value>) -> Result<&str, Invalid> {
    ["value", "source", "id"]
        .into_iter()
        .find_map(|key| body.get(key).and_then(Value::as_str))
        .ok_or_else(|| Invalid::new("body", "a body has neither a value nor an IRI"))
}

fn string<'a>(value: &'a Value, field: &'static str) -> Result<&'a str, Invalid> {
    value.as_str().ok_or_else(|| Invalid::new(field, "must be a string"))
}

/// An annotation as W3C JSON-LD, with where it came from when it was imported or posted with ids of its own.
#[must_use]
pub fn to_jsonld_with(annotation: &Annotation, iris: &Iris, provenance: Option<&Provenance>) -> Value {
    let mut body = vec![json!({"type": "TextualBody", "purpose": "classifying", "value": annotation.kind.as_str()})];
    if !annotation.comment.is_empty() {
        body.push(json!({"type": "TextualBody", "purpose": "commenting", "value": annotation.comment, "format": "text/plain"}));
    }
    body.extend(annotation.tags.iter().map(|t| json!({"type": "TextualBody", "purpose": "tagging", "value": t})));
    body.extend(annotation.links.iter().map(|link| {
        json!({"type": "SpecificResource", "purpose": "linking",
               "source": iris.annotation(annotation.reading_id, link.to), "relation": link.relation.as_str()})
    }));
    if !annotation.citation.is_empty() {
        body.push(json!({"type": "TextualBody", "purpose": "identifying", "value": annotation.citation, "format": "text/plain"}));
    }
    let quote = &annotation.quote;
    let mut out = json!({
        "@context": [ANNO_CONTEXT, iris.context()],
        "id": iris.annotation(annotation.reading_id, annotation.id),
        "type": "Annotation",
        "motivation": if annotation.comment.is_empty() { "highlighting" } else { "commenting" },
        "created": utc(annotation.created),
        "modified": utc(annotation.modified),
        "creator": {"id": iris.user(annotation.author_id), "type": "Person", "name": annotation.author_name},
        "body": body,
        "target": {
            "source": iris.reading(annotation.reading_id),
            "selector": [
                {"type": "TextPositionSelector", "start": annotation.position.start, "end": annotation.position.end},
                {"type": "TextQuoteSelector", "exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix},
            ],
        },
        "visibility": annotation.visibility.as_str(),
        "replies": annotation.reply_count,
    });
    if !annotation.citation.is_empty() {
        out["citation"] = json!(annotation.citation);
    }
    if annotation.late {
        // Created after its reading's due date (a Counterpoint term); absent when on time.
        out["late"] = json!(true);
    }
    if annotation.orphaned {
        // Its passage is gone from the current text: the quote says what it was, no offsets say where.
        out["target"]["selector"] = json!([{"type": "TextQuoteSelector", "exact": quote.exact, "prefix": quote.prefix, "suffix": quote.suffix}]);
        out["orphaned"] = json!(true);
    }
    if let Some(provenance) = provenance {
        provenance.write_into(&mut out);
    }
    // Classroom marks, present only when set (Counterpoint terms).
    if annotation.spotlight {
        out["spotlight"] = json!(true);
    }
    if annotation.answered {
        out["answered"] = json!(true);
    }
    out
}

/// A time as the W3C model wants it: `xsd:dateTime` in UTC, ending in `Z`.
#[must_use]
pub fn utc(time: chrono::DateTime<chrono::Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests;
