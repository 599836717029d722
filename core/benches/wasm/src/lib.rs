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
use flowmap_core::{check, load, CheckOptions, Date, Model};

/// The app's live check (`app/src/session.rs`, compiled here as it is): `session::check` is
/// what the editor runs after every edit, the core check followed by `session::checked`.
#[path = "../../../../app/src/session.rs"]
#[allow(dead_code)]
mod session;

/// What `session.rs` needs of the app's `editor` module (only `load` uses it).
mod editor {
    pub fn with_layout(model: flowmap_core::Model) -> flowmap_core::Model {
        model
    }
}

/// The day the app-like steps check as of (the app passes the current date).
fn today() -> Option<Date> {
    Some(Date::parse("2026-11-22").expect("a date"))
}

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

/// The core check as the app calls it (with `today`); returns the number of findings.
#[no_mangle]
pub extern "C" fn fm_check_today() -> u32 {
    with_model(|model| {
        let options = CheckOptions {
            today: today(),
            ..CheckOptions::default()
        };
        let report = check(model, &options);
        let findings = report.findings.len() as u32;
        keep(report);
        findings
    })
}

/// `session::check` as the app runs it after every edit (core check + `session::checked`);
/// returns the number of markers.
#[no_mangle]
pub extern "C" fn fm_session_check() -> u32 {
    with_model(|model| {
        let checked = session::check(model, today());
        let markers = checked.markers.len() as u32;
        keep(checked);
        markers
    })
}

/// The core check through a `Checker` kept across calls (with `today`); returns the number
/// of findings.
#[no_mangle]
pub extern "C" fn fm_checker_check() -> u32 {
    thread_local! {
        static CHECKER: RefCell<flowmap_core::check::Checker> = RefCell::new(flowmap_core::check::Checker::new());
    }
    with_model(|model| {
        let options = CheckOptions {
            today: today(),
            ..CheckOptions::default()
        };
        let report = CHECKER.with(|c| c.borrow_mut().check(model, &options));
        let findings = report.findings.len() as u32;
        keep(report);
        findings
    })
}

/// `session::Live::check`, as the app runs it after an edit when it keeps a `Live` (the
/// first call, made before the timed ones, fills its cache); returns the number of markers.
#[no_mangle]
pub extern "C" fn fm_live_check() -> u32 {
    thread_local! {
        static LIVE: RefCell<session::Live> = RefCell::new(session::Live::default());
    }
    with_model(|model| {
        let checked = LIVE.with(|live| live.borrow_mut().check(model, today()));
        let markers = checked.markers.len() as u32;
        keep(checked);
        markers
    })
}

/// A report for [`fm_session_checked`] (not timed).
#[no_mangle]
pub extern "C" fn fm_session_prepare() {
    let report = with_model_report(|model| {
        let options = CheckOptions {
            today: today(),
            ..CheckOptions::default()
        };
        check(model, &options)
    });
    REPORT.with(|r| *r.borrow_mut() = Some(report));
}

thread_local! {
    static REPORT: RefCell<Option<flowmap_core::Report>> = const { RefCell::new(None) };
}

/// `session::checked` alone, on the report of [`fm_session_prepare`]; returns the number of
/// markers.
#[no_mangle]
pub extern "C" fn fm_session_checked() -> u32 {
    let report = REPORT.with(|r| r.borrow_mut().take().expect("fm_session_prepare first"));
    let checked = session::checked(report);
    let markers = checked.markers.len() as u32;
    keep(checked);
    markers
}

fn with_model_report(f: impl FnOnce(&Model) -> flowmap_core::Report) -> flowmap_core::Report {
    MODEL.with(|m| f(m.borrow().as_ref().expect("fm_generate first")))
}

fn with_model(f: impl FnOnce(&Model) -> u32) -> u32 {
    MODEL.with(|m| f(m.borrow().as_ref().expect("fm_generate first")))
}
