//! `serve` and `demo`'s connection settings (`server`): timeouts and caps, from
//! flags or `COUNTERPOINT_*` variables. Trusted proxies (`--trusted-proxy`) are
//! set beside them in `ServeArgs` and exempt from the per-address cap.

use crate::config::ConnectionLimits;
use clap::Args;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct ConnectionArgs {
    /// Seconds a request's head (request line and headers) may take to arrive.
    #[arg(long, env = "COUNTERPOINT_HEADER_TIMEOUT", value_parser = clap::value_parser!(u64).range(1..=300),
          default_value_t = ConnectionLimits::default().header_timeout.as_secs())]
    pub header_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request (at most 75).
    #[arg(long, env = "COUNTERPOINT_IDLE_TIMEOUT", value_parser = clap::value_parser!(u64).range(1..=75),
          default_value_t = ConnectionLimits::default().idle_timeout.as_secs())]
    pub idle_timeout: u64,
    /// Requests one connection may carry before the server closes it.
    #[arg(long, env = "COUNTERPOINT_MAX_REQUESTS_PER_CONNECTION", value_parser = clap::value_parser!(u32).range(1..),
          default_value_t = ConnectionLimits::default().max_requests_per_connection)]
    pub max_requests_per_connection: u32,
    /// Connections open at once; beyond it a new one is answered 503 and closed.
    #[arg(long, env = "COUNTERPOINT_MAX_CONNECTIONS", value_parser = at_least_one,
          default_value_t = ConnectionLimits::default().max_connections)]
    pub max_connections: usize,
    /// Connections open at once from one client address (`--trusted-proxy` exempt).
    #[arg(long, env = "COUNTERPOINT_MAX_CONNECTIONS_PER_ADDRESS", value_parser = at_least_one,
          default_value_t = ConnectionLimits::default().max_connections_per_address)]
    pub max_connections_per_address: usize,
}

impl ConnectionArgs {
    /// The limits these settings give.
    #[must_use]
    pub fn limits(&self) -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(self.header_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            max_requests_per_connection: self.max_requests_per_connection,
            max_connections: self.max_connections,
            max_connections_per_address: self.max_connections_per_address,
        }
    }
}

fn at_least_one(value: &str) -> Result<usize, String> {
    match value.parse() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{value:?} is not a whole number of at least 1")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        connections: ConnectionArgs,
    }

    fn parse(args: &[&str]) -> Result<ConnectionArgs, clap::Error> {
        Flags::try_parse_from(std::iter::once("serve").chain(args.iter().copied())).map(|f| f.connections)
    }

    #[test]
    fn the_defaults_are_the_documented_limits() {
        let args = parse(&[]).map_err(|e| e.to_string());
        assert_eq!(args.map(|a| a.limits()), Ok(ConnectionLimits::default()));
    }

    #[test]
    fn out_of_range_settings_are_refused() {
        for bad in [
            &["--idle-timeout", "76"][..],
            &["--header-timeout", "0"],
            &["--max-connections", "0"],
            &["--max-connections-per-address", "many"],
            &["--max-requests-per-connection", "0"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
