//! Benchmarks reading a 30-page PDF (the shared readings printed by headless
//! Chromium in two columns, with a running header and page numbers) into a
//! reading: parsing with pdf-extract, then the layout. The PDF is made once
//! into `target/bench-pdf/`; without Chromium or `../shared` the bench says so.

use counterpoint::pdf::{PdfLimits, read};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;

const PAGES: usize = 30;

fn chromium() -> Option<PathBuf> {
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .flat_map(|d| ["chromium", "chromium-browser", "google-chrome"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

fn print(chromium: &Path, dir: &Path, paragraphs: &[String]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<p>{}</p>\n", p.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")))
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Readings</title><style>\
         @page {{ size: A4; margin: 22mm 18mm; @top-center {{ content: \"Counterpoint readings\"; font: 8pt serif; }} \
         @bottom-center {{ content: counter(page); font: 8pt serif; }} }}\
         body {{ font: 10pt/1.3 serif; }} main {{ column-count: 2; column-gap: 8mm; }} p {{ margin: 0 0 0.6em; text-align: justify; }}\
         </style></head><body><main>{body}</main></body></html>"
    );
    let (source, out) = (dir.join("readings.html"), dir.join("readings.pdf"));
    std::fs::write(&source, html).expect("write");
    let status = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(&source)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("chromium runs");
    assert!(status.success());
    std::fs::read(out).expect("pdf")
}

fn pages(pdf: &[u8]) -> usize {
    counterpoint::pdf::page_count(pdf).unwrap_or(0)
}

/// A PDF of about 30 pages, made once.
fn thirty_pages() -> Option<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-pdf");
    let cached = dir.join(format!("{PAGES}-pages.pdf"));
    if let Ok(pdf) = std::fs::read(&cached) {
        return Some(pdf);
    }
    let Some(chromium) = chromium() else {
        println!("SKIPPED: chromium is missing: the PDF benchmark did not run");
        return None;
    };
    let readings = counterpoint::fixtures::shared_file("readings")?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(readings).ok()?.filter_map(Result::ok).map(|e| e.path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    let paragraphs: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|t| t.split("\n\n").map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect();
    std::fs::create_dir_all(&dir).ok()?;
    let all = print(&chromium, &dir, &paragraphs);
    let keep = paragraphs.len() * PAGES / pages(&all).max(1);
    let pdf = print(&chromium, &dir, &paragraphs[..keep.min(paragraphs.len())]);
    std::fs::write(&cached, &pdf).ok()?;
    Some(pdf)
}

fn reading_a_pdf(c: &mut Criterion) {
    let Some(pdf) = thirty_pages() else { return };
    let limits = PdfLimits::default();
    let chars = read(&pdf, limits).map(|r| r.doc.text.chars().count()).unwrap_or(0);
    println!("{} pages, {} bytes, {chars} code points of text", pages(&pdf), pdf.len());
    let mut group = c.benchmark_group("import_pdf");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(pdf.len() as u64));
    group.bench_function(format!("{PAGES}_pages"), |b| b.iter(|| read(black_box(&pdf), limits)));
    group.finish();
}

criterion_group!(benches, reading_a_pdf);
criterion_main!(benches);
