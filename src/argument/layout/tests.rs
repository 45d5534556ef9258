//! The layout on examples and on random graphs: boxes never overlap, conclusions
//! sit above what bears on them, edges join their boxes, and all fits the canvas.

use super::order::{LayeredGraph, components, crossings, longest_path_layers, order_layers};
use super::*;
use crate::argument::tests::annotation;
use crate::domain::Kind::{Claim, Counterargument, Source};
use crate::domain::{Annotation, Relation::Rebuts, Relation::Supports};
use proptest::prelude::*;

fn check(map: &ArgumentMap, layout: &Layout) {
    assert_eq!(layout.nodes.len(), map.nodes.len());
    for (i, a) in layout.nodes.iter().enumerate() {
        assert!(a.x >= 0 && a.y >= 0, "{a:?}");
        assert!(a.x + NODE_WIDTH <= layout.width && a.y + NODE_HEIGHT <= layout.height, "{a:?} in {layout:?}");
        for b in &layout.nodes[i + 1..] {
            let apart = a.x + NODE_WIDTH <= b.x
                || b.x + NODE_WIDTH <= a.x
                || a.y + NODE_HEIGHT <= b.y
                || b.y + NODE_HEIGHT <= a.y;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
    for (edge, route) in map.edges.iter().zip(&layout.edges) {
        let (from, to) = (layout.nodes[edge.from], layout.nodes[edge.to]);
        let (first, last) = (route.points[0], route.points[route.points.len() - 1]);
        if from.layer > to.layer {
            assert_eq!(first, (from.x + NODE_WIDTH / 2, from.y), "starts on top of the premise");
            assert_eq!(last, (to.x + NODE_WIDTH / 2, to.y + NODE_HEIGHT), "ends under the claim");
        }
        for &(x, y) in &route.points {
            assert!((0..=layout.width).contains(&x) && (0..=layout.height).contains(&y));
        }
    }
}

#[test]
fn a_conclusion_sits_above_its_premises_and_their_evidence() {
    let map = ArgumentMap::build(&[
        annotation(1, Claim, &[]),
        annotation(2, Claim, &[(1, Supports)]),
        annotation(3, Source, &[(2, Supports), (1, Supports)]),
        annotation(4, Counterargument, &[(1, Rebuts)]),
    ]);
    let layout = layout(&map);
    let layers: Vec<usize> = layout.nodes.iter().map(|n| n.layer).collect();
    assert_eq!(layers, [0, 1, 2, 1], "longest path: the source sits below the premise it supports");
    assert!(layout.nodes[0].y < layout.nodes[1].y && layout.nodes[1].y < layout.nodes[2].y);
    let long = &layout.edges[2];
    assert_eq!(long.points.len(), 4, "an edge over two layers bends through a dummy");
    check(&map, &layout);
}

#[test]
fn unlinked_parts_are_packed_in_rows_so_two_hundred_nodes_stay_legible() {
    let annotations: Vec<Annotation> = (1..=200).map(|n| annotation(n, Claim, &[])).collect();
    let map = ArgumentMap::build(&annotations);
    let layout = layout(&map);
    check(&map, &layout);
    assert!(layout.width <= ROW_WIDTH + 2 * MARGIN + NODE_WIDTH, "{}", layout.width);
    assert!(layout.height > 10 * NODE_HEIGHT, "the drawing grows down");
}

#[test]
fn barycenter_sweeps_untangle_crossed_edges() {
    // Two conclusions whose premises start in the crossed order.
    let map = ArgumentMap::build(&[
        annotation(1, Claim, &[]),
        annotation(2, Claim, &[]),
        annotation(3, Source, &[(2, Supports)]),
        annotation(4, Source, &[(1, Supports)]),
        annotation(5, Counterargument, &[(1, Rebuts), (2, Rebuts)]),
    ]);
    let layers = longest_path_layers(map.nodes.len(), &map.edges);
    let parts = components(map.nodes.len(), &map.edges);
    assert_eq!(parts.len(), 1);
    let graph = LayeredGraph::new(&parts[0], &map.edges, &layers);
    let rows = order_layers(&graph);
    assert_eq!(crossings(&graph, &rows), 0);
    check(&map, &layout(&map));
}

#[test]
fn a_cycle_in_the_data_is_drawn_without_looping() {
    let map = ArgumentMap::build(&[annotation(1, Claim, &[(2, Supports)]), annotation(2, Claim, &[(1, Supports)])]);
    let layout = layout(&map);
    assert_eq!(layout.edges.iter().filter(|e| e.points.len() >= 2).count(), 2);
}

#[test]
fn quotes_wrap_at_spaces_and_are_cut_with_an_ellipsis() {
    assert_eq!(wrap("one two three", 7, 2), ["one two", "three"]);
    assert_eq!(wrap("one two three four", 7, 2), ["one two", "three…"]);
    assert_eq!(wrap("abcdefghij", 5, 2), ["abcd…"]);
    assert_eq!(wrap("  ", 5, 2), Vec::<String>::new());
    assert_eq!(wrap("“Déjà vu” 🌍 again", 9, 1), ["“Déjà vu…"]);
}

fn random_map() -> impl Strategy<Value = Vec<Annotation>> {
    let kinds = prop::collection::vec(0u8..3, 1..40);
    kinds
        .prop_flat_map(|kinds| {
            let n = kinds.len();
            let links = prop::collection::vec((0..n, 0..n, any::<bool>()), 0..n * 2);
            (Just(kinds), links)
        })
        .prop_map(|(kinds, links)| {
            let kind = |k: u8| [Claim, Counterargument, Source][usize::from(k)];
            (0..kinds.len())
                .map(|i| {
                    let own: Vec<(u128, crate::domain::Relation)> = links
                        .iter()
                        .filter(|(from, to, _)| *from == i && to != from)
                        .map(|&(_, to, rebut)| (to as u128 + 1, if rebut { Rebuts } else { Supports }))
                        .collect();
                    annotation(i as u128 + 1, kind(kinds[i]), &own)
                })
                .collect()
        })
}

/// Crossings counted pair by pair, the slow way the Fenwick count replaces.
fn crossings_by_pairs(graph: &LayeredGraph, rows: &[Vec<usize>]) -> usize {
    let mut total = 0;
    for layer in 1..rows.len() {
        let place = |v: usize| rows[layer - 1].iter().position(|&w| w == v);
        let segments: Vec<(usize, usize)> = rows[layer]
            .iter()
            .enumerate()
            .flat_map(|(i, &v)| {
                graph
                    .neighbours(v)
                    .filter(move |&w| graph.layer(w) + 1 == graph.layer(v))
                    .filter_map(place)
                    .map(move |p| (i, p))
            })
            .collect();
        for (a, first) in segments.iter().enumerate() {
            for second in &segments[a + 1..] {
                total += usize::from(
                    (first.0 < second.0 && first.1 > second.1) || (first.0 > second.0 && first.1 < second.1),
                );
            }
        }
    }
    total
}

#[test]
fn a_map_too_big_to_draw_in_time_is_not_laid_out() {
    // A chain: each claim supports the next, so the layers are as many as the claims.
    let chain: Vec<Annotation> =
        (1..=50).map(|i| annotation(i, Claim, &[(i + 1, Supports)][..usize::from(i < 50)])).collect();
    let map = ArgumentMap::build(&chain);
    assert!(layout_within(&map, 50).is_some());
    assert!(layout_within(&map, 49).is_none());
}

proptest! {
    #[test]
    fn crossings_are_counted_as_pair_by_pair(annotations in random_map()) {
        let map = ArgumentMap::build(&annotations);
        let layers = longest_path_layers(map.nodes.len(), &map.edges);
        for part in components(map.nodes.len(), &map.edges) {
            let graph = LayeredGraph::new(&part, &map.edges, &layers);
            let rows = order_layers(&graph);
            prop_assert_eq!(crossings(&graph, &rows), crossings_by_pairs(&graph, &rows));
        }
    }

    #[test]
    fn any_graph_even_with_cycles_is_laid_out_without_overlaps(annotations in random_map()) {
        let map = ArgumentMap::build(&annotations);
        check(&map, &layout(&map));
    }

    #[test]
    fn wrapped_lines_fit_their_width(text in "[a-zé🌍 ]{0,80}", width in 2usize..20, lines in 1usize..4) {
        let wrapped = wrap(&text, width, lines);
        prop_assert!(wrapped.len() <= lines);
        for line in &wrapped {
            prop_assert!(line.chars().count() <= width, "{line:?}");
        }
    }
}
