//! Configuration: from flags or `COUNTERPOINT_*` environment variables.

mod quotas;

pub use quotas::Quotas;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// The SQLite database file.
    pub db: PathBuf,
    /// Where `serve` listens.
    pub bind: SocketAddr,
    /// The public base URL (`https://counterpoint.example.edu`) used in IRIs;
    /// without it, IRIs are built from the request's `Host`.
    pub base_url: Option<String>,
    /// Per-user rate limits (`COUNTERPOINT_RATE_LIMIT=off` turns them off).
    pub rate_limit: bool,
    /// How many annotations one user may create per minute.
    pub annotations_per_minute: u32,
    /// The folder static files are served from: by default the embedded
    /// `static/` written out with compressed copies (`web::assets::prepare`).
    pub static_dir: PathBuf,
    /// Whether cookies get the `Secure` attribute (on when `base_url` is https).
    pub secure_cookies: bool,
    /// Bounds on passages, annotations, imports and readings, and on heavy tasks.
    pub quotas: Quotas,
}

impl Config {
    /// A configuration for tests and tools: a database at `db`, defaults elsewhere.
    #[must_use]
    pub fn for_db(db: PathBuf) -> Self {
        Self {
            db,
            bind: SocketAddr::from(([127, 0, 0, 1], 3000)),
            base_url: None,
            rate_limit: true,
            annotations_per_minute: DEFAULT_ANNOTATIONS_PER_MINUTE,
            static_dir: default_static_dir(),
            secure_cookies: false,
            quotas: Quotas::default(),
        }
    }
}

/// Generous: a script posting a few hundred annotations is not stopped.
pub const DEFAULT_ANNOTATIONS_PER_MINUTE: u32 = 1_000;

/// The embedded static files, written out once with their compressed copies;
/// `static/` beside the crate's manifest if that fails.
#[must_use]
pub fn default_static_dir() -> PathBuf {
    crate::web::assets::prepare().unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("static"))
}
