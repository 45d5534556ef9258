//! Serving connections with limits, so that slow, idle or numerous clients cannot
//! exhaust the process: a cap on open connections (in all and per client
//! address), a deadline for each request's head, an idle timeout on kept-alive
//! connections, a cap on requests per connection, and a graceful shutdown.
//!
//! `axum::serve` has none of these limits, so connections are served here with
//! hyper's HTTP/1.1 connection builder, as axum's `serve-with-hyper` example does;
//! [`connection`] says why hyper's own `header_read_timeout` is not used.

mod admission;
mod connection;

use crate::config::ConnectionLimits;
use admission::Admission;
use axum::Router;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the server answers a connection beyond a cap, before closing it: clearer
/// to a browser or a script than a reset, and written without waiting for the
/// client, so a flood of refused connections costs one write each.
const REFUSED: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n\
    Content-Type: text/plain; charset=utf-8\r\nContent-Length: 33\r\n\r\nToo many connections; try again.\n";

/// Descriptors kept for the database, its log and the listener, beyond connections.
const RESERVED_DESCRIPTORS: u64 = 64;

/// Serves `router` on `listener` until `shutdown` completes, then stops
/// accepting, lets the requests in flight finish and returns once every
/// connection is closed.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    trusted_proxies: Vec<IpAddr>,
    shutdown: impl Future<Output = ()>,
) {
    let admission = Admission::new(limits.max_connections, limits.max_connections_per_address, trusted_proxies);
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    accept_failed(&error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        match admission.admit(peer.ip()) {
            Some(ticket) => {
                let connection = connection::Connection::new(router.clone(), peer, limits.clone(), ticket);
                tokio::spawn(connection.serve(stream, stopping.clone()));
            }
            None => refuse(&stream),
        }
    }
    drop((listener, stopping));
    // Every connection task holds a receiver: `closed` resolves when the last one ends.
    let _ = stop.send(true);
    stop.closed().await;
}

/// Answers 503 if the socket takes it at once, then closes the connection.
fn refuse(stream: &TcpStream) {
    let _ = stream.try_write(REFUSED);
    // Read what the client has already sent (a little, without waiting): a socket
    // closed with unread bytes sends a reset, which can destroy the 503 unread.
    let mut discard = [0; 4096];
    for _ in 0..16 {
        if !matches!(stream.try_read(&mut discard), Ok(n) if n > 0) {
            break;
        }
    }
}

/// A client that gave up before being accepted is nothing; anything else (above
/// all `EMFILE`, no descriptor left) is logged and the loop pauses for a moment,
/// as `axum::serve` and hyper do, rather than spinning.
async fn accept_failed(error: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(error.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    tracing::error!("cannot accept a connection: {error}");
    tokio::time::sleep(Duration::from_millis(200)).await;
}

/// Raises the soft limit on open files to the hard limit and lowers the
/// connection cap below what it allows, so the server refuses a connection
/// cleanly instead of failing to accept it. Logs both numbers.
pub fn fit_to_descriptors(limits: &mut ConnectionLimits) {
    let open_files = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(open_files) => open_files,
        Err(error) => {
            tracing::warn!("cannot raise the open-file limit: {error}");
            match rlimit::getrlimit(rlimit::Resource::NOFILE) {
                Ok((soft, _)) => soft,
                Err(_) => return,
            }
        }
    };
    let room = usize::try_from(open_files.saturating_sub(RESERVED_DESCRIPTORS).max(1)).unwrap_or(usize::MAX);
    if limits.max_connections > room {
        tracing::warn!("open-file limit {open_files}: at most {room} connections, not {}", limits.max_connections);
        limits.max_connections = room;
    }
    tracing::info!("open-file limit {open_files}; at most {} connections", limits.max_connections);
}
