//! The search page, `/courses/{id}/search?q=…`: the results of
//! [`search_course`] grouped by reading, matching words marked, filters as chips.

use super::{Layout, render};
use crate::course_search::{Item, Results, SearchParams, search_course};
use crate::db::courses::{self, Course};
use crate::db::readings::{self, ReadingSummary};
use crate::domain::Kind;
use crate::error::{Error, Result};
use crate::web::forms::Query;
use crate::web::{AppState, CourseAccess};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/courses/{course_id}/search", get(show_search))
}

/// One result as the page shows it: the snippet cut into plain and marked pieces.
struct Shown {
    url: String,
    label: &'static str,
    kind: Option<&'static str>,
    author: Option<String>,
    pieces: Vec<(String, bool)>,
}

/// The results of one reading, in the order the best of them came.
struct Group {
    reading_id: i64,
    title: String,
    items: Vec<Shown>,
}

/// A filter in force, and the address of the same search without it.
struct Chip {
    label: String,
    without: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    course: Course,
    readings: Vec<ReadingSummary>,
    kinds: [&'static str; 5],
    params: SearchParams,
    chips: Vec<Chip>,
    error: Option<String>,
    searched: bool,
    results: Results,
    groups: Vec<Group>,
    previous: Option<String>,
    next: Option<String>,
}

fn pieces(item: &Item) -> Vec<(String, bool)> {
    let chars: Vec<char> = item.snippet.chars().collect();
    let (mut out, mut at) = (Vec::new(), 0);
    for &(start, end) in &item.highlights {
        let (start, end) = (start.clamp(at, chars.len()), end.clamp(at, chars.len()));
        out.push((chars[at..start].iter().collect(), false));
        out.push((chars[start..end].iter().collect(), true));
        at = end;
    }
    out.push((chars[at..].iter().collect(), false));
    out.retain(|(text, _): &(String, bool)| !text.is_empty());
    out
}

fn shown(item: &Item) -> Shown {
    use crate::db::search::HitType;
    let label = match item.hit.hit_type {
        HitType::Reading => "passage",
        HitType::Annotation => "annotation",
        HitType::Reply => "reply",
    };
    Shown {
        url: item.url(),
        label,
        kind: item.hit.kind.filter(|_| item.hit.hit_type == HitType::Annotation).map(Kind::as_str),
        author: item.hit.author_name.clone(),
        pieces: pieces(item),
    }
}

fn group(items: &[Item]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for item in items {
        let shown = shown(item);
        match groups.iter_mut().find(|g| g.reading_id == item.hit.reading_id) {
            Some(group) => group.items.push(shown),
            None => groups.push(Group {
                reading_id: item.hit.reading_id,
                title: item.hit.reading_title.clone(),
                items: vec![shown],
            }),
        }
    }
    groups
}

/// The page's address for `params` with `change` applied.
fn address(course_id: i64, params: &SearchParams, change: impl FnOnce(&mut Vec<(&'static str, String)>)) -> String {
    let mut fields: Vec<(&'static str, String)> = [
        ("q", &params.q),
        ("kind", &params.kind),
        ("reading", &params.reading),
        ("author", &params.author),
        ("page", &params.page),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| (k, v.clone()))
    .collect();
    change(&mut fields);
    let query = serde_urlencoded::to_string(&fields).unwrap_or_default();
    format!("/courses/{course_id}/search?{query}")
}

fn without(name: &'static str) -> impl FnOnce(&mut Vec<(&'static str, String)>) {
    move |fields| fields.retain(|(k, _)| *k != name && *k != "page")
}

fn chips(course_id: i64, params: &SearchParams, readings: &[ReadingSummary]) -> Vec<Chip> {
    let mut chips = Vec::new();
    if !params.kind.trim().is_empty() {
        chips.push(Chip {
            label: format!("kind: {}", params.kind.trim()),
            without: address(course_id, params, without("kind")),
        });
    }
    if let Some(reading) = readings.iter().find(|r| r.id.to_string() == params.reading.trim()) {
        chips.push(Chip {
            label: format!("reading: {}", reading.title),
            without: address(course_id, params, without("reading")),
        });
    }
    if !params.author.trim().is_empty() {
        chips.push(Chip {
            label: format!("author: {}", params.author.trim()),
            without: address(course_id, params, without("author")),
        });
    }
    chips
}

async fn show_search(
    State(state): State<AppState>,
    access: CourseAccess,
    Query(params): Query<SearchParams>,
) -> Result<Response> {
    let course = courses::find_course(&state.db, access.course_id).await?.ok_or(Error::NotFound)?;
    let readings = readings::list_for_course(&state.db, course.id).await?;
    let (results, error) =
        match search_course(&state.db, &state.config.search, (access.course_id, access.viewer), &params).await {
            Ok(results) => (results, None),
            Err(e @ Error::Invalid(_)) => (Results::default(), Some(e.to_string())),
            Err(e) => return Err(e),
        };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page_link = |page: u32| {
        address(course.id, &params, |f| {
            f.retain(|(k, _)| *k != "page");
            f.push(("page", page.to_string()));
        })
    };
    let previous = (results.page > 1 && results.page <= results.pages.max(1)).then(|| page_link(results.page - 1));
    let next = (results.page < results.pages).then(|| page_link(results.page + 1));
    let page = SearchPage {
        layout: Layout::for_user(Some(&access.user)),
        chips: chips(course.id, &params, &readings),
        searched: !params.q.trim().is_empty() || !params.kind.trim().is_empty() || !params.author.trim().is_empty(),
        groups: group(&results.items),
        kinds: Kind::ALL.map(Kind::as_str),
        course,
        readings,
        params,
        error,
        results,
        previous,
        next,
    };
    Ok((status, render(&page)?).into_response())
}
