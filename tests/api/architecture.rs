//! The layering DESIGN.md and STYLE.md describe, held by reading the source
//! tree: the pages never call into the API (both call the use cases at the
//! crate's top), nothing under `src/web` names sqlx (queries live in
//! `src/db`), the pure core (`domain`, `text`, `argument`) knows neither
//! the store nor HTTP, and the use cases know nothing of the web layer.

use std::path::{Path, PathBuf};

/// One rule: files under `dirs` (a directory and its `.rs` twin) must not use any of `banned`.
struct Rule {
    dirs: &'static [&'static str],
    banned: &'static [&'static str],
    why: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        dirs: &["src/web/pages"],
        banned: &["crate::web::api", "super::api", "super::super::api"],
        why: "pages call the use cases (crate::annotations, crate::readings, …), never the API's handlers",
    },
    Rule {
        dirs: &["src/web"],
        banned: &["sqlx::"],
        why: "SQL lives in src/db; the web layer names its types through it",
    },
    Rule {
        dirs: &["src/domain", "src/text", "src/argument"],
        banned: &["crate::db", "sqlx", "axum", "crate::web"],
        why: "the domain core is pure: no store, no HTTP",
    },
    Rule {
        dirs: &[
            "src/accounts",
            "src/annotation_import",
            "src/annotations",
            "src/course_search",
            "src/courses",
            "src/export",
            "src/feedback",
            "src/links",
            "src/reading_edits",
            "src/readings",
            "src/services",
        ],
        banned: &["crate::web", "axum"],
        why: "a use case is called by the pages and the API alike and knows neither",
    },
];

/// Uses the rules above forbid that are not fixed yet: (file, banned text, why it stays for now).
/// Empty today; an entry that no longer matches fails the test, so the list only shrinks.
const EXEMPT: &[(&str, &str, &str)] = &[];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The files a rule covers: everything under each directory, and the directory's own `.rs` module file.
fn covered(root: &Path, rule: &Rule) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in rule.dirs {
        rust_files(&root.join(dir), &mut files);
        let twin = root.join(format!("{dir}.rs"));
        if twin.is_file() {
            files.push(twin);
        }
    }
    files
}

/// The file's code without its comments (doc comments name other layers to explain them).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("a source file is readable");
    text.lines().map(|line| line.split_once("//").map_or(line, |(code, _)| code)).collect::<Vec<_>>().join("\n")
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    let mut exemptions_used = vec![false; EXEMPT.len()];
    for rule in RULES {
        let files = covered(root, rule);
        assert!(files.len() > 3, "the walk found the files of {:?}: {}", rule.dirs, files.len());
        for file in files {
            let name = file.strip_prefix(root).expect("under the root").to_string_lossy().replace('\\', "/");
            let code = code_of(&file);
            for banned in rule.banned {
                if !code.contains(banned) {
                    continue;
                }
                match EXEMPT.iter().position(|(f, b, _)| *f == name && b == banned) {
                    Some(i) => exemptions_used[i] = true,
                    None => broken.push(format!("{name} uses `{banned}`: {}", rule.why)),
                }
            }
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
    let stale: Vec<_> = EXEMPT.iter().zip(exemptions_used).filter(|(_, used)| !used).map(|(e, _)| e.0).collect();
    assert!(stale.is_empty(), "these exemptions are no longer needed; remove them: {stale:?}");
}

#[test]
fn the_check_sees_a_banned_use() {
    // The comment stripping must not hide code: a use after code on the same line is still code.
    let dir = std::env::temp_dir().join(format!("counterpoint-architecture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("probe.rs");
    std::fs::write(&file, "//! about crate::db\nuse crate::db::readings; // the store\n").expect("written");
    let code = code_of(&file);
    std::fs::remove_dir_all(&dir).ok();
    assert!(code.contains("crate::db::readings"), "code kept: {code}");
    assert!(!code.contains("about crate::db"), "comments dropped: {code}");
}
