//! Benchmarks importing each plain-text reading in `../shared/readings`,
//! reported per file with its throughput.

use counterpoint::text::import::{SourceFormat, import};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;

fn readings(c: &mut Criterion) {
    let Some(dir) = counterpoint::fixtures::shared_file("readings") else { return };
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();

    let mut group = c.benchmark_group("import_text");
    for path in paths {
        let Ok(source) = std::fs::read_to_string(&path) else {
            println!("skipping unreadable {}", path.display());
            continue;
        };
        let name = path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        group.throughput(Throughput::Bytes(source.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| import(SourceFormat::Text, black_box(&source)));
        });
    }
    group.finish();
}

criterion_group!(benches, readings);
criterion_main!(benches);
