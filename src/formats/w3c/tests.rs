use super::*;

fn annotation(body: Value, selector: Value) -> Value {
    json!({"type": "Annotation", "body": body, "target": {"source": "http://x/readings/1", "selector": selector}})
}

#[test]
fn kind_comment_link_and_selectors_come_from_bodies() {
    let link = "9f1c1c66-1a9b-4ed5-9a54-4b1dc5b56f0c";
    let value = annotation(
        json!([
            {"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
            {"type": "TextualBody", "purpose": "commenting", "value": " Not so. "},
            {"type": "SpecificResource", "purpose": "linking", "source": format!("http://x/api/readings/1/annotations/{link}")},
        ]),
        json!([{"type": "TextPositionSelector", "start": 3, "end": 9}, {"type": "TextQuoteSelector", "exact": "abcdef"}]),
    );
    let parsed = parse_annotation(&value).expect("valid");
    assert_eq!(parsed.annotation.kind, Kind::Counterargument);
    assert_eq!(parsed.annotation.comment.as_str(), "Not so.");
    assert_eq!(parsed.annotation.position, Some(TextPosition { start: 3, end: 9 }));
    assert_eq!(parsed.annotation.quote.as_ref().map(|q| q.exact.as_str()), Some("abcdef"));
    assert_eq!(parsed.links, vec![LinkRequest { target: link.parse().expect("uuid"), relation: None }]);
    assert_eq!(parsed.annotation.visibility, Visibility::Class);
}

#[test]
fn bad_annotations_are_refused_with_the_field_named() {
    let position = json!({"type": "TextPositionSelector", "start": 0, "end": 4});
    let mut bad_visibility = annotation(json!(null), position.clone());
    bad_visibility["visibility"] = json!("everyone");
    let rows = [
        (json!([]), "annotation"),
        (annotation(json!({"purpose": "classifying", "value": "rant"}), position.clone()), "kind"),
        (annotation(json!({"purpose": "classifying", "value": 3}), position.clone()), "body.value"),
        (annotation(json!(null), json!({"type": "TextPositionSelector", "start": -1, "end": 4})), "target.selector"),
        (annotation(json!(null), json!({"type": "TextPositionSelector", "start": 1.5, "end": 4})), "target.selector"),
        (annotation(json!(null), json!({"type": "FragmentSelector", "value": "x"})), "target.selector"),
        (annotation(json!({"purpose": "linking", "source": "nope"}), position.clone()), "body.source"),
        (
            annotation(json!({"purpose": "linking", "source": "x", "relation": "hates"}), position.clone()),
            "body.relation",
        ),
        (annotation(json!({"purpose": "bookmarking", "value": "x"}), position.clone()), "body.purpose"),
        (json!({"body": [], "target": "http://x/readings/1"}), "target"),
        (json!({"body": []}), "target"),
        (bad_visibility, "visibility"),
        (
            annotation(json!({"purpose": "commenting", "value": "x".repeat(Comment::MAX_CHARS + 1)}), position),
            "comment",
        ),
    ];
    for (value, field) in rows {
        let error = parse_annotation(&value).expect_err(&value.to_string());
        assert_eq!(error.field, field, "{value}: {error}");
    }
}

#[test]
fn a_plain_commenting_annotation_is_a_note() {
    let value = json!({"bodyValue": "Hm.", "target": {"selector": {"type": "TextQuoteSelector", "exact": "x"}}});
    let parsed = parse_annotation(&value).expect("valid");
    assert_eq!(parsed.annotation.kind, Kind::Note);
    assert_eq!(parsed.annotation.comment.as_str(), "Hm.");
}
