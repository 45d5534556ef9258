//! The command line, run as a user would: the real binary on a temporary database.

use counterpoint::db::store;
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs the binary on `db` (a file or a URL) with `args`, `stdin` as its input.
pub(crate) fn counterpoint(db: impl AsRef<std::ffi::OsStr>, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_counterpoint"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("COUNTERPOINT_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write");
    child.wait_with_output().expect("output")
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn accounts_tokens_imports_and_exports_work_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("cli.db");
    let added = counterpoint(
        &db,
        &["user", "add", "--email", "ines@example.edu", "--name", "Ines", "--password-stdin"],
        "a long password\n",
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let token = counterpoint(&db, &["token", "create", "--email", "INES@example.edu"], "");
    assert!(token.status.success(), "{}", stderr(&token));
    let token = String::from_utf8(token.stdout).expect("utf-8");
    assert!(token.starts_with("cp_") && token.trim_end().lines().count() == 1, "the token alone on stdout: {token:?}");

    // A course to import into, made through the library on the same file.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let course = runtime.block_on(async {
        let pool = counterpoint::db::connect(&db).await.expect("db");
        let user =
            counterpoint::db::users::find_by_email(&pool, "ines@example.edu").await.expect("query").expect("user");
        let title = counterpoint::domain::Title::parse("Geopolitics").expect("title");
        counterpoint::db::courses::insert_course(&pool, &title, user.id).await.expect("course").id
    });
    let reading = dir.path().join("essay.md");
    std::fs::write(&reading, "# An essay\n\nWith *one* paragraph.").expect("write");
    let course_arg = course.to_string();
    let imported = counterpoint(&db, &["import", reading.to_str().expect("path"), "--course", &course_arg], "");
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert_eq!(String::from_utf8_lossy(&imported.stdout).trim(), "1", "prints the reading's id");
    let export = counterpoint(&db, &["export", "--course", &course_arg, "--format", "jsonld"], "");
    assert!(export.status.success(), "{}", stderr(&export));
    let collection: serde_json::Value = serde_json::from_slice(&export.stdout).expect("json");
    assert_eq!(collection["type"], "AnnotationCollection");

    let backup = dir.path().join("backup.db");
    let done = counterpoint(&db, &["backup", backup.to_str().expect("path")], "");
    assert!(done.status.success(), "{}", stderr(&done));
    let again = counterpoint(&backup, &["token", "create", "--email", "ines@example.edu"], "");
    assert!(again.status.success(), "the backup holds the accounts: {}", stderr(&again));
}

#[test]
fn mistakes_get_one_clear_line_and_a_failing_exit_code() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("cli.db");
    let add = ["user", "add", "--email", "ana@example.org", "--name", "Ana", "--password-stdin"];
    assert!(counterpoint(&db, &add, "a long password").status.success());
    let file = dir.path().join("notes.md");
    std::fs::write(&file, "text").expect("write");
    let existing = dir.path().join("exists.db");
    std::fs::write(&existing, "").expect("write");
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (add.to_vec(), "a long password", "already exists"),
        (
            vec!["user", "add", "--email", "bo@example.org", "--name", "Bo", "--password-stdin"],
            "short",
            "at least 10 characters",
        ),
        (vec!["token", "create", "--email", "nobody@example.org"], "", "no account"),
        (vec!["import", "/no/such/file.md", "--course", "1"], "", "cannot read"),
        (vec!["import", file.to_str().expect("path"), "--course", "99"], "", "no course has the id 99"),
        (vec!["import", "/etc/hostname", "--course", "1"], "", "use a .md, .txt, .html or .pdf file"),
        (vec!["export", "--course", "99", "--format", "jsonld"], "", "no course has the id 99"),
        (vec!["serve", "--bind", "not-an-address"], "", "is not an address"),
        (vec!["backup", existing.to_str().expect("path")], "", "already exists"),
    ];
    for (args, stdin, message) in cases {
        let output = counterpoint(&db, &args, stdin);
        let err = stderr(&output);
        assert!(!output.status.success(), "{args:?} should fail");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let unopenable =
        counterpoint(std::path::Path::new("/no/such/dir/x.db"), &["token", "create", "--email", "a@b.c"], "");
    assert!(!unopenable.status.success());
    assert!(stderr(&unopenable).contains("cannot open the database"), "{}", stderr(&unopenable));
}

#[test]
fn administrators_and_reset_links_come_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("cli.db");
    let added = counterpoint(
        &db,
        &["user", "add", "--email", "root@example.edu", "--name", "Root", "--password-stdin", "--admin"],
        "a long password\n",
    );
    assert!(added.status.success() && stderr(&added).contains("administrator"), "{}", stderr(&added));
    let plain = counterpoint(
        &db,
        &["user", "add", "--email", "ana@example.edu", "--name", "Ana", "--password-stdin"],
        "a long password\n",
    );
    assert!(plain.status.success(), "{}", stderr(&plain));
    let promoted = counterpoint(&db, &["user", "promote", "--email", "ana@example.edu", "--admin"], "");
    assert!(promoted.status.success(), "{}", stderr(&promoted));
    let unknown = counterpoint(&db, &["user", "promote", "--email", "nobody@example.edu", "--admin"], "");
    assert!(!unknown.status.success() && stderr(&unknown).contains("no account"));
    let link = counterpoint(
        &db,
        &["user", "reset-password", "--email", "ANA@example.edu", "--base-url", "https://cp.example.edu"],
        "",
    );
    assert!(link.status.success(), "{}", stderr(&link));
    let link = String::from_utf8(link.stdout).expect("utf-8");
    assert!(link.starts_with("https://cp.example.edu/reset/") && link.trim_end().lines().count() == 1, "{link:?}");
    let counts = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(async {
        let pool = counterpoint::db::connect(&db).await.expect("db");
        let (n,): (i64,) =
            store::query_as("SELECT count(*) FROM users WHERE is_admin = 1").fetch_one(&pool).await.expect("n");
        let (resets,): (i64,) =
            store::query_as("SELECT count(*) FROM password_resets").fetch_one(&pool).await.expect("n");
        (n, resets)
    });
    assert_eq!(counts, (2, 1), "two administrators and one reset link, stored hashed");
}
