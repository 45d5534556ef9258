//! The map's structure from small fixtures, and the fixture builder other tests share.

use super::outline::{Entry, outline};
use super::*;
use crate::domain::{Link, Visibility};
use crate::text::anchor::{TextPosition, TextQuote};
use chrono::Utc;
use uuid::Uuid;

/// The id of fixture annotation `n`.
pub(crate) fn id(n: u128) -> AnnotationId {
    Uuid::from_u128(n)
}

/// Fixture annotation `n` of reading 1 with links to the annotations numbered in `links`.
pub(crate) fn annotation(n: u128, kind: Kind, links: &[(u128, Relation)]) -> Annotation {
    let start = usize::try_from(n).unwrap_or(0) * 10;
    Annotation {
        id: id(n),
        reading_id: 1,
        author_id: 1,
        author_name: "Ana".into(),
        kind,
        comment: String::new(),
        citation: String::new(),
        tags: Vec::new(),
        visibility: Visibility::Class,
        position: TextPosition { start, end: start + 5 },
        quote: TextQuote { exact: format!("passage {n}"), prefix: String::new(), suffix: String::new() },
        created: Utc::now(),
        modified: Utc::now(),
        links: links.iter().map(|&(to, relation)| Link { from: id(n), to: id(to), relation }).collect(),
        reply_count: 0,
        late: false,
        orphaned: false,
        spotlight: false,
        answered: false,
    }
}

use Kind::{Claim, Counterargument, Note, Question, Source};
use Relation::{Rebuts, Supports};

#[test]
fn claims_counterarguments_and_sources_become_nodes_and_links_edges() {
    let map = ArgumentMap::build(&[
        annotation(1, Claim, &[]),
        annotation(2, Claim, &[(1, Supports)]),
        annotation(3, Counterargument, &[(1, Rebuts)]),
        annotation(4, Source, &[(2, Supports)]),
        annotation(5, Source, &[(2, Rebuts)]),
        annotation(6, Question, &[]),
        annotation(7, Note, &[]),
    ]);
    assert_eq!(map.nodes.len(), 5, "questions and notes take no part");
    let edges: Vec<(usize, usize, Relation)> = map.edges.iter().map(|e| (e.from, e.to, e.relation)).collect();
    assert_eq!(edges, [(1, 0, Supports), (2, 0, Rebuts), (3, 1, Supports), (4, 1, Rebuts)]);
    assert!(!map.nodes[0].unsupported && !map.nodes[0].unchallenged);
    assert!(!map.nodes[1].unsupported && !map.nodes[1].unchallenged);
    assert_eq!((map.nodes[0].supporters, map.nodes[0].rebuttals), (1, 1));
    let counts = map.counts;
    assert_eq!((counts.claims, counts.counterarguments, counts.sources), (2, 1, 2));
    assert_eq!((counts.supports, counts.rebuttals, counts.unsupported, counts.unchallenged), (2, 2, 0, 0));
}

#[test]
fn a_claim_without_support_or_rebuttal_is_marked_and_other_kinds_never_are() {
    let map = ArgumentMap::build(&[
        annotation(1, Claim, &[]),
        annotation(2, Claim, &[]),
        annotation(3, Source, &[(2, Supports)]),
        annotation(4, Counterargument, &[]),
    ]);
    let marks: Vec<(bool, bool)> = map.nodes.iter().map(|n| (n.unsupported, n.unchallenged)).collect();
    assert_eq!(marks, [(true, true), (false, true), (false, false), (false, false)]);
    assert_eq!((map.counts.unsupported, map.counts.unchallenged), (1, 2));
}

#[test]
fn links_to_annotations_out_of_sight_are_left_out() {
    let map = ArgumentMap::build(&[annotation(1, Counterargument, &[(9, Rebuts)]), annotation(2, Claim, &[])]);
    assert!(map.edges.is_empty());
    assert!(map.nodes[1].unchallenged);
}

#[test]
fn the_outline_nests_support_before_rebuttal_and_lists_loose_nodes_last() {
    let map = ArgumentMap::build(&[
        annotation(1, Claim, &[]),
        annotation(2, Claim, &[(1, Supports)]),
        annotation(3, Counterargument, &[(1, Rebuts)]),
        annotation(4, Source, &[(2, Supports)]),
        annotation(5, Counterargument, &[]),
    ]);
    let got: Vec<(usize, usize, Option<Relation>, bool, usize)> =
        outline(&map).iter().map(|e| (e.node, e.depth, e.relation, e.opens, e.closes)).collect();
    assert_eq!(
        got,
        [
            (0, 0, None, true, 0),
            (1, 1, Some(Supports), true, 0),
            (3, 2, Some(Supports), false, 1),
            (2, 1, Some(Rebuts), false, 1),
            (4, 0, None, false, 0),
        ]
    );
}

#[test]
fn a_claim_shared_by_two_conclusions_is_expanded_once_and_a_cycle_still_ends() {
    let shared = ArgumentMap::build(&[
        annotation(1, Claim, &[]),
        annotation(2, Claim, &[]),
        annotation(3, Claim, &[(1, Supports), (2, Supports)]),
        annotation(4, Source, &[(3, Supports)]),
    ]);
    let entries = outline(&shared);
    let firsts: Vec<(usize, bool)> = entries.iter().map(|e| (e.node, e.first)).collect();
    assert_eq!(firsts, [(0, true), (2, true), (3, true), (1, true), (2, false)]);
    assert_balanced(&entries);
    let cycle = ArgumentMap::build(&[annotation(1, Claim, &[(2, Supports)]), annotation(2, Claim, &[(1, Supports)])]);
    let entries = outline(&cycle);
    assert_eq!(entries.iter().filter(|e| e.first).count(), 2, "every node listed once in full");
    assert_balanced(&entries);
}

fn assert_balanced(entries: &[Entry]) {
    let opened = entries.iter().filter(|e| e.opens).count();
    let closed: usize = entries.iter().map(|e| e.closes).sum();
    assert_eq!(opened, closed);
}

#[test]
fn counting_alone_agrees_with_building_the_map() {
    let sets = [
        vec![
            annotation(1, Claim, &[]),
            annotation(2, Counterargument, &[(1, Rebuts)]),
            annotation(3, Source, &[(1, Supports)]),
        ],
        vec![
            annotation(1, Claim, &[(2, Supports)]),
            annotation(2, Claim, &[(1, Supports)]),
            annotation(3, Note, &[(1, Supports)]),
        ],
        vec![
            annotation(1, Counterargument, &[(9, Rebuts)]),
            annotation(2, Source, &[(2, Supports)]),
            annotation(3, Question, &[]),
        ],
        vec![
            annotation(1, Claim, &[]),
            annotation(2, Source, &[(1, Supports), (1, Supports)]),
            annotation(3, Claim, &[]),
        ],
    ];
    for set in &sets {
        assert_eq!(Counts::of(set), ArgumentMap::build(set).counts);
    }
}
