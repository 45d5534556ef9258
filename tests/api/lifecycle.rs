//! Accounts for a real term (issue 24): changing and resetting passwords,
//! registration policy, a site administrator, and leaving with one's work.

use crate::support::{Browser, PASSWORD, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use counterpoint::db::store;
use serde_json::{Value, json};
use std::time::Duration;

#[path = "../common/smtp_sink.rs"]
mod smtp_sink;

const ESSAY: &str = "Russia and China are partners, not allies. Critics call it a marriage of convenience.";
const NEW_PASSWORD: &str = "an even longer new password";

fn form(path: &str, fields: &[(&str, &str)]) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(path)
        .header(header::HOST, "counterpoint.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(fields).expect("form")))
        .expect("request")
}

async fn signs_in(app: &TestApp, email: &str, password: &str) -> StatusCode {
    app.send(form("/login", &[("email", email), ("password", password)])).await.status
}

async fn still_signed_in(browser: &Browser<'_>) -> bool {
    browser.get("/account").await.status == StatusCode::OK
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_the_other_sessions() {
    let app = TestApp::new().await;
    let ana = app.user("ana").await;
    let here = app.browser(&ana).await;
    let elsewhere = app.browser(&ana).await;
    let wrong = here.post_form("/account/password", &[("current", "not it at all"), ("password", NEW_PASSWORD)]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text.contains("current password"));
    assert_eq!(signs_in(&app, &ana.email, PASSWORD).await, StatusCode::SEE_OTHER, "nothing changed");
    let short = here.post_form("/account/password", &[("current", PASSWORD), ("password", "short")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let changed = here.post_form("/account/password", &[("current", PASSWORD), ("password", NEW_PASSWORD)]).await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    assert!(still_signed_in(&here).await, "the session that changed it stays");
    assert!(!still_signed_in(&elsewhere).await, "every other session ends");
    assert_eq!(signs_in(&app, &ana.email, PASSWORD).await, StatusCode::UNPROCESSABLE_ENTITY, "the old one stops");
    assert_eq!(signs_in(&app, &ana.email, NEW_PASSWORD).await, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_instructor_makes_a_one_time_reset_link_for_a_student_of_their_course_only() {
    let app = TestApp::new().await;
    let (teacher, co_teacher, ana, stranger) =
        (app.user("teacher").await, app.user("co").await, app.user("ana").await, app.user("stranger").await);
    let course = app.course(&teacher, &[&ana, &co_teacher]).await;
    let (ana_id, co_id, stranger_id) =
        (app.user_id(&ana).await, app.user_id(&co_teacher).await, app.user_id(&stranger).await);
    let browser = app.browser(&teacher).await;
    browser.post_form(&format!("/courses/{course}/members/{co_id}/promote"), &[]).await;
    let link_for = |who: i64| format!("/api/courses/{course}/members/{who}/reset-link");
    assert_eq!(app.post(&link_for(stranger_id), &teacher, json!({})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.post(&link_for(co_id), &teacher, json!({})).await.status, StatusCode::NOT_FOUND, "not instructors");
    assert_eq!(app.post(&link_for(ana_id), &ana, json!({})).await.status, StatusCode::FORBIDDEN, "not students");
    assert_eq!(app.post(&link_for(ana_id), &stranger, json!({})).await.status, StatusCode::NOT_FOUND);
    let from_page = browser.post_form(&format!("/courses/{course}/members/{ana_id}/reset-link"), &[]).await;
    assert_eq!(from_page.status, StatusCode::OK, "the member list's button shows a link");
    let shown = scraper::Selector::parse("[data-role=reset-link]").expect("css");
    let shown: String = from_page.html().select(&shown).flat_map(|e| e.text()).collect();
    assert!(shown.starts_with("http://counterpoint.test/reset/"), "{shown}");
    let not_for_instructors = browser.post_form(&format!("/courses/{course}/members/{co_id}/reset-link"), &[]).await;
    assert_eq!(not_for_instructors.status, StatusCode::NOT_FOUND);
    let made = app.post(&link_for(ana_id), &teacher, json!({})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let link = made.json()["link"].as_str().expect("link").to_owned();
    let path = link.strip_prefix("http://counterpoint.test").expect("on this server").to_owned();
    let ana_browser = app.browser(&ana).await;
    assert_eq!(app.send(get(&path)).await.status, StatusCode::OK);
    let short = app.send(form(&path, &[("password", "short")])).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = app.send(form(&path, &[("password", NEW_PASSWORD)])).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.header("location"), "/login?reset=done");
    assert!(!still_signed_in(&ana_browser).await, "her sessions ended");
    assert_eq!(signs_in(&app, &ana.email, NEW_PASSWORD).await, StatusCode::SEE_OTHER);
    assert_eq!(app.send(get(&path)).await.status, StatusCode::GONE, "used once");
    assert_eq!(app.send(form(&path, &[("password", "yet another long password")])).await.status, StatusCode::GONE);
    assert_eq!(signs_in(&app, &ana.email, NEW_PASSWORD).await, StatusCode::SEE_OTHER, "a spent link changed nothing");
}

#[tokio::test]
async fn an_expired_or_unknown_reset_link_is_refused() {
    let app = TestApp::new().await;
    let ana = app.user("ana").await;
    let (link, _) =
        counterpoint::accounts::reset_link(&app.state.db, app.user_id(&ana).await, "http://x").await.expect("link");
    let path = link.strip_prefix("http://x").expect("path").to_owned();
    store::query("UPDATE password_resets SET expires_at = '2020-01-01T00:00:00.000Z'")
        .execute(&app.state.db)
        .await
        .expect("expire");
    assert_eq!(app.send(get(&path)).await.status, StatusCode::GONE);
    assert_eq!(app.send(form(&path, &[("password", NEW_PASSWORD)])).await.status, StatusCode::GONE);
    assert_eq!(app.send(get("/reset/not-a-token")).await.status, StatusCode::GONE);
    assert_eq!(app.send(get(&format!("/reset/{}", "x".repeat(5000)))).await.status, StatusCode::GONE);
    assert_eq!(signs_in(&app, &ana.email, PASSWORD).await, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forgot_password_mails_a_link_and_answers_the_same_for_unknown_emails() {
    let sink = smtp_sink::SmtpSink::start();
    let app = TestApp::with_config(|config| {
        config.smtp_url = Some(sink.url());
        config.base_url = Some("http://counterpoint.test".into());
    })
    .await;
    let ana = app.user("ana").await;
    let login = app.send(get("/login")).await;
    assert!(login.text.contains("href=\"/forgot\""), "the sign-in page offers it");
    let unknown = app.send(form("/forgot", &[("email", "nobody@example.org")])).await;
    let known = app.send(form("/forgot", &[("email", &ana.email)])).await;
    assert_eq!((unknown.status, known.status), (StatusCode::OK, StatusCode::OK));
    assert_eq!(unknown.text, known.text, "the same answer whether or not the account exists");
    let mail = sink.wait_for(&ana.email, Duration::from_secs(20)).await.expect("a mail to her within 20 s");
    let link = mail
        .split_whitespace()
        .find(|word| word.starts_with("http://counterpoint.test/reset/"))
        .expect("the link in the mail");
    let path = link.strip_prefix("http://counterpoint.test").expect("path");
    assert_eq!(app.send(form(path, &[("password", NEW_PASSWORD)])).await.status, StatusCode::SEE_OTHER);
    assert_eq!(signs_in(&app, &ana.email, NEW_PASSWORD).await, StatusCode::SEE_OTHER);
    assert_eq!(sink.count(), 1, "nothing was mailed for the unknown email");
}

#[tokio::test]
async fn without_mail_forgot_password_says_whom_to_ask() {
    let app = TestApp::new().await;
    assert!(!app.send(get("/login")).await.text.contains("href=\"/forgot\""));
    let page = app.send(get("/forgot")).await;
    assert!(page.text.contains("Ask your instructor"));
    assert_eq!(app.send(form("/forgot", &[("email", "a@b.org")])).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn registration_follows_the_servers_policy() {
    let closed = TestApp::with_config(|config| config.registration = "closed".parse().expect("policy")).await;
    let fields = [("name", "Bo"), ("email", "bo@example.edu"), ("password", PASSWORD)];
    assert!(closed.send(get("/register")).await.text.contains("Registration is closed"));
    assert_eq!(closed.send(form("/register", &fields)).await.status, StatusCode::FORBIDDEN);
    let domain =
        TestApp::with_config(|config| config.registration = "domain:example.edu".parse().expect("policy")).await;
    let elsewhere = [("name", "Eve"), ("email", "eve@example.org"), ("password", PASSWORD)];
    let refused = domain.send(form("/register", &elsewhere)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("this institution"));
    assert_eq!(domain.send(form("/register", &fields)).await.status, StatusCode::SEE_OTHER);
    for app in [&closed, &domain] {
        let (n,): (i64,) = store::query_as("SELECT count(*) FROM users").fetch_one(&app.state.db).await.expect("n");
        assert_eq!(n, i64::from(std::ptr::eq(app, &domain)), "only the institution's student registered");
    }
}

#[tokio::test]
async fn an_administrator_disables_an_account_and_its_sessions_and_tokens_stop_at_once() {
    let app = TestApp::new().await;
    let (admin, ana) = (app.user("admin").await, app.user("ana").await);
    let admin_id = app.user_id(&admin).await;
    counterpoint::db::users::set_admin(&app.state.db, admin_id, true).await.expect("admin");
    assert_eq!(app.get("/api/admin/users", &ana).await.status, StatusCode::NOT_FOUND, "not for others");
    assert_eq!(app.browser(&ana).await.get("/admin").await.status, StatusCode::NOT_FOUND);
    let list = app.api(Method::GET, "/api/admin/users?q=ana", Some(&admin), None).await;
    let items = list.json()["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1);
    let ana_id = items[0]["id"].as_i64().expect("id");
    let ana_browser = app.browser(&ana).await;
    let admin_browser = app.browser(&admin).await;
    assert!(admin_browser.get("/admin").await.text.contains(&ana.email));
    let disabled = admin_browser.post_form(&format!("/admin/users/{ana_id}/disable"), &[]).await;
    assert_eq!(disabled.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/api/courses/1", &ana).await.status, StatusCode::UNAUTHORIZED, "her token at once");
    assert!(!still_signed_in(&ana_browser).await, "her session at once");
    assert_eq!(signs_in(&app, &ana.email, PASSWORD).await, StatusCode::FORBIDDEN);
    let own = app.post(&format!("/api/admin/users/{admin_id}/disable"), &admin, json!({})).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY, "not one's own");
    let enabled = app.post(&format!("/api/admin/users/{ana_id}/enable"), &admin, json!({})).await;
    assert_eq!(enabled.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/courses/999", &ana).await.status, StatusCode::NOT_FOUND, "her token works again");
    let made =
        app.post("/api/admin/users", &admin, json!({"email": "new@example.org", "name": "New", "password": PASSWORD}));
    assert_eq!(made.await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_student_downloads_everything_they_wrote() {
    let app = TestApp::new().await;
    let (teacher, ana, bo) = (app.user("teacher").await, app.user("ana").await, app.user("bo").await);
    let course = app.course(&teacher, &[&ana, &bo]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let claim = app.annotation(reading, &ana, "claim", "partners, not allies", json!({})).await;
    app.annotation(reading, &ana, "note", "Critics", json!({"visibility": "private"})).await;
    let bos = app.annotation(reading, &bo, "question", "marriage of convenience", json!({})).await;
    app.post(&format!("/api/annotations/{bos}/replies"), &ana, json!({"text": "I think so too"})).await;
    app.post(&format!("/api/annotations/{claim}/feedback"), &teacher, json!({"text": "Well spotted"})).await;
    let export = app.get("/api/account/export", &ana).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.header("content-disposition").contains("attachment"));
    let items = export.json()["first"]["items"].as_array().cloned().unwrap_or_default();
    let with = |motivation: &str| items.iter().filter(|i| i["motivation"] == motivation).count();
    let exacts: Vec<String> = items.iter().filter_map(exact_of).collect();
    assert!(
        exacts.contains(&"partners, not allies".to_owned()) && exacts.contains(&"Critics".to_owned()),
        "{exacts:?}"
    );
    assert!(!exacts.contains(&"marriage of convenience".to_owned()), "not a classmate's annotation");
    assert_eq!(with("replying"), 1);
    assert_eq!(with("assessing"), 1);
    assert!(export.text.contains("Well spotted") && export.text.contains("I think so too"));
}

fn exact_of(item: &Value) -> Option<String> {
    let selectors = item["target"]["selector"].as_array()?;
    selectors.iter().find_map(|s| s["exact"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn a_deleted_students_name_is_gone_and_their_shared_work_stays_as_a_former_student() {
    let app = TestApp::new().await;
    let (teacher, bo) = (app.user("teacher").await, app.user("bo").await);
    let leaver = app.user("zelda-leaves").await;
    let course = app.course(&teacher, &[&leaver, &bo]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let claim = app.annotation(reading, &leaver, "claim", "partners, not allies", json!({})).await;
    app.annotation(reading, &leaver, "note", "Critics", json!({"visibility": "private"})).await;
    let reply = app.post(&format!("/api/annotations/{claim}/replies"), &bo, json!({"text": "Agreed"})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let browser = app.browser(&leaver).await;
    let no_word = browser.post_form("/account/delete", &[("password", PASSWORD), ("confirm", "yes")]).await;
    assert_eq!(no_word.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = browser.post_form("/account/delete", &[("password", "wrong password!"), ("confirm", "delete")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let gone = browser.post_form("/account/delete", &[("password", PASSWORD), ("confirm", "delete")]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.text);
    assert_eq!(signs_in(&app, &leaver.email, PASSWORD).await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/courses/999", &leaver).await.status, StatusCode::UNAUTHORIZED, "tokens went too");
    let container = app.get(&format!("/api/readings/{reading}/annotations/"), &teacher).await;
    let teacher_browser = app.browser(&teacher).await;
    let pages = [
        container.text.clone(),
        teacher_browser.get(&format!("/readings/{reading}")).await.text,
        teacher_browser.get(&format!("/readings/{reading}/review")).await.text,
        teacher_browser.get(&format!("/courses/{course}/review")).await.text,
        app.get(&format!("/api/courses/{course}/export?format=csv"), &teacher).await.text,
        app.get(&format!("/api/courses/{course}/export?format=jsonld"), &teacher).await.text,
    ];
    for page in &pages {
        assert!(!page.contains("zelda-leaves"), "her name and email are nowhere");
    }
    assert!(container.text.contains("Former student") && container.text.contains("partners, not allies"));
    assert!(!container.text.contains("\"Critics\""), "her private note went");
    let thread = app.get(&format!("/api/annotations/{claim}/replies"), &bo).await;
    assert!(thread.text.contains("Agreed"), "a classmate's reply to her claim stays");
    let (users,): (i64,) = store::query_as("SELECT count(*) FROM users WHERE email = ?")
        .bind(&leaver.email)
        .fetch_one(&app.state.db)
        .await
        .expect("n");
    assert_eq!(users, 0);
}

#[tokio::test]
async fn a_course_set_to_delete_loses_a_departed_students_work_and_a_sole_instructor_must_hand_over() {
    let app = TestApp::new().await;
    let (teacher, leaver) = (app.user("teacher").await, app.user("leaver").await);
    let course = app.course(&teacher, &[&leaver]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    app.annotation(reading, &leaver, "claim", "partners, not allies", json!({})).await;
    let teacher_browser = app.browser(&teacher).await;
    let review = format!("/courses/{course}/review");
    assert!(teacher_browser.get(&review).await.text.contains(r#"value="anonymise" checked"#), "kept by default");
    let saved = teacher_browser.post_form(&format!("/courses/{course}/settings"), &[("departed_work", "delete")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(
        teacher_browser.get(&review).await.text.contains(r#"value="delete" checked"#),
        "the review shows it at once"
    );
    let sole = teacher_browser.post_form("/account/delete", &[("password", PASSWORD), ("confirm", "delete")]).await;
    assert_eq!(sole.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sole.text.contains("only instructor"));
    let browser = app.browser(&leaver).await;
    let gone = browser.post_form("/account/delete", &[("password", PASSWORD), ("confirm", "delete")]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count_annotations().await, 0, "her work went with her");
    let (stand_ins,): (i64,) = store::query_as("SELECT count(*) FROM users WHERE email LIKE '%@departed.invalid'")
        .fetch_one(&app.state.db)
        .await
        .expect("n");
    assert_eq!(stand_ins, 0, "nothing needed a stand-in");
}

fn get(path: &str) -> Request<Body> {
    Request::builder().uri(path).header(header::HOST, "counterpoint.test").body(Body::empty()).expect("request")
}
