//! The review of a change: what differs between two versions of a model, for `flowmap diff`,
//! `flowmap check --baseline` and (later) the app's compare view.
//!
//! A [`ModelDiff`] compares two models by id, never by position:
//! - **elements** — nodes, flows, boundaries, data classes, waivers, narratives, rule settings
//!   and the model's own fields, each added, removed or changed, a change listed field by field
//!   (the file format's field names, `vendor.agreements` for nested ones). Class lists (`data`,
//!   `holds`, `strips`) are sets, as in the canonical form: reordering them is no change, and
//!   neither is reordering elements in the file;
//! - **layout** — positions and sizes of elements present in both versions, reported apart:
//!   layout never affects findings, and renderers leave it out unless asked;
//! - **reach** — the taint delta: data classes that newly reach a node, or no longer do
//!   (`engine::Analysis::reach` of both versions, classes compared by id), each with its
//!   witness path in the version where it reaches;
//! - **findings** — introduced, resolved, updated (same fingerprint, different severity,
//!   message or waiver) and unchanged, matched by fingerprint. Fingerprints derive from rule
//!   and subject only, so editing or renaming other elements never turns a finding into a
//!   resolved one and an introduced one.
//!
//! Everything is in a fixed order: elements by kind then id, reach by node id, findings in
//! report order (the new version's for introduced, updated and unchanged, the old version's for
//! resolved).
//!
//! `edit::Diff` is the editor's record of one edit, applicable and reversible (undo); a
//! `ModelDiff` is built on it ([`edit::Diff::between`] finds the node, flow, boundary and layout
//! records that differ) and goes further: field by field, keyed settings, and what the check
//! derives from both versions. Both call one differing record a change.

pub mod markdown;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::canonical::canonical_model;
use crate::check::{check, CheckOptions, Report};
use crate::edit::{self, Change};
use crate::engine::Analysis;
use crate::finding::{Finding, Severity, Summary};
use crate::model::{Model, NodeKind};

/// How an element differs between the two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// What kind of record of the model changed, in the order a diff lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ElementKind {
    /// The model's own fields (name, description).
    Model,
    #[serde(rename = "class")]
    DataClass,
    Boundary,
    Node,
    Flow,
    /// A rule's configuration (`"off"` or a severity), keyed by rule id.
    #[serde(rename = "rule")]
    RuleSetting,
    Waiver,
    Narrative,
}

impl ElementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Model => "model",
            ElementKind::DataClass => "class",
            ElementKind::Boundary => "boundary",
            ElementKind::Node => "node",
            ElementKind::Flow => "flow",
            ElementKind::RuleSetting => "rule",
            ElementKind::Waiver => "waiver",
            ElementKind::Narrative => "narrative",
        }
    }
}

/// One field that differs, with its value in each version. An absent field reads as its
/// default: `false` beside a boolean, `[]` beside a list, `null` otherwise.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// The field's name in the file format; nested fields joined by dots (`vendor.agreements`).
    pub field: String,
    pub before: Value,
    pub after: Value,
}

impl FieldChange {
    /// For a list of strings on both sides: the items added and removed, in list order.
    pub fn list_delta(&self) -> Option<(Vec<&str>, Vec<&str>)> {
        fn strings(value: &Value) -> Option<Vec<&str>> {
            value.as_array()?.iter().map(Value::as_str).collect()
        }
        let (before, after) = (strings(&self.before)?, strings(&self.after)?);
        let added = after.iter().filter(|s| !before.contains(s)).copied();
        let removed = before.iter().filter(|s| !after.contains(s)).copied();
        Some((added.collect(), removed.collect()))
    }
}

/// One element added, removed or changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ElementChange {
    pub kind: ElementKind,
    /// The element's id: a node, flow, boundary or class id; a rule id for a rule setting;
    /// `RULE/SUBJECT` for a waiver and the control id for a narrative (with `#2`, `#3` … for
    /// repeats); empty for the model.
    pub id: String,
    /// Its name (the new version's, or the old one's when it was removed); empty when it has
    /// none.
    pub name: String,
    pub change: ChangeKind,
    /// For a changed element, the fields that differ, by name; empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

/// A node or boundary present in both versions that moved or was resized (or gained or lost
/// its position).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayoutChange {
    /// [`ElementKind::Node`] or [`ElementKind::Boundary`].
    pub kind: ElementKind,
    pub id: String,
    /// `{x, y}` for a node, `{x, y, w, h}` for a boundary; `null` without a position.
    pub before: Value,
    pub after: Value,
}

/// A data class newly reaching a node, or no longer reaching it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassReach {
    /// The class id.
    pub class: String,
    /// The witness path (flow ids), in the version where the class reaches the node: from
    /// where the class entered to the node. Empty when the node holds the class itself.
    pub path: Vec<String>,
}

/// The taint delta at one node.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReachChange {
    pub node: String,
    pub name: String,
    /// The node's kind in the version it is in (the new one, unless it was removed).
    pub node_kind: NodeKind,
    /// When the node itself was added or removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_change: Option<ChangeKind>,
    /// Classes that reach it now and did not before.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gained: Vec<ClassReach>,
    /// Classes that reached it before and no longer do.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<ClassReach>,
}

impl ReachChange {
    /// Is the node a vendor (an external)?
    pub fn is_vendor(&self) -> bool {
        self.node_kind == NodeKind::External
    }
}

/// A finding present in both versions (same fingerprint) whose severity, message or waiver
/// differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UpdatedFinding {
    pub before: Finding,
    pub after: Finding,
}

/// Findings of the two versions, matched by fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingChanges {
    /// In the new version only, in its report order.
    pub introduced: Vec<Finding>,
    /// In the old version only, in its report order.
    pub resolved: Vec<Finding>,
    /// In both, changed, in the new version's report order.
    pub updated: Vec<UpdatedFinding>,
    /// In both, the same, in the new version's report order.
    pub unchanged: Vec<Finding>,
}

/// The state of a finding of the new version relative to the old one, in SARIF's words
/// (`result.baselineState`); `Absent` is a finding of the old version only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    New,
    Unchanged,
    Updated,
    Absent,
}

impl BaselineState {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
            BaselineState::Updated => "updated",
            BaselineState::Absent => "absent",
        }
    }
}

impl FindingChanges {
    /// Matches two versions' findings (each in its report order) by fingerprint. Should a
    /// fingerprint repeat within a version, its occurrences are paired in order.
    pub fn between(old: &[Finding], new: &[Finding]) -> FindingChanges {
        let mut by_fingerprint: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for finding in old.iter().rev() {
            by_fingerprint
                .entry(finding.fingerprint.as_str())
                .or_default()
                .push(finding);
        }
        let mut changes = FindingChanges::default();
        let mut matched: BTreeSet<*const Finding> = BTreeSet::new();
        for finding in new {
            let before = by_fingerprint
                .get_mut(finding.fingerprint.as_str())
                .and_then(Vec::pop);
            match before {
                None => changes.introduced.push(finding.clone()),
                Some(before) => {
                    matched.insert(before as *const Finding);
                    if before.severity == finding.severity
                        && before.message == finding.message
                        && before.waived == finding.waived
                        && before.waiver == finding.waiver
                    {
                        changes.unchanged.push(finding.clone());
                    } else {
                        changes.updated.push(UpdatedFinding {
                            before: before.clone(),
                            after: finding.clone(),
                        });
                    }
                }
            }
        }
        changes.resolved = old
            .iter()
            .filter(|f| !matched.contains(&(*f as *const Finding)))
            .cloned()
            .collect();
        changes
    }

    /// The baseline state of each finding of the new version, in its report order (the order
    /// [`Self::between`] was given).
    pub fn states(&self, new: &[Finding]) -> Vec<BaselineState> {
        let introduced: BTreeSet<&str> = self
            .introduced
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        let updated: BTreeSet<&str> = self
            .updated
            .iter()
            .map(|u| u.after.fingerprint.as_str())
            .collect();
        new.iter()
            .map(|f| {
                if introduced.contains(f.fingerprint.as_str()) {
                    BaselineState::New
                } else if updated.contains(f.fingerprint.as_str()) {
                    BaselineState::Updated
                } else {
                    BaselineState::Unchanged
                }
            })
            .collect()
    }

    /// The findings the change makes fail at `threshold`: introduced ones at or above it, and
    /// updated ones that now are at or above it but were not (lower, or waived) before. Waived
    /// findings never fail. In the new version's report order.
    pub fn newly_failing(&self, threshold: Severity) -> Vec<&Finding> {
        let fails = |f: &Finding| !f.waived && f.severity >= threshold;
        let mut failing: Vec<&Finding> = self.introduced.iter().filter(|f| fails(f)).collect();
        failing.extend(
            self.updated
                .iter()
                .filter(|u| fails(&u.after) && !fails(&u.before))
                .map(|u| &u.after),
        );
        // Both lists are in report order; merging them keeps it.
        failing.sort_by(|a, b| {
            (
                std::cmp::Reverse(a.severity),
                a.rule,
                &a.subject,
                &a.fingerprint,
            )
                .cmp(&(
                    std::cmp::Reverse(b.severity),
                    b.rule,
                    &b.subject,
                    &b.fingerprint,
                ))
        });
        failing
    }

    /// Counts of introduced findings that are not waived, by severity.
    pub fn introduced_summary(&self) -> Summary {
        Summary::of(&self.introduced)
    }
}

/// Which elements of the diagram changed and how: what the app colours and the comment's
/// diagram styles. Keyed by id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Marks {
    pub nodes: BTreeMap<String, ChangeKind>,
    pub flows: BTreeMap<String, ChangeKind>,
    pub boundaries: BTreeMap<String, ChangeKind>,
}

/// What differs between two versions of a model (see the module docs).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModelDiff {
    /// By kind, then id.
    pub elements: Vec<ElementChange>,
    /// Nodes, then boundaries, each by id.
    pub layout: Vec<LayoutChange>,
    /// By node id.
    pub reach: Vec<ReachChange>,
    pub findings: FindingChanges,
    /// Counts of open findings in each version.
    pub old_summary: Summary,
    pub new_summary: Summary,
}

/// Compares two models, checking each with the same options.
pub fn compare(old: &Model, new: &Model, options: &CheckOptions) -> ModelDiff {
    compare_checked(old, &check(old, options), new, &check(new, options))
}

/// Compares two models whose reports the caller has already (the app keeps the live check's).
pub fn compare_checked(
    old: &Model,
    old_report: &Report,
    new: &Model,
    new_report: &Report,
) -> ModelDiff {
    let (elements, layout) = element_changes(old, new);
    ModelDiff {
        elements,
        layout,
        reach: reach_changes(old, new),
        findings: FindingChanges::between(&old_report.findings, &new_report.findings),
        old_summary: old_report.summary,
        new_summary: new_report.summary,
    }
}

impl ModelDiff {
    /// Nothing an analysis reads differs (layout aside) and no finding changed.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
            && self.reach.is_empty()
            && self.findings.introduced.is_empty()
            && self.findings.resolved.is_empty()
            && self.findings.updated.is_empty()
    }

    /// Element changes of one kind of change.
    pub fn count(&self, change: ChangeKind) -> usize {
        self.elements.iter().filter(|e| e.change == change).count()
    }

    /// The nodes, flows and boundaries that changed, for colouring a diagram.
    pub fn marks(&self) -> Marks {
        let mut marks = Marks::default();
        for element in &self.elements {
            let map = match element.kind {
                ElementKind::Node => &mut marks.nodes,
                ElementKind::Flow => &mut marks.flows,
                ElementKind::Boundary => &mut marks.boundaries,
                _ => continue,
            };
            map.insert(element.id.clone(), element.change);
        }
        marks
    }
}

/// What an added or removed element is, in plain text (unescaped), from the version it is in:
/// a node's kind and boundary, a flow's ends and classes, a boundary's kind, a class's tier, a
/// rule setting, a waiver's expiry, approver and reason, a narrative's text. Empty for a
/// changed element (its fields say what changed) and for the model.
pub fn describe(element: &ElementChange, old: &Model, new: &Model) -> String {
    let model = match element.change {
        ChangeKind::Added => new,
        ChangeKind::Removed => old,
        ChangeKind::Changed => return String::new(),
    };
    // The n-th record with a key, for keys made unique by `numbered`.
    let (key, nth) = match element.id.rsplit_once('#') {
        Some((key, n)) if n.parse::<usize>().is_ok() => (key, n.parse::<usize>().unwrap_or(1)),
        _ => (element.id.as_str(), 1),
    };
    match element.kind {
        ElementKind::Model => String::new(),
        ElementKind::Node => {
            model
                .node(&element.id)
                .map_or_else(String::new, |n| match &n.boundary {
                    Some(boundary) => format!("{} in {boundary}", n.kind),
                    None => n.kind.to_string(),
                })
        }
        ElementKind::Flow => model.flow(&element.id).map_or_else(String::new, |f| {
            let mut text = format!("{} → {}", f.from, f.to);
            if !f.data.is_empty() {
                text.push_str(": ");
                text.push_str(&f.data.join(", "));
            }
            text
        }),
        ElementKind::Boundary => model
            .boundary(&element.id)
            .map_or_else(String::new, |b| match &b.parent {
                Some(parent) => format!("{} boundary in {parent}", b.kind),
                None => format!("{} boundary", b.kind),
            }),
        ElementKind::DataClass => model
            .classes
            .iter()
            .find(|c| c.id == element.id)
            .map_or_else(String::new, |c| {
                format!(
                    "tier {}{}",
                    c.tier,
                    if c.personal { ", personal" } else { "" }
                )
            }),
        ElementKind::RuleSetting => match model.rules.get(&element.id) {
            Some(crate::model::RuleSetting::Off) => "off".to_owned(),
            Some(crate::model::RuleSetting::Severity(severity)) => format!("severity {severity}"),
            None => String::new(),
        },
        ElementKind::Waiver => model
            .waivers
            .iter()
            .filter(|w| key.split_once('/') == Some((w.rule.as_str(), w.subject.as_str())))
            .nth(nth - 1)
            .map_or_else(String::new, |w| {
                format!(
                    "until {}, approved by {}: {}",
                    w.expires, w.approved_by, w.reason
                )
            }),
        ElementKind::Narrative => model
            .narratives
            .iter()
            .filter(|n| n.control == key)
            .nth(nth - 1)
            .map_or_else(String::new, |n| n.text.clone()),
    }
}

/// Element and layout changes. Nodes, flows, boundaries and layout come from the editor's
/// record diff; the settings record is compared key by key.
fn element_changes(old: &Model, new: &Model) -> (Vec<ElementChange>, Vec<LayoutChange>) {
    let records = edit::Diff::between(old, new);
    let (old_canonical, new_canonical) = (canonical_model(old), canonical_model(new));
    let (old_records, new_records) = (Records::of(&old_canonical), Records::of(&new_canonical));
    let mut elements = Vec::new();
    let mut layout = Vec::new();
    let mut layout_change = |kind: ElementKind, id: &String, before: Value, after: Value| {
        let in_both = match kind {
            ElementKind::Node => {
                old_records.nodes.contains_key(id.as_str())
                    && new_records.nodes.contains_key(id.as_str())
            }
            _ => {
                old_records.boundaries.contains_key(id.as_str())
                    && new_records.boundaries.contains_key(id.as_str())
            }
        };
        // The layout of an element added or removed goes with it.
        if in_both {
            layout.push(LayoutChange {
                kind,
                id: id.clone(),
                before,
                after,
            });
        }
    };
    let optional = |value: Option<Value>| value.unwrap_or(Value::Null);
    for change in &records.changes {
        match change {
            Change::Node { before, after } => push_record(
                &mut elements,
                ElementKind::Node,
                before.as_ref().map(|(_, n)| n.id.as_str()),
                after.as_ref().map(|(_, n)| n.id.as_str()),
                |id| old_records.nodes.get(id).cloned(),
                |id| new_records.nodes.get(id).cloned(),
            ),
            Change::Flow { before, after } => push_record(
                &mut elements,
                ElementKind::Flow,
                before.as_ref().map(|(_, f)| f.id.as_str()),
                after.as_ref().map(|(_, f)| f.id.as_str()),
                |id| old_records.flows.get(id).cloned(),
                |id| new_records.flows.get(id).cloned(),
            ),
            Change::Boundary { before, after } => push_record(
                &mut elements,
                ElementKind::Boundary,
                before.as_ref().map(|(_, b)| b.id.as_str()),
                after.as_ref().map(|(_, b)| b.id.as_str()),
                |id| old_records.boundaries.get(id).cloned(),
                |id| new_records.boundaries.get(id).cloned(),
            ),
            Change::NodeLayout { id, before, after } => layout_change(
                ElementKind::Node,
                id,
                optional(before.as_ref().map(to_value)),
                optional(after.as_ref().map(to_value)),
            ),
            Change::BoundaryLayout { id, before, after } => layout_change(
                ElementKind::Boundary,
                id,
                optional(before.as_ref().map(to_value)),
                optional(after.as_ref().map(to_value)),
            ),
            Change::Settings { .. } => {
                settings_changes(&old_canonical, &new_canonical, &mut elements)
            }
        }
    }
    elements.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    layout.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    (elements, layout)
}

/// A canonical model's nodes, flows and boundaries by id, each as JSON with its name.
struct Records<'m> {
    nodes: BTreeMap<&'m str, (Value, String)>,
    flows: BTreeMap<&'m str, (Value, String)>,
    boundaries: BTreeMap<&'m str, (Value, String)>,
}

impl<'m> Records<'m> {
    fn of(model: &'m Model) -> Records<'m> {
        Records {
            nodes: model
                .nodes
                .iter()
                .map(|n| (n.id.as_str(), (to_value(n), n.name.clone())))
                .collect(),
            flows: model
                .flows
                .iter()
                .map(|f| (f.id.as_str(), (to_value(f), f.name.clone())))
                .collect(),
            boundaries: model
                .boundaries
                .iter()
                .map(|b| (b.id.as_str(), (to_value(b), b.name.clone())))
                .collect(),
        }
    }
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("model records always serialize")
}

/// One node, flow or boundary record that the record diff found different: added, removed, or
/// changed when some field differs in canonical form (a reordered class list is no change).
fn push_record(
    elements: &mut Vec<ElementChange>,
    kind: ElementKind,
    before: Option<&str>,
    after: Option<&str>,
    old: impl Fn(&str) -> Option<(Value, String)>,
    new: impl Fn(&str) -> Option<(Value, String)>,
) {
    let before = before.and_then(&old);
    let after = after.and_then(|id| new(id).map(|record| (id, record)));
    let id = |value: &Value| value["id"].as_str().unwrap_or_default().to_owned();
    match (before, after) {
        (None, Some((id, (_, name)))) => elements.push(ElementChange {
            kind,
            id: id.to_owned(),
            name,
            change: ChangeKind::Added,
            fields: Vec::new(),
        }),
        (Some((value, name)), None) => elements.push(ElementChange {
            kind,
            id: id(&value),
            name,
            change: ChangeKind::Removed,
            fields: Vec::new(),
        }),
        (Some((before, _)), Some((id, (after, name)))) => {
            let fields = field_changes(&before, &after);
            if !fields.is_empty() {
                elements.push(ElementChange {
                    kind,
                    id: id.to_owned(),
                    name,
                    change: ChangeKind::Changed,
                    fields,
                });
            }
        }
        (None, None) => {}
    }
}

/// The fields that differ between two records (JSON objects), nested objects field by field.
pub fn field_changes(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let empty = Map::new();
    object_changes(
        "",
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
        &mut out,
    );
    out
}

fn object_changes(
    prefix: &str,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
    out: &mut Vec<FieldChange>,
) {
    let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let empty = Map::new();
    for key in keys {
        let field = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (before.get(key), after.get(key)) {
            (b, a) if b == a => {}
            (Some(Value::Object(b)), Some(Value::Object(a))) => object_changes(&field, b, a, out),
            (Some(Value::Object(b)), None) => object_changes(&field, b, &empty, out),
            (None, Some(Value::Object(a))) => object_changes(&field, &empty, a, out),
            (b, a) => out.push(FieldChange {
                field,
                before: b.cloned().unwrap_or_else(|| default_beside(a)),
                after: a.cloned().unwrap_or_else(|| default_beside(b)),
            }),
        }
    }
}

/// What an absent field means, judged by the value on the other side (see [`FieldChange`]).
fn default_beside(other: Option<&Value>) -> Value {
    match other {
        Some(Value::Bool(_)) => Value::Bool(false),
        Some(Value::Array(_)) => Value::Array(Vec::new()),
        _ => Value::Null,
    }
}

/// The settings record key by key: the model's fields, classes by id, rule settings by rule,
/// waivers by rule and subject, narratives by control.
fn settings_changes(old: &Model, new: &Model, elements: &mut Vec<ElementChange>) {
    let model_fields =
        |m: &Model| serde_json::json!({ "name": m.name, "description": m.description });
    let fields = field_changes(&model_fields(old), &model_fields(new));
    if !fields.is_empty() {
        elements.push(ElementChange {
            kind: ElementKind::Model,
            id: String::new(),
            name: new.name.clone(),
            change: ChangeKind::Changed,
            fields,
        });
    }
    let keyed =
        |kind: ElementKind,
         old: Vec<(String, String, Value)>,
         new: Vec<(String, String, Value)>,
         elements: &mut Vec<ElementChange>| { keyed_changes(kind, old, new, elements) };
    let classes = |m: &Model| {
        m.classes
            .iter()
            .map(|c| (c.id.clone(), c.name.clone(), to_value(c)))
            .collect()
    };
    keyed(ElementKind::DataClass, classes(old), classes(new), elements);
    let rules = |m: &Model| {
        m.rules
            .iter()
            .map(|(rule, setting)| {
                (
                    rule.clone(),
                    String::new(),
                    serde_json::json!({ "setting": to_value(setting) }),
                )
            })
            .collect()
    };
    keyed(ElementKind::RuleSetting, rules(old), rules(new), elements);
    let waivers = |m: &Model| {
        numbered(m.waivers.iter().map(|w| {
            (
                format!("{}/{}", w.rule, w.subject),
                String::new(),
                to_value(w),
            )
        }))
    };
    keyed(ElementKind::Waiver, waivers(old), waivers(new), elements);
    let narratives = |m: &Model| {
        numbered(
            m.narratives
                .iter()
                .map(|n| (n.control.clone(), String::new(), to_value(n))),
        )
    };
    keyed(
        ElementKind::Narrative,
        narratives(old),
        narratives(new),
        elements,
    );
}

/// Keys made unique in order: the second `k` becomes `k#2`.
fn numbered(
    records: impl Iterator<Item = (String, String, Value)>,
) -> Vec<(String, String, Value)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    records
        .map(|(key, name, value)| {
            let count = seen.entry(key.clone()).or_default();
            *count += 1;
            let key = if *count == 1 {
                key
            } else {
                format!("{key}#{count}")
            };
            (key, name, value)
        })
        .collect()
}

fn keyed_changes(
    kind: ElementKind,
    old: Vec<(String, String, Value)>,
    new: Vec<(String, String, Value)>,
    elements: &mut Vec<ElementChange>,
) {
    let old: BTreeMap<String, (String, Value)> =
        old.into_iter().map(|(k, n, v)| (k, (n, v))).collect();
    let mut new: BTreeMap<String, (String, Value)> =
        new.into_iter().map(|(k, n, v)| (k, (n, v))).collect();
    for (id, (name, before)) in old {
        match new.remove(&id) {
            None => elements.push(ElementChange {
                kind,
                id,
                name,
                change: ChangeKind::Removed,
                fields: Vec::new(),
            }),
            Some((name, after)) => {
                let fields = field_changes(&before, &after);
                if !fields.is_empty() {
                    elements.push(ElementChange {
                        kind,
                        id,
                        name,
                        change: ChangeKind::Changed,
                        fields,
                    });
                }
            }
        }
    }
    for (id, (name, _)) in new {
        elements.push(ElementChange {
            kind,
            id,
            name,
            change: ChangeKind::Added,
            fields: Vec::new(),
        });
    }
}

/// The taint delta: per node id in either version, the classes (by id) that reach it in one
/// version only.
fn reach_changes(old: &Model, new: &Model) -> Vec<ReachChange> {
    let (old_analysis, new_analysis) = (Analysis::new(old), Analysis::new(new));
    // Node id → (index in the old analysis, index in the new one).
    let mut nodes: BTreeMap<&str, (Option<usize>, Option<usize>)> = BTreeMap::new();
    for (n, node) in old_analysis.nodes.iter().enumerate() {
        nodes.entry(node.id.as_str()).or_default().0 = Some(n);
    }
    for (n, node) in new_analysis.nodes.iter().enumerate() {
        nodes.entry(node.id.as_str()).or_default().1 = Some(n);
    }
    let reaching = |analysis: &Analysis, n: Option<usize>| -> BTreeMap<String, usize> {
        n.map(|n| {
            analysis.reach[n]
                .iter()
                .map(|c| (analysis.taxonomy.class(c).id.clone(), c))
                .collect()
        })
        .unwrap_or_default()
    };
    let mut changes = Vec::new();
    for (id, (was, is)) in nodes {
        let (before, after) = (reaching(&old_analysis, was), reaching(&new_analysis, is));
        let reach = |analysis: &Analysis,
                     n: Option<usize>,
                     mine: &BTreeMap<String, usize>,
                     other: &BTreeMap<String, usize>|
         -> Vec<ClassReach> {
            mine.iter()
                .filter(|(class, _)| !other.contains_key(*class))
                .map(|(class, c)| ClassReach {
                    class: class.clone(),
                    path: n.map_or_else(Vec::new, |n| {
                        analysis.path_ids(&analysis.witness_to_node(n, *c))
                    }),
                })
                .collect()
        };
        let gained = reach(&new_analysis, is, &after, &before);
        let lost = reach(&old_analysis, was, &before, &after);
        if gained.is_empty() && lost.is_empty() {
            continue;
        }
        let node = match (was, is) {
            (_, Some(n)) => new_analysis.nodes[n],
            (Some(n), None) => old_analysis.nodes[n],
            (None, None) => continue,
        };
        changes.push(ReachChange {
            node: id.to_owned(),
            name: node.name.clone(),
            node_kind: node.kind,
            node_change: match (was, is) {
                (None, Some(_)) => Some(ChangeKind::Added),
                (Some(_), None) => Some(ChangeKind::Removed),
                _ => None,
            },
            gained,
            lost,
        });
    }
    changes
}

/// How the diff document is written.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonOptions {
    /// List layout changes too (they are always counted).
    pub layout: bool,
    /// The day the checks judged expiry on.
    pub today: Option<crate::date::Date>,
}

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    old: crate::document::ModelRef<'a>,
    new: crate::document::ModelRef<'a>,
    tool: crate::document::Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    today: Option<String>,
    summary: DocumentSummary,
    findings: &'a FindingChanges,
    elements: &'a [ElementChange],
    reach: &'a [ReachChange],
    #[serde(skip_serializing_if = "Option::is_none")]
    layout: Option<&'a [LayoutChange]>,
}

#[derive(Serialize)]
struct DocumentSummary {
    introduced: usize,
    resolved: usize,
    updated: usize,
    unchanged: usize,
    /// Introduced findings that are not waived, by severity.
    introduced_by_severity: Summary,
    elements_added: usize,
    elements_removed: usize,
    elements_changed: usize,
    reach_changes: usize,
    layout_changes: usize,
    old_findings: Summary,
    new_findings: Summary,
}

/// The diff document (`flowmap diff --format json`, `flowmap-diff/1`) as pretty JSON with a
/// trailing newline.
pub fn diff_json(old: &Model, new: &Model, diff: &ModelDiff, options: &JsonOptions) -> String {
    let findings = &diff.findings;
    let document = Document {
        format: "flowmap-diff/1",
        old: crate::document::ModelRef::of(old),
        new: crate::document::ModelRef::of(new),
        tool: crate::document::Tool::current(),
        today: options.today.map(|d| d.to_string()),
        summary: DocumentSummary {
            introduced: findings.introduced.len(),
            resolved: findings.resolved.len(),
            updated: findings.updated.len(),
            unchanged: findings.unchanged.len(),
            introduced_by_severity: findings.introduced_summary(),
            elements_added: diff.count(ChangeKind::Added),
            elements_removed: diff.count(ChangeKind::Removed),
            elements_changed: diff.count(ChangeKind::Changed),
            reach_changes: diff.reach.len(),
            layout_changes: diff.layout.len(),
            old_findings: diff.old_summary,
            new_findings: diff.new_summary,
        },
        findings,
        elements: &diff.elements,
        reach: &diff.reach,
        layout: options.layout.then_some(diff.layout.as_slice()),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("a diff always serializes");
    text.push('\n');
    text
}
