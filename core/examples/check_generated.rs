//! Generates a model, then times loading and checking it: a quick look at where the time goes,
//! and a process to measure peak memory with (`/usr/bin/time -v`). See `docs/benchmarks.md`.
//!
//! ```text
//! cargo run --profile bench -p flowmap-core --example check_generated -- [NODES] [options]
//!   NODES           nodes to generate (default 10000); ~3 flows per node, 18 classes
//!   --reps N        time each step N times and report the median and the fastest (default 5)
//!   --seed S        generator seed (default 1)
//!   --rules         also time each rule on its own
//!   --write FILE    write the generated model (compact JSON) to FILE and stop
//!   --file FILE     check FILE instead of a generated model: read, load, check once, as the
//!                   CLI does (for the peak memory of loading and checking alone)
//! ```

use std::time::{Duration, Instant};

use flowmap_core::engine::Analysis;
use flowmap_core::generate::{generate, GenerateSpec};
use flowmap_core::rules::{Check, Sink};
use flowmap_core::{check, load, CheckOptions, REGISTRY};

struct Args {
    nodes: usize,
    reps: usize,
    seed: u64,
    rules: bool,
    write: Option<String>,
    file: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        nodes: 10_000,
        reps: 5,
        seed: 1,
        rules: false,
        write: None,
        file: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match arg.as_str() {
            "--reps" => args.reps = value("--reps").parse().expect("--reps N"),
            "--seed" => args.seed = value("--seed").parse().expect("--seed S"),
            "--rules" => args.rules = true,
            "--write" => args.write = Some(value("--write")),
            "--file" => args.file = Some(value("--file")),
            nodes => args.nodes = nodes.replace('_', "").parse().expect("NODES"),
        }
    }
    args.reps = args.reps.max(1);
    args
}

/// Runs `f` `reps` times; the median and the fastest run, and the last result.
fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps {
        let start = Instant::now();
        let value = f();
        times.push(start.elapsed());
        // Drop the previous result outside the timed region.
        drop(last.replace(value));
    }
    times.sort();
    (times[times.len() / 2], times[0], last.expect("reps ≥ 1"))
}

fn ms(d: Duration) -> String {
    format!("{:9.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let args = args();
    if let Some(path) = &args.file {
        // As the CLI does: read, load, check, once.
        let start = Instant::now();
        let bytes = std::fs::read(path).expect("readable file");
        let model = load(&bytes).unwrap_or_else(|e| panic!("{path} does not load:\n{e}"));
        drop(bytes);
        let loaded = start.elapsed();
        let report = check(&model, &CheckOptions::default());
        println!(
            "{path}: {} nodes, {} flows; load {}, check {}; {} findings",
            model.nodes.len(),
            model.flows.len(),
            ms(loaded),
            ms(start.elapsed() - loaded),
            report.findings.len()
        );
        return;
    }

    let spec = GenerateSpec {
        seed: args.seed,
        ..GenerateSpec::new(args.nodes)
    };
    let start = Instant::now();
    let model = generate(&spec);
    let generated = start.elapsed();
    // Compact JSON: the pretty file form of a 100k-node model is larger than the loader's
    // 64 MiB limit.
    let json = serde_json::to_vec(&model).expect("serializes");
    if let Some(path) = &args.write {
        std::fs::write(path, &json).expect("writable file");
        println!("wrote {path}: {} bytes", json.len());
        return;
    }
    println!(
        "model: {} nodes, {} flows, {} boundaries, {} classes ({} own), {} waivers; \
         {:.1} MiB of JSON; generated in {}",
        model.nodes.len(),
        model.flows.len(),
        model.boundaries.len(),
        14 + model.classes.len(),
        model.classes.len(),
        model.waivers.len(),
        json.len() as f64 / (1 << 20) as f64,
        ms(generated).trim()
    );
    println!("model sha256: {}", flowmap_core::model_sha256(&model));
    println!("{:<22} {:>12} {:>12}", "step", "median", "fastest");
    let (median, fastest, loaded) = time(args.reps, || load(&json).expect("loads"));
    assert_eq!(loaded, model);
    drop(loaded);
    println!(
        "{:<22} {} {}",
        "load (bytes → Model)",
        ms(median),
        ms(fastest)
    );
    let (median, fastest, _) = time(args.reps, || Analysis::new(&model));
    println!("{:<22} {} {}", "Analysis::new", ms(median), ms(fastest));
    let options = CheckOptions::default();
    let (median, fastest, report) = time(args.reps, || check(&model, &options));
    println!("{:<22} {} {}", "check (all rules)", ms(median), ms(fastest));
    println!(
        "findings: {} ({} critical, {} high, {} medium, {} low) from {} rules",
        report.findings.len(),
        report.summary.critical,
        report.summary.high,
        report.summary.medium,
        report.summary.low,
        report.runs.len()
    );

    if args.rules {
        let analysis = Analysis::new(&model);
        let mut rows = Vec::new();
        for rule in REGISTRY.iter().copied() {
            let Check::Model(run) = rule.check else {
                continue;
            };
            let (median, _, sink) = time(args.reps, || {
                let mut sink = Sink::default();
                run(&analysis, &mut sink);
                sink
            });
            rows.push((median, rule.id, sink.examined.len(), sink.reports.len()));
        }
        rows.sort_by_key(|row| std::cmp::Reverse(row.0));
        let total: Duration = rows.iter().map(|r| r.0).sum();
        println!(
            "model rules alone: {} in all; slowest first:",
            ms(total).trim()
        );
        for (median, id, examined, reports) in rows {
            println!(
                "  {id:<9} {} examined {examined:>7} reported {reports:>7}",
                ms(median)
            );
        }
    }
}
