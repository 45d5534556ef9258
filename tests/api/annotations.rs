//! Creating, reading, changing and deleting annotations through the W3C API.

use crate::support::{TestApp, uuid_of};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

const ESSAY: &str = "# Détente\n\nThe *alliance* is “a marriage of convenience” 🌍 said critics.\n\nCritics were wrong: the alliance is durable.";

fn selectors(annotation: &Value) -> (Value, Value) {
    let list = annotation["target"]["selector"].as_array().expect("selectors").clone();
    let find = |t: &str| list.iter().find(|s| s["type"] == t).cloned().expect(t);
    (find("TextPositionSelector"), find("TextQuoteSelector"))
}

#[tokio::test]
async fn a_quote_alone_is_anchored_and_both_selectors_are_stored_in_code_points() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    let text =
        app.get(&format!("/api/readings/{reading}"), &ana).await.json()["text"].as_str().expect("text").to_owned();
    let exact = "convenience” 🌍 said";
    let response = app.annotate(reading, &ana, "claim", exact, json!({})).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    let (position, quote) = selectors(&response.json());
    let start = text.find(exact).map(|byte| text[..byte].chars().count()).expect("in text");
    assert_eq!(position["start"], start);
    assert_eq!(position["end"], start + exact.chars().count(), "the emoji counts as one code point");
    assert_eq!(quote["exact"], exact);
    assert!(quote["prefix"].as_str().expect("prefix").ends_with("“a marriage of "));
}

#[tokio::test]
async fn a_position_alone_gets_its_quote_and_they_must_agree_when_both_are_sent() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    let container = format!("/api/readings/{reading}/annotations");
    let target = |selector: Value| json!({"type": "Annotation", "body": [], "target": {"selector": selector}});
    let by_position =
        app.post(&container, &teacher, target(json!({"type": "TextPositionSelector", "start": 0, "end": 7}))).await;
    assert_eq!(by_position.status, StatusCode::CREATED, "{}", by_position.text);
    assert_eq!(selectors(&by_position.json()).1["exact"], "Détente");
    let disagreeing = json!([{"type": "TextPositionSelector", "start": 0, "end": 7}, {"type": "TextQuoteSelector", "exact": "Critics"}]);
    let response = app.post(&container, &teacher, target(disagreeing)).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.json()["error"].as_str().expect("error").contains("different text"));
}

#[tokio::test]
async fn an_ambiguous_quote_is_refused_until_context_says_which() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    let ambiguous = app.annotate(reading, &teacher, "note", "alliance", json!({})).await;
    assert_eq!(ambiguous.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(ambiguous.json()["error"].as_str().expect("error").contains("prefix or suffix"));
    assert_eq!(app.count_annotations().await, 0);
    let body = json!({"body": [], "target": {"selector": {"type": "TextQuoteSelector", "exact": "alliance", "prefix": "wrong: the "}}});
    let response = app.post(&format!("/api/readings/{reading}/annotations/"), &teacher, body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    let text =
        app.get(&format!("/api/readings/{reading}"), &teacher).await.json()["text"].as_str().expect("text").to_owned();
    let second = text.rfind("alliance").map(|byte| text[..byte].chars().count()).expect("in text");
    assert_eq!(selectors(&response.json()).0["start"], second);
}

#[tokio::test]
async fn created_annotations_have_a_location_inside_their_container_and_a_short_address() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    let response =
        app.annotate(reading, &teacher, "claim", "the alliance is durable", json!({"bodyValue": "Thesis."})).await;
    let id = uuid_of(&response.json());
    let location = format!("http://counterpoint.test/api/readings/{reading}/annotations/{id}");
    assert_eq!(response.header("location"), location);
    assert_eq!(response.json()["id"], location);
    assert!(response.header("content-type").starts_with("application/ld+json"));
    for path in [format!("/api/readings/{reading}/annotations/{id}"), format!("/api/annotations/{id}")] {
        let got = app.get(&path, &teacher).await;
        assert_eq!(got.status, StatusCode::OK, "{path}");
        assert_eq!(got.json()["body"][1]["value"], "Thesis.");
    }
    for container in [format!("/api/readings/{reading}/annotations"), format!("/api/readings/{reading}/annotations/")] {
        let listed = app.get(&container, &teacher).await.json();
        assert_eq!(listed["total"], 1);
        assert_eq!(listed["first"]["items"][0]["id"], location);
    }
    let other_reading = app.reading(course, &teacher, "text", "Another text entirely.").await;
    let wrong = app.get(&format!("/api/readings/{other_reading}/annotations/{id}"), &teacher).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND, "an annotation is only inside its own container");
}

#[tokio::test]
async fn only_the_author_changes_or_deletes_an_annotation() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, ben) = (app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    let id = app.annotation(reading, &ana, "claim", "the alliance is durable", json!({})).await;
    let path = format!("/api/annotations/{id}");
    let update = json!({"body": [{"purpose": "classifying", "value": "question"}, {"purpose": "commenting", "value": "Is it?"}],
                        "target": {"selector": {"type": "TextQuoteSelector", "exact": "the alliance is durable"}}, "visibility": "instructors"});
    assert_eq!(app.api(Method::PUT, &path, Some(&ben), Some(update.clone())).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.api(Method::DELETE, &path, Some(&ben), None).await.status, StatusCode::FORBIDDEN);
    let updated = app.api(Method::PUT, &path, Some(&ana), Some(update)).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.json()["body"][0]["value"], "question");
    assert_eq!(updated.json()["visibility"], "instructors");
    assert_eq!(app.get(&path, &ben).await.status, StatusCode::NOT_FOUND, "now hidden from classmates");
    assert_eq!(app.get(&path, &teacher).await.status, StatusCode::OK);
    assert_eq!(app.api(Method::DELETE, &path, Some(&ana), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, &ana).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count_annotations().await, 0);
}

#[tokio::test]
async fn a_counterargument_links_to_the_claim_it_rebuts_and_bad_links_are_refused() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    let claim = app.annotation(reading, &teacher, "claim", "the alliance is durable", json!({})).await;
    let question = app.annotation(reading, &teacher, "question", "Détente", json!({})).await;
    let link = |to: &str, relation: Option<&str>| {
        let mut body = json!({"type": "SpecificResource", "purpose": "linking", "source": format!("http://counterpoint.test/api/readings/{reading}/annotations/{to}")});
        if let Some(relation) = relation {
            body["relation"] = json!(relation);
        }
        body
    };
    let rebuttal = app
        .annotate(
            reading,
            &ana,
            "counterargument",
            "a marriage of convenience",
            json!({"body": [
            {"purpose": "classifying", "value": "counterargument"}, link(&claim, None)]}),
        )
        .await;
    assert_eq!(rebuttal.status, StatusCode::CREATED, "{}", rebuttal.text);
    let linking = rebuttal.json()["body"]
        .as_array()
        .expect("bodies")
        .iter()
        .find(|b| b["purpose"] == "linking")
        .cloned()
        .expect("link");
    assert_eq!(linking["relation"], "rebuts");
    assert!(linking["source"].as_str().expect("source").ends_with(&claim));

    let other_reading = app.reading(course, &teacher, "text", "Elsewhere, a claim.").await;
    let elsewhere = app.annotation(other_reading, &teacher, "claim", "a claim", json!({})).await;
    let before = app.count_annotations().await;
    let bad = [
        ("counterargument", link(&elsewhere, None), "not found in this reading"),
        ("counterargument", link(&question, None), "cannot be linked"),
        ("note", link(&claim, None), "cannot be linked"),
        ("counterargument", link(&claim, Some("supports")), "cannot support"),
        ("counterargument", link("00000000-0000-4000-8000-000000000000", None), "not found"),
    ];
    for (kind, body, message) in bad {
        let response = app
            .annotate(
                reading,
                &ana,
                kind,
                "Critics were wrong",
                json!({"body": [{"purpose": "classifying", "value": kind}, body]}),
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {}", response.text);
        assert!(response.json()["error"].as_str().expect("error").contains(message), "{}", response.text);
    }
    assert_eq!(app.count_annotations().await, before, "refused links store nothing");
}

#[tokio::test]
async fn classmates_reply_to_an_annotation() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
    let claim = app.annotation(reading, &teacher, "claim", "the alliance is durable", json!({})).await;
    let reply =
        app.post(&format!("/api/annotations/{claim}/replies"), &ana, json!({"text": "Durable for whom?"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json()["text"], "Durable for whom?");
    assert_eq!(app.get(&format!("/api/annotations/{claim}"), &teacher).await.json()["replies"], 1);
    let empty = app.post(&format!("/api/annotations/{claim}/replies"), &ana, json!({"text": "  "})).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_design_reading_is_annotated_with_accents_and_curly_quotes() {
    let Some(source) = counterpoint::fixtures::shared_text("readings/one-bed-different-dreams.txt") else { return };
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", &source).await;
    let text =
        app.get(&format!("/api/readings/{reading}"), &ana).await.json()["text"].as_str().expect("text").to_owned();
    let curly = text.lines().find_map(|line| {
        let open = line.find('“')?;
        let close = open + line[open..].find('”')?;
        Some(line[open..close + '”'.len_utf8()].to_owned())
    });
    let curly = curly.expect("the reading has a curly-quoted passage");
    for exact in ["Western Civil War Déjà Vu?", curly.as_str()] {
        let response = app.annotate(reading, &ana, "source", exact, json!({})).await;
        assert_eq!(response.status, StatusCode::CREATED, "{exact}: {}", response.text);
        let (position, quote) = selectors(&response.json());
        let start = usize::try_from(position["start"].as_u64().expect("start")).expect("usize");
        let end = usize::try_from(position["end"].as_u64().expect("end")).expect("usize");
        let slice: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(slice, exact);
        assert_eq!(quote["exact"], exact);
    }
}

#[tokio::test]
async fn creating_too_fast_gets_429_with_retry_after_unless_limits_are_off() {
    for (limits_on, expected) in [(true, StatusCode::TOO_MANY_REQUESTS), (false, StatusCode::CREATED)] {
        let app = TestApp::with_config(|config| {
            config.rates.annotations_per_minute = 3;
            config.rate_limit = limits_on;
        })
        .await;
        let teacher = app.user("teacher").await;
        let course = app.course(&teacher, &[]).await;
        let reading = app.reading(course, &teacher, "markdown", ESSAY).await;
        for _ in 0..3 {
            assert_eq!(app.annotate(reading, &teacher, "note", "Détente", json!({})).await.status, StatusCode::CREATED);
        }
        let fourth = app.annotate(reading, &teacher, "note", "Détente", json!({})).await;
        assert_eq!(fourth.status, expected);
        if limits_on {
            assert!(fourth.header("retry-after").parse::<u64>().is_ok_and(|s| (1..=60).contains(&s)));
            assert_eq!(app.count_annotations().await, 3);
        }
    }
}
