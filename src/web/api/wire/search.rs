//! A page of search results.

use schemars::JsonSchema;
use serde::Serialize;

/// A page of search results, best first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SearchResults {
    /// How many results in all.
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    pub items: Vec<SearchItem>,
}

/// One result: a passage of a reading, an annotation or a reply.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SearchItem {
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["reading", "annotation", "reply"]))]
    pub hit_type: &'static str,
    pub reading: ReadingRef,
    /// The matching text, without marks.
    pub snippet: String,
    /// The matching words' code-point ranges in the snippet, `[start, end]`.
    pub highlights: Vec<[usize; 2]>,
    /// bm25: higher is better.
    pub score: f64,
    /// Where the result is on the reading page.
    pub url: String,
    /// The annotation's IRI (a reply's: its thread's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    /// With `annotation`: its kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<Option<&'static str>>,
    /// With `annotation`: its author's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Option<String>>,
    /// A reply's IRI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// Where a reading's passage starts (code points).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
}

/// A reading by id and title.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReadingRef {
    pub id: i64,
    pub title: String,
}
