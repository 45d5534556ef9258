//! Around annotations: a reply, an instructor's feedback, a link, an import's report.

use crate::annotation_import::ImportReport;
use crate::domain::AnnotationId;
use schemars::JsonSchema;
use serde::Serialize;

/// A reply in an annotation's thread.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Reply {
    pub id: AnnotationId,
    /// The annotation replied to.
    pub annotation: AnnotationId,
    pub text: String,
    pub creator: Creator,
    #[schemars(extend("format" = "date-time"))]
    pub created: String,
}

/// Who wrote a reply or feedback.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Creator {
    pub id: i64,
    pub name: String,
    /// Given on feedback, which only instructors leave.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["instructor"]))]
    pub role: Option<&'static str>,
}

/// An instructor's feedback on an annotation, shown to its author.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Feedback {
    pub id: AnnotationId,
    pub annotation: AnnotationId,
    pub text: String,
    pub exemplary: bool,
    pub creator: Creator,
    #[schemars(extend("format" = "date-time"))]
    pub created: String,
}

/// A link between two annotations of a reading, by their IRIs.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Link {
    pub source: String,
    pub target: String,
    #[schemars(extend("enum" = ["rebuts", "supports"]))]
    pub relation: &'static str,
}

/// An import's report; with `error` when an item was refused and nothing was stored.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "ImportReport")]
pub struct ImportAnswer {
    #[serde(flatten)]
    pub report: ImportReport,
    /// The first refusal, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// An annotation's replies as a W3C `AnnotationPage` of annotations with
/// motivation `replying` (JSON-LD, documented by hand as `AnnotationPage`).
#[derive(Debug, Serialize)]
pub struct RepliesPage {
    #[serde(rename = "@context")]
    pub context: [String; 2],
    pub id: String,
    #[serde(rename = "type")]
    pub page_type: &'static str,
    #[serde(rename = "startIndex")]
    pub start_index: usize,
    pub items: Vec<serde_json::Value>,
}
