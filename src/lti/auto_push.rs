//! The optional course setting "send scores after each write", debounced: a
//! course whose revision (moved by every write, see the `revisions` migration)
//! has stayed the same for [`QUIET`] since it changed gets its scores pushed,
//! once per revision. One loop for the server; no write path has to remember it.

use super::Lti;
use super::grades::push;
use crate::db::Db;
use crate::db::lti::contexts;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long a course's writes must pause before its scores are sent.
pub const QUIET: Duration = Duration::from_secs(30);
/// How often the loop looks.
const EVERY: Duration = Duration::from_secs(10);

/// The revisions seen, and since when.
#[derive(Debug, Default)]
pub struct AutoPush {
    seen: HashMap<i64, (i64, Instant)>,
}

impl AutoPush {
    /// One look: pushes the scores of each course that opted in and whose
    /// revision has not moved for `quiet`. Returns how many courses were pushed.
    pub async fn pass(&mut self, db: &Db, lti: &Lti, quiet: Duration) -> sqlx::Result<usize> {
        let mut pushed = 0;
        for (course_id, revision, title) in contexts::courses_to_push(db).await? {
            match self.seen.get(&course_id) {
                Some((seen, since)) if *seen == revision && since.elapsed() >= quiet => {
                    // A failure is kept on the review page by `push`; the next write tries again.
                    if let Err(e) = push(db, lti, course_id, &title).await {
                        tracing::warn!(course_id, "automatic grade push failed: {e}");
                    }
                    contexts::note_pushed_revision(db, course_id, revision).await?;
                    self.seen.remove(&course_id);
                    pushed += 1;
                }
                Some((seen, _)) if *seen == revision => {}
                _ => {
                    self.seen.insert(course_id, (revision, Instant::now()));
                }
            }
        }
        Ok(pushed)
    }

    /// Runs [`Self::pass`] every few seconds for as long as the server runs.
    pub fn spawn(db: Db, lti: Lti) {
        tokio::spawn(async move {
            let mut auto = AutoPush::default();
            loop {
                tokio::time::sleep(EVERY).await;
                if let Err(e) = auto.pass(&db, &lti, QUIET).await {
                    tracing::debug!("automatic grade push skipped: {e}");
                }
            }
        });
    }
}
