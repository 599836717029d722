//! Re-importing infrastructure code into a model people have already annotated
//! (`flowmap import --merge EXISTING`): the code decides what exists and what it declares, the
//! people keep what the code cannot say.
//!
//! - What the code says, taken from the new import: a node's kind, technology, hosting model,
//!   region, logging, authentication and encryption at rest; a flow's protocol, encryption,
//!   TLS version, authentication and notes (its evidence); boundaries' kinds and parents.
//! - What people say, kept from the existing model: names, descriptions, owners, roles,
//!   environments, held and stripped classes, clearances, controls, vendor records, the data a
//!   flow carries and whether it is monitored, the node's boundary when people put it in a
//!   boundary of their own; and the model's name, description, data classes, rule
//!   configuration, waivers, narratives and layout.
//! - Elements are matched by id (the importers' ids are stable: the same code gives the same
//!   ids). An element the new import lacks is removed only when it is the code's: a node of an
//!   AWS technology, a flow between two such nodes, a network or account boundary nothing is
//!   left in. Everything else was drawn by people and stays. A waiver whose subject is removed
//!   goes with it (and is listed).
//!
//! Merging the same import twice gives the same model as merging it once.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::export::escape::visible;
use crate::layout::fill_missing;
use crate::model::{BoundaryKind, Model, Node};
use crate::technology::{self, Provider};

/// One element the merge added, removed or changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergeChange {
    /// `node`, `flow`, `boundary` or `waiver`.
    pub kind: &'static str,
    pub id: String,
    /// The fields the code changed (file-format names), for a change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// What the code added, removed and changed since the existing model.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    pub added: Vec<MergeChange>,
    pub removed: Vec<MergeChange>,
    pub changed: Vec<MergeChange>,
}

impl MergeReport {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }

    /// The import report's JSON (`flowmap-import-report/1`) with this report as its `merge`
    /// member.
    pub fn json(&self, import_report_json: &str) -> String {
        let mut value: serde_json::Value =
            serde_json::from_str(import_report_json).unwrap_or_else(|_| serde_json::json!({}));
        if let serde_json::Value::Object(map) = &mut value {
            map.insert(
                "merge".to_owned(),
                serde_json::to_value(self).unwrap_or(serde_json::Value::Null),
            );
        }
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The report as text, user strings made visible.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Merged into the existing model: {} added, {} removed, {} changed by the code.\n",
            self.added.len(),
            self.removed.len(),
            self.changed.len()
        );
        for (word, list) in [
            ("added", &self.added),
            ("removed", &self.removed),
            ("changed", &self.changed),
        ] {
            for change in list {
                out.push_str(&format!("  {word} {} {}", change.kind, visible(&change.id)));
                if !change.fields.is_empty() {
                    out.push_str(&format!(": {}", change.fields.join(", ")));
                }
                out.push('\n');
            }
        }
        out
    }
}

/// Takes the code's value of a field, noting the field when it changes.
macro_rules! take {
    ($old:ident, $new:ident, $fields:ident, $field:ident) => {
        if $old.$field != $new.$field {
            $old.$field = $new.$field.clone();
            $fields.push(stringify!($field).to_owned());
        }
    };
}

/// Is the node one the infrastructure code makes (a node of an AWS technology)?
fn from_code(node: &Node) -> bool {
    node.technology
        .as_deref()
        .and_then(technology::find)
        .is_some_and(|t| t.provider == Provider::Aws)
}

/// The existing model with the new import merged in, and what changed.
pub fn merge(existing: &Model, imported: &Model) -> (Model, MergeReport) {
    let mut report = MergeReport::default();
    let mut model = existing.clone();
    let new_nodes: BTreeMap<&str, &Node> =
        imported.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let new_boundaries: BTreeSet<&str> =
        imported.boundaries.iter().map(|b| b.id.as_str()).collect();
    let code_boundaries: BTreeSet<String> = existing
        .boundaries
        .iter()
        .filter(|b| new_boundaries.contains(b.id.as_str()) || is_code_kind(b.kind))
        .map(|b| b.id.clone())
        .collect();

    // Boundaries first: nodes refer to them.
    for boundary in &imported.boundaries {
        match model.boundaries.iter_mut().find(|b| b.id == boundary.id) {
            Some(old) => {
                let mut fields = Vec::new();
                take!(old, boundary, fields, kind);
                take!(old, boundary, fields, parent);
                take!(old, boundary, fields, region);
                changed(&mut report, "boundary", &boundary.id, fields);
            }
            None => {
                model.boundaries.push(boundary.clone());
                report.added.push(change("boundary", &boundary.id));
            }
        }
    }

    // Nodes.
    let mut removed_nodes: BTreeSet<String> = BTreeSet::new();
    model.nodes.retain(|node| {
        let keep = new_nodes.contains_key(node.id.as_str()) || !from_code(node);
        if !keep {
            removed_nodes.insert(node.id.clone());
            report.removed.push(change("node", &node.id));
        }
        keep
    });
    for new in &imported.nodes {
        match model.nodes.iter_mut().find(|n| n.id == new.id) {
            Some(old) => {
                let mut fields = Vec::new();
                take!(old, new, fields, kind);
                take!(old, new, fields, technology);
                take!(old, new, fields, hosting);
                take!(old, new, fields, region);
                take!(old, new, fields, logging);
                take!(old, new, fields, authenticates);
                take!(old, new, fields, encryption_at_rest);
                // People may put a node in a boundary of their own; the code moves it only
                // between the code's boundaries.
                let people_placed = old
                    .boundary
                    .as_ref()
                    .is_some_and(|b| !code_boundaries.contains(b));
                if !people_placed && old.boundary != new.boundary {
                    old.boundary = new.boundary.clone();
                    fields.push("boundary".to_owned());
                }
                if old.role.is_none() && new.role.is_some() {
                    old.role = new.role;
                    fields.push("role".to_owned());
                }
                changed(&mut report, "node", &new.id, fields);
            }
            None => {
                model.nodes.push(new.clone());
                report.added.push(change("node", &new.id));
            }
        }
    }
    let code_node = |id: &str, model: &Model| {
        model
            .nodes
            .iter()
            .find(|n| n.id == id)
            .is_some_and(from_code)
            || removed_nodes.contains(id)
    };

    // Flows.
    let new_flows: BTreeSet<&str> = imported.flows.iter().map(|f| f.id.as_str()).collect();
    let before = model.flows.clone();
    model.flows = before
        .into_iter()
        .filter(|flow| {
            let ends_gone = removed_nodes.contains(&flow.from) || removed_nodes.contains(&flow.to);
            let code_flow = code_node(&flow.from, existing) && code_node(&flow.to, existing);
            let keep = !ends_gone && (new_flows.contains(flow.id.as_str()) || !code_flow);
            if !keep {
                report.removed.push(change("flow", &flow.id));
            }
            keep
        })
        .collect();
    for new in &imported.flows {
        match model.flows.iter_mut().find(|f| f.id == new.id) {
            Some(old) => {
                let mut fields = Vec::new();
                take!(old, new, fields, from);
                take!(old, new, fields, to);
                take!(old, new, fields, protocol);
                take!(old, new, fields, encrypted);
                take!(old, new, fields, tls_min);
                take!(old, new, fields, authenticated);
                take!(old, new, fields, notes);
                changed(&mut report, "flow", &new.id, fields);
            }
            None => {
                model.flows.push(new.clone());
                report.added.push(change("flow", &new.id));
            }
        }
    }

    // Code boundaries nothing is left in.
    loop {
        let used: BTreeSet<&str> = model
            .nodes
            .iter()
            .filter_map(|n| n.boundary.as_deref())
            .chain(model.boundaries.iter().filter_map(|b| b.parent.as_deref()))
            .collect();
        let gone: Vec<String> = model
            .boundaries
            .iter()
            .filter(|b| {
                !new_boundaries.contains(b.id.as_str())
                    && code_boundaries.contains(&b.id)
                    && !used.contains(b.id.as_str())
            })
            .map(|b| b.id.clone())
            .collect();
        if gone.is_empty() {
            break;
        }
        model.boundaries.retain(|b| !gone.contains(&b.id));
        for id in gone {
            report.removed.push(change("boundary", &id));
        }
    }

    // Waivers of removed subjects, and the layout of removed elements.
    let present: BTreeSet<String> = model
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .chain(model.flows.iter().map(|f| f.id.clone()))
        .chain(model.boundaries.iter().map(|b| b.id.clone()))
        .collect();
    let mut waivers = Vec::new();
    for waiver in std::mem::take(&mut model.waivers) {
        if present.contains(&waiver.subject) || !existing_element(existing, &waiver.subject) {
            waivers.push(waiver);
        } else {
            report.removed.push(change(
                "waiver",
                &format!("{}/{}", waiver.rule, waiver.subject),
            ));
        }
    }
    model.waivers = waivers;
    model.layout.nodes.retain(|id, _| present.contains(id));
    model.layout.boundaries.retain(|id, _| present.contains(id));
    let model = fill_missing(&model);
    (model, report)
}

fn existing_element(model: &Model, id: &str) -> bool {
    model.nodes.iter().any(|n| n.id == id)
        || model.flows.iter().any(|f| f.id == id)
        || model.boundaries.iter().any(|b| b.id == id)
}

fn is_code_kind(kind: BoundaryKind) -> bool {
    matches!(kind, BoundaryKind::Network | BoundaryKind::Account)
}

fn change(kind: &'static str, id: &str) -> MergeChange {
    MergeChange {
        kind,
        id: id.to_owned(),
        fields: Vec::new(),
    }
}

fn changed(report: &mut MergeReport, kind: &'static str, id: &str, fields: Vec<String>) {
    if !fields.is_empty() {
        report.changed.push(MergeChange {
            kind,
            id: id.to_owned(),
            fields,
        });
    }
}
