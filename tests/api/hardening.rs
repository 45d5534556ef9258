//! What one hostile account must not be able to do (issue 12): send people
//! off-site after sign-in, read another course's deleted reading through a
//! cache, rejoin after removal, lock a lecture hall out, flood writes or
//! registrations, hold unbounded event streams, or have a shared proxy keep
//! someone's page.

use crate::support::{PASSWORD, TestApp, TestUser};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use counterpoint::db::store;
use http_body_util::BodyExt;
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use tower::ServiceExt;

const ESSAY: &str = "Russia and China are partners, not allies. Critics call it a marriage of convenience.";

/// A sign-in form from `address` (as the server would see the connection), with `next`.
fn sign_in(email: &str, password: &str, next: &str, address: [u8; 4]) -> Request<Body> {
    let form = serde_urlencoded::to_string([("email", email), ("password", password), ("next", next)]).expect("form");
    let mut request = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((address, 40_000))));
    request
}

#[tokio::test]
async fn sign_in_redirects_only_to_paths_on_this_site() {
    let app = TestApp::new().await;
    let ana = app.user("ana").await;
    let table = [
        ("/courses/1", "/courses/1"),
        ("/\t/evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/x\r\nSet-Cookie: stolen=1", "/"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
    ];
    for (next, location) in table {
        let response = app.send(sign_in(&ana.email, PASSWORD, next, [127, 0, 0, 1])).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{next:?}: {}", response.text);
        assert_eq!(response.header("location"), location, "{next:?}");
    }
}

#[tokio::test]
async fn a_lecture_hall_behind_one_address_signs_in_and_only_failures_count() {
    let app = TestApp::new().await;
    let students: Vec<TestUser> = {
        let mut made = Vec::new();
        for i in 0..150 {
            made.push(app.user(&format!("student{i}")).await);
        }
        made
    };
    for student in &students {
        let response = app.send(sign_in(&student.email, PASSWORD, "/", [192, 0, 2, 1])).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}: {}", student.email, response.text);
    }
    // A hundred failures from that address, across accounts, are what closes it.
    for i in 0..100 {
        let response = app.send(sign_in(&format!("nobody{i}@example.org"), "wrong", "/", [192, 0, 2, 1])).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let closed = app.send(sign_in(&students[0].email, PASSWORD, "/", [192, 0, 2, 1])).await;
    assert_eq!(closed.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(closed.header("retry-after").parse::<u64>().is_ok_and(|s| s > 0));
    let elsewhere = app.send(sign_in(&students[0].email, PASSWORD, "/", [198, 51, 100, 7])).await;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER, "another address is not affected");
}

#[tokio::test]
async fn an_email_of_megabytes_is_refused_and_never_kept() {
    let app = TestApp::new().await;
    let huge = "a".repeat(1 << 20) + "@example.org";
    let response = app.send(sign_in(&huge, "wrong", "/", [127, 0, 0, 1])).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.state.limits.sign_in_account.is_empty(), "no throttle entry for what is not an email");
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let proxy = [10, 0, 0, 1];
    let app = TestApp::with_config(|config| {
        config.trusted_proxies = vec![proxy.into()];
        config.rates.sign_in_failures_per_address = 3;
    })
    .await;
    let ana = app.user("ana").await;
    let through_proxy = |client: &str, password: &str| {
        let mut request = sign_in(&ana.email, password, "/", proxy);
        request.headers_mut().insert("x-forwarded-for", client.parse().expect("header"));
        request
    };
    for _ in 0..3 {
        assert_eq!(app.send(through_proxy("203.0.113.5", "wrong")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(app.send(through_proxy("203.0.113.5", PASSWORD)).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        app.send(through_proxy("203.0.113.6", PASSWORD)).await.status,
        StatusCode::SEE_OTHER,
        "another client behind the same proxy"
    );
}

#[tokio::test]
async fn registrations_from_one_address_are_limited() {
    let app = TestApp::with_config(|config| config.rates.registrations_per_hour = 5).await;
    let register = |i: usize| {
        let form = format!("name=Bot{i}&email=bot{i}%40example.org&password=short");
        let mut request = Request::builder()
            .method("POST")
            .uri("/register")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .expect("request");
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([192, 0, 2, 9], 1))));
        request
    };
    for i in 0..5 {
        assert_eq!(app.send(register(i)).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let refused = app.send(register(5)).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.header("retry-after").parse::<u64>().is_ok_and(|s| s > 0));
    assert!(refused.text.contains("Too many accounts"));
}

#[tokio::test]
async fn a_burst_of_replies_is_refused_with_retry_after_and_nothing_past_it_is_stored() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let claim = app.annotation(reading, &teacher, "claim", "partners, not allies", json!({})).await;
    let mut statuses = Vec::new();
    for i in 0..130 {
        let reply =
            app.post(&format!("/api/annotations/{claim}/replies"), &ana, json!({"text": format!("me {i}")})).await;
        statuses.push(reply.status);
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(reply.header("retry-after").parse::<u64>().is_ok_and(|s| s > 0 && s <= 60));
        }
    }
    // 120 writes a minute, less the one she spent joining the course.
    let created = statuses.iter().take_while(|s| **s == StatusCode::CREATED).count();
    assert_eq!(created, 119, "{statuses:?}");
    assert!(statuses[created..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let (stored,): (i64,) =
        store::query_as("SELECT count(*) FROM replies").fetch_one(&app.state.db).await.expect("count");
    assert_eq!(stored, 119);
    let teachers = app.post(&format!("/api/annotations/{claim}/replies"), &teacher, json!({"text": "fine"})).await;
    assert_eq!(teachers.status, StatusCode::CREATED, "others keep their own allowance");
}

#[tokio::test]
async fn a_removed_student_cannot_rejoin_by_code_until_re_admitted() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let code = app.get(&format!("/api/courses/{course}"), &teacher).await.json()["join_code"].clone();
    let ana_id = app.user_id(&ana).await;
    let browser = app.browser(&teacher).await;
    let removed = browser.post_form(&format!("/courses/{course}/members/{ana_id}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    let again = app.post("/api/courses/join", &ana, json!({"join_code": code})).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "{}", again.text);
    assert!(again.text.contains("re-admit"));
    assert_eq!(app.get(&format!("/api/courses/{course}"), &ana).await.status, StatusCode::NOT_FOUND);
    let page = browser.get(&format!("/courses/{course}")).await;
    let doc = page.html();
    let readmit =
        scraper::Selector::parse(&format!("[data-removed-id=\"{ana_id}\"] form[action$=\"/readmit\"]")).expect("css");
    assert_eq!(doc.select(&readmit).count(), 1, "the member list offers to re-admit her");
    let readmitted = browser.post_form(&format!("/courses/{course}/members/{ana_id}/readmit"), &[]).await;
    assert_eq!(readmitted.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&format!("/api/courses/{course}"), &ana).await.status, StatusCode::OK);
    let joined = app.post("/api/courses/join", &ana, json!({"join_code": code})).await;
    assert_eq!(joined.status, StatusCode::OK, "joining again is harmless once re-admitted");
}

#[tokio::test]
async fn a_deleted_readings_id_is_never_given_to_another_courses_reading() {
    let app = TestApp::new().await;
    let (first, second) = (app.user("first").await, app.user("second").await);
    let course_one = app.course(&first, &[]).await;
    let course_two = app.course(&second, &[]).await;
    let secret = "Instructors-only thoughts about the secret reading.";
    let deleted = app.reading(course_one, &first, "text", secret).await;
    let browser = app.browser(&first).await;
    assert_eq!(browser.get(&format!("/readings/{deleted}/review")).await.status, StatusCode::OK, "drawn and kept");
    assert_eq!(browser.get(&format!("/readings/{deleted}")).await.status, StatusCode::OK, "snapshot kept");
    let gone = browser.post_form(&format!("/readings/{deleted}/delete"), &[("confirm", "delete")]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    let fresh = app.reading(course_two, &second, "text", ESSAY).await;
    assert!(fresh > deleted, "a new id ({fresh}), not the deleted one ({deleted})");
    let theirs = app.browser(&second).await;
    let review = theirs.get(&format!("/readings/{fresh}/review")).await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(!review.text.contains(secret) && review.text.contains("partners, not allies"));
    assert_eq!(theirs.get(&format!("/readings/{deleted}")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_user_holds_at_most_ten_event_streams() {
    let app = TestApp::new().await;
    let (teacher, ana, bo) = (app.user("teacher").await, app.user("ana").await, app.user("bo").await);
    let course = app.course(&teacher, &[&ana, &bo]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let mut open = Vec::new();
    let mut statuses = Vec::new();
    for _ in 0..200 {
        let response = app.router.clone().oneshot(stream_request(reading, &ana)).await.expect("infallible");
        statuses.push(response.status());
        open.push(response);
    }
    assert!(statuses[..10].iter().all(|s| *s == StatusCode::OK), "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS));
    let other = app.router.clone().oneshot(stream_request(reading, &bo)).await.expect("infallible");
    assert_eq!(other.status(), StatusCode::OK, "a classmate is not affected");
    open.truncate(9);
    let again = app.router.clone().oneshot(stream_request(reading, &ana)).await.expect("infallible");
    assert_eq!(again.status(), StatusCode::OK, "a closed stream frees its place");
}

#[tokio::test]
async fn removing_a_member_ends_their_open_stream() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let stream = app.router.clone().oneshot(stream_request(reading, &ana)).await.expect("infallible");
    assert_eq!(stream.status(), StatusCode::OK);
    let ana_id = app.user_id(&ana).await;
    let browser = app.browser(&teacher).await;
    browser.post_form(&format!("/courses/{course}/members/{ana_id}/remove"), &[]).await;
    let ended = tokio::time::timeout(Duration::from_secs(10), stream.into_body().collect()).await;
    assert!(ended.is_ok(), "the stream ended when she was removed");
    let reconnect = app.router.clone().oneshot(stream_request(reading, &ana)).await.expect("infallible");
    assert_eq!(reconnect.status(), StatusCode::NOT_FOUND, "and reconnecting is refused");
}

#[tokio::test]
async fn an_event_stream_ends_after_its_lifetime() {
    let app = TestApp::with_config(|config| config.stream_lifetime = Duration::from_millis(200)).await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let stream = app.router.clone().oneshot(stream_request(reading, &ana)).await.expect("infallible");
    let ended = tokio::time::timeout(Duration::from_secs(10), stream.into_body().collect()).await;
    assert!(ended.is_ok(), "the stream ended by itself");
}

#[tokio::test]
async fn answers_to_signed_in_users_and_the_api_are_never_kept_by_shared_caches() {
    let app = TestApp::new().await;
    let (teacher, ana) = (app.user("teacher").await, app.user("ana").await);
    let course = app.course(&teacher, &[&ana]).await;
    let reading = app.reading(course, &teacher, "text", ESSAY).await;
    let browser = app.browser(&ana).await;
    for path in ["/".to_owned(), format!("/courses/{course}")] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.header("cache-control"), "private, no-store", "{path}");
    }
    // The reading page is revalidated by its ETag (see `live_fragments`): the browser alone may keep it.
    let page = browser.get(&format!("/readings/{reading}")).await;
    assert_eq!(page.header("cache-control"), "private, no-cache");
    for path in [format!("/api/courses/{course}"), format!("/api/readings/{reading}/annotations/")] {
        let answer = app.get(&path, &ana).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.header("cache-control").contains("private"), "{path}: {}", answer.header("cache-control"));
    }
    let anonymous = app.send(Request::builder().uri("/login").body(Body::empty()).expect("request")).await;
    assert_eq!(anonymous.header("cache-control"), "", "the sign-in page has nothing private");
}

fn stream_request(reading: i64, user: &TestUser) -> Request<Body> {
    Request::builder()
        .uri(format!("/readings/{reading}/events"))
        .header(header::AUTHORIZATION, format!("Bearer {}", user.token))
        .body(Body::empty())
        .expect("request")
}
