//! `TestApp`: the real router on a fresh SQLite file, users with API tokens,
//! browser-like clients that carry a session cookie, and fixture builders.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use counterpoint::config::Config;
use counterpoint::db::store;
use counterpoint::web::AppState;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tempfile::TempDir;
use tower::ServiceExt;

pub const PASSWORD: &str = "a long enough password";

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _dir: TempDir,
}

/// An account with a personal API token.
#[derive(Clone, Debug)]
pub struct TestUser {
    pub email: String,
    pub token: String,
}

/// A response, its body read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.text)
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    /// An app whose configuration `adjust` changes first.
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_db(database(&dir).await);
        adjust(&mut config);
        let (router, state) = counterpoint::app::build(config).await.expect("app");
        Self { router, state, _dir: dir }
    }

    /// An app on an SQLite file whatever backend this run tests (a deployment to move
    /// elsewhere), and the file's path.
    pub async fn on_sqlite() -> (Self, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("test.db");
        let (router, state) = counterpoint::app::build(Config::for_db(file.clone())).await.expect("app");
        (Self { router, state, _dir: dir }, file)
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        TestResponse { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// A JSON API call, authenticated with `user`'s Bearer token when given.
    pub async fn api(&self, method: Method, path: &str, user: Option<&TestUser>, body: Option<Value>) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path).header(header::HOST, "counterpoint.test");
        if let Some(user) = user {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", user.token));
        }
        let body = match body {
            Some(value) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(value.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).expect("request")).await
    }

    pub async fn get(&self, path: &str, user: &TestUser) -> TestResponse {
        self.api(Method::GET, path, Some(user), None).await
    }

    pub async fn post(&self, path: &str, user: &TestUser, body: Value) -> TestResponse {
        self.api(Method::POST, path, Some(user), Some(body)).await
    }

    /// An account named `name` (email `name@example.org`) with an API token.
    pub async fn user(&self, name: &str) -> TestUser {
        let email = format!("{name}@example.org");
        let id = counterpoint::accounts::create_account(&self.state.db, &email, name, PASSWORD).await.expect("account");
        let token = counterpoint::accounts::create_token(&self.state.db, id, "test").await.expect("token");
        TestUser { email, token }
    }

    /// The account id of `user`.
    pub async fn user_id(&self, user: &TestUser) -> i64 {
        let (id,): (i64,) = store::query_as("SELECT id FROM users WHERE email = ?")
            .bind(&user.email)
            .fetch_one(&self.state.db)
            .await
            .expect("id");
        id
    }

    /// A course taught by `instructor` that each of `students` has joined.
    pub async fn course(&self, instructor: &TestUser, students: &[&TestUser]) -> i64 {
        let course = self.post("/api/courses", instructor, json!({"title": "Geopolitics 101"})).await;
        assert_eq!(course.status, StatusCode::CREATED, "{}", course.text);
        let course = course.json();
        for student in students {
            let joined = self.post("/api/courses/join", student, json!({"join_code": course["join_code"]})).await;
            assert_eq!(joined.status, StatusCode::OK, "{}", joined.text);
        }
        course["id"].as_i64().expect("id")
    }

    /// A reading in the course, added by its instructor.
    pub async fn reading(&self, course: i64, instructor: &TestUser, format: &str, source: &str) -> i64 {
        let body = json!({"title": "A reading", "author": "Someone", "format": format, "source": source});
        let response = self.post(&format!("/api/courses/{course}/readings"), instructor, body).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
        response.json()["id"].as_i64().expect("id")
    }

    /// Posts an annotation over `exact` (found by quote) and returns the response.
    pub async fn annotate(&self, reading: i64, user: &TestUser, kind: &str, exact: &str, extra: Value) -> TestResponse {
        let mut body = json!({
            "type": "Annotation",
            "body": [{"type": "TextualBody", "purpose": "classifying", "value": kind}],
            "target": {"source": format!("http://counterpoint.test/readings/{reading}"),
                       "selector": {"type": "TextQuoteSelector", "exact": exact}},
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                body.insert(k.clone(), v.clone());
            }
        }
        self.post(&format!("/api/readings/{reading}/annotations/"), user, body).await
    }

    /// Like [`Self::annotate`], asserting 201 and returning the annotation's uuid.
    pub async fn annotation(&self, reading: i64, user: &TestUser, kind: &str, exact: &str, extra: Value) -> String {
        let response = self.annotate(reading, user, kind, exact, extra).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
        uuid_of(&response.json())
    }

    /// How many annotations the reading has, whoever wrote them.
    pub async fn count_annotations(&self) -> i64 {
        let (n,): (i64,) =
            store::query_as("SELECT count(*) FROM annotations").fetch_one(&self.state.db).await.expect("count");
        n
    }

    /// A browser signed in as `user`.
    pub async fn browser(&self, user: &TestUser) -> Browser<'_> {
        let form = format!("email={}&password={}", user.email, PASSWORD.replace(' ', "+"));
        let response = self.send(form_request("/login", &form, None)).await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.text);
        let cookie = response.header("set-cookie").split(';').next().expect("cookie").to_owned();
        let mut browser = Browser { app: self, cookie, csrf: String::new() };
        let home = browser.get("/").await;
        browser.csrf = meta_or_field_csrf(&home.text);
        browser
    }
}

pub fn uuid_of(annotation: &Value) -> String {
    annotation["id"].as_str().and_then(|id| id.rsplit('/').next()).expect("annotation id").to_owned()
}

fn form_request(path: &str, form: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, "counterpoint.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(form.to_owned())).expect("request")
}

fn meta_or_field_csrf(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse("input[name=csrf]").expect("selector");
    doc.select(&selector).next().and_then(|e| e.value().attr("value")).unwrap_or_default().to_owned()
}

/// `GET path` as `user` (their Bearer token), with `headers` besides.
pub fn bearer_get(path: &str, user: &TestUser, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::builder()
        .uri(path)
        .header(header::HOST, "counterpoint.test")
        .header(header::AUTHORIZATION, format!("Bearer {}", user.token));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).expect("request")
}

/// A browser: carries the session cookie and sends forms with the CSRF token.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookie: String,
    pub csrf: String,
}

impl Browser<'_> {
    pub async fn get(&self, path: &str) -> TestResponse {
        let request = Request::builder()
            .uri(path)
            .header(header::HOST, "counterpoint.test")
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .expect("request");
        self.app.send(request).await
    }

    /// Posts a form; the CSRF token is added unless the form has its own `csrf`.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            fields.push(("csrf", &self.csrf));
        }
        let form = serde_urlencoded::to_string(&fields).expect("form");
        self.app.send(form_request(path, &form, Some(&self.cookie))).await
    }
}

/// Whether this run's tests use PostgreSQL: the `api_postgres` target (this suite
/// again, see `tests/api_postgres.rs`), or `COUNTERPOINT_TEST_BACKEND=postgres`.
pub fn on_postgres() -> bool {
    env!("CARGO_CRATE_NAME") == "api_postgres"
        || std::env::var("COUNTERPOINT_TEST_BACKEND").as_deref() == Ok("postgres")
}

/// True (and says so) when a test of SQLite itself, `what`, is asked to run on
/// PostgreSQL, where it has no meaning; the test then returns.
pub fn sqlite_only(what: &str) -> bool {
    let skip = on_postgres();
    if skip {
        eprintln!("not run on PostgreSQL: {what} is SQLite's own");
    }
    skip
}

/// True (and says so) when a test of PostgreSQL itself, `what`, is asked to run on
/// SQLite, where it has no meaning; the test then returns.
pub fn postgres_only(what: &str) -> bool {
    let skip = !on_postgres();
    if skip {
        eprintln!("not run on SQLite: {what} is PostgreSQL's own");
    }
    skip
}

/// A fresh database for one test: an SQLite file in `dir`, or a schema of its own on PostgreSQL.
async fn database(dir: &TempDir) -> std::path::PathBuf {
    if on_postgres() {
        let Some(url) = counterpoint::fixtures::postgres_url() else {
            // Every test of this run would need the cluster: the run ends here, having
            // said (above) that it did not run. Under CI=true `postgres_url` failed instead.
            eprintln!("SKIPPED: the API suite on PostgreSQL (api_postgres) did not run");
            std::process::exit(0);
        };
        let schema = counterpoint::fixtures::fresh_postgres_schema(&url).await.expect("a fresh schema");
        return schema.url.into();
    }
    dir.path().join("test.db")
}
