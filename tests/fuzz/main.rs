//! Fuzzing by property: the importers and the anchoring never panic, and what
//! they return keeps its invariants. cargo-fuzz needs a nightly toolchain, so
//! these are proptest properties run many times; `COUNTERPOINT_FUZZ_CASES`
//! sets how many cases each property runs (256 by default, so `cargo test`
//! stays quick). `COUNTERPOINT_FUZZ_CASES=20000 cargo test --release --test fuzz`
//! runs them long.

mod anchor;
mod import;

use proptest::test_runner::Config;

/// The proptest configuration every property here runs with.
fn config() -> Config {
    let cases = std::env::var("COUNTERPOINT_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256);
    Config { cases, failure_persistence: None, ..Config::default() }
}
