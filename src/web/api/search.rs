//! `GET /api/courses/{id}/search?q=…&kind=…&reading=…&author=…&page=N`: the
//! course's readings, annotations and replies that match, as the caller may see
//! them. [`search_course`] is the one use case; the search page calls it too.

use super::annotations::RequestIris;
use crate::db::search::{self, Filters, Hit, HitType};
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::search::{PER_PAGE, Query, highlights};
use crate::web::api::wire::search::{ReadingRef, SearchItem, SearchResults};
use crate::web::forms::Query as QueryParams;
use crate::web::{AppState, CourseAccess};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/courses/{course_id}/search", get(search))
}

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

/// Searches the course as `access` may see it. Bad input (too long, too many
/// terms, an unknown kind, a page out of range) is a 422; no query, no results.
pub async fn search_course(state: &AppState, access: &CourseAccess, params: &SearchParams) -> Result<Results> {
    let limits = &state.config.search;
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
    let (total, hits) = search::search_course(
        &state.db,
        access.course_id,
        access.viewer,
        filters,
        PER_PAGE,
        (page - 1).saturating_mul(PER_PAGE),
    )
    .await?;
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

async fn search(
    State(state): State<AppState>,
    access: CourseAccess,
    RequestIris(iris): RequestIris,
    QueryParams(params): QueryParams<SearchParams>,
) -> Result<axum::Json<SearchResults>> {
    let results = search_course(&state, &access, &params).await?;
    let items = results
        .items
        .iter()
        .map(|item| {
            let hit = &item.hit;
            let mut out = SearchItem {
                hit_type: hit.hit_type.as_str(),
                reading: ReadingRef { id: hit.reading_id, title: hit.reading_title.clone() },
                snippet: item.snippet.clone(),
                highlights: item.highlights.iter().map(|&(s, e)| [s, e]).collect(),
                score: hit.score,
                url: item.url(),
                annotation: None,
                kind: None,
                author: None,
                reply: None,
                start: None,
            };
            if let Some(id) = hit.annotation {
                out.annotation = Some(iris.annotation(hit.reading_id, id));
                out.kind = Some(hit.kind.map(Kind::as_str));
                out.author = Some(hit.author_name.clone());
            }
            if let (HitType::Reply, Some(parent), Some(id)) = (hit.hit_type, hit.annotation, hit.reply) {
                out.reply = Some(iris.reply(parent, id));
            }
            out.start = hit.block_start;
            out
        })
        .collect();
    Ok(axum::Json(SearchResults { total: results.total, page: results.page, pages: results.pages, items }))
}
