//! Embeds `static/` in the binary with content-hashed names, so pages can link
//! `/static/style.<hash>.css` and browsers may cache it forever.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=static");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    let mut out = String::from(
        "/// (name, content-hashed name, hash, bytes) of each file in `static/`.\npub const ASSETS: &[(&str, &str, &str, &[u8])] = &[\n",
    );
    for path in files {
        let (Some(name), Ok(bytes)) = (path.file_name().and_then(|n| n.to_str()), std::fs::read(&path)) else {
            continue;
        };
        let hash = format!("{:016x}", fnv1a(&bytes));
        let hashed = match name.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}.{}.{ext}", &hash[..10]),
            None => format!("{name}.{}", &hash[..10]),
        };
        let _ = writeln!(
            out,
            "    ({name:?}, {hashed:?}, {:?}, include_bytes!({:?})),",
            &hash[..10],
            path.display().to_string()
        );
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets.rs");
    std::fs::write(target, out).expect("write assets.rs");
}

/// FNV-1a: enough to tell versions of a file apart for caching; not a security hash.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
