//! FINOS CALM (Common Architecture Language Model) 1.1 architecture document, valid against
//! CALM's JSON Schemas (`schema/vendor/calm-1.1/`).
//!
//! Nodes → CALM nodes (`node-type`: actor → `actor`, service and queue → `service`, store →
//! `database`, external → `system`); boundaries → CALM nodes too (internet, network and region
//! → `network`, account and runtime → `system`, vendor → `ecosystem`), their members joined by
//! one `deployed-in` relationship per boundary (`composed-of` for a vendor, whose services make
//! it up), nested boundaries included; flows → `connects` relationships from the source node to
//! the destination, with CALM's `protocol` when the flow's protocol is one CALM names (HTTP,
//! HTTPS, FTP, SFTP, JDBC, WebSocket, SocketIO, LDAP, AMQP, TLS, mTLS, TCP).
//!
//! CALM has no place for data classes, encryption or authentication flags, monitoring, or
//! positions: each element's `metadata.flowmap` carries its Flowmap fields
//! (`crate::import::carry`) and `metadata.flowmap-layout` its position, and the document's
//! `metadata.flowmap` the classes, rule settings, waivers and narratives. Findings are not
//! exported: CALM's controls are requirements (a requirement URL and its configuration), not
//! results of checking them.

use serde::Serialize;

use super::ExportContext;
use crate::import::carry::{BoundaryCarry, FlowCarry, ModelCarry, NodeCarry};
use crate::layout::fill_missing;
use crate::model::{BoundaryKind, NodeKind, Point, Rect};

/// The schema an architecture document names.
pub const SCHEMA: &str = "https://calm.finos.org/release/1.1/meta/calm.json";

/// Prefix of the ids of the membership relationships (`flowmap-members-<boundary>`).
pub const MEMBERS: &str = "flowmap-members-";

fn node_type(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Actor => "actor",
        NodeKind::Service | NodeKind::Queue => "service",
        NodeKind::Store => "database",
        NodeKind::External => "system",
    }
}

fn boundary_type(kind: BoundaryKind) -> &'static str {
    match kind {
        BoundaryKind::Internet | BoundaryKind::Network | BoundaryKind::Region => "network",
        BoundaryKind::Account | BoundaryKind::Runtime => "system",
        BoundaryKind::Vendor => "ecosystem",
    }
}

/// CALM's name for a protocol, when it has one.
pub fn protocol(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "http" => "HTTP",
        "https" => "HTTPS",
        "ftp" => "FTP",
        "sftp" => "SFTP",
        "jdbc" => "JDBC",
        "websocket" | "ws" | "wss" => "WebSocket",
        "socketio" | "socket.io" => "SocketIO",
        "ldap" | "ldaps" => "LDAP",
        "amqp" | "amqps" => "AMQP",
        "tls" => "TLS",
        "mtls" => "mTLS",
        "tcp" => "TCP",
        _ => return None,
    })
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    nodes: Vec<CalmNode<'a>>,
    relationships: Vec<Relationship<'a>>,
    metadata: DocumentMetadata<'a>,
}

#[derive(Serialize)]
struct DocumentMetadata<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    generator: &'static str,
    flowmap: ModelCarry,
}

#[derive(Serialize)]
struct Layout {
    x: f64,
    y: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    w: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    h: Option<f64>,
}

#[derive(Serialize)]
struct Metadata<T> {
    flowmap: T,
    #[serde(rename = "flowmap-layout", skip_serializing_if = "Option::is_none")]
    layout: Option<Layout>,
}

#[derive(Serialize)]
struct CalmNode<'a> {
    #[serde(rename = "unique-id")]
    id: &'a str,
    #[serde(rename = "node-type")]
    kind: &'static str,
    name: &'a str,
    description: &'a str,
    metadata: NodeMetadata,
}

#[derive(Serialize)]
#[serde(untagged)]
enum NodeMetadata {
    Node(Metadata<NodeCarry>),
    Boundary(Metadata<BoundaryCarry>),
}

#[derive(Serialize)]
struct End<'a> {
    node: &'a str,
}

#[derive(Serialize)]
struct Connects<'a> {
    source: End<'a>,
    destination: End<'a>,
}

#[derive(Serialize)]
struct Members<'a> {
    container: &'a str,
    nodes: Vec<&'a str>,
}

#[derive(Serialize)]
enum RelationshipType<'a> {
    #[serde(rename = "connects")]
    Connects(Connects<'a>),
    #[serde(rename = "deployed-in")]
    DeployedIn(Members<'a>),
    #[serde(rename = "composed-of")]
    ComposedOf(Members<'a>),
}

#[derive(Serialize)]
struct Relationship<'a> {
    #[serde(rename = "unique-id")]
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(rename = "relationship-type")]
    kind: RelationshipType<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protocol: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<Metadata<FlowCarry>>,
}

/// Writes the model as a CALM architecture document.
pub fn calm(context: &ExportContext) -> String {
    let model = fill_missing(context.model);
    let at = |id: &str| -> Option<Layout> {
        model.layout.nodes.get(id).map(|p: &Point| Layout {
            x: p.x,
            y: p.y,
            w: None,
            h: None,
        })
    };
    let frame = |id: &str| -> Option<Layout> {
        model.layout.boundaries.get(id).map(|r: &Rect| Layout {
            x: r.x,
            y: r.y,
            w: Some(r.w),
            h: Some(r.h),
        })
    };
    let mut nodes: Vec<CalmNode> = model
        .nodes
        .iter()
        .map(|node| CalmNode {
            id: &node.id,
            kind: node_type(node.kind),
            name: &node.name,
            description: node.description.as_deref().unwrap_or(""),
            metadata: NodeMetadata::Node(Metadata {
                flowmap: NodeCarry::of(node),
                layout: at(&node.id),
            }),
        })
        .collect();
    nodes.extend(model.boundaries.iter().map(|boundary| CalmNode {
        id: &boundary.id,
        kind: boundary_type(boundary.kind),
        name: &boundary.name,
        description: boundary.description.as_deref().unwrap_or(""),
        metadata: NodeMetadata::Boundary(Metadata {
            flowmap: BoundaryCarry::of(boundary),
            layout: frame(&boundary.id),
        }),
    }));
    let mut relationships: Vec<Relationship> = model
        .flows
        .iter()
        .map(|flow| Relationship {
            id: flow.id.clone(),
            description: Some(flow.notes.as_deref().unwrap_or(&flow.name)),
            kind: RelationshipType::Connects(Connects {
                source: End { node: &flow.from },
                destination: End { node: &flow.to },
            }),
            protocol: flow.protocol.as_deref().and_then(protocol),
            metadata: Some(Metadata {
                flowmap: FlowCarry::of(flow),
                layout: None,
            }),
        })
        .collect();
    for boundary in &model.boundaries {
        let members: Vec<&str> = model
            .nodes
            .iter()
            .filter(|n| n.boundary.as_deref() == Some(boundary.id.as_str()))
            .map(|n| n.id.as_str())
            .chain(
                model
                    .boundaries
                    .iter()
                    .filter(|b| b.parent.as_deref() == Some(boundary.id.as_str()))
                    .map(|b| b.id.as_str()),
            )
            .collect();
        if members.is_empty() {
            continue;
        }
        let group = Members {
            container: &boundary.id,
            nodes: members,
        };
        relationships.push(Relationship {
            id: format!("{MEMBERS}{}", boundary.id),
            description: None,
            kind: if boundary.kind == BoundaryKind::Vendor {
                RelationshipType::ComposedOf(group)
            } else {
                RelationshipType::DeployedIn(group)
            },
            protocol: None,
            metadata: None,
        });
    }
    let document = Document {
        schema: SCHEMA,
        nodes,
        relationships,
        metadata: DocumentMetadata {
            name: &model.name,
            description: model.description.as_deref(),
            generator: "flowmap",
            flowmap: ModelCarry::of(&model, true),
        },
    };
    let mut text = serde_json::to_string_pretty(&document).expect("a document always serializes");
    text.push('\n');
    text
}
