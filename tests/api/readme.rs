//! The README's architecture map names every module under `src/` (its "Every
//! module" table), so a newcomer finds each concept from one place.

use std::path::{Path, PathBuf};

/// Files under `src/` that are modules of their own (test-only files aside).
fn modules(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable").filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != "tests" {
                modules(&path, out);
            }
        } else if name.ends_with(".rs") && !matches!(name.as_str(), "tests.rs" | "props.rs" | "testutil.rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_readme_names_every_module_under_src() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let mut found = Vec::new();
    modules(&root.join("src"), &mut found);
    assert!(found.len() > 50, "the walk found the modules: {}", found.len());
    let missing: Vec<String> = found
        .iter()
        .map(|path| path.strip_prefix(root).expect("under the root").to_string_lossy().replace('\\', "/"))
        .filter(|module| !readme.contains(&format!("`{module}`")))
        .collect();
    assert!(missing.is_empty(), "add these to the README's \"Every module\" table: {missing:?}");
}
