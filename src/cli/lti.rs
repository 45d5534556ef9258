//! `counterpoint lti register|list|remove|rotate-key`: the platforms (LMSs)
//! that may launch Counterpoint, and the tool's signing key.

use crate::db::{self, lti as store};
use anyhow::anyhow;
use clap::Subcommand;
use std::path::Path;

#[derive(Subcommand, Debug)]
pub enum LtiCommand {
    /// Register a platform (or add a deployment to one) and print the URLs to paste into the LMS.
    Register {
        /// The platform's issuer (`iss`), e.g. https://canvas.instructure.com.
        #[arg(long)]
        issuer: String,
        /// The client id the LMS gave this tool.
        #[arg(long)]
        client_id: String,
        /// The deployment id the LMS gave this installation of the tool.
        #[arg(long)]
        deployment_id: String,
        /// The platform's OIDC authentication request URL.
        #[arg(long)]
        auth_url: String,
        /// The platform's public keyset (JWKS) URL.
        #[arg(long)]
        jwks_url: String,
        /// The platform's OAuth 2 access token URL.
        #[arg(long)]
        token_url: String,
        /// This server's public base URL, which the tool's URLs start with.
        #[arg(long, env = "COUNTERPOINT_BASE_URL", default_value = "http://127.0.0.1:3000")]
        base_url: String,
    },
    /// List the registered platforms.
    List,
    /// Remove a registered platform (its courses and accounts stay; its launches stop).
    Remove {
        /// The platform's id, as `lti list` shows it.
        id: i64,
    },
    /// Make a new signing key; the old one stays published for a day.
    RotateKey,
}

pub async fn run(db_path: &Path, command: LtiCommand) -> anyhow::Result<()> {
    let pool = db::connect(db_path).await?;
    match command {
        LtiCommand::Register { issuer, client_id, deployment_id, auth_url, jwks_url, token_url, base_url } => {
            let new = store::NewPlatform {
                issuer: issuer.trim(),
                client_id: client_id.trim(),
                deployment_id: deployment_id.trim(),
                auth_url: auth_url.trim(),
                jwks_url: jwks_url.trim(),
                token_url: token_url.trim(),
            };
            let id = crate::lti::register(&pool, &new).await?;
            println!("registered platform {id}: {} (client id {})", new.issuer, new.client_id);
            println!("Paste these into the LMS's registration of the tool:");
            for (what, url) in crate::lti::tool_urls(&base_url) {
                println!("  {what}: {url}");
            }
            Ok(())
        }
        LtiCommand::List => {
            let platforms = store::list_platforms(&pool).await?;
            if platforms.is_empty() {
                eprintln!("no platform is registered (counterpoint lti register)");
            }
            for p in platforms {
                println!(
                    "{}\tissuer {}\tclient id {}\tdeployments {}\tauth {}\tjwks {}\ttoken {}",
                    p.id, p.issuer, p.client_id, p.deployments, p.auth_url, p.jwks_url, p.token_url
                );
            }
            Ok(())
        }
        LtiCommand::Remove { id } => {
            if store::remove_platform(&pool, id).await? {
                eprintln!("removed platform {id}");
                Ok(())
            } else {
                Err(anyhow!("no platform has the id {id} (counterpoint lti list)"))
            }
        }
        LtiCommand::RotateKey => {
            let kid = crate::lti::keys::rotate(&pool).await?;
            println!("{kid}");
            eprintln!("the new key {kid} signs from now on; the old ones stay in /lti/jwks.json for a day");
            Ok(())
        }
    }
}
