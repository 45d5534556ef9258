//! Two servers joined through PostgreSQL's LISTEN/NOTIFY (`web::events::relay`):
//! what one announces reaches the other's streams, filtered there per viewer;
//! a server does not hear itself; notices keep their order; after a lost
//! connection the caches are forgotten and the pages told to redraw.
//!
//! Each server here keeps its data in its own SQLite file, set up alike (the
//! same users, course and reading, so the same ids), and only the relay is
//! shared: these tests hold the relay, not storage in PostgreSQL. They need a
//! cluster: `COUNTERPOINT_TEST_POSTGRES` (a URL); each test makes its own
//! database in it, as NOTIFY's channels are per database.

use crate::support::{TestApp, TestUser};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use counterpoint::fixtures::postgres_url;
use counterpoint::web::events::relay::Notice;
use counterpoint::web::events::{Change, Event};
use http_body_util::BodyExt;
use serde_json::json;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{self, Receiver};
use tower::ServiceExt;

const ESSAY: &str =
    "Russia and China are partners, not allies.\n\nSome say a marriage of convenience; others disagree.";

/// How long a notice may take to reach the other server.
const SOON: Duration = Duration::from_secs(1);

/// Two servers on one fresh PostgreSQL database, and a connection to it that is neither's.
struct Pair {
    a: TestApp,
    b: TestApp,
    admin: PgPool,
    /// `b`'s connections carry this `application_name`, so a test can cut them.
    b_name: String,
    /// Teacher, Ana and Ben on `a`, and on `b` (the same ids; each with its own token).
    users: [TestUser; 3],
    users_b: [TestUser; 3],
    reading: i64,
}

impl Pair {
    async fn new() -> Option<Self> {
        let url = postgres_url()?;
        let options: PgConnectOptions = url.parse().expect("a PostgreSQL URL");
        let name = format!("relay_{}", uuid::Uuid::new_v4().simple());
        let cluster = PgPool::connect_with(options.clone()).await.expect("the test cluster");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&cluster).await.expect("a database");
        cluster.close().await;
        let options = options.database(&name);
        let pool = |app: &str| {
            PgPoolOptions::new().max_connections(3).connect_lazy_with(options.clone().application_name(app))
        };
        let b_name = format!("{name}_b");
        let (a, b) = (TestApp::new().await, TestApp::new().await);
        let ((users, reading), (users_b, reading_b)) = (Self::setup(&a).await, Self::setup(&b).await);
        assert_eq!(reading, reading_b, "both servers hold the same reading");
        for (user, user_b) in users.iter().zip(&users_b) {
            assert_eq!(a.user_id(user).await, b.user_id(user_b).await, "and the same users");
        }
        a.state.join_other_servers(pool(&format!("{name}_a"))).await.expect("a joins");
        b.state.join_other_servers(pool(&b_name)).await.expect("b joins");
        let admin = PgPool::connect_with(options.clone()).await.expect("the test database");
        Some(Self { a, b, admin, b_name, users, users_b, reading })
    }

    /// A teacher, Ana and Ben in a course with one reading, on `app`.
    async fn setup(app: &TestApp) -> ([TestUser; 3], i64) {
        let (teacher, ana, ben) = (app.user("teacher").await, app.user("ana").await, app.user("ben").await);
        let course = app.course(&teacher, &[&ana, &ben]).await;
        let reading = app.reading(course, &teacher, "text", ESSAY).await;
        ([teacher, ana, ben], reading)
    }

    fn ana(&self) -> &TestUser {
        &self.users[1]
    }

    /// The event stream on `b` of the `index`th user (0 the teacher, 1 Ana, 2 Ben).
    async fn stream_on_b(&self, index: usize) -> Stream {
        let user = &self.users_b[index];
        let request = Request::builder()
            .uri(format!("/readings/{}/events", self.reading))
            .header(header::AUTHORIZATION, format!("Bearer {}", user.token))
            .body(Body::empty())
            .expect("request");
        let response = self.b.router.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        Stream { body: response.into_body(), text: String::new() }
    }
}

/// An open Server-Sent Events stream, read message by message.
struct Stream {
    body: Body,
    text: String,
}

impl Stream {
    /// The next message's event name and data; `None` when the stream ends.
    /// Panics if nothing comes within `wait`.
    async fn next(&mut self, wait: Duration) -> Option<(String, String)> {
        loop {
            if let Some(end) = self.text.find("\n\n") {
                let message: String = self.text.drain(..end + 2).collect();
                let field =
                    |name: &str| message.lines().find_map(|l| l.strip_prefix(name)).unwrap_or_default().to_owned();
                if message.lines().all(|l| l.starts_with(':') || l.is_empty()) {
                    continue; // a keep-alive comment
                }
                return Some((field("event: "), field("data: ")));
            }
            let frame = tokio::time::timeout(wait, self.body.frame()).await.expect("a message in time");
            let frame = frame?;
            if let Ok(data) = frame.expect("no error").into_data() {
                self.text.push_str(&String::from_utf8_lossy(&data));
            }
        }
    }

    /// The annotation ids this stream passes on, read until `last` arrives.
    async fn annotations_until(&mut self, last: &str) -> Vec<String> {
        let mut heard = Vec::new();
        while !heard.iter().any(|id| id == last) {
            let (event, data) = self.next(SOON).await.expect("the stream goes on");
            assert_eq!(event, "annotation", "{data}");
            let payload: serde_json::Value = serde_json::from_str(&data).expect("json");
            heard.push(payload["annotation"].as_str().unwrap_or_default().to_owned());
        }
        heard
    }
}

/// The next event `events` receives, within `wait`.
async fn next(events: &mut Receiver<Event>, wait: Duration) -> Event {
    tokio::time::timeout(wait, events.recv()).await.expect("an event in time").expect("an event")
}

#[tokio::test]
async fn an_annotation_made_on_one_server_reaches_a_stream_on_the_other_within_a_second() {
    let Some(pair) = Pair::new().await else { return };
    let mut bens = pair.stream_on_b(2).await;
    let started = std::time::Instant::now();
    let claim = pair.a.annotation(pair.reading, pair.ana(), "claim", "partners, not allies", json!({})).await;
    assert_eq!(bens.annotations_until(&claim).await, [claim]);
    assert!(started.elapsed() < SOON, "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_private_annotations_event_reaches_only_its_author_on_the_other_server() {
    let Some(pair) = Pair::new().await else { return };
    let (mut teachers, mut anas, mut bens) =
        (pair.stream_on_b(0).await, pair.stream_on_b(1).await, pair.stream_on_b(2).await);
    let private = json!({"visibility": "private"});
    let note = pair.a.annotation(pair.reading, pair.ana(), "note", "others disagree", private).await;
    let for_teachers = json!({"visibility": "instructors"});
    let question = pair.a.annotation(pair.reading, pair.ana(), "question", "partners", for_teachers).await;
    let claim = pair.a.annotation(pair.reading, pair.ana(), "claim", "partners, not allies", json!({})).await;
    assert_eq!(anas.annotations_until(&claim).await, [note, question.clone(), claim.clone()]);
    assert_eq!(teachers.annotations_until(&claim).await, [question, claim.clone()]);
    assert_eq!(bens.annotations_until(&claim).await, [claim], "Ben hears of the class annotation only");
}

#[tokio::test]
async fn a_server_does_not_hear_its_own_notices_again() {
    let Some(pair) = Pair::new().await else { return };
    let (mut here, mut there) =
        (pair.a.state.events.subscribe(pair.reading), pair.b.state.events.subscribe(pair.reading));
    pair.a.state.events.publish(Event::resync(pair.reading));
    assert_eq!(next(&mut there, SOON).await.change, Change::Resync);
    assert_eq!(next(&mut here, SOON).await.change, Change::Resync);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(here.try_recv().is_err(), "once here");
    assert!(there.try_recv().is_err(), "once there");
}

#[tokio::test]
async fn notices_arrive_in_the_order_they_were_made() {
    let Some(pair) = Pair::new().await else { return };
    let mut recipients = pair.b.state.inbox.subscribe();
    for user in 1..=200 {
        pair.a.state.inbox.notify(user);
    }
    for user in 1..=200 {
        let heard = tokio::time::timeout(SOON, recipients.recv()).await.expect("in time").expect("heard");
        assert_eq!(heard, user);
    }
}

#[tokio::test]
async fn revoking_a_user_ends_their_streams_on_the_other_server_too() {
    let Some(pair) = Pair::new().await else { return };
    let mut anas = pair.stream_on_b(1).await;
    let ana_id = pair.a.user_id(pair.ana()).await;
    pair.a.state.events.revoke(ana_id);
    assert_eq!(anas.next(SOON).await, None, "the stream ends");
}

#[tokio::test]
async fn a_deleted_or_replaced_reading_is_forgotten_on_the_other_server() {
    let Some(pair) = Pair::new().await else { return };
    let b = &pair.b.state;
    let kept = b.snapshots.text(&b.db, pair.reading).await.expect("text");
    pair.a.state.events.tell_others(Notice::Forget { reading: pair.reading });
    let mut events = b.events.subscribe(pair.reading);
    pair.a.state.events.drop_reading(pair.reading);
    let dropped = tokio::time::timeout(SOON, events.recv()).await.expect("in time");
    assert!(matches!(dropped, Err(broadcast::error::RecvError::Closed)), "{dropped:?}");
    let again = b.snapshots.text(&b.db, pair.reading).await.expect("text");
    assert!(!Arc::ptr_eq(&kept, &again), "the text is read again");
}

#[tokio::test]
async fn after_a_lost_connection_caches_are_forgotten_and_every_page_redraws() {
    let Some(pair) = Pair::new().await else { return };
    let b = &pair.b.state;
    let kept = b.snapshots.text(&b.db, pair.reading).await.expect("text");
    let (mut events, mut recipients) = (b.events.subscribe(pair.reading), b.inbox.subscribe());
    let cut = sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
    )
    .bind(&pair.b_name)
    .execute(&pair.admin)
    .await
    .expect("cut");
    assert_eq!(cut.rows_affected(), 1, "b's listener was found");
    let wait = Duration::from_secs(5);
    assert_eq!(next(&mut events, wait).await.change, Change::Resync);
    let everyone = tokio::time::timeout(wait, recipients.recv()).await.expect("in time").expect("heard");
    assert_eq!(everyone, counterpoint::inbox::EVERYONE, "every badge recounts");
    let again = b.snapshots.text(&b.db, pair.reading).await.expect("text");
    assert!(!Arc::ptr_eq(&kept, &again), "the text is read again");
    pair.a.state.events.publish(Event::resync(pair.reading));
    assert_eq!(next(&mut events, SOON).await.change, Change::Resync, "listening again");
}
