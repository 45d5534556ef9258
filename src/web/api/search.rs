//! `GET /api/courses/{id}/search?q=…&kind=…&reading=…&author=…&page=N`: the
//! course's readings, annotations and replies that match, as the caller may see
//! them. `crate::course_search::search_course` is the one use case; the search page calls it too.

use super::annotations::RequestIris;
use crate::course_search::{SearchParams, search_course};
use crate::db::search::HitType;
use crate::domain::Kind;
use crate::error::Result;
use crate::web::api::wire::search::{ReadingRef, SearchItem, SearchResults};
use crate::web::forms::Query as QueryParams;
use crate::web::{AppState, CourseAccess};
use axum::Router;
use axum::extract::State;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/courses/{course_id}/search", get(search))
}

async fn search(
    State(state): State<AppState>,
    access: CourseAccess,
    RequestIris(iris): RequestIris,
    QueryParams(params): QueryParams<SearchParams>,
) -> Result<axum::Json<SearchResults>> {
    let results = search_course(&state.db, &state.config.search, (access.course_id, access.viewer), &params).await?;
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
