//! The slow tier: the real `counterpoint` binary run as a process, as an operator
//! runs it. `kill -9` and SIGTERM mid-writes, backup and restore under load, a
//! full disk, slow and crowding clients, and the assets built into the binary.
//! `cargo test --test system` runs this tier alone (see the README's "Tests").

mod connections;
mod crash;
mod embedded_assets;
mod two_servers;
