//! What the use cases (`annotations`, `readings`, `links`, `feedback`, …) need
//! from the running app: the store, the quotas, the heavy-work pool, the
//! annotation writer and the inbox's notifier. The web layer lends them from
//! its state; nothing here knows HTTP.

use crate::config::Quotas;
use crate::db::Db;
use crate::db::group_commit::Inserts;
use crate::inbox::InboxHub;
use crate::offload::Offload;

/// Borrowed for one call of a use case.
#[derive(Clone, Copy)]
pub struct Services<'a> {
    pub db: &'a Db,
    pub quotas: &'a Quotas,
    pub offload: &'a Offload,
    pub inserts: &'a Inserts,
    pub inbox: &'a InboxHub,
}
