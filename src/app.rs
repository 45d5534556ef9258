//! Assembling the app: configuration → database pool → router, and serving it.

use crate::config::Config;
use crate::db;
use crate::web::{self, AppState};
use axum::Router;
use tokio::net::TcpListener;

/// Opens the database and builds the router over it.
pub async fn build(config: Config) -> anyhow::Result<(Router, AppState)> {
    let pool = db::connect(&config.db).await?;
    match db::sessions::delete_expired(&pool).await {
        // A full disk or a lock must not stop a server that can still serve reads.
        Err(e) if db::fault::Fault::of(&e).is_some() => tracing::warn!("expired sessions not deleted: {e}"),
        other => {
            other?;
        }
    }
    let state = AppState::new(pool, config);
    Ok((web::router(state.clone()), state))
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests in flight and closes the database.
pub async fn serve(mut config: Config, on_ready: impl FnOnce(&str)) -> anyhow::Result<()> {
    crate::server::fit_to_descriptors(&mut config.connections);
    let (bind, limits, trusted_proxies) = (config.bind, config.connections.clone(), config.trusted_proxies.clone());
    let (router, state) = build(config).await?;
    // Here rather than in `build`: tests drive the router and run the pushes themselves.
    crate::lti::auto_push::AutoPush::spawn(state.db.clone(), state.lti.clone());
    // Servers sharing one PostgreSQL database pass their live events to each other.
    if let Some(pool) = state.db.as_postgres() {
        state
            .join_other_servers(pool.clone())
            .await
            .map_err(|e| anyhow::anyhow!("cannot join the other servers: {e}"))?;
    }
    let listener = listen(bind).map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    let address = format!("http://{}", listener.local_addr()?);
    on_ready(&address);
    let events = state.events.clone();
    let shutdown = async move {
        shutdown_signal().await;
        events.close();
    };
    crate::server::run(listener, router, limits, trusted_proxies, shutdown).await;
    db::close(&state.db).await;
    tracing::info!("stopped");
    Ok(())
}

/// Connections the kernel completes before the server accepts them. A crowd
/// arriving at once (a lecture hall on a page load, or a slowloris) must queue
/// here rather than have its handshakes dropped and retried a second or more
/// later; the kernel caps it at `net.core.somaxconn` (4096 on current Linux).
const BACKLOG: u32 = 4096;

/// A listener on `bind` with [`BACKLOG`] (tokio's `TcpListener::bind` takes 1024).
fn listen(bind: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if bind.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(bind)?;
    socket.listen(BACKLOG)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
