//! The model as a FINOS CALM 1.1 architecture (valid against CALM's `core.json`, vendored in
//! `schema/vendor/`).
//!
//! - boundaries → nodes whose `node-type` is the boundary kind (`network`, `runtime`,
//!   `internet`, …), and one `composed-of` relationship per boundary with members (its nodes
//!   and nested boundaries);
//! - nodes → nodes: actor → `actor`, service → `service`, store → `database`, queue → `queue`,
//!   external → `external` (CALM allows node types of one's own);
//! - flows → `connects` relationships (`unique-id` the flow id, `description` its name):
//!   `protocol` is one of CALM's protocols — the flow's own when it is one, `TLS` for another
//!   encrypted flow (`HTTPS`/`mTLS`/`SFTP` when the protocol says so), none otherwise;
//!   `authentication` when the flow is authenticated.
//!
//! What CALM's own fields cannot say goes in each element's `metadata.flowmap` record (and the
//! architecture's, for data classes, rule configuration, waivers and narratives), which the
//! importer reads back. Findings and the layout do not go along: CALM has no place for them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::ExportContext;
use crate::import::carry::{BoundaryCarry, FlowCarry, ModelCarry, NodeCarry, KEY};
use crate::model::{Flow, NodeKind};

/// A flow's record in CALM: the fields every format's record has, and the notes (CALM's
/// relationship has one text, its description, which holds the name).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalmFlowCarry {
    #[serde(flatten)]
    pub flow: FlowCarry,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `{"flowmap": record}`, the `metadata` of a CALM element.
fn metadata(record: impl Serialize) -> Value {
    let mut map = Map::new();
    map.insert(
        KEY.to_owned(),
        serde_json::to_value(record).expect("a record always serializes"),
    );
    Value::Object(map)
}

/// The CALM release the export declares.
pub const CALM_SCHEMA: &str = "https://calm.finos.org/release/1.1/meta/calm.json";

/// CALM's protocols (`core.json`, `defs.protocol`).
const PROTOCOLS: &[&str] = &[
    "HTTP",
    "HTTPS",
    "FTP",
    "SFTP",
    "JDBC",
    "WebSocket",
    "SocketIO",
    "LDAP",
    "AMQP",
    "TLS",
    "mTLS",
    "TCP",
];

/// Is the protocol one the CALM importer reads as encrypted?
fn encrypting(protocol: &str) -> bool {
    ["HTTPS", "SFTP", "TLS", "mTLS"].contains(&protocol)
}

/// The CALM protocol for a flow, consistent with its `encrypted` flag.
fn protocol_of(flow: &Flow) -> Option<&'static str> {
    let own = flow
        .protocol
        .as_deref()
        .and_then(|p| PROTOCOLS.iter().find(|c| c.eq_ignore_ascii_case(p.trim())))
        .copied();
    match own {
        Some(p) if encrypting(p) == flow.encrypted => Some(p),
        _ if flow.encrypted => Some("TLS"),
        _ => None,
    }
}

fn node_type(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Actor => "actor",
        NodeKind::Service => "service",
        NodeKind::Store => "database",
        NodeKind::Queue => "queue",
        NodeKind::External => "external",
    }
}

/// Writes the CALM architecture, pretty, with a trailing newline.
pub fn calm(context: &ExportContext) -> String {
    let model = context.model;
    let mut boundaries: Vec<_> = model.boundaries.iter().collect();
    boundaries.sort_by(|a, b| a.id.cmp(&b.id));
    let mut nodes_sorted: Vec<_> = model.nodes.iter().collect();
    nodes_sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut flows: Vec<_> = model.flows.iter().collect();
    flows.sort_by(|a, b| a.id.cmp(&b.id));

    let mut nodes: Vec<Value> = Vec::new();
    for boundary in &boundaries {
        nodes.push(json!({
            "unique-id": boundary.id,
            "node-type": boundary.kind.as_str(),
            "name": boundary.name,
            "description": boundary.description.clone().unwrap_or_default(),
            "metadata": metadata(BoundaryCarry::of(boundary)),
        }));
    }
    for node in &nodes_sorted {
        nodes.push(json!({
            "unique-id": node.id,
            "node-type": node_type(node.kind),
            "name": node.name,
            "description": node.description.clone().unwrap_or_default(),
            "metadata": metadata(NodeCarry::of(node)),
        }));
    }

    let mut relationships: Vec<Value> = Vec::new();
    for flow in &flows {
        let mut relationship = Map::new();
        relationship.insert("unique-id".into(), json!(flow.id));
        relationship.insert(
            "description".into(),
            json!(if flow.name.trim().is_empty() {
                flow.id.clone()
            } else {
                flow.name.clone()
            }),
        );
        relationship.insert(
            "relationship-type".into(),
            json!({ "connects": {
                "source": { "node": flow.from },
                "destination": { "node": flow.to },
            }}),
        );
        if let Some(protocol) = protocol_of(flow) {
            relationship.insert("protocol".into(), json!(protocol));
        }
        if flow.authenticated {
            relationship.insert("authentication".into(), json!("authenticated"));
        }
        relationship.insert(
            "metadata".into(),
            metadata(CalmFlowCarry {
                flow: FlowCarry::of(flow),
                notes: flow.notes.clone(),
            }),
        );
        relationships.push(Value::Object(relationship));
    }
    for boundary in &boundaries {
        let members: Vec<&str> = boundaries
            .iter()
            .filter(|b| b.parent.as_deref() == Some(boundary.id.as_str()))
            .map(|b| b.id.as_str())
            .chain(
                nodes_sorted
                    .iter()
                    .filter(|n| n.boundary.as_deref() == Some(boundary.id.as_str()))
                    .map(|n| n.id.as_str()),
            )
            .collect();
        if members.is_empty() {
            continue;
        }
        relationships.push(json!({
            "unique-id": format!("{}-composed-of", boundary.id),
            "description": format!("{} contains", boundary.name),
            "relationship-type": { "composed-of": {
                "container": boundary.id,
                "nodes": members,
            }},
        }));
    }

    let mut document = Map::new();
    document.insert("$schema".into(), json!(CALM_SCHEMA));
    document.insert(
        "unique-id".into(),
        json!(crate::import::build::slug(&model.name)),
    );
    document.insert("name".into(), json!(model.name));
    if let Some(description) = &model.description {
        document.insert("description".into(), json!(description));
    }
    let extras = ModelCarry::of(model, true);
    if !extras.is_empty() {
        document.insert("metadata".into(), metadata(extras));
    }
    document.insert("nodes".into(), Value::Array(nodes));
    document.insert("relationships".into(), Value::Array(relationships));
    let mut text = serde_json::to_string_pretty(&Value::Object(document))
        .expect("a CALM document always serializes");
    text.push('\n');
    text
}
