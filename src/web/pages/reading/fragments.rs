//! `GET /readings/{id}/fragments?ids=…&blocks=…`: what an open reading page
//! redraws after a live change, drawn by the page's own templates for the same
//! viewer, so that the script never draws markup of its own. For each asked
//! annotation: its list entry and where it goes, its place among the claims to
//! link to, or that the viewer no longer sees it (deleted, or hidden from them:
//! the two look the same); the blocks it lies on and the blocks asked for (where
//! the page last drew it), with the viewer's highlights; and the counts, the
//! authors and the argument summary as they now stand.

use super::view::ReadingView;
use super::{DrawnBlock, Item, ItemHtml};
use crate::db::readings::Reading;
use crate::domain::{AnnotationId, Kind};
use crate::error::{Error, Result};
use crate::web::forms::Query;
use crate::web::{AppState, ReadingAccess};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The most annotations and blocks one request may ask for: a page that needs
/// more redraws itself whole.
pub const MOST_IDS: usize = 50;
pub const MOST_BLOCKS: usize = 200;

#[derive(Deserialize)]
pub struct FragmentQuery {
    /// Annotation ids, comma-separated.
    #[serde(default)]
    ids: String,
    /// Blocks' `data-start` offsets, comma-separated.
    #[serde(default)]
    blocks: String,
}

#[derive(Template)]
#[template(path = "reading_fragments.html")]
struct Fragments<'a> {
    reading: &'a Reading,
    revision: i64,
    sees_class: bool,
    blocks: Vec<(usize, DrawnBlock)>,
    entries: Vec<Entry<'a>>,
    authors: Vec<&'a str>,
    total: usize,
    counts: Vec<(Kind, usize)>,
    argument: crate::argument::Counts,
    /// The Spotlight section, which a change of a spotlit annotation (or of a spotlight) redraws.
    classroom: super::classroom::ReadingClassroom<'a>,
}

/// One asked annotation: its entry (`None` if the viewer does not see it), the
/// entry it goes before, and, for a claim, its option and the claim it goes before.
struct Entry<'a> {
    id: AnnotationId,
    item: Option<Item<'a>>,
    before: String,
    claim: Option<&'a ItemHtml>,
    claim_before: String,
}

pub async fn show_fragments(
    State(state): State<AppState>,
    access: ReadingAccess,
    Query(query): Query<FragmentQuery>,
) -> Result<Response> {
    let ids = parse_list(&query.ids, "ids", MOST_IDS, |id| id.parse::<AnnotationId>().ok())?;
    let starts = parse_list(&query.blocks, "blocks", MOST_BLOCKS, |start| start.parse::<usize>().ok())?;
    let view = ReadingView::load(&state, &access).await?;
    let mut blocks: BTreeSet<usize> = starts.into_iter().filter_map(|start| view.block_at(start)).collect();
    let mut entries = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(i) = view.visible(id) else {
            entries.push(Entry { id, item: None, before: String::new(), claim: None, claim_before: String::new() });
            continue;
        };
        blocks.extend(view.blocks_of(i));
        let is_claim = view.snapshot().annotations[i].kind == Kind::Claim;
        let next_id = |keep: fn(Kind) -> bool| view.next_after(i, |a| keep(a.kind)).map(|a| a.id.to_string());
        entries.push(Entry {
            id,
            item: Some(view.item(i)?),
            before: next_id(|_| true).unwrap_or_default(),
            claim: if is_claim { Some(view.html(i)?) } else { None },
            claim_before: if is_claim { next_id(|k| k == Kind::Claim).unwrap_or_default() } else { String::new() },
        });
    }
    let blocks = blocks.into_iter().map(|b| Ok((view.snapshot().reading.doc.blocks[b].start, view.block(b)?)));
    let page = Fragments {
        reading: &view.snapshot().reading,
        revision: view.snapshot().revision,
        sees_class: view.sees_class(),
        blocks: blocks.collect::<Result<_>>()?,
        entries,
        authors: view.authors(),
        total: view.total(),
        counts: view.counts(),
        argument: view.argument(),
        classroom: super::classroom::ReadingClassroom::new(view.snapshot(), view.html_all()?, view.shown()),
    };
    Ok(Html(page.render()?).into_response())
}

/// A comma-separated list of at most `most` items, each parsed by `parse`; 400 for anything else.
fn parse_list<T>(list: &str, field: &'static str, most: usize, parse: impl Fn(&str) -> Option<T>) -> Result<Vec<T>> {
    let items: Vec<&str> = list.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
    if items.len() > most {
        return Err(Error::invalid(field, format!("at most {most} at once")));
    }
    items
        .into_iter()
        .map(|item| parse(item).ok_or_else(|| Error::invalid(field, "is not a list of what it names")))
        .collect()
}
