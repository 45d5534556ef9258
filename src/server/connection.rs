//! One client connection: HTTP/1.1 through hyper, watched for its deadlines.
//!
//! A connection is either *busy* (a request in flight, from its head until the
//! last byte of its response, so an event stream is busy for its whole life) or
//! *waiting* for a request. A waiting connection is closed when its next
//! request's head has not arrived in full `header_timeout` after its first byte
//! (or after the connection opened), or when no byte came for `idle_timeout`
//! since the last response. hyper's `header_read_timeout` is not used because it
//! starts whenever the connection waits for a head, idle or not, so it cannot
//! keep the short header deadline apart from the longer idle one.

use super::admission::Ticket;
use crate::config::ConnectionLimits;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::header::{CONNECTION, HeaderValue};
use axum::http::{Request, Response};
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::Instant;
use tower::ServiceExt;

/// An accepted connection, ready to be served.
pub struct Connection {
    service: Service,
    limits: ConnectionLimits,
    /// Holds the connection's place under the caps until it ends.
    _ticket: Ticket,
}

impl Connection {
    pub fn new(router: Router, peer: SocketAddr, limits: ConnectionLimits, ticket: Ticket) -> Self {
        let activity = Arc::new(Activity::new());
        let service = Service { router, peer, activity, max_requests: limits.max_requests_per_connection };
        Self { service, limits, _ticket: ticket }
    }

    /// Serves requests until the client closes, a deadline passes, or the server
    /// stops (`stop` turns true): then a waiting connection closes at once and a
    /// busy one after its response.
    pub async fn serve(self, stream: TcpStream, mut stop: watch::Receiver<bool>) {
        let activity = Arc::clone(&self.service.activity);
        let io = TokioIo::new(Watched { stream, activity: Arc::clone(&activity) });
        let mut http = hyper::server::conn::http1::Builder::new();
        http.keep_alive(true).header_read_timeout(None);
        let mut connection = std::pin::pin!(http.serve_connection(io, self.service));
        let mut stopping = false;
        loop {
            // While busy, look again after an idle period: the deadline starts when the response ends.
            let wake = activity.deadline(&self.limits).unwrap_or_else(|| Instant::now() + self.limits.idle_timeout);
            tokio::select! {
                served = connection.as_mut() => {
                    if let Err(error) = served {
                        tracing::debug!("connection ended: {error}");
                    }
                    return;
                }
                () = tokio::time::sleep_until(wake) => {
                    if activity.deadline(&self.limits).is_some_and(|deadline| deadline <= Instant::now()) {
                        tracing::debug!("closing a connection that sent no complete request in time");
                        return;
                    }
                }
                _ = stop.changed(), if !stopping => {
                    stopping = true;
                    if activity.deadline(&self.limits).is_some() {
                        return;
                    }
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Whether a request is in flight, shared by the socket, the service and the watcher.
struct Activity {
    phase: Mutex<Phase>,
    requests: AtomicU32,
}

#[derive(Clone, Copy)]
enum Phase {
    /// `in_flight` requests are being answered (HTTP/1.1 answers one at a time,
    /// but a response body may outlive the next request's start for a moment).
    Busy { in_flight: usize },
    /// Waiting for a request since `since`; its first byte came at `head_from`.
    Waiting { since: Instant, head_from: Option<Instant> },
}

impl Activity {
    /// A new connection is waiting for a head that started now: the header deadline applies.
    fn new() -> Self {
        let now = Instant::now();
        Self { phase: Mutex::new(Phase::Waiting { since: now, head_from: Some(now) }), requests: AtomicU32::new(0) }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When a waiting connection is to be closed; `None` while busy.
    fn deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        match *self.phase() {
            Phase::Busy { .. } => None,
            Phase::Waiting { head_from: Some(start), .. } => Some(start + limits.header_timeout),
            Phase::Waiting { since, head_from: None } => Some(since + limits.idle_timeout),
        }
    }

    /// Bytes arrived: if they start a request's head, its deadline starts now.
    fn received(&self) {
        if let Phase::Waiting { head_from: head_from @ None, .. } = &mut *self.phase() {
            *head_from = Some(Instant::now());
        }
    }

    /// A request's head has arrived: busy until the returned guard is dropped.
    fn begin(self: &Arc<Self>) -> InFlight {
        let mut phase = self.phase();
        *phase = match *phase {
            Phase::Busy { in_flight } => Phase::Busy { in_flight: in_flight + 1 },
            Phase::Waiting { .. } => Phase::Busy { in_flight: 1 },
        };
        InFlight(Arc::clone(self))
    }
}

/// A request in flight; dropped with the last of its response.
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut phase = self.0.phase();
        if let Phase::Busy { in_flight } = *phase {
            *phase = if in_flight > 1 {
                Phase::Busy { in_flight: in_flight - 1 }
            } else {
                Phase::Waiting { since: Instant::now(), head_from: None }
            };
        }
    }
}

/// The router as hyper calls it, with the client's address for `ConnectInfo`.
struct Service {
    router: Router,
    peer: SocketAddr,
    activity: Arc<Activity>,
    max_requests: u32,
}

impl hyper::service::Service<Request<Incoming>> for Service {
    type Response = Response<TrackedBody>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn call(&self, mut request: Request<Incoming>) -> Self::Future {
        let in_flight = self.activity.begin();
        let last = self.activity.requests.fetch_add(1, Ordering::Relaxed) + 1 >= self.max_requests;
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self.router.clone().oneshot(request.map(Body::new));
        Box::pin(async move {
            let mut response = response.await?;
            if last {
                // hyper closes the connection after a response that says so.
                response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
            }
            Ok(response.map(|body| TrackedBody { body, _in_flight: in_flight }))
        })
    }
}

/// A response body that keeps its request in flight until hyper has sent it all.
struct TrackedBody {
    body: Body,
    _in_flight: InFlight,
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The socket, telling the [`Activity`] when bytes arrive.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.received();
        }
        read
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
