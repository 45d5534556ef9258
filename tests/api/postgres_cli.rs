//! The command line on PostgreSQL, run as a user would: the binary migrates a fresh
//! database on first use and keeps accounts, tokens, readings and annotations in it;
//! the SQLite file commands (`backup`, `restore`) refuse it and name PostgreSQL's tools.
//! (The API suite runs the other commands in process on PostgreSQL too: `api_postgres`.)

use crate::cli::{counterpoint, stderr};
use serde_json::json;

#[test]
fn every_command_runs_on_postgresql_and_the_sqlite_file_commands_refuse_it() {
    let Some(url) = counterpoint::fixtures::postgres_url() else { return };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let schema = runtime.block_on(counterpoint::fixtures::fresh_postgres_schema(&url)).expect("schema");
    let db = schema.url.as_str();
    let add = ["user", "add", "--email", "ines@example.edu", "--name", "Ines", "--password-stdin"];

    let added = counterpoint(db, &add, "a long password\n");
    assert!(added.status.success(), "{}", stderr(&added));
    let again = counterpoint(db, &add, "a long password\n");
    assert!(!again.status.success(), "the same email twice is refused, as on SQLite");
    let token = counterpoint(db, &["token", "create", "--email", "INES@example.edu"], "");
    assert!(token.status.success(), "{}", stderr(&token));
    let token = String::from_utf8(token.stdout).expect("utf-8");
    assert!(token.starts_with("cp_") && token.trim_end().lines().count() == 1, "the token alone on stdout: {token:?}");

    let course = runtime.block_on(async {
        let pool = counterpoint::db::connect_postgres(db).await.expect("db");
        let user =
            counterpoint::db::users::find_by_email(&pool, "ines@example.edu").await.expect("query").expect("user");
        let title = counterpoint::domain::Title::parse("Geopolitics").expect("title");
        counterpoint::db::courses::insert_course(&pool, &title, user.id).await.expect("course").id
    });
    let dir = tempfile::tempdir().expect("dir");
    let reading = dir.path().join("essay.md");
    std::fs::write(&reading, "# An essay\n\nWith *one* paragraph.").expect("write");
    let course_arg = course.to_string();
    let imported = counterpoint(db, &["import", reading.to_str().expect("path"), "--course", &course_arg], "");
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert_eq!(String::from_utf8_lossy(&imported.stdout).trim(), "1", "prints the reading's id");

    let promoted = counterpoint(db, &["user", "promote", "--email", "ines@example.edu", "--admin"], "");
    assert!(promoted.status.success(), "{}", stderr(&promoted));
    let link = counterpoint(db, &["user", "reset-password", "--email", "ines@example.edu"], "");
    assert!(String::from_utf8_lossy(&link.stdout).contains("/reset/"), "{}", stderr(&link));

    let file = dir.path().join("annotations.jsonld");
    let items = json!([{"type": "Annotation", "bodyValue": "Which paragraph?",
                        "target": {"selector": {"type": "TextQuoteSelector", "exact": "one"}}}]);
    std::fs::write(&file, items.to_string()).expect("write");
    let as_ines = ["import-annotations", file.to_str().expect("path"), "--reading", "1", "--as", "ines@example.edu"];
    let imported = counterpoint(db, &as_ines, "");
    assert!(imported.status.success(), "{}", stderr(&imported));
    let exported = counterpoint(db, &["export", "--course", &course_arg, "--format", "jsonld"], "");
    assert!(exported.status.success(), "{}", stderr(&exported));
    let exported: serde_json::Value = serde_json::from_slice(&exported.stdout).expect("JSON-LD");
    assert!(exported.to_string().contains("Which paragraph?"), "the imported annotation is exported: {exported}");
    let csv = counterpoint(db, &["export", "--course", &course_arg, "--format", "csv"], "");
    assert!(String::from_utf8_lossy(&csv.stdout).contains("Which paragraph?"), "{}", stderr(&csv));

    let lti = [
        "lti",
        "register",
        "--issuer",
        "https://lms.example.edu",
        "--client-id",
        "cp",
        "--deployment-id",
        "d1",
        "--auth-url",
        "https://lms.example.edu/auth",
        "--jwks-url",
        "https://lms.example.edu/jwks",
        "--token-url",
        "https://lms.example.edu/token",
    ];
    let registered = counterpoint(db, &lti, "");
    assert!(registered.status.success(), "{}", stderr(&registered));
    let listed = counterpoint(db, &["lti", "list"], "");
    assert!(String::from_utf8_lossy(&listed.stdout).contains("https://lms.example.edu"), "{}", stderr(&listed));

    let backup = dir.path().join("backup.db");
    let refused = counterpoint(db, &["backup", backup.to_str().expect("path")], "");
    assert!(!refused.status.success() && stderr(&refused).contains("pg_dump"), "{}", stderr(&refused));
    assert!(!backup.exists());
    std::fs::write(&backup, "not a database").expect("write");
    let refused = counterpoint(db, &["restore", backup.to_str().expect("path")], "");
    assert!(!refused.status.success() && stderr(&refused).contains("pg_restore"), "{}", stderr(&refused));
}
