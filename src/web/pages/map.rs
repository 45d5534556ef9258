//! `/readings/{id}/map`: the argument of everything the viewer may see, drawn
//! as an SVG from the pure layout and listed as nested lists for screen readers
//! and print. The template builds all markup; this module only shapes numbers and text.

use super::{Layout, render};
use crate::argument::layout::{self, NODE_HEIGHT, NODE_WIDTH, wrap};
use crate::argument::outline::outline;
use crate::argument::{ArgumentMap, Counts, Node};
use crate::db::readings;
use crate::domain::{Kind, Relation};
use crate::error::Result;
use crate::web::{AppState, ReadingAccess};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/readings/{reading_id}/map", get(show_map))
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage<'a> {
    layout: Layout,
    reading: &'a readings::Reading,
    counts: Counts,
    width: i64,
    height: i64,
    node_width: i64,
    node_height: i64,
    nodes: Vec<NodeView>,
    edges: Vec<EdgeView>,
    outline: Vec<ItemView>,
    /// The map is too big to draw in time: the page says so and shows the outline.
    too_big: bool,
    /// Annotations whose passage changed: not on the map, listed apart.
    orphans: super::orphans::Orphans,
}

/// A node's box and the text drawn in it.
struct NodeView {
    id: String,
    kind: Kind,
    fill: &'static str,
    x: i64,
    y: i64,
    author: String,
    /// The quote in up to three lines, each with its baseline.
    lines: Vec<(i64, String)>,
    quote: String,
    tally: String,
    marks: String,
    unsupported: bool,
    unchallenged: bool,
}

/// An edge as a polyline.
struct EdgeView {
    from: String,
    to: String,
    relation: Relation,
    points: Vec<(i64, i64)>,
}

/// An item of the nested list.
struct ItemView {
    id: String,
    kind: Kind,
    author: String,
    quote: String,
    relation: Option<&'static str>,
    first: bool,
    opens: bool,
    closes: usize,
    marks: String,
}

async fn show_map(State(state): State<AppState>, access: ReadingAccess) -> Result<Html<String>> {
    let cached = state.snapshots.get(&state.db, access.reading_id, access.revision).await?;
    let view = cached.view(access.viewer);
    let reading = &view.snapshot().reading;
    let map = ArgumentMap::build(&view.seen());
    // Past a size the drawing would take longer than a page view should: the outline alone is shown.
    let drawing = layout::layout_within(&map, layout::MAX_DRAWN_POINTS);
    let too_big = drawing.is_none();
    let drawing = drawing.unwrap_or(layout::Layout { width: 0, height: 0, nodes: Vec::new(), edges: Vec::new() });
    let nodes = map.nodes.iter().zip(&drawing.nodes).map(|(node, b)| node_view(node, b.x, b.y)).collect();
    let edges = map
        .edges
        .iter()
        .zip(drawing.edges)
        .map(|(edge, route)| EdgeView {
            from: map.nodes[edge.from].id.to_string(),
            to: map.nodes[edge.to].id.to_string(),
            relation: edge.relation,
            points: route.points,
        })
        .collect();
    let outline = outline(&map)
        .into_iter()
        .map(|entry| {
            let node = &map.nodes[entry.node];
            ItemView {
                id: node.id.to_string(),
                kind: node.kind,
                author: node.author.clone(),
                quote: shorten(&node.quote, 160),
                relation: entry.relation.map(|r| match r {
                    Relation::Supports => "supports",
                    Relation::Rebuts => "rebuts",
                }),
                first: entry.first,
                opens: entry.opens,
                closes: entry.closes,
                marks: marks(node),
            }
        })
        .collect();
    let page = MapPage {
        layout: Layout::for_user(Some(&access.user)),
        reading,
        counts: map.counts,
        width: drawing.width,
        height: drawing.height,
        node_width: NODE_WIDTH,
        node_height: NODE_HEIGHT,
        nodes,
        edges,
        outline,
        too_big,
        orphans: super::orphans::Orphans::for_viewer(&view),
    };
    render(&page)
}

fn node_view(node: &Node, x: i64, y: i64) -> NodeView {
    let lines = wrap(&node.quote, 30, 3).into_iter().zip(0..).map(|(line, i)| (y + 40 + i * 16, line)).collect();
    let tally = match node.kind {
        Kind::Claim => format!("{} supporting · {} rebutting", node.supporters, node.rebuttals),
        _ => String::new(),
    };
    NodeView {
        id: node.id.to_string(),
        kind: node.kind,
        fill: fill(node.kind),
        x,
        y,
        author: shorten(&node.author, 12),
        lines,
        quote: node.quote.clone(),
        tally,
        marks: marks(node),
        unsupported: node.unsupported,
        unchallenged: node.unchallenged,
    }
}

/// The reading page's highlight colour for a kind.
fn fill(kind: Kind) -> &'static str {
    match kind {
        Kind::Claim => "#ffe08a",
        Kind::Counterargument => "#ffb3b3",
        Kind::Source => "#b9e4c9",
        Kind::Question => "#c7d7ff",
        Kind::Note => "#e4d4f4",
    }
}

/// "unsupported", "unchallenged", both or nothing.
fn marks(node: &Node) -> String {
    match (node.unsupported, node.unchallenged) {
        (true, true) => "unsupported · unchallenged".into(),
        (true, false) => "unsupported".into(),
        (false, true) => "unchallenged".into(),
        (false, false) => String::new(),
    }
}

/// The first `max` code points of `text`, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
