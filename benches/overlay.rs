//! Benchmarks `runs()` on the first real reading with many overlapping
//! highlights, and `anchor()` with quote-only selectors.

use counterpoint::text::anchor::{Agreement, TextPosition, TextQuote, anchor, quote_at};
use counterpoint::text::import::{SourceFormat, import};
use counterpoint::text::overlay::{Highlight, runs};
use counterpoint::text::{CharIndex, Document};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// The reading imported as plain text, or `None` (said on stderr) when `../shared` is absent.
fn load_document(name: &str) -> Option<Document> {
    let source = counterpoint::fixtures::shared_text(&format!("readings/{name}"))?;
    import(SourceFormat::Text, &source).ok()
}

/// xorshift64: a fixed-seed generator, so every run benches the same input.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % bound as u64).unwrap_or(0)
    }
}

/// `count` highlights of 1..=300 code points, overlapping freely, inside the text.
fn random_highlights(rng: &mut XorShift, len: usize, count: usize) -> Vec<Highlight> {
    (0..count)
        .map(|_| {
            let start = rng.below(len);
            let end = (start + 1 + rng.below(300)).min(len);
            Highlight { start, end }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let Some(doc) = load_document("one-bed-different-dreams.txt") else { return };
    assert_eq!(doc.validate(), Ok(()));
    let index = CharIndex::new(&doc.text);
    let len = index.len_chars();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);

    for count in [1_000, 10_000, 100_000] {
        let highlights = random_highlights(&mut rng, len, count);
        c.bench_function(&format!("runs/{count}_highlights"), |b| {
            b.iter(|| runs(black_box(&doc), &index, black_box(&highlights)));
        });
    }

    // Quotes of 5..=80 code points at random places, context included.
    let quotes: Vec<TextQuote> = std::iter::repeat_with(|| {
        let start = rng.below(len - 81);
        quote_at(&doc.text, &index, TextPosition { start, end: start + 5 + rng.below(76) })
    })
    .filter_map(Result::ok)
    .take(100)
    .collect();
    c.bench_function("anchor/100_quotes", |b| {
        b.iter(|| {
            for quote in &quotes {
                let found = anchor(black_box(&doc.text), &index, None, Some(quote), Agreement::Strict);
                black_box(found).ok();
            }
        });
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
