//! Launches that pass: accounts, courses and memberships found or created,
//! sessions started, deep linking, and what an LTI account cannot do.

use super::platform::{CLIENT_ID, INSTRUCTOR, LEARNER, LaunchSpec};
use super::{Lms, get};
use axum::http::StatusCode;
use counterpoint::db::store;
use counterpoint::domain::Role;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

async fn role(lms: &Lms, course: i64, email_like: &str) -> Option<Role> {
    let row: Option<(i64,)> = store::query_as("SELECT id FROM users WHERE email LIKE ?")
        .bind(email_like)
        .fetch_optional(&lms.app.state.db)
        .await
        .expect("user");
    counterpoint::db::courses::role_of(&lms.app.state.db, course, row?.0).await.expect("role")
}

async fn id_of(lms: &Lms, email: &str) -> i64 {
    let (id,): (i64,) = store::query_as("SELECT id FROM users WHERE email = ?")
        .bind(email)
        .fetch_one(&lms.app.state.db)
        .await
        .expect("id");
    id
}

fn course_of(location: &str) -> i64 {
    location.strip_prefix("/courses/").and_then(|id| id.parse().ok()).unwrap_or_else(|| panic!("{location}"))
}

#[tokio::test]
async fn an_instructor_and_a_student_land_in_one_course_with_their_roles() {
    let lms = Lms::new().await;
    let login = lms.login().await;
    let auth = login.header("location");
    for param in [
        "scope=openid",
        "response_type=id_token",
        "response_mode=form_post",
        "prompt=none",
        "lti_message_hint=message-hint",
    ] {
        assert!(auth.contains(param), "{param} in {auth}");
    }
    assert!(
        auth.contains(&format!("client_id={CLIENT_ID}"))
            && auth.contains("redirect_uri=http%3A%2F%2Fcounterpoint.test%2Flti%2Flaunch")
    );
    let cookie = login.header("set-cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/lti/"), "{cookie}");

    let teacher = lms.launch(LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)).await;
    assert_eq!(teacher.response.status, StatusCode::SEE_OTHER, "{}", teacher.response.text);
    let course = course_of(teacher.location());
    assert!(teacher.session().is_some(), "the launch signs the teacher in");
    let student = lms.launch(LaunchSpec::for_user("student-1", "Sam Student", LEARNER)).await;
    assert_eq!(student.location(), format!("/courses/{course}"), "the same context is the same course");

    assert_eq!(role(&lms, course, "teacher-1@%").await, Some(Role::Instructor));
    assert_eq!(role(&lms, course, "student-1@%").await, Some(Role::Student));
    let browser = lms.browser(&student).await;
    let page = browser.get(&format!("/courses/{course}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("History of Arguments"), "the course is named after the LMS context");
    let (title,): (String,) = store::query_as("SELECT title FROM courses WHERE id = ?")
        .bind(course)
        .fetch_one(&lms.app.state.db)
        .await
        .expect("course");
    assert_eq!(title, "History of Arguments");

    // A second launch keeps one account and one membership.
    let before = lms.counts().await;
    let again = lms.launch(LaunchSpec::for_user("student-1", "Sam Student", LEARNER)).await;
    assert_eq!(again.response.status, StatusCode::SEE_OTHER);
    assert_eq!(lms.counts().await, before);
}

#[tokio::test]
async fn with_secure_cookies_the_state_cookie_survives_a_cross_site_post() {
    let lms = Lms::with_config(|config| config.secure_cookies = true).await;
    let cookie = lms.login().await.header("set-cookie").to_owned();
    assert!(cookie.contains("SameSite=None") && cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
    let launched = lms.launch(LaunchSpec::for_user("student-1", "Sam Student", LEARNER)).await;
    assert_eq!(launched.response.status, StatusCode::SEE_OTHER, "{}", launched.response.text);
}

#[tokio::test]
async fn accounts_made_by_a_launch_cannot_sign_in_with_a_password() {
    let lms = Lms::new().await;
    let launched = lms.launch(LaunchSpec::for_user("student-1", "Sam Student", LEARNER)).await;
    assert!(launched.session().is_some());
    for password in ["", "not a real password", "a long enough password"] {
        let form = serde_urlencoded::to_string([("email", "student-1@lms.example.edu"), ("password", password)])
            .expect("form");
        let request = axum::http::Request::post("/login")
            .header("host", "counterpoint.test")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(form))
            .expect("request");
        let response = lms.app.send(request).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "password {password:?}");
        assert!(response.header("set-cookie").is_empty());
    }
}

#[tokio::test]
async fn disabled_accounts_and_removed_members_are_not_let_in_by_a_launch() {
    let lms = Lms::new().await;
    let teacher = lms.launch(LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)).await;
    let course = course_of(teacher.location());
    lms.launch(LaunchSpec::for_user("student-1", "Sam Student", LEARNER)).await;
    lms.launch(LaunchSpec::for_user("student-2", "Nora Student", LEARNER)).await;
    let sam = id_of(&lms, "student-1@lms.example.edu").await;
    counterpoint::db::users::set_disabled(&lms.app.state.db, sam, true).await.expect("disable");
    counterpoint::db::courses::remove_member(&lms.app.state.db, course, id_of(&lms, "student-2@lms.example.edu").await)
        .await
        .expect("remove");
    let before = lms.counts().await;
    for (sub, name) in [("student-1", "Sam Student"), ("student-2", "Nora Student")] {
        let refused = lms.launch(LaunchSpec::for_user(sub, name, LEARNER)).await;
        assert_eq!(refused.response.status, StatusCode::FORBIDDEN, "{sub}: {}", refused.response.text);
        assert_eq!(refused.session(), None, "{sub}");
    }
    assert_eq!(lms.counts().await, before);
}

#[tokio::test]
async fn an_lms_email_taken_by_another_account_is_not_merged_into_it() {
    let lms = Lms::new().await;
    counterpoint::accounts::create_account(
        &lms.app.state.db,
        "student-1@lms.example.edu",
        "Someone",
        "a long enough password",
    )
    .await
    .expect("account");
    let launched = lms.launch(LaunchSpec::for_user("student-1", "Sam Student", LEARNER)).await;
    let course = course_of(launched.location());
    let (email,): (String,) =
        store::query_as("SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.course_id = ?")
            .bind(course)
            .fetch_one(&lms.app.state.db)
            .await
            .expect("member");
    assert!(email.ends_with("@lti.invalid"), "{email}");
}

#[tokio::test]
async fn deep_linking_returns_a_signed_link_to_the_chosen_reading() {
    let lms = Lms::new().await;
    let teacher = lms.launch(LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)).await;
    let course = course_of(teacher.location());
    let browser = lms.browser(&teacher).await;
    let added = browser
        .post_form(
            &format!("/courses/{course}/readings"),
            &[("title", "On rivals"), ("format", "text"), ("source", "Two powers. One bed.")],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text);
    let reading: i64 = added.header("location").trim_start_matches("/readings/").parse().expect("reading");

    let student_tries = lms
        .launch(LaunchSpec {
            message_type: "LtiDeepLinkingRequest".into(),
            ..LaunchSpec::for_user("s-9", "Sly", LEARNER)
        })
        .await;
    assert_eq!(student_tries.response.status, StatusCode::FORBIDDEN, "only instructors add activities");

    let picking = lms
        .launch(LaunchSpec {
            message_type: "LtiDeepLinkingRequest".into(),
            ..LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)
        })
        .await;
    assert_eq!(picking.response.status, StatusCode::SEE_OTHER, "{}", picking.response.text);
    let picker_path = picking.location().to_owned();
    assert!(picker_path.starts_with("/lti/deep-link/"), "{picker_path}");
    let browser = lms.browser(&picking).await;
    let picker = browser.get(&picker_path).await;
    assert_eq!(picker.status, StatusCode::OK);
    assert!(picker.text.contains("On rivals"));
    let reading_field = reading.to_string();
    let chosen = browser.post_form(&picker_path, &[("reading_id", reading_field.as_str())]).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.text);
    let csp = chosen.header("content-security-policy");
    assert!(csp.contains(&format!("form-action 'self' {}", lms.platform.url)), "{csp}");
    let doc = chosen.html();
    let form_selector = scraper::Selector::parse("form[data-autopost]").expect("selector");
    let form = doc.select(&form_selector).next().expect("the auto-posting form");
    assert_eq!(form.value().attr("action"), Some(format!("{}/dl/return", lms.platform.url).as_str()));
    let jwt_selector = scraper::Selector::parse("input[name=JWT]").expect("selector");
    let jwt = doc.select(&jwt_selector).next().and_then(|e| e.value().attr("value")).expect("JWT").to_owned();

    // The LMS checks it against the tool's published keys.
    let jwks: Value = lms.app.send(get("/lti/jwks.json")).await.json();
    let kid = jsonwebtoken::decode_header(&jwt).expect("header").kid.expect("kid");
    let jwk = jwks["keys"].as_array().expect("keys").iter().find(|k| k["kid"] == kid.as_str()).expect("published");
    let key =
        DecodingKey::from_rsa_components(jwk["n"].as_str().expect("n"), jwk["e"].as_str().expect("e")).expect("key");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[super::platform::ISSUER]);
    let claims = jsonwebtoken::decode::<Value>(&jwt, &key, &validation).expect("a valid response").claims;
    assert_eq!(claims["iss"], CLIENT_ID);
    assert_eq!(claims["https://purl.imsglobal.org/spec/lti/claim/message_type"], "LtiDeepLinkingResponse");
    assert_eq!(claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"], "opaque-42");
    let item = &claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"][0];
    assert_eq!(item["type"], "ltiResourceLink");
    assert_eq!(item["custom"]["counterpoint_reading"], reading.to_string());
    assert_eq!(browser.get(&picker_path).await.status, StatusCode::NOT_FOUND, "used once");

    // Launching the new assignment opens the reading.
    let spec = LaunchSpec {
        resource_link_id: "assignment-2".into(),
        custom: json!({"counterpoint_reading": reading.to_string()}),
        ..LaunchSpec::for_user("student-1", "Sam Student", LEARNER)
    };
    let opened = lms.launch(spec).await;
    assert_eq!(opened.location(), format!("/readings/{reading}"));
    let again = lms
        .launch(LaunchSpec {
            resource_link_id: "assignment-2".into(),
            ..LaunchSpec::for_user("student-1", "Sam Student", LEARNER)
        })
        .await;
    assert_eq!(again.location(), format!("/readings/{reading}"), "the link remembers its reading");
}
