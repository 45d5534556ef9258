//! The command line on PostgreSQL, run as a user would: refused while the backend is
//! experimental unless asked for, and then migrating a fresh database on first use and
//! keeping accounts, tokens and readings in it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn counterpoint(db: &str, experimental: bool, args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_counterpoint"));
    command.arg("--db").arg(db).args(args).env_remove("COUNTERPOINT_DB");
    command.env_remove(counterpoint::db::EXPERIMENTAL_POSTGRES);
    if experimental {
        command.env(counterpoint::db::EXPERIMENTAL_POSTGRES, "1");
    }
    let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write");
    child.wait_with_output().expect("output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn accounts_tokens_and_imports_run_on_postgresql_once_asked_for() {
    let Some(url) = counterpoint::fixtures::postgres_url() else { return };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let schema = runtime.block_on(counterpoint::fixtures::fresh_postgres_schema(&url)).expect("schema");
    let db = schema.url.as_str();
    let add = ["user", "add", "--email", "ines@example.edu", "--name", "Ines", "--password-stdin"];

    let refused = counterpoint(db, false, &add, "a long password\n");
    assert!(!refused.status.success(), "PostgreSQL is refused while experimental");
    assert!(stderr(&refused).contains("PostgreSQL is not ready for use yet"), "{}", stderr(&refused));

    let added = counterpoint(db, true, &add, "a long password\n");
    assert!(added.status.success(), "{}", stderr(&added));
    let again = counterpoint(db, true, &add, "a long password\n");
    assert!(!again.status.success(), "the same email twice is refused, as on SQLite");
    let token = counterpoint(db, true, &["token", "create", "--email", "INES@example.edu"], "");
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
    let imported = counterpoint(db, true, &["import", reading.to_str().expect("path"), "--course", &course_arg], "");
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert_eq!(String::from_utf8_lossy(&imported.stdout).trim(), "1", "prints the reading's id");

    // `export` does not run on PostgreSQL yet (the snapshot's JSON queries are SQLite's):
    // see migrations/postgres/README.md.

    let backup = dir.path().join("backup.db");
    let refused = counterpoint(db, true, &["backup", backup.to_str().expect("path")], "");
    assert!(!refused.status.success() && stderr(&refused).contains("pg_dump"), "{}", stderr(&refused));
    assert!(!backup.exists());
}
