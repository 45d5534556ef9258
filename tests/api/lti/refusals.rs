//! Forged, tampered and replayed launches: each is refused with a 4xx that
//! names the check that failed, signs no one in and creates nothing.

use super::platform::{INSTRUCTOR, LEARNER, LaunchSpec};
use super::{Launched, Lms};
use counterpoint::db::store;
use serde_json::json;

fn student() -> LaunchSpec {
    LaunchSpec::for_user("student-1", "Sam Student", LEARNER)
}

/// Asserts a refusal: a 4xx naming `check`, no session, nothing created since `before`.
async fn assert_refused(lms: &Lms, launched: &Launched, check: &str, before: (i64, i64, i64), case: &str) {
    let status = launched.response.status;
    assert!(status.is_client_error(), "{case}: status {status}: {}", launched.response.text);
    assert!(
        launched.response.text.contains(&format!("Failed check: {check}.")),
        "{case}: the page names the check {check:?}: {}",
        launched.response.text
    );
    assert_eq!(launched.session(), None, "{case}: no one is signed in");
    assert_eq!(lms.counts().await, before, "{case}: nothing is created");
}

#[tokio::test]
async fn forged_launches_are_refused_naming_the_failed_check() {
    let lms = Lms::new().await;
    let now = jsonwebtoken::get_current_timestamp();
    let cases: Vec<(&str, LaunchSpec, &str)> = vec![
        ("bad signature", LaunchSpec { forge_signature: true, ..student() }, "signature"),
        ("unknown kid", LaunchSpec { kid: "a-key-nobody-published".into(), ..student() }, "key id"),
        ("wrong aud", LaunchSpec { patch: json!({"aud": "another-tool"}), ..student() }, "audience"),
        (
            "several aud, no azp",
            LaunchSpec { patch: json!({"aud": ["another-tool", "counterpoint-client"]}), ..student() },
            "authorized party",
        ),
        ("expired", LaunchSpec { patch: json!({"exp": now - 3600, "iat": now - 7200}), ..student() }, "expiry"),
        ("issued in the future", LaunchSpec { patch: json!({"iat": now + 3600}), ..student() }, "issued at"),
        ("missing nonce", LaunchSpec { patch: json!({"nonce": null}), ..student() }, "nonce"),
        ("another issuer", LaunchSpec { patch: json!({"iss": "https://evil.example"}), ..student() }, "issuer"),
        (
            "unknown deployment",
            LaunchSpec {
                patch: json!({"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "rogue"}),
                ..student()
            },
            "deployment",
        ),
        (
            "wrong message type",
            LaunchSpec { message_type: "LtiSubmissionReviewRequest".into(), ..student() },
            "message type",
        ),
        (
            "wrong version",
            LaunchSpec { patch: json!({"https://purl.imsglobal.org/spec/lti/claim/version": "1.1"}), ..student() },
            "version",
        ),
        (
            "no context",
            LaunchSpec { patch: json!({"https://purl.imsglobal.org/spec/lti/claim/context": null}), ..student() },
            "context",
        ),
    ];
    let before = lms.counts().await;
    for (case, spec, check) in cases {
        let launched = lms.launch(spec).await;
        assert_refused(&lms, &launched, check, before, case).await;
    }
    // The unknown kid made the tool fetch the platform's keys again, once.
    let fetches = lms.platform.recorded(|r| r.jwks_fetches);
    assert!(fetches >= 2, "fetched {fetches} times");
}

#[tokio::test]
async fn the_state_must_come_back_with_its_cookie() {
    let lms = Lms::new().await;
    let before = lms.counts().await;
    let (cookie, form) = lms.authenticate(student()).await;
    let cookie_name = cookie.split('=').next().expect("name").to_owned();

    let missing = lms.post_launch(&form, None).await;
    let launched = Launched { response: missing, form: form.clone(), state_cookie: cookie.clone() };
    assert_refused(&lms, &launched, "state cookie", before, "missing cookie").await;

    let (cookie, form) = lms.authenticate(student()).await;
    let cookie_name_2 = cookie.split('=').next().expect("name").to_owned();
    let wrong = lms.post_launch(&form, Some(&format!("{cookie_name_2}=not-the-state"))).await;
    let launched = Launched { response: wrong, form: form.clone(), state_cookie: cookie.clone() };
    assert_refused(&lms, &launched, "state", before, "state mismatch").await;

    // Another login's cookie does not stand for this one.
    let (_, form) = lms.authenticate(student()).await;
    let other =
        lms.post_launch(&form, Some(&format!("{cookie_name}={}", cookie_name.trim_start_matches("cp_lti_")))).await;
    let launched = Launched { response: other, form, state_cookie: cookie };
    assert_refused(&lms, &launched, "state cookie", before, "another login's cookie").await;
}

#[tokio::test]
async fn replayed_launches_and_reused_nonces_are_refused() {
    let lms = Lms::new().await;
    let first = lms.launch(LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)).await;
    assert_eq!(first.response.status, 303, "{}", first.response.text);
    let before = lms.counts().await;

    // The same form and cookie again, later: the state is used up.
    let replayed = lms.post_launch(&first.form, Some(&first.state_cookie)).await;
    let launched = Launched { response: replayed, form: first.form.clone(), state_cookie: first.state_cookie.clone() };
    assert_refused(&lms, &launched, "state", before, "replayed id_token").await;

    // The old id_token under a fresh login's state: its nonce is not this login's.
    let (cookie, form) = lms.authenticate(student()).await;
    let replayed = lms.post_launch(&(form.0.clone(), first.form.1.clone()), Some(&cookie)).await;
    let launched = Launched { response: replayed, form, state_cookie: cookie };
    assert_refused(&lms, &launched, "nonce", before, "old id_token, new state").await;

    // A freshly signed token that reuses a nonce the tool issued before.
    let old_nonce = lms.platform.recorded(|r| r.auth_requests[0].get("nonce").cloned()).expect("nonce");
    let reused = lms.launch(LaunchSpec { nonce: Some(old_nonce), ..student() }).await;
    assert_refused(&lms, &reused, "nonce", before, "reused nonce").await;
}

#[tokio::test]
async fn a_login_from_an_unknown_issuer_goes_nowhere() {
    let lms = Lms::new().await;
    let request = super::get("/lti/login?iss=https%3A%2F%2Fevil.example&login_hint=x&target_link_uri=x");
    let response = lms.app.send(request).await;
    assert_eq!(response.status, 400, "{}", response.text);
    assert!(response.text.contains("Failed check: issuer."), "{}", response.text);
    assert!(response.header("location").is_empty() && response.header("set-cookie").is_empty());
    let (logins,): (i64,) =
        store::query_as("SELECT count(*) FROM lti_logins").fetch_one(&lms.app.state.db).await.expect("n");
    assert_eq!(logins, 0);
}
