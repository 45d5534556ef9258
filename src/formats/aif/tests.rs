//! AIF checked against a small expected document and structurally.

use super::document;
use crate::argument::tests::annotation;
use crate::domain::Kind::{Claim, Counterargument, Note, Source};
use crate::domain::Relation::{Rebuts, Supports};
use serde_json::json;

#[test]
fn supports_become_ra_nodes_and_rebuttals_ca_nodes_between_i_nodes() {
    let doc = document(&[
        annotation(1, Claim, &[]),
        annotation(2, Source, &[(1, Supports)]),
        annotation(3, Counterargument, &[(1, Rebuts)]),
        annotation(4, Note, &[]),
    ]);
    let expected = json!({
        "nodes": [
            {"nodeID": "1", "text": "passage 1", "type": "I"},
            {"nodeID": "2", "text": "passage 2", "type": "I"},
            {"nodeID": "3", "text": "passage 3", "type": "I"},
            {"nodeID": "4", "text": "Default Inference", "type": "RA"},
            {"nodeID": "5", "text": "Default Conflict", "type": "CA"},
        ],
        "edges": [
            {"edgeID": "1", "fromID": "2", "toID": "4"},
            {"edgeID": "2", "fromID": "4", "toID": "1"},
            {"edgeID": "3", "fromID": "3", "toID": "5"},
            {"edgeID": "4", "fromID": "5", "toID": "1"},
        ],
        "locutions": [],
    });
    assert_eq!(serde_json::to_value(&doc).expect("json"), expected);
}

#[test]
fn every_edge_joins_nodes_and_every_scheme_node_has_one_way_out() {
    let mut annotations = vec![annotation(1, Claim, &[]), annotation(2, Claim, &[(1, Supports)])];
    annotations.push(annotation(3, Claim, &[(1, Supports), (2, Supports)]));
    annotations.push(annotation(4, Source, &[(2, Rebuts), (3, Supports)]));
    let mut other = annotation(5, Claim, &[]);
    other.reading_id = 2;
    annotations.push(other);
    annotations.push(annotation(6, Counterargument, &[(3, Rebuts)]));
    let doc = document(&annotations);
    let ids: Vec<&str> = doc.nodes.iter().map(|n| n.node_id.as_str()).collect();
    for edge in &doc.edges {
        assert!(ids.contains(&edge.from_id.as_str()) && ids.contains(&edge.to_id.as_str()), "{edge:?}");
    }
    for node in doc.nodes.iter().filter(|n| n.kind != "I") {
        let out = doc.edges.iter().filter(|e| e.from_id == node.node_id).count();
        let into = doc.edges.iter().filter(|e| e.to_id == node.node_id).count();
        assert_eq!(out, 1, "{node:?}");
        assert!(into >= 1, "{node:?}");
    }
    assert_eq!(doc.nodes.iter().filter(|n| n.kind == "I").count(), 6);
    assert_eq!(doc.nodes.iter().filter(|n| n.kind == "RA").count(), 4);
    assert_eq!(doc.nodes.iter().filter(|n| n.kind == "CA").count(), 2);
}
