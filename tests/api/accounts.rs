//! Registering, signing in and out.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;
use counterpoint::db::store;

#[tokio::test]
async fn sign_in_sets_an_http_only_cookie_and_sign_out_ends_the_session() {
    let app = TestApp::new().await;
    let ana = app.user("ana").await;
    let browser = app.browser(&ana).await;
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text.contains("Your courses"));
    let out = browser.post_form("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.get("/").await.header("location"), "/login", "the old cookie no longer signs in");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::new().await;
    let ana = app.user("ana").await;
    let browser = app.browser(&ana).await;
    drop(browser);
    let mut answers = Vec::new();
    for form in
        [format!("email={}&password=wrong-password", ana.email), "email=nobody%40example.org&password=x".to_owned()]
    {
        let request = axum::http::Request::builder()
            .method("POST")
            .uri("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(form))
            .expect("request");
        let response = app.send(request).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.header("set-cookie").is_empty());
        let doc = response.html();
        let alert = doc.select(&scraper::Selector::parse("[role=alert]").expect("css")).next().expect("alert");
        answers.push(alert.text().collect::<String>());
    }
    assert_eq!(answers[0], answers[1]);
}

#[tokio::test]
async fn registration_refuses_short_passwords_and_taken_emails_in_any_case() {
    let app = TestApp::new().await;
    app.user("ana").await;
    let post = |form: String| {
        axum::http::Request::builder()
            .method("POST")
            .uri("/register")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(form))
            .expect("request")
    };
    let short = app.send(post("name=Bo&email=bo%40example.org&password=short".into())).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text.contains("at least 10 characters"));
    let taken =
        app.send(post(format!("name=Ana&email=ANA%40Example.org&password={}", PASSWORD.replace(' ', "+")))).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text.contains("already exists"));
    let fine = app.send(post(format!("name=Bo&email=bo%40example.org&password={}", PASSWORD.replace(' ', "+")))).await;
    assert_eq!(fine.status, StatusCode::SEE_OTHER);
    assert!(fine.header("set-cookie").contains("HttpOnly"));
    let (hashes,): (i64,) = store::query_as("SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(hashes, 2);
}

#[tokio::test]
async fn signing_in_again_gives_a_new_session_id_and_the_old_one_stops_working() {
    let app = TestApp::new().await;
    let ana = app.user("ana").await;
    let first = app.browser(&ana).await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/login")
        .header("cookie", &first.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!(
            "email={}&password={}&csrf={}",
            ana.email,
            PASSWORD.replace(' ', "+"),
            first.csrf
        )))
        .expect("request");
    let again = app.send(request).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let second = again.header("set-cookie").split(';').next().expect("cookie").to_owned();
    assert_ne!(second, first.cookie);
    assert_eq!(first.get("/").await.header("location"), "/login", "the fixated id is gone");
}

#[tokio::test]
async fn tokens_are_created_on_the_account_page_shown_once_and_revoked() {
    let app = TestApp::new().await;
    let ana = app.user("ana").await;
    let browser = app.browser(&ana).await;
    let created = browser.post_form("/account/tokens", &[("label", "grading script")]).await;
    assert_eq!(created.status, StatusCode::OK);
    let doc = created.html();
    let token = doc
        .select(&scraper::Selector::parse("[data-role=new-token]").expect("css"))
        .next()
        .expect("token")
        .text()
        .collect::<String>();
    let mut user = ana.clone();
    user.token = token.clone();
    assert_eq!(app.get("/api/courses/999", &user).await.status, StatusCode::NOT_FOUND, "the token signs in");
    let (stored,): (i64,) = store::query_as("SELECT count(*) FROM api_tokens WHERE token_hash = ?")
        .bind(&token)
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(stored, 0, "only a hash is stored");
    assert!(!browser.get("/account").await.text.contains(&token), "shown once");
    let (id,): (i64,) = store::query_as("SELECT id FROM api_tokens WHERE label = 'grading script'")
        .fetch_one(&app.state.db)
        .await
        .expect("id");
    assert_eq!(browser.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/api/courses/999", &user).await.status, StatusCode::UNAUTHORIZED, "a revoked token is refused");
    let bob = app.user("bob").await;
    let bob_browser = app.browser(&bob).await;
    assert_eq!(bob_browser.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_throttled_with_retry_after() {
    let app = TestApp::new().await;
    let ana = app.user("ana").await;
    let attempt = || {
        axum::http::Request::builder()
            .method("POST")
            .uri("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(format!("email={}&password=wrong-password", ana.email)))
            .expect("request")
    };
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(app.send(attempt()).await.status);
    }
    assert!(statuses[..10].iter().all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY), "{statuses:?}");
    let throttled = app.send(attempt()).await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.header("retry-after").parse::<u64>().is_ok_and(|s| s > 0));
    let right = axum::http::Request::builder()
        .method("POST")
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!("email={}&password={}", ana.email, PASSWORD.replace(' ', "+"))))
        .expect("request");
    assert_eq!(app.send(right).await.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
}

#[tokio::test]
async fn passwords_are_never_stored() {
    let app = TestApp::new().await;
    app.user("ana").await;
    let rows: Vec<(String,)> =
        store::query_as("SELECT password_hash FROM users").fetch_all(&app.state.db).await.expect("rows");
    assert!(rows.iter().all(|(hash,)| hash.starts_with("$argon2id$") && !hash.contains(PASSWORD)));
}
