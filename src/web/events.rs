//! Live updates of a reading: the handlers that change annotations publish an
//! [`Event`] to the reading's channel, and each open reading page holds a
//! Server-Sent Events stream that passes on only the events its viewer may see:
//! the read model's rule (`Snapshot::allows`), asked of one snapshot per event
//! that every stream on the reading shares, so a thousand streams cost one
//! revision lookup per event, not a query each.
//! Events carry ids, never content: the page fetches the fragments it must
//! redraw (`pages::reading::fragments`), drawn for what its viewer may see. A
//! `resync` tells every page on a reading to redraw itself whole: it fell
//! behind, or something changed what its viewer sees wholesale (the course's
//! post-first setting, an import).
//! When several servers share one database, what one announces reaches the
//! others' pages too ([`relay`]).

pub mod relay;
mod stream;

pub use stream::reading_events;

use super::AppState;
use crate::db::Db;
use crate::domain::{Annotation, AnnotationId, Viewer, Visibility};
use crate::error::Result;
use crate::snapshot::{Revisioned, Snapshot};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::broadcast;

/// How many events a slow page may fall behind before it is told to reload everything.
const BACKLOG: usize = 64;

/// What happened to an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Created,
    Updated,
    Deleted,
    Replied,
    /// Its links changed (added or removed from its thread).
    Linked,
    /// Redraw everything (sent as a `resync` event, to every page on the reading).
    Resync,
}

/// One change in a reading, and who may hear of it.
#[derive(Debug, Clone)]
pub struct Event {
    pub reading_id: i64,
    pub change: Change,
    pub annotation: AnnotationId,
    /// Its place among the hub's events (set when published): what the
    /// snapshot it is checked against must be at least as new as.
    seq: i64,
    /// The author and the visibilities the annotation had (before and after a
    /// change): a viewer who could see any of them hears of the event.
    author_id: i64,
    visibilities: Vec<Visibility>,
}

impl Event {
    /// An event about `annotation` as it is now.
    #[must_use]
    pub fn new(change: Change, annotation: &Annotation) -> Self {
        Self {
            reading_id: annotation.reading_id,
            change,
            annotation: annotation.id,
            seq: 0,
            author_id: annotation.author_id,
            visibilities: vec![annotation.visibility],
        }
    }

    /// Every page open on `reading_id` redraws itself whole.
    #[must_use]
    pub fn resync(reading_id: i64) -> Self {
        let (annotation, author_id) = (AnnotationId::nil(), 0);
        let visibilities = vec![Visibility::Class];
        Self { reading_id, change: Change::Resync, annotation, seq: 0, author_id, visibilities }
    }

    /// An update: heard by whoever could see the annotation before or can see it now.
    #[must_use]
    pub fn updated(before: &Annotation, after: &Annotation) -> Self {
        let mut event = Self::new(Change::Updated, after);
        event.visibilities.push(before.visibility);
        event
    }

    /// Whether `viewer` may hear of this event (`Viewer::can_see`, the one rule).
    #[must_use]
    pub fn visible_to(&self, viewer: Viewer) -> bool {
        self.visibilities.iter().any(|v| viewer.can_see(self.author_id, *v))
    }

    /// Whether `viewer` may hear of this event in `snapshot`, the reading as it
    /// stands after it: the read model's visibility rule (`Snapshot::allows`,
    /// post-first and groups included) for any visibility the annotation had.
    #[must_use]
    pub fn heard_in(&self, snapshot: &Snapshot, viewer: Viewer) -> bool {
        self.change == Change::Resync || self.visibilities.iter().any(|v| snapshot.allows(viewer, self.author_id, *v))
    }

    /// [`Event::heard_in`] the reading as it stands now, loaded for this one
    /// question. Streams do not ask this: they share one snapshot per event
    /// (see `EventHub::hears`).
    pub async fn may_hear(&self, db: &Db, viewer: Viewer, course_id: i64) -> bool {
        if self.change == Change::Resync {
            return true;
        }
        match crate::db::snapshot::load(db, self.reading_id).await {
            Ok(Some(snapshot)) => snapshot.reading.course_id == course_id && self.heard_in(&snapshot, viewer),
            _ => false,
        }
    }
}

/// One broadcast channel per reading that has an open page, and the streams each user holds.
#[derive(Clone)]
pub struct EventHub {
    channels: Arc<Mutex<Channels>>,
    /// User ids whose streams must end now (removed from a course, role changed,
    /// signed out): their pages reconnect, and pass the access check again.
    revocations: broadcast::Sender<i64>,
    /// Per reading, the snapshot the newest event was checked against (see [`EventHub::hears`]).
    audiences: Arc<Revisioned<Arc<Snapshot>>>,
    /// The other servers on the same database, once joined ([`relay::join`]).
    outbox: relay::Outbox,
}

/// How many readings' snapshots events are checked against stay in memory (as the read model's cache).
const AUDIENCES: usize = 8;

impl Default for EventHub {
    fn default() -> Self {
        let audiences = Arc::new(Revisioned::new(AUDIENCES));
        let revocations = broadcast::channel(BACKLOG).0;
        Self { channels: Arc::default(), revocations, audiences, outbox: relay::Outbox::default() }
    }
}

#[derive(Default)]
struct Channels {
    by_reading: HashMap<i64, broadcast::Sender<Event>>,
    /// How many streams each user holds open.
    streams: HashMap<i64, usize>,
    /// The last event's place (see `Event::seq`).
    seq: i64,
    /// Set at shutdown: streams end, so the server can finish its requests.
    closed: bool,
}

/// One open stream of a user's, counted until it is dropped.
pub struct StreamSlot {
    hub: EventHub,
    user_id: i64,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut channels = self.hub.lock();
        if let Some(count) = channels.streams.get_mut(&self.user_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                channels.streams.remove(&self.user_id);
            }
        }
    }
}

impl EventHub {
    /// Sends `event` to the pages open on its reading, on every server.
    pub fn publish(&self, event: Event) {
        self.outbox.send(relay::Notice::from(&event));
        self.publish_here(event);
    }

    /// Sends `event` to the pages open on its reading on this server; channels nobody listens to are dropped.
    fn publish_here(&self, mut event: Event) {
        let mut channels = self.lock();
        channels.seq += 1;
        event.seq = channels.seq;
        if let Some(sender) = channels.by_reading.get(&event.reading_id) {
            if sender.send(event.clone()).is_err() {
                channels.by_reading.remove(&event.reading_id);
            }
        }
    }

    /// A receiver of the reading's events (already closed after [`EventHub::close`]).
    #[must_use]
    pub fn subscribe(&self, reading_id: i64) -> broadcast::Receiver<Event> {
        let mut channels = self.lock();
        if channels.closed {
            return broadcast::channel(1).1;
        }
        channels.by_reading.retain(|_, sender| sender.receiver_count() > 0);
        channels.by_reading.entry(reading_id).or_insert_with(|| broadcast::channel(BACKLOG).0).subscribe()
    }

    /// Ends every stream, now and to come: called when the server shuts down.
    pub fn close(&self) {
        let mut channels = self.lock();
        channels.closed = true;
        channels.by_reading.clear();
    }

    /// Ends the streams of a deleted reading, on every server (where what is
    /// kept of it in memory is forgotten too: see [`relay::Notice::DropReading`]).
    pub fn drop_reading(&self, reading_id: i64) {
        self.outbox.send(relay::Notice::DropReading { reading: reading_id });
        self.drop_reading_here(reading_id);
    }

    fn drop_reading_here(&self, reading_id: i64) {
        self.lock().by_reading.remove(&reading_id);
    }

    /// Ends every stream `user_id` holds, on every server; their pages reconnect and are checked again.
    pub fn revoke(&self, user_id: i64) {
        self.outbox.send(relay::Notice::Revoke { user: user_id });
        self.revoke_here(user_id);
    }

    fn revoke_here(&self, user_id: i64) {
        let _ = self.revocations.send(user_id);
    }

    /// Tells the other servers (if any) what this one already did here.
    pub fn tell_others(&self, notice: relay::Notice) {
        self.outbox.send(notice);
    }

    /// Tells every page open on this server to redraw itself whole (`resync`).
    fn resync_all_here(&self) {
        let readings: Vec<i64> = self.lock().by_reading.keys().copied().collect();
        for reading_id in readings {
            self.publish_here(Event::resync(reading_id));
        }
    }

    /// A slot for one more stream of `user_id`'s, or `None` past `most`.
    #[must_use]
    pub fn open_stream(&self, user_id: i64, most: usize) -> Option<StreamSlot> {
        let mut channels = self.lock();
        let count = channels.streams.entry(user_id).or_insert(0);
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(StreamSlot { hub: self.clone(), user_id })
    }

    /// Whether `viewer`'s stream passes `event` on ([`Event::heard_in`]). What
    /// needs no snapshot is answered at once; the rest is asked of the reading's
    /// snapshot as of the event, which every stream on the reading shares: one
    /// revision lookup per event (and, when it moved, one refresh of the kept
    /// snapshot, which the pages' fragment requests then find), never one query
    /// per event per stream.
    async fn hears(&self, state: &AppState, event: &Event, viewer: Viewer) -> bool {
        if !event.visible_to(viewer) {
            return false;
        }
        if viewer.is_instructor() || event.author_id == viewer.user_id {
            return true;
        }
        self.audience(state, event).await.is_ok_and(|snapshot| event.heard_in(&snapshot, viewer))
    }

    /// The reading as it stood when `event` was published, or later.
    async fn audience(&self, state: &AppState, event: &Event) -> Result<Arc<Arc<Snapshot>>> {
        let load = || async {
            let cached = state.snapshots.current(&state.db, event.reading_id).await?;
            Ok((event.seq, Arc::clone(&cached.snapshot)))
        };
        self.audiences.get(event.reading_id, event.seq, load).await
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Channels> {
        self.channels.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn event(author_id: i64, visibilities: Vec<Visibility>) -> Event {
        let (change, annotation) = (Change::Created, AnnotationId::nil());
        Event { reading_id: 1, change, annotation, seq: 0, author_id, visibilities }
    }

    #[test]
    fn events_reach_exactly_the_viewers_who_may_see_the_annotation() {
        let author = Viewer { user_id: 1, role: Role::Student };
        let classmate = Viewer { user_id: 2, role: Role::Student };
        let teacher = Viewer { user_id: 3, role: Role::Instructor };
        let private = event(1, vec![Visibility::Private]);
        assert!(private.visible_to(author));
        assert!(!private.visible_to(classmate));
        assert!(!private.visible_to(teacher));
        let for_teachers = event(1, vec![Visibility::Instructors]);
        assert!(!for_teachers.visible_to(classmate));
        assert!(for_teachers.visible_to(teacher));
        let made_private = event(1, vec![Visibility::Private, Visibility::Class]);
        assert!(made_private.visible_to(classmate), "a classmate hears that a class annotation went away");
    }

    #[tokio::test]
    async fn a_subscriber_receives_what_is_published_on_its_reading_only() {
        let hub = EventHub::default();
        let mut one = hub.subscribe(1);
        let mut other = hub.subscribe(2);
        hub.publish(event(1, vec![Visibility::Class]));
        assert_eq!(one.recv().await.map(|e| e.reading_id).ok(), Some(1));
        assert!(other.try_recv().is_err());
        drop((one, other));
        hub.publish(event(1, vec![Visibility::Class]));
        assert!(!hub.lock().by_reading.contains_key(&1), "unheard channels are dropped");
    }

    #[test]
    fn a_user_holds_at_most_the_allowed_streams_and_a_closed_one_frees_its_slot() {
        let hub = EventHub::default();
        let slots: Vec<_> = (0..3).filter_map(|_| hub.open_stream(7, 3)).collect();
        assert_eq!(slots.len(), 3);
        assert!(hub.open_stream(7, 3).is_none());
        assert!(hub.open_stream(8, 3).is_some(), "another user is not affected");
        drop(slots);
        assert!(hub.open_stream(7, 3).is_some());
        assert!(!hub.lock().streams.contains_key(&8), "closed streams are forgotten");
    }

    #[tokio::test]
    async fn closing_the_hub_ends_every_stream() {
        let hub = EventHub::default();
        let mut open = hub.subscribe(1);
        hub.close();
        assert!(matches!(open.recv().await, Err(broadcast::error::RecvError::Closed)));
        assert!(matches!(hub.subscribe(1).recv().await, Err(broadcast::error::RecvError::Closed)));
    }
}
