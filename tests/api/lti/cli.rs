//! `counterpoint lti register|list|remove|rotate-key`, run as an administrator would.

use serde_json::Value;
use std::process::{Command, Output};

fn counterpoint(db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_counterpoint"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("COUNTERPOINT_DB")
        .env_remove("COUNTERPOINT_BASE_URL")
        .output()
        .expect("run")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn platforms_are_registered_listed_and_removed_and_the_key_rotates() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("lti.db");
    let register = [
        "lti",
        "register",
        "--issuer",
        "https://canvas.instructure.com",
        "--client-id",
        "10000000000001",
        "--deployment-id",
        "1:abc",
        "--auth-url",
        "https://sso.canvaslms.com/api/lti/authorize_redirect",
        "--jwks-url",
        "https://sso.canvaslms.com/api/lti/security/jwks",
        "--token-url",
        "https://sso.canvaslms.com/login/oauth2/token",
        "--base-url",
        "https://cp.example.edu",
    ];
    let registered = counterpoint(&db, &register);
    assert!(registered.status.success(), "{}", text(&registered.stderr));
    let printed = text(&registered.stdout);
    for url in [
        "https://cp.example.edu/lti/login",
        "https://cp.example.edu/lti/launch",
        "https://cp.example.edu/lti/jwks.json",
    ] {
        assert!(printed.contains(url), "{url} in {printed}");
    }
    let mut second = register.to_vec();
    second[7] = "2:def";
    assert!(counterpoint(&db, &second).status.success(), "a second deployment");
    let listed = text(&counterpoint(&db, &["lti", "list"]).stdout);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("1:abc,2:def") || listed.contains("2:def,1:abc"), "{listed}");

    let bad = counterpoint(
        &db,
        &[
            "lti",
            "register",
            "--issuer",
            "x",
            "--client-id",
            "c",
            "--deployment-id",
            "d",
            "--auth-url",
            "not a url",
            "--jwks-url",
            "https://a/j",
            "--token-url",
            "https://a/t",
        ],
    );
    assert!(!bad.status.success() && text(&bad.stderr).contains("--auth-url"), "{}", text(&bad.stderr));

    // The key made at registration; a rotation adds one that signs, the old one stays published.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let jwks = |db: &std::path::Path| -> Value {
        runtime.block_on(async {
            let pool = counterpoint::db::connect(db).await.expect("db");
            counterpoint::lti::keys::jwks(&pool).await.expect("jwks")
        })
    };
    assert_eq!(jwks(&db)["keys"].as_array().map(Vec::len), Some(1));
    let rotated = counterpoint(&db, &["lti", "rotate-key"]);
    assert!(rotated.status.success(), "{}", text(&rotated.stderr));
    let kid = text(&rotated.stdout).trim().to_owned();
    let keys = jwks(&db);
    assert_eq!(keys["keys"].as_array().map(Vec::len), Some(2));
    assert!(keys["keys"].as_array().is_some_and(|k| k.iter().any(|k| k["kid"] == kid.as_str())));

    let id = listed.split('\t').next().expect("id").to_owned();
    assert!(counterpoint(&db, &["lti", "remove", &id]).status.success());
    assert!(!counterpoint(&db, &["lti", "remove", &id]).status.success(), "already gone");
    assert!(text(&counterpoint(&db, &["lti", "list"]).stdout).is_empty());
}
