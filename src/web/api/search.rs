//! `GET /api/courses/{id}/search?q=…&kind=…&reading=…&author=…&page=N`: the
//! course's readings, annotations and replies that match, as the caller may see
//! them. `crate::course_search::search_course` is the one use case; the search page calls it too.

use super::annotations::RequestIris;
use crate::course_search::{SearchParams, search_course};
use crate::db::search::HitType;
use crate::domain::Kind;
use crate::error::Result;
use crate::web::forms::Query as QueryParams;
use crate::web::{AppState, CourseAccess};
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new().route("/courses/{course_id}/search", get(search))
}

async fn search(
    State(state): State<AppState>,
    access: CourseAccess,
    RequestIris(iris): RequestIris,
    QueryParams(params): QueryParams<SearchParams>,
) -> Result<axum::Json<Value>> {
    let results = search_course(&state.db, &state.config.search, (access.course_id, access.viewer), &params).await?;
    let items: Vec<Value> = results
        .items
        .iter()
        .map(|item| {
            let hit = &item.hit;
            let mut out = json!({
                "type": hit.hit_type.as_str(),
                "reading": {"id": hit.reading_id, "title": hit.reading_title},
                "snippet": item.snippet,
                "highlights": item.highlights.iter().map(|&(s, e)| [s, e]).collect::<Vec<_>>(),
                "score": hit.score,
                "url": item.url(),
            });
            if let Some(id) = hit.annotation {
                out["annotation"] = json!(iris.annotation(hit.reading_id, id));
                out["kind"] = json!(hit.kind.map(Kind::as_str));
                out["author"] = json!(hit.author_name);
            }
            if let (HitType::Reply, Some(parent), Some(id)) = (hit.hit_type, hit.annotation, hit.reply) {
                out["reply"] = json!(iris.reply(parent, id));
            }
            if let Some(start) = hit.block_start {
                out["start"] = json!(start);
            }
            out
        })
        .collect();
    Ok(axum::Json(json!({"total": results.total, "page": results.page, "pages": results.pages, "items": items})))
}
