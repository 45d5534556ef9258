//! Typed links between annotations and the rules for which kinds may be linked.

use super::{AnnotationId, Kind};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// How one annotation bears on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// A counterargument (or an opposing source) against a claim.
    Rebuts,
    /// A source or a premise for a claim.
    Supports,
}

impl Relation {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Rebuts => "rebuts",
            Relation::Supports => "supports",
        }
    }

    /// The relation a link from `from` to `to` has, given what the client stated.
    ///
    /// counterargument → claim rebuts; source → claim supports (or rebuts, when
    /// stated); claim → claim supports. Anything else does not fit.
    pub fn for_kinds(from: Kind, to: Kind, stated: Option<Relation>) -> Result<Relation, LinkError> {
        let allowed: &[Relation] = match (from, to) {
            (Kind::Counterargument, Kind::Claim) => &[Relation::Rebuts],
            (Kind::Source, Kind::Claim) => &[Relation::Supports, Relation::Rebuts],
            (Kind::Claim, Kind::Claim) => &[Relation::Supports],
            _ => return Err(LinkError::KindsDoNotFit { from, to }),
        };
        match stated {
            None => Ok(allowed[0]),
            Some(relation) if allowed.contains(&relation) => Ok(relation),
            Some(relation) => Err(LinkError::RelationDoesNotFit { from, to, relation }),
        }
    }
}

impl FromStr for Relation {
    type Err = LinkError;
    fn from_str(s: &str) -> Result<Self, LinkError> {
        match s {
            "rebuts" | "opposes" => Ok(Relation::Rebuts),
            "supports" => Ok(Relation::Supports),
            _ => Err(LinkError::UnknownRelation(s.to_owned())),
        }
    }
}

/// A link as readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub from: AnnotationId,
    pub to: AnnotationId,
    pub relation: Relation,
}

/// Why a link is refused. The messages are shown to users.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error(
        "a {from} cannot be linked to a {to}: link a counterargument to a claim, a source to a claim, or a claim to a claim"
    )]
    KindsDoNotFit { from: Kind, to: Kind },
    #[error("a {from} cannot {} a {to}", relation.as_str().trim_end_matches('s'))]
    RelationDoesNotFit { from: Kind, to: Kind, relation: Relation },
    #[error("unknown relation {0:?}; use rebuts or supports")]
    UnknownRelation(String),
    #[error("an annotation cannot be linked to itself")]
    SelfLink,
    #[error("the linked annotation was not found in this reading")]
    NotFound,
    #[error("this link would make a cycle of supports")]
    Cycle,
}

/// Which of `edges` (`supports` links between `nodes` new annotations, by index)
/// lie on a cycle: those whose two ends are in one strongly connected component.
///
/// An import checks its own links with this; links between annotations already
/// stored are checked in the store as they are made, and a stored annotation
/// never links to a new one, so a cycle an import would close lies inside it.
#[must_use]
pub fn links_on_cycles(nodes: usize, edges: &[(usize, usize)]) -> Vec<bool> {
    let component = components(nodes, edges);
    edges.iter().map(|&(from, to)| from == to || component[from] == component[to]).collect()
}

/// Strongly connected components (Kosaraju's two passes, iterative so a long
/// chain cannot overflow the stack): a component number for each node.
fn components(nodes: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let (mut out, mut into) = (vec![Vec::new(); nodes], vec![Vec::new(); nodes]);
    for &(from, to) in edges {
        out[from].push(to);
        into[to].push(from);
    }
    let mut finished = Vec::with_capacity(nodes);
    let mut seen = vec![false; nodes];
    for start in 0..nodes {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0)];
        while let Some((node, next)) = stack.last_mut() {
            if let Some(&child) = out[*node].get(*next) {
                *next += 1;
                if !seen[child] {
                    seen[child] = true;
                    stack.push((child, 0));
                }
            } else {
                finished.push(*node);
                stack.pop();
            }
        }
    }
    let mut component = vec![usize::MAX; nodes];
    for (number, &root) in finished.iter().rev().enumerate() {
        if component[root] != usize::MAX {
            continue;
        }
        component[root] = number;
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            for &prev in &into[node] {
                if component[prev] == usize::MAX {
                    component[prev] = number;
                    stack.push(prev);
                }
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_on_a_cycle_are_found_and_no_others() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 2 -> 3 and 4 -> 0 lead into or out of it.
        let edges = [(0, 1), (1, 2), (2, 0), (2, 3), (4, 0)];
        assert_eq!(links_on_cycles(5, &edges), [true, true, true, false, false]);
        assert_eq!(links_on_cycles(3, &[(0, 1), (1, 2), (0, 2)]), [false; 3], "two paths to one end are no cycle");
        assert_eq!(links_on_cycles(2, &[(0, 1), (1, 0)]), [true, true]);
        assert!(links_on_cycles(0, &[]).is_empty());
    }

    #[test]
    fn a_long_chain_closed_at_its_end_does_not_overflow() {
        let n = 100_000;
        let mut edges: Vec<(usize, usize)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        assert!(links_on_cycles(n, &edges).iter().all(|on| !on));
        edges.push((n - 1, 0));
        assert!(links_on_cycles(n, &edges).iter().all(|on| *on));
    }

    #[test]
    fn relations_follow_from_the_kinds() {
        use Kind::*;
        let cases = [
            (Counterargument, Claim, None, Ok(Relation::Rebuts)),
            (Source, Claim, None, Ok(Relation::Supports)),
            (Source, Claim, Some(Relation::Rebuts), Ok(Relation::Rebuts)),
            (Claim, Claim, None, Ok(Relation::Supports)),
            (Counterargument, Claim, Some(Relation::Supports), Err(())),
            (Claim, Claim, Some(Relation::Rebuts), Err(())),
            (Question, Claim, None, Err(())),
            (Note, Claim, None, Err(())),
            (Counterargument, Source, None, Err(())),
            (Claim, Counterargument, None, Err(())),
        ];
        for (from, to, stated, expected) in cases {
            let got = Relation::for_kinds(from, to, stated).map_err(|_| ());
            assert_eq!(got, expected, "{from} -> {to} stated {stated:?}");
        }
    }
}
