//! OWASP Threat Dragon models: version 2 (`detail.diagrams[].cells`, the X6 graph Threat
//! Dragon 2 saves) and version 1 (`detail.diagrams[].diagramJson.cells`, JointJS).
//!
//! - actors → `actor` nodes, processes → `service`, stores → `store`;
//! - flows → flows (`isEncrypted` → encrypted, `protocol`, `description` → notes); a
//!   bidirectional flow becomes two flows, the second reversed;
//! - trust boundary boxes → boundaries whose members are the nodes whose centre lies inside
//!   the box (the smallest box that holds it), nested by containment: geometry, not a
//!   statement of the source, so the report says so; trust boundary curves → boundaries with
//!   no members (a curve separates, it encloses nothing);
//! - positions are kept (centres: Flowmap's boxes have their own size); diagrams after the
//!   first are placed below it, since a model has one canvas;
//! - threats go into the report; text blocks and element flags Flowmap has no place for are
//!   dropped, and said so;
//! - a cell's `data.flowmap` record (written by Flowmap's own export) restores the fields
//!   Threat Dragon cannot hold.

use std::collections::HashMap;

use serde_json::Value;

use super::build::{top_left_of_centre, Builder, ElementRef};
use super::carry::{self, BoundaryCarry, FlowCarry, NodeCarry};
use super::document::{At, Reader};
use super::report::{Target, TargetKind, Threat};
use crate::model::{Boundary, BoundaryKind, EncryptionAtRest, Flow, Node, NodeKind, Rect, Role};

/// Does the value look like a Threat Dragon model?
pub fn sniff(value: &Value) -> bool {
    value.get("summary").is_some_and(Value::is_object)
        && value
            .get("detail")
            .and_then(|d| d.get("diagrams"))
            .is_some_and(Value::is_array)
}

/// Vertical gap between diagrams placed one below the other.
const DIAGRAM_GAP: f64 = 160.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Actor,
    Process,
    Store,
    Flow,
    Box,
    Curve,
    Text,
}

impl Shape {
    /// From a v2 `shape` or a v1/v2 `type` (`tm.Process`).
    fn of(name: &str) -> Option<Shape> {
        Some(match name {
            "actor" | "tm.Actor" => Shape::Actor,
            "process" | "tm.Process" => Shape::Process,
            "store" | "tm.Store" => Shape::Store,
            "flow" | "tm.Flow" => Shape::Flow,
            "trust-boundary-box" | "tm.BoundaryBox" => Shape::Box,
            // "broundary": a misspelling many saved models carry (Threat Dragon reads it too).
            "trust-boundary-curve" | "trust-broundary-curve" | "tm.Boundary" => Shape::Curve,
            "td-text-block" | "tm.Text" => Shape::Text,
            _ => return None,
        })
    }

    fn node_kind(self) -> Option<NodeKind> {
        match self {
            Shape::Actor => Some(NodeKind::Actor),
            Shape::Process => Some(NodeKind::Service),
            Shape::Store => Some(NodeKind::Store),
            _ => None,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Shape::Actor => "actor",
            Shape::Process => "process",
            Shape::Store => "store",
            Shape::Flow => "flow",
            Shape::Box | Shape::Curve => "boundary",
            Shape::Text => "text",
        }
    }
}

/// One cell, read.
struct Cell<'v> {
    at: At<'v>,
    /// Where the element's properties live: `data` in v2, the cell itself in v1.
    data: At<'v>,
    id: Option<String>,
    shape: Shape,
    name: String,
    description: Option<String>,
    /// Box of a node or boundary box, already moved by the diagram offset.
    rect: Option<Rect>,
    /// Cell ids at the ends of an edge.
    source: Option<String>,
    target: Option<String>,
    element: ElementRef,
}

/// The first non-empty text among `keys` paths (`["attrs", "text", "text"]`).
fn text_at<'v>(value: &'v Value, paths: &[&[&str]]) -> Option<&'v str> {
    paths.iter().find_map(|path| {
        let mut current = value;
        for key in *path {
            current = match *key {
                "0" => current.get(0)?,
                key => current.get(key)?,
            };
        }
        current.as_str().filter(|s| !s.trim().is_empty())
    })
}

fn edge_end(reader: &mut Reader, cell: &At, key: &str) -> Option<String> {
    let end = reader.object_field(cell, key)?;
    reader.id(&end, "cell").or_else(|| reader.id(&end, "id"))
}

pub fn read(reader: &mut Reader, builder: &mut Builder) {
    let root = reader.root();
    builder.version = reader.string(&root, "version").map(str::to_owned);
    read_summary(reader, builder, &root);
    let Some(detail) = reader.object_field(&root, "detail") else {
        reader.error(&root.pointer, "missing field \"detail\"");
        return;
    };
    if let Some(record) = carry::read::<carry::ModelCarry>(reader, &detail) {
        let element = builder.element(&detail.pointer_of(carry::KEY), "flowmap record", None, None);
        builder.carried(element, "the model's data classes, rule configuration, waivers and narratives, from Flowmap's export");
        builder.carry_model(element, record);
    }
    let diagrams = reader.list(&detail, "diagrams");
    let mut offset_y = 0.0_f64;
    let mut cell_nodes: HashMap<String, String> = HashMap::new();
    for (index, diagram) in diagrams.iter().enumerate() {
        if reader.object(diagram).is_none() {
            continue;
        }
        let title = reader.string(diagram, "title").unwrap_or_default();
        let version_one = diagram.get("diagramJson").is_some();
        let cells_at = if version_one {
            match reader.object_field(diagram, "diagramJson") {
                Some(json) => reader.list(&json, "cells"),
                None => Vec::new(),
            }
        } else {
            reader.list(diagram, "cells")
        };
        if version_one && builder.version.is_none() {
            builder.version = Some("1.x".to_owned());
        }
        // Where this diagram's drawing starts, so the next one goes below it.
        let rects: Vec<Rect> = cells_at.iter().filter_map(|c| raw_rect(c.value)).collect();
        let top = rects.iter().map(|r| r.y).fold(f64::INFINITY, f64::min);
        let bottom = rects
            .iter()
            .map(|r| r.y + r.h)
            .fold(f64::NEG_INFINITY, f64::max);
        let shift = if index == 0 || !top.is_finite() {
            0.0
        } else {
            offset_y - top
        };
        let mut cells = Vec::new();
        for cell in &cells_at {
            if let Some(cell) = read_cell(reader, builder, cell, version_one, shift) {
                cells.push(cell);
            }
        }
        if index > 0 && !cells.is_empty() {
            if let Some(first) = cells.first() {
                builder.guessed(
                    first.element,
                    format!(
                        "diagram {} ({:?}) is drawn below the first: a model has one canvas",
                        index + 1,
                        title
                    ),
                );
            }
        }
        if bottom.is_finite() {
            offset_y = bottom + shift + DIAGRAM_GAP;
        }
        read_diagram(reader, builder, &cells, &mut cell_nodes);
    }
}

fn read_summary(reader: &mut Reader, builder: &mut Builder, root: &At) {
    let Some(summary) = reader.object_field(root, "summary") else {
        return;
    };
    let title = reader.string(&summary, "title").unwrap_or_default();
    let element = builder.element(&summary.pointer, "summary", None, Some(title));
    let description = reader.string(&summary, "description");
    builder.describe_model(element, title, description);
    if let Some(owner) = reader
        .string(&summary, "owner")
        .filter(|o| !o.trim().is_empty())
    {
        builder.dropped(
            element,
            format!(
                "owner {owner:?}: a model records owners per node (teams), not for the whole model"
            ),
        );
    }
    if let Some(detail) = root.get("detail") {
        if let Some(reviewer) = reader
            .string(&detail, "reviewer")
            .filter(|r| !r.trim().is_empty())
        {
            builder.dropped(
                element,
                format!("reviewer {reviewer:?}: a model has no reviewer"),
            );
        }
        let names: Vec<String> = reader
            .list(&detail, "contributors")
            .iter()
            .filter_map(|c| c.get("name").and_then(|n| n.as_str().map(str::to_owned)))
            .collect();
        if !names.is_empty() {
            builder.dropped(
                element,
                format!(
                    "contributors {}: a model has no contributors",
                    names.join(", ")
                ),
            );
        }
    }
}

/// `position` + `size` of a cell, unmoved.
fn raw_rect(cell: &Value) -> Option<Rect> {
    let position = cell.get("position")?;
    let size = cell.get("size")?;
    let rect = Rect {
        x: position.get("x")?.as_f64()?,
        y: position.get("y")?.as_f64()?,
        w: size.get("width")?.as_f64()?,
        h: size.get("height")?.as_f64()?,
    };
    [rect.x, rect.y, rect.w, rect.h]
        .iter()
        .all(|v| v.is_finite())
        .then_some(rect)
}

fn read_cell<'v>(
    reader: &mut Reader,
    builder: &mut Builder,
    cell: &At<'v>,
    version_one: bool,
    shift: f64,
) -> Option<Cell<'v>> {
    reader.object(cell)?;
    let data = if version_one {
        cell.clone()
    } else {
        match reader.object_field(cell, "data") {
            Some(data) => data,
            None => cell.clone(),
        }
    };
    let id = reader.id(cell, "id");
    let shape_name = reader
        .string(cell, "shape")
        .or_else(|| reader.string(&data, "type"))
        .or_else(|| reader.string(cell, "type"))
        .unwrap_or_default()
        .to_owned();
    let name = text_at(data.value, &[&["name"]])
        .or_else(|| {
            text_at(
                cell.value,
                &[
                    &["attrs", "text", "text"],
                    &["attrs", "label", "text"],
                    &["labels", "0", "attrs", "labelText", "text"],
                    &["labels", "0", "attrs", "text", "text"],
                    &["labels", "0", "attrs", "label", "text"],
                ],
            )
        })
        .unwrap_or_default()
        .to_owned();
    // Read the name's type for errors (a number where text belongs).
    let _ = reader.string(&data, "name");
    let kind_word = reader
        .string(&data, "type")
        .map(str::to_owned)
        .unwrap_or_else(|| shape_name.clone());
    let element = builder.element(&cell.pointer, &kind_word, id.as_deref(), Some(&name));
    let Some(shape) = Shape::of(&shape_name) else {
        builder.dropped(
            element,
            format!("unknown Threat Dragon shape {shape_name:?}"),
        );
        return None;
    };
    let description = reader
        .string(&data, "description")
        .filter(|d| !d.trim().is_empty())
        .map(str::to_owned);
    let rect = raw_rect(cell.value).map(|r| Rect {
        y: r.y + shift,
        ..r
    });
    let (source, target) = if matches!(shape, Shape::Flow) {
        (
            edge_end(reader, cell, "source"),
            edge_end(reader, cell, "target"),
        )
    } else {
        (None, None)
    };
    Some(Cell {
        at: cell.clone(),
        data,
        id,
        shape,
        name,
        description,
        rect,
        source,
        target,
        element,
    })
}

fn centre(rect: &Rect) -> (f64, f64) {
    (rect.x + rect.w / 2.0, rect.y + rect.h / 2.0)
}

fn contains(rect: &Rect, (x, y): (f64, f64)) -> bool {
    x >= rect.x && x <= rect.x + rect.w && y >= rect.y && y <= rect.y + rect.h
}

fn read_diagram(
    reader: &mut Reader,
    builder: &mut Builder,
    cells: &[Cell],
    cell_nodes: &mut HashMap<String, String>,
) {
    // Boundaries first, so nodes can join them.
    let mut boxes: Vec<(String, Rect, ElementRef, bool)> = Vec::new();
    let mut carried_parents: Vec<(String, String, ElementRef)> = Vec::new();
    for cell in cells
        .iter()
        .filter(|c| matches!(c.shape, Shape::Box | Shape::Curve))
    {
        let carried: Option<BoundaryCarry> = carry::read(reader, &cell.data);
        let name = if cell.name.trim().is_empty() {
            builder.guessed(cell.element, "no name: called \"Trust boundary\"");
            "Trust boundary".to_owned()
        } else {
            cell.name.clone()
        };
        let source_id = carried
            .as_ref()
            .and_then(|c| c.id.clone())
            .or(cell.id.clone());
        let id = builder.new_element_id(source_id.as_deref(), &name, "boundary");
        let kind = match carried.as_ref().and_then(|c| c.kind) {
            Some(kind) => kind,
            None => {
                let kind = guess_boundary_kind(&name);
                builder.guessed(
                    cell.element,
                    format!(
                        "kind {kind}: Threat Dragon boundaries have no kind ({})",
                        if kind == BoundaryKind::Internet {
                            "the name says internet"
                        } else {
                            "a trust boundary read as a network segment"
                        }
                    ),
                );
                kind
            }
        };
        builder.add_boundary(
            cell.element,
            Boundary {
                id: id.clone(),
                name,
                kind,
                parent: None,
                region: carried.as_ref().and_then(|c| c.region.clone()),
                description: cell.description.clone(),
            },
        );
        match cell.shape {
            Shape::Box => {
                if let Some(rect) = cell.rect {
                    builder.place_boundary(&id, rect);
                    boxes.push((id.clone(), rect, cell.element, carried.is_some()));
                } else {
                    builder.dropped(cell.element, "a box without position and size: no members");
                }
            }
            _ => builder.guessed(
                cell.element,
                "a trust boundary curve separates but encloses nothing: imported with no members; put the nodes it guards inside it",
            ),
        }
        if let Some(parent) = carried.and_then(|c| c.parent) {
            carried_parents.push((id.clone(), parent, cell.element));
        }
        read_threats(reader, builder, cell, TargetKind::Boundary);
    }
    for (child, parent, element) in carried_parents {
        if !builder.nest(&child, &parent) {
            builder.dropped(
                element,
                format!("parent {parent:?}: not a boundary here, or a cycle"),
            );
        }
    }
    // Box nesting by containment: the smallest other box that holds a box's four corners.
    for (id, rect, element, carried) in &boxes {
        if *carried {
            continue;
        }
        let parent = boxes
            .iter()
            .filter(|(other, outer, _, _)| {
                other != id
                    && contains(outer, (rect.x, rect.y))
                    && contains(outer, (rect.x + rect.w, rect.y + rect.h))
                    && outer.w * outer.h > rect.w * rect.h
            })
            .min_by(|a, b| (a.1.w * a.1.h).total_cmp(&(b.1.w * b.1.h)))
            .map(|(other, _, _, _)| other.clone());
        if let Some(parent) = parent {
            if builder.nest(id, &parent) {
                builder.guessed(
                    *element,
                    format!("inside boundary {parent}: its box lies within that box"),
                );
            }
        }
    }
    for cell in cells {
        let Some(kind) = cell.shape.node_kind() else {
            continue;
        };
        let name = if cell.name.trim().is_empty() {
            let name = format!("Unnamed {}", cell.shape.word());
            builder.guessed(cell.element, format!("no name: called {name:?}"));
            name
        } else {
            cell.name.clone()
        };
        let carried: Option<NodeCarry> = carry::read(reader, &cell.data);
        let source_id = carried
            .as_ref()
            .and_then(|c| c.id.clone())
            .or(cell.id.clone());
        let id = builder.new_element_id(source_id.as_deref(), &name, cell.shape.word());
        let mut node = Node::new(id.clone(), name, kind);
        node.description = cell.description.clone();
        let has_carried = carried.is_some();
        match carried {
            Some(record) => record.apply(&mut node),
            None => node_flags(reader, builder, cell, &mut node),
        }
        out_of_scope(reader, builder, cell);
        if let Some(rect) = cell.rect {
            let (x, y) = centre(&rect);
            builder.place_node(&id, top_left_of_centre(x, y));
            if !has_carried {
                let inside = boxes
                    .iter()
                    .filter(|(_, r, _, _)| contains(r, (x, y)))
                    .min_by(|a, b| (a.1.w * a.1.h).total_cmp(&(b.1.w * b.1.h)));
                if let Some((boundary, _, _, _)) = inside {
                    node.boundary = Some(boundary.clone());
                    builder.guessed(
                        cell.element,
                        format!("in boundary {boundary}: its centre lies inside that box"),
                    );
                }
            }
        }
        if let Some(cell_id) = &cell.id {
            cell_nodes.insert(cell_id.clone(), id.clone());
        }
        builder.add_node(cell.element, node);
        read_threats(reader, builder, cell, TargetKind::Node);
    }
    for cell in cells {
        match cell.shape {
            Shape::Flow => read_flow(reader, builder, cell, cell_nodes),
            Shape::Text => builder.dropped(
                cell.element,
                format!(
                    "a text block is an annotation, not part of the model: {:?}",
                    cell.name
                ),
            ),
            _ => {}
        }
    }
}

fn guess_boundary_kind(name: &str) -> BoundaryKind {
    let name = name.to_ascii_lowercase();
    if name.contains("internet") || name.contains("public") {
        BoundaryKind::Internet
    } else {
        BoundaryKind::Network
    }
}

/// Threat Dragon's element flags, mapped where the model has a place for them.
fn node_flags(reader: &mut Reader, builder: &mut Builder, cell: &Cell, node: &mut Node) {
    let data = &cell.data;
    let flag = |reader: &mut Reader, key: &str| reader.boolean(data, key).unwrap_or(false);
    match cell.shape {
        Shape::Actor => node.authenticates = flag(reader, "providesAuthentication"),
        Shape::Process => {
            if flag(reader, "isWebApplication") {
                node.technology = Some("web-application".to_owned());
            }
            if flag(reader, "handlesCardPayment") {
                builder.dropped(
                    cell.element,
                    "handlesCardPayment: data classes are declared on flows; tag its flows with cardholder",
                );
            }
            if flag(reader, "handlesGoodsOrServices") {
                builder.dropped(cell.element, "handlesGoodsOrServices: no place in a model");
            }
            if let Some(level) = reader
                .string(data, "privilegeLevel")
                .filter(|l| !l.trim().is_empty())
            {
                builder.dropped(
                    cell.element,
                    format!("privilegeLevel {level:?}: no place in a model"),
                );
            }
        }
        Shape::Store => {
            if flag(reader, "isALog") {
                node.role = Some(Role::LogSink);
            }
            if flag(reader, "isEncrypted") {
                node.encryption_at_rest = Some(EncryptionAtRest::Provider);
                builder.guessed(
                    cell.element,
                    "isEncrypted: encrypted at rest, read as a provider-managed key (Threat Dragon does not say whose key)",
                );
            }
            if flag(reader, "storesCredentials") {
                node.holds.push("credentials".to_owned());
                builder.guessed(
                    cell.element,
                    "storesCredentials: holds credentials (Threat Dragon's flag means credentials or PII)",
                );
            }
            if flag(reader, "isSigned") {
                builder.dropped(cell.element, "isSigned: no place in a model");
            }
            if flag(reader, "storesInventory") {
                builder.dropped(cell.element, "storesInventory: no place in a model");
            }
        }
        _ => {}
    }
}

fn out_of_scope(reader: &mut Reader, builder: &mut Builder, cell: &Cell) {
    if reader.boolean(&cell.data, "outOfScope").unwrap_or(false) {
        let reason = reader
            .string(&cell.data, "reasonOutOfScope")
            .filter(|r| !r.trim().is_empty())
            .map(|r| format!(" (reason: {r:?})"))
            .unwrap_or_default();
        builder.dropped(
            cell.element,
            format!("outOfScope: Flowmap checks every element{reason}"),
        );
    }
}

fn read_flow(
    reader: &mut Reader,
    builder: &mut Builder,
    cell: &Cell,
    cell_nodes: &HashMap<String, String>,
) {
    let from = cell.source.as_ref().and_then(|s| cell_nodes.get(s));
    let to = cell.target.as_ref().and_then(|t| cell_nodes.get(t));
    let (Some(from), Some(to)) = (from, to) else {
        builder.dropped(
            cell.element,
            "not connected to an actor, process or store at both ends",
        );
        return;
    };
    if from == to {
        builder.dropped(
            cell.element,
            format!("starts and ends at {from}: a flow goes between two nodes"),
        );
        return;
    }
    let data = &cell.data;
    let fallback = format!("{from}-to-{to}");
    let carried: Option<FlowCarry> = carry::read(reader, data);
    let source_id = carried
        .as_ref()
        .and_then(|c| c.id.clone())
        .or(cell.id.clone());
    let id = builder.new_element_id(source_id.as_deref(), &cell.name, &fallback);
    let mut flow = Flow {
        id: id.clone(),
        from: from.clone(),
        to: to.clone(),
        name: cell.name.clone(),
        protocol: reader
            .string(data, "protocol")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
        encrypted: reader.boolean(data, "isEncrypted").unwrap_or(false),
        tls_min: None,
        authenticated: false,
        monitored: false,
        data: Vec::new(),
        notes: cell.description.clone(),
    };
    let has_carried = carried.is_some();
    if let Some(record) = carried {
        record.apply(&mut flow);
    }
    if !has_carried && reader.boolean(data, "isPublicNetwork").unwrap_or(false) {
        builder.dropped(
            cell.element,
            "isPublicNetwork: a model derives crossings from the boundaries of a flow's ends",
        );
    }
    out_of_scope(reader, builder, cell);
    let bidirectional = reader.boolean(data, "isBidirectional").unwrap_or(false);
    builder.add_flow_both_ways(cell.element, flow, bidirectional, "isBidirectional");
    read_threats(reader, builder, cell, TargetKind::Flow);
}

/// The threats of a cell, into the report.
fn read_threats(reader: &mut Reader, builder: &mut Builder, cell: &Cell, kind: TargetKind) {
    let mut threats = reader.list(&cell.data, "threats");
    if threats.is_empty() && cell.data.pointer != cell.at.pointer {
        // Some saved models keep threats on the cell rather than in its data.
        threats = reader.list(&cell.at, "threats");
    }
    let on = builder
        .origin_of_element(cell.element, kind)
        .map(|id| Target { kind, id });
    for threat in threats {
        if reader.object(&threat).is_none() {
            continue;
        }
        let text = |reader: &mut Reader, key: &str| {
            reader
                .string(&threat, key)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
        };
        let title = text(reader, "title").unwrap_or_else(|| "Untitled threat".to_owned());
        builder.threat(Threat {
            pointer: threat.pointer.clone(),
            on: on.clone(),
            title,
            category: text(reader, "type"),
            severity: text(reader, "severity"),
            status: text(reader, "status"),
            description: text(reader, "description"),
            mitigation: text(reader, "mitigation"),
        });
    }
}
