//! The Argument Interchange Format as AIFdb writes it in JSON, pure: claims,
//! counterarguments and sources become I-nodes (their quoted text); each
//! `supports` link an RA-node (premise → RA → conclusion), each `rebuts` link a
//! CA-node (attacker → CA → attacked). Questions and notes are left out.

use crate::argument::ArgumentMap;
use crate::domain::{Annotation, Relation};
use serde::Serialize;

/// An AIF document: `{"nodes": [...], "edges": [...], "locutions": []}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "AifDocument")]
pub struct Document {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub locutions: Vec<serde_json::Value>,
}

/// An information node (I) or a scheme node (RA for inference, CA for conflict).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "AifNode")]
pub struct Node {
    #[serde(rename = "nodeID")]
    pub node_id: String,
    pub text: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "AifEdge")]
pub struct Edge {
    #[serde(rename = "edgeID")]
    pub edge_id: String,
    #[serde(rename = "fromID")]
    pub from_id: String,
    #[serde(rename = "toID")]
    pub to_id: String,
}

/// The AIF of annotations (of one or more readings, in any order), with their links.
#[must_use]
pub fn document(annotations: &[Annotation]) -> Document {
    let mut doc = Document { nodes: Vec::new(), edges: Vec::new(), locutions: Vec::new() };
    // Readings are mapped one at a time: a link never crosses readings.
    let mut readings: Vec<i64> = annotations.iter().map(|a| a.reading_id).collect();
    readings.sort_unstable();
    readings.dedup();
    for reading in readings {
        let ours: Vec<Annotation> = annotations.iter().filter(|a| a.reading_id == reading).cloned().collect();
        add_map(&mut doc, &ArgumentMap::build(&ours));
    }
    doc
}

fn add_map(doc: &mut Document, map: &ArgumentMap) {
    let ids: Vec<String> = map.nodes.iter().map(|node| add_node(doc, node.quote.clone(), "I")).collect();
    for edge in &map.edges {
        let (text, kind) = match edge.relation {
            Relation::Supports => ("Default Inference", "RA"),
            Relation::Rebuts => ("Default Conflict", "CA"),
        };
        let scheme = add_node(doc, text.to_owned(), kind);
        add_edge(doc, &ids[edge.from], &scheme);
        add_edge(doc, &scheme, &ids[edge.to]);
    }
}

fn add_node(doc: &mut Document, text: String, kind: &'static str) -> String {
    let node_id = (doc.nodes.len() + 1).to_string();
    doc.nodes.push(Node { node_id: node_id.clone(), text, kind });
    node_id
}

fn add_edge(doc: &mut Document, from: &str, to: &str) {
    let edge_id = (doc.edges.len() + 1).to_string();
    doc.edges.push(Edge { edge_id, from_id: from.to_owned(), to_id: to.to_owned() });
}

#[cfg(test)]
mod tests;
