//! Flowmap's core: the `flowmap/1` model, its loader, the check engine and the rule catalog.
//!
//! Architecture invariant: this crate depends on no web crate, does no I/O, reads no clock and
//! draws no random numbers. Time and new ids come from the caller, so every output is
//! deterministic and testable natively.

pub mod canonical;
pub mod check;
pub mod control_view;
pub mod controls;
pub mod date;
pub mod diagram;
pub mod diff;
pub mod document;
pub mod edit;
pub mod engine;
pub mod evidence;
pub mod export;
pub mod finding;
pub mod generate;
pub mod import;
pub mod layout;
pub mod load;
pub mod model;
pub mod rules;
pub mod schema;
pub mod taxonomy;
pub mod technology;

pub use canonical::{canonical_json, model_sha256, to_file_json};
pub use check::{check, CheckOptions, Report, RuleRun};
pub use control_view::{by_control, controls_json, ControlResult, ControlTest, TestScope};
pub use date::{Date, Timestamp};
pub use document::{findings_json, findings_json_at};
pub use evidence::{Comparison, Conclusion};
pub use finding::{Finding, Severity, Subject, SubjectKind, Summary};
pub use load::{load, load_str, LoadError, LoadErrors, Locator, Position};
pub use model::*;
pub use rules::{Rule, REGISTRY, RULES_VERSION};
pub use schema::schema_json;

/// The version of Flowmap (the core, the CLI and the app share it).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
