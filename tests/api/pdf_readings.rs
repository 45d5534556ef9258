//! PDF readings: the API (`format: "pdf"`, base64), the course page's upload,
//! the command line, the original file, and every refusal.

mod shared;

use crate::support::TestApp;
use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clap::Parser;
use counterpoint::cli::{Cli, run};
use counterpoint::db::store;
use serde_json::{Value, json};

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/pdf/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn pdf_body(name: &str, title: &str) -> Value {
    json!({"title": title, "format": "pdf", "source": STANDARD.encode(fixture(name))})
}

async fn reading_count(app: &TestApp) -> i64 {
    let (n,): (i64,) = store::query_as("SELECT count(*) FROM readings").fetch_one(&app.state.db).await.expect("count");
    n
}

#[tokio::test]
async fn a_pdf_posted_in_base64_becomes_a_reading_titled_by_the_file_and_annotated_by_quote() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let created = app.post(&format!("/api/courses/{course}/readings"), &teacher, pdf_body("one-column.pdf", "")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let reading = created.json();
    assert_eq!(reading["title"], "One Bed, Different Dreams", "the title comes from the file");
    assert_eq!(reading["blocks"][0]["kind"], "heading");
    let text = reading["text"].as_str().expect("text");
    assert!(text.contains("Western Civil War Déjà Vu?"), "{text}");
    assert!(text.contains("“Today’s China is strong"), "{text}");
    assert!(!text.contains('\u{FB01}'));
    let id = reading["id"].as_i64().expect("id");

    // A student annotates a passage of it by its quote, as in any reading.
    let claim = app.annotate(id, &ana, "claim", "a “marriage of convenience.”", json!({})).await;
    assert_eq!(claim.status, StatusCode::CREATED, "{}", claim.text);

    // A title given wins over the file's.
    let named =
        app.post(&format!("/api/courses/{course}/readings"), &teacher, pdf_body("footnotes.pdf", "Notes")).await;
    assert_eq!(named.json()["title"], "Notes");
}

#[tokio::test]
async fn the_original_is_kept_and_served_to_members_only() {
    let app = TestApp::new().await;
    let (teacher, ana, stranger) = (app.user("teacher").await, app.user("ana").await, app.user("eve").await);
    let course = app.course(&teacher, &[&ana]).await;
    let id = app.post(&format!("/api/courses/{course}/readings"), &teacher, pdf_body("footnotes.pdf", "")).await.json()
        ["id"]
        .as_i64()
        .expect("id");
    let original = fixture("footnotes.pdf");
    let sha = counterpoint::pdf::sha256_hex(&original);

    let page = app.browser(&ana).await.get(&format!("/readings/{id}")).await;
    let link = scraper::Selector::parse("a[data-role=original]").expect("selector");
    let href = page.html().select(&link).next().and_then(|a| a.value().attr("href").map(str::to_owned));
    assert_eq!(href.as_deref(), Some(format!("/readings/{id}/original").as_str()));

    let download = app.browser(&ana).await.get(&format!("/readings/{id}/original")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.header("content-type"), "application/pdf");
    assert!(download.header("content-disposition").starts_with("attachment"));
    assert_eq!(download.header("etag"), format!("\"{sha}\""));
    assert_eq!(download.text, String::from_utf8_lossy(&original));

    let outsider = app.browser(&stranger).await.get(&format!("/readings/{id}/original")).await;
    assert_eq!(outsider.status, StatusCode::NOT_FOUND, "strangers do not see a course's files");
    let text_reading = app.reading(course, &teacher, "text", "Plain words.").await;
    let none = app.browser(&ana).await.get(&format!("/readings/{text_reading}/original")).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    let plain_page = app.browser(&ana).await.get(&format!("/readings/{text_reading}")).await;
    assert!(plain_page.html().select(&link).next().is_none());
}

#[tokio::test]
async fn bad_pdfs_are_refused_with_a_reason_and_change_nothing() {
    let app = TestApp::with_config(|config| {
        config.quotas.max_pdf_bytes = 30_000;
    })
    .await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let path = format!("/api/courses/{course}/readings");
    let whole = fixture("footnotes.pdf");
    let base64 = |bytes: &[u8]| json!({"title": "", "format": "pdf", "source": STANDARD.encode(bytes)});
    let rows: Vec<(Value, StatusCode, &str)> = vec![
        (base64(&fixture("scan.pdf")), StatusCode::UNPROCESSABLE_ENTITY, "this PDF has no text layer; run OCR first"),
        (base64(&fixture("encrypted.pdf")), StatusCode::UNPROCESSABLE_ENTITY, "encrypted"),
        (base64(&whole[..whole.len() / 3]), StatusCode::UNPROCESSABLE_ENTITY, "not a PDF that can be read"),
        (base64(b"<html>hello</html>"), StatusCode::UNPROCESSABLE_ENTITY, "not a PDF"),
        (json!({"title": "", "format": "pdf", "source": "%%% not base64"}), StatusCode::UNPROCESSABLE_ENTITY, "base64"),
        (base64(&fixture("one-column.pdf")), StatusCode::PAYLOAD_TOO_LARGE, "limit is 30000 bytes"),
        (base64(&vec![b'A'; 3_000_000]), StatusCode::PAYLOAD_TOO_LARGE, "the request body is larger than"),
    ];
    for (body, status, message) in rows {
        let response = app.post(&path, &teacher, body).await;
        assert_eq!(response.status, status, "{}", response.text);
        assert!(response.text.contains(message), "{message:?} not in {}", response.text);
    }
    let student = app.post(&path, &ana, base64(&whole)).await;
    assert_eq!(student.status, StatusCode::FORBIDDEN);
    assert_eq!(reading_count(&app).await, 0, "nothing was stored");
}

#[tokio::test]
async fn the_page_limit_is_a_setting() {
    let app = TestApp::with_config(|config| config.quotas.max_pdf_pages = 1).await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let refused = app.post(&format!("/api/courses/{course}/readings"), &teacher, pdf_body("footnotes.pdf", "")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("the PDF has 2 pages; the limit is 1"), "{}", refused.text);
}

#[tokio::test]
async fn the_course_page_uploads_a_pdf() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let browser = app.browser(&teacher).await;
    let boundary = "XyZpdfBoundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"report.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&fixture("two-columns.pdf"));
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = axum::http::Request::builder()
        .method("POST")
        .uri(format!("/courses/{course}/readings/upload?csrf={}", browser.csrf))
        .header("cookie", &browser.cookie)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(axum::body::Body::from(body))
        .expect("request");
    let uploaded = app.send(request).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.text);
    let reading: i64 = uploaded.header("location").trim_start_matches("/readings/").parse().expect("id");
    let got = app.get(&format!("/api/readings/{reading}"), &teacher).await.json();
    assert_eq!(got["title"], "Sanctions and Their Discontents");
    assert!(got["text"].as_str().is_some_and(|t| t.contains("Paragraph 16. ")));
    let form = browser.get(&format!("/courses/{course}")).await;
    let accept = scraper::Selector::parse("input[type=file][name=file]").expect("selector");
    let input = form.html().select(&accept).next().and_then(|i| i.value().attr("accept").map(str::to_owned));
    assert!(input.is_some_and(|a| a.contains(".pdf")));
}

#[tokio::test]
async fn the_command_line_imports_a_pdf_and_keeps_the_file() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let course = app.course(&teacher, &[]).await;
    let db = app.state.config.db.to_str().expect("utf-8 path").to_owned();
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("notes.pdf");
    std::fs::write(&file, fixture("footnotes.pdf")).expect("write");
    let file = file.to_str().expect("utf-8").to_owned();
    run(Cli::parse_from(["counterpoint", "--db", &db, "import", &file, "--course", &course.to_string()]))
        .await
        .expect("imported");
    let (id, title, text): (i64, String, String) =
        store::query_as("SELECT id, title, text FROM readings").fetch_one(&app.state.db).await.expect("reading");
    assert_eq!(title, "Notes on Notes", "the title in the file's metadata");
    assert!(text.ends_with("3 Stacy Closson, “One Bed, Different Dreams,” 2017."), "{text}");
    let (sha,): (String,) = store::query_as("SELECT sha256 FROM reading_originals WHERE reading_id = ?")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .expect("original");
    assert_eq!(sha, counterpoint::pdf::sha256_hex(&fixture("footnotes.pdf")));

    let scan = dir.path().join("scan.pdf");
    std::fs::write(&scan, fixture("scan.pdf")).expect("write");
    let scan = scan.to_str().expect("utf-8").to_owned();
    let refused = run(Cli::parse_from(["counterpoint", "--db", &db, "import", &scan, "--course", &course.to_string()]))
        .await
        .expect_err("a scan is refused");
    assert!(refused.to_string().contains("no text layer"), "{refused}");
}
