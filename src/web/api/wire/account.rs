//! Accounts and the inbox: the administrator's list, a created account, the unread count.

use crate::db::users::AccountRow;
use schemars::JsonSchema;
use serde::Serialize;

/// A page of accounts, 100 a page.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AccountsPage {
    pub items: Vec<AccountRow>,
    pub page: i64,
    /// Whether a next page exists.
    pub more: bool,
}

/// An account just created.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CreatedAccount {
    pub id: i64,
}

/// How many inbox items are unread.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Unread {
    pub unread: i64,
}
