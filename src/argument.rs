//! The argument of a reading as a graph, pure: claims, counterarguments and
//! sources as nodes, their links as edges, which claims stand unsupported or
//! unchallenged, and the counts. [`layout`] places it for drawing, [`outline`]
//! turns it into a nested list.

pub mod layout;
pub mod outline;

use crate::domain::{Annotation, AnnotationId, Kind, Relation};
use std::collections::{HashMap, HashSet};

/// The map built from what one viewer may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentMap {
    /// Claims, counterarguments and sources, in text order. Questions and notes take no part.
    pub nodes: Vec<Node>,
    /// Links between nodes, as indices into `nodes`, from the premise or attacker to the claim.
    pub edges: Vec<Edge>,
    pub counts: Counts,
}

/// One annotation on the map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: AnnotationId,
    pub kind: Kind,
    pub author: String,
    pub quote: String,
    pub comment: String,
    /// How many links support it.
    pub supporters: usize,
    /// How many links rebut it.
    pub rebuttals: usize,
    /// A claim nothing supports.
    pub unsupported: bool,
    /// A claim nothing rebuts.
    pub unchallenged: bool,
}

/// A typed link between two nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub relation: Relation,
}

/// What the reading's argument amounts to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub claims: usize,
    pub counterarguments: usize,
    pub sources: usize,
    pub supports: usize,
    pub rebuttals: usize,
    pub unsupported: usize,
    pub unchallenged: usize,
}

/// Whether a kind takes part in the argument.
#[must_use]
pub fn on_map(kind: Kind) -> bool {
    matches!(kind, Kind::Claim | Kind::Counterargument | Kind::Source)
}

impl ArgumentMap {
    /// Builds the map from visible annotations (in text order) and their links.
    /// Links to annotations not in `annotations` are left out.
    #[must_use]
    pub fn build<'a>(annotations: impl IntoIterator<Item = &'a Annotation>) -> Self {
        let on: Vec<&Annotation> = annotations.into_iter().filter(|a| on_map(a.kind)).collect();
        let edges = edges(&on);
        let mut nodes: Vec<Node> = on
            .iter()
            .map(|a| Node {
                id: a.id,
                kind: a.kind,
                author: a.author_name.clone(),
                quote: a.quote.exact.clone(),
                comment: a.comment.clone(),
                supporters: 0,
                rebuttals: 0,
                unsupported: false,
                unchallenged: false,
            })
            .collect();
        for edge in &edges {
            match edge.relation {
                Relation::Supports => nodes[edge.to].supporters += 1,
                Relation::Rebuts => nodes[edge.to].rebuttals += 1,
            }
        }
        for node in nodes.iter_mut().filter(|n| n.kind == Kind::Claim) {
            node.unsupported = node.supporters == 0;
            node.unchallenged = node.rebuttals == 0;
        }
        let counts = Counts::count(&on, &edges);
        Self { nodes, edges, counts }
    }
}

/// The links between the annotations `on` the map, as indices into it: each pair once, none to itself.
fn edges(on: &[&Annotation]) -> Vec<Edge> {
    let index: HashMap<AnnotationId, usize> = on.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut edges = Vec::new();
    let mut linked = HashSet::new();
    for (from, annotation) in on.iter().enumerate() {
        for link in &annotation.links {
            if let Some(&to) = index.get(&link.to) {
                if to != from && linked.insert((from, to)) {
                    edges.push(Edge { from, to, relation: link.relation });
                }
            }
        }
    }
    edges
}

impl Counts {
    /// The counts of the map `annotations` make.
    #[must_use]
    pub fn of<'a>(annotations: impl IntoIterator<Item = &'a Annotation>) -> Self {
        let on: Vec<&Annotation> = annotations.into_iter().filter(|a| on_map(a.kind)).collect();
        Self::count(&on, &edges(&on))
    }

    /// The counts of the nodes `on` the map joined by `edges`, without drawing the nodes.
    fn count(on: &[&Annotation], edges: &[Edge]) -> Self {
        let mut supporters = vec![0_usize; on.len()];
        let mut rebuttals = vec![0_usize; on.len()];
        for edge in edges {
            match edge.relation {
                Relation::Supports => supporters[edge.to] += 1,
                Relation::Rebuts => rebuttals[edge.to] += 1,
            }
        }
        let claims: Vec<usize> = (0..on.len()).filter(|&i| on[i].kind == Kind::Claim).collect();
        let count = |kind| on.iter().filter(|a| a.kind == kind).count();
        Self {
            claims: claims.len(),
            counterarguments: count(Kind::Counterargument),
            sources: count(Kind::Source),
            supports: edges.iter().filter(|e| e.relation == Relation::Supports).count(),
            rebuttals: edges.iter().filter(|e| e.relation == Relation::Rebuts).count(),
            unsupported: claims.iter().filter(|&&i| supporters[i] == 0).count(),
            unchallenged: claims.iter().filter(|&&i| rebuttals[i] == 0).count(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
