//! Live updates of a reading: the handlers that change annotations publish an
//! [`Event`] to the reading's channel, and each open reading page holds a
//! Server-Sent Events stream that passes on only the events its viewer may see.
//! Events carry ids, never content: the page fetches again what it may see.

use super::{AppState, ReadingAccess};
use crate::db::review;
use crate::domain::{Annotation, AnnotationId, Viewer, Visibility};
use axum::extract::State;
use axum::response::sse::{self, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::Serialize;
use sqlx::SqlitePool;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::broadcast;

/// How many events a slow page may fall behind before it is told to reload everything.
const BACKLOG: usize = 64;

/// What happened to an annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Created,
    Updated,
    Deleted,
    Replied,
}

/// One change in a reading, and who may hear of it.
#[derive(Debug, Clone)]
pub struct Event {
    pub reading_id: i64,
    pub change: Change,
    pub annotation: AnnotationId,
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
            author_id: annotation.author_id,
            visibilities: vec![annotation.visibility],
        }
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

    /// [`Event::visible_to`], and the course's post-first setting as `db::annotations::VISIBLE`
    /// applies it: a student who has not yet posted on the reading hears only of their own.
    pub async fn may_hear(&self, db: &SqlitePool, viewer: Viewer, course_id: i64) -> bool {
        if !self.visible_to(viewer) {
            return false;
        }
        if viewer.is_instructor() || self.author_id == viewer.user_id {
            return true;
        }
        match review::post_first(db, course_id).await {
            Ok(false) => true,
            Ok(true) => review::has_posted(db, self.reading_id, viewer.user_id).await.unwrap_or(false),
            Err(_) => false,
        }
    }
}

/// One broadcast channel per reading that has an open page.
#[derive(Clone, Default)]
pub struct EventHub {
    channels: Arc<Mutex<Channels>>,
}

#[derive(Default)]
struct Channels {
    by_reading: HashMap<i64, broadcast::Sender<Event>>,
    /// Set at shutdown: streams end, so the server can finish its requests.
    closed: bool,
}

impl EventHub {
    /// Sends `event` to the pages open on its reading; channels nobody listens to are dropped.
    pub fn publish(&self, event: Event) {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = channels.by_reading.get(&event.reading_id) {
            if sender.send(event.clone()).is_err() {
                channels.by_reading.remove(&event.reading_id);
            }
        }
    }

    /// A receiver of the reading's events (already closed after [`EventHub::close`]).
    #[must_use]
    pub fn subscribe(&self, reading_id: i64) -> broadcast::Receiver<Event> {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        if channels.closed {
            return broadcast::channel(1).1;
        }
        channels.by_reading.retain(|_, sender| sender.receiver_count() > 0);
        channels.by_reading.entry(reading_id).or_insert_with(|| broadcast::channel(BACKLOG).0).subscribe()
    }

    /// Ends every stream, now and to come: called when the server shuts down.
    pub fn close(&self) {
        let mut channels = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        channels.closed = true;
        channels.by_reading.clear();
    }
}

#[derive(Serialize)]
struct Payload {
    change: Change,
    annotation: AnnotationId,
}

/// `GET /readings/{id}/events`: the reading's changes this viewer may see, as
/// Server-Sent Events named `annotation` (or `resync` after falling behind).
pub async fn reading_events(
    State(state): State<AppState>,
    access: ReadingAccess,
) -> Sse<impl Stream<Item = Result<sse::Event, Infallible>>> {
    let receiver = state.events.subscribe(access.reading_id);
    let (viewer, course_id, db) = (access.viewer, access.course_id, state.db);
    let events = stream::unfold(receiver, move |mut receiver| {
        let db = db.clone();
        async move {
            loop {
                match receiver.recv().await {
                    Ok(event) if event.may_hear(&db, viewer, course_id).await => {
                        let payload = Payload { change: event.change, annotation: event.annotation };
                        let data = serde_json::to_string(&payload).unwrap_or_default();
                        return Some((Ok(sse::Event::default().event("annotation").data(data)), receiver));
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        return Some((Ok(sse::Event::default().event("resync").data("{}")), receiver));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        }
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn event(author_id: i64, visibilities: Vec<Visibility>) -> Event {
        Event { reading_id: 1, change: Change::Created, annotation: AnnotationId::nil(), author_id, visibilities }
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
        assert!(
            hub.channels.lock().map(|c| !c.by_reading.contains_key(&1)).unwrap_or(false),
            "unheard channels are dropped"
        );
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
