//! `/inbox`: what answered the signed-in user's work, newest first; opening an
//! entry marks it read and goes to the reading at that annotation's thread. And
//! `GET /inbox/events`: the unread count, live, for the header's badge.

use super::{Layout, render};
use crate::db::inbox::{self, Item};
use crate::error::{Error, Result};
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::forms::Path;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(show_inbox))
        .route("/inbox/read", post(read_all))
        .route("/inbox/{item_id}/open", post(open_item))
        .route("/inbox/events", get(inbox_events))
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    layout: Layout,
    unread: i64,
    items: Vec<Entry>,
}

struct Entry {
    item: Item,
    says: &'static str,
    /// When, as `datetime` and as shown.
    at: String,
    at_label: String,
}

async fn show_inbox(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let unread = inbox::unread(&state.db, user.user.id).await?;
    let items = inbox::list(&state.db, user.user.id, crate::inbox::LIST_LIMIT).await?;
    let items = items
        .into_iter()
        .map(|item| Entry {
            says: crate::inbox::describe(&item),
            at: crate::db::timestamp(item.at),
            at_label: item.at.format("%Y-%m-%d %H:%M UTC").to_string(),
            item,
        })
        .collect();
    let page = InboxPage { layout: Layout::for_user(Some(&user)), unread, items };
    Ok(render(&page)?.into_response())
}

/// Marks the item read and goes to its reading, at the annotation's thread.
async fn open_item(State(state): State<AppState>, user: CurrentUser, Path(item_id): Path<i64>) -> Result<Redirect> {
    let item = inbox::find(&state.db, user.user.id, item_id).await?.ok_or(Error::NotFound)?;
    inbox::mark_read(&state.db, user.user.id, Some(&[item.id])).await?;
    state.inbox.notify(user.user.id);
    Ok(Redirect::to(&crate::inbox::url(&item)))
}

async fn read_all(State(state): State<AppState>, user: CurrentUser) -> Result<Redirect> {
    inbox::mark_read(&state.db, user.user.id, None).await?;
    state.inbox.notify(user.user.id);
    Ok(Redirect::to("/inbox"))
}

/// Server-Sent Events named `inbox` carrying `{"unread": N}`: once at once, then
/// whenever the user's inbox changes. Counts against `--streams-per-user` and
/// ends after `--stream-lifetime` like the reading's stream; the page reconnects.
async fn inbox_events(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Sse<impl Stream<Item = std::result::Result<sse::Event, Infallible>>>> {
    let user_id = user.user.id;
    let slot = state
        .events
        .open_stream(user_id, state.config.streams_per_user)
        .ok_or(Error::RateLimited { retry_after: 60 })?;
    let changes = state.inbox.subscribe();
    let ends = Box::pin(tokio::time::sleep(state.config.stream_lifetime));
    let db = state.db.clone();
    let start = (changes, ends, slot, true);
    let events = stream::unfold(start, move |(mut changes, mut ends, slot, first)| {
        let db = db.clone();
        async move {
            if !first {
                loop {
                    tokio::select! {
                        received = changes.recv() => match received {
                            Ok(id) if id == user_id || id == crate::inbox::EVERYONE => break,
                            Ok(_) => {}
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                        },
                        () = &mut ends => return None,
                    }
                }
            }
            let unread = inbox::unread(&db, user_id).await.ok()?;
            let event = sse::Event::default().event("inbox").data(format!("{{\"unread\":{unread}}}"));
            Some((Ok(event), (changes, ends, slot, false)))
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
