//! Registering, signing in and out.

use crate::support::{PASSWORD, TestApp};
use axum::http::StatusCode;

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
    let (hashes,): (i64,) = sqlx::query_as("SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(hashes, 2);
}
