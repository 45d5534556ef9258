//! The HTTP layer: state, the router assembled from one module per area, and
//! the layers every request passes through.

mod access;
mod api;
pub mod assets;
mod auth;
mod cookies;
mod cors;
mod effects;
mod errors;
pub mod events;
mod forms;
mod health;
mod iris;
pub mod limits;
mod pages;
mod security;
mod snapshots;
mod transfer;

pub use access::{AnnotationAccess, AuthorAccess, CourseAccess, Instructor, ReadingAccess, VisitorAccess};
/// The derived JSON Schemas of the API's bodies (`openapi.json`'s components are checked against them).
pub use api::wire::components as api_schemas;
pub use auth::{CurrentUser, SESSION_COOKIE};

use crate::config::Config;
use crate::db::Db;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

/// Everything a handler may need, behind one reference count: axum clones the
/// state into every middleware layer and extractor of every request, and a
/// clone of the fields themselves cost a dozen atomic counts each time (about a
/// tenth of the server's CPU per annotation create, measured with `perf`).
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

/// What an [`AppState`] holds.
pub struct AppParts {
    pub db: Db,
    pub config: Arc<Config>,
    pub limits: Arc<limits::Limits>,
    /// Live changes of each reading, for the pages open on it.
    pub events: events::EventHub,
    /// Each reading's annotations in memory, for the pages that show them.
    pub snapshots: Arc<snapshots::Snapshots>,
    /// New annotations, stored in groups (see `db::group_commit`).
    pub inserts: crate::db::group_commit::Inserts,
    /// The review pages' parts, derived once per revision of a course or reading.
    pub reviews: Arc<pages::Reviews>,
    /// Mails password-reset links, when `--smtp-url` and `--base-url` are set.
    pub mailer: Option<crate::mail::Mailer>,
    /// Whether the storage takes writes (a full disk, a lock), for `/readyz` and the log.
    pub health: Arc<crate::db::health::Health>,
    /// CPU-heavy work, off the async workers and a few at a time.
    pub offload: crate::offload::Offload,
    /// LTI's calls to the platforms (LMSs), with their cached keys and tokens.
    pub lti: crate::lti::Lti,
    /// Tells open pages whose inbox just received something.
    pub inbox: Arc<crate::inbox::InboxHub>,
}

impl AppState {
    #[must_use]
    pub fn new(db: Db, config: Config) -> Self {
        let limits = Arc::new(limits::Limits::new(config.rate_limit, &config.rates));
        limits::Limits::sweep_every_minute(&limits);
        let mailer = match (&config.smtp_url, &config.base_url) {
            (Some(url), Some(_)) => crate::mail::Mailer::new(url, &config.smtp_from)
                .map_err(|e| tracing::error!("password-reset mails are off: {e:#}"))
                .ok(),
            (Some(_), None) => {
                tracing::error!("password-reset mails are off: --smtp-url needs --base-url for the links");
                None
            }
            _ => None,
        };
        let offload = crate::offload::Offload::new(config.quotas.heavy_tasks);
        Self(Arc::new(AppParts {
            mailer,
            inserts: crate::db::group_commit::Inserts::start(db.clone()),
            db,
            config: Arc::new(config),
            limits,
            events: events::EventHub::default(),
            snapshots: Arc::default(),
            reviews: Arc::default(),
            health: Arc::default(),
            offload,
            lti: crate::lti::Lti::default(),
            inbox: Arc::default(),
        }))
    }
}

impl AppState {
    /// Joins the other servers on `pool`'s PostgreSQL database: from now on what
    /// this one announces (live events, caches to drop, streams to end, inboxes
    /// to recount) reaches their pages too, and theirs reach this one's
    /// ([`events::relay`]). Without it a server announces to its own pages only.
    pub async fn join_other_servers(&self, pool: crate::db::notify::PgPool) -> crate::error::Result<()> {
        events::relay::join(self, pool).await
    }

    /// What the use cases (`crate::annotations`, `crate::readings`, …) need, lent from this state.
    #[must_use]
    pub fn services(&self) -> crate::services::Services<'_> {
        let (db, quotas, offload, inserts, inbox) =
            (&self.db, &self.config.quotas, &self.offload, &self.inserts, &*self.inbox);
        crate::services::Services { db, quotas, offload, inserts, inbox }
    }
}

/// The largest request body: a reading's source (2 MiB) plus form or JSON overhead.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// The whole app: pages, the JSON API and static files.
pub fn router(state: AppState) -> Router {
    let static_files = match &state.config.static_dir {
        Some(dir) => Router::new().fallback_service(ServeDir::new(dir)),
        None => Router::new().route("/{name}", axum::routing::get(assets::serve)),
    };
    Router::new()
        .merge(pages::router())
        .merge(health::router())
        .route("/ns/counterpoint.jsonld", axum::routing::get(api::annotations::counterpoint_context))
        .nest("/api", api::router())
        .nest("/static", static_files)
        .fallback(errors::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), limits::limit_writes))
        .layer(middleware::from_fn_with_state(state.clone(), security::csrf_guard))
        .layer(middleware::from_fn(security::private_answers))
        .layer(middleware::from_fn_with_state(state.clone(), auth::load_session))
        // Inside the error pages, which replace a response and its extensions.
        .layer(middleware::from_fn_with_state(state.clone(), health::watch))
        .layer(middleware::from_fn(errors::render_errors))
        .layer(security::headers())
        .layer(middleware::from_fn(cors::cors))
        // HTML and JSON compressed; static files (already) and event streams left alone.
        .layer(transfer::compression())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30)))
        // Failures are logged once with their cause by `error` (and storage faults once per
        // episode by `db::health`), not again per response here.
        .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)))
        .layer(CatchPanicLayer::custom(errors::panicked))
        .with_state(state)
}
