//! LTI 1.3 against a simulated LMS on loopback: launches, refusals, deep
//! linking, roster sync and grades. The tool is driven in-process; its calls to
//! the LMS (JWKS, token, NRPS, AGS) go over real sockets.

mod cli;
mod launches;
mod platform;
mod refusals;
mod services;

use crate::support::{Browser, TestApp, TestResponse};
use axum::body::Body;
use axum::http::{Method, Request, header};
use counterpoint::db::lti::NewPlatform;
use counterpoint::db::store;
use platform::{CLIENT_ID, DEPLOYMENT_ID, ISSUER, LaunchSpec, Platform};

/// An app and a simulated LMS registered with it.
pub struct Lms {
    pub app: TestApp,
    pub platform: Platform,
}

/// The answer of one login-and-launch, and what it carried.
pub struct Launched {
    pub response: TestResponse,
    /// The form the LMS posted: `(state, id_token)`.
    pub form: (String, String),
    /// The state cookie the login set (`name=value`).
    pub state_cookie: String,
}

impl Launched {
    /// The session cookie the launch set, if it signed anyone in.
    pub fn session(&self) -> Option<String> {
        self.response
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("cp_session=") && !c.starts_with("cp_session=;"))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    }

    pub fn location(&self) -> &str {
        self.response.header("location")
    }
}

impl Lms {
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    pub async fn with_config(adjust: impl FnOnce(&mut counterpoint::config::Config)) -> Self {
        let app = TestApp::with_config(adjust).await;
        let platform = Platform::start().await;
        let url = &platform.url;
        let new = NewPlatform {
            issuer: ISSUER,
            client_id: CLIENT_ID,
            deployment_id: DEPLOYMENT_ID,
            auth_url: &format!("{url}/auth"),
            jwks_url: &format!("{url}/jwks"),
            token_url: &format!("{url}/token"),
        };
        counterpoint::lti::register(&app.state.db, &new).await.expect("register");
        let jwks = app.send(get("/lti/jwks.json")).await;
        *platform.state.tool_jwks.lock().expect("lock") = jwks.json();
        Self { app, platform }
    }

    /// The login initiation: the LMS sends the browser to `/lti/login`.
    pub async fn login(&self) -> TestResponse {
        let query = serde_urlencoded::to_string([
            ("iss", ISSUER),
            ("login_hint", "hint-1"),
            ("target_link_uri", "http://counterpoint.test/lti/launch"),
            ("lti_message_hint", "message-hint"),
            ("client_id", CLIENT_ID),
            ("lti_deployment_id", DEPLOYMENT_ID),
        ])
        .expect("query");
        self.app.send(get(&format!("/lti/login?{query}"))).await
    }

    /// Follows the login to the LMS's auth endpoint: the state cookie and the form the LMS posts back.
    pub async fn authenticate(&self, spec: LaunchSpec) -> (String, (String, String)) {
        self.platform.set_next(spec);
        let login = self.login().await;
        assert_eq!(login.status, 303, "{}", login.text);
        let state_cookie = login.header("set-cookie").split(';').next().expect("cookie").to_owned();
        let page = reqwest::get(login.header("location")).await.expect("auth").text().await.expect("body");
        let doc = scraper::Html::parse_document(&page);
        let field = |name: &str| {
            let selector = scraper::Selector::parse(&format!("input[name={name}]")).expect("selector");
            doc.select(&selector).next().and_then(|e| e.value().attr("value")).unwrap_or_default().to_owned()
        };
        (state_cookie, (field("state"), field("id_token")))
    }

    /// Posts a launch form as the LMS's page does: cross-site, with whatever cookie the browser holds.
    pub async fn post_launch(&self, form: &(String, String), cookie: Option<&str>) -> TestResponse {
        let body = serde_urlencoded::to_string([("state", &form.0), ("id_token", &form.1)]).expect("form");
        let mut request = Request::builder()
            .method(Method::POST)
            .uri("/lti/launch")
            .header(header::HOST, "counterpoint.test")
            .header(header::ORIGIN, &self.platform.url)
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.app.send(request.body(Body::from(body)).expect("request")).await
    }

    /// A whole launch for `spec`.
    pub async fn launch(&self, spec: LaunchSpec) -> Launched {
        let (state_cookie, form) = self.authenticate(spec).await;
        let response = self.post_launch(&form, Some(&state_cookie)).await;
        Launched { response, form, state_cookie }
    }

    /// A browser signed in by a launch.
    pub async fn browser(&self, launched: &Launched) -> Browser<'_> {
        let cookie = launched.session().expect("a session");
        let mut browser = Browser { app: &self.app, cookie, csrf: String::new() };
        let home = browser.get("/").await;
        let doc = home.html();
        let selector = scraper::Selector::parse("input[name=csrf]").expect("selector");
        browser.csrf =
            doc.select(&selector).next().and_then(|e| e.value().attr("value")).unwrap_or_default().to_owned();
        browser
    }

    /// How many accounts, courses and memberships exist.
    pub async fn counts(&self) -> (i64, i64, i64) {
        let db = &self.app.state.db;
        let count = |table: &'static str| async move {
            let (n,): (i64,) =
                store::query_as(format!("SELECT count(*) FROM {table}")).fetch_one(db).await.expect("count");
            n
        };
        (count("users").await, count("courses").await, count("memberships").await)
    }
}

pub fn get(path: &str) -> Request<Body> {
    Request::get(path).header(header::HOST, "counterpoint.test").body(Body::empty()).expect("request")
}
