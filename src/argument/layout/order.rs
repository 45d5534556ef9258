//! The combinatorial half of the layout: layers by longest path, connected
//! parts, long edges broken into chains of dummy vertices, and the order within
//! each layer by barycenter sweeps that keep the ordering with fewest crossings.

use crate::argument::Edge;
use std::collections::HashMap;

/// Each node's layer: 0 for a node that bears on nothing, else one more than
/// the deepest node it bears on. A cycle (which the store refuses, but a pure
/// function must survive) is broken by ignoring the edge that closes it.
#[must_use]
pub fn longest_path_layers(n: usize, edges: &[Edge]) -> Vec<usize> {
    let mut out = vec![Vec::new(); n];
    for edge in edges {
        if edge.from < n && edge.to < n {
            out[edge.from].push(edge.to);
        }
    }
    let mut layer = vec![0; n];
    // 0: unseen, 1: on the stack, 2: done.
    let mut state = vec![0u8; n];
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = out[v].get(*next) {
                *next += 1;
                if state[w] == 0 {
                    state[w] = 1;
                    stack.push((w, 0));
                }
            } else {
                layer[v] = out[v].iter().filter(|&&w| state[w] == 2).map(|&w| layer[w] + 1).max().unwrap_or(0);
                state[v] = 2;
                stack.pop();
            }
        }
    }
    layer
}

/// The connected parts of the graph, each a sorted list of nodes, in order of their first node.
#[must_use]
pub fn components(n: usize, edges: &[Edge]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut v: usize) -> usize {
        while parent[v] != v {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        v
    }
    for edge in edges.iter().filter(|e| e.from < n && e.to < n) {
        let (a, b) = (root(&mut parent, edge.from), root(&mut parent, edge.to));
        parent[a.max(b)] = a.min(b);
    }
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut part_of = vec![usize::MAX; n];
    for v in 0..n {
        let r = root(&mut parent, v);
        if part_of[r] == usize::MAX {
            part_of[r] = parts.len();
            parts.push(Vec::new());
        }
        parts[part_of[r]].push(v);
    }
    parts
}

/// One part with its long edges broken: vertices are its nodes and the dummies.
pub struct LayeredGraph {
    /// For each vertex: the map node it draws (None for a dummy), its layer and
    /// the node it starts ordered by (a dummy's: its edge's lower end).
    vertices: Vec<(Option<usize>, usize, usize)>,
    /// For each vertex, its neighbours one layer up and one layer down.
    up: Vec<Vec<usize>>,
    down: Vec<Vec<usize>>,
    pub chains: Vec<Chain>,
}

/// An edge of the part as drawn: its vertices from the lower end up.
pub struct Chain {
    /// The edge's index in the map.
    pub edge: usize,
    pub vertices: Vec<usize>,
    /// True when the edge runs downward (it closed a cycle): drawn from the upper end.
    pub reversed: bool,
}

impl LayeredGraph {
    /// The part made of `nodes`, with the edges among them.
    #[must_use]
    pub fn new(nodes: &[usize], edges: &[Edge], layers: &[usize]) -> Self {
        let mut graph = Self { vertices: Vec::new(), up: Vec::new(), down: Vec::new(), chains: Vec::new() };
        let mut vertex_of = HashMap::new();
        for &node in nodes {
            vertex_of.insert(node, graph.add(Some(node), layers[node], node));
        }
        for (index, edge) in edges.iter().enumerate() {
            let (Some(&from), Some(&to)) = (vertex_of.get(&edge.from), vertex_of.get(&edge.to)) else { continue };
            // The lower end is the one with the higher layer number (an edge closing a cycle points down).
            let reversed = graph.layer(from) < graph.layer(to);
            let (low, high) = if reversed { (to, from) } else { (from, to) };
            let mut chain = vec![low];
            let mut previous = low;
            let key = graph.vertices[low].2;
            for layer in (graph.layer(high) + 1..graph.layer(low)).rev() {
                let dummy = graph.add(None, layer, key);
                graph.join(previous, dummy);
                chain.push(dummy);
                previous = dummy;
            }
            graph.join(previous, high);
            chain.push(high);
            graph.chains.push(Chain { edge: index, vertices: chain, reversed });
        }
        graph
    }

    fn add(&mut self, node: Option<usize>, layer: usize, key: usize) -> usize {
        self.vertices.push((node, layer, key));
        self.up.push(Vec::new());
        self.down.push(Vec::new());
        self.vertices.len() - 1
    }

    fn join(&mut self, low: usize, high: usize) {
        if self.layer(low) == self.layer(high) + 1 {
            self.up[low].push(high);
            self.down[high].push(low);
        }
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.vertices.len()
    }

    #[must_use]
    pub fn layer(&self, v: usize) -> usize {
        self.vertices[v].1
    }

    /// The map node a vertex draws; None for a dummy.
    #[must_use]
    pub fn real(&self, v: usize) -> Option<usize> {
        self.vertices[v].0
    }

    /// Neighbours in the layers above and below.
    pub fn neighbours(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        self.up[v].iter().chain(&self.down[v]).copied()
    }
}

const SWEEPS: usize = 12;

/// Each layer's vertices, left to right, with few crossings: start in text
/// order, then sweep down and up placing each vertex at the mean position of
/// its neighbours in the layer just swept, keeping the best ordering seen.
#[must_use]
pub fn order_layers(graph: &LayeredGraph) -> Vec<Vec<usize>> {
    let depth = (0..graph.len()).map(|v| graph.layer(v) + 1).max().unwrap_or(0);
    let mut rows = vec![Vec::new(); depth];
    for v in 0..graph.len() {
        rows[graph.layer(v)].push(v);
    }
    for row in &mut rows {
        row.sort_by_key(|&v| (graph.vertices[v].2, v));
    }
    let mut best = rows.clone();
    let mut best_crossings = crossings(graph, &rows);
    for sweep in 0..SWEEPS {
        if sweep % 2 == 0 {
            for layer in 1..depth {
                reorder(&mut rows, layer, layer - 1, |v| &graph.up[v]);
            }
        } else {
            for layer in (0..depth.saturating_sub(1)).rev() {
                reorder(&mut rows, layer, layer + 1, |v| &graph.down[v]);
            }
        }
        let now = crossings(graph, &rows);
        if now < best_crossings {
            best_crossings = now;
            best = rows.clone();
        }
    }
    best
}

fn reorder<'g>(rows: &mut [Vec<usize>], layer: usize, fixed: usize, near: impl Fn(usize) -> &'g Vec<usize>) {
    let position: HashMap<usize, f64> = rows[fixed].iter().enumerate().map(|(i, &v)| (v, i as f64)).collect();
    let mut keyed: Vec<(f64, usize)> = rows[layer]
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let places: Vec<f64> = near(v).iter().filter_map(|w| position.get(w).copied()).collect();
            let barycenter =
                if places.is_empty() { i as f64 } else { places.iter().sum::<f64>() / places.len() as f64 };
            (barycenter, v)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows[layer] = keyed.into_iter().map(|(_, v)| v).collect();
}

/// How many pairs of segments cross, over all pairs of adjacent layers.
///
/// Between two layers, segments sorted by their lower end cross exactly where
/// their upper ends are out of order, so the count is the number of inversions,
/// found with a Fenwick tree in O(E log V) (Barth, Jünger and Mutzel's bilayer
/// cross count) instead of comparing every pair. The tree is a dozen lines.
#[must_use]
pub fn crossings(graph: &LayeredGraph, rows: &[Vec<usize>]) -> usize {
    let mut total = 0;
    for layer in 1..rows.len() {
        let position: HashMap<usize, usize> = rows[layer - 1].iter().enumerate().map(|(i, &v)| (v, i)).collect();
        let mut segments: Vec<(usize, usize)> = rows[layer]
            .iter()
            .enumerate()
            .flat_map(|(i, &v)| graph.up[v].iter().filter_map(|w| position.get(w)).map(move |&p| (i, p)))
            .collect();
        segments.sort_unstable();
        // counts[k] (1-based, Fenwick) sums the upper ends seen so far at positions in its range.
        let width = rows[layer - 1].len();
        let mut counts = vec![0_usize; width + 1];
        for (seen, &(_, upper)) in segments.iter().enumerate() {
            let mut at_most = 0;
            let mut k = upper + 1;
            while k > 0 {
                at_most += counts[k];
                k &= k - 1;
            }
            // Seen segments with a lower end further left and an upper end further right cross this one.
            total += seen - at_most;
            let mut k = upper + 1;
            while k <= width {
                counts[k] += 1;
                k += k & k.wrapping_neg();
            }
        }
    }
    total
}
