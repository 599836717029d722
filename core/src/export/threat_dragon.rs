//! OWASP Threat Dragon v2 model (the file Threat Dragon 2 opens and saves), valid against
//! Threat Dragon's published JSON Schema (`schema/vendor/threat-dragon-v2.schema.json`).
//!
//! One STRIDE diagram: boundaries as trust boundary boxes (their frames from the layout, so a
//! member's centre lies inside its box), actors and externals as actors, services as
//! processes, stores and queues as stores, flows as flows; findings as threats on the cell of
//! their subject (severity, the rule's "How to fix" as mitigation, waived findings with status
//! "Accepted"). Each cell's `data.flowmap` carries the Flowmap fields Threat Dragon has no
//! place for (`crate::import::carry`), so importing the file back restores them. Positions
//! come from the model's layout (laid out where missing). The output is JSON: user strings
//! need no escaping beyond what serde_json does.

use serde::Serialize;

use super::ExportContext;
use crate::controls::Family;
use crate::finding::{Finding, Severity};
use crate::import::carry::{BoundaryCarry, FlowCarry, ModelCarry, NodeCarry};
use crate::layout::{fill_missing, NODE_HEIGHT, NODE_WIDTH};
use crate::model::{BoundaryKind, EncryptionAtRest, Model, NodeKind, Role};

/// The Threat Dragon version the file declares (the schema allows at most 10 characters).
const VERSION: &str = "2.3.0";

/// The text of a rule's "## How to fix" section.
pub(crate) fn how_to_fix(rule: &str) -> String {
    let Some(rule) = crate::rules::find(rule) else {
        return String::new();
    };
    let docs = rule.docs();
    let Some(start) = docs.find("## How to fix") else {
        return String::new();
    };
    let body = &docs[start + "## How to fix".len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end].trim().to_owned()
}

/// A STRIDE category for a finding, from its rule's first control family.
fn stride(finding: &Finding) -> &'static str {
    let family = crate::rules::find(finding.rule).and_then(|r| r.families.first().copied());
    match family {
        Some(Family::Authentication) => "Spoofing",
        Some(Family::Logging | Family::Ownership | Family::Inventory) => "Repudiation",
        Some(Family::BoundaryProtection) => "Elevation of privilege",
        Some(Family::VulnerabilityManagement) => "Tampering",
        _ => "Information disclosure",
    }
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

/// A cell id for an element: Threat Dragon's schema wants at least two characters, so a
/// one-character id gets a prefix (and the record carries the id itself).
fn cell_id(id: &str) -> String {
    if id.chars().count() < 2 {
        format!("flowmap-{id}")
    } else {
        id.to_owned()
    }
}

/// The element's id for its record, when its cell id differs.
fn carried_id(id: &str) -> Option<String> {
    (cell_id(id) != id).then(|| id.to_owned())
}

// The file's shape, as Threat Dragon writes it (typed: smaller in wasm than `json!` trees).

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    summary: Summary<'a>,
    detail: Detail<'a>,
}

#[derive(Serialize)]
struct Summary<'a> {
    title: &'a str,
    owner: &'static str,
    description: &'a str,
    id: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Detail<'a> {
    contributors: [u8; 0],
    diagrams: [Diagram<'a>; 1],
    diagram_top: u32,
    reviewer: &'static str,
    threat_top: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    flowmap: Option<ModelCarry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Diagram<'a> {
    id: u32,
    title: &'a str,
    diagram_type: &'static str,
    placeholder: &'static str,
    thumbnail: &'static str,
    version: &'static str,
    description: &'static str,
    cells: Vec<Cell<'a>>,
}

#[derive(Serialize)]
struct Xy {
    x: f64,
    y: f64,
}

#[derive(Serialize)]
struct Size {
    width: f64,
    height: f64,
}

#[derive(Serialize)]
struct End {
    cell: String,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Marker {
    name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Line {
    stroke: &'static str,
    stroke_width: f64,
    target_marker: Marker,
    source_marker: Marker,
}

#[derive(Serialize)]
struct Attrs<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<Line>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Cell<'a> {
    id: String,
    shape: &'static str,
    z_index: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    visible: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    position: Option<Xy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    size: Option<Size>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<End>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<End>,
    #[serde(skip_serializing_if = "Option::is_none")]
    connector: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<[&'a str; 1]>,
    attrs: Attrs<'a>,
    data: Data<'a>,
}

/// A cell's `data`: the common fields, the flags of its shape, and the Flowmap record.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Data<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_trust_boundary: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    out_of_scope: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason_out_of_scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provides_authentication: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    handles_card_payment: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    handles_goods_or_services: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_web_application: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    privilege_level: Option<&'static str>,
    #[serde(rename = "isALog", skip_serializing_if = "Option::is_none")]
    is_a_log: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_encrypted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_signed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stores_credentials: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stores_inventory: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_public_network: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_bidirectional: Option<bool>,
    has_open_threats: bool,
    threats: Vec<Threat<'a>>,
    flowmap: Record,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Record {
    Node(NodeCarry),
    Flow(FlowCarry),
    Boundary(BoundaryCarry),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Threat<'a> {
    id: &'a str,
    title: String,
    status: &'static str,
    severity: &'static str,
    #[serde(rename = "type")]
    category: &'static str,
    description: &'a str,
    mitigation: String,
    model_type: &'static str,
}

impl<'a> Data<'a> {
    /// Data with the common fields; shape flags are set by the caller.
    fn new(
        kind: &'static str,
        name: &'a str,
        description: &'a str,
        (threats, has_open_threats): (Vec<Threat<'a>>, bool),
        flowmap: Record,
    ) -> Data<'a> {
        Data {
            kind,
            name,
            description,
            is_trust_boundary: None,
            out_of_scope: None,
            reason_out_of_scope: None,
            provides_authentication: None,
            handles_card_payment: None,
            handles_goods_or_services: None,
            is_web_application: None,
            privilege_level: None,
            is_a_log: None,
            is_encrypted: None,
            is_signed: None,
            stores_credentials: None,
            stores_inventory: None,
            protocol: None,
            is_public_network: None,
            is_bidirectional: None,
            has_open_threats,
            threats,
            flowmap,
        }
    }

    fn in_scope(mut self) -> Data<'a> {
        self.out_of_scope = Some(false);
        self.reason_out_of_scope = Some("");
        self
    }
}

/// The threats for the findings about `id`, and whether any is open.
fn threats<'a>(context: &'a ExportContext, id: &str) -> (Vec<Threat<'a>>, bool) {
    let mut open = false;
    let threats = context
        .report
        .findings
        .iter()
        .filter(|f| f.subject.id == id)
        .map(|finding| {
            open |= !finding.waived;
            Threat {
                id: &finding.fingerprint,
                title: format!("{} {}", finding.rule, finding.name),
                status: if finding.waived { "Accepted" } else { "Open" },
                severity: severity(finding.severity),
                category: stride(finding),
                description: &finding.message,
                mitigation: how_to_fix(finding.rule),
                model_type: "STRIDE",
            }
        })
        .collect();
    (threats, open)
}

/// Is the node in an internet boundary (directly or through its parents)?
fn untrusted(model: &Model, id: &str) -> bool {
    let mut boundary = model.node(id).and_then(|n| n.boundary.as_deref());
    for _ in 0..=model.boundaries.len() {
        match boundary.and_then(|b| model.boundary(b)) {
            Some(b) if b.kind == BoundaryKind::Internet => return true,
            Some(b) => boundary = b.parent.as_deref(),
            None => return false,
        }
    }
    false
}

/// Writes the model as a Threat Dragon v2 file.
pub fn threat_dragon(context: &ExportContext) -> String {
    let model = fill_missing(context.model);
    let mut cells = Vec::new();
    for boundary in &model.boundaries {
        let rect = model
            .layout
            .boundaries
            .get(&boundary.id)
            .copied()
            .unwrap_or_default();
        let record = Record::Boundary(BoundaryCarry {
            id: carried_id(&boundary.id),
            ..BoundaryCarry::of(boundary)
        });
        let mut data = Data::new(
            "tm.BoundaryBox",
            &boundary.name,
            boundary.description.as_deref().unwrap_or_default(),
            threats(context, &boundary.id),
            record,
        );
        data.is_trust_boundary = Some(true);
        cells.push(Cell {
            id: cell_id(&boundary.id),
            shape: "trust-boundary-box",
            z_index: -1,
            visible: Some(true),
            position: Some(Xy {
                x: rect.x,
                y: rect.y,
            }),
            // Threat Dragon's schema wants boxes of at least 10 × 10.
            size: Some(Size {
                width: rect.w.max(10.0),
                height: rect.h.max(10.0),
            }),
            source: None,
            target: None,
            connector: None,
            labels: None,
            attrs: Attrs {
                label: Some(Text {
                    text: &boundary.name,
                }),
                text: None,
                line: None,
            },
            data,
        });
    }
    for (index, node) in model.nodes.iter().enumerate() {
        let at = model
            .layout
            .nodes
            .get(&node.id)
            .copied()
            .unwrap_or_default();
        let (shape, kind) = match node.kind {
            NodeKind::Actor | NodeKind::External => ("actor", "tm.Actor"),
            NodeKind::Service => ("process", "tm.Process"),
            NodeKind::Store | NodeKind::Queue => ("store", "tm.Store"),
        };
        let record = Record::Node(NodeCarry {
            id: carried_id(&node.id),
            ..NodeCarry::of(node)
        });
        let mut data = Data::new(
            kind,
            &node.name,
            node.description.as_deref().unwrap_or_default(),
            threats(context, &node.id),
            record,
        )
        .in_scope();
        match shape {
            "actor" => data.provides_authentication = Some(node.authenticates),
            "process" => {
                data.handles_card_payment = Some(false);
                data.handles_goods_or_services = Some(false);
                data.is_web_application = Some(false);
                data.privilege_level = Some("");
            }
            _ => {
                data.is_a_log = Some(node.role == Some(Role::LogSink));
                data.is_encrypted = Some(matches!(
                    node.encryption_at_rest,
                    Some(EncryptionAtRest::Provider | EncryptionAtRest::CustomerKey)
                ));
                data.is_signed = Some(false);
                data.stores_credentials = Some(node.holds.iter().any(|c| c == "credentials"));
                data.stores_inventory = Some(false);
            }
        }
        cells.push(Cell {
            id: cell_id(&node.id),
            shape,
            z_index: index as i64 + 1,
            visible: Some(true),
            position: Some(Xy { x: at.x, y: at.y }),
            size: Some(Size {
                width: NODE_WIDTH,
                height: NODE_HEIGHT,
            }),
            source: None,
            target: None,
            connector: None,
            labels: None,
            attrs: Attrs {
                label: None,
                text: Some(Text { text: &node.name }),
                line: None,
            },
            data,
        });
    }
    for flow in &model.flows {
        let record = Record::Flow(FlowCarry {
            id: carried_id(&flow.id),
            ..FlowCarry::of(flow)
        });
        let mut data = Data::new(
            "tm.Flow",
            &flow.name,
            flow.notes.as_deref().unwrap_or_default(),
            threats(context, &flow.id),
            record,
        )
        .in_scope();
        data.protocol = Some(flow.protocol.as_deref().unwrap_or_default());
        data.is_encrypted = Some(flow.encrypted);
        data.is_public_network = Some(untrusted(&model, &flow.from) || untrusted(&model, &flow.to));
        data.is_bidirectional = Some(false);
        cells.push(Cell {
            id: cell_id(&flow.id),
            shape: "flow",
            z_index: model.nodes.len() as i64 + 10,
            visible: None,
            position: None,
            size: None,
            source: Some(End {
                cell: cell_id(&flow.from),
            }),
            target: Some(End {
                cell: cell_id(&flow.to),
            }),
            connector: Some("smooth"),
            labels: Some([&flow.name]),
            attrs: Attrs {
                label: None,
                text: None,
                line: Some(Line {
                    stroke: "#333333",
                    stroke_width: 1.5,
                    target_marker: Marker { name: "block" },
                    source_marker: Marker { name: "" },
                }),
            },
            data,
        });
    }
    let extras = ModelCarry::of(&model, true);
    let document = Document {
        version: VERSION,
        summary: Summary {
            title: &model.name,
            owner: "",
            description: model.description.as_deref().unwrap_or_default(),
            id: 0,
        },
        detail: Detail {
            contributors: [],
            diagrams: [Diagram {
                id: 0,
                title: &model.name,
                diagram_type: "STRIDE",
                placeholder: "",
                thumbnail: "./public/content/images/thumbnail.stride.jpg",
                version: VERSION,
                description: "Exported by Flowmap",
                cells,
            }],
            diagram_top: 1,
            reviewer: "",
            threat_top: context.report.findings.len(),
            flowmap: (!extras.is_empty()).then_some(extras),
        },
    };
    let mut text = serde_json::to_string_pretty(&document).expect("a document always serializes");
    text.push('\n');
    text
}
