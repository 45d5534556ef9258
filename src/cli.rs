//! The command line (DESIGN.md): `serve`, `demo`, `user add`, `token create`,
//! `import`, `export`, `backup`, `restore`, `copy-to`. `main.rs` parses and calls [`run`].

mod connections;
mod copy_to;
mod lti;
mod restore;

pub use connections::ConnectionArgs;
pub use lti::LtiCommand;

use crate::accounts::{create_account, create_token};
use crate::config::{Config, RateSettings};
use crate::db::{self, courses, readings, users};
use crate::domain::Title;
use crate::error::Error;
use crate::export::{ExportFormat, export_course};
use crate::formats::w3c::Iris;
use crate::text::import::{self, SourceFormat};
use anyhow::{Context, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(name = "counterpoint", version, about = "Annotate the arguments in a reading.")]
pub struct Cli {
    /// The database: an SQLite file, created if needed, or a postgres:// URL (see the README).
    #[arg(long, global = true, env = "COUNTERPOINT_DB", default_value = "counterpoint.db")]
    pub db: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create or migrate the database and serve.
    Serve(ServeArgs),
    /// Serve a fresh demo database with a course, four accounts and an annotated reading.
    Demo(ServeArgs),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Import a reading (.md, .txt, .html, or .pdf: its text layer, the file kept as the original) into a course.
    Import {
        file: PathBuf,
        #[arg(long)]
        course: i64,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, default_value = "")]
        author: String,
    },
    /// Export a course's annotations (those instructors can see).
    Export {
        #[arg(long)]
        course: i64,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Only this reading of the course.
        #[arg(long)]
        reading: Option<i64>,
        #[arg(long)]
        out: Option<PathBuf>,
        /// The base URL the IRIs are built on.
        #[arg(long, env = "COUNTERPOINT_BASE_URL", default_value = "http://127.0.0.1:3000")]
        base_url: String,
    },
    /// Write a consistent copy of the live database to FILE.
    Backup { file: PathBuf },
    /// Import W3C annotations (a collection, page or array in a JSON file) into a reading, as an instructor.
    ImportAnnotations {
        file: PathBuf,
        #[arg(long)]
        reading: i64,
        #[arg(long = "as")]
        email: String,
        #[arg(long, env = "COUNTERPOINT_BASE_URL", default_value = "http://127.0.0.1:3000")]
        base_url: String,
    },
    /// Replace the database with a backup (checked first; stop the server before).
    Restore { file: PathBuf },
    /// Copy the SQLite database (--db) whole into an empty PostgreSQL database, checked table by table.
    CopyTo {
        /// The PostgreSQL database to fill: postgres://user@host/db (it must hold no rows).
        target: String,
    },
    /// LTI 1.3: register the LMSs that launch Counterpoint; rotate the tool's key.
    #[command(subcommand)]
    Lti(LtiCommand),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[arg(long, env = "COUNTERPOINT_BIND", default_value = "127.0.0.1:3000")]
    pub bind: String,
    /// The public base URL, e.g. https://counterpoint.example.edu (IRIs, secure cookies).
    #[arg(long, env = "COUNTERPOINT_BASE_URL")]
    pub base_url: Option<String>,
    /// `off` turns the per-user rate limits off.
    #[arg(long, env = "COUNTERPOINT_RATE_LIMIT", default_value = "on")]
    pub rate_limit: String,
    /// Serve static files from this folder instead of the copies in the binary.
    #[arg(long, env = "COUNTERPOINT_STATIC")]
    pub static_dir: Option<PathBuf>,
    /// Reverse proxies (comma-separated IP addresses) whose `X-Forwarded-For` is believed.
    #[arg(long, env = "COUNTERPOINT_TRUSTED_PROXY", default_value = "")]
    pub trusted_proxy: String,
    /// Live event streams one user may hold open at once.
    #[arg(long, env = "COUNTERPOINT_STREAMS_PER_USER", default_value_t = crate::config::DEFAULT_STREAMS_PER_USER)]
    pub streams_per_user: usize,
    /// Seconds an event stream lasts before the page reconnects (and is checked again).
    #[arg(long, env = "COUNTERPOINT_STREAM_LIFETIME", default_value_t = crate::config::DEFAULT_STREAM_LIFETIME_SECONDS)]
    pub stream_lifetime: u64,
    #[command(flatten)]
    pub rates: RateSettings,
    /// Who may register: open, closed, or domain:example.edu.
    #[arg(long, env = "COUNTERPOINT_REGISTRATION", default_value = "open")]
    pub registration: crate::domain::Registration,
    /// The SMTP server for "forgot password" mails, e.g. smtp://mail.example.edu:587?tls=required (needs --base-url).
    #[arg(long, env = "COUNTERPOINT_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of those mails.
    #[arg(long, env = "COUNTERPOINT_SMTP_FROM", default_value = crate::config::DEFAULT_SMTP_FROM)]
    pub smtp_from: String,
    #[command(flatten)]
    pub quotas: crate::config::Quotas,
    #[command(flatten)]
    pub search: crate::search::SearchLimits,
    #[command(flatten)]
    pub connections: ConnectionArgs,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Make the account a site administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Make an existing account a site administrator.
    Promote {
        #[arg(long)]
        email: String,
        #[arg(long, required = true)]
        admin: bool,
    },
    /// Print a one-time link (valid 24 hours) that lets the account choose a new password.
    ResetPassword {
        #[arg(long)]
        email: String,
        /// The server's public base URL, which the link starts with.
        #[arg(long, env = "COUNTERPOINT_BASE_URL", default_value = "http://127.0.0.1:3000")]
        base_url: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Print a new personal API token for the user, alone on standard output.
    Create {
        #[arg(long)]
        email: String,
    },
}

impl ServeArgs {
    fn config(&self, db: PathBuf) -> anyhow::Result<Config> {
        let bind: SocketAddr =
            self.bind.parse().map_err(|_| anyhow!("--bind {:?} is not an address like 127.0.0.1:3000", self.bind))?;
        let rate_limit = match self.rate_limit.to_ascii_lowercase().as_str() {
            "off" | "false" | "0" => false,
            "on" | "true" | "1" => true,
            other => bail!("COUNTERPOINT_RATE_LIMIT must be on or off, not {other:?}"),
        };
        let base_url = self.base_url.as_ref().map(|u| u.trim_end_matches('/').to_owned());
        Ok(Config {
            db,
            bind,
            secure_cookies: base_url.as_ref().is_some_and(|u| u.starts_with("https://")),
            base_url,
            rate_limit,
            rates: self.rates.clone(),
            static_dir: self.static_dir.clone(),
            trusted_proxies: trusted_proxies(&self.trusted_proxy)?,
            streams_per_user: self.streams_per_user,
            stream_lifetime: std::time::Duration::from_secs(self.stream_lifetime),
            registration: self.registration.clone(),
            smtp_url: self.smtp_url.clone(),
            smtp_from: self.smtp_from.clone(),
            quotas: self.quotas.clone(),
            search: self.search,
            connections: self.connections.limits(),
        })
    }
}

/// `10.0.0.1, 10.0.0.2` (spaces and an empty list allowed) as addresses.
fn trusted_proxies(list: &str) -> anyhow::Result<Vec<std::net::IpAddr>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().map_err(|_| anyhow!("--trusted-proxy {s:?} is not an IP address")))
        .collect()
}

/// Runs one command.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let config = args.config(cli.db)?;
            crate::app::serve(config, |address| println!("Counterpoint is serving at {address}")).await
        }
        Command::Demo(args) => crate::demo::run(args.config(cli.db)?).await,
        Command::User(UserCommand::Add { email, name, password_stdin: _, admin }) => {
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password).context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\n', '\r']);
            let pool = db::connect(&cli.db).await?;
            let id = create_account(&pool, &email, &name, password).await.map_err(|e| anyhow!("{e}"))?;
            if admin {
                users::set_admin(&pool, id, true).await?;
            }
            let what = if admin { "administrator account" } else { "account" };
            eprintln!("created {what} {id} for {}", email.trim());
            Ok(())
        }
        Command::User(UserCommand::Promote { email, admin: _ }) => {
            let pool = db::connect(&cli.db).await?;
            let user = users::find_by_email(&pool, &email)
                .await?
                .ok_or_else(|| anyhow!("no account has the email {email:?}"))?;
            users::set_admin(&pool, user.id, true).await?;
            eprintln!("{} is now a site administrator", user.email);
            Ok(())
        }
        Command::User(UserCommand::ResetPassword { email, base_url }) => {
            let pool = db::connect(&cli.db).await?;
            let user = users::find_by_email(&pool, &email)
                .await?
                .ok_or_else(|| anyhow!("no account has the email {email:?}"))?;
            let (link, expires) =
                crate::accounts::reset_link(&pool, user.id, &base_url).await.map_err(|e| anyhow!("{e}"))?;
            println!("{link}");
            eprintln!("the link works once, until {expires}");
            Ok(())
        }
        Command::Token(TokenCommand::Create { email }) => {
            let pool = db::connect(&cli.db).await?;
            let user = users::find_by_email(&pool, &email)
                .await?
                .ok_or_else(|| anyhow!("no account has the email {email:?}"))?;
            let token = create_token(&pool, user.id, "command line").await.map_err(|e| anyhow!("{e}"))?;
            println!("{token}");
            Ok(())
        }
        Command::Import { file, course, title, author } => {
            let pool = db::connect(&cli.db).await?;
            let id = import_reading_file(&pool, &file, course, title.as_deref(), &author).await?;
            println!("{id}");
            eprintln!("imported {} as reading {id}", file.display());
            Ok(())
        }
        Command::Export { course, format, reading, out, base_url } => {
            let pool = db::connect(&cli.db).await?;
            let iris = Iris { base: base_url.trim_end_matches('/').to_owned() };
            let export = export_course(&pool, course, reading, format, &iris).await.map_err(|e| match e {
                Error::NotFound => anyhow!("no course has the id {course}"),
                other => anyhow!("{other}"),
            })?;
            match out {
                Some(path) => {
                    std::fs::write(&path, export.body).with_context(|| format!("cannot write {}", path.display()))
                }
                None => {
                    println!("{}", export.body);
                    Ok(())
                }
            }
        }
        Command::ImportAnnotations { file, reading, email, base_url } => {
            let pool = db::connect(&cli.db).await?;
            let iris = Iris { base: base_url.trim_end_matches('/').to_owned() };
            let report =
                crate::annotation_import::import_annotations_file(&pool, &file, reading, &email, &iris).await?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Command::Backup { file } => {
            let pool = db::connect(&cli.db).await?;
            backup(&pool, &file).await
        }
        Command::Restore { file } => restore::restore(&cli.db, &file).await,
        Command::CopyTo { target } => copy_to::copy_to(&cli.db, &target).await,
        Command::Lti(command) => lti::run(&cli.db, command).await,
    }
}

/// Imports a reading from a file into a course (`counterpoint import`), choosing the format by its extension.
pub async fn import_reading_file(
    pool: &crate::db::Db,
    file: &Path,
    course: i64,
    title: Option<&str>,
    author: &str,
) -> anyhow::Result<i64> {
    let format = match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("md" | "markdown") => SourceFormat::Markdown,
        Some("txt" | "text") => SourceFormat::Text,
        Some("html" | "htm") => SourceFormat::Html,
        Some("pdf") => return import_pdf(pool, file, course, title, author).await,
        _ => bail!("{}: use a .md, .txt, .html or .pdf file", file.display()),
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let source = String::from_utf8(bytes).map_err(|_| anyhow!("{} is not UTF-8 text", file.display()))?;
    courses::find_course(pool, course).await?.ok_or_else(|| anyhow!("no course has the id {course}"))?;
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("Untitled");
    let title = Title::parse(title.unwrap_or(stem)).map_err(|e| anyhow!("{e}"))?;
    let doc = import::import(format, &source).map_err(|e| anyhow!("{}: {e}", file.display()))?;
    Ok(readings::insert_reading(pool, course, &title, author.trim(), format, &source, &doc).await?)
}

/// Imports a PDF (its text layer) with the default PDF limits, keeping the file as the original.
async fn import_pdf(
    pool: &crate::db::Db,
    file: &Path,
    course: i64,
    title: Option<&str>,
    author: &str,
) -> anyhow::Result<i64> {
    let limits = crate::pdf::PdfLimits::default();
    let size = std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?.len();
    if usize::try_from(size).unwrap_or(usize::MAX) > limits.max_bytes {
        bail!("{}: the file is {size} bytes; the limit is {} bytes", file.display(), limits.max_bytes);
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    courses::find_course(pool, course).await?.ok_or_else(|| anyhow!("no course has the id {course}"))?;
    if let Some(title) = title {
        Title::parse(title).map_err(|e| anyhow!("{e}"))?;
    }
    let read = tokio::task::spawn_blocking(move || crate::pdf::read(&bytes, limits).map(|read| (read, bytes)))
        .await?
        .map_err(|e| anyhow!("{}: {e}", file.display()))?;
    let (read, bytes) = read;
    let file_name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let title = crate::pdf::title_for(title.unwrap_or_default(), read.title.as_deref(), file_name);
    let original = crate::db::originals::NewOriginal {
        sha256: &read.sha256,
        media_type: crate::pdf::MEDIA_TYPE,
        file_name,
        bytes: &bytes,
    };
    Ok(crate::db::originals::insert_reading_with_original(pool, course, &title, author.trim(), &read.doc, original)
        .await?)
}

/// `VACUUM INTO`: a consistent, compact copy, safe while the server writes.
async fn backup(pool: &crate::db::Db, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("{} already exists; choose a new file", file.display());
    }
    let path = file.to_str().ok_or_else(|| anyhow!("the backup path must be UTF-8"))?;
    crate::db::backup_to(pool, path).await.with_context(|| format!("cannot write {}", file.display()))?;
    eprintln!("backed up to {}", file.display());
    Ok(())
}
