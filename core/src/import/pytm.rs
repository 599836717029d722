//! pytm's JSON output (`tm.py --json FILE`, as in pytm's `tests/output.json`).
//!
//! pytm names elements by their `name`: flows, boundaries and findings refer to names.
//! - `elements` → nodes: `Actor` → actor, `ExternalEntity` → external, `Datastore` → store,
//!   every other class (`Process`, `Server`, `Lambda`, `SetOfProcesses`, `LLM`, `Agent`, …) →
//!   service (`Lambda` hosted serverless); `inBoundary` → the node's boundary; a datastore's
//!   `isEncryptedAtRest` → encryption at rest (provider) or none;
//! - `boundaries` → boundaries, nested through their own `inBoundary`; kind internet when the
//!   name says so, network otherwise (guessed);
//! - `flows` → flows from `source` to `sink`: `protocol`, encrypted (`isEncrypted`, `usesVPN`,
//!   or a `tlsVersion` above none), `tls_min` from `tlsVersion`, authenticated
//!   (`authenticatesDestination`, `authenticatesSource`, older files' `authenticatedWith`),
//!   `data` → the classes it carries, `note` and `description` → notes;
//! - `data` → data classes: tier from `classification` (public 0, restricted 2, sensitive 4,
//!   secret 5, top secret 6), `isPII` → personal, `isCredentials` → consumed at hop;
//! - `findings` → threats in the report, on the element or flow they target.
//!
//! Control flags are read from an element's `controls` object (pytm 1.2 on) or from the element
//! itself (older outputs).

use std::collections::HashMap;

use serde_json::Value;

use super::build::{some_text, Builder, ElementRef};
use super::document::{At, Reader};
use super::report::{Target, TargetKind, Threat};
use crate::model::{
    Boundary, BoundaryKind, DataClass, EncryptionAtRest, Flow, Hosting, Node, NodeKind, TlsVersion,
};

/// Does the value look like pytm's JSON output?
pub fn sniff(value: &Value) -> bool {
    value.get("elements").is_some()
        && value.get("flows").is_some()
        && ["threatsFile", "onDuplicates", "mergeResponses", "isOrdered"]
            .iter()
            .any(|key| value.get(key).is_some())
}

/// A control flag: under `controls` when the element has that object, else on the element.
fn flag(reader: &mut Reader, item: &At, key: &str) -> bool {
    let controls = item.get("controls");
    let holder = match &controls {
        Some(controls) if controls.value.is_object() => controls,
        _ => item,
    };
    reader.boolean(holder, key).unwrap_or(false)
}

/// `Classification.SECRET` → `SECRET`.
fn enum_value(text: &str) -> &str {
    text.rsplit('.').next().unwrap_or(text)
}

fn tier_of(classification: &str) -> Option<u8> {
    match enum_value(classification) {
        "UNKNOWN" | "PUBLIC" => Some(0),
        "RESTRICTED" => Some(2),
        "SENSITIVE" => Some(4),
        "SECRET" => Some(5),
        "TOP_SECRET" => Some(6),
        _ => None,
    }
}

fn tls_of(version: &str) -> Option<TlsVersion> {
    match enum_value(version) {
        "SSLv1" | "SSLv2" | "SSLv3" | "TLSv10" => Some(TlsVersion::V1_0),
        "TLSv11" => Some(TlsVersion::V1_1),
        "TLSv12" => Some(TlsVersion::V1_2),
        "TLSv13" => Some(TlsVersion::V1_3),
        _ => None,
    }
}

/// The items of `key` whose `name` is a string, with that name.
fn named<'v>(reader: &mut Reader, root: &At<'v>, key: &str) -> Vec<(String, At<'v>)> {
    reader
        .list(root, key)
        .into_iter()
        .filter_map(|item| {
            reader.object(&item)?;
            let name = reader.required_string(&item, "name")?.to_owned();
            Some((name, item))
        })
        .collect()
}

/// Records `name → id`; a second element of the same name is an error (pytm refers by name).
fn claim(
    reader: &mut Reader,
    names: &mut HashMap<String, String>,
    name: &str,
    id: &str,
    item: &At,
) {
    if names.insert(name.to_owned(), id.to_owned()).is_some() {
        reader.error(
            &item.pointer_of("name"),
            format!("a second element named {name:?}: pytm refers to elements by name"),
        );
    }
}

pub fn read(reader: &mut Reader, builder: &mut Builder) {
    let root = reader.root();
    let name = reader.string(&root, "name").unwrap_or_default();
    let model = builder.element("", "TM", None, Some(name));
    builder.describe_model(model, name, reader.string(&root, "description"));
    let assumptions = reader.list(&root, "assumptions").len();
    if assumptions > 0 {
        builder.dropped(
            model,
            format!("{assumptions} assumption(s): a model has no place for them"),
        );
    }

    // Data.
    let mut classes: HashMap<String, String> = HashMap::new();
    for (name, item) in named(reader, &root, "data") {
        let element = builder.element(&item.pointer, "Data", None, Some(&name));
        let classification = reader.string(&item, "classification").unwrap_or("");
        let tier = match tier_of(classification) {
            Some(tier) => tier,
            None => {
                reader.error(
                    &item.pointer_of("classification"),
                    format!("unknown classification {classification:?}"),
                );
                0
            }
        };
        let personal = reader.boolean(&item, "isPII").unwrap_or(false);
        let credentials = reader.boolean(&item, "isCredentials").unwrap_or(false);
        builder.guessed(
            element,
            format!(
                "tier {tier} from classification {}",
                enum_value(classification)
            ),
        );
        if credentials {
            builder.guessed(
                element,
                "isCredentials: consumed at the node that receives it",
            );
        }
        let class_id = builder.new_class_id(None, &name);
        builder.add_class(
            element,
            DataClass {
                id: class_id.clone(),
                name: name.clone(),
                tier,
                personal,
                regime: None,
                never_store: false,
                residency: Vec::new(),
                description: some_text(reader.string(&item, "description")),
                consumed_at_hop: credentials,
            },
        );
        if classes.insert(name.clone(), class_id).is_some() {
            reader.error(
                &item.pointer_of("name"),
                format!("a second data named {name:?}: pytm refers to data by name"),
            );
        }
    }

    // Boundaries.
    let mut boundaries: HashMap<String, String> = HashMap::new();
    let boundary_items = named(reader, &root, "boundaries");
    for (name, item) in &boundary_items {
        let element = builder.element(&item.pointer, "Boundary", None, Some(name));
        let lower = name.to_ascii_lowercase();
        let kind = if lower.contains("internet") || lower.contains("public") {
            BoundaryKind::Internet
        } else {
            BoundaryKind::Network
        };
        builder.guessed(element, format!("kind {kind}: from the name"));
        let id = builder.new_element_id(None, name, "boundary");
        claim(reader, &mut boundaries, name, &id, item);
        builder.add_boundary(
            element,
            Boundary {
                id,
                name: name.clone(),
                kind,
                parent: None,
                region: None,
                description: some_text(reader.string(item, "description")),
            },
        );
    }
    for (name, item) in &boundary_items {
        if let Some(parent) = reader.string(item, "inBoundary") {
            match boundaries.get(parent) {
                Some(parent) => {
                    if !builder.nest(&boundaries[name], parent) {
                        if let Some(element) = builder.origin_of(&boundaries[name]) {
                            builder.dropped(
                                element,
                                format!("inBoundary {parent}: it would make boundaries contain each other"),
                            );
                        }
                    }
                }
                None => reader.error(
                    &item.pointer_of("inBoundary"),
                    format!("boundary {parent:?} is not a boundary of the file"),
                ),
            }
        }
    }

    // Elements.
    let mut nodes: HashMap<String, String> = HashMap::new();
    let mut targets: HashMap<String, Target> = HashMap::new();
    for (name, item) in named(reader, &root, "elements") {
        let class = reader.string(&item, "__class__").unwrap_or("").to_owned();
        let element = builder.element(&item.pointer, &class, None, Some(&name));
        let kind = match class.as_str() {
            "Actor" => NodeKind::Actor,
            "ExternalEntity" => NodeKind::External,
            "Datastore" => NodeKind::Store,
            "Process" | "Server" | "Lambda" | "SetOfProcesses" => NodeKind::Service,
            other => {
                builder.guessed(element, format!("kind service: from class {other:?}"));
                NodeKind::Service
            }
        };
        let id = builder.new_element_id(None, &name, kind.as_str());
        claim(reader, &mut nodes, &name, &id, &item);
        let mut node = Node::new(id.clone(), name.clone(), kind);
        node.description = some_text(reader.string(&item, "description"));
        if class == "Lambda" {
            node.hosting = Some(Hosting::Serverless);
        }
        if kind == NodeKind::Store {
            node.encryption_at_rest = Some(if flag(reader, &item, "isEncryptedAtRest") {
                EncryptionAtRest::Provider
            } else {
                EncryptionAtRest::None
            });
        }
        node.authenticates = flag(reader, &item, "authenticatesSource");
        if let Some(boundary) = reader.string(&item, "inBoundary") {
            match boundaries.get(boundary) {
                Some(boundary) => node.boundary = Some(boundary.clone()),
                None => reader.error(
                    &item.pointer_of("inBoundary"),
                    format!("boundary {boundary:?} is not a boundary of the file"),
                ),
            }
        }
        drop_flags(reader, builder, &item, element);
        targets.insert(
            name.clone(),
            Target {
                kind: TargetKind::Node,
                id: id.clone(),
            },
        );
        builder.add_node(element, node);
    }

    // Flows.
    for (name, item) in named(reader, &root, "flows") {
        let element = builder.element(&item.pointer, "Dataflow", None, Some(&name));
        let mut ends = Vec::new();
        for key in ["source", "sink"] {
            let Some(end) = reader.required_string(&item, key) else {
                continue;
            };
            match nodes.get(end) {
                Some(node) => ends.push(node.clone()),
                None => reader.error(
                    &item.pointer_of(key),
                    format!("{key} {end:?} is not an element of the file"),
                ),
            }
        }
        let [from, to] = ends.as_slice() else {
            continue;
        };
        if from == to {
            builder.dropped(
                element,
                format!("starts and ends at {from}: a flow goes between two nodes"),
            );
            continue;
        }
        let tls = reader.string(&item, "tlsVersion").and_then(tls_of);
        let vpn = flag(reader, &item, "usesVPN");
        let encrypted = flag(reader, &item, "isEncrypted") || vpn || tls.is_some();
        let authenticated = flag(reader, &item, "authenticatesDestination")
            || flag(reader, &item, "authenticatesSource")
            || flag(reader, &item, "authenticatedWith");
        let mut data = Vec::new();
        for class in reader.list(&item, "data") {
            match class.as_str().and_then(|c| classes.get(c)) {
                Some(class) => data.push(class.clone()),
                None => reader.error(
                    &class.pointer,
                    format!("data {} is not a data of the file", class.value),
                ),
            }
        }
        let notes: Vec<String> = ["description", "note"]
            .iter()
            .filter_map(|key| some_text(reader.string(&item, key)))
            .collect();
        let id = builder.new_element_id(None, &name, &format!("{from}-to-{to}"));
        targets.insert(
            name.clone(),
            Target {
                kind: TargetKind::Flow,
                id: id.clone(),
            },
        );
        builder.add_flow(
            element,
            Flow {
                id,
                from: from.clone(),
                to: to.clone(),
                name: name.clone(),
                protocol: some_text(reader.string(&item, "protocol")),
                encrypted,
                tls_min: tls,
                authenticated,
                monitored: false,
                data,
                notes: (!notes.is_empty()).then(|| notes.join("\n")),
            },
        );
    }

    // Findings.
    for item in reader.list(&root, "findings") {
        if reader.object(&item).is_none() {
            continue;
        }
        let target = reader.string(&item, "target").unwrap_or_default();
        let id = reader.string(&item, "threat_id").unwrap_or_default();
        let description = reader.string(&item, "description").unwrap_or_default();
        builder.threat(Threat {
            pointer: item.pointer.clone(),
            on: targets.get(target).cloned(),
            title: if id.is_empty() {
                description.to_owned()
            } else {
                format!("{id}: {description}")
            },
            category: None,
            severity: some_text(reader.string(&item, "severity")),
            status: some_text(reader.string(&item, "response")),
            description: some_text(reader.string(&item, "details")),
            mitigation: some_text(reader.string(&item, "mitigations")),
        });
    }
}

/// Notes the control flags an element sets that a node has no field for.
fn drop_flags(reader: &mut Reader, builder: &mut Builder, item: &At, element: ElementRef) {
    let kept = ["isEncryptedAtRest", "authenticatesSource", "inScope"];
    let holder = match item.get("controls") {
        Some(controls) if controls.value.is_object() => controls,
        _ => item.clone(),
    };
    let Some(map) = reader.object(&holder) else {
        return;
    };
    let set: Vec<&str> = map
        .iter()
        .filter(|(key, value)| **value == Value::Bool(true) && !kept.contains(&key.as_str()))
        .map(|(key, _)| key.as_str())
        .filter(|key| key.starts_with(char::is_lowercase))
        .collect();
    if !set.is_empty() {
        let mut set = set;
        set.sort_unstable();
        builder.dropped(
            element,
            format!("flags {}: a node has no field for them", set.join(", ")),
        );
    }
}
