//! The targets on real readings: each of `../shared/readings` printed to PDF
//! by headless Chromium, in one column and in two, with a running header and
//! page numbers; at least 95% of its sentences come out intact and in order,
//! and at least 80% of its paragraphs begin a block.

use counterpoint::pdf::{PdfLimits, read};
use counterpoint::text::CharIndex;
use std::path::{Path, PathBuf};
use std::process::Command;

const READINGS: [&str; 3] = ["one-bed-different-dreams.txt", "federalist-10.txt", "kennedy-inaugural-1961.txt"];

/// Chromium, or `None` (SKIPPED; a failure under `CI=true`).
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("CHROMIUM").map(PathBuf::from).filter(|p| p.is_file()).or_else(|| {
        let dirs = std::env::var_os("PATH")?;
        std::env::split_paths(&dirs)
            .flat_map(|d| ["chromium", "chromium-browser", "google-chrome"].map(|n| d.join(n)))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let message = "chromium is missing: the PDF reading targets did not run";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message} (CI=true requires it)");
        eprintln!("SKIPPED: {message}");
    }
    found
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn paragraphs(source: &str) -> Vec<String> {
    source
        .replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Prints the paragraphs as a report would be: A4, a running header, page numbers.
fn print(chromium: &Path, dir: &Path, name: &str, paragraphs: &[String], columns: u8) -> Vec<u8> {
    let body: String = paragraphs.iter().map(|p| format!("<p>{}</p>\n", escape(p))).collect();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{name}</title><style>\
         @page {{ size: A4; margin: 22mm 18mm; @top-center {{ content: \"Counterpoint readings · {name}\"; font: 8pt serif; }} \
         @bottom-center {{ content: counter(page); font: 8pt serif; }} }}\
         body {{ font: 10.5pt/1.35 serif; }} main {{ column-count: {columns}; column-gap: 8mm; }} p {{ margin: 0 0 0.6em; }}\
         </style></head><body><main>{body}</main></body></html>"
    );
    let source = dir.join(format!("{name}-{columns}.html"));
    let out = dir.join(format!("{name}-{columns}.pdf"));
    std::fs::write(&source, html).expect("write");
    let status = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", out.display()))
        .arg(&source)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("chromium runs");
    assert!(status.success(), "chromium failed on {name}");
    std::fs::read(&out).expect("the PDF")
}

/// The sentences of a paragraph: cut after `.`, `?` or `!` (and closing quotes) before a space.
fn sentences(paragraph: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let words: Vec<&str> = paragraph.split(' ').collect();
    for word in words {
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        if word.trim_end_matches(['"', '”', '’', ')', '\'']).ends_with(['.', '?', '!']) && current.len() > 20 {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[test]
fn shared_readings_printed_to_pdf_keep_their_sentences_and_paragraphs() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("dir");
    for name in READINGS {
        let Some(source) = counterpoint::fixtures::shared_text(&format!("readings/{name}")) else { return };
        let paragraphs = paragraphs(&source);
        for columns in [1, 2] {
            let pdf = print(&chromium, dir.path(), name, &paragraphs, columns);
            let doc = read(&pdf, PdfLimits::default()).unwrap_or_else(|e| panic!("{name}: {e}")).doc;
            let text = doc.text.split_whitespace().collect::<Vec<_>>().join(" ");
            let all: Vec<String> = paragraphs.iter().flat_map(|p| sentences(p)).collect();
            let mut from = 0;
            let mut in_order = 0;
            let mut missing = Vec::new();
            for sentence in &all {
                if let Some(at) = text[from..].find(sentence.as_str()) {
                    in_order += 1;
                    from += at + sentence.len();
                } else {
                    missing.push(sentence.as_str());
                }
            }
            for sentence in missing.iter().take(5) {
                let head: String = sentence.chars().take(16).collect();
                let near = text
                    .find(&head)
                    .map(|at| text[at..].chars().take(sentence.chars().count() + 10).collect::<String>());
                eprintln!("  not intact or out of order: {sentence:?}\n    the text has: {near:?}");
            }
            let index = CharIndex::new(&doc.text);
            let blocks: Vec<String> = doc
                .blocks
                .iter()
                .map(|b| {
                    index
                        .slice(&doc.text, b.start, b.end)
                        .expect("block")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let begun = paragraphs
                .iter()
                .filter(|p| {
                    let head: String = p.chars().take(40).collect();
                    blocks.iter().any(|b| b.starts_with(&head))
                })
                .count();
            #[allow(clippy::cast_precision_loss)]
            let (sentence_rate, paragraph_rate) =
                (in_order as f64 / all.len() as f64, begun as f64 / paragraphs.len() as f64);
            eprintln!("{name}, {columns} column(s): sentences {sentence_rate:.3}, paragraphs {paragraph_rate:.3}");
            assert!(sentence_rate >= 0.95, "{name}, {columns} column(s): {in_order} of {} sentences", all.len());
            assert!(paragraph_rate >= 0.80, "{name}, {columns} column(s): {begun} of {} paragraphs", paragraphs.len());
            assert!(!doc.text.contains("Counterpoint readings ·"), "{name}: the running header stays out");
        }
    }
}
