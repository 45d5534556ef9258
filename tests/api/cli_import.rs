//! `counterpoint import-annotations FILE --reading ID --as EMAIL`.

use crate::support::TestApp;
use clap::Parser;
use counterpoint::cli::{Cli, run};
use serde_json::json;

const TEXT: &str = "The alliance is durable. Critics disagree.";

#[tokio::test]
async fn the_command_line_imports_a_file_as_an_instructor_and_refuses_a_student() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let ana = app.user("ana").await;
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", TEXT).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("annotations.jsonld");
    let items = json!([{"type": "Annotation", "bodyValue": "Durable?",
                        "target": {"selector": {"type": "TextQuoteSelector", "exact": "Critics disagree"}}}]);
    std::fs::write(&file, items.to_string()).expect("write");
    let db = app.state.config.db.to_str().expect("utf-8 path").to_owned();
    let file = file.to_str().expect("utf-8 path").to_owned();
    let reading = reading.to_string();
    let command = |email: &str| {
        Cli::parse_from([
            "counterpoint",
            "--db",
            &db,
            "import-annotations",
            &file,
            "--reading",
            &reading,
            "--as",
            email,
        ])
    };
    let refused = run(command(&ana.email)).await.expect_err("a student may not import");
    assert!(refused.to_string().contains("does not teach"), "{refused}");
    assert_eq!(app.count_annotations().await, 0);
    run(command(&teacher.email)).await.expect("imported");
    assert_eq!(app.count_annotations().await, 1);
}
