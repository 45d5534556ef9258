//! How long the reading page and its review take to draw with 1,000 annotations:
//! the figures BENCHMARKS.md's "Templates own structure" section records. Ignored
//! by default and timed in the release profile; it prints medians and asserts no
//! time (speed is measured, never asserted):
//!
//! ```sh
//! cargo test --release --test api page_timing -- --ignored --nocapture
//! ```
//!
//! With `PAGE_DUMP=DIR` it also writes each page it timed to `DIR`, to compare
//! two builds' markup (ids and tokens differ between runs; compare them normalised).

use crate::support::{TestApp, TestUser, bearer_get};
use axum::http::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

/// `n` sentences, each a few words long and all different.
fn text(n: usize) -> String {
    (0..n)
        .map(|i| format!("Sentence {i} weighs trade, pipelines and sanctions <{i}> & more."))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n` annotations of every kind over `text`, from a fixed pattern, with comments to escape.
fn lecture(text: &str, reading: i64, n: usize) -> Vec<serde_json::Value> {
    let kinds = ["claim", "counterargument", "source", "question", "note"];
    let chars: Vec<char> = text.chars().collect();
    (0..n)
        .map(|i| {
            let start = (i * 7_919) % (chars.len() - 80);
            let end = start + 10 + (i * 31) % 60;
            let exact: String = chars[start..end].iter().collect();
            json!({
                "type": "Annotation",
                "body": [
                    {"type": "TextualBody", "purpose": "classifying", "value": kinds[i % kinds.len()]},
                    {"type": "TextualBody", "purpose": "commenting", "value": format!("Lecture note {i}: \"why\" <b>&</b>.")},
                ],
                "target": {"source": format!("http://counterpoint.test/readings/{reading}"), "selector": [
                    {"type": "TextPositionSelector", "start": start, "end": end},
                    {"type": "TextQuoteSelector", "exact": exact},
                ]},
            })
        })
        .collect()
}

/// The median and the 90th percentile of `times`.
fn summary(mut times: Vec<Duration>) -> String {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    format!(
        "median {:.2} ms, p90 {:.2} ms ({} runs)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.9).as_secs_f64() * 1e3,
        times.len()
    )
}

async fn timed(app: &TestApp, path: &str, user: &TestUser) -> (Duration, String) {
    let started = Instant::now();
    let answer = app.send(bearer_get(path, user, &[])).await;
    let took = started.elapsed();
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.text);
    (took, answer.text)
}

fn dump(name: &str, body: &str) {
    if let Ok(dir) = std::env::var("PAGE_DUMP") {
        std::fs::create_dir_all(&dir).expect("dump dir");
        std::fs::write(format!("{dir}/{name}.html"), body).expect("dump");
    }
}

#[tokio::test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
async fn page_timing() {
    const RUNS: usize = 100;
    let app = TestApp::new().await;
    let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
    let course = app.course(&teacher, &[&ana, &ben]).await;
    let essay = text(400);
    let reading = app.reading(course, &teacher, "text", &essay).await;
    let imported =
        app.post(&format!("/api/readings/{reading}/import"), &teacher, json!(lecture(&essay, reading, 940))).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.text);
    // Entries that differ between viewers: ana's own, links to what some may not see, replies.
    let mut claims = Vec::new();
    for i in 0..20 {
        claims.push(app.annotation(reading, &ana, "claim", &format!("Sentence {i} weighs"), json!({})).await);
    }
    for (i, claim) in claims.iter().enumerate() {
        let private = json!({"visibility": "private"});
        let hidden = app.annotation(reading, &ben, "claim", &format!("Sentence {} weighs", 100 + i), private).await;
        let body = json!({"body": [
            {"type": "TextualBody", "purpose": "classifying", "value": "counterargument"},
            {"type": "SpecificResource", "purpose": "linking", "source": claim},
            {"type": "SpecificResource", "purpose": "linking", "source": hidden},
        ]});
        app.annotation(reading, &ben, "counterargument", &format!("Sentence {} weighs", 200 + i), body).await;
        let reply = json!({"text": format!("Reply {i} <i>with</i> markup")});
        assert_eq!(
            app.post(&format!("/api/annotations/{claim}/replies"), &ben, reply).await.status,
            StatusCode::CREATED
        );
    }
    let page = format!("/readings/{reading}");
    let review = format!("/readings/{reading}/review");
    for (name, user) in [("ana", &ana), ("ben", &ben), ("teacher", &teacher)] {
        let (_, body) = timed(&app, &page, user).await;
        dump(&format!("reading-{name}"), &body);
        let times = repeat_timed(&app, &page, user, RUNS).await;
        println!("reading page, 1,000 annotations, as {name}: {} ({} bytes)", summary(times), body.len());
    }
    // After each write the changed entry and its blocks are drawn again.
    let mut after = Vec::new();
    for i in 0..30 {
        let reply = json!({"text": format!("Later reply {i}")});
        let at = &claims[i % claims.len()];
        assert_eq!(app.post(&format!("/api/annotations/{at}/replies"), &ben, reply).await.status, StatusCode::CREATED);
        after.push(timed(&app, &page, &ana).await.0);
    }
    println!("reading page as ana right after a reply: {}", summary(after));
    let (_, body) = timed(&app, &review, &teacher).await;
    dump("review", &body);
    let times = repeat_timed(&app, &review, &teacher, RUNS).await;
    println!("reading review, whole class: {} ({} bytes)", summary(times), body.len());
    let ana_id = app.user_id(&ana).await;
    let alone = format!("{review}?student={ana_id}");
    let (_, body) = timed(&app, &alone, &teacher).await;
    dump("review-ana", &body);
    println!("reading review, one student: {}", summary(repeat_timed(&app, &alone, &teacher, RUNS).await));
}

/// `runs` timed requests one after another.
async fn repeat_timed(app: &TestApp, path: &str, user: &TestUser, runs: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        times.push(timed(app, path, user).await.0);
    }
    times
}
