//! Benchmarks re-anchoring after an instructor edits a reading: 2,000
//! annotations on `one-bed-different-dreams.txt` after a few typical edits
//! (a word fixed, a sentence added, a paragraph cut), and a 400,000-character
//! text with 10% of its paragraphs rewritten (the target: under 1 s).

use counterpoint::text::CharIndex;
use counterpoint::text::anchor::{TextPosition, TextQuote, quote_at};
use counterpoint::text::import::{SourceFormat, import};
use counterpoint::text::reanchor::{Limits, reanchor};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

/// `count` passages of 3 to 30 words spread over `text`, with their quotes.
fn passages(text: &str, count: usize) -> Vec<(TextPosition, TextQuote)> {
    let chars: Vec<char> = text.chars().collect();
    let starts: Vec<usize> =
        (0..chars.len()).filter(|&i| !chars[i].is_whitespace() && (i == 0 || chars[i - 1].is_whitespace())).collect();
    let index = CharIndex::new(text);
    (0..count)
        .filter_map(|i| {
            let first = (i * 7919) % starts.len();
            let words = 3 + (i * 31) % 28;
            let end = starts.get(first + words).map_or(chars.len(), |&w| w - 1);
            let position = TextPosition { start: starts[first], end };
            quote_at(text, &index, position).ok().map(|q| (position, q))
        })
        .collect()
}

/// Every tenth paragraph rewritten: its words in another order, a word replaced.
fn rewritten(text: &str) -> String {
    text.split("\n\n")
        .enumerate()
        .map(|(i, p)| {
            if i % 10 != 3 {
                return p.to_owned();
            }
            let mut words: Vec<&str> = p.split(' ').collect();
            words.reverse();
            if let Some(w) = words.get_mut(1) {
                *w = "rewritten";
            }
            words.join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn bench(c: &mut Criterion) {
    let Some(source) = counterpoint::fixtures::shared_text("readings/one-bed-different-dreams.txt") else { return };
    let Ok(doc) = import(SourceFormat::Text, &source) else { return };
    let old = doc.text;
    let paragraphs: Vec<&str> = old.split("\n\n").collect();
    let mut edited: Vec<String> = paragraphs.iter().map(|p| (*p).to_owned()).collect();
    edited[5] = edited[5].replacen(" the ", " this ", 1);
    edited.insert(8, "A sentence the instructor added.".to_owned());
    edited.remove(12);
    let new = edited.join("\n\n");
    let two_thousand = passages(&old, 2_000);
    let refs: Vec<(TextPosition, &TextQuote)> = two_thousand.iter().map(|(p, q)| (*p, q)).collect();

    // About 400,000 characters: the readings one after another, then 10% rewritten.
    let mut large = String::new();
    for name in
        ["one-bed-different-dreams", "monroe-doctrine-1823", "washington-farewell-1796", "fdr-four-freedoms-1941"]
    {
        let Some(source) = counterpoint::fixtures::shared_text(&format!("readings/{name}.txt")) else { return };
        let Ok(doc) = import(SourceFormat::Text, &source) else { return };
        large.push_str(&doc.text);
        large.push_str("\n\n");
    }
    let mut big = String::new();
    while big.chars().count() < 400_000 {
        big.push_str(&large);
    }
    let big = big.trim_end().to_owned();
    let big_new = rewritten(&big);
    let big_passages = passages(&big, 2_000);
    let big_refs: Vec<(TextPosition, &TextQuote)> = big_passages.iter().map(|(p, q)| (*p, q)).collect();

    let mut group = c.benchmark_group("reanchor");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("one_bed_2000_annotations", |b| {
        b.iter(|| reanchor(black_box(&old), black_box(&new), &refs, Limits::default()));
    });
    group.bench_function("400k_chars_10pct_rewritten_2000_annotations", |b| {
        b.iter(|| reanchor(black_box(&big), black_box(&big_new), &big_refs, Limits::default()));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
