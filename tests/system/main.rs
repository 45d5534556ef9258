//! The slow tier: the real `counterpoint` binary run as a process, as an operator
//! runs it. `kill -9` and SIGTERM mid-writes, backup and restore under load, a
//! full disk, slow and crowding clients, and the assets built into the binary.
//! `cargo test --test system` runs this tier alone (see the README's "Tests").

mod connections;
mod crash;
mod embedded_assets;
mod two_servers;

/// Held by the test that measures deadlines (`connections`) and by those that load
/// the machine hardest (`two_servers`: two servers, PostgreSQL and eight writers),
/// so that they never run side by side: on two cores a deadline would measure the
/// neighbour's load, not the server.
static APART: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Waits until no other test holding [`APART`] runs, and keeps them out until dropped.
fn apart() -> std::sync::MutexGuard<'static, ()> {
    // A test that failed while holding it leaves nothing behind to protect.
    APART.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
