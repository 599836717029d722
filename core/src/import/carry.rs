//! The Flowmap fields another format has no place for, carried in that format's extension
//! field (Threat Dragon: a cell's `data.flowmap`; OTM: an element's `attributes.flowmap`), so
//! that flowmap → other tool → flowmap keeps them. The exporters write these records and the
//! importers read them back; a record from a hostile file is checked like any other input
//! (references to unknown classes or boundaries are dropped, and said so).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Boundary, Model, Narrative, Node, RuleSetting, Waiver};
use crate::model::{
    BoundaryKind, DataClass, EncryptionAtRest, Environment, Flow, Hosting, NodeKind, Regime, Role,
    TlsVersion, Vendor,
};

/// The key of the extension record in every format.
pub const KEY: &str = "flowmap";

fn no(b: &bool) -> bool {
    !*b
}

/// A node's fields, all of them (the other format's own fields are a lossy view).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeCarry {
    /// The element's id when the other format could not use it as its own id (Threat Dragon
    /// wants ids of at least two characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<NodeKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technology: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosting: Option<Hosting>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    #[serde(skip_serializing_if = "no")]
    pub logging: bool,
    #[serde(skip_serializing_if = "no")]
    pub authenticates: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encryption_at_rest: Option<EncryptionAtRest>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub strips: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clearance: Option<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<Vendor>,
}

impl NodeCarry {
    pub fn of(node: &Node) -> NodeCarry {
        NodeCarry {
            id: None,
            kind: Some(node.kind),
            boundary: node.boundary.clone(),
            owner: node.owner.clone(),
            technology: node.technology.clone(),
            hosting: node.hosting,
            role: node.role,
            region: node.region.clone(),
            environment: node.environment,
            logging: node.logging,
            authenticates: node.authenticates,
            encryption_at_rest: node.encryption_at_rest,
            holds: node.holds.clone(),
            strips: node.strips.clone(),
            clearance: node.clearance,
            controls: node.controls.clone(),
            vendor: node.vendor.clone(),
        }
    }

    /// Writes the record onto a node read from the other format's own fields (the record is
    /// complete, so it replaces them).
    pub fn apply(self, node: &mut Node) {
        if let Some(kind) = self.kind {
            node.kind = kind;
        }
        node.boundary = self.boundary;
        node.owner = self.owner;
        node.technology = self.technology;
        node.hosting = self.hosting;
        node.role = self.role;
        node.region = self.region;
        node.environment = self.environment;
        node.logging = self.logging;
        node.authenticates = self.authenticates;
        node.encryption_at_rest = self.encryption_at_rest;
        node.holds = self.holds;
        node.strips = self.strips;
        node.clearance = self.clearance.map(|c| c.min(9));
        node.controls = self.controls;
        node.vendor = self.vendor;
    }
}

/// A flow's fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlowCarry {
    /// The element's id when the other format could not use it as its own id (Threat Dragon
    /// wants ids of at least two characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(skip_serializing_if = "no")]
    pub encrypted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_min: Option<TlsVersion>,
    #[serde(skip_serializing_if = "no")]
    pub authenticated: bool,
    #[serde(skip_serializing_if = "no")]
    pub monitored: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<String>,
}

impl FlowCarry {
    pub fn of(flow: &Flow) -> FlowCarry {
        FlowCarry {
            id: None,
            protocol: flow.protocol.clone(),
            encrypted: flow.encrypted,
            tls_min: flow.tls_min,
            authenticated: flow.authenticated,
            monitored: flow.monitored,
            data: flow.data.clone(),
        }
    }

    pub fn apply(self, flow: &mut Flow) {
        flow.protocol = self.protocol;
        flow.encrypted = self.encrypted;
        flow.tls_min = self.tls_min;
        flow.authenticated = self.authenticated;
        flow.monitored = self.monitored;
        flow.data = self.data;
    }
}

/// A boundary's fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BoundaryCarry {
    /// The element's id when the other format could not use it as its own id (Threat Dragon
    /// wants ids of at least two characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<BoundaryKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// A trust zone the exporter made for nodes outside every boundary (OTM requires a
    /// parent for every component); the importer leaves it out again.
    #[serde(skip_serializing_if = "no")]
    pub outside: bool,
}

impl BoundaryCarry {
    pub fn of(boundary: &Boundary) -> BoundaryCarry {
        BoundaryCarry {
            id: None,
            kind: Some(boundary.kind),
            parent: boundary.parent.clone(),
            region: boundary.region.clone(),
            outside: false,
        }
    }
}

/// A data class's fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassCarry {
    /// The class is one of the built-in taxonomy (the importer refers to it, defines nothing).
    #[serde(skip_serializing_if = "no")]
    pub builtin: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<u8>,
    #[serde(skip_serializing_if = "no")]
    pub personal: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regime: Option<Regime>,
    #[serde(skip_serializing_if = "no")]
    pub never_store: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub residency: Vec<String>,
    #[serde(skip_serializing_if = "no")]
    pub consumed_at_hop: bool,
}

impl ClassCarry {
    pub fn of(class: &DataClass, builtin: bool) -> ClassCarry {
        ClassCarry {
            builtin,
            tier: Some(class.tier),
            personal: class.personal,
            regime: class.regime,
            never_store: class.never_store,
            residency: class.residency.clone(),
            consumed_at_hop: class.consumed_at_hop,
        }
    }
}

/// The model's own parts that other formats have no place for: its data classes (Threat
/// Dragon has none; OTM carries them as assets), rule configuration, waivers and narratives.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelCarry {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<DataClass>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<String, RuleSetting>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<Waiver>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub narratives: Vec<Narrative>,
}

impl ModelCarry {
    /// The record of a model; `with_classes` false where the format holds classes itself.
    pub fn of(model: &Model, with_classes: bool) -> ModelCarry {
        ModelCarry {
            classes: if with_classes {
                model.classes.clone()
            } else {
                Vec::new()
            },
            rules: model.rules.clone(),
            waivers: model.waivers.clone(),
            narratives: model.narratives.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
            && self.rules.is_empty()
            && self.waivers.is_empty()
            && self.narratives.is_empty()
    }
}

/// Reads a carried record at `at.flowmap`, reporting a malformed one as a located error.
pub fn read<T: serde::de::DeserializeOwned>(
    reader: &mut super::document::Reader,
    at: &super::document::At,
) -> Option<T> {
    let field = at.get(KEY)?;
    match serde_path_to_error::deserialize::<_, T>(field.value) {
        Ok(record) => Some(record),
        Err(error) => {
            let mut pointer = field.pointer.clone();
            for segment in error.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => {
                        pointer.push_str(&format!("/{index}"))
                    }
                    serde_path_to_error::Segment::Map { key } => {
                        pointer.push('/');
                        pointer.push_str(&crate::load::escape_segment(key));
                    }
                    _ => {}
                }
            }
            let message = error.into_inner().to_string().replace('`', "\"");
            reader.error(&pointer, format!("invalid Flowmap record: {message}"));
            None
        }
    }
}
