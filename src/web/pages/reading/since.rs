//! What is new on the reading page since the viewer's last visit: the visit
//! is recorded as the page is drawn; highlights of classmates' annotations
//! created since the one before are marked, and `?since=TIME` (the course
//! page's "3 new annotations" link) shows only what came after that time.
//! Everything here is per viewer, drawn around the cached snapshot.

use crate::db::assignments;
use crate::domain::{Annotation, Viewer, parse_rfc3339};
use crate::error::Result;
use crate::web::{AppState, VisitorAccess};
use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct SinceQuery {
    /// RFC 3339; empty means "since ever" (the reading was never opened).
    #[serde(default)]
    since: Option<String>,
}

/// The viewer's news on this reading.
#[derive(Debug, Clone, Default)]
pub struct News {
    /// `?since=`: only annotations after it are shown.
    pub only_after: Option<DateTime<Utc>>,
    /// The visit before this one: annotations after it are marked new.
    pub last_visit: Option<DateTime<Utc>>,
}

impl News {
    /// Records this visit and reads the query; the visit before this one is the
    /// one [`VisitorAccess`] read with the access check. A `since` that is not a time is 422.
    pub async fn visit(state: &AppState, visitor: &VisitorAccess, query: &SinceQuery) -> Result<Self> {
        let only_after = match query.since.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(DateTime::<Utc>::MIN_UTC),
            Some(text) => Some(parse_rfc3339("since", text)?),
        };
        let (access, before) = (&visitor.access, visitor.last_visit.as_deref());
        // A visit that cannot be stored (a full disk) must not cost the reader the page.
        if let Err(e) = assignments::record_visit(&state.db, access.viewer.user_id, access.reading_id, before).await {
            tracing::warn!("could not record a visit to reading {}: {e}", access.reading_id);
        }
        let last_visit = before.and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.to_utc());
        Ok(Self { only_after, last_visit })
    }

    /// Whether the page shows `a` (all, unless filtering to what came after `since`).
    #[must_use]
    pub fn shows(&self, a: &Annotation, viewer: Viewer) -> bool {
        self.only_after.is_none_or(|since| a.author_id != viewer.user_id && a.created > since)
    }

    /// Whether `a`'s highlight is marked new: a classmate's, since the last visit.
    #[must_use]
    pub fn is_new(&self, a: &Annotation, viewer: Viewer) -> bool {
        self.last_visit.is_some_and(|visit| a.author_id != viewer.user_id && a.created > visit)
    }

    /// What the page's ETag must cover of the filter (which highlights are new is
    /// the view's to say: the last visit moves on every visit, the page only when
    /// something new came before it).
    #[must_use]
    pub fn filter_tag(&self) -> String {
        self.only_after.map(|t| t.timestamp_micros().to_string()).unwrap_or_default()
    }

    /// The note above the text: what is filtered, or how many are new.
    #[must_use]
    pub fn banner(&self, reading_id: i64, fresh: usize) -> Option<Banner> {
        if self.only_after.is_some() {
            return Some(Banner { filtering: true, count: fresh, href: format!("/readings/{reading_id}") });
        }
        let since = self.last_visit.filter(|_| fresh > 0)?;
        let href = format!("/readings/{reading_id}?since={}", crate::db::timestamp(since));
        Some(Banner { filtering: false, count: fresh, href })
    }
}

/// "Showing only the 3 new annotations · Show all", or "3 new since your last visit · Show only those".
pub struct Banner {
    pub filtering: bool,
    pub count: usize,
    pub href: String,
}
