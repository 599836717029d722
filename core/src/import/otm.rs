//! Open Threat Model (OTM, 0.1 and 0.2), JSON or YAML.
//!
//! - `trustZones` → boundaries, nested through `parent.trustZone`; a zone is untrusted (an
//!   `internet` boundary) when its name, type or id says internet, or when its `trustRating`
//!   is the lowest of the file and lower than another zone's; other zones are network
//!   segments, unless `type` names a Flowmap boundary kind;
//! - `components` → nodes (the kind guessed from `type` and name, `type` kept as the
//!   technology), in their zone; a component that only contains other components (a VPC, a
//!   subnet) and is no end of a dataflow becomes a boundary around them; `assets.stored` →
//!   what a node holds;
//! - `dataflows` → flows, `assets` → the data classes they carry; a bidirectional dataflow is
//!   two flows;
//! - `assets` → data classes (tier from `risk.confidentiality` on OTM's 0–100 scale, personal
//!   guessed from the name);
//! - positions from the first `diagram` representation (OTM positions are relative to the
//!   parent element: made absolute here);
//! - `threats` and `mitigations`, with their instances on components and dataflows, go into
//!   the report;
//! - an element's `attributes.flowmap` record (written by Flowmap's own export) restores the
//!   fields OTM cannot hold.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::build::{
    guess_node_kind, looks_personal, tier_from_rating, top_left_of_centre, Builder, ElementRef,
};
use super::carry::{self, BoundaryCarry, ClassCarry, FlowCarry, NodeCarry};
use super::document::{At, Reader};
use super::report::{Target, TargetKind, Threat};
use crate::model::{Boundary, BoundaryKind, DataClass, Flow, Node, NodeKind, Point, Rect};

/// Does the value look like an OTM document?
pub fn sniff(value: &Value) -> bool {
    value.get("otmVersion").is_some() && value.get("project").is_some()
}

/// The id IriusRisk and StartLeft give their "Internet" trust zone.
const IRIUSRISK_INTERNET: &str = "f0ba7722-39b6-4c81-8290-a30a248bb8d9";
/// How deep parent chains are followed (a hostile file may make them cycle).
const MAX_PARENT_DEPTH: usize = 64;

/// An element's parent: a trust zone or a component.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Parent {
    Zone(String),
    Component(String),
}

fn read_parent(reader: &mut Reader, at: &At) -> Option<Parent> {
    let parent = reader.object_field(at, "parent")?;
    if let Some(zone) = reader.id(&parent, "trustZone") {
        return Some(Parent::Zone(zone));
    }
    reader.id(&parent, "component").map(Parent::Component)
}

/// Position and size of an element in the chosen diagram representation.
fn representation(
    reader: &mut Reader,
    at: &At,
    diagram: Option<&str>,
) -> Option<(Point, Option<(f64, f64)>)> {
    let diagram = diagram?;
    for item in reader.list(at, "representations") {
        if reader.object(&item).is_none() {
            continue;
        }
        if reader.id(&item, "representation").as_deref() != Some(diagram) {
            continue;
        }
        let (x, y) = reader.point(&item, "position")?;
        let size = reader.object_field(&item, "size").and_then(|size| {
            let w = reader.number(&size, "width");
            let h = reader.number(&size, "height");
            Some((w?, h?))
        });
        return Some((Point { x, y }, size));
    }
    None
}

struct Zone {
    id: String,
    boundary: Option<String>,
    parent: Option<Parent>,
    at: Option<(Point, Option<(f64, f64)>)>,
    element: ElementRef,
    pointer: String,
}

struct Component<'v> {
    at: At<'v>,
    id: String,
    name: String,
    parent: Option<Parent>,
    place: Option<(Point, Option<(f64, f64)>)>,
    element: ElementRef,
}

pub fn read(reader: &mut Reader, builder: &mut Builder) {
    let root = reader.root();
    builder.version = reader.id(&root, "otmVersion");
    read_project(reader, builder, &root);
    let diagram = choose_diagram(reader, &root);
    let classes = read_assets(reader, builder, &root);

    // Trust zones.
    let zone_items = reader.list(&root, "trustZones");
    let ratings: Vec<f64> = zone_items
        .iter()
        .filter_map(|z| {
            z.get("risk")
                .and_then(|r| r.value.get("trustRating"))
                .and_then(Value::as_f64)
        })
        .collect();
    let lowest = ratings.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = ratings.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut zones: Vec<Zone> = Vec::new();
    for item in &zone_items {
        if reader.object(item).is_none() {
            continue;
        }
        let (Some(id), Some(name)) = (reader.id(item, "id"), reader.required_string(item, "name"))
        else {
            if item.get("id").is_none() {
                reader.error(&item.pointer, "missing field \"id\"");
            }
            continue;
        };
        let element = builder.element(&item.pointer, "trustZone", Some(&id), Some(name));
        let carried: Option<BoundaryCarry> = match item.get("attributes") {
            Some(attributes) => carry::read(reader, &attributes),
            None => None,
        };
        let parent = read_parent(reader, item);
        let place = representation(reader, item, diagram.as_deref());
        if carried.as_ref().is_some_and(|c| c.outside) {
            builder.carried(element, "Flowmap's zone for nodes outside every boundary: its components are outside every boundary");
            zones.push(Zone {
                id,
                boundary: None,
                parent,
                at: place,
                element,
                pointer: item.pointer.clone(),
            });
            continue;
        }
        let zone_type = reader.string(item, "type").unwrap_or_default();
        let rating = item
            .get("risk")
            .and_then(|risk| reader.number(&risk, "trustRating"));
        let kind = match carried.as_ref().and_then(|c| c.kind) {
            Some(kind) => kind,
            None => match BoundaryKind::ALL.iter().find(|k| k.as_str() == zone_type) {
                Some(kind) => *kind,
                None => {
                    let says_internet = [name, zone_type, id.as_str()]
                        .iter()
                        .any(|s| s.to_ascii_lowercase().contains("internet"))
                        || id == IRIUSRISK_INTERNET
                        || zone_type == IRIUSRISK_INTERNET;
                    let lowest_rated = rating.is_some_and(|r| r <= lowest && lowest < highest);
                    if says_internet || lowest_rated {
                        let why = if says_internet {
                            "its name or type says internet".to_owned()
                        } else {
                            format!(
                                "its trustRating {} is the lowest of the file",
                                rating.unwrap_or_default()
                            )
                        };
                        builder.guessed(
                            element,
                            format!("untrusted: an internet boundary, because {why}"),
                        );
                        BoundaryKind::Internet
                    } else {
                        builder.guessed(
                            element,
                            "kind network: a trust zone read as a network segment (trusted)",
                        );
                        BoundaryKind::Network
                    }
                }
            },
        };
        let boundary_id = builder.new_element_id(Some(&id), name, "zone");
        builder.add_boundary(
            element,
            Boundary {
                id: boundary_id.clone(),
                name: name.to_owned(),
                kind,
                parent: None,
                region: carried.as_ref().and_then(|c| c.region.clone()),
                description: reader
                    .string(item, "description")
                    .filter(|d| !d.trim().is_empty())
                    .map(str::to_owned),
            },
        );
        drop_extras(reader, builder, item, element);
        let on = Target {
            kind: TargetKind::Boundary,
            id: boundary_id.clone(),
        };
        zones.push(Zone {
            id,
            boundary: Some(boundary_id),
            parent,
            at: place,
            element,
            pointer: item.pointer.clone(),
        });
        read_threat_instances(reader, builder, item, &root, Some(on));
    }
    let zone_boundary: HashMap<String, Option<String>> = zones
        .iter()
        .map(|z| (z.id.clone(), z.boundary.clone()))
        .collect();

    // Components, and which of them only contain others.
    let component_items = reader.list(&root, "components");
    let mut components: Vec<Component> = Vec::new();
    for item in &component_items {
        if reader.object(item).is_none() {
            continue;
        }
        let Some(id) = reader.id(item, "id") else {
            reader.error(&item.pointer, "missing field \"id\"");
            continue;
        };
        let name = reader
            .required_string(item, "name")
            .unwrap_or_default()
            .to_owned();
        let element = builder.element(&item.pointer, "component", Some(&id), Some(&name));
        let parent = read_parent(reader, item);
        if parent.is_none() {
            builder.guessed(element, "no parent: outside every boundary");
        }
        let place = representation(reader, item, diagram.as_deref());
        components.push(Component {
            at: item.clone(),
            id,
            name,
            parent,
            place,
            element,
        });
    }
    let mut seen = HashSet::new();
    for component in &components {
        if !seen.insert(component.id.clone()) {
            reader.error(
                &component.at.pointer_of("id"),
                format!("duplicate component id {:?}", component.id),
            );
        }
    }
    let flow_items = reader.list(&root, "dataflows");
    let flow_ends: HashSet<String> = flow_items
        .iter()
        .flat_map(|f| {
            ["source", "destination"]
                .map(|k| f.value.get(k).and_then(Value::as_str).map(str::to_owned))
        })
        .flatten()
        .collect();
    let parents_of_components: HashSet<String> = components
        .iter()
        .filter_map(|c| match &c.parent {
            Some(Parent::Component(p)) => Some(p.clone()),
            _ => None,
        })
        .collect();
    let containers: HashSet<String> = components
        .iter()
        .filter(|c| parents_of_components.contains(&c.id) && !flow_ends.contains(&c.id))
        .map(|c| c.id.clone())
        .collect();

    // Containers become boundaries.
    let mut container_boundary: HashMap<String, String> = HashMap::new();
    for component in components.iter().filter(|c| containers.contains(&c.id)) {
        let kind_text = reader
            .string(&component.at, "type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let kind = if [
            "vpc",
            "subnet",
            "network",
            "vnet",
            "security-group",
            "securitygroup",
        ]
        .iter()
        .any(|w| kind_text.contains(w))
        {
            BoundaryKind::Network
        } else {
            BoundaryKind::Runtime
        };
        let boundary_id = builder.new_element_id(Some(&component.id), &component.name, "boundary");
        builder.guessed(
            component.element,
            format!("a boundary of kind {kind}: the component only contains other components and no dataflow starts or ends at it"),
        );
        builder.add_boundary(
            component.element,
            Boundary {
                id: boundary_id.clone(),
                name: component.name.clone(),
                kind,
                parent: None,
                region: None,
                description: reader
                    .string(&component.at, "description")
                    .filter(|d| !d.trim().is_empty())
                    .map(str::to_owned),
            },
        );
        container_boundary.insert(component.id.clone(), boundary_id);
    }
    let parent_of: HashMap<String, Option<Parent>> = components
        .iter()
        .map(|c| (c.id.clone(), c.parent.clone()))
        .chain(
            zones
                .iter()
                .map(|z| (format!("zone:{}", z.id), z.parent.clone())),
        )
        .collect();
    // The boundary an element with this parent sits in: a zone's, a container's, or the one
    // the parent component sits in (followed up the chain).
    let boundary_of = |parent: &Option<Parent>| -> Result<Option<String>, String> {
        let mut current = parent.clone();
        for _ in 0..MAX_PARENT_DEPTH {
            match current {
                None => return Ok(None),
                Some(Parent::Zone(zone)) => {
                    return zone_boundary
                        .get(&zone)
                        .cloned()
                        .ok_or_else(|| format!("trust zone {zone:?} does not exist"));
                }
                Some(Parent::Component(component)) => {
                    if let Some(boundary) = container_boundary.get(&component) {
                        return Ok(Some(boundary.clone()));
                    }
                    match parent_of.get(&component) {
                        Some(next) => current = next.clone(),
                        None => return Err(format!("component {component:?} does not exist")),
                    }
                }
            }
        }
        Err("its parents form a cycle".to_owned())
    };

    // Zone and container nesting.
    for zone in &zones {
        let Some(boundary) = &zone.boundary else {
            continue;
        };
        match boundary_of(&zone.parent) {
            Ok(Some(parent)) => {
                if !builder.nest(boundary, &parent) {
                    builder.dropped(
                        zone.element,
                        format!("parent {parent}: it would make boundaries contain each other"),
                    );
                }
            }
            Ok(None) => {}
            Err(problem) => reader.error(
                &format!("{}/parent", zone.pointer),
                format!("invalid parent: {problem}"),
            ),
        }
    }
    for component in components.iter().filter(|c| containers.contains(&c.id)) {
        let boundary = &container_boundary[&component.id];
        match boundary_of(&component.parent) {
            Ok(Some(parent)) => {
                builder.nest(boundary, &parent);
            }
            Ok(None) => {}
            Err(problem) => reader.error(
                &component.at.pointer_of("parent"),
                format!("invalid parent: {problem}"),
            ),
        }
    }

    // Absolute positions: OTM positions are relative to the parent's.
    let offset_of = |parent: &Option<Parent>| -> Point {
        let mut total = Point { x: 0.0, y: 0.0 };
        let mut current = parent.clone();
        for _ in 0..MAX_PARENT_DEPTH {
            let place = match &current {
                None => break,
                Some(Parent::Zone(id)) => zones
                    .iter()
                    .find(|z| &z.id == id)
                    .map(|z| (z.at, z.parent.clone())),
                Some(Parent::Component(id)) => components
                    .iter()
                    .find(|c| &c.id == id)
                    .map(|c| (c.place, c.parent.clone())),
            };
            let Some((at, next)) = place else { break };
            if let Some((point, _)) = at {
                total.x += point.x;
                total.y += point.y;
            }
            current = next;
        }
        total
    };
    for zone in &zones {
        if let (Some(boundary), Some((point, Some((w, h))))) = (&zone.boundary, zone.at) {
            let offset = offset_of(&zone.parent);
            builder.place_boundary(
                boundary,
                Rect {
                    x: point.x + offset.x,
                    y: point.y + offset.y,
                    w,
                    h,
                },
            );
        }
    }
    for component in components.iter().filter(|c| containers.contains(&c.id)) {
        if let Some((point, Some((w, h)))) = component.place {
            let offset = offset_of(&component.parent);
            builder.place_boundary(
                &container_boundary[&component.id],
                Rect {
                    x: point.x + offset.x,
                    y: point.y + offset.y,
                    w,
                    h,
                },
            );
        }
    }

    // Nodes.
    let mut component_node: HashMap<String, String> = HashMap::new();
    for component in components.iter().filter(|c| !containers.contains(&c.id)) {
        let item = &component.at;
        let element = component.element;
        let component_type = reader.required_string(item, "type").unwrap_or_default();
        let carried: Option<NodeCarry> = match item.get("attributes") {
            Some(attributes) => carry::read(reader, &attributes),
            None => None,
        };
        let kind = match carried.as_ref().and_then(|c| c.kind) {
            Some(kind) => kind,
            None => {
                let guess =
                    guess_node_kind(component_type).or_else(|| guess_node_kind(&component.name));
                let kind = guess.unwrap_or(NodeKind::Service);
                builder.guessed(
                    element,
                    format!("kind {kind}: from type {component_type:?}"),
                );
                kind
            }
        };
        let name = if component.name.trim().is_empty() {
            format!("Unnamed {kind}")
        } else {
            component.name.clone()
        };
        let id = builder.new_element_id(Some(&component.id), &name, kind.as_str());
        let mut node = Node::new(id.clone(), name, kind);
        node.description = reader
            .string(item, "description")
            .filter(|d| !d.trim().is_empty())
            .map(str::to_owned);
        node.technology = Some(component_type.to_owned()).filter(|t| !t.trim().is_empty());
        match boundary_of(&component.parent) {
            Ok(boundary) => {
                if matches!(component.parent, Some(Parent::Component(_))) {
                    if let Some(boundary) = &boundary {
                        builder.guessed(element, format!("inside another component: placed in boundary {boundary}, Flowmap nodes do not nest"));
                    }
                }
                node.boundary = boundary;
            }
            Err(problem) => reader.error(
                &item.pointer_of("parent"),
                format!("invalid parent: {problem}"),
            ),
        }
        if let Some(assets) = reader.object_field(item, "assets") {
            for asset in reader.list(&assets, "stored") {
                match asset.as_str().and_then(|a| classes.get(a)) {
                    Some(class) => node.holds.push(class.clone()),
                    None => builder.dropped(
                        element,
                        format!("stored asset {}: not an asset of the file", asset.value),
                    ),
                }
            }
            let processed = reader.list(&assets, "processed");
            if !processed.is_empty() {
                builder.dropped(element, format!("{} processed asset(s): a model derives what a node processes from its flows", processed.len()));
            }
        }
        if let Some(record) = carried {
            let holds = std::mem::take(&mut node.holds);
            let boundary = node.boundary.clone();
            record.apply(&mut node);
            if node.holds.is_empty() {
                node.holds = holds;
            }
            if node.boundary.is_none() {
                node.boundary = boundary;
            }
        }
        if let Some((point, size)) = component.place {
            let offset = offset_of(&component.parent);
            let (x, y) = (point.x + offset.x, point.y + offset.y);
            let at = match size {
                Some((w, h)) => top_left_of_centre(x + w / 2.0, y + h / 2.0),
                None => Point { x, y },
            };
            builder.place_node(&id, at);
        }
        drop_extras(reader, builder, item, element);
        component_node.insert(component.id.clone(), id.clone());
        builder.add_node(element, node);
        read_threat_instances(
            reader,
            builder,
            item,
            &root,
            Some(Target {
                kind: TargetKind::Node,
                id,
            }),
        );
    }

    // Dataflows.
    for item in &flow_items {
        if reader.object(item).is_none() {
            continue;
        }
        let id = reader.id(item, "id");
        let name = reader.string(item, "name").unwrap_or_default().to_owned();
        let element = builder.element(&item.pointer, "dataflow", id.as_deref(), Some(&name));
        let mut ends = Vec::new();
        for key in ["source", "destination"] {
            let Some(end) = reader.id(item, key) else {
                reader.error(&item.pointer, format!("missing field {key:?}"));
                continue;
            };
            match component_node.get(&end) {
                Some(node) => ends.push(node.clone()),
                None if containers.contains(&end) || zone_boundary.contains_key(&end) => {
                    builder.dropped(
                        element,
                        format!("{key} {end:?} is a boundary: flows go between nodes"),
                    );
                }
                None => reader.error(
                    &item.pointer_of(key),
                    format!("{key} {end:?} is not a component of the file"),
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
        let flow_id = builder.new_element_id(id.as_deref(), &name, &format!("{from}-to-{to}"));
        let mut flow = Flow {
            id: flow_id.clone(),
            from: from.clone(),
            to: to.clone(),
            name,
            protocol: None,
            encrypted: false,
            tls_min: None,
            authenticated: false,
            monitored: false,
            data: Vec::new(),
            notes: reader
                .string(item, "description")
                .filter(|d| !d.trim().is_empty())
                .map(str::to_owned),
        };
        for asset in reader.list(item, "assets") {
            match asset.as_str().and_then(|a| classes.get(a)) {
                Some(class) => flow.data.push(class.clone()),
                None => builder.dropped(
                    element,
                    format!("asset {}: not an asset of the file", asset.value),
                ),
            }
        }
        if let Some(attributes) = item.get("attributes") {
            if let Some(record) = carry::read::<FlowCarry>(reader, &attributes) {
                let data = std::mem::take(&mut flow.data);
                record.apply(&mut flow);
                if flow.data.is_empty() {
                    flow.data = data;
                }
            }
        }
        drop_extras(reader, builder, item, element);
        let bidirectional = reader.boolean(item, "bidirectional").unwrap_or(false);
        builder.add_flow_both_ways(element, flow, bidirectional, "bidirectional");
        read_threat_instances(
            reader,
            builder,
            item,
            &root,
            Some(Target {
                kind: TargetKind::Flow,
                id: flow_id,
            }),
        );
    }

    read_unused_threats(
        reader,
        builder,
        &root,
        &component_items,
        &flow_items,
        &zone_items,
    );
}

fn read_project(reader: &mut Reader, builder: &mut Builder, root: &At) {
    let Some(project) = reader.object_field(root, "project") else {
        reader.error(&root.pointer, "missing field \"project\"");
        return;
    };
    let name = reader.required_string(&project, "name").unwrap_or_default();
    let element = builder.element(
        &project.pointer,
        "project",
        reader.id(&project, "id").as_deref(),
        Some(name),
    );
    let description = reader.string(&project, "description");
    builder.describe_model(element, name, description);
    if let Some(attributes) = project.get("attributes") {
        if let Some(record) = carry::read::<carry::ModelCarry>(reader, &attributes) {
            builder.carried(
                element,
                "the model's rule configuration, waivers and narratives, from Flowmap's export",
            );
            builder.carry_model(element, record);
        }
    }
    for key in ["owner", "ownerContact"] {
        if let Some(value) = reader
            .string(&project, key)
            .filter(|v| !v.trim().is_empty())
        {
            builder.dropped(element, format!("{key} {value:?}: a model records owners per node (teams), not for the whole model"));
        }
    }
    drop_extras(reader, builder, &project, element);
}

/// The id of the representation positions come from: the first of type `diagram`.
fn choose_diagram(reader: &mut Reader, root: &At) -> Option<String> {
    let mut diagram = None;
    for item in reader.list(root, "representations") {
        if reader.object(&item).is_none() {
            continue;
        }
        if reader.string(&item, "type") == Some("diagram") && diagram.is_none() {
            diagram = reader.id(&item, "id");
        }
    }
    diagram
}

/// Assets → data classes; returns asset id → class id.
fn read_assets(reader: &mut Reader, builder: &mut Builder, root: &At) -> HashMap<String, String> {
    let mut classes = HashMap::new();
    for item in reader.list(root, "assets") {
        if reader.object(&item).is_none() {
            continue;
        }
        let Some(id) = reader.id(&item, "id") else {
            reader.error(&item.pointer, "missing field \"id\"");
            continue;
        };
        let name = reader.required_string(&item, "name").unwrap_or_default();
        let element = builder.element(&item.pointer, "asset", Some(&id), Some(name));
        let carried: Option<ClassCarry> = match item.get("attributes") {
            Some(attributes) => carry::read(reader, &attributes),
            None => None,
        };
        let builtin = Builder::is_builtin_class(&id);
        if builtin && carried.as_ref().is_none_or(|c| c.builtin) {
            if carried.is_none() {
                builder.guessed(
                    element,
                    format!("the built-in data class {id}, whose id it has; its own risk ratings are not used"),
                );
            }
            builder.uses_builtin_class(element, &id);
            classes.insert(id.clone(), id);
            continue;
        }
        let confidentiality = item
            .get("risk")
            .and_then(|risk| reader.number(&risk, "confidentiality"));
        // Flowmap's own export may redefine a built-in class (to add residency, say).
        let class_id = if carried.is_some() && Builder::is_builtin_class(&id) {
            id.clone()
        } else {
            builder.new_class_id(Some(&id), name)
        };
        let class = match carried {
            Some(record) => DataClass {
                id: class_id.clone(),
                name: name.to_owned(),
                tier: record.tier.unwrap_or(0),
                personal: record.personal,
                regime: record.regime,
                never_store: record.never_store,
                residency: record.residency,
                description: None,
                consumed_at_hop: record.consumed_at_hop,
            },
            None => {
                let tier = tier_from_rating(confidentiality.unwrap_or(0.0), 100.0);
                let personal = looks_personal(name);
                builder.guessed(
                    element,
                    format!(
                        "tier {tier} from confidentiality {} (OTM's 0–100 scale){}",
                        confidentiality.map_or("absent".to_owned(), |c| c.to_string()),
                        if personal {
                            "; personal, from the name"
                        } else {
                            ""
                        }
                    ),
                );
                DataClass {
                    id: class_id.clone(),
                    name: name.to_owned(),
                    tier,
                    personal,
                    regime: None,
                    never_store: false,
                    residency: Vec::new(),
                    description: None,
                    consumed_at_hop: false,
                }
            }
        };
        let description = reader
            .string(&item, "description")
            .filter(|d| !d.trim().is_empty())
            .map(str::to_owned);
        builder.add_class(
            element,
            DataClass {
                description,
                ..class
            },
        );
        classes.insert(id, class_id);
    }
    classes
}

/// Notes what an element has that a model has no place for (tags, other attributes).
fn drop_extras(reader: &mut Reader, builder: &mut Builder, item: &At, element: ElementRef) {
    let tags: Vec<String> = reader
        .list(item, "tags")
        .iter()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    if !tags.is_empty() {
        builder.dropped(
            element,
            format!("tags {}: no place in a model", tags.join(", ")),
        );
    }
    if let Some(attributes) = reader.object_field(item, "attributes") {
        let keys: Vec<&String> = attributes
            .value
            .as_object()
            .map(|m| m.keys().filter(|k| k.as_str() != carry::KEY).collect())
            .unwrap_or_default();
        if !keys.is_empty() {
            let shown: Vec<&str> = keys.iter().take(6).map(|k| k.as_str()).collect();
            let more = if keys.len() > shown.len() {
                format!(" and {} more", keys.len() - shown.len())
            } else {
                String::new()
            };
            builder.dropped(
                element,
                format!("attributes {}{more}: no place in a model", shown.join(", ")),
            );
        }
    }
}

/// Threats defined at the top level, by id.
fn threat_definitions<'v>(
    reader: &mut Reader,
    root: &At<'v>,
    key: &str,
) -> HashMap<String, At<'v>> {
    let mut definitions = HashMap::new();
    for item in reader.list(root, key) {
        if let Some(id) = item.value.get("id").and_then(|v| v.as_str()) {
            definitions.insert(id.to_owned(), item);
        }
    }
    definitions
}

fn severity_of_impact(impact: f64) -> &'static str {
    if impact >= 90.0 {
        "Critical"
    } else if impact >= 70.0 {
        "High"
    } else if impact >= 40.0 {
        "Medium"
    } else {
        "Low"
    }
}

fn threat_of(
    reader: &mut Reader,
    definition: &At,
    pointer: &str,
    on: Option<Target>,
    state: Option<String>,
    mitigation: Option<String>,
) -> Threat {
    let text = |reader: &mut Reader, key: &str| {
        reader
            .string(definition, key)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let impact = definition
        .get("risk")
        .and_then(|risk| reader.number(&risk, "impact"));
    let category = reader
        .list(definition, "categories")
        .iter()
        .find_map(|c| c.as_str().map(str::to_owned));
    Threat {
        pointer: pointer.to_owned(),
        on,
        title: text(reader, "name").unwrap_or_else(|| "Untitled threat".to_owned()),
        category,
        severity: impact.map(|i| format!("{} (impact {i})", severity_of_impact(i))),
        status: state,
        description: text(reader, "description"),
        mitigation,
    }
}

fn read_threat_instances(
    reader: &mut Reader,
    builder: &mut Builder,
    item: &At,
    root: &At,
    on: Option<Target>,
) {
    let instances = reader.list(item, "threats");
    if instances.is_empty() {
        return;
    }
    let definitions = threat_definitions(reader, root, "threats");
    let mitigations = threat_definitions(reader, root, "mitigations");
    for instance in instances {
        if reader.object(&instance).is_none() {
            continue;
        }
        let Some(threat_id) = reader.id(&instance, "threat") else {
            reader.error(&instance.pointer, "missing field \"threat\"");
            continue;
        };
        let Some(definition) = definitions.get(&threat_id) else {
            reader.error(
                &instance.pointer_of("threat"),
                format!("threat {threat_id:?} is not defined under \"threats\""),
            );
            continue;
        };
        let state = reader.string(&instance, "state").map(str::to_owned);
        let applied: Vec<String> = reader
            .list(&instance, "mitigations")
            .iter()
            .filter_map(|m| {
                let id = m.value.get("mitigation").and_then(Value::as_str)?;
                let state = m.value.get("state").and_then(Value::as_str).unwrap_or("");
                let name = mitigations
                    .get(id)
                    .and_then(|d| d.value.get("name").and_then(Value::as_str))
                    .unwrap_or(id);
                Some(if state.is_empty() {
                    name.to_owned()
                } else {
                    format!("{name} ({state})")
                })
            })
            .collect();
        let mitigation = (!applied.is_empty()).then(|| applied.join("; "));
        let threat = threat_of(
            reader,
            definition,
            &instance.pointer,
            on.clone(),
            state,
            mitigation,
        );
        builder.threat(threat);
    }
}

/// Threats that no element instantiates still go into the report.
fn read_unused_threats(
    reader: &mut Reader,
    builder: &mut Builder,
    root: &At,
    components: &[At],
    flows: &[At],
    zones: &[At],
) {
    let used: HashSet<String> = components
        .iter()
        .chain(flows)
        .chain(zones)
        .flat_map(|item| {
            item.value
                .get("threats")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|t| t.get("threat").and_then(Value::as_str).map(str::to_owned))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect();
    for item in reader.list(root, "threats") {
        if reader.object(&item).is_none() {
            continue;
        }
        let id = item
            .value
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !used.contains(id) {
            let threat = threat_of(reader, &item, &item.pointer, None, None, None);
            builder.threat(threat);
        }
    }
}
