//! Several server processes on one PostgreSQL database behave as one service:
//! what one announces (a live event, a cache to drop, a stream to end, an
//! inbox to recount) the others apply to their own pages and caches.
//!
//! Notices carry ids, never content, and each server decides from its own read
//! of the shared database what its pages see: a live event reaches a stream
//! only through that server's per-viewer filter (`EventHub::hears`), exactly as
//! a local one does, so a private annotation's event reaches the same pages
//! wherever they are open. A notice goes out through a queue (a write never
//! waits on NOTIFY), in order, several to a payload when they pile up; each
//! names the server it came from, which ignores its own.
//!
//! NOTIFY may be missed (the listener's connection drops). The caches are
//! keyed by revisions read from the database, so a missed event leaves nothing
//! wrong behind but what revisions do not cover: after a gap every cached
//! snapshot and review is forgotten (the next read comes from the database),
//! every open reading page is told to `resync`, and every inbox badge to
//! recount. A revocation missed in a gap ends at `--stream-lifetime`.

use super::{Change, Event};
use crate::db::notify::{self, Heard, Listener, PgPool};
use crate::domain::{AnnotationId, Visibility};
use crate::error::Result;
use crate::web::AppState;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;
use uuid::Uuid;

/// What one server tells the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// A live event on a reading, with who may hear of it (see [`Event`]).
    Event { reading: i64, change: Change, annotation: AnnotationId, author: i64, visibilities: Vec<Visibility> },
    /// A reading's text was replaced: what is kept of it is stale.
    Forget { reading: i64 },
    /// A reading was deleted: forget it and end the streams open on it.
    DropReading { reading: i64 },
    /// End a user's streams (removed from a course, signed out, …).
    Revoke { user: i64 },
    /// A user's inbox changed: their badges recount.
    Inbox { user: i64 },
}

impl From<&Event> for Notice {
    fn from(event: &Event) -> Self {
        Self::Event {
            reading: event.reading_id,
            change: event.change,
            annotation: event.annotation,
            author: event.author_id,
            visibilities: event.visibilities.clone(),
        }
    }
}

/// One NOTIFY payload: notices from one server, in the order it made them.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    from: Uuid,
    notices: Vec<Notice>,
}

/// Where this server's notices go: nowhere until it joins the others (a
/// single process pays one check per announcement).
#[derive(Clone, Default)]
pub struct Outbox(Arc<OnceLock<mpsc::UnboundedSender<Notice>>>);

impl Outbox {
    /// Queues `notice` for the other servers, if there are any.
    pub fn send(&self, notice: Notice) {
        if let Some(queue) = self.0.get() {
            let _ = queue.send(notice);
        }
    }

    /// Whether this server has joined others.
    #[must_use]
    pub fn is_joined(&self) -> bool {
        self.0.get().is_some()
    }
}

/// From now on, this server's announcements are published on `pool`'s
/// database and the other servers' are applied here. Fails if PostgreSQL
/// cannot be reached; joining twice changes nothing.
pub async fn join(state: &AppState, pool: PgPool) -> Result<()> {
    if state.events.outbox.is_joined() {
        return Ok(());
    }
    // Listening before announcing: nothing published after this returns is missed.
    let listener = Listener::start(pool.clone()).await?;
    let (queue, queued) = mpsc::unbounded_channel();
    if state.events.outbox.0.set(queue).is_err() {
        return Ok(());
    }
    let outbox = state.events.outbox.clone();
    state.inbox.relay_to(move |user| outbox.send(Notice::Inbox { user }));
    let me = Uuid::new_v4();
    tokio::spawn(send_all(pool, me, queued));
    tokio::spawn(receive_all(state.clone(), me, listener));
    Ok(())
}

/// The most notices one payload carries (well under NOTIFY's size limit).
const MOST_PER_PAYLOAD: usize = 32;

/// Publishes queued notices in order, taking what else waits into the same payload.
async fn send_all(pool: PgPool, me: Uuid, mut queued: mpsc::UnboundedReceiver<Notice>) {
    while let Some(first) = queued.recv().await {
        let mut notices = vec![first];
        while notices.len() < MOST_PER_PAYLOAD {
            match queued.try_recv() {
                Ok(notice) => notices.push(notice),
                Err(_) => break,
            }
        }
        let Ok(payload) = serde_json::to_string(&Envelope { from: me, notices }) else { continue };
        if payload.len() > notify::MAX_PAYLOAD {
            tracing::error!("a notice for the other servers was too large to send ({} bytes)", payload.len());
            continue;
        }
        publish(&pool, &payload).await;
    }
}

/// Publishes `payload`, trying again a few times: the order of later notices
/// waits for it. What still fails is lost to the other servers (logged).
async fn publish(pool: &PgPool, payload: &str) {
    let mut pause = Duration::from_millis(100);
    for attempt in 1..=3 {
        match notify::publish(pool, payload).await {
            Ok(()) => return,
            Err(e) if attempt == 3 || pool.is_closed() => {
                tracing::error!("the other servers missed a change: {e}");
                return;
            }
            Err(_) => {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
        }
    }
}

/// Applies the other servers' notices here until the pool closes.
async fn receive_all(state: AppState, me: Uuid, mut listener: Listener) {
    while let Some(heard) = listener.recv().await {
        match heard {
            Heard::Message(payload) => match serde_json::from_str::<Envelope>(&payload) {
                Ok(envelope) if envelope.from == me => {}
                Ok(envelope) => envelope.notices.into_iter().for_each(|notice| apply(&state, notice)),
                Err(e) => {
                    // Another version's notice, perhaps: what it meant is unknown, so catch up.
                    tracing::warn!("an unreadable notice from another server: {e}");
                    catch_up(&state);
                }
            },
            Heard::Gap => catch_up(&state),
        }
    }
}

/// Applies another server's notice here, telling no one else.
fn apply(state: &AppState, notice: Notice) {
    match notice {
        Notice::Event { reading, change, annotation, author, visibilities } => {
            let event = Event { reading_id: reading, change, annotation, seq: 0, author_id: author, visibilities };
            state.events.publish_here(event);
        }
        Notice::Forget { reading } => forget_reading(state, reading),
        Notice::DropReading { reading } => {
            forget_reading(state, reading);
            state.events.drop_reading_here(reading);
        }
        Notice::Revoke { user } => state.events.revoke_here(user),
        Notice::Inbox { user } => state.inbox.notify_here(user),
    }
}

fn forget_reading(state: &AppState, reading: i64) {
    state.snapshots.forget(reading);
    state.reviews.forget_reading(reading);
}

/// After notices may have been missed: nothing kept in memory is trusted, and
/// every open page fetches what it shows again.
fn catch_up(state: &AppState) {
    tracing::info!("catching up with the other servers");
    state.snapshots.forget_all();
    state.reviews.forget_all();
    state.events.resync_all_here();
    state.inbox.recount_everyone_here();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_payload_of_the_largest_notices_fits_in_a_notify() {
        let largest = Notice::Event {
            reading: i64::MAX,
            change: Change::Replied,
            annotation: AnnotationId::nil(),
            author: i64::MIN,
            visibilities: vec![Visibility::Instructors, Visibility::Instructors],
        };
        let envelope = Envelope { from: Uuid::new_v4(), notices: vec![largest; MOST_PER_PAYLOAD] };
        let payload = serde_json::to_string(&envelope).expect("json");
        assert!(payload.len() <= notify::MAX_PAYLOAD, "{} bytes", payload.len());
    }

    #[test]
    fn notices_read_back_as_they_were_written() {
        let notices = vec![
            Notice::from(&Event::resync(3)),
            Notice::Forget { reading: 4 },
            Notice::DropReading { reading: 5 },
            Notice::Revoke { user: 6 },
            Notice::Inbox { user: 7 },
        ];
        let envelope = Envelope { from: Uuid::nil(), notices: notices.clone() };
        let read: Envelope = serde_json::from_str(&serde_json::to_string(&envelope).expect("json")).expect("read");
        assert_eq!(read.notices, notices);
    }
}
