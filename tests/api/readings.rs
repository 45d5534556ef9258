//! Adding readings in each format and getting them back.

use crate::support::TestApp;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_markdown_reading_comes_back_as_canonical_text_and_blocks() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let source = "# Title\n\nA *styled* [link](https://example.org).\n\n> Quoted.\n\n- one\n- two";
    let reading = app.reading(course, &teacher, "markdown", source).await;
    let got = app.get(&format!("/api/readings/{reading}"), &teacher).await.json();
    assert_eq!(got["text"], "Title\n\nA styled link.\n\nQuoted.\n\none\n\ntwo");
    let kinds: Vec<&str> =
        got["blocks"].as_array().expect("blocks").iter().filter_map(|b| b["kind"].as_str()).collect();
    assert_eq!(kinds, ["heading", "paragraph", "quote", "list_item", "list_item"]);
    assert_eq!(got["blocks"][1]["start"], 7);
    assert_eq!(got["blocks"][1]["end"], 21);
}

#[tokio::test]
async fn html_readings_keep_structure_and_drop_scripts() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let source = "<h1 onclick=\"x()\">Head</h1><script>alert(1)</script><p>Body <em>text</em>.</p><style>p{}</style>";
    let reading = app.reading(course, &teacher, "html", source).await;
    let got = app.get(&format!("/api/readings/{reading}"), &teacher).await.json();
    assert_eq!(got["text"], "Head\n\nBody text.");
}

#[tokio::test]
async fn every_shared_reading_imports_as_text() {
    let Some(dir) = counterpoint::fixtures::shared_file("readings") else { return };
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let mut imported = 0;
    for entry in std::fs::read_dir(dir).expect("readings") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            let source = std::fs::read_to_string(&path).expect("utf-8");
            let reading = app.reading(course, &teacher, "text", &source).await;
            let text = app.get(&format!("/api/readings/{reading}"), &teacher).await.json()["text"]
                .as_str()
                .expect("text")
                .to_owned();
            assert_eq!(text, paragraphs(&source).join("\n\n"), "{}", path.display());
            imported += 1;
        }
    }
    assert!(imported >= 10, "found {imported} readings");
}

#[tokio::test]
async fn courses_show_their_readings_and_instructors_see_members() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    app.reading(course, &teacher, "text", "Words.").await;
    let seen_by_teacher = app.get(&format!("/api/courses/{course}"), &teacher).await.json();
    assert_eq!(seen_by_teacher["readings"].as_array().map(Vec::len), Some(1));
    assert_eq!(seen_by_teacher["members"].as_array().map(Vec::len), Some(2));
    let seen_by_ana = app.get(&format!("/api/courses/{course}"), &ana).await.json();
    assert_eq!(seen_by_ana["role"], "student");
    assert!(seen_by_ana.get("members").is_none() && seen_by_ana.get("join_code").is_none());
    let stranger = app.user("stranger").await;
    assert_eq!(app.get(&format!("/api/courses/{course}"), &stranger).await.status, StatusCode::NOT_FOUND);
    let again = app.post("/api/courses/join", &teacher, json!({"join_code": seen_by_teacher["join_code"]})).await;
    assert_eq!(again.json()["role"], "instructor", "joining your own course keeps your role");
}

/// The plain-text rule: paragraphs are runs of non-blank lines, each line without trailing spaces.
fn paragraphs(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in source.lines().chain([""]) {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    out
}
