//! The map as a nested list, for screen readers and print: each claim that
//! concludes (supports no other claim), with what supports and rebuts it nested
//! below, then whatever is linked to nothing. A node met again is listed again
//! but not expanded again, so the list stays finite and small on any graph.

use super::ArgumentMap;
use crate::domain::{Kind, Relation};

/// One list item, in document order. The template opens a nested list after an
/// item with `opens` and closes `closes` levels after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The node, an index into the map's nodes.
    pub node: usize,
    pub depth: usize,
    /// How it bears on its parent item; None at the top level.
    pub relation: Option<Relation>,
    /// False when the node was listed (and expanded) earlier.
    pub first: bool,
    /// The next item is this one's first child.
    pub opens: bool,
    /// How many nested lists end after this item.
    pub closes: usize,
}

/// The nested list of a map.
#[must_use]
pub fn outline(map: &ArgumentMap) -> Vec<Entry> {
    let n = map.nodes.len();
    // Children: what bears on a node, supports before rebuttals, each in text order.
    let mut children: Vec<Vec<(usize, Relation)>> = vec![Vec::new(); n];
    for relation in [Relation::Supports, Relation::Rebuts] {
        for edge in map.edges.iter().filter(|e| e.relation == relation) {
            children[edge.to].push((edge.from, relation));
        }
    }
    for list in &mut children {
        list.sort_by_key(|&(node, relation)| (relation == Relation::Rebuts, node));
    }
    let mut bears_on_something = vec![false; n];
    for edge in &map.edges {
        bears_on_something[edge.from] = true;
    }
    let concludes = |v: usize| !bears_on_something[v];
    let claims = (0..n).filter(|&v| map.nodes[v].kind == Kind::Claim && concludes(v));
    let loose = (0..n).filter(|&v| map.nodes[v].kind != Kind::Claim && concludes(v));
    let mut roots: Vec<usize> = claims.chain(loose).collect();
    let mut seen = vec![false; n];
    let mut entries: Vec<Entry> = Vec::with_capacity(n);
    let mut next_root = 0;
    loop {
        if next_root == roots.len() {
            // Whatever no root reached (only a cycle can hide a node) is listed at the top too.
            match (0..n).find(|&v| !seen[v]) {
                Some(v) => roots.push(v),
                None => break,
            }
        }
        let root = roots[next_root];
        next_root += 1;
        if seen[root] {
            continue;
        }
        let mut stack = vec![(root, 0, None)];
        while let Some((node, depth, relation)) = stack.pop() {
            let first = !seen[node];
            seen[node] = true;
            entries.push(Entry { node, depth, relation, first, opens: false, closes: 0 });
            if first {
                for &(child, relation) in children[node].iter().rev() {
                    stack.push((child, depth + 1, Some(relation)));
                }
            }
        }
    }
    for i in 0..entries.len() {
        let next = entries.get(i + 1).map_or(0, |e| e.depth);
        let depth = entries[i].depth;
        entries[i].opens = next > depth;
        entries[i].closes = depth.saturating_sub(next);
    }
    entries
}
