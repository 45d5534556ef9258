//! Benchmarks writing annotations out as W3C JSON-LD, as the container and the
//! export do: 1,000 and 10,000 annotations to bytes.

mod common;

use common::class_annotations;
use counterpoint::formats::w3c::{self, Iris};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;
use std::hint::black_box;

fn bench_jsonld(c: &mut Criterion) {
    let iris = Iris { base: "http://127.0.0.1:3000".into() };
    for n in [1_000, 10_000] {
        let annotations = class_annotations(n);
        c.bench_function(&format!("JSON-LD of {n} annotations, to bytes"), |b| {
            b.iter(|| {
                let items: Vec<Value> =
                    black_box(&annotations).iter().map(|a| w3c::to_jsonld_with(a, &iris, None)).collect();
                serde_json::to_vec(&Value::Array(items)).map(|bytes| bytes.len())
            });
        });
    }
}

criterion_group!(benches, bench_jsonld);
criterion_main!(benches);
