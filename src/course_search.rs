//! Searching a course as a member may see it: the query string parsed and
//! bounded, the store asked for one page, the snippets' highlights found. The
//! one use case behind the search page and `GET /api/courses/{id}/search`;
//! `search` parses queries, `db::search` runs them.

use crate::db::Db;
use crate::db::search::{self, Filters, Hit};
use crate::domain::{Kind, Viewer};
use crate::error::{Error, Result};
use crate::search::{PER_PAGE, Query, SearchLimits, highlights};
use serde::Deserialize;

/// The query string, as typed: empty fields are absent, the rest parsed by [`search_course`].
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub reading: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub page: String,
}

/// One result, its snippet without marks and the marked words' code-point ranges in it.
#[derive(Debug, Clone)]
pub struct Item {
    pub hit: Hit,
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
}

impl Item {
    /// Where the result is on the reading page: the annotation's thread, or the passage.
    #[must_use]
    pub fn url(&self) -> String {
        match (self.hit.annotation, self.hit.block_start) {
            (Some(id), _) => format!("/readings/{}#annotation-{id}", self.hit.reading_id),
            (None, Some(start)) => format!("/readings/{}#at-{start}", self.hit.reading_id),
            (None, None) => format!("/readings/{}", self.hit.reading_id),
        }
    }
}

/// A page of results.
#[derive(Debug, Clone, Default)]
pub struct Results {
    pub total: i64,
    pub page: u32,
    pub pages: u32,
    pub items: Vec<Item>,
}

fn optional<T: std::str::FromStr>(value: &str, field: &'static str, message: &str) -> Result<Option<T>> {
    let value = value.trim();
    if value.is_empty() { Ok(None) } else { value.parse().map(Some).map_err(|_| Error::invalid(field, message)) }
}

/// Searches the course as `viewer` may see it. Bad input (too long, too many
/// terms, an unknown kind, a page out of range) is a 422; no query, no results.
pub async fn search_course(
    db: &Db,
    limits: &SearchLimits,
    (course_id, viewer): (i64, Viewer),
    params: &SearchParams,
) -> Result<Results> {
    let query = Query::parse(&params.q, limits)?;
    let kind: Option<Kind> = match params.kind.trim() {
        "" => None,
        kind => Some(kind.parse()?),
    };
    let reading_id = optional(&params.reading, "reading", "reading must be a reading's id")?;
    let author_id = optional(&params.author, "author", "author must be a member's id")?;
    let page: u32 = optional(&params.page, "page", "page must be a number from 1")?.unwrap_or(1);
    if page == 0 || page > limits.pages {
        return Err(Error::invalid("page", format!("page must be from 1 to {}", limits.pages)));
    }
    if query.is_empty() && kind.is_none() && author_id.is_none() {
        return Ok(Results { page, ..Results::default() });
    }
    let filters = Filters { reading_id, kind, author_id, query: Some(&query) };
    let (total, hits) =
        search::search_course(db, course_id, viewer, filters, PER_PAGE, (page - 1).saturating_mul(PER_PAGE)).await?;
    let items = hits
        .into_iter()
        .map(|hit| {
            let (snippet, highlights) = highlights(&hit.marked_snippet);
            Item { hit, snippet, highlights }
        })
        .collect();
    let pages =
        u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE)).unwrap_or(u32::MAX).min(limits.pages);
    Ok(Results { total, page, pages, items })
}
