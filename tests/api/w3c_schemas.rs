//! The W3C Web Annotation model's JSON Schemas (../shared/w3c-annotation-tests):
//! checks a document against every MUST assertion of a `.test` file. The
//! assertions' `$ref`s to the definitions files are resolved locally, never fetched.

use jsonschema::{Draft, Retrieve, Uri};
use serde_json::Value;
use std::path::{Path, PathBuf};

const BASE: &str = "file:///w3c-annotation-tests/";

/// The schema folder, or `None` (the test is skipped, and fails under CI=true).
pub fn schema_dir() -> Option<PathBuf> {
    counterpoint::fixtures::shared_file("w3c-annotation-tests")
}

/// Serves `definitions/*.json` for the `$ref`s, by file name.
struct Definitions(PathBuf);

impl Retrieve for Definitions {
    fn retrieve(&self, uri: &Uri<String>) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or_default().to_owned();
        let text = std::fs::read_to_string(self.0.join("definitions").join(&name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The assertions of a `.test` file (e.g. `annotations/annotationMusts.test`) that are MUSTs.
fn must_assertions(dir: &Path, test: &str) -> Vec<(String, Value)> {
    let test = read(&dir.join(test));
    let assertions = test["assertions"].as_array().expect("assertions");
    let musts: Vec<(String, Value)> = assertions
        .iter()
        .filter_map(Value::as_str)
        .map(|name| (name.to_owned(), read(&dir.join(name))))
        .filter(|(_, schema)| schema["assertionType"] == "must")
        .collect();
    assert!(!musts.is_empty(), "{test} has no MUST assertions");
    musts
}

/// Panics, naming each failed assertion and why, unless `value` passes every MUST of `test`.
pub fn assert_passes_musts(dir: &Path, test: &str, value: &Value) {
    let failures = must_failures(dir, test, value);
    assert!(failures.is_empty(), "{test} MUSTs failed for\n{value:#}\n{}", failures.join("\n"));
}

/// The MUST assertions of `test` that `value` fails, with why.
pub fn must_failures(dir: &Path, test: &str, value: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, schema) in must_assertions(dir, test) {
        let file = name.rsplit('/').next().unwrap_or(&name);
        let validator = jsonschema::options()
            .with_draft(Draft::Draft4)
            .with_base_uri(format!("{BASE}{file}"))
            .with_retriever(Definitions(dir.to_owned()))
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{name} does not compile: {e}"));
        let valid = validator.is_valid(value);
        let expected = schema["expectedResult"] != "invalid";
        if valid != expected {
            let errors: Vec<String> = validator.iter_errors(value).map(|e| e.to_string()).take(3).collect();
            failures.push(format!("{name}: {} {errors:?}", schema["errorMessage"]));
        }
    }
    failures
}

/// An annotation (and a collection and its page, when the value is one) against the MUSTs.
pub fn assert_annotation(dir: &Path, annotation: &Value) {
    assert_passes_musts(dir, "annotations/annotationMusts.test", annotation);
}

pub fn assert_collection(dir: &Path, collection: &Value) {
    assert_passes_musts(dir, "collections/collectionMusts.test", collection);
    if collection["first"].is_object() {
        let mut page = collection["first"].clone();
        page["@context"] = Value::String("http://www.w3.org/ns/anno.jsonld".into());
        assert_page(dir, &page);
    }
}

pub fn assert_page(dir: &Path, page: &Value) {
    assert_passes_musts(dir, "collections/pages/pageMusts.test", page);
    for item in page["items"].as_array().into_iter().flatten().filter(|i| i.is_object()) {
        assert_annotation(dir, item);
    }
}

#[test]
fn the_schema_checks_catch_broken_annotations() {
    let Some(dir) = schema_dir() else { return };
    let good = serde_json::json!({"@context": "http://www.w3.org/ns/anno.jsonld", "id": "http://x/a/1",
        "type": "Annotation", "created": "2026-11-28T10:00:00Z", "target": "http://x/doc"});
    assert!(must_failures(&dir, "annotations/annotationMusts.test", &good).is_empty());
    for (key, bad) in [
        ("@context", serde_json::json!("http://other")),
        ("created", serde_json::json!("yesterday")),
        ("id", serde_json::json!(7)),
    ] {
        let mut broken = good.clone();
        broken[key] = bad;
        assert!(!must_failures(&dir, "annotations/annotationMusts.test", &broken).is_empty(), "{key}");
    }
}
