//! Names and Roles (roster sync) and Assignment and Grade Services (scores),
//! through the tool's client assertion checked by the simulated LMS.

use super::Lms;
use super::platform::{CLIENT_ID, INSTRUCTOR, LEARNER, LaunchSpec};
use crate::support::TestUser;
use axum::http::{Method, StatusCode};
use counterpoint::db::store;
use serde_json::{Value, json};

fn member(sub: &str, name: &str, role: &str) -> Value {
    json!({"user_id": sub, "name": name, "email": format!("{sub}@lms.example.edu"), "roles": [role], "status": "Active"})
}

/// A course launched by a teacher and one student; the teacher as an API user.
async fn course(lms: &Lms) -> (i64, TestUser) {
    let teacher = lms.launch(LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)).await;
    let course: i64 = teacher.location().trim_start_matches("/courses/").parse().expect("course");
    let student = lms.launch(LaunchSpec::for_user("student-1", "Sam Student", LEARNER)).await;
    assert_eq!(student.response.status, StatusCode::SEE_OTHER);
    let (id,): (i64,) = store::query_as("SELECT id FROM users WHERE email = 'teacher-1@lms.example.edu'")
        .fetch_one(&lms.app.state.db)
        .await
        .expect("teacher");
    let token = counterpoint::accounts::create_token(&lms.app.state.db, id, "test").await.expect("token");
    (course, TestUser { email: "teacher-1@lms.example.edu".into(), token })
}

async fn members(lms: &Lms, course: i64) -> Vec<(String, String)> {
    store::query_as(
        "SELECT u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.course_id = ? ORDER BY u.name",
    )
    .bind(course)
    .fetch_all(&lms.app.state.db)
    .await
    .expect("members")
}

#[tokio::test]
async fn roster_sync_adds_learners_who_never_launched_and_removes_those_who_left() {
    let lms = Lms::new().await;
    let (course, teacher) = course(&lms).await;
    *lms.platform.state.roster.lock().expect("lock") = vec![
        member("teacher-1", "Tess Teacher", INSTRUCTOR),
        member("student-1", "Sam Student", LEARNER),
        member("student-2", "Nora Never-launched", LEARNER),
        member(
            "ta-1",
            "Tom Assistant",
            "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
        ),
        json!({"user_id": "gone-1", "name": "Ina Inactive", "roles": [LEARNER], "status": "Inactive"}),
    ];
    let synced = lms.app.api(Method::POST, &format!("/api/courses/{course}/lti/roster"), Some(&teacher), None).await;
    assert_eq!(synced.status, StatusCode::OK, "{}", synced.text);
    assert_eq!(synced.json(), json!({"added": 2, "updated": 0, "removed": 0, "kept_out": 0}));
    assert_eq!(
        members(&lms, course).await,
        vec![
            ("Nora Never-launched".into(), "student".into()),
            ("Sam Student".into(), "student".into()),
            ("Tess Teacher".into(), "instructor".into()),
            ("Tom Assistant".into(), "instructor".into()),
        ]
    );
    assert_eq!(lms.platform.recorded(|r| r.roster_requests), 3, "three pages of two");
    let (claims, scope) = lms.platform.recorded(|r| r.assertions[0].clone());
    assert_eq!((claims["iss"].as_str(), claims["sub"].as_str()), (Some(CLIENT_ID), Some(CLIENT_ID)));
    assert!(scope.contains("contextmembership.readonly"), "{scope}");
    assert_eq!(lms.platform.recorded(|r| r.bad_assertions), 0);

    // Sam leaves the LMS course.
    lms.platform.state.roster.lock().expect("lock").remove(1);
    let synced = lms.app.api(Method::POST, &format!("/api/courses/{course}/lti/roster"), Some(&teacher), None).await;
    assert_eq!(synced.json()["removed"], 1);
    assert!(!members(&lms, course).await.iter().any(|(name, _)| name == "Sam Student"));

    // The course page shows the button and the outcome.
    let launched = lms.launch(LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)).await;
    let browser = lms.browser(&launched).await;
    let page = browser.get(&format!("/courses/{course}")).await;
    assert!(page.text.contains(&format!("action=\"/courses/{course}/lti/roster\"")), "the sync button");
    assert!(page.text.contains("1 removed"), "{}", page.text);
    let clicked = browser.post_form(&format!("/courses/{course}/lti/roster"), &[]).await;
    assert_eq!(clicked.status, StatusCode::SEE_OTHER);

    // A student may not sync.
    let sam = lms.launch(LaunchSpec::for_user("student-2", "Nora Never-launched", LEARNER)).await;
    let nora = lms.browser(&sam).await;
    let refused = nora.post_form(&format!("/courses/{course}/lti/roster"), &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn grades_reach_the_line_item_for_every_student_with_zero_for_no_work() {
    let lms = Lms::new().await;
    let (course, teacher) = course(&lms).await;
    *lms.platform.state.roster.lock().expect("lock") =
        vec![member("student-1", "Sam Student", LEARNER), member("student-2", "Nora Never-launched", LEARNER)];
    let synced = lms.app.api(Method::POST, &format!("/api/courses/{course}/lti/roster"), Some(&teacher), None).await;
    assert_eq!(synced.status, StatusCode::OK, "{}", synced.text);

    // Sam writes a claim worth points; Nora writes nothing.
    let reading =
        lms.app.reading(course, &teacher, "text", "Two powers share one bed but dream different dreams.").await;
    let (sam_id,): (i64,) = store::query_as("SELECT id FROM users WHERE email = 'student-1@lms.example.edu'")
        .fetch_one(&lms.app.state.db)
        .await
        .expect("sam");
    let sam = TestUser {
        email: "student-1@lms.example.edu".into(),
        token: counterpoint::accounts::create_token(&lms.app.state.db, sam_id, "t").await.expect("token"),
    };
    let comment = json!({"body": [
        {"type": "TextualBody", "purpose": "classifying", "value": "claim"},
        {"type": "TextualBody", "purpose": "commenting", "value": "This is the central claim of the essay."}]});
    lms.app.annotation(reading, &sam, "claim", "Two powers share one bed", comment).await;

    let pushed = lms.app.api(Method::POST, &format!("/api/courses/{course}/lti/grades"), Some(&teacher), None).await;
    assert_eq!(pushed.status, StatusCode::OK, "{}", pushed.text);
    let report = pushed.json();
    assert_eq!((report["sent"].as_i64(), report["failed"].as_i64()), (Some(2), Some(0)), "{report}");
    let scores = lms.platform.recorded(|r| r.scores.clone());
    let score_of =
        |sub: &str| scores.iter().find(|(_, s)| s["userId"] == sub).map(|(item, s)| (item.clone(), s.clone()));
    let (item, sam_score) = score_of("student-1").expect("Sam's score");
    assert_eq!(item, "assignment-1", "the launch's line item");
    assert_eq!(sam_score["scoreGiven"], 2, "{sam_score}");
    assert_eq!(sam_score["scoreMaximum"], 20);
    assert_eq!(sam_score["gradingProgress"], "FullyGraded");
    assert_eq!(sam_score["activityProgress"], "Submitted");
    assert!(sam_score["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    let (_, nora_score) = score_of("student-2").expect("Nora's score");
    assert_eq!(
        (nora_score["scoreGiven"].as_u64(), nora_score["activityProgress"].as_str()),
        (Some(0), Some("Initialized"))
    );
    let scope = lms.platform.recorded(|r| r.assertions.last().map(|(_, s)| s.clone())).expect("assertion");
    assert!(scope.contains("scope/score"), "{scope}");

    // The review page shows the button and the outcome; a failing gradebook is reported there.
    let launched = lms.launch(LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)).await;
    let browser = lms.browser(&launched).await;
    *lms.platform.state.fail_scores.lock().expect("lock") = true;
    let clicked = browser.post_form(&format!("/courses/{course}/lti/grades"), &[]).await;
    assert_eq!(clicked.status, StatusCode::SEE_OTHER);
    let review = browser.get(&format!("/courses/{course}/review")).await;
    let doc = review.html();
    let selector = scraper::Selector::parse("[data-role=grade-report]").expect("selector");
    let shown = doc.select(&selector).next().expect("the grade report");
    assert_eq!(shown.value().attr("data-failed"), Some("2"));
    assert!(shown.text().collect::<String>().contains("gradebook is down"));
}

#[tokio::test]
async fn services_need_a_course_made_by_a_launch_and_an_instructor() {
    let lms = Lms::new().await;
    let teacher = lms.app.user("ines").await;
    let plain = lms.app.course(&teacher, &[]).await;
    for service in ["roster", "grades"] {
        let response =
            lms.app.api(Method::POST, &format!("/api/courses/{plain}/lti/{service}"), Some(&teacher), None).await;
        assert_eq!(response.status, StatusCode::CONFLICT, "{service}: {}", response.text);
    }
    let (course, _) = course(&lms).await;
    let stranger = lms.app.user("stranger").await;
    let response = lms.app.api(Method::POST, &format!("/api/courses/{course}/lti/grades"), Some(&stranger), None).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn scores_go_by_themselves_once_writes_pause_when_the_course_asks() {
    use counterpoint::lti::auto_push::AutoPush;
    use std::time::Duration;
    let lms = Lms::new().await;
    let (course, teacher) = course(&lms).await;
    let launched = lms.launch(LaunchSpec::for_user("teacher-1", "Tess Teacher", INSTRUCTOR)).await;
    let browser = lms.browser(&launched).await;
    let (db, lti) = (&lms.app.state.db, &lms.app.state.lti);
    let mut auto = AutoPush::default();
    assert_eq!(auto.pass(db, lti, Duration::ZERO).await.expect("pass"), 0);
    assert_eq!(auto.pass(db, lti, Duration::ZERO).await.expect("pass"), 0, "off until the instructor turns it on");

    let saved = browser.post_form(&format!("/courses/{course}/lti/auto-grades"), &[("on", "1")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let review = browser.get(&format!("/courses/{course}/review")).await;
    assert!(review.text.contains("name=\"on\" value=\"1\" checked"), "the setting shows");
    assert_eq!(auto.pass(db, lti, Duration::ZERO).await.expect("pass"), 0, "first seen: writes may still come");
    assert_eq!(auto.pass(db, lti, Duration::ZERO).await.expect("pass"), 1, "quiet: pushed");
    assert_eq!(auto.pass(db, lti, Duration::ZERO).await.expect("pass"), 0, "nothing new");
    let sent = lms.platform.recorded(|r| r.scores.len());
    assert_eq!(sent, 1, "the one student's score");

    // Sam writes; once writes pause, his new score goes.
    let reading =
        lms.app.reading(course, &teacher, "text", "Two powers share one bed but dream different dreams.").await;
    let (sam_id,): (i64,) = store::query_as("SELECT id FROM users WHERE email = 'student-1@lms.example.edu'")
        .fetch_one(db)
        .await
        .expect("sam");
    let sam = TestUser {
        email: "student-1@lms.example.edu".into(),
        token: counterpoint::accounts::create_token(db, sam_id, "t").await.expect("token"),
    };
    let comment = json!({"body": [
        {"type": "TextualBody", "purpose": "classifying", "value": "claim"},
        {"type": "TextualBody", "purpose": "commenting", "value": "This is the central claim of the essay."}]});
    lms.app.annotation(reading, &sam, "claim", "Two powers share one bed", comment).await;
    assert_eq!(auto.pass(db, lti, Duration::from_secs(3600)).await.expect("pass"), 0);
    assert_eq!(auto.pass(db, lti, Duration::from_secs(3600)).await.expect("pass"), 0, "not quiet long enough");
    assert_eq!(auto.pass(db, lti, Duration::ZERO).await.expect("pass"), 1);
    let last = lms.platform.recorded(|r| r.scores.last().map(|(_, s)| s.clone())).expect("a score");
    assert_eq!((last["userId"].as_str(), last["scoreGiven"].as_u64()), (Some("student-1"), Some(2)));
}
