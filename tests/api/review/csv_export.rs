//! The CSV and gradebook exports, parsed back with an independent CSV reader.

use super::fixture;
use axum::http::StatusCode;
use serde_json::json;

fn parse(body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.expect("a valid CSV record").iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_annotations_csv_quotes_tricky_cells_and_neutralises_formulas() {
    let f = fixture().await;
    let tricky = [
        ("a, \"b\"\nand c", "a, \"b\"\nand c"),
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
    ];
    for (comment, _) in tricky {
        let body = json!({"body": [
            {"type": "TextualBody", "purpose": "classifying", "value": "note"},
            {"type": "TextualBody", "purpose": "commenting", "value": comment}]});
        f.app.annotation(f.reading, &f.cleo, "note", "fifth", body).await;
    }
    let export = f.app.get(&format!("/api/courses/{}/export?format=csv", f.course), &f.teacher).await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    assert!(export.header("content-type").starts_with("text/csv"));
    assert!(export.header("content-disposition").starts_with("attachment"));
    let rows = parse(&export.text);
    let header = &rows[0];
    assert_eq!(header.iter().map(String::as_str).collect::<Vec<_>>()[..4], ["id", "reading", "author", "kind"]);
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (id, comment, replies, kind) = (column("id"), column("comment"), column("replies"), column("kind"));
    // 5 shared by the fixture (ana's private note never) + 5 tricky ones.
    assert_eq!(rows.len(), 1 + 10);
    assert!(rows.iter().all(|r| r.len() == header.len()), "every row has every column");
    assert!(rows.iter().all(|r| r[id] != f.private_note), "private annotations never appear");
    for (_, expected) in tricky {
        assert_eq!(rows.iter().filter(|r| r[comment] == expected).count(), 1, "{expected:?}");
    }
    let claim = rows.iter().find(|r| r[id] == f.claim).expect("ana's claim");
    assert_eq!((claim[kind].as_str(), claim[replies].as_str()), ("claim", "1"));

    let one =
        f.app.get(&format!("/api/courses/{}/export?format=csv&reading={}", f.course, f.reading), &f.teacher).await;
    assert_eq!(parse(&one.text).len(), 11, "the one reading holds everything");
}

#[tokio::test]
async fn the_gradebook_has_one_row_per_student_with_counts_and_score() {
    let f = fixture().await;
    let export = f.app.get(&format!("/api/courses/{}/export?format=gradebook", f.course), &f.teacher).await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text);
    let rows = parse(&export.text);
    assert_eq!(
        rows[0],
        [
            "student",
            "email",
            "claims",
            "counterarguments",
            "sources",
            "questions",
            "notes",
            "replies",
            "words",
            "last_activity",
            "score",
            "late"
        ]
    );
    let summary: Vec<Vec<&str>> =
        rows[1..].iter().map(|r| [0, 2, 3, 4, 5, 6, 7, 8, 10].iter().map(|&i| r[i].as_str()).collect()).collect();
    assert_eq!(
        summary,
        [
            vec!["ana", "1", "1", "0", "0", "0", "1", "11", "3"],
            vec!["ben", "0", "0", "1", "1", "0", "0", "5", "1"],
            vec!["cleo", "0", "0", "0", "0", "0", "0", "0", "0"],
        ]
    );
}

#[tokio::test]
async fn the_command_lines_export_entry_point_gives_the_same_csvs() {
    use counterpoint::export::{ExportFormat, export_course};
    let f = fixture().await;
    let iris = counterpoint::formats::w3c::Iris { base: "http://counterpoint.test".to_owned() };
    for (format, name) in [(ExportFormat::Csv, "csv"), (ExportFormat::Gradebook, "gradebook")] {
        let direct = export_course(&f.app.state.db, f.course, None, format, &iris).await.expect("export");
        let served = f.app.get(&format!("/api/courses/{}/export?format={name}", f.course), &f.teacher).await;
        assert_eq!(direct.body, served.text, "{name}");
        assert!(direct.file_name.ends_with(".csv"));
    }
    let missing = export_course(&f.app.state.db, 9999, None, ExportFormat::Csv, &iris).await;
    assert!(matches!(missing, Err(counterpoint::error::Error::NotFound)));
}
