//! Annotation collections and pages (W3C model §5): the protocol's containers
//! and the course export are both built here.

use super::ANNO_CONTEXT;
use serde_json::{Value, json};

/// Which representation of a collection: full annotations, or their IRIs only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageForm {
    pub iris_only: bool,
}

impl PageForm {
    /// The collection's IRI in this form: the IRIs-only form is a different representation, so it has its own.
    #[must_use]
    pub fn collection_id(self, container: &str) -> String {
        if self.iris_only { with_query(container, "iris=1") } else { container.to_owned() }
    }

    /// The IRI of page `number` in this form.
    #[must_use]
    pub fn page_iri(self, container: &str, number: usize) -> String {
        with_query(&self.collection_id(container), &format!("page={number}"))
    }
}

fn with_query(iri: &str, query: &str) -> String {
    let separator = if iri.contains('?') { '&' } else { '?' };
    format!("{iri}{separator}{query}")
}

/// One page of a collection: its number, how many items the whole collection
/// holds, how many a page holds, and this page's items.
#[derive(Debug, Clone)]
pub struct Page {
    pub number: usize,
    pub total: usize,
    pub per_page: usize,
    pub items: Vec<Value>,
}

impl Page {
    /// The number of the last page (0 for an empty collection).
    #[must_use]
    pub fn last(&self) -> usize {
        self.total.saturating_sub(1) / self.per_page.max(1)
    }
}

/// An `AnnotationPage`, standalone (with its `@context`).
#[must_use]
pub fn page(container: &str, form: PageForm, page: Page, modified: Option<&str>) -> Value {
    let mut out = embedded_page(container, form, page, modified);
    out["@context"] = json!(ANNO_CONTEXT);
    out
}

fn embedded_page(container: &str, form: PageForm, page: Page, modified: Option<&str>) -> Value {
    let mut part_of = json!({"id": form.collection_id(container), "total": page.total});
    if let Some(modified) = modified {
        part_of["modified"] = json!(modified);
    }
    let mut out = json!({
        "id": form.page_iri(container, page.number),
        "type": "AnnotationPage",
        "partOf": part_of,
        "startIndex": page.number * page.per_page,
    });
    if page.number > 0 {
        out["prev"] = json!(form.page_iri(container, page.number - 1));
    }
    if page.number < page.last() {
        out["next"] = json!(form.page_iri(container, page.number + 1));
    }
    out["items"] = Value::Array(page.items);
    out
}

/// What a collection says about itself besides its pages.
#[derive(Debug, Clone, Copy)]
pub struct About<'a> {
    pub label: &'a str,
    pub modified: Option<&'a str>,
    /// Whether it is also an LDP basic container (the protocol's) rather than a document (an export).
    pub container: bool,
    /// The minimal form: `first` and `last` as IRIs, no items.
    pub minimal: bool,
}

/// An `AnnotationCollection` with its first page embedded (or, minimal, linked).
#[must_use]
pub fn collection(container: &str, form: PageForm, first: Page, about: About<'_>) -> Value {
    let (context, kind) = if about.container {
        (json!([ANNO_CONTEXT, "http://www.w3.org/ns/ldp.jsonld"]), json!(["BasicContainer", "AnnotationCollection"]))
    } else {
        (json!(ANNO_CONTEXT), json!("AnnotationCollection"))
    };
    let mut out = json!({
        "@context": context,
        "id": form.collection_id(container),
        "type": kind,
        "label": about.label,
        "total": first.total,
    });
    if let Some(modified) = about.modified {
        out["modified"] = json!(modified);
    }
    let last = first.last();
    if first.total > 0 {
        out["first"] = if about.minimal {
            json!(form.page_iri(container, 0))
        } else {
            embedded_page(container, form, first, about.modified)
        };
        out["last"] = json!(form.page_iri(container, last));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page_of(number: usize, total: usize) -> Page {
        Page { number, total, per_page: 2, items: vec![json!("x")] }
    }

    #[test]
    fn middle_pages_link_both_ways_and_end_pages_one_way() {
        let c = "http://h/api/readings/1/annotations/";
        let middle = page(c, PageForm::default(), page_of(1, 5), None);
        assert_eq!(middle["prev"], format!("{c}?page=0"));
        assert_eq!(middle["next"], format!("{c}?page=2"));
        assert_eq!(middle["startIndex"], 2);
        let last = page(c, PageForm { iris_only: true }, page_of(2, 5), None);
        assert_eq!(last["id"], format!("{c}?iris=1&page=2"));
        assert_eq!(last["partOf"]["id"], format!("{c}?iris=1"));
        assert!(last.get("next").is_none());
        assert!(page(c, PageForm::default(), page_of(0, 5), None).get("prev").is_none());
    }

    #[test]
    fn an_empty_collection_has_no_first_page_and_a_minimal_one_links_its_pages() {
        let about = About { label: "x", modified: None, container: true, minimal: false };
        let empty = collection("http://h/c/", PageForm::default(), page_of(0, 0), about);
        assert!(empty.get("first").is_none() && empty.get("last").is_none());
        let minimal = collection("http://h/c/", PageForm::default(), page_of(0, 5), About { minimal: true, ..about });
        assert_eq!(minimal["first"], "http://h/c/?page=0");
        assert_eq!(minimal["last"], "http://h/c/?page=2");
    }
}
