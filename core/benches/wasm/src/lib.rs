//! The engine's steps as plain C-ABI exports, to time the core compiled to WebAssembly from a
//! JavaScript host (`core/benches/wasm/run.mjs`; see `docs/benchmarks.md`). No wasm-bindgen:
//! the host calls these functions and reads the clock itself (wasm32-unknown-unknown has none).
//!
//! ```text
//! cargo build --manifest-path core/benches/wasm/Cargo.toml --profile speed --target wasm32-unknown-unknown
//! node core/benches/wasm/run.mjs core/benches/wasm/target/wasm32-unknown-unknown/speed/flowmap_wasm_bench.wasm 10000
//! ```
//!
//! It is a crate of its own (`core/benches/wasm/`): the core's examples build with its
//! dev-dependencies, which do not build for wasm32-unknown-unknown.

use std::any::Any;
use std::cell::RefCell;

use flowmap_core::engine::Analysis;
use flowmap_core::generate::{generate, GenerateSpec};
use flowmap_core::{check, load, CheckOptions, Model};

thread_local! {
    static MODEL: RefCell<Option<Model>> = const { RefCell::new(None) };
    static JSON: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The last result, kept so that freeing it is not timed (as natively).
    static KEPT: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

fn keep<T: 'static>(value: T) {
    KEPT.with(|k| *k.borrow_mut() = Some(Box::new(value)));
}

/// Frees the last result (called outside the timed region).
#[no_mangle]
pub extern "C" fn fm_release() {
    KEPT.with(|k| drop(k.borrow_mut().take()));
}

/// Generates a model of `nodes` nodes (3 flows per node, 18 classes, seed 1) and its compact
/// JSON; returns the JSON's length in bytes.
#[no_mangle]
pub extern "C" fn fm_generate(nodes: u32) -> u32 {
    let model = generate(&GenerateSpec::new(nodes as usize));
    let json = serde_json::to_vec(&model).expect("a model serializes");
    let len = json.len() as u32;
    MODEL.with(|m| *m.borrow_mut() = Some(model));
    JSON.with(|j| *j.borrow_mut() = json);
    len
}

/// The model's SHA-256 (canonical form, as 64 hex digits at the returned address), to check
/// that wasm and native generate the same model.
#[no_mangle]
pub extern "C" fn fm_model_sha256() -> *const u8 {
    thread_local! {
        static HASH: RefCell<String> = const { RefCell::new(String::new()) };
    }
    let hash = with_model_str(flowmap_core::model_sha256);
    HASH.with(|h| {
        *h.borrow_mut() = hash;
        h.borrow().as_ptr()
    })
}

fn with_model_str(f: impl FnOnce(&Model) -> String) -> String {
    MODEL.with(|m| f(m.borrow().as_ref().expect("fm_generate first")))
}

/// Loads the generated JSON; returns the number of nodes.
#[no_mangle]
pub extern "C" fn fm_load() -> u32 {
    let model = JSON.with(|j| load(&j.borrow()).expect("loads"));
    let nodes = model.nodes.len() as u32;
    keep(model);
    nodes
}

/// Builds the analysis of the generated model; returns the number of flows.
#[no_mangle]
pub extern "C" fn fm_analysis() -> u32 {
    // The analysis borrows the model: keep what it computed, not the view itself.
    with_model(|model| {
        let analysis = Analysis::new(model);
        let flows = analysis.flows.len() as u32;
        keep((
            analysis.reach,
            analysis.carried,
            analysis.ends,
            analysis.graph,
        ));
        flows
    })
}

/// Checks the generated model with every rule; returns the number of findings.
#[no_mangle]
pub extern "C" fn fm_check() -> u32 {
    with_model(|model| {
        let report = check(model, &CheckOptions::default());
        let findings = report.findings.len() as u32;
        keep(report);
        findings
    })
}

fn with_model(f: impl FnOnce(&Model) -> u32) -> u32 {
    MODEL.with(|m| f(m.borrow().as_ref().expect("fm_generate first")))
}
