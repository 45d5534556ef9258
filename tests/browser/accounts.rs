//! Accounts in Chromium: "forgot password" through a local SMTP sink, the
//! mailed link, a new password, signing in with it; and the account pages
//! (account, administrator, forgot, reset) checked with axe-core.

use crate::accessibility::serious_violations;
use crate::harness::{Suite, click, type_into, wait_until};
use crate::support::TestApp;
use counterpoint::db::store;
use std::time::Duration;

#[path = "../common/smtp_sink.rs"]
mod smtp_sink;

const NEW_PASSWORD: &str = "a brand new long password";

pub async fn forgot_password_by_mail_then_sign_in(suite: &Suite) {
    let sink = smtp_sink::SmtpSink::start();
    // This scenario's own server: its mailed links must carry its own address.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let app = TestApp::with_config(|config| {
        config.smtp_url = Some(sink.url());
        config.base_url = Some(base.clone());
    })
    .await;
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let ana = app.user("forgetful-ana").await;
    let admin = app.user("site-admin").await;
    let (admin_id,): (i64,) = store::query_as("SELECT id FROM users WHERE email = ?")
        .bind(&admin.email)
        .fetch_one(&app.state.db)
        .await
        .expect("id");
    counterpoint::db::users::set_admin(&app.state.db, admin_id, true).await.expect("admin");
    let mut report = Vec::new();

    let client = suite.browser("forgetful").await;
    client.goto(&format!("{base}/login")).await.expect("login page");
    click(&client, "a[href='/forgot']").await;
    wait_until(&client, "location.pathname === '/forgot'").await;
    report.push(("forgot", serious_violations(&client).await));
    type_into(&client, "input[name=email]", &ana.email).await;
    click(&client, "form[action='/forgot'] button[type=submit]").await;
    wait_until(&client, "document.querySelector('.notice[role=status]') !== null").await;
    let mail = sink.wait_for(&ana.email, Duration::from_secs(20)).await.expect("the reset mail reached the sink");
    let link = mail.split_whitespace().find(|w| w.starts_with(&format!("{base}/reset/"))).expect("a link").to_owned();
    client.goto(&link).await.expect("reset page");
    report.push(("reset", serious_violations(&client).await));
    type_into(&client, "input[name=password]", NEW_PASSWORD).await;
    click(&client, "form button[type=submit]").await;
    wait_until(&client, "location.pathname === '/login' && document.querySelector('.notice') !== null").await;
    type_into(&client, "input[name=email]", &ana.email).await;
    type_into(&client, "input[name=password]", NEW_PASSWORD).await;
    click(&client, "form[action='/login'] button[type=submit]").await;
    wait_until(&client, "document.querySelector('form[action=\"/logout\"]') !== null").await;
    client.goto(&format!("{base}/account")).await.expect("account page");
    report.push(("account", serious_violations(&client).await));
    client.close().await.ok();

    let admin_client = suite.browser("site-admin").await;
    admin_client.goto(&format!("{base}/login")).await.expect("login page");
    type_into(&admin_client, "input[name=email]", &admin.email).await;
    type_into(&admin_client, "input[name=password]", crate::support::PASSWORD).await;
    click(&admin_client, "form[action='/login'] button[type=submit]").await;
    wait_until(&admin_client, "document.querySelector('form[action=\"/logout\"]') !== null").await;
    admin_client.goto(&format!("{base}/admin")).await.expect("admin page");
    wait_until(&admin_client, "document.querySelectorAll('table.accounts tbody tr').length === 2").await;
    report.push(("admin", serious_violations(&admin_client).await));
    admin_client.close().await.ok();
    let failures: Vec<_> = report.into_iter().filter(|(_, found)| !found.is_empty()).collect();
    assert!(failures.is_empty(), "axe found serious or critical violations: {failures:#?}");
}
