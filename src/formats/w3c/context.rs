//! The JSON-LD context of Counterpoint's own terms, which its annotations list
//! after the W3C context.

use super::Iris;
use serde_json::{Value, json};

/// The JSON-LD context of Counterpoint's own terms, served at [`Iris::context`].
#[must_use]
pub fn counterpoint_context(iris: &Iris) -> Value {
    let vocab = format!("{}/ns/counterpoint#", iris.base);
    json!({"@context": {
        "cp": vocab,
        "visibility": "cp:visibility",
        "relation": "cp:relation",
        "citation": "cp:citation",
        "replies": {"@id": "cp:replies", "@type": "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"},
        "originalCreator": "cp:originalCreator",
        "late": {"@id": "cp:late", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
        "orphaned": {"@id": "cp:orphaned", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
        "spotlight": {"@id": "cp:spotlight", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
        "answered": {"@id": "cp:answered", "@type": "http://www.w3.org/2001/XMLSchema#boolean"},
    }})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_extension_term_is_defined_in_the_servers_namespace() {
        let context = counterpoint_context(&Iris { base: "http://h".into() });
        assert_eq!(context["@context"]["cp"], "http://h/ns/counterpoint#");
        let terms =
            ["visibility", "relation", "citation", "replies", "originalCreator", "late", "orphaned", "spotlight"];
        for term in terms.into_iter().chain(["answered"]) {
            assert!(!context["@context"][term].is_null(), "{term}");
        }
    }
}
