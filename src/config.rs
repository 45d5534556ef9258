//! Configuration: from flags or `COUNTERPOINT_*` environment variables.

mod quotas;

pub use quotas::Quotas;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Config {
    /// The database: an SQLite file, or a `postgres://` URL.
    pub db: PathBuf,
    /// Where `serve` listens.
    pub bind: SocketAddr,
    /// The public base URL (`https://counterpoint.example.edu`) used in IRIs;
    /// without it, IRIs are built from the request's `Host`.
    pub base_url: Option<String>,
    /// Per-user rate limits (`COUNTERPOINT_RATE_LIMIT=off` turns them off).
    pub rate_limit: bool,
    /// The numbers behind the rate limits (`web::limits`).
    pub rates: RateSettings,
    /// A folder to serve static files from instead of the copies embedded in the
    /// binary (for working on them without rebuilding).
    pub static_dir: Option<PathBuf>,
    /// Reverse proxies whose `X-Forwarded-For` is believed for the client's address.
    pub trusted_proxies: Vec<IpAddr>,
    /// How many live event streams one user may hold open at once.
    pub streams_per_user: usize,
    /// How long one event stream lasts before the browser is asked to reconnect
    /// (and so to pass the access check again).
    pub stream_lifetime: std::time::Duration,
    /// Whether cookies get the `Secure` attribute (on when `base_url` is https).
    pub secure_cookies: bool,
    /// Who may register on the sign-up page.
    pub registration: crate::domain::Registration,
    /// The SMTP server that mails password-reset links (`smtp://host:25`,
    /// `smtp://user:pass@host:587?tls=required`, `smtps://host`); without it,
    /// links come from an instructor or the command line.
    pub smtp_url: Option<String>,
    /// The sender of those mails.
    pub smtp_from: String,
    /// Bounds on passages, annotations, imports and readings, and on heavy tasks.
    pub quotas: Quotas,
    /// How much one search may ask for.
    pub search: crate::search::SearchLimits,
    /// How long connections may take and how many may be open (`server`).
    pub connections: ConnectionLimits,
}

/// The limits that keep slow, idle or numerous connections from exhausting the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request's head (request line and headers) must arrive within this,
    /// counted from its first byte (or from the connection's opening).
    pub header_timeout: Duration,
    /// A kept-alive connection with no request in flight is closed after this.
    pub idle_timeout: Duration,
    /// The last response on a connection carries `Connection: close` after this many requests.
    pub max_requests_per_connection: u32,
    /// Open connections in all; beyond it a new one is answered 503 and closed.
    pub max_connections: usize,
    /// Open connections from one client address (`Config::trusted_proxies` exempt).
    pub max_connections_per_address: usize,
}

impl Default for ConnectionLimits {
    /// nginx's `keepalive_timeout` is 75 s and `keepalive_requests` 1000; the
    /// header timeout is short because an honest head arrives in one packet.
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_requests_per_connection: 1_000,
            max_connections: 10_000,
            // A class behind one school NAT address: about 70 browsers with a
            // few connections and an event stream each.
            max_connections_per_address: 512,
        }
    }
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
            rates: RateSettings::default(),
            static_dir: None,
            trusted_proxies: Vec::new(),
            streams_per_user: DEFAULT_STREAMS_PER_USER,
            stream_lifetime: std::time::Duration::from_secs(DEFAULT_STREAM_LIFETIME_SECONDS),
            secure_cookies: false,
            registration: crate::domain::Registration::Open,
            smtp_url: None,
            smtp_from: DEFAULT_SMTP_FROM.to_owned(),
            quotas: Quotas::default(),
            search: crate::search::SearchLimits::default(),
            connections: ConnectionLimits::default(),
        }
    }
}

/// The sender of password-reset mails unless `--smtp-from` says otherwise.
pub const DEFAULT_SMTP_FROM: &str = "Counterpoint <counterpoint@localhost>";

/// Ten tabs on one reading, or one on each of ten.
pub const DEFAULT_STREAMS_PER_USER: usize = 10;
/// An hour: a lecture's page reconnects about once.
pub const DEFAULT_STREAM_LIFETIME_SECONDS: u64 = 60 * 60;

const DEFAULT_ANNOTATIONS_PER_MINUTE: u32 = 1_000;
const DEFAULT_WRITES_PER_MINUTE: u32 = 120;
const DEFAULT_IMPORTS_PER_HOUR: u32 = 60;
const DEFAULT_REGISTRATIONS_PER_HOUR: u32 = 200;
const DEFAULT_SIGN_IN_FAILURES_PER_ACCOUNT: u32 = 10;
const DEFAULT_SIGN_IN_FAILURES_PER_ADDRESS: u32 = 100;

/// The rate limits' allowances (all per window; `COUNTERPOINT_RATE_LIMIT=off` turns them all off).
/// Generous enough for a script posting a few hundred annotations and a lecture hall
/// signing in from one address; tight enough that one account cannot flood the server.
#[derive(Debug, Clone, clap::Args)]
pub struct RateSettings {
    /// Annotations one user may create per minute.
    #[arg(long, env = "COUNTERPOINT_ANNOTATIONS_PER_MINUTE", default_value_t = DEFAULT_ANNOTATIONS_PER_MINUTE)]
    pub annotations_per_minute: u32,
    /// Other writes (replies, edits, deletes, links, feedback, settings) one user may make per minute.
    #[arg(long, env = "COUNTERPOINT_WRITES_PER_MINUTE", default_value_t = DEFAULT_WRITES_PER_MINUTE)]
    pub writes_per_minute: u32,
    /// Readings added and annotation imports one user may make per hour.
    #[arg(long, env = "COUNTERPOINT_IMPORTS_PER_HOUR", default_value_t = DEFAULT_IMPORTS_PER_HOUR)]
    pub imports_per_hour: u32,
    /// Registrations from one client address per hour.
    #[arg(long, env = "COUNTERPOINT_REGISTRATIONS_PER_HOUR", default_value_t = DEFAULT_REGISTRATIONS_PER_HOUR)]
    pub registrations_per_hour: u32,
    /// Failed sign-ins for one account per 15 minutes.
    #[arg(long, env = "COUNTERPOINT_SIGN_IN_FAILURES_PER_ACCOUNT", default_value_t = DEFAULT_SIGN_IN_FAILURES_PER_ACCOUNT)]
    pub sign_in_failures_per_account: u32,
    /// Failed sign-ins from one client address per 15 minutes (successes do not count).
    #[arg(long, env = "COUNTERPOINT_SIGN_IN_FAILURES_PER_ADDRESS", default_value_t = DEFAULT_SIGN_IN_FAILURES_PER_ADDRESS)]
    pub sign_in_failures_per_address: u32,
}

impl Default for RateSettings {
    fn default() -> Self {
        Self {
            annotations_per_minute: DEFAULT_ANNOTATIONS_PER_MINUTE,
            writes_per_minute: DEFAULT_WRITES_PER_MINUTE,
            imports_per_hour: DEFAULT_IMPORTS_PER_HOUR,
            registrations_per_hour: DEFAULT_REGISTRATIONS_PER_HOUR,
            sign_in_failures_per_account: DEFAULT_SIGN_IN_FAILURES_PER_ACCOUNT,
            sign_in_failures_per_address: DEFAULT_SIGN_IN_FAILURES_PER_ADDRESS,
        }
    }
}
