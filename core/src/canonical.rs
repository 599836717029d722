//! The canonical form of a model and its SHA-256, which evidence cites.
//!
//! Canonical form: the model without `layout` (moving a box changes no finding and no hash),
//! with classes, boundaries, nodes, flows sorted by id, waivers by (rule, subject), narratives
//! by control; within each element, list fields as written (their order can carry meaning for
//! a reader) except class lists (`data`, `holds`, `strips`), which are sets and are sorted;
//! serialized as compact JSON (serde_json, fields in the order of the format document, absent
//! optional fields and `false` booleans omitted, UTF-8, no trailing newline).

use sha2::{Digest, Sha256};

use crate::check::hex;
use crate::model::{Layout, Model};

/// The model in canonical form (see the module docs).
pub fn canonical_model(model: &Model) -> Model {
    let mut canonical = model.clone();
    canonical.layout = Layout::default();
    canonical.classes.sort_by(|a, b| a.id.cmp(&b.id));
    canonical.boundaries.sort_by(|a, b| a.id.cmp(&b.id));
    canonical.nodes.sort_by(|a, b| a.id.cmp(&b.id));
    for node in &mut canonical.nodes {
        node.holds.sort();
        node.strips.sort();
    }
    canonical.flows.sort_by(|a, b| a.id.cmp(&b.id));
    for flow in &mut canonical.flows {
        flow.data.sort();
    }
    canonical
        .waivers
        .sort_by(|a, b| (&a.rule, &a.subject).cmp(&(&b.rule, &b.subject)));
    canonical
        .narratives
        .sort_by(|a, b| a.control.cmp(&b.control));
    canonical
}

/// Compact JSON of the canonical model.
pub fn canonical_json(model: &Model) -> String {
    serde_json::to_string(&canonical_model(model)).expect("a model always serializes")
}

/// SHA-256 of the canonical JSON, lowercase hex.
pub fn model_sha256(model: &Model) -> String {
    hex(&Sha256::digest(canonical_json(model).as_bytes()))
}

/// The model in canonical order (elements sorted by id) with its layout, pretty, with a
/// trailing newline: the model export.
pub fn canonical_pretty(model: &Model) -> String {
    let mut canonical = canonical_model(model);
    canonical.layout = model.layout.clone();
    let mut text = serde_json::to_string_pretty(&canonical).expect("a model always serializes");
    text.push('\n');
    text
}

/// The model as a file: pretty JSON with a trailing newline, element order as given.
pub fn to_file_json(model: &Model) -> String {
    let mut text = serde_json::to_string_pretty(model).expect("a model always serializes");
    text.push('\n');
    text
}
