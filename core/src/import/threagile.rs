//! Threagile models (YAML, `threagile_version` 1.x).
//!
//! Threagile keys its sections by name (`technical_assets: {Web Server: {id: …}}`); the
//! elements are read in the order of their names, so ids never depend on how a JSON map keeps
//! its keys.
//!
//! - `data_assets` → data classes: tier from `confidentiality` (public 0, internal 1,
//!   restricted 2, confidential 4, strictly-confidential 6), personal guessed from the name
//!   (or a description that says PII); YAML merge keys (`<<: *base`, which Threagile's own example uses) give
//!   defaults;
//! - `technical_assets` → nodes: `type` external-entity → actor (`used_as_client_by_human`)
//!   or external, datastore → store (a queue when the technology says so), process → service;
//!   `technology` kept, and `identity-provider`, `vault`, gateways and proxies give the role;
//!   `owner`, `data_assets_stored` → holds, `encryption` → encryption at rest, `machine:
//!   serverless` → hosting; an asset with `internet: true` outside every trust boundary goes
//!   into an `internet` boundary the importer adds;
//! - `communication_links` → flows from the asset to `target`: `protocol` (encrypted when it
//!   is a TLS/SSH protocol or `vpn` is set), `authentication` other than none → authenticated,
//!   `data_assets_sent` → the classes it carries; `data_assets_received` → a second flow the
//!   other way (`<id>-response`) carrying those;
//! - `trust_boundaries` → boundaries (`network-cloud-provider` → account,
//!   `execution-environment` → runtime, other network types → network), members from
//!   `technical_assets_inside`, nesting from `trust_boundaries_nested`;
//! - `individual_risk_categories` and their `risks_identified` → threats in the report;
//!   `shared_runtimes`, `risk_tracking`, questions, abuse cases and security requirements are
//!   noted as dropped.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::build::{looks_personal, some_text, Builder, ElementRef};
use super::document::{At, Reader};
use super::report::{Target, TargetKind, Threat};
use crate::model::{
    Boundary, BoundaryKind, DataClass, EncryptionAtRest, Flow, Hosting, Node, NodeKind, Role,
};

/// Does the value look like a Threagile model?
pub fn sniff(value: &Value) -> bool {
    value.get("threagile_version").is_some()
        || (value.get("technical_assets").is_some() && value.get("data_assets").is_some())
}

/// The members of the mapping `key`, by name; a YAML merge key (`<<`) is no member.
fn entries<'v>(reader: &mut Reader, at: &At<'v>, key: &str) -> Vec<(String, At<'v>)> {
    let Some(field) = at.get(key) else {
        return Vec::new();
    };
    let Some(map) = reader.object(&field) else {
        return Vec::new();
    };
    let mut members: Vec<(String, At<'v>)> = map
        .iter()
        .filter(|(name, _)| name.as_str() != "<<")
        .map(|(name, value)| {
            (
                name.clone(),
                At {
                    value,
                    pointer: field.pointer_of(name),
                },
            )
        })
        .collect();
    members.sort_by(|a, b| a.0.cmp(&b.0));
    members
}

/// The string `key` of an element, or of the mapping its merge key (`<<`) names (the first
/// that has it, when `<<` lists several, as YAML's merge key does).
fn text<'v>(reader: &mut Reader, at: &At<'v>, key: &str) -> Option<&'v str> {
    if at.get(key).is_some() {
        return reader.string(at, key);
    }
    let base = at.get("<<")?;
    let bases: Vec<At<'v>> = match base.value {
        Value::Object(_) => vec![base],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, value)| At {
                value,
                pointer: format!("{}/{i}", base.pointer),
            })
            .collect(),
        _ => Vec::new(),
    };
    bases
        .iter()
        .find(|b| b.get(key).is_some())
        .and_then(|b| reader.string(b, key))
}

/// The ids listed under `key` (a list of strings; absent or null is none).
fn ids<'v>(reader: &mut Reader, at: &At<'v>, key: &str) -> Vec<(String, String)> {
    reader
        .list(at, key)
        .into_iter()
        .filter_map(|item| match item.value {
            Value::String(id) => Some((id.clone(), item.pointer)),
            _ => {
                reader.error(&item.pointer, "expected an id (a string)");
                None
            }
        })
        .collect()
}

/// The tier of a Threagile confidentiality.
fn tier_of(confidentiality: &str) -> Option<u8> {
    match confidentiality {
        "public" => Some(0),
        "internal" => Some(1),
        "restricted" => Some(2),
        "confidential" => Some(4),
        "strictly-confidential" => Some(6),
        _ => None,
    }
}

/// Protocols whose traffic is encrypted (Threagile's own list of encrypted protocols: TLS,
/// SSH and the `-encrypted` variants).
fn encrypted_protocol(protocol: &str) -> bool {
    protocol.ends_with("-encrypted")
        || [
            "https",
            "wss",
            "ldaps",
            "sftp",
            "scp",
            "ssh",
            "ftps",
            "smb-encrypted",
            "local-file-access",
            "in-process-library-call",
            "in-memory",
        ]
        .contains(&protocol)
}

/// A role the technology names.
fn role_of(technology: &str) -> Option<Role> {
    match technology {
        "identity-provider" | "identity-store-ldap" | "identity-store-database" => {
            Some(Role::IdentityProvider)
        }
        "vault" | "hsm" => Some(Role::Vault),
        "load-balancer" | "reverse-proxy" | "gateway" | "waf" | "service-mesh" => {
            Some(Role::Gateway)
        }
        "monitoring" | "log-aggregation" | "siem" => Some(Role::LogSink),
        _ => None,
    }
}

struct Link<'v> {
    from: String,
    at: At<'v>,
    name: String,
    element: ElementRef,
}

pub fn read(reader: &mut Reader, builder: &mut Builder) {
    let root = reader.root();
    builder.version = reader.id(&root, "threagile_version");
    let model = builder.element("", "model", None, reader.string(&root, "title"));
    let title = reader.required_string(&root, "title").unwrap_or_default();
    let overview = reader
        .object_field(&root, "business_overview")
        .and_then(|o| reader.string(&o, "description"));
    builder.describe_model(model, title, overview);
    for key in [
        "questions",
        "abuse_cases",
        "security_requirements",
        "risk_tracking",
    ] {
        if let Some(section) = root.get(key) {
            let count = section.value.as_object().map_or(0, |m| m.len());
            if count > 0 {
                builder.dropped(
                    model,
                    format!("{key} ({count}): a model has no place for them"),
                );
            }
        }
    }

    // Data assets.
    let mut classes: HashMap<String, String> = HashMap::new();
    for (name, item) in entries(reader, &root, "data_assets") {
        if reader.object(&item).is_none() {
            continue;
        }
        let Some(id) = text(reader, &item, "id").map(str::to_owned) else {
            reader.error(&item.pointer, "missing field \"id\"");
            continue;
        };
        let element = builder.element(&item.pointer, "data_asset", Some(&id), Some(&name));
        let confidentiality = text(reader, &item, "confidentiality").unwrap_or("");
        let tier = match tier_of(confidentiality) {
            Some(tier) => tier,
            None => {
                if !confidentiality.is_empty() {
                    reader.error(
                        &item.pointer_of("confidentiality"),
                        format!("unknown confidentiality {confidentiality:?}: Threagile's are public, internal, restricted, confidential, strictly-confidential"),
                    );
                }
                builder.guessed(element, "tier 0: no confidentiality given");
                0
            }
        };
        let description = some_text(text(reader, &item, "description"));
        let personal =
            looks_personal(&name) || description.as_deref().is_some_and(|d| d.contains("PII"));
        builder.guessed(
            element,
            format!(
                "tier {tier} from confidentiality {confidentiality}{}",
                if personal {
                    "; personal, from the name or description (PII)"
                } else {
                    ""
                }
            ),
        );
        for key in ["integrity", "availability"] {
            if let Some(rating) = text(reader, &item, key) {
                builder.dropped(
                    element,
                    format!("{key} {rating}: a data class rates confidentiality only"),
                );
            }
        }
        let class_id = builder.new_class_id(Some(&id), &name);
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
                description,
                consumed_at_hop: false,
            },
        );
        if classes.insert(id.clone(), class_id).is_some() {
            reader.error(
                &item.pointer_of("id"),
                format!("duplicate data asset id {id:?}"),
            );
        }
    }

    // Trust boundaries first: a node is placed by the boundary that lists it.
    let mut member_of: HashMap<String, String> = HashMap::new();
    let mut boundary_ids: HashMap<String, String> = HashMap::new();
    let mut nesting: Vec<(String, String, String, ElementRef)> = Vec::new();
    let boundary_items = entries(reader, &root, "trust_boundaries");
    for (name, item) in &boundary_items {
        if reader.object(item).is_none() {
            continue;
        }
        let Some(id) = reader.id(item, "id") else {
            reader.error(&item.pointer, "missing field \"id\"");
            continue;
        };
        let element = builder.element(&item.pointer, "trust_boundary", Some(&id), Some(name));
        let boundary_type = reader.string(item, "type").unwrap_or("");
        let kind = match boundary_type {
            "network-cloud-provider" => BoundaryKind::Account,
            "execution-environment" => BoundaryKind::Runtime,
            t if t.starts_with("network-") => BoundaryKind::Network,
            other => {
                builder.guessed(
                    element,
                    format!("kind network: type {other:?} names no network kind"),
                );
                BoundaryKind::Network
            }
        };
        let boundary_id = builder.new_element_id(Some(&id), name, "boundary");
        if boundary_ids
            .insert(id.clone(), boundary_id.clone())
            .is_some()
        {
            reader.error(
                &item.pointer_of("id"),
                format!("duplicate trust boundary id {id:?}"),
            );
        }
        builder.add_boundary(
            element,
            Boundary {
                id: boundary_id.clone(),
                name: name.clone(),
                kind,
                parent: None,
                region: None,
                description: some_text(reader.string(item, "description")),
            },
        );
        for (asset, _) in ids(reader, item, "technical_assets_inside") {
            if let Some(other) = member_of.get(&asset) {
                builder.dropped(
                    element,
                    format!("member {asset}: already inside boundary {other}, and a node is in one boundary"),
                );
                continue;
            }
            member_of.insert(asset, boundary_id.clone());
        }
        for (nested, pointer) in ids(reader, item, "trust_boundaries_nested") {
            nesting.push((nested, boundary_id.clone(), pointer, element));
        }
        drop_tags(reader, builder, item, element);
    }
    for (nested, parent, pointer, element) in nesting {
        match boundary_ids.get(&nested) {
            Some(child) => {
                if !builder.nest(child, &parent) {
                    builder.dropped(
                        element,
                        format!("nested {nested}: it would make boundaries contain each other"),
                    );
                }
            }
            None => reader.error(
                &pointer,
                format!("trust boundary {nested:?} is not defined under \"trust_boundaries\""),
            ),
        }
    }

    // Technical assets.
    let asset_items = entries(reader, &root, "technical_assets");
    let mut asset_nodes: HashMap<String, String> = HashMap::new();
    let mut links: Vec<Link> = Vec::new();
    let mut internet: Option<String> = None;
    for (name, item) in &asset_items {
        if reader.object(item).is_none() {
            continue;
        }
        let Some(id) = reader.id(item, "id") else {
            reader.error(&item.pointer, "missing field \"id\"");
            continue;
        };
        let element = builder.element(&item.pointer, "technical_asset", Some(&id), Some(name));
        let technology = reader.string(item, "technology").unwrap_or("").to_owned();
        let human = reader
            .boolean(item, "used_as_client_by_human")
            .unwrap_or(false);
        let kind = match reader.string(item, "type").unwrap_or("") {
            "external-entity" if human => NodeKind::Actor,
            "external-entity" => NodeKind::External,
            "datastore"
                if ["queue", "message", "stream", "event"]
                    .iter()
                    .any(|w| technology.contains(w)) =>
            {
                NodeKind::Queue
            }
            "datastore" => NodeKind::Store,
            "process" => NodeKind::Service,
            other => {
                reader.error(
                    &item.pointer_of("type"),
                    format!("unknown type {other:?}: Threagile's are external-entity, process, datastore"),
                );
                NodeKind::Service
            }
        };
        let node_id = builder.new_element_id(Some(&id), name, kind.as_str());
        let mut node = Node::new(node_id.clone(), name.clone(), kind);
        node.description = some_text(reader.string(item, "description"));
        node.owner = some_text(reader.string(item, "owner"));
        node.technology = some_text(Some(&technology));
        node.role = role_of(&technology);
        if let Some(role) = node.role {
            builder.guessed(
                element,
                format!("role {}: from technology {technology}", role.as_str()),
            );
        }
        match reader.string(item, "machine") {
            Some("serverless") => node.hosting = Some(Hosting::Serverless),
            Some(other) if !other.is_empty() => builder.dropped(
                element,
                format!("machine {other}: a model records only serverless hosting from it"),
            ),
            _ => {}
        }
        if matches!(kind, NodeKind::Store | NodeKind::Queue) {
            node.encryption_at_rest = match reader.string(item, "encryption").unwrap_or("none") {
                "none" => Some(EncryptionAtRest::None),
                "transparent" => Some(EncryptionAtRest::Provider),
                _ => Some(EncryptionAtRest::CustomerKey),
            };
        } else if let Some(encryption) = reader
            .string(item, "encryption")
            .filter(|e| *e != "none" && !e.is_empty())
        {
            builder.dropped(
                element,
                format!("encryption {encryption}: a model records encryption at rest for stores and queues"),
            );
        }
        for (class, pointer) in ids(reader, item, "data_assets_stored") {
            match classes.get(&class) {
                Some(class) => node.holds.push(class.clone()),
                None => reader.error(
                    &pointer,
                    format!("data asset {class:?} is not defined under \"data_assets\""),
                ),
            }
        }
        let processed = ids(reader, item, "data_assets_processed").len();
        if processed > 0 {
            builder.dropped(
                element,
                format!("{processed} processed data asset(s): a model derives what a node processes from its flows"),
            );
        }
        node.boundary = member_of.get(&id).cloned();
        if reader.boolean(item, "internet").unwrap_or(false) {
            if node.boundary.is_none() {
                let boundary = internet.get_or_insert_with(|| {
                    let boundary = builder.new_element_id(None, "internet", "internet");
                    builder.add_boundary(
                        element,
                        Boundary {
                            id: boundary.clone(),
                            name: "Internet".to_owned(),
                            kind: BoundaryKind::Internet,
                            parent: None,
                            region: None,
                            description: None,
                        },
                    );
                    boundary
                });
                builder.guessed(
                    element,
                    format!("internet: true, placed in the internet boundary {boundary}"),
                );
                node.boundary = Some(boundary.clone());
            } else {
                builder.dropped(
                    element,
                    "internet: true, but the asset is inside a trust boundary, which decides",
                );
            }
        }
        if reader.boolean(item, "out_of_scope").unwrap_or(false) {
            builder.carried(
                element,
                "out_of_scope: still a node (its flows matter); the justification is dropped",
            );
        }
        drop_tags(reader, builder, item, element);
        if asset_nodes.insert(id.clone(), node_id.clone()).is_some() {
            reader.error(
                &item.pointer_of("id"),
                format!("duplicate technical asset id {id:?}"),
            );
        }
        builder.add_node(element, node);
        for (link_name, link) in entries(reader, item, "communication_links") {
            if reader.object(&link).is_none() {
                continue;
            }
            let link_element =
                builder.element(&link.pointer, "communication_link", None, Some(&link_name));
            links.push(Link {
                from: node_id.clone(),
                at: link,
                name: link_name,
                element: link_element,
            });
        }
    }
    for asset in member_of.keys() {
        if !asset_nodes.contains_key(asset) {
            let pointer = boundary_items
                .iter()
                .find(|(_, b)| {
                    b.value
                        .get("technical_assets_inside")
                        .and_then(Value::as_array)
                        .is_some_and(|l| l.iter().any(|v| v.as_str() == Some(asset)))
                })
                .map(|(_, b)| b.pointer_of("technical_assets_inside"))
                .unwrap_or_default();
            reader.error(
                &pointer,
                format!("technical asset {asset:?} is not defined under \"technical_assets\""),
            );
        }
    }

    // Communication links.
    for link in links {
        let Link {
            from,
            at,
            name,
            element,
        } = link;
        let Some(target) = reader.required_string(&at, "target") else {
            continue;
        };
        let Some(to) = asset_nodes.get(target).cloned() else {
            reader.error(
                &at.pointer_of("target"),
                format!("target {target:?} is not a technical asset of the file"),
            );
            continue;
        };
        if to == from {
            builder.dropped(
                element,
                format!("targets its own asset {from}: a flow goes between two nodes"),
            );
            continue;
        }
        let protocol = some_text(reader.string(&at, "protocol"));
        let vpn = reader.boolean(&at, "vpn").unwrap_or(false);
        let encrypted = vpn || protocol.as_deref().is_some_and(encrypted_protocol);
        let authentication = reader.string(&at, "authentication").unwrap_or("none");
        let authenticated = !authentication.is_empty() && authentication != "none";
        let data = |key: &str, reader: &mut Reader| -> Vec<String> {
            ids(reader, &at, key)
                .into_iter()
                .filter_map(|(class, pointer)| match classes.get(&class) {
                    Some(class) => Some(class.clone()),
                    None => {
                        reader.error(
                            &pointer,
                            format!("data asset {class:?} is not defined under \"data_assets\""),
                        );
                        None
                    }
                })
                .collect()
        };
        let sent = data("data_assets_sent", reader);
        let received = data("data_assets_received", reader);
        let flow_id = builder.new_element_id(None, &format!("{from} {name}"), "flow");
        let flow = Flow {
            id: flow_id.clone(),
            from: from.clone(),
            to: to.clone(),
            name: name.clone(),
            protocol,
            encrypted,
            tls_min: None,
            authenticated,
            monitored: false,
            data: sent,
            notes: some_text(reader.string(&at, "description")),
        };
        if vpn {
            builder.guessed(element, "encrypted: the link goes through a VPN");
        }
        if let Some(authorization) = reader
            .string(&at, "authorization")
            .filter(|a| *a != "none" && !a.is_empty())
        {
            builder.dropped(
                element,
                format!("authorization {authorization}: a flow records authentication only"),
            );
        }
        drop_tags(reader, builder, &at, element);
        if !received.is_empty() {
            let response = Flow {
                // As a source id, so the suffix survives the slug's length limit.
                id: builder.new_element_id(
                    Some(&format!("{flow_id}-response")),
                    &format!("{flow_id}-response"),
                    "flow",
                ),
                from: to,
                to: from,
                name: format!("{name} (response)"),
                data: received,
                ..flow.clone()
            };
            builder.guessed(
                element,
                format!(
                    "data_assets_received: a second flow {} the other way, with the same protocol and flags",
                    response.id
                ),
            );
            builder.add_flow(element, flow);
            builder.add_flow(element, response);
        } else {
            builder.add_flow(element, flow);
        }
    }

    // Shared runtimes.
    for (name, item) in entries(reader, &root, "shared_runtimes") {
        let id = reader.id(&item, "id");
        let element = builder.element(&item.pointer, "shared_runtime", id.as_deref(), Some(&name));
        builder.dropped(
            element,
            "a shared runtime: a node is in one boundary, which its trust boundary decides",
        );
    }

    // Individual risks → threats.
    for (category, item) in entries(reader, &root, "individual_risk_categories") {
        if reader.object(&item).is_none() {
            continue;
        }
        let stride = reader.string(&item, "stride").map(str::to_owned);
        let description = some_text(reader.string(&item, "description"));
        let mitigation = some_text(reader.string(&item, "mitigation"));
        for (title, risk) in entries(reader, &item, "risks_identified") {
            if reader.object(&risk).is_none() {
                continue;
            }
            let on = reader
                .string(&risk, "most_relevant_technical_asset")
                .and_then(|asset| asset_nodes.get(asset))
                .map(|id| Target {
                    kind: TargetKind::Node,
                    id: id.clone(),
                });
            builder.threat(Threat {
                pointer: risk.pointer.clone(),
                on,
                title: format!("{category}: {}", strip_markup(&title)),
                category: stride.clone(),
                severity: reader.string(&risk, "severity").map(str::to_owned),
                status: None,
                description: description.clone(),
                mitigation: mitigation.clone(),
            });
        }
    }
}

/// Threagile risk titles carry `<b>` markup for its PDF report.
fn strip_markup(title: &str) -> String {
    title.replace("<b>", "").replace("</b>", "")
}

fn drop_tags(reader: &mut Reader, builder: &mut Builder, item: &At, element: ElementRef) {
    let tags: Vec<String> = reader
        .list(item, "tags")
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !tags.is_empty() {
        builder.dropped(
            element,
            format!("tags {}: no place in a model", tags.join(", ")),
        );
    }
}
