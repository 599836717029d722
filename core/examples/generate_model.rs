//! Prints a generated `flowmap/1` model (the file form, with a layout) to standard output, for
//! the editor's scale benchmark (`tests/bench/editor-scale.mjs`, see `docs/benchmarks.md`).
//!
//! ```text
//! cargo run --release -p flowmap-core --example generate_model -- [NODES] [FLOWS_PER_NODE] [SEED]
//!   NODES           nodes (default 1000)
//!   FLOWS_PER_NODE  average flows per node (default 2: 1,000 nodes → 2,000 flows)
//!   SEED            generator seed (default 1)
//! ```

use flowmap_core::generate::{generate, GenerateSpec};
use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let nodes = args
        .next()
        .map(|a| a.replace('_', "").parse().expect("NODES is a number"))
        .unwrap_or(1_000);
    let flows_per_node = args
        .next()
        .map(|a| a.parse().expect("FLOWS_PER_NODE is a number"))
        .unwrap_or(2.0);
    let seed = args
        .next()
        .map(|a| a.parse().expect("SEED is a number"))
        .unwrap_or(1);
    let spec = GenerateSpec {
        flows_per_node,
        seed,
        ..GenerateSpec::new(nodes)
    };
    let model = generate(&spec);
    let text = flowmap_core::to_file_json(&model);
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .expect("writes to standard output");
}
