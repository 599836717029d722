//! Open Threat Model (OTM 0.2.0), valid against the OTM JSON Schema
//! (`schema/vendor/otm-0.2.0.schema.json`).
//!
//! Boundaries → trust zones (`type` is the boundary kind; `trustRating` 1 for internet, 50 for
//! vendor, 100 otherwise), nodes → components (`type` is the technology, or the kind), flows →
//! dataflows with their data classes as assets, data classes → assets (confidentiality from the
//! tier on OTM's 0–100 scale). OTM requires every component to have a parent, so nodes outside
//! every boundary go into one extra zone the importer recognises and leaves out again.
//! Positions go into one `diagram` representation, relative to the parent zone as OTM wants.
//! Findings become threats (impact from severity) instantiated on their component or dataflow
//! (boundary findings are listed without an instance: OTM has no threats on zones), each with
//! the rule's "How to fix" as a mitigation. Each element's `attributes.flowmap` carries the
//! Flowmap fields OTM has no place for (`crate::import::carry`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::threat_dragon::how_to_fix;
use super::ExportContext;
use crate::finding::Severity;
use crate::import::carry::{BoundaryCarry, ClassCarry, FlowCarry, ModelCarry, NodeCarry};
use crate::layout::{fill_missing, NODE_HEIGHT, NODE_WIDTH};
use crate::model::{BoundaryKind, Point, Rect};
use crate::taxonomy::Taxonomy;

/// The id of the diagram representation.
const DIAGRAM: &str = "flowmap-diagram";
/// The id of the zone for nodes outside every boundary.
const OUTSIDE: &str = "flowmap-outside-every-boundary";

fn trust_rating(kind: BoundaryKind) -> u32 {
    match kind {
        BoundaryKind::Internet => 1,
        BoundaryKind::Vendor => 50,
        _ => 100,
    }
}

fn impact(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 100,
        Severity::High => 75,
        Severity::Medium => 50,
        Severity::Low => 25,
    }
}

// The document's shape (typed: smaller in wasm than `json!` trees). Absent optional members
// are left out; OTM allows `null` for them, but leaving out reads better.

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    otm_version: &'static str,
    project: Project<'a>,
    representations: [Representation; 1],
    assets: Vec<Asset<'a>>,
    trust_zones: Vec<Zone<'a>>,
    components: Vec<Component<'a>>,
    dataflows: Vec<Dataflow<'a>>,
    threats: Vec<Threat<'a>>,
    mitigations: Vec<Mitigation>,
}

/// `{"flowmap": record}`, an element's `attributes`.
#[derive(Serialize)]
struct Attributes<T> {
    flowmap: T,
}

#[derive(Serialize)]
struct Project<'a> {
    name: &'a str,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<Attributes<ModelCarry>>,
}

#[derive(Serialize)]
struct Size {
    width: f64,
    height: f64,
}

#[derive(Serialize)]
struct Representation {
    name: &'static str,
    id: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    size: Size,
}

#[derive(Serialize)]
struct Xy {
    x: f64,
    y: f64,
}

#[derive(Serialize)]
struct Placed {
    representation: &'static str,
    id: String,
    position: Xy,
    size: Size,
}

impl Placed {
    fn new(id: &str, at: Point, width: f64, height: f64) -> [Placed; 1] {
        [Placed {
            representation: DIAGRAM,
            id: format!("{id}-representation"),
            position: Xy { x: at.x, y: at.y },
            size: Size { width, height },
        }]
    }
}

#[derive(Serialize)]
struct Risk {
    confidentiality: f64,
    integrity: u32,
    availability: u32,
    comment: String,
}

#[derive(Serialize)]
struct Asset<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    risk: Risk,
    attributes: Attributes<ClassCarry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Trust {
    trust_rating: u32,
}

/// `{"trustZone": id}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ParentZone<'a> {
    trust_zone: &'a str,
}

#[derive(Serialize)]
struct Zone<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    risk: Trust,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<ParentZone<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    representations: Option<[Placed; 1]>,
    attributes: Attributes<BoundaryCarry>,
}

#[derive(Serialize)]
struct Stored<'a> {
    stored: &'a [String],
}

#[derive(Serialize)]
struct Mitigated<'a> {
    mitigation: &'a str,
    state: &'static str,
}

#[derive(Serialize)]
struct Instance<'a> {
    threat: &'a str,
    state: &'static str,
    mitigations: [Mitigated<'a>; 1],
}

#[derive(Serialize)]
struct Component<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    parent: ParentZone<'a>,
    representations: [Placed; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    assets: Option<Stored<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    threats: Vec<Instance<'a>>,
    tags: [&'static str; 1],
    attributes: Attributes<NodeCarry>,
}

#[derive(Serialize)]
struct Dataflow<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    bidirectional: bool,
    source: &'a str,
    destination: &'a str,
    assets: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<[&'a str; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    threats: Vec<Instance<'a>>,
    attributes: Attributes<FlowCarry>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreatRisk {
    likelihood: Option<f64>,
    impact: u32,
    impact_comment: String,
}

#[derive(Serialize)]
struct Threat<'a> {
    id: &'a str,
    name: String,
    description: &'a str,
    categories: [&'a str; 1],
    risk: ThreatRisk,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Mitigation {
    id: String,
    name: String,
    description: String,
    risk_reduction: u32,
}

fn mitigation_id(rule: &str) -> String {
    format!("flowmap-fix-{rule}")
}

/// Writes the model as an OTM document.
pub fn otm(context: &ExportContext) -> String {
    let model = fill_missing(context.model);
    let taxonomy = Taxonomy::of(&model);
    let rect_of = |id: Option<&String>| -> Rect {
        id.and_then(|b| model.layout.boundaries.get(b).copied())
            .unwrap_or_default()
    };
    // Assets: every class the model uses or defines, in taxonomy order.
    let mut used: Vec<usize> = model
        .nodes
        .iter()
        .flat_map(|n| n.holds.iter().chain(&n.strips))
        .chain(model.flows.iter().flat_map(|f| &f.data))
        .chain(model.classes.iter().map(|c| &c.id))
        .filter_map(|id| taxonomy.index(id))
        .collect();
    used.sort_unstable();
    used.dedup();
    let assets = used
        .into_iter()
        .map(|i| taxonomy.class(i))
        .map(|class| Asset {
            id: &class.id,
            name: &class.name,
            description: class.description.as_deref(),
            risk: Risk {
                confidentiality: (f64::from(class.tier.min(6)) * 100.0 / 6.0).round(),
                integrity: 0,
                availability: 0,
                comment: format!("Flowmap rates confidentiality only (tier {})", class.tier),
            },
            attributes: Attributes {
                flowmap: ClassCarry::of(class, !model.classes.iter().any(|c| c.id == class.id)),
            },
        })
        .collect();
    let mut trust_zones: Vec<Zone> = model
        .boundaries
        .iter()
        .map(|boundary| {
            let rect = rect_of(Some(&boundary.id));
            let parent = rect_of(boundary.parent.as_ref());
            Zone {
                id: &boundary.id,
                name: &boundary.name,
                kind: Some(boundary.kind.as_str()),
                description: boundary.description.as_deref(),
                risk: Trust {
                    trust_rating: trust_rating(boundary.kind),
                },
                parent: boundary
                    .parent
                    .as_deref()
                    .map(|p| ParentZone { trust_zone: p }),
                representations: Some(Placed::new(
                    &boundary.id,
                    Point {
                        x: rect.x - parent.x,
                        y: rect.y - parent.y,
                    },
                    rect.w,
                    rect.h,
                )),
                attributes: Attributes {
                    flowmap: BoundaryCarry::of(boundary),
                },
            }
        })
        .collect();
    if model.nodes.iter().any(|n| n.boundary.is_none()) {
        trust_zones.push(Zone {
            id: OUTSIDE,
            name: "Outside every boundary",
            kind: None,
            description: Some("Nodes that no Flowmap boundary contains (OTM requires a parent)"),
            risk: Trust { trust_rating: 100 },
            parent: None,
            representations: None,
            attributes: Attributes {
                flowmap: BoundaryCarry {
                    outside: true,
                    ..BoundaryCarry::default()
                },
            },
        });
    }
    // Threats: one per finding; instances on components and dataflows.
    let findings = &context.report.findings;
    let mut mitigation_ids: BTreeMap<&str, String> = BTreeMap::new();
    for finding in findings {
        mitigation_ids
            .entry(finding.rule)
            .or_insert_with(|| mitigation_id(finding.rule));
    }
    let instances_of = |id: &str| -> Vec<Instance> {
        findings
            .iter()
            .filter(|f| f.subject.id == id)
            .map(|finding| Instance {
                threat: &finding.fingerprint,
                state: if finding.waived { "accepted" } else { "open" },
                mitigations: [Mitigated {
                    mitigation: &mitigation_ids[finding.rule],
                    state: "recommended",
                }],
            })
            .collect()
    };
    let components = model
        .nodes
        .iter()
        .map(|node| {
            let at = model
                .layout
                .nodes
                .get(&node.id)
                .copied()
                .unwrap_or_default();
            let parent = rect_of(node.boundary.as_ref());
            Component {
                id: &node.id,
                name: &node.name,
                kind: node.technology.as_deref().unwrap_or(node.kind.as_str()),
                description: node.description.as_deref(),
                parent: ParentZone {
                    trust_zone: node.boundary.as_deref().unwrap_or(OUTSIDE),
                },
                representations: Placed::new(
                    &node.id,
                    Point {
                        x: at.x - parent.x,
                        y: at.y - parent.y,
                    },
                    NODE_WIDTH,
                    NODE_HEIGHT,
                ),
                assets: (!node.holds.is_empty()).then_some(Stored {
                    stored: &node.holds,
                }),
                threats: instances_of(&node.id),
                tags: [node.kind.as_str()],
                attributes: Attributes {
                    flowmap: NodeCarry::of(node),
                },
            }
        })
        .collect();
    let dataflows = model
        .flows
        .iter()
        .map(|flow| Dataflow {
            id: &flow.id,
            name: &flow.name,
            description: flow.notes.as_deref(),
            bidirectional: false,
            source: &flow.from,
            destination: &flow.to,
            assets: &flow.data,
            tags: flow.protocol.as_deref().map(|p| [p]),
            threats: instances_of(&flow.id),
            attributes: Attributes {
                flowmap: FlowCarry::of(flow),
            },
        })
        .collect();
    let threats = findings
        .iter()
        .map(|finding| Threat {
            id: &finding.fingerprint,
            name: format!("{} {}", finding.rule, finding.name),
            description: &finding.message,
            categories: [finding.name],
            risk: ThreatRisk {
                likelihood: None,
                impact: impact(finding.severity),
                impact_comment: format!("Flowmap severity {}", finding.severity),
            },
        })
        .collect();
    let mitigations = mitigation_ids
        .iter()
        .map(|(rule, id)| Mitigation {
            id: id.clone(),
            name: format!("How to fix {rule}"),
            description: how_to_fix(rule),
            risk_reduction: 100,
        })
        .collect();
    let (width, height) = model
        .layout
        .nodes
        .values()
        .map(|p| (p.x + NODE_WIDTH, p.y + NODE_HEIGHT))
        .chain(
            model
                .layout
                .boundaries
                .values()
                .map(|r| (r.x + r.w, r.y + r.h)),
        )
        .fold((0.0_f64, 0.0_f64), |(w, h), (x, y)| (w.max(x), h.max(y)));
    let project_id = crate::import::build::slug(&model.name);
    let extras = ModelCarry::of(&model, false);
    let document = Document {
        otm_version: "0.2.0",
        project: Project {
            name: &model.name,
            id: if project_id.is_empty() {
                "flowmap-model".to_owned()
            } else {
                project_id
            },
            description: model.description.as_deref(),
            attributes: (!extras.is_empty()).then_some(Attributes { flowmap: extras }),
        },
        representations: [Representation {
            name: "Flowmap diagram",
            id: DIAGRAM,
            kind: "diagram",
            size: Size {
                width: width.ceil(),
                height: height.ceil(),
            },
        }],
        assets,
        trust_zones,
        components,
        dataflows,
        threats,
        mitigations,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("a document always serializes");
    text.push('\n');
    text
}
