//! The hostile-input suite: each row is a request a careless or malicious client
//! might send, and the 4xx it must get. Afterwards nothing has changed.

use crate::support::{TestApp, TestUser};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use counterpoint::db::store;
use serde_json::{Value, json};

const BAD_REQUEST: StatusCode = StatusCode::BAD_REQUEST;
const UNAUTHORIZED: StatusCode = StatusCode::UNAUTHORIZED;
const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;
const NOT_FOUND: StatusCode = StatusCode::NOT_FOUND;
const TOO_LARGE: StatusCode = StatusCode::PAYLOAD_TOO_LARGE;
const UNSUPPORTED: StatusCode = StatusCode::UNSUPPORTED_MEDIA_TYPE;
const INVALID: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

fn api(method: &str, path: &str, token: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "counterpoint.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .expect("request")
}

fn get(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::builder().uri(path).header(header::HOST, "counterpoint.test");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).expect("request")
}

fn form(path: &str, cookie: &str, body: impl Into<Body>, extra: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::builder()
        .method("POST")
        .uri(path)
        .header(header::HOST, "counterpoint.test")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.body(body.into()).expect("request")
}

fn annotation(selector: &Value, extra: &Value) -> String {
    let mut body = json!({"type": "Annotation", "body": [{"purpose": "classifying", "value": "claim"}],
                          "target": {"selector": selector}});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    body.to_string()
}

fn position(start: &Value, end: &Value) -> Value {
    json!({"type": "TextPositionSelector", "start": start, "end": end})
}

async fn counts(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "users",
        "courses",
        "memberships",
        "readings",
        "annotations",
        "links",
        "replies",
        "api_tokens",
        "password_resets",
        "sessions",
    ] {
        let (n,): (i64,) =
            store::query_as(format!("SELECT count(*) FROM {table}")).fetch_one(&app.state.db).await.expect("count");
        out.push(n);
    }
    out
}

#[tokio::test]
#[allow(clippy::too_many_lines)] // one table, read top to bottom
async fn hostile_requests_get_a_clear_4xx_and_change_nothing() {
    let app = TestApp::new().await;
    let teacher = app.user("teacher").await;
    let (ana, stranger) = (app.user("ana").await, app.user("stranger").await);
    let course = app.course(&teacher, &[&ana]).await;
    let other_course = app.course(&stranger, &[]).await;
    let reading = app.reading(course, &teacher, "text", "A claim worth checking. Another sentence follows here.").await;
    let other_reading = app.reading(other_course, &stranger, "text", "Elsewhere entirely.").await;
    let claim = app.annotation(reading, &ana, "claim", "A claim", json!({})).await;
    let private = app.annotation(reading, &ana, "note", "Another sentence", json!({"visibility": "private"})).await;
    let foreign = app.annotation(other_reading, &stranger, "claim", "Elsewhere", json!({})).await;
    let revoked = TestUser {
        token: counterpoint::accounts::create_token(&app.state.db, 1, "old").await.expect("token"),
        ..teacher.clone()
    };
    store::query("UPDATE api_tokens SET revoked_at = '2026-01-01T00:00:00.000Z' WHERE label = 'old'")
        .execute(&app.state.db)
        .await
        .expect("revoke");
    let browser = app.browser(&ana).await;
    let expired = app.browser(&teacher).await;
    let id_of = |user: &TestUser| {
        let db = app.state.db.clone();
        let email = user.email.clone();
        async move {
            let (id,): (i64,) =
                store::query_as("SELECT id FROM users WHERE email = ?").bind(email).fetch_one(&db).await.expect("id");
            id
        }
    };
    let (ana_id, stranger_id) = (id_of(&ana).await, id_of(&stranger).await);
    store::query("UPDATE sessions SET last_seen_at = '2020-01-01T00:00:00.000Z' WHERE user_id = (SELECT id FROM users WHERE email = ?)")
        .bind(&teacher.email)
        .execute(&app.state.db)
        .await
        .expect("expire");

    let t = teacher.token.as_str();
    let a = ana.token.as_str();
    let container = format!("/api/readings/{reading}/annotations/");
    let quote = |exact: &str| json!({"type": "TextQuoteSelector", "exact": exact});
    let ok_quote = quote("worth checking");
    let no_extra = json!({});
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_object = format!("{{\"body\": {}1{}}}", "{\"a\":".repeat(5_000), "}".repeat(5_000));
    let link = |to: &str| json!({"body": [{"purpose": "classifying", "value": "counterargument"}, {"purpose": "linking", "source": to}]});
    let script = "<script>alert(1)</script>";
    let huge = "x".repeat(5 * 1024 * 1024);

    let rows: Vec<(&str, Request<Body>, StatusCode)> = vec![
        ("malformed JSON", api("POST", &container, t, "{"), BAD_REQUEST),
        ("truncated JSON", api("POST", &container, t, "{\"body\":"), BAD_REQUEST),
        ("trailing garbage", api("POST", &container, t, "{} x"), BAD_REQUEST),
        ("empty body", api("POST", &container, t, ""), BAD_REQUEST),
        ("deeply nested arrays", api("POST", &container, t, deep_json), BAD_REQUEST),
        ("deeply nested objects", api("POST", &container, t, deep_object), BAD_REQUEST),
        ("invalid UTF-8", api("POST", &container, t, vec![b'{', 0xff, 0xfe, b'}']), BAD_REQUEST),
        ("null annotation", api("POST", &container, t, "null"), INVALID),
        ("annotation is a string", api("POST", &container, t, "\"claim\""), INVALID),
        ("target is a number", api("POST", &container, t, "{\"target\": 7}"), INVALID),
        (
            "offset as a string",
            api("POST", &container, t, annotation(&position(&json!("0"), &json!(5)), &no_extra)),
            INVALID,
        ),
        (
            "negative offset",
            api("POST", &container, t, annotation(&position(&json!(-1), &json!(5)), &no_extra)),
            INVALID,
        ),
        (
            "fractional offset",
            api("POST", &container, t, annotation(&position(&json!(1.5), &json!(5)), &no_extra)),
            INVALID,
        ),
        (
            "offset of 1e30",
            api("POST", &container, t, annotation(&position(&json!(1e30), &json!(1e31)), &no_extra)),
            INVALID,
        ),
        (
            "reversed offsets",
            api("POST", &container, t, annotation(&position(&json!(9), &json!(2)), &no_extra)),
            INVALID,
        ),
        (
            "offsets past the text",
            api("POST", &container, t, annotation(&position(&json!(2), &json!(9_999)), &no_extra)),
            INVALID,
        ),
        (
            "offset u64::MAX",
            api("POST", &container, t, annotation(&position(&json!(0), &json!(u64::MAX)), &no_extra)),
            INVALID,
        ),
        ("empty range", api("POST", &container, t, annotation(&position(&json!(3), &json!(3)), &no_extra)), INVALID),
        ("quote with NUL", api("POST", &container, t, annotation(&quote("A\u{0}claim"), &no_extra)), INVALID),
        (
            "a quote longer than the longest passage",
            api("POST", &container, t, annotation(&quote(&"A claim ".repeat(20_000)), &no_extra)),
            INVALID,
        ),
        (
            "a prefix of 100,000 characters",
            api(
                "POST",
                &container,
                t,
                annotation(
                    &json!({"type": "TextQuoteSelector", "exact": "e", "prefix": "e".repeat(100_000)}),
                    &no_extra,
                ),
            ),
            INVALID,
        ),
        (
            "SQL in a quote",
            api("POST", &container, t, annotation(&quote("'; DROP TABLE annotations; --"), &no_extra)),
            INVALID,
        ),
        ("5 MB comment", api("POST", &container, t, annotation(&ok_quote, &json!({"bodyValue": huge}))), TOO_LARGE),
        (
            "comment over the limit",
            api("POST", &container, t, annotation(&ok_quote, &json!({"bodyValue": "y".repeat(10_001)}))),
            INVALID,
        ),
        (
            "NUL in a comment",
            api("POST", &container, t, annotation(&ok_quote, &json!({"bodyValue": "a\u{0}b"}))),
            INVALID,
        ),
        (
            "unknown kind",
            api(
                "POST",
                &container,
                t,
                annotation(&ok_quote, &json!({"body": {"purpose": "classifying", "value": "<b>rant</b>"}})),
            ),
            INVALID,
        ),
        (
            "unknown visibility",
            api("POST", &container, t, annotation(&ok_quote, &json!({"visibility": "public'--"}))),
            INVALID,
        ),
        (
            "link to an unknown id",
            api("POST", &container, t, annotation(&ok_quote, &link("00000000-0000-4000-8000-000000000000"))),
            INVALID,
        ),
        ("link into another course", api("POST", &container, t, annotation(&ok_quote, &link(&foreign))), INVALID),
        ("link to a hidden annotation", api("POST", &container, t, annotation(&ok_quote, &link(&private))), INVALID),
        (
            "another reading's IRI",
            api(
                "POST",
                &container,
                t,
                annotation(
                    &ok_quote,
                    &json!({"target": {"source": format!("http://x/readings/{other_reading}"), "selector": ok_quote}}),
                ),
            ),
            INVALID,
        ),
        (
            "text/plain body",
            Request::builder()
                .method("POST")
                .uri(&container)
                .header(header::AUTHORIZATION, format!("Bearer {t}"))
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("{}"))
                .expect("request"),
            UNSUPPORTED,
        ),
        ("course title empty", api("POST", "/api/courses", t, "{\"title\": \"  \"}"), INVALID),
        (
            "course title too long",
            api("POST", "/api/courses", t, json!({"title": "t".repeat(201)}).to_string()),
            INVALID,
        ),
        ("course title with NUL", api("POST", "/api/courses", t, json!({"title": "a\u{0}b"}).to_string()), INVALID),
        ("course title a number", api("POST", "/api/courses", t, "{\"title\": 7}"), INVALID),
        ("course without a title", api("POST", "/api/courses", t, "{}"), INVALID),
        (
            "SQL as a join code",
            api("POST", "/api/courses/join", a, json!({"join_code": "' OR 1=1 --"}).to_string()),
            INVALID,
        ),
        ("join code a number", api("POST", "/api/courses/join", a, "{\"join_code\": 12345678}"), INVALID),
        (
            "unknown reading format",
            api(
                "POST",
                &format!("/api/courses/{course}/readings"),
                t,
                json!({"title": "T", "format": "docx", "source": "x"}).to_string(),
            ),
            INVALID,
        ),
        (
            "oversized reading",
            api(
                "POST",
                &format!("/api/courses/{course}/readings"),
                t,
                json!({"title": "T", "format": "text", "source": "z".repeat(2 * 1024 * 1024 + 10)}).to_string(),
            ),
            TOO_LARGE,
        ),
        (
            "HTML nested too deeply",
            api(
                "POST",
                &format!("/api/courses/{course}/readings"),
                t,
                json!({"title": "T", "format": "html", "source": "<div>".repeat(20_000)}).to_string(),
            ),
            INVALID,
        ),
        (
            "reading in a course one is not in",
            api(
                "POST",
                &format!("/api/courses/{other_course}/readings"),
                t,
                json!({"title": "T", "format": "text", "source": "x"}).to_string(),
            ),
            NOT_FOUND,
        ),
        (
            "student adds a reading",
            api(
                "POST",
                &format!("/api/courses/{course}/readings"),
                a,
                json!({"title": "T", "format": "text", "source": "x"}).to_string(),
            ),
            FORBIDDEN,
        ),
        ("negative reading id", api("GET", "/api/readings/-1", t, ""), NOT_FOUND),
        ("reading id past i64", api("GET", "/api/readings/99999999999999999999", t, ""), NOT_FOUND),
        ("annotation of another course", api("GET", &format!("/api/annotations/{foreign}"), t, ""), NOT_FOUND),
        ("a classmate's private note", api("GET", &format!("/api/annotations/{private}"), t, ""), NOT_FOUND),
        ("traversal in an annotation id", api("GET", "/api/annotations/..%2F..%2Fetc%2Fpasswd", t, ""), NOT_FOUND),
        (
            "someone else's annotation changed",
            api("PUT", &format!("/api/annotations/{claim}"), t, annotation(&quote("A claim"), &no_extra)),
            FORBIDDEN,
        ),
        (
            "an unknown annotation deleted",
            api("DELETE", "/api/annotations/00000000-0000-4000-8000-000000000000", t, ""),
            NOT_FOUND,
        ),
        (
            "reply to an invisible annotation",
            api("POST", &format!("/api/annotations/{private}/replies"), t, "{\"text\": \"hi\"}"),
            NOT_FOUND,
        ),
        (
            "reply of the wrong type",
            api("POST", &format!("/api/annotations/{claim}/replies"), t, "{\"text\": [1]}"),
            INVALID,
        ),
        ("static traversal", get("/static/../Cargo.toml", &[]), NOT_FOUND),
        ("static traversal, encoded dots", get("/static/%2e%2e/Cargo.toml", &[]), NOT_FOUND),
        ("static traversal, encoded slash", get("/static/..%2fCargo.toml", &[]), NOT_FOUND),
        ("static traversal to /etc", get("/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", &[]), NOT_FOUND),
        ("forged token", get("/api/courses/1", &[("authorization", "Bearer cp_forged")]), UNAUTHORIZED),
        ("revoked token", api("GET", &format!("/api/courses/{course}"), &revoked.token, ""), UNAUTHORIZED),
        ("basic auth", get("/api/courses/1", &[("authorization", "Basic YTpi")]), UNAUTHORIZED),
        (
            "expired session on the API",
            get(&format!("/api/courses/{course}"), &[("cookie", &expired.cookie)]),
            UNAUTHORIZED,
        ),
        ("forged CSRF token", form("/courses", &browser.cookie, "title=Forged&csrf=forged", &[]), FORBIDDEN),
        (
            "JSON with the cookie and no CSRF header",
            Request::builder()
                .method("POST")
                .uri("/api/courses")
                .header(header::COOKIE, &browser.cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"title\": \"x\"}"))
                .expect("request"),
            FORBIDDEN,
        ),
        (
            "cross-site form",
            form(
                "/courses",
                &browser.cookie,
                format!("title=x&csrf={}", browser.csrf),
                &[("origin", "https://evil.example")],
            ),
            FORBIDDEN,
        ),
        (
            "cross-site fetch metadata",
            form(
                "/courses",
                &browser.cookie,
                format!("title=x&csrf={}", browser.csrf),
                &[("sec-fetch-site", "cross-site")],
            ),
            FORBIDDEN,
        ),
        (
            "a script as a kind in the form",
            form(
                &format!("/readings/{reading}"),
                &browser.cookie,
                format!("kind={script}&quote=A+claim&csrf={}", browser.csrf),
                &[],
            ),
            INVALID,
        ),
        (
            "a quote not in the text in the form",
            form(
                &format!("/readings/{reading}"),
                &browser.cookie,
                format!("kind=claim&quote=%27%3B+DROP+TABLE+x&csrf={}", browser.csrf),
                &[],
            ),
            INVALID,
        ),
        ("a form missing its fields", form("/login", "", "email=x", &[]), INVALID),
        (
            "a 5 MB form",
            form("/register", "", format!("name={huge}&email=a%40b.c&password=xxxxxxxxxxxx"), &[]),
            TOO_LARGE,
        ),
        // Accounts (issue 24): nobody changes, resets, administers or deletes what is not theirs.
        (
            "a reset link for a student of another course",
            api("POST", &format!("/api/courses/{other_course}/members/{ana_id}/reset-link"), t, "{}"),
            NOT_FOUND,
        ),
        (
            "a reset link for a stranger to the course",
            api("POST", &format!("/api/courses/{course}/members/{stranger_id}/reset-link"), t, "{}"),
            NOT_FOUND,
        ),
        (
            "a student asks for a classmate's reset link",
            api("POST", &format!("/api/courses/{course}/members/{ana_id}/reset-link"), a, "{}"),
            FORBIDDEN,
        ),
        (
            "a made-up reset token",
            form("/reset/not-a-real-token", "", "password=a+long+enough+password", &[]),
            StatusCode::GONE,
        ),
        (
            "a reset token of 100 KB",
            form(&format!("/reset/{}", "t".repeat(10_000)), "", "password=a+long+enough+password", &[]),
            StatusCode::GONE,
        ),
        ("a student lists accounts", api("GET", "/api/admin/users", a, ""), NOT_FOUND),
        (
            "a student disables an account",
            api("POST", &format!("/api/admin/users/{stranger_id}/disable"), a, ""),
            NOT_FOUND,
        ),
        (
            "a student creates an account as administrator",
            api("POST", "/api/admin/users", a, r#"{"email":"x@y.org","name":"X","password":"a long enough password"}"#),
            NOT_FOUND,
        ),
        ("the account export without signing in", get("/api/account/export", &[]), UNAUTHORIZED),
        (
            "a password change with a wrong current one",
            form(
                "/account/password",
                &browser.cookie,
                format!("current=wrong&password=a+long+enough+password&csrf={}", browser.csrf),
                &[],
            ),
            INVALID,
        ),
        (
            "a password change without the CSRF token",
            form("/account/password", &browser.cookie, "current=x&password=a+long+enough+password", &[]),
            FORBIDDEN,
        ),
        (
            "deleting an account with a wrong password",
            form(
                "/account/delete",
                &browser.cookie,
                format!("password=wrong&confirm=delete&csrf={}", browser.csrf),
                &[],
            ),
            INVALID,
        ),
        (
            "deleting an account without the word",
            form(
                "/account/delete",
                &browser.cookie,
                format!("password=a+long+enough+password&confirm=yes&csrf={}", browser.csrf),
                &[],
            ),
            INVALID,
        ),
        (
            "deleting an account without the CSRF token",
            form("/account/delete", &browser.cookie, "password=a+long+enough+password&confirm=delete", &[]),
            FORBIDDEN,
        ),
        ("forgot password where no mail is sent", form("/forgot", "", "email=ana%40example.org", &[]), NOT_FOUND),
    ];
    assert!(rows.len() >= 50, "{} rows", rows.len());
    let before = counts(&app).await;
    for (what, request, status) in rows {
        let is_api = request.uri().path().starts_with("/api");
        let response = app.send(request).await;
        assert_eq!(response.status, status, "{what}: {}", &response.text.chars().take(300).collect::<String>());
        if is_api {
            let error =
                serde_json::from_str::<Value>(&response.text).ok().and_then(|v| v["error"].as_str().map(str::to_owned));
            assert!(error.is_some_and(|e| !e.is_empty()), "{what}: a JSON error, got {}", response.text);
        }
    }
    assert_eq!(counts(&app).await, before, "nothing changed");
}
