//! The engine at scale: `load`, `Analysis::new` and the full `check` on generated models of
//! 1,000, 10,000 and 100,000 nodes (3 flows per node, 18 data classes, boundaries nested
//! account → network → runtime). Targets and figures: `docs/benchmarks.md`.
//!
//! ```text
//! cargo bench -p flowmap-core --bench check            # everything (about 5 minutes)
//! cargo bench -p flowmap-core --bench check -- 10k/    # one size
//! cargo bench -p flowmap-core --bench check -- /check  # one step, every size
//! ```
//!
//! Results are dropped outside the timed region (`iter_with_large_drop`), as the example
//! `check_generated` does.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use flowmap_core::engine::Analysis;
use flowmap_core::generate::{generate, GenerateSpec};
use flowmap_core::{check, load, CheckOptions};

fn scale(c: &mut Criterion) {
    for (label, nodes) in [("1k", 1_000), ("10k", 10_000), ("100k", 100_000)] {
        let model = generate(&GenerateSpec::new(nodes));
        // Compact JSON: the pretty file form of the 100k model is over the loader's 64 MiB.
        let json = serde_json::to_vec(&model).expect("a model serializes");
        let mut group = c.benchmark_group(label);
        group.throughput(Throughput::Elements(nodes as u64));
        // Few samples for the large models (one check of 100k nodes takes seconds); flat
        // sampling runs each sample once instead of a growing number of iterations.
        match nodes {
            100_000 => {
                group
                    .sample_size(10)
                    .sampling_mode(SamplingMode::Flat)
                    .warm_up_time(Duration::from_secs(1))
                    .measurement_time(Duration::from_secs(40));
            }
            10_000 => {
                group
                    .sample_size(10)
                    .sampling_mode(SamplingMode::Flat)
                    .measurement_time(Duration::from_secs(8));
            }
            _ => {
                group
                    .sample_size(20)
                    .measurement_time(Duration::from_secs(5));
            }
        }
        group.bench_function("load", |b| {
            b.iter_with_large_drop(|| load(black_box(&json)).expect("loads"))
        });
        group.bench_function("analysis", |b| {
            b.iter_with_large_drop(|| Analysis::new(black_box(&model)))
        });
        let options = CheckOptions::default();
        group.bench_function("check", |b| {
            b.iter_with_large_drop(|| check(black_box(&model), &options))
        });
        group.finish();
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
