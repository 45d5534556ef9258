//! Embeds `static/` in the binary with content-hashed names, so pages can link
//! `/static/style.<hash>.css` and browsers may cache it forever, and with gzip
//! and brotli copies made here, once, rather than at every start. Nothing is
//! read from disk at run time (`web::assets` serves them from memory).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=static");
    // `sqlx::migrate!` embeds the migrations, but a build script that names what it
    // watches stops cargo from watching the rest: without this line a new migration
    // is not in the binary until something else changes.
    println!("cargo::rerun-if-changed=migrations");
    // Read when the script runs, not baked in when it was compiled: a build script
    // compiled in one checkout and reused by another (a copied target/) must
    // still embed the files of the checkout it is building.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("static");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out_dir = Path::new(&out_dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    let mut out = String::from(
        "/// Each file in `static/`: its name, content-hashed name, hash, and its bytes plain, gzipped and brotli'd.\n\
         pub const ASSETS: &[Asset] = &[\n",
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
        let gzip_path = out_dir.join(format!("{name}.gz"));
        let brotli_path = out_dir.join(format!("{name}.br"));
        std::fs::write(&gzip_path, gzip(&bytes)).expect("write gzip copy");
        std::fs::write(&brotli_path, brotli(&bytes)).expect("write brotli copy");
        let _ = writeln!(
            out,
            "    Asset {{ name: {name:?}, hashed: {hashed:?}, hash: {:?}, plain: include_bytes!({:?}), \
             gzip: include_bytes!({:?}), brotli: include_bytes!({:?}) }},",
            &hash[..10],
            path.display().to_string(),
            gzip_path.display().to_string(),
            brotli_path.display().to_string(),
        );
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("assets.rs"), out).expect("write assets.rs");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes).expect("gzip in memory");
    gzip.finish().expect("gzip in memory")
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).expect("brotli in memory");
    }
    out
}

/// FNV-1a: enough to tell versions of a file apart for caching; not a security hash.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
