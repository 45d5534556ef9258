//! The stream an open reading page holds (`GET /readings/{id}/events`): the
//! reading's [`Event`]s its viewer may hear, as Server-Sent Events, until the
//! stream's lifetime ends or its user is revoked.

use super::{Change, Event, StreamSlot};
use crate::domain::AnnotationId;
use crate::error::Error;
use crate::web::{AppState, ReadingAccess};
use axum::extract::State;
use axum::response::sse::{self, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::Serialize;
use std::convert::Infallible;
use tokio::sync::broadcast;

#[derive(Serialize)]
struct Payload {
    change: Change,
    annotation: AnnotationId,
    /// The viewer made this change (the page that made it has said so already).
    mine: bool,
}

/// What a stream waits on: the reading's events, revocations, its end of life.
struct Listening {
    events: broadcast::Receiver<Event>,
    revocations: broadcast::Receiver<i64>,
    ends: std::pin::Pin<Box<tokio::time::Sleep>>,
    _slot: StreamSlot,
}

/// `GET /readings/{id}/events`: the reading's changes this viewer may see, as
/// Server-Sent Events named `annotation` (or `resync` after falling behind).
/// A user holds at most `--streams-per-user` at once (429 past it); each ends
/// after `--stream-lifetime`, when the reading is deleted, or when its user is
/// revoked, and the browser then reconnects through the access check.
pub async fn reading_events(
    State(state): State<AppState>,
    access: ReadingAccess,
) -> Result<Sse<impl Stream<Item = Result<sse::Event, Infallible>>>, Error> {
    let user_id = access.viewer.user_id;
    let slot = state
        .events
        .open_stream(user_id, state.config.streams_per_user)
        .ok_or(Error::RateLimited { retry_after: 60 })?;
    let listening = Listening {
        events: state.events.subscribe(access.reading_id),
        revocations: state.events.revocations.subscribe(),
        ends: Box::pin(tokio::time::sleep(state.config.stream_lifetime)),
        _slot: slot,
    };
    let viewer = access.viewer;
    let events = stream::unfold(listening, move |mut listening| {
        let state = state.clone();
        async move {
            loop {
                tokio::select! {
                    received = listening.events.recv() => match received {
                        Ok(event) if event.change == Change::Resync => {
                            return Some((Ok(sse::Event::default().event("resync").data("{}")), listening));
                        }
                        Ok(event) => {
                            let mine = event.author_id == viewer.user_id;
                            if state.events.hears(&state, &event, viewer).await {
                                let payload = Payload { change: event.change, annotation: event.annotation, mine };
                                let data = serde_json::to_string(&payload).unwrap_or_default();
                                return Some((Ok(sse::Event::default().event("annotation").data(data)), listening));
                            }
                        }
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            return Some((Ok(sse::Event::default().event("resync").data("{}")), listening));
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    revoked = listening.revocations.recv() => match revoked {
                        Ok(id) if id != user_id => {}
                        // Ours, or missed among many: end, and let the access check decide.
                        _ => return None,
                    },
                    () = &mut listening.ends => return None,
                }
            }
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
