//! CPU-heavy work (anchoring in long readings, annotation imports, parsing a
//! reading's source) runs off the async workers, a few tasks at a time, so that
//! `/healthz` and page views are answered meanwhile.

use std::sync::Arc;
use tokio::sync::Semaphore;

/// A small pool of permits for blocking tasks (`--heavy-tasks`).
#[derive(Clone, Debug)]
pub struct Offload {
    permits: Arc<Semaphore>,
}

impl Offload {
    /// At most `tasks` (at least one) run at once; the others wait their turn.
    #[must_use]
    pub fn new(tasks: usize) -> Self {
        Self { permits: Arc::new(Semaphore::new(tasks.max(1))) }
    }

    /// Runs `work` on tokio's blocking threads once a permit is free.
    ///
    /// The permit moves into the task: a request that gives up waiting does not
    /// free it while its work still runs.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
        let permit = Arc::clone(&self.permits).acquire_owned().await?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| anyhow::anyhow!("a background task failed: {e}"))
    }
}
