//! A layered (Sugiyama-style) drawing of an [`ArgumentMap`], pure numbers:
//! each connected part is laid out on its own — layers by longest path (claims
//! a conclusion rests on sit below it), long edges broken by dummy points, order
//! within layers by barycenter sweeps, x by repeated pulls toward neighbours —
//! and the parts are packed in rows, so the drawing grows down, not only across.

mod order;

use super::{ArgumentMap, Edge};
use crate::domain::Relation;

/// A node box's size and the gaps between boxes.
pub const NODE_WIDTH: i64 = 220;
pub const NODE_HEIGHT: i64 = 112;
const H_GAP: f64 = 36.0;
const DUMMY_WIDTH: f64 = 12.0;
const V_GAP: i64 = 64;
const MARGIN: i64 = 24;
const PART_GAP: i64 = 48;
/// Rows of parts wrap at this width unless one part is wider.
const ROW_WIDTH: i64 = 1200;

/// The drawing: a canvas, a box per node and a polyline per edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub width: i64,
    pub height: i64,
    /// One per map node, in the map's order.
    pub nodes: Vec<NodeBox>,
    /// One per map edge, in the map's order.
    pub edges: Vec<EdgeRoute>,
}

/// Where a node's box is: its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeBox {
    pub x: i64,
    pub y: i64,
    pub layer: usize,
}

/// The points an edge passes through, from the premise or attacker to the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeRoute {
    pub relation: Relation,
    pub points: Vec<(i64, i64)>,
}

/// One connected part laid out at the origin.
struct Part {
    nodes: Vec<usize>,
    width: i64,
    height: i64,
    /// Node boxes and dummy points, relative to the part.
    boxes: Vec<(usize, NodeBox)>,
    routes: Vec<(usize, Vec<(i64, i64)>)>,
}

/// The most points (nodes and the dummy points of long edges) a map is drawn
/// with: past it, ordering and placing them takes longer than a page view
/// should, and the page shows the outline alone.
pub const MAX_DRAWN_POINTS: usize = 3_000;

/// Lays the map out.
#[must_use]
pub fn layout(map: &ArgumentMap) -> Layout {
    let layers = order::longest_path_layers(map.nodes.len(), &map.edges);
    lay_out(map, &layers)
}

/// Lays the map out unless it would take more than `max_points` points (see
/// [`MAX_DRAWN_POINTS`]); counting them is linear in the map.
#[must_use]
pub fn layout_within(map: &ArgumentMap, max_points: usize) -> Option<Layout> {
    let n = map.nodes.len();
    let layers = order::longest_path_layers(n, &map.edges);
    let valid = map.edges.iter().filter(|e| e.from < n && e.to < n);
    let dummies: usize = valid.map(|e| layers[e.from].abs_diff(layers[e.to]).saturating_sub(1)).sum();
    (n + dummies <= max_points).then(|| lay_out(map, &layers))
}

fn lay_out(map: &ArgumentMap, layers: &[usize]) -> Layout {
    let n = map.nodes.len();
    let mut parts: Vec<Part> =
        order::components(n, &map.edges).into_iter().map(|nodes| lay_out_part(nodes, &map.edges, layers)).collect();
    // Big parts first, then text order: the main argument leads.
    parts.sort_by(|a, b| b.nodes.len().cmp(&a.nodes.len()).then(a.nodes[0].cmp(&b.nodes[0])));
    let row_width = parts.iter().map(|p| p.width).max().unwrap_or(0).max(ROW_WIDTH);
    let mut nodes = vec![NodeBox { x: 0, y: 0, layer: 0 }; n];
    let mut edges: Vec<EdgeRoute> =
        map.edges.iter().map(|e| EdgeRoute { relation: e.relation, points: Vec::new() }).collect();
    let (mut x, mut y, mut row_height, mut width) = (MARGIN, MARGIN, 0, 0);
    for part in &parts {
        if x > MARGIN && x + part.width > MARGIN + row_width {
            x = MARGIN;
            y += row_height + PART_GAP;
            row_height = 0;
        }
        for &(node, b) in &part.boxes {
            nodes[node] = NodeBox { x: b.x + x, y: b.y + y, layer: b.layer };
        }
        for (edge, points) in &part.routes {
            edges[*edge].points = points.iter().map(|&(px, py)| (px + x, py + y)).collect();
        }
        width = width.max(x + part.width);
        row_height = row_height.max(part.height);
        x += part.width + PART_GAP;
    }
    Layout { width: width + MARGIN, height: y + row_height + MARGIN, nodes, edges }
}

/// Lays out one connected part: order, then coordinates, then routes.
fn lay_out_part(nodes: Vec<usize>, edges: &[Edge], layers: &[usize]) -> Part {
    let graph = order::LayeredGraph::new(&nodes, edges, layers);
    let rows = order::order_layers(&graph);
    let centers = assign_x(&graph, &rows);
    let min_left = rows
        .iter()
        .flat_map(|row| row.iter().map(|&v| centers[v] - graph.width(v) / 2.0))
        .fold(f64::INFINITY, f64::min);
    let shift = if min_left.is_finite() { -min_left } else { 0.0 };
    let x_of = |v: usize| round(centers[v] + shift);
    let top = |layer: usize| i64::try_from(layer).unwrap_or(0) * (NODE_HEIGHT + V_GAP);
    let mut width = 0;
    let mut boxes = Vec::new();
    for (layer, row) in rows.iter().enumerate() {
        for &v in row {
            width = width.max(round(centers[v] + shift + graph.width(v) / 2.0));
            if let Some(node) = graph.real(v) {
                boxes.push((node, NodeBox { x: x_of(v) - NODE_WIDTH / 2, y: top(layer), layer }));
            }
        }
    }
    let routes = graph
        .chains
        .iter()
        .map(|chain| {
            // From the lower box's top, through each dummy's band, to the upper box's bottom.
            let vertices = &chain.vertices;
            let mut points = Vec::with_capacity(vertices.len() * 2);
            for (i, &v) in vertices.iter().enumerate() {
                let layer = graph.layer(v);
                if i == 0 {
                    points.push((x_of(v), top(layer)));
                } else if i == vertices.len() - 1 {
                    points.push((x_of(v), top(layer) + NODE_HEIGHT));
                } else {
                    points.push((x_of(v), top(layer) + NODE_HEIGHT));
                    points.push((x_of(v), top(layer)));
                }
            }
            if chain.reversed {
                points.reverse();
            }
            (chain.edge, points)
        })
        .collect();
    let height = i64::try_from(rows.len()).unwrap_or(0) * (NODE_HEIGHT + V_GAP) - V_GAP;
    Part { nodes, width, height: height.max(NODE_HEIGHT), boxes, routes }
}

#[allow(clippy::cast_possible_truncation)]
fn round(x: f64) -> i64 {
    x.round() as i64
}

/// Centres in each layer: packed in order, then pulled toward the mean of their
/// neighbours in the layer above and below, keeping the order and the gaps.
fn assign_x(graph: &order::LayeredGraph, rows: &[Vec<usize>]) -> Vec<f64> {
    let mut x = vec![0.0; graph.len()];
    for row in rows {
        let mut at = 0.0;
        for &v in row {
            x[v] = at + graph.width(v) / 2.0;
            at += graph.width(v) + H_GAP;
        }
    }
    for round in 0..8 {
        let downward = round % 2 == 0;
        let layers: Vec<usize> = if downward { (0..rows.len()).collect() } else { (0..rows.len()).rev().collect() };
        for layer in layers {
            let row = &rows[layer];
            let desired: Vec<f64> = row
                .iter()
                .map(|&v| {
                    let near: Vec<f64> = graph.neighbours(v).map(|w| x[w]).collect();
                    if near.is_empty() { x[v] } else { near.iter().sum::<f64>() / near.len() as f64 }
                })
                .collect();
            for (v, at) in row.iter().zip(spread(graph, row, &desired)) {
                x[*v] = at;
            }
        }
    }
    x
}

/// Positions as close to `desired` as the order and gaps allow: the mean of
/// a left-to-right and a right-to-left pass, each of which keeps the gaps.
fn spread(graph: &order::LayeredGraph, row: &[usize], desired: &[f64]) -> Vec<f64> {
    let gap = |i: usize| (graph.width(row[i - 1]) + graph.width(row[i])) / 2.0 + H_GAP;
    let mut left = desired.to_vec();
    for i in 1..row.len() {
        left[i] = left[i].max(left[i - 1] + gap(i));
    }
    let mut right = desired.to_vec();
    for i in (1..row.len()).rev() {
        right[i - 1] = right[i - 1].min(right[i] - gap(i));
    }
    left.iter().zip(&right).map(|(l, r)| (l + r) / 2.0).collect()
}

impl order::LayeredGraph {
    fn width(&self, v: usize) -> f64 {
        if self.real(v).is_some() { NODE_WIDTH as f64 } else { DUMMY_WIDTH }
    }
}

/// Splits a quote into at most `lines` lines of about `width` code points, at
/// spaces where it can, with an ellipsis when it is cut.
#[must_use]
pub fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut cut = false;
    for word in text.split_whitespace() {
        if current.is_empty() {
            current.push_str(word);
        } else if current.chars().count() + 1 + word.chars().count() <= width {
            current.push(' ');
            current.push_str(word);
        } else {
            out.push(std::mem::replace(&mut current, word.to_owned()));
            if out.len() >= lines {
                cut = true;
                break;
            }
        }
    }
    if !cut && !current.is_empty() {
        out.push(current);
    }
    out.truncate(lines);
    let keep = width.saturating_sub(1);
    for line in &mut out {
        if line.chars().count() > width {
            *line = line.chars().take(keep).collect::<String>() + "…";
        }
    }
    if cut {
        if let Some(last) = out.last_mut() {
            let kept: String = last.chars().take(keep).collect();
            *last = kept.trim_end().to_owned() + "…";
        }
    }
    out
}

#[cfg(test)]
mod tests;
