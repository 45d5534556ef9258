//! Benchmarks building, laying out and listing the argument map of a class
//! that annotated heavily: 200 and 1000 annotations, most of them linked.

mod common;

use common::class_annotations;
use counterpoint::argument::ArgumentMap;
use counterpoint::argument::layout::layout;
use counterpoint::argument::outline::outline;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn bench_map(c: &mut Criterion) {
    for n in [200, 1000] {
        let annotations = class_annotations(n);
        c.bench_function(&format!("argument map of {n} annotations: build, layout, outline"), |b| {
            b.iter(|| {
                let map = ArgumentMap::build(black_box(&annotations));
                (layout(&map), outline(&map))
            });
        });
    }
}

criterion_group!(benches, bench_map);
criterion_main!(benches);
