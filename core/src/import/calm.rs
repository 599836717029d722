//! FINOS CALM architectures (JSON, CALM 1.x: `nodes` and `relationships`).
//!
//! - `relationships` of type `composed-of` and `deployed-in` name a `container` node and its
//!   `nodes`: a container that is no end of a `connects` or `interacts` relationship becomes a
//!   boundary (of the kind its `node-type` names when that is a Flowmap boundary kind such as
//!   `network`, runtime otherwise, guessed) and its members sit in it (a member that is a
//!   container itself is nested); an unconnected node whose type is a boundary kind is a
//!   boundary even without members;
//! - other `nodes` → nodes: `actor` → actor, `database`, `ldap`, `data-asset` → store,
//!   `webclient`, `service`, `system` and others → service unless the node type or name
//!   suggests a store, queue or external (guessed);
//! - `connects` → a flow from `source.node` to `destination.node`: `protocol` kept, encrypted
//!   for HTTPS, SFTP, TLS, mTLS, LDAPS and WSS; authenticated when `authentication` is given or
//!   the protocol is mTLS;
//! - `interacts` → a flow from the `actor` to each of its `nodes` (guessed: CALM gives no
//!   direction or data);
//! - `data-classification` (on a node or in its `metadata`) → a data class per value (Public 0,
//!   Confidential 4, MNPI 5, Highly Restricted 6, PII 4 and personal; others 3, guessed); a
//!   store holds its class, another node's outgoing flows carry it (guessed);
//! - `controls`, `interfaces` and the architecture's `flows` are noted as dropped;
//! - a `metadata.flowmap` record (written by Flowmap's own export) restores the fields CALM
//!   cannot hold.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::build::{guess_node_kind, some_text, Builder, ElementRef};
use super::carry::{self, BoundaryCarry, ModelCarry, NodeCarry};
use super::document::{At, Reader};
use crate::export::calm::CalmFlowCarry;
use crate::model::{Boundary, BoundaryKind, DataClass, Flow, Node, NodeKind};

/// How deep containers may nest (a hostile file may make them cycle).
const MAX_NESTING: usize = 64;

/// Does the value look like a CALM architecture?
pub fn sniff(value: &Value) -> bool {
    let schema_says = value
        .get("$schema")
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("calm"));
    let shaped = value
        .get("nodes")
        .and_then(Value::as_array)
        .is_some_and(|nodes| {
            nodes
                .iter()
                .any(|n| n.get("unique-id").is_some() && n.get("node-type").is_some())
        });
    (schema_says || shaped) && value.get("relationships").is_some()
}

/// The tier of a classification, and whether it is personal; `None` when CALM does not
/// define the value (then tier 3, guessed).
fn classification(value: &str) -> Option<(u8, bool)> {
    match value.to_ascii_lowercase().as_str() {
        "public" => Some((0, false)),
        "confidential" => Some((4, false)),
        "mnpi" => Some((5, false)),
        "highly restricted" => Some((6, false)),
        "pii" => Some((4, true)),
        _ => None,
    }
}

/// The boundary kind a node type names (`network`, and the other Flowmap kinds).
fn boundary_kind(node_type: &str) -> Option<BoundaryKind> {
    BoundaryKind::ALL
        .iter()
        .copied()
        .find(|k| k.as_str() == node_type)
}

fn encrypted_protocol(protocol: &str) -> bool {
    ["https", "sftp", "tls", "mtls", "ldaps", "wss", "ftps"]
        .contains(&protocol.to_ascii_lowercase().as_str())
}

/// A node's data classification: its own field, or in its `metadata` (an object or a list of
/// objects).
fn data_classification(reader: &mut Reader, item: &At) -> Option<String> {
    if let Some(value) = reader.string(item, "data-classification") {
        return some_text(Some(value));
    }
    let metadata = item.get("metadata")?;
    let holders: Vec<At> = match metadata.value {
        Value::Object(_) => vec![metadata],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, value)| At {
                value,
                pointer: format!("{}/{i}", metadata.pointer),
            })
            .collect(),
        _ => Vec::new(),
    };
    holders
        .iter()
        .filter(|h| h.value.is_object())
        .find_map(|h| some_text(reader.string(h, "data-classification")))
}

/// The `metadata.flowmap` record of an element, when its metadata is an object that has one.
fn record<T: serde::de::DeserializeOwned>(reader: &mut Reader, item: &At) -> Option<T> {
    let metadata = item.get("metadata")?;
    if !metadata.value.is_object() {
        return None;
    }
    carry::read(reader, &metadata)
}

/// A `{"node": "…"}` end of a `connects` relationship.
fn end_node(reader: &mut Reader, at: &At, key: &str) -> Option<(String, String)> {
    let end = reader.object_field(at, key);
    let Some(end) = end else {
        reader.error(&at.pointer, format!("missing field {key:?}"));
        return None;
    };
    let node = reader.required_string(&end, "node")?;
    Some((node.to_owned(), end.pointer_of("node")))
}

struct Relationship<'v> {
    at: At<'v>,
    kind: String,
    body: At<'v>,
    element: ElementRef,
}

pub fn read(reader: &mut Reader, builder: &mut Builder) {
    let root = reader.root();
    let model = builder.element(
        "",
        "architecture",
        reader.id(&root, "unique-id").as_deref(),
        None,
    );
    let name = reader
        .string(&root, "name")
        .or_else(|| reader.string(&root, "title"))
        .unwrap_or_default();
    builder.describe_model(model, name, reader.string(&root, "description"));
    if let Some(record) = record::<ModelCarry>(reader, &root) {
        builder.carried(
            model,
            "the model's data classes, rule configuration, waivers and narratives, from Flowmap's export",
        );
        builder.carry_model(model, record);
    }
    for key in ["flows", "controls", "adrs"] {
        let count = root.get(key).map_or(0, |v| match v.value {
            Value::Array(items) => items.len(),
            Value::Object(map) => map.len(),
            _ => 1,
        });
        if count > 0 {
            builder.dropped(
                model,
                format!("{key} ({count}): a model has no place for them"),
            );
        }
    }

    // Nodes, read first so relationships can be checked against them.
    let node_items = reader.list(&root, "nodes");
    let mut nodes: Vec<(String, At)> = Vec::new();
    let mut seen = HashSet::new();
    for item in node_items {
        if reader.object(&item).is_none() {
            continue;
        }
        let Some(id) = reader.required_string(&item, "unique-id") else {
            continue;
        };
        if !seen.insert(id.to_owned()) {
            reader.error(
                &item.pointer_of("unique-id"),
                format!("duplicate node unique-id {id:?}"),
            );
            continue;
        }
        reader.required_string(&item, "node-type");
        nodes.push((id.to_owned(), item));
    }
    let node_type: HashMap<String, String> = nodes
        .iter()
        .map(|(id, item)| {
            let t = item
                .value
                .get("node-type")
                .and_then(Value::as_str)
                .unwrap_or("");
            (id.clone(), t.to_owned())
        })
        .collect();

    // Relationships, by kind.
    let mut relationships: Vec<Relationship> = Vec::new();
    for item in reader.list(&root, "relationships") {
        if reader.object(&item).is_none() {
            continue;
        }
        let id = reader.string(&item, "unique-id").map(str::to_owned);
        let Some(kinds) = reader.object_field(&item, "relationship-type") else {
            reader.error(&item.pointer, "missing field \"relationship-type\"");
            continue;
        };
        let map = kinds.value.as_object().cloned().unwrap_or_default();
        let Some((kind, _)) = map.iter().next() else {
            reader.error(&kinds.pointer, "expected one relationship type, found none");
            continue;
        };
        if map.len() > 1 {
            reader.error(
                &kinds.pointer,
                "expected one relationship type, found several",
            );
            continue;
        }
        let Some(body) = kinds.get(kind) else {
            reader.error(&kinds.pointer_of(kind), "expected an object, found null");
            continue;
        };
        if reader.object(&body).is_none() {
            continue;
        }
        let element = builder.element(&item.pointer, kind, id.as_deref(), None);
        relationships.push(Relationship {
            at: item,
            kind: kind.clone(),
            body,
            element,
        });
    }

    // Which nodes end a connection, and which contain others.
    let mut ends: HashSet<String> = HashSet::new();
    let mut members: BTreeMap<String, Vec<(String, String, ElementRef, String)>> = BTreeMap::new();
    for relationship in &relationships {
        let body = &relationship.body;
        match relationship.kind.as_str() {
            "connects" => {
                for key in ["source", "destination"] {
                    if let Some(node) = body
                        .value
                        .get(key)
                        .and_then(|e| e.get("node"))
                        .and_then(Value::as_str)
                    {
                        ends.insert(node.to_owned());
                    }
                }
            }
            "interacts" => {
                if let Some(actor) = body.value.get("actor").and_then(Value::as_str) {
                    ends.insert(actor.to_owned());
                }
                for node in body
                    .value
                    .get("nodes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(node) = node.as_str() {
                        ends.insert(node.to_owned());
                    }
                }
            }
            kind @ ("composed-of" | "deployed-in") => {
                let Some(container) = reader.required_string(body, "container") else {
                    continue;
                };
                if !node_type.contains_key(container) {
                    reader.error(
                        &body.pointer_of("container"),
                        format!("container {container:?} is not a node of the file"),
                    );
                    continue;
                }
                for member in reader.list(body, "nodes") {
                    match member.as_str() {
                        Some(id) if node_type.contains_key(id) => {
                            members.entry(container.to_owned()).or_default().push((
                                id.to_owned(),
                                kind.to_owned(),
                                relationship.element,
                                member.pointer.clone(),
                            ))
                        }
                        Some(id) => reader.error(
                            &member.pointer,
                            format!("node {id:?} is not a node of the file"),
                        ),
                        None => reader.error(&member.pointer, "expected a node unique-id"),
                    }
                }
            }
            _ => {}
        }
    }
    // Containers, and nodes whose type is a Flowmap boundary kind (Flowmap's own export
    // writes boundaries so; a boundary need not have members).
    let containers: HashSet<String> = members
        .keys()
        .cloned()
        .chain(
            node_type
                .iter()
                .filter(|(_, t)| boundary_kind(t).is_some())
                .map(|(id, _)| id.clone()),
        )
        .filter(|c| !ends.contains(c))
        .collect();

    // Data classes, one per classification value met (in node order).
    let mut classes: HashMap<String, String> = HashMap::new();
    let mut node_class: HashMap<String, String> = HashMap::new();
    for (id, item) in &nodes {
        let Some(value) = data_classification(reader, item) else {
            continue;
        };
        if !classes.contains_key(&value) {
            let element = builder.element(&item.pointer, "data-classification", None, Some(&value));
            let (tier, personal) = match classification(&value) {
                Some(known) => known,
                None => {
                    builder.guessed(
                        element,
                        format!("tier 3: {value:?} is none of CALM's classifications (Public, Confidential, Highly Restricted, MNPI, PII)"),
                    );
                    (3, false)
                }
            };
            let class_id = builder.new_class_id(None, &value);
            builder.add_class(
                element,
                DataClass {
                    id: class_id.clone(),
                    name: value.clone(),
                    tier,
                    personal,
                    regime: None,
                    never_store: false,
                    residency: Vec::new(),
                    description: Some(format!(
                        "the CALM data classification {value:?}, given on node {id}"
                    )),
                    consumed_at_hop: false,
                },
            );
            classes.insert(value.clone(), class_id);
        }
        node_class.insert(id.clone(), classes[&value].clone());
    }

    // Boundaries from containers.
    let mut boundary_of_container: HashMap<String, String> = HashMap::new();
    let mut element_of: HashMap<String, ElementRef> = HashMap::new();
    for (id, item) in &nodes {
        let name = reader.string(item, "name").unwrap_or(id).to_owned();
        let kind_text = node_type[id].clone();
        let element = builder.element(&item.pointer, &kind_text, Some(id), Some(&name));
        element_of.insert(id.clone(), element);
        if !containers.contains(id) {
            continue;
        }
        let carried = record::<BoundaryCarry>(reader, item);
        let kind = match carried
            .as_ref()
            .and_then(|c| c.kind)
            .or(boundary_kind(&kind_text))
        {
            Some(kind) => kind,
            None => {
                builder.guessed(
                    element,
                    "a boundary of kind runtime: it contains other nodes and no relationship connects to it",
                );
                BoundaryKind::Runtime
            }
        };
        let boundary_id = builder.new_element_id(Some(id), &name, "boundary");
        builder.add_boundary(
            element,
            Boundary {
                id: boundary_id.clone(),
                name,
                kind,
                parent: None,
                region: carried.and_then(|c| c.region),
                description: some_text(reader.string(item, "description")),
            },
        );
        boundary_of_container.insert(id.clone(), boundary_id);
    }
    // Membership: each node in its innermost container (the first listed when several).
    let mut container_of: HashMap<String, String> = HashMap::new();
    for (container, list) in &members {
        for (member, _, element, pointer) in list {
            if !containers.contains(container) {
                builder.dropped(
                    *element,
                    format!("{member} in {container}: {container} is an end of a connection, so it stays a node and nodes do not nest"),
                );
                continue;
            }
            if member == container {
                reader.error(pointer, "a node cannot contain itself");
                continue;
            }
            if let Some(other) = container_of.get(member) {
                if other != container {
                    builder.dropped(
                        *element,
                        format!("{member} in {container}: already in {other}, and a node is in one boundary"),
                    );
                }
                continue;
            }
            container_of.insert(member.clone(), container.clone());
        }
    }
    let mut nested: Vec<(&String, &String)> = boundary_of_container.iter().collect();
    nested.sort();
    for (container, boundary) in nested {
        let mut current = container.clone();
        let mut steps = 0;
        // A hostile file may make containers contain each other.
        while let Some(parent) = container_of.get(&current) {
            steps += 1;
            if steps > MAX_NESTING || parent == container {
                reader.error(
                    "/relationships",
                    format!("containers nest in a cycle or deeper than {MAX_NESTING} through {container:?}"),
                );
                break;
            }
            current = parent.clone();
        }
        if let Some(parent) = container_of.get(container) {
            if !builder.nest(boundary, &boundary_of_container[parent]) {
                builder.dropped(
                    element_of[container],
                    format!("inside {parent}: it would make boundaries contain each other"),
                );
            }
        }
    }

    // Nodes.
    let mut node_ids: HashMap<String, String> = HashMap::new();
    for (id, item) in &nodes {
        if containers.contains(id) {
            continue;
        }
        let element = element_of[id];
        let name = reader.string(item, "name").unwrap_or(id).to_owned();
        let kind_text = &node_type[id];
        let kind = match kind_text.as_str() {
            "actor" => NodeKind::Actor,
            "database" | "ldap" | "data-asset" => NodeKind::Store,
            "service" | "system" | "webclient" => {
                guess_node_kind(kind_text).unwrap_or(NodeKind::Service)
            }
            other => {
                let kind = guess_node_kind(other)
                    .or_else(|| guess_node_kind(&name))
                    .unwrap_or(NodeKind::Service);
                builder.guessed(element, format!("kind {kind}: from node-type {other:?}"));
                kind
            }
        };
        let node_id = builder.new_element_id(Some(id), &name, kind.as_str());
        let mut node = Node::new(node_id.clone(), name, kind);
        node.description = some_text(reader.string(item, "description"));
        node.technology = some_text(Some(kind_text));
        node.boundary = container_of
            .get(id)
            .and_then(|c| boundary_of_container.get(c))
            .cloned();
        if let Some(class) = node_class.get(id) {
            if matches!(kind, NodeKind::Store | NodeKind::Queue) {
                node.holds.push(class.clone());
            } else {
                builder.guessed(
                    element,
                    format!("data-classification: the flows from it carry {class}"),
                );
            }
        }
        for key in ["interfaces", "controls", "details"] {
            if let Some(field) = item.get(key) {
                let count = match field.value {
                    Value::Array(items) => items.len(),
                    Value::Object(map) => map.len(),
                    _ => 1,
                };
                builder.dropped(element, format!("{key} ({count}): no place in a model"));
            }
        }
        if let Some(record) = record::<NodeCarry>(reader, item) {
            record.apply(&mut node);
        }
        node_ids.insert(id.clone(), node_id);
        builder.add_node(element, node);
    }

    // Flows.
    let carried = |node: &str| -> Vec<String> {
        match node_type.get(node) {
            Some(t) if t == "database" || t == "ldap" || t == "data-asset" => Vec::new(),
            _ => node_class.get(node).cloned().into_iter().collect(),
        }
    };
    for relationship in &relationships {
        let Relationship {
            at,
            kind,
            body,
            element,
        } = relationship;
        let element = *element;
        let description = some_text(reader.string(at, "description"));
        let protocol = some_text(reader.string(at, "protocol"));
        let authentication = some_text(reader.string(at, "authentication"));
        let encrypted = protocol.as_deref().is_some_and(encrypted_protocol);
        let authenticated = authentication.is_some()
            || protocol
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case("mtls"));
        let flow_record = record::<CalmFlowCarry>(reader, at);
        let pairs: Vec<(String, String, String)> = match kind.as_str() {
            "connects" => {
                let (Some(from), Some(to)) = (
                    end_node(reader, body, "source"),
                    end_node(reader, body, "destination"),
                ) else {
                    continue;
                };
                vec![(from.0, to.0, to.1)]
            }
            "interacts" => {
                let Some(actor) = reader.required_string(body, "actor") else {
                    continue;
                };
                let targets = reader.list(body, "nodes");
                if !targets.is_empty() {
                    builder.guessed(
                        element,
                        "interacts: a flow from the actor to each node (CALM gives no direction)",
                    );
                }
                targets
                    .iter()
                    .filter_map(|t| {
                        t.as_str()
                            .map(|n| (actor.to_owned(), n.to_owned(), t.pointer.clone()))
                    })
                    .collect()
            }
            "composed-of" | "deployed-in" => {
                builder.carried(element, "as boundary membership of the contained nodes");
                if let Some(container) = body.value.get("container").and_then(Value::as_str) {
                    if let Some(boundary) = boundary_of_container.get(container) {
                        builder.also_mapped_to_boundary(element, boundary);
                    }
                }
                continue;
            }
            other => {
                builder.dropped(
                    element,
                    format!("relationship type {other:?}: not one Flowmap reads"),
                );
                continue;
            }
        };
        for (from, to, pointer) in pairs {
            let (Some(from_id), Some(to_id)) = (node_ids.get(&from), node_ids.get(&to)) else {
                for end in [&from, &to] {
                    if !node_ids.contains_key(end) {
                        if containers.contains(end) {
                            builder.dropped(
                                element,
                                format!("{end} is a boundary: flows go between nodes"),
                            );
                        } else {
                            reader
                                .error(&pointer, format!("node {end:?} is not a node of the file"));
                        }
                    }
                }
                continue;
            };
            if from_id == to_id {
                builder.dropped(
                    element,
                    format!("starts and ends at {from_id}: a flow goes between two nodes"),
                );
                continue;
            }
            let source_id = reader.string(at, "unique-id");
            let flow_id =
                builder.new_element_id(source_id, &format!("{from_id}-to-{to_id}"), "flow");
            let name = description.clone().unwrap_or_else(|| flow_id.clone());
            let mut flow = Flow {
                id: flow_id,
                from: from_id.clone(),
                to: to_id.clone(),
                name,
                protocol: protocol.clone(),
                encrypted,
                tls_min: None,
                authenticated,
                monitored: false,
                data: carried(&from),
                notes: authentication
                    .as_ref()
                    .map(|a| format!("authentication: {a}")),
            };
            if let Some(record) = flow_record.clone() {
                record.flow.apply(&mut flow);
                flow.notes = record.notes;
            }
            builder.add_flow(element, flow);
        }
    }
}
