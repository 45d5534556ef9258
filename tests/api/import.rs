//! Importing W3C annotations into a reading, and the export → import → export round trip.

use crate::support::{TestApp, TestUser};
use crate::w3c_schemas::{assert_collection, schema_dir};
use axum::http::StatusCode;
use serde_json::{Value, json};

const TEXT: &str = "The alliance is durable. Critics call it a marriage of convenience. Trade grew fourfold.";

fn quote(exact: &str) -> Value {
    json!({"type": "TextQuoteSelector", "exact": exact})
}

fn item(id: &str, kind: &str, selector: Value, extra: Value) -> Value {
    let mut item = json!({
        "id": format!("http://elsewhere.example/annotations/{id}"),
        "type": "Annotation",
        "creator": {"type": "Person", "name": "Original Author"},
        "body": [{"type": "TextualBody", "purpose": "classifying", "value": kind}],
        "target": {"source": "http://elsewhere.example/doc", "selector": selector},
    });
    if let (Some(item), Some(extra)) = (item.as_object_mut(), extra.as_object()) {
        item.extend(extra.clone());
    }
    item
}

async fn classroom() -> (TestApp, TestUser, TestUser, i64, i64) {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    (app, teacher, ana, course, reading)
}

const CLAIM: &str = "11111111-1111-4111-8111-111111111111";
const COUNTER: &str = "22222222-2222-4222-8222-222222222222";

#[tokio::test]
async fn an_import_anchors_by_quote_restores_links_and_replies_and_reports_it() {
    let (app, teacher, ana, _, reading) = classroom().await;
    let input = json!({"type": "AnnotationCollection", "first": {"type": "AnnotationPage", "items": [
        item(CLAIM, "claim", json!([{"type": "TextPositionSelector", "start": 0, "end": 23}, quote("The alliance is durable")]), json!({})),
        // The position is off (an edited text): the quote wins.
        item(COUNTER, "counterargument", json!([{"type": "TextPositionSelector", "start": 3, "end": 10}, quote("a marriage of convenience")]),
             json!({"body": [{"purpose": "classifying", "value": "counterargument"},
                             {"purpose": "bookmarking", "value": "kept as a comment"},
                             {"type": "SpecificResource", "purpose": "linking", "source": format!("http://elsewhere.example/annotations/{CLAIM}")}]})),
        {"type": "Annotation", "motivation": "replying", "creator": {"name": "Ben"},
         "body": {"type": "TextualBody", "value": "Durable for whom?"}, "target": format!("http://elsewhere.example/annotations/{CLAIM}")},
    ]}});
    let response = app.post(&format!("/api/readings/{reading}/import"), &teacher, input).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    let report = response.json();
    assert_eq!(report["imported"], 2);
    assert_eq!(report["replies"], 1);
    assert_eq!(
        report["anchoredByQuote"],
        json!([{"index": 1, "id": format!("http://elsewhere.example/annotations/{COUNTER}")}])
    );
    assert_eq!(report["refused"], json!([]));
    let new_claim =
        report["ids"][format!("http://elsewhere.example/annotations/{CLAIM}")].as_str().expect("new id").to_owned();
    let listed = app.get(&format!("/api/readings/{reading}/annotations/"), &ana).await.json();
    let items = listed["first"]["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 2);
    let counter = items.iter().find(|a| a["body"][0]["value"] == "counterargument").expect("counterargument");
    assert_eq!(counter["target"]["selector"][0]["start"], TEXT.find("a marriage").expect("in text"));
    assert!(counter["body"].as_array().expect("bodies").iter().any(|b| b["value"] == "kept as a comment"));
    let link =
        counter["body"].as_array().expect("bodies").iter().find(|b| b["purpose"] == "linking").cloned().expect("link");
    assert_eq!(link["source"], new_claim.as_str(), "links point at the new ids");
    assert_eq!(counter["creator"]["name"], "teacher", "the importer is the creator");
    assert_eq!(counter["originalCreator"], "Original Author");
    let claim = new_claim.rsplit('/').next().expect("uuid");
    let replies = app.get(&format!("/api/annotations/{claim}/replies"), &ana).await.json();
    assert_eq!(replies["items"][0]["body"]["value"], "Durable for whom?");
    assert_eq!(replies["items"][0]["originalCreator"], "Ben");
}

#[tokio::test]
async fn an_import_with_one_bad_item_stores_nothing_and_says_which_and_why() {
    let (app, teacher, ana, _, reading) = classroom().await;
    let good = item(CLAIM, "claim", quote("The alliance is durable"), json!({}));
    let rows = [
        (json!([good, item(COUNTER, "claim", quote("not in the text at all"), json!({}))]), 1, "target.selector"),
        (json!([good, item(COUNTER, "rant", quote("Trade grew"), json!({}))]), 1, "kind"),
        (
            json!([
                item(
                    COUNTER,
                    "note",
                    quote("Trade grew"),
                    json!({"body": [{"purpose": "classifying", "value": "note"},
            {"purpose": "linking", "source": format!("http://x/{CLAIM}")}]})
                ),
                good
            ]),
            0,
            "cannot be linked",
        ),
        (
            json!([good, {"motivation": "replying", "bodyValue": "?", "target": "http://x/33333333-3333-4333-8333-333333333333"}]),
            1,
            "replied to",
        ),
        (json!([good, good]), 1, "twice"),
        // Two claims that support each other: the links API refuses the second link, and so does import.
        (
            json!([
                item(
                    CLAIM,
                    "claim",
                    quote("The alliance is durable"),
                    json!({"body": [
                    {"purpose": "classifying", "value": "claim"},
                    {"purpose": "linking", "source": format!("http://elsewhere.example/annotations/{COUNTER}")}]})
                ),
                item(
                    COUNTER,
                    "claim",
                    quote("Trade grew fourfold"),
                    json!({"body": [
                    {"purpose": "classifying", "value": "claim"},
                    {"purpose": "linking", "source": format!("http://elsewhere.example/annotations/{CLAIM}")}]})
                ),
            ]),
            0,
            "cycle of supports",
        ),
    ];
    for (input, index, reason) in rows {
        let response = app.post(&format!("/api/readings/{reading}/import"), &teacher, input.clone()).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{input}: {}", response.text);
        let report = response.json();
        assert_eq!(report["imported"], 0);
        assert_eq!(report["refused"][0]["index"], index, "{}", response.text);
        assert!(report["refused"][0]["reason"].as_str().expect("reason").contains(reason), "{}", response.text);
        assert!(report["error"].as_str().expect("error").contains("nothing was imported"));
        assert_eq!(app.count_annotations().await, 0, "nothing stored for {input}");
    }
    let by_student = app.post(&format!("/api/readings/{reading}/import"), &ana, json!([good])).await;
    assert_eq!(by_student.status, StatusCode::FORBIDDEN);
    let not_annotations = app.post(&format!("/api/readings/{reading}/import"), &teacher, json!({"hello": 1})).await;
    assert_eq!(not_annotations.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count_annotations().await, 0);
}

/// An export's annotations without what an import may change: ids, dates, the creator (the importer) and provenance.
fn comparable(export: &Value) -> Vec<Value> {
    let mut items: Vec<Value> = export["first"]["items"].as_array().expect("items").clone();
    let ids: Vec<String> = items.iter().map(|i| i["id"].as_str().unwrap_or_default().to_owned()).collect();
    for item in &mut items {
        let author = item.get("originalCreator").cloned().unwrap_or_else(|| item["creator"]["name"].clone());
        let object = item.as_object_mut().expect("object");
        for key in ["id", "created", "modified", "creator", "via", "originalCreator"] {
            object.remove(key);
        }
        object.insert("author".into(), author);
        // Links and reply targets name other items: compare by position in the export instead of by id.
        let text = serde_json::to_string(item).expect("json");
        let text = ids.iter().enumerate().fold(text, |t, (i, id)| t.replace(id.as_str(), &format!("item-{i}")));
        *item = serde_json::from_str(&text).expect("json");
        if item["target"].is_object() {
            item["target"]["source"] = json!("the reading");
        }
    }
    items
}

#[tokio::test]
async fn an_export_imported_into_a_fresh_reading_exports_the_same_annotations() {
    let (app, teacher, ana, course, reading) = classroom().await;
    let claim = app.annotation(reading, &ana, "claim", "The alliance is durable", json!({"bodyValue": "Thesis"})).await;
    let claim_iri = format!("http://counterpoint.test/api/readings/{reading}/annotations/{claim}");
    app.annotation(
        reading,
        &teacher,
        "counterargument",
        "a marriage of convenience",
        json!({"body": [
        {"purpose": "classifying", "value": "counterargument"}, {"purpose": "commenting", "value": "Says who?"},
        {"type": "SpecificResource", "purpose": "linking", "source": claim_iri}], "visibility": "instructors"}),
    )
    .await;
    app.annotation(
        reading,
        &ana,
        "source",
        "Trade grew fourfold",
        json!({"citation": "IMF 2020", "body": [
        {"purpose": "classifying", "value": "source"}, {"purpose": "tagging", "value": "trade"}]}),
    )
    .await;
    let reply =
        app.post(&format!("/api/annotations/{claim}/replies"), &teacher, json!({"text": "Durable for whom?"})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let export = |reading: i64| format!("/api/courses/{course}/export?format=jsonld&reading={reading}");
    let first = app.get(&export(reading), &teacher).await.json();
    if let Some(dir) = schema_dir() {
        assert_collection(&dir, &first);
    }
    assert_eq!(first["total"], 4, "three annotations and a reply");
    let fresh = app.reading(course, &teacher, "text", TEXT).await;
    let imported = app.post(&format!("/api/readings/{fresh}/import"), &teacher, first.clone()).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.text);
    assert_eq!(imported.json()["imported"], 3);
    assert_eq!(imported.json()["anchoredByQuote"], json!([]));
    let second = app.get(&export(fresh), &teacher).await.json();
    assert_eq!(comparable(&second), comparable(&first));
}
