//! The inbox: what answered a member's work (a reply in a thread they started or
//! replied in, a counterargument rebutting or a source supporting their
//! annotation, an instructor's feedback, a spotlight), stored by triggers and
//! read in `db::inbox` under the visibility rule; and [`InboxHub`], which tells
//! the open pages of those who just received something, so their badges move.

use crate::db::Db;
use crate::db::inbox::{self, Item};
use schemars::JsonSchema;
use serde::Serialize;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, Ordering};
use tokio::sync::broadcast;

/// The most items one listing holds.
pub const LIST_LIMIT: u32 = 100;
/// The most ids one `POST /api/inbox/read` may name.
pub const MAX_READ_IDS: usize = 1_000;

/// The member's unread count and newest items, as `GET /api/inbox` answers.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "Inbox")]
pub struct Listing {
    pub unread: i64,
    /// Newest first.
    pub items: Vec<ListedItem>,
}

/// One thing that answered the member's work.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "InboxItem")]
pub struct ListedItem {
    pub id: i64,
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["reply", "rebuttal", "support", "feedback", "spotlight"]))]
    pub item_type: String,
    /// The annotation to open.
    pub annotation: crate::domain::AnnotationId,
    pub reading: ListedReading,
    pub by: ListedBy,
    /// The reply's or feedback's text, else the annotation's quote.
    pub text: String,
    #[schemars(extend("format" = "date-time"))]
    pub at: String,
    pub read: bool,
    /// Where the item opens.
    pub url: String,
}

/// The reading an inbox item is in.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "InboxReading")]
pub struct ListedReading {
    pub id: i64,
    pub title: String,
}

/// Who answered.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(rename = "InboxAuthor")]
pub struct ListedBy {
    pub name: String,
}

/// The member's unread count and newest items.
pub async fn listing(db: &Db, user_id: i64) -> sqlx::Result<Listing> {
    let unread = inbox::unread(db, user_id).await?;
    let items = inbox::list(db, user_id, LIST_LIMIT).await?;
    Ok(Listing { unread, items: items.iter().map(item_json).collect() })
}

fn item_json(item: &Item) -> ListedItem {
    ListedItem {
        id: item.id,
        item_type: item.item_type.clone(),
        annotation: item.annotation,
        reading: ListedReading { id: item.reading_id, title: item.reading_title.clone() },
        by: ListedBy { name: item.by_name.clone() },
        text: item.text.clone(),
        at: crate::db::timestamp(item.at),
        read: item.read,
        url: url(item),
    }
}

/// Where an item opens: the reading, at the annotation's thread.
#[must_use]
pub fn url(item: &Item) -> String {
    format!("/readings/{}#annotation-{}", item.reading_id, item.annotation)
}

/// How an item reads in a list.
#[must_use]
pub fn describe(item: &Item) -> &'static str {
    match item.item_type.as_str() {
        "reply" => "replied in a thread of yours",
        "rebuttal" => "rebutted your annotation",
        "support" => "supported your annotation",
        "feedback" => "left feedback on your annotation",
        "spotlight" => "put your annotation in the spotlight",
        _ => "answered your work",
    }
}

/// Tells open pages whose inbox just received something. Writes that may fill
/// an inbox call [`InboxHub::announce`]; it finds the recipients of every item
/// stored since the last call (item ids grow in commit order) and sends their ids.
/// Other servers on the same database hear of each recipient too, once
/// [`InboxHub::relay_to`] is set.
pub struct InboxHub {
    sender: broadcast::Sender<i64>,
    announced: AtomicI64,
    relay: OnceLock<Relay>,
}

/// Passes a recipient's id on to the other servers.
type Relay = Box<dyn Fn(i64) + Send + Sync>;

/// Sent in place of a user id: every open page recounts (no user has id 0).
pub const EVERYONE: i64 = 0;

impl Default for InboxHub {
    fn default() -> Self {
        Self { sender: broadcast::channel(256).0, announced: AtomicI64::new(0), relay: OnceLock::new() }
    }
}

impl InboxHub {
    /// The ids of users who just received something (a lagging receiver should recount).
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.sender.subscribe()
    }

    /// Tells `user_id`'s pages to recount (they read something elsewhere), on every server.
    pub fn notify(&self, user_id: i64) {
        if let Some(relay) = self.relay.get() {
            relay(user_id);
        }
        self.notify_here(user_id);
    }

    /// Tells `user_id`'s pages open on this server to recount.
    pub fn notify_here(&self, user_id: i64) {
        let _ = self.sender.send(user_id);
    }

    /// Tells every page open on this server to recount (notices may have been missed).
    pub fn recount_everyone_here(&self) {
        let _ = self.sender.send(EVERYONE);
    }

    /// From now on every recipient is passed to `relay` too (the other servers');
    /// set once, later calls change nothing.
    pub fn relay_to(&self, relay: impl Fn(i64) + Send + Sync + 'static) {
        let _ = self.relay.set(Box::new(relay));
    }

    /// Announces the recipients of items stored since the last announcement. Best
    /// effort: a failure here costs a badge its live update, never the write.
    pub async fn announce(&self, db: &Db) {
        let after = self.announced.load(Ordering::Acquire);
        match inbox::recipients_since(db, after).await {
            Ok((users, newest)) => {
                self.announced.fetch_max(newest, Ordering::AcqRel);
                for user in users {
                    self.notify(user);
                }
            }
            Err(e) => tracing::warn!("inbox announcement skipped: {e}"),
        }
    }
}
