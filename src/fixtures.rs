//! Finding `../shared` (the readings and W3C schemas beside the repository) for
//! tests and benchmarks. Where it is absent they say so plainly and do not run;
//! under `CI=true` an absence is a failure.

use std::path::PathBuf;

/// The shared folder: `COUNTERPOINT_SHARED`, else `../shared` beside the crate.
#[must_use]
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("COUNTERPOINT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    dir.is_dir().then_some(dir)
}

/// A file under the shared folder, or `None` (with a note on stderr) when it is absent.
///
/// # Panics
/// Under `CI=true`, when the file is absent: CI must run every test.
#[must_use]
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().map(|d| d.join(relative)).filter(|p| p.exists());
    if path.is_none() {
        let message = format!("../shared/{relative} is absent: this test did not run");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message} (CI=true requires it)");
        eprintln!("SKIPPED: {message}");
    }
    path
}

/// The text of a shared reading, e.g. `readings/one-bed-different-dreams.txt`.
#[must_use]
pub fn shared_text(relative: &str) -> Option<String> {
    shared_file(relative).and_then(|p| std::fs::read_to_string(p).ok())
}
