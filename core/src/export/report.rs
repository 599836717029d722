//! The auditor's report: one self-contained HTML file (inline CSS, no script, no external
//! request, prints to PDF) and the same content as GitHub-flavoured Markdown.
//!
//! Sections: 1 system description (diagram, components, boundaries, flows, where each data
//! class goes, vendors), 2 responsibility matrix, 3 tests of controls, 4 exceptions (findings,
//! waivers, control narratives), 5 integrity.
//!
//! # Integrity
//!
//! A report is `PREFIX`, the start marker `<!-- flowmap:body:start -->`, the **body**, the end
//! marker `<!-- flowmap:body:end -->`, and a fixed trailer that states the SHA-256 of the body
//! (lowercase hex). `PREFIX` is `<!DOCTYPE html>\n` for HTML and empty for Markdown. The body is
//! every byte (UTF-8) after the start marker up to the end marker; it includes the head, the
//! styles, every section, and the integrity facts (model SHA-256, versions, timestamp); only
//! the sentence with the body hash itself lies outside it. The first line of the body is a
//! machine-readable comment, `<!-- flowmap:report format=… model-sha256=… generated=… tool=…
//! rules=… -->`. [`verify`] recomputes the body hash, checks that prefix and trailer are
//! exactly as written, and compares the model SHA-256 with the model's.
//!
//! User strings never contain the markers: `<` is escaped in both formats.

use std::collections::BTreeMap;
use std::fmt::{self, Write};

use sha2::{Digest, Sha256};

use crate::canonical::model_sha256;
use crate::check::{hex, Report, RuleRun};
use crate::control_view::{by_control, TestScope};
use crate::controls::{control_title, Framework};
use crate::date::Date;
use crate::engine::Analysis;
use crate::evidence::{self, Conclusion};
use crate::finding::{Severity, SubjectKind};
use crate::model::{Hosting, Model, Node, NodeKind};
use crate::rules::RULES_VERSION;

use super::escape::{markdown as md, xml};
use super::ExportContext;

/// What the body hash proves, and what a signature adds (the report and `flowmap verify` say
/// the same).
pub const HASH_PROVES: &str = "The hash shows that the body was not changed since it was \
     written, by accident or by someone who did not also rewrite the hash; since anyone can \
     recompute it after an edit, it does not show who wrote the report. A detached signature \
     (flowmap export --sign, checked by flowmap verify or ssh-keygen -Y verify) adds that: the \
     holder of the signing key made these exact bytes.";

const START: &str = "<!-- flowmap:body:start -->";
const END: &str = "<!-- flowmap:body:end -->";
const HTML_PREFIX: &str = "<!DOCTYPE html>\n";

// ---------------------------------------------------------------------------------------------
// Shared responsibility
// ---------------------------------------------------------------------------------------------

/// The layers of the shared-responsibility model, top (closest to the data) to bottom.
pub const LAYERS: [&str; 6] = [
    "Data",
    "Application",
    "OS",
    "Virtualization",
    "Infrastructure",
    "Physical",
];

/// Who runs a layer of a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// The team that owns the model.
    Team,
    /// The cloud or SaaS provider.
    Provider,
    /// The component's hosting model is not recorded.
    Unknown,
    /// Actors and externals: outside the system's responsibility split.
    NotApplicable,
}

impl Party {
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Team => "team",
            Party::Provider => "provider",
            Party::Unknown => "unknown",
            Party::NotApplicable => "not applicable",
        }
    }
}

/// Who runs each of [`LAYERS`] for a component, from its hosting model:
///
/// | hosting      | data | application | OS       | virtualization | infrastructure | physical |
/// |--------------|------|-------------|----------|----------------|----------------|----------|
/// | self-managed | team | team        | team     | provider       | provider       | provider |
/// | platform     | team | team        | provider | provider       | provider       | provider |
/// | serverless   | team | team (function code) | provider | provider | provider     | provider |
/// | saas         | team | provider    | provider | provider       | provider       | provider |
/// | (none)       | unknown on every layer                                                     |
///
/// Actors and externals are not part of the system's stack: not applicable on every layer.
pub fn responsibility(node: &Node) -> [Party; 6] {
    use Party::{Provider as P, Team as T};
    if matches!(node.kind, NodeKind::Actor | NodeKind::External) {
        return [Party::NotApplicable; 6];
    }
    match node.hosting {
        Some(Hosting::SelfManaged) => [T, T, T, P, P, P],
        Some(Hosting::Platform) | Some(Hosting::Serverless) => [T, T, P, P, P, P],
        Some(Hosting::Saas) => [T, P, P, P, P, P],
        None => [Party::Unknown; 6],
    }
}

// ---------------------------------------------------------------------------------------------
// A small document model, rendered to HTML and to Markdown
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tone {
    Critical,
    High,
    Medium,
    Low,
    Good,
    Bad,
    Warn,
    Neutral,
    Team,
    Provider,
    Unknown,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Critical => "critical",
            Tone::High => "high",
            Tone::Medium => "medium",
            Tone::Low => "low",
            Tone::Good => "good",
            Tone::Bad => "bad",
            Tone::Warn => "warn",
            Tone::Neutral => "neutral",
            Tone::Team => "team",
            Tone::Provider => "provider",
            Tone::Unknown => "unknown",
        }
    }

    fn of(severity: Severity) -> Tone {
        match severity {
            Severity::Critical => Tone::Critical,
            Severity::High => Tone::High,
            Severity::Medium => Tone::Medium,
            Severity::Low => Tone::Low,
        }
    }
}

enum Inline {
    /// Text, escaped for the format.
    Text(String),
    Strong(String),
    /// An id or a hash.
    Code(String),
    Muted(String),
    Badge(Tone, String),
    /// A line break inside a table cell.
    Br,
}

use Inline::{Badge, Br, Code, Muted, Strong, Text};

fn text(s: impl Into<String>) -> Inline {
    Text(s.into())
}

struct Cell(Vec<Inline>);

fn cell(inlines: Vec<Inline>) -> Cell {
    Cell(inlines)
}

fn plain(s: impl Into<String>) -> Cell {
    cell(vec![Text(s.into())])
}

fn missing() -> Cell {
    cell(vec![Muted("—".into())])
}

fn optional(value: Option<&str>) -> Cell {
    match value {
        Some(v) if !v.trim().is_empty() => plain(v),
        _ => missing(),
    }
}

struct Table {
    class: &'static str,
    head: Vec<&'static str>,
    /// Columns aligned right (numbers).
    numeric: Vec<usize>,
    rows: Vec<Vec<Cell>>,
}

enum Block {
    Heading(u8, &'static str, String),
    Para(Vec<Inline>),
    Note(Vec<Inline>),
    Table(Table),
    Facts(Vec<(&'static str, Vec<Inline>)>),
    Diagram,
}

struct Section {
    id: &'static str,
    title: &'static str,
    blocks: Vec<Block>,
}

struct Document {
    title: String,
    cover: Vec<(&'static str, Vec<Inline>)>,
    summary: Vec<(Tone, String, String)>,
    sections: Vec<Section>,
    svg: String,
    mermaid: String,
    metadata: String,
    integrity_note: Vec<Inline>,
}

// ---------------------------------------------------------------------------------------------
// Content
// ---------------------------------------------------------------------------------------------

fn build(context: &ExportContext) -> Document {
    let model = context.model;
    let report = context.report;
    let analysis = Analysis::new(model);
    // Expiry is judged on the day the check judged it (`--today`), else the report's day.
    let day = report.today.unwrap_or(context.timestamp.date());
    let sha = model_sha256(model);

    let open = |s: Severity| report.summary.count(s);
    let controls = by_control(report);
    let with = |conclusion: Conclusion| {
        controls
            .iter()
            .filter(|c| c.conclusion == conclusion)
            .count()
    };
    let (clean, untested) = (
        with(Conclusion::NoExceptionsFound),
        with(Conclusion::NotTested),
    );
    let tested = controls.len() - untested;
    let current_waivers = model
        .waivers
        .iter()
        .filter(|w| crate::date::is_current(w.expires, day))
        .count();

    let mut summary = Vec::new();
    for severity in Severity::DESCENDING {
        summary.push((
            if open(severity) > 0 {
                Tone::of(severity)
            } else {
                Tone::Neutral
            },
            open(severity).to_string(),
            format!("{severity} open"),
        ));
    }
    summary.push((
        if clean == tested {
            Tone::Good
        } else {
            Tone::Warn
        },
        format!("{clean}/{tested}"),
        "tested controls without exceptions in the design".into(),
    ));
    summary.push((
        if untested > 0 {
            Tone::Warn
        } else {
            Tone::Neutral
        },
        untested.to_string(),
        if untested == 1 {
            "control not tested".into()
        } else {
            "controls not tested".into()
        },
    ));
    summary.push((
        Tone::Neutral,
        current_waivers.to_string(),
        if current_waivers == 1 {
            "current waiver".into()
        } else {
            "current waivers".into()
        },
    ));

    let cover = vec![
        ("Generated", vec![text(context.timestamp.to_string())]),
        (
            "Checked as of",
            vec![text(report.today.map_or_else(
                || "no date given (nothing judged expired)".to_owned(),
                |d| d.to_string(),
            ))],
        ),
        ("Model SHA-256", vec![Code(sha.clone())]),
        ("Procedure", vec![text(evidence::PROCEDURE)]),
        (
            "Compared with the running system",
            vec![text(match context.comparison {
                None => "no".to_owned(),
                Some(c) => format!("yes, {}", c.window()),
            })],
        ),
        (
            "Tool",
            vec![text(format!(
                "Flowmap {} · rule catalog {RULES_VERSION}",
                crate::VERSION
            ))],
        ),
    ];

    let sections = vec![
        system_section(model, report, &analysis, day),
        responsibility_section(&analysis),
        controls_section(context, &sha),
        exceptions_section(model, report, &analysis, day),
        integrity_section(context, &sha),
    ];

    Document {
        title: model.name.clone(),
        cover,
        summary,
        sections,
        svg: super::svg::svg(model, report),
        mermaid: super::mermaid::mermaid(model, report),
        metadata: format!(
            "<!-- flowmap:report format={{format}} model-sha256={sha} generated={} tool={} rules={RULES_VERSION} -->",
            context.timestamp,
            crate::VERSION
        ),
        integrity_note: vec![
            text("The report body SHA-256 below covers every byte of this file between the markers "),
            Code(START.into()),
            text(" and "),
            Code(END.into()),
            text(", which enclose all of it but an HTML file's doctype and the closing hash itself. "),
            Code("flowmap verify REPORT MODEL".into()),
            text(" recomputes it and checks that the report belongs to the model. "),
            text(HASH_PROVES),
        ],
    }
}

fn name_or_id(name: &str, id: &str) -> String {
    if name.trim().is_empty() {
        id.to_owned()
    } else {
        name.to_owned()
    }
}

/// `Name` and its id underneath.
fn element_cell(name: &str, id: &str, extra: Option<&str>) -> Cell {
    let mut inlines = vec![Strong(name_or_id(name, id)), Br, Code(id.to_owned())];
    if let Some(extra) = extra.filter(|e| !e.trim().is_empty()) {
        inlines.push(Muted(format!(" · {extra}")));
    }
    cell(inlines)
}

fn list_cell(items: Vec<String>) -> Cell {
    if items.is_empty() {
        missing()
    } else {
        plain(items.join(", "))
    }
}

fn yes_no(value: bool) -> Cell {
    if value {
        cell(vec![Badge(Tone::Good, "yes".into())])
    } else {
        cell(vec![Badge(Tone::Bad, "no".into())])
    }
}

fn system_section(model: &Model, report: &Report, analysis: &Analysis, day: Date) -> Section {
    let mut blocks = Vec::new();
    if let Some(description) = model
        .description
        .as_deref()
        .filter(|d| !d.trim().is_empty())
    {
        blocks.push(Block::Para(vec![text(description)]));
    }
    subsection(&mut blocks, "criteria", "Description criteria (DC 200)", "This description follows the AICPA description criteria for a SOC 2 system description (DC section 200, 2018, with the implementation guidance revised in 2022) as far as a data-flow model can supply them. What the model cannot supply is marked \u{201c}not derivable from the model\u{201d}: management describes it elsewhere.");
    blocks.push(description_criteria(model, report, analysis));
    blocks.push(Block::Heading(3, "diagram", "Data-flow diagram".into()));
    blocks.push(Block::Diagram);
    blocks.push(Block::Note(vec![text(
        "Arrows are data flows, labelled with the data classes they declare (chips colored by sensitivity tier); a dashed arrow is not encrypted in transit. Dashed frames are trust boundaries. A dot on an element counts its open findings, in the color of the worst.",
    )]));

    let boundary_name = |id: Option<&str>| -> Cell {
        match id.and_then(|id| model.boundary(id)) {
            Some(b) => plain(name_or_id(&b.name, &b.id)),
            None => optional(id),
        }
    };

    // Components.
    blocks.push(Block::Heading(3, "components", "Components".into()));
    blocks.push(Block::Note(vec![text(format!(
        "{} components, in id order.",
        analysis.nodes.len()
    ))]));
    let rows = analysis
        .nodes
        .iter()
        .map(|node| {
            vec![
                element_cell(&node.name, &node.id, node.technology.as_deref()),
                plain(node.kind.as_str()),
                optional(node.owner.as_deref()),
                optional(node.hosting.map(Hosting::as_str)),
                optional(node.region.as_deref()),
                optional(node.environment.map(|e| e.as_str())),
                boundary_name(node.boundary.as_deref()),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        class: "inventory",
        head: vec![
            "Component",
            "Kind",
            "Owner",
            "Hosting",
            "Region",
            "Environment",
            "Boundary",
        ],
        numeric: vec![],
        rows,
    }));

    // Trust boundaries.
    if !model.boundaries.is_empty() {
        blocks.push(Block::Heading(3, "boundaries", "Trust boundaries".into()));
        let mut boundaries: Vec<_> = model.boundaries.iter().collect();
        boundaries.sort_by(|a, b| a.id.cmp(&b.id));
        let rows = boundaries
            .iter()
            .map(|b| {
                let members: Vec<String> = analysis
                    .nodes
                    .iter()
                    .filter(|n| n.boundary.as_deref() == Some(b.id.as_str()))
                    .map(|n| name_or_id(&n.name, &n.id))
                    .collect();
                vec![
                    element_cell(&b.name, &b.id, None),
                    plain(b.kind.as_str()),
                    boundary_name(b.parent.as_deref()),
                    optional(b.region.as_deref()),
                    list_cell(members),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            class: "boundaries",
            head: vec!["Boundary", "Kind", "Inside", "Region", "Components"],
            numeric: vec![],
            rows,
        }));
    }

    // Flows.
    if !analysis.flows.is_empty() {
        subsection(&mut blocks, "flows", "Data flows", "Declared: the classes the flow is declared to carry. Also carried: classes that reach the flow through its source (taint propagation) without being declared.");
        let node_name = |id: &str| {
            model
                .node(id)
                .map_or(id.to_owned(), |n| name_or_id(&n.name, &n.id))
        };
        let rows = analysis
            .flows
            .iter()
            .enumerate()
            .map(|(f, flow)| {
                let propagated = analysis.carried[f].difference(analysis.declared[f]);
                let encrypted = if flow.encrypted {
                    let tls = flow
                        .tls_min
                        .map(|v| format!("yes, TLS ≥ {v}"))
                        .unwrap_or_else(|| "yes".into());
                    cell(vec![Badge(Tone::Good, tls)])
                } else {
                    cell(vec![Badge(Tone::Bad, "no".into())])
                };
                vec![
                    element_cell(&flow.name, &flow.id, flow.protocol.as_deref()),
                    cell(vec![
                        text(node_name(&flow.from)),
                        text(" → "),
                        text(node_name(&flow.to)),
                    ]),
                    encrypted,
                    yes_no(flow.authenticated),
                    yes_no(flow.monitored),
                    list_cell(flow.data.clone()),
                    list_cell(
                        analysis
                            .taxonomy
                            .ids(propagated)
                            .into_iter()
                            .map(str::to_owned)
                            .collect(),
                    ),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            class: "flows",
            head: vec![
                "Flow",
                "From → to",
                "Encrypted",
                "Authenticated",
                "Monitored",
                "Declared",
                "Also carried",
            ],
            numeric: vec![],
            rows,
        }));
    }

    // Where each data class goes.
    subsection(&mut blocks, "data-classes", "Where each data class goes", "For every data class in the model: where it enters (flows that declare it, stores and queues that hold it), every component it reaches by propagation along the flows, where it comes to rest, and which vendors receive it.");
    let mut rows = Vec::new();
    for (c, class) in analysis.taxonomy.classes().iter().enumerate() {
        let declared_on: Vec<String> = analysis
            .flows
            .iter()
            .enumerate()
            .filter(|(f, _)| analysis.declared[*f].contains(c))
            .map(|(_, flow)| name_or_id(&flow.name, &flow.id))
            .collect();
        let held_by: Vec<String> = analysis
            .nodes
            .iter()
            .enumerate()
            .filter(|(n, _)| analysis.held[*n].contains(c))
            .map(|(_, node)| format!("{} (held)", name_or_id(&node.name, &node.id)))
            .collect();
        let reached: Vec<&Node> = analysis
            .nodes
            .iter()
            .enumerate()
            .filter(|(n, _)| analysis.reach[*n].contains(c))
            .map(|(_, node)| *node)
            .collect();
        if declared_on.is_empty() && held_by.is_empty() && reached.is_empty() {
            continue;
        }
        let names = |filter: &dyn Fn(&Node) -> bool| -> Vec<String> {
            reached
                .iter()
                .filter(|n| filter(n))
                .map(|n| name_or_id(&n.name, &n.id))
                .collect()
        };
        let mut facts = format!("tier {}", class.tier);
        if class.personal {
            facts.push_str(", personal");
        }
        if let Some(regime) = class.regime {
            let _ = write!(facts, ", {regime}");
        }
        if class.never_store {
            facts.push_str(", never stored");
        }
        if !class.residency.is_empty() {
            let _ = write!(facts, ", only in {}", class.residency.join(", "));
        }
        let tier_tone = if class.tier >= crate::taxonomy::SENSITIVE_TIER {
            Tone::Warn
        } else {
            Tone::Neutral
        };
        rows.push(vec![
            cell(vec![
                Strong(name_or_id(&class.name, &class.id)),
                Br,
                Code(class.id.clone()),
                Br,
                Badge(tier_tone, facts),
            ]),
            list_cell(declared_on.into_iter().chain(held_by).collect()),
            list_cell(names(&|_| true)),
            list_cell(names(&|n| {
                matches!(n.kind, NodeKind::Store | NodeKind::Queue)
            })),
            list_cell(names(&|n| n.kind == NodeKind::External)),
        ]);
    }
    blocks.push(Block::Table(Table {
        class: "classes",
        head: vec![
            "Data class",
            "Enters at",
            "Reaches",
            "Stored in",
            "Vendors receiving it",
        ],
        numeric: vec![],
        rows,
    }));

    // Vendors.
    blocks.push(Block::Heading(3, "vendors", "Vendors".into()));
    let externals: Vec<(usize, &&Node)> = analysis
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::External)
        .collect();
    if externals.is_empty() {
        blocks.push(Block::Para(vec![text(
            "The model has no external parties.",
        )]));
    } else {
        blocks.push(Block::Note(vec![text(format!(
            "Agreements and attestations on file. An attestation is current through its expiry date; status as of {day}, the day the check judged expiry."
        ))]));
        let rows = externals
            .iter()
            .map(|(n, node)| {
                let vendor = node.vendor.clone().unwrap_or_default();
                let agreements: Vec<String> = vendor
                    .agreements
                    .iter()
                    .map(|a| a.as_str().to_owned())
                    .collect();
                let mut attestations = Vec::new();
                for (i, attestation) in vendor.attestations.iter().enumerate() {
                    if i > 0 {
                        attestations.push(Br);
                    }
                    attestations.push(text(attestation.kind.as_str()));
                    if let Some(issued) = attestation.issued {
                        attestations.push(Muted(format!(" issued {issued}")));
                    }
                    match attestation.expires {
                        Some(expires) if !crate::date::is_current(expires, day) => {
                            attestations.push(text(" "));
                            attestations.push(Badge(Tone::Bad, format!("expired {expires}")));
                        }
                        Some(expires) => {
                            attestations.push(text(" "));
                            attestations
                                .push(Badge(Tone::Good, format!("current through {expires}")));
                        }
                        None => {
                            attestations.push(text(" "));
                            attestations.push(Badge(Tone::Warn, "no expiry on file".into()));
                        }
                    }
                }
                vec![
                    element_cell(&node.name, &node.id, None),
                    optional(node.owner.as_deref()),
                    optional(node.region.as_deref()),
                    list_cell(
                        analysis
                            .taxonomy
                            .ids(analysis.reach[*n])
                            .into_iter()
                            .map(str::to_owned)
                            .collect(),
                    ),
                    list_cell(agreements),
                    if attestations.is_empty() {
                        cell(vec![Badge(Tone::Warn, "none on file".into())])
                    } else {
                        cell(attestations)
                    },
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            class: "vendors",
            head: vec![
                "Vendor",
                "Owner",
                "Region",
                "Receives",
                "Agreements",
                "Attestations",
            ],
            numeric: vec![],
            rows,
        }));
    }

    subservice_organisations(&mut blocks, analysis, day);
    user_entities(&mut blocks, analysis);

    Section {
        id: "system",
        title: "System description",
        blocks,
    }
}

/// "Not derivable from the model", and why.
fn not_derivable(why: &str) -> Cell {
    cell(vec![
        Badge(Tone::Warn, "not derivable from the model".into()),
        Br,
        Muted(why.to_owned()),
    ])
}

/// The trust services categories, by the prefix of their criteria.
const CATEGORIES: [(&str, &str); 5] = [
    ("CC", "Security (common criteria)"),
    ("A", "Availability"),
    ("PI", "Processing integrity"),
    ("C", "Confidentiality"),
    ("P", "Privacy"),
];

fn category_of(criterion: &str) -> Option<usize> {
    CATEGORIES.iter().position(|(prefix, _)| {
        criterion
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// One row per description criterion: what this report supplies for it, or why it cannot.
fn description_criteria(model: &Model, report: &Report, analysis: &Analysis) -> Block {
    let mut rows = Vec::new();
    let mut row = |id: &str, title: &str, supplied: Cell| {
        rows.push(vec![
            cell(vec![Strong(id.to_owned()), Br, Muted(title.to_owned())]),
            supplied,
        ]);
    };
    row(
        "DC1",
        "Types of services provided",
        match model
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        {
            Some(description) => cell(vec![
                text("As the model describes the system: "),
                text(description),
            ]),
            None => not_derivable("The model has no description of the services it provides."),
        },
    );
    let mut regimes: Vec<&str> = Vec::new();
    for (index, class) in analysis.taxonomy.classes().iter().enumerate() {
        let used = analysis.reach.iter().any(|r| r.contains(index))
            || analysis.declared.iter().any(|d| d.contains(index));
        if let (true, Some(regime)) = (used, class.regime) {
            let name = match regime {
                crate::model::Regime::Gdpr => "GDPR",
                crate::model::Regime::Hipaa => "HIPAA",
                crate::model::Regime::Pci => "PCI DSS",
            };
            if !regimes.contains(&name) {
                regimes.push(name);
            }
        }
    }
    row(
        "DC2",
        "Principal service commitments and system requirements",
        not_derivable(&if regimes.is_empty() {
            "Commitments are made in contracts, policies and service levels, which the model does not record.".to_owned()
        } else {
            format!(
                "Commitments are made in contracts, policies and service levels, which the model does not record. The data it handles falls under: {}.",
                regimes.join(", ")
            )
        }),
    );
    // In the order of the components (by id); no sort, which would add one to the bundle.
    let mut owners: Vec<&str> = Vec::new();
    for owner in analysis.nodes.iter().filter_map(|n| n.owner.as_deref()) {
        if !owner.trim().is_empty() && !owners.contains(&owner) {
            owners.push(owner);
        }
    }
    row(
        "DC3",
        "Components of the system and its boundaries",
        cell(vec![
            text(format!(
                "Infrastructure and software: {} components with kind, owner, hosting and region (Components); the system's boundaries: {} trust boundaries (Trust boundaries), and what lies outside them (actors, vendors); data: {} flows and where each data class goes; people: the owning teams ({}).",
                analysis.nodes.len(),
                model.boundaries.len(),
                analysis.flows.len(),
                if owners.is_empty() { "none recorded".to_owned() } else { owners.join(", ") }
            )),
            Br,
            Badge(Tone::Warn, "procedures: not derivable from the model".into()),
            Muted(" (control narratives, where the model has them, are in section 4)".into()),
        ]),
    );
    row(
        "DC4",
        "System incidents",
        not_derivable("A design model records no incidents."),
    );
    let mut tested: Vec<Vec<String>> = vec![Vec::new(); CATEGORIES.len()];
    for control in by_control(report)
        .into_iter()
        .filter(|c| c.conclusion != Conclusion::NotTested)
    {
        if let Some(id) = control.control.strip_prefix("SOC2:") {
            if let Some(category) = category_of(id) {
                tested[category].push(id.to_owned());
            }
        }
    }
    let mut in_scope = Vec::new();
    let mut out_of_scope = Vec::new();
    for ((_, name), criteria) in CATEGORIES.iter().zip(&tested) {
        if criteria.is_empty() {
            out_of_scope.push(*name);
        } else {
            in_scope.push(format!("{name}: {}", criteria.join(", ")));
        }
    }
    let mut dc5 = vec![text(format!(
        "Criteria tested by the rules (section 3): {}.",
        if in_scope.is_empty() {
            "none".to_owned()
        } else {
            in_scope.join("; ")
        }
    ))];
    if !out_of_scope.is_empty() {
        dc5.push(Br);
        dc5.push(Muted(format!(
            "Not tested by any rule: {}.",
            out_of_scope.join(", ")
        )));
    }
    row(
        "DC5",
        "Applicable trust services criteria and related controls",
        cell(dc5),
    );
    row(
        "DC6",
        "Complementary user entity controls",
        cell(vec![
            Badge(Tone::Warn, "not derivable from the model".into()),
            Br,
            Muted("The model records no controls that user entities are expected to operate; its interfaces with user entities are listed under User entities.".into()),
        ]),
    );
    row(
        "DC7",
        "Subservice organisations (carve-out method) and complementary subservice organisation controls",
        plain("Derived from the vendors and the hosting models: see Subservice organisations."),
    );
    row(
        "DC8",
        "Criteria not relevant to the system",
        not_derivable("Which criteria do not apply, and why, is management's judgement."),
    );
    row(
        "DC9",
        "Significant changes during the period",
        not_derivable(
            "One model is the design at one moment; changes show only by comparing versions of it.",
        ),
    );
    Block::Table(Table {
        class: "criteria",
        head: vec!["Criterion", "What this report supplies"],
        numeric: vec![],
        rows,
    })
}

/// Who runs a provider's layers: the organisation, from a component's technology id.
fn provider_of(node: &Node) -> String {
    const PROVIDERS: [(&str, &str); 7] = [
        ("aws-", "Amazon Web Services"),
        ("amazon-", "Amazon Web Services"),
        ("gcp-", "Google Cloud"),
        ("google-", "Google Cloud"),
        ("azure-", "Microsoft Azure"),
        ("cloudflare", "Cloudflare"),
        ("oci-", "Oracle Cloud Infrastructure"),
    ];
    let technology = node.technology.as_deref().unwrap_or("").trim();
    PROVIDERS
        .iter()
        .find(|(prefix, _)| technology.to_ascii_lowercase().starts_with(prefix))
        .map_or_else(
            || {
                if technology.is_empty() {
                    "Provider not recorded".to_owned()
                } else {
                    format!("Provider of {technology}")
                }
            },
            |(_, name)| (*name).to_owned(),
        )
}

/// The controls the design assumes a provider operates for a layer it runs, and the criteria
/// they address: the complementary subservice organisation controls the responsibility matrix
/// implies.
fn layer_controls(layer: usize) -> (&'static str, &'static str) {
    match LAYERS[layer] {
        "Application" => (
            "security of the provider's application and of the settings it offers",
            "CC6.1, CC8.1",
        ),
        "OS" => (
            "patching and hardening of operating systems",
            "CC7.1, CC8.1",
        ),
        "Virtualization" => ("isolation between tenants", "CC6.1"),
        "Infrastructure" => (
            "security and availability of networks, hosts and storage",
            "CC6.1, CC6.6, A1.2",
        ),
        "Physical" => (
            "physical access to data centres and their environmental protection",
            "CC6.4, A1.2",
        ),
        _ => ("", ""),
    }
}

/// DC7: the subservice organisations, carved out, with the controls the design assumes of
/// them.
fn subservice_organisations(blocks: &mut Vec<Block>, analysis: &Analysis, day: Date) {
    subsection(blocks, "subservice", "Subservice organisations (DC7)", "Carve-out method: the controls of these organisations are outside this report. Each row lists the types of control the design assumes the organisation operates (complementary subservice organisation controls), as the responsibility matrix implies for hosting providers and as the data they receive implies for vendors; whether they operate is for the organisation's own report to show, listed where one is on file. Providers are named from the components' technology ids.");
    // Providers in the order of their first component (by id): few, so found by a scan.
    let mut providers: Vec<(String, Vec<String>, [bool; 6])> = Vec::new();
    let mut unknown = Vec::new();
    for node in &analysis.nodes {
        let split = responsibility(node);
        if split.contains(&Party::Unknown) {
            unknown.push(name_or_id(&node.name, &node.id));
        }
        if !split.contains(&Party::Provider) {
            continue;
        }
        let provider = provider_of(node);
        let at = match providers.iter().position(|(p, _, _)| *p == provider) {
            Some(at) => at,
            None => {
                providers.push((provider, Vec::new(), [false; 6]));
                providers.len() - 1
            }
        };
        let entry = &mut providers[at];
        entry.1.push(name_or_id(&node.name, &node.id));
        for (layer, party) in split.iter().enumerate() {
            entry.2[layer] |= *party == Party::Provider;
        }
    }
    let mut rows = Vec::new();
    for (provider, components, layers) in &providers {
        let runs: Vec<&str> = (0..LAYERS.len())
            .filter(|l| layers[*l])
            .map(|l| LAYERS[l])
            .collect();
        let mut controls = Vec::new();
        let mut criteria: Vec<&str> = Vec::new();
        for layer in (0..LAYERS.len()).filter(|l| layers[*l]) {
            let (control, tsc) = layer_controls(layer);
            controls.push(control);
            for c in tsc.split(", ") {
                if !criteria.contains(&c) {
                    criteria.push(c);
                }
            }
        }
        rows.push(vec![
            cell(vec![
                Strong(provider.clone()),
                Br,
                Muted("hosting provider".into()),
            ]),
            plain(format!("Hosts {}", components.join(", "))),
            plain(runs.join(", ")),
            plain(controls.join("; ")),
            plain(criteria.join(", ")),
            cell(vec![Badge(Tone::Warn, "not recorded in the model".into())]),
        ]);
    }
    for (n, node) in analysis.nodes.iter().enumerate() {
        if node.kind != NodeKind::External {
            continue;
        }
        let received = analysis.reach[n];
        let sends = analysis.outgoing(n).next().is_some();
        let mut services = Vec::new();
        if !received.is_empty() {
            services.push(format!(
                "receives {}",
                analysis.taxonomy.ids(received).join(", ")
            ));
        }
        if sends {
            services.push("sends data into the system".to_owned());
        }
        let personal = received.intersects(analysis.personal);
        let (controls, criteria) = if received.is_empty() {
            ("integrity of what it sends", "CC6.1")
        } else if personal {
            (
                "protection of the data it receives (access, encryption, retention and disposal) and notice of breaches",
                "CC6.1, CC6.7, C1.1, P6.1",
            )
        } else {
            (
                "protection of the data it receives (access, encryption, retention and disposal)",
                "CC6.1, CC6.7, C1.1",
            )
        };
        let vendor = node.vendor.clone().unwrap_or_default();
        let current: Vec<String> = vendor
            .attestations
            .iter()
            .filter(|a| a.expires.is_none_or(|e| crate::date::is_current(e, day)))
            .map(|a| match a.expires {
                Some(e) => format!("{} (through {e})", a.kind),
                None => format!("{} (no expiry on file)", a.kind),
            })
            .collect();
        let boundary = analysis
            .node_boundary(n)
            .map(|b| &analysis.model.boundaries[b])
            .filter(|b| b.kind == crate::model::BoundaryKind::Vendor)
            .map(|b| name_or_id(&b.name, &b.id));
        rows.push(vec![
            cell(vec![
                Strong(boundary.unwrap_or_else(|| name_or_id(&node.name, &node.id))),
                Br,
                Muted(format!("vendor · {}", node.id)),
            ]),
            plain(if services.is_empty() {
                "no flows in the model".to_owned()
            } else {
                services.join("; ")
            }),
            plain("its own service (SaaS)"),
            plain(controls),
            plain(criteria),
            if current.is_empty() {
                cell(vec![Badge(
                    Tone::Warn,
                    "no current attestation on file".into(),
                )])
            } else {
                plain(current.join(", "))
            },
        ]);
    }
    if rows.is_empty() {
        blocks.push(Block::Para(vec![text(
            "The model shows no hosting provider and no vendor.",
        )]));
    } else {
        blocks.push(Block::Table(Table {
            class: "subservice",
            head: vec![
                "Organisation",
                "Services to the system",
                "Runs",
                "Controls assumed (CSOCs)",
                "Criteria",
                "Report on file",
            ],
            numeric: vec![],
            rows,
        }));
    }
    if !unknown.is_empty() {
        blocks.push(Block::Note(vec![text(format!(
            "Hosting not recorded, so who runs which layer is unknown for: {}.",
            unknown.join(", ")
        ))]));
    }
}

/// DC6: the model's interfaces with user entities (its actors); the controls expected of user
/// entities are not in the model.
fn user_entities(blocks: &mut Vec<Block>, analysis: &Analysis) {
    subsection(blocks, "user-entities", "User entities (DC6)", "Not derivable from the model: it records no complementary user entity controls (controls the design assumes user entities operate). The interfaces where user entities meet the system are its actors and their flows, below; management states the controls expected of user entities outside the model.");
    let rows: Vec<Vec<Cell>> = analysis
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Actor)
        .map(|(n, node)| {
            let flows: Vec<String> = analysis
                .outgoing(n)
                .chain(analysis.incoming(n))
                .map(|f| {
                    let flow = analysis.flows[f];
                    let authenticated = if flow.authenticated {
                        "authenticated"
                    } else {
                        "not authenticated"
                    };
                    format!("{} ({authenticated})", name_or_id(&flow.name, &flow.id))
                })
                .collect();
            vec![element_cell(&node.name, &node.id, None), list_cell(flows)]
        })
        .collect();
    if rows.is_empty() {
        blocks.push(Block::Para(vec![text("The model has no actors.")]));
    } else {
        blocks.push(Block::Table(Table {
            class: "user-entities",
            head: vec!["Actor", "Flows with the system"],
            numeric: vec![],
            rows,
        }));
    }
}

fn responsibility_section(analysis: &Analysis) -> Section {
    let mut blocks = vec![Block::Note(vec![text(
        "Who runs each layer of each component, derived from its hosting model: self-managed (IaaS): the team runs data, application and OS; platform (PaaS, managed containers) and serverless (functions): the team runs data and application (the function code); SaaS: the team is responsible for its data only; the provider runs everything else. Actors and externals are outside the split.",
    )])];
    let mut head = vec!["Component", "Hosting"];
    head.extend(LAYERS);
    let rows = analysis
        .nodes
        .iter()
        .map(|node| {
            let mut row = vec![
                element_cell(&node.name, &node.id, None),
                match node.kind {
                    NodeKind::Actor | NodeKind::External => plain(node.kind.as_str()),
                    _ => optional(node.hosting.map(Hosting::as_str)),
                },
            ];
            for party in responsibility(node) {
                row.push(match party {
                    Party::Team => cell(vec![Badge(Tone::Team, "team".into())]),
                    Party::Provider => cell(vec![Badge(Tone::Provider, "provider".into())]),
                    Party::Unknown => cell(vec![Badge(Tone::Unknown, "unknown".into())]),
                    Party::NotApplicable => cell(vec![Muted("n/a".into())]),
                });
            }
            row
        })
        .collect();
    blocks.push(Block::Table(Table {
        class: "matrix",
        head,
        numeric: vec![],
        rows,
    }));
    Section {
        id: "responsibility",
        title: "Responsibility matrix",
        blocks,
    }
}

/// "18 flows" / "16 nodes, 2 boundaries": what a rule's population was made of.
fn population_kinds(run: Option<&RuleRun>) -> String {
    let Some(run) = run else {
        return String::new();
    };
    let mut counts: BTreeMap<SubjectKind, usize> = BTreeMap::new();
    for element in &run.examined {
        *counts.entry(element.kind).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(kind, n)| {
            let noun = match kind {
                SubjectKind::Node => "node",
                SubjectKind::Flow => "flow",
                SubjectKind::Boundary => "boundary",
                SubjectKind::Model => "model",
            };
            let plural = match (kind, n) {
                (_, 1) => noun.to_owned(),
                (SubjectKind::Boundary, _) => "boundaries".to_owned(),
                _ => format!("{noun}s"),
            };
            format!("{n} {plural}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn population_cell(run: &RuleRun) -> Cell {
    let kinds = population_kinds(Some(run));
    if kinds.is_empty() {
        plain(run.examined.len().to_string())
    } else {
        cell(vec![text(run.examined.len().to_string()), Br, Muted(kinds)])
    }
}

fn conclusion_badge(conclusion: Conclusion, waived: usize) -> Inline {
    let tone = match conclusion {
        Conclusion::ExceptionsFound => Tone::Bad,
        Conclusion::NoExceptionsFound => Tone::Good,
        Conclusion::NotTested => Tone::Warn,
    };
    let mut wording = conclusion.wording().to_owned();
    if conclusion == Conclusion::NoExceptionsFound && waived > 0 {
        let _ = write!(wording, " ({waived} waived)");
    }
    Badge(tone, wording)
}

fn controls_section(context: &ExportContext, sha: &str) -> Section {
    let report = context.report;
    let controls = by_control(report);
    let mut blocks = vec![Block::Facts(vec![
        ("Procedure", vec![text(evidence::PROCEDURE_DETAIL)]),
        (
            "Population",
            vec![
                text(evidence::POPULATION_SOURCE),
                text(" Model file: "),
                Code(context.source_path.to_owned()),
                text(", SHA-256 "),
                Code(sha.to_owned()),
                text(". Each rule's population is defined in the table of rules below."),
            ],
        ),
        ("What it shows", vec![text(evidence::WHAT_IT_SHOWS)]),
        (
            "Running system",
            vec![text(evidence::comparison_sentence(context.comparison))],
        ),
        (
            "Conclusions",
            vec![
                Strong(Conclusion::NoExceptionsFound.wording().to_owned()),
                text(": "),
                text(Conclusion::NoExceptionsFound.explanation()),
                Br,
                Strong(Conclusion::ExceptionsFound.wording().to_owned()),
                text(": "),
                text(Conclusion::ExceptionsFound.explanation()),
                Br,
                Strong(Conclusion::NotTested.wording().to_owned()),
                text(": "),
                text(Conclusion::NotTested.explanation()),
            ],
        ),
    ])];
    let frameworks = [
        Framework::Soc2,
        Framework::Iso27001,
        Framework::Nist80053,
        Framework::PciDss,
    ];
    let mut overview = Vec::new();
    for framework in frameworks {
        let of: Vec<_> = controls
            .iter()
            .filter(|c| Framework::of(&c.control) == Some(framework))
            .collect();
        if of.is_empty() {
            continue;
        }
        let count = |conclusion: Conclusion| {
            of.iter()
                .filter(|c| c.conclusion == conclusion)
                .count()
                .to_string()
        };
        overview.push(vec![
            plain(framework.title()),
            plain(of.len().to_string()),
            plain(count(Conclusion::ExceptionsFound)),
            plain(count(Conclusion::NoExceptionsFound)),
            plain(count(Conclusion::NotTested)),
        ]);
    }
    blocks.push(Block::Table(Table {
        class: "overview",
        head: vec![
            "Framework",
            "Controls",
            "Exceptions found in the design",
            "No exceptions found in the design",
            "Not tested",
        ],
        numeric: vec![1, 2, 3, 4],
        rows: overview,
    }));
    for framework in frameworks {
        let of: Vec<_> = controls
            .iter()
            .filter(|c| Framework::of(&c.control) == Some(framework))
            .collect();
        if of.is_empty() {
            continue;
        }
        blocks.push(Block::Heading(
            3,
            match framework {
                Framework::Soc2 => "controls-soc2",
                Framework::Iso27001 => "controls-iso27001",
                Framework::Nist80053 => "controls-nist",
                Framework::PciDss => "controls-pci",
            },
            framework.title().into(),
        ));
        let rows = of
            .iter()
            .map(|control| {
                let local = control
                    .control
                    .split_once(':')
                    .map_or(control.control.as_str(), |(_, id)| id);
                let mut rules = Vec::new();
                for (i, test) in control.tests.iter().enumerate() {
                    if i > 0 {
                        rules.push(text(" "));
                    }
                    let tone = match test.conclusion {
                        Conclusion::ExceptionsFound => Tone::Bad,
                        Conclusion::NotTested => Tone::Neutral,
                        Conclusion::NoExceptionsFound if test.waived > 0 => Tone::Warn,
                        Conclusion::NoExceptionsFound => Tone::Good,
                    };
                    let mut label = test.rule.to_owned();
                    if test.scope == TestScope::Findings {
                        label.push('*');
                    }
                    if test.exceptions > 0 {
                        let _ = write!(label, " ({})", test.exceptions);
                    }
                    rules.push(Badge(tone, label));
                }
                let sum = |f: fn(&crate::control_view::ControlTest) -> usize| {
                    control.tests.iter().map(f).sum::<usize>()
                };
                vec![
                    cell(vec![
                        Strong(local.to_owned()),
                        Br,
                        Muted(control.title.to_owned()),
                    ]),
                    cell(rules),
                    plain(sum(|t| t.population).to_string()),
                    plain(sum(|t| t.passes).to_string()),
                    plain(sum(|t| t.exceptions).to_string()),
                    plain(sum(|t| t.waived).to_string()),
                    cell(vec![conclusion_badge(
                        control.conclusion,
                        sum(|t| t.waived),
                    )]),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            class: "controls",
            head: vec![
                "Control",
                "Tested by (exceptions)",
                "Examined",
                "Passes",
                "Exceptions",
                "Waived",
                "Conclusion",
            ],
            numeric: vec![2, 3, 4, 5],
            rows,
        }));
    }
    blocks.push(Block::Note(vec![text(
        "A rule marked * tests the control only through its findings that concern it (for example ENC-001 on a flow that crosses a trust boundary, which concerns boundary protection): its population there is those findings' subjects.",
    )]));

    // Each rule's population once: the tests the control tables add up.
    subsection(&mut blocks, "rules", "Rules and their populations", "Every rule that ran: the condition it tests, the population it examines (every element of the model it applies to), and its results. A control's figures are the sums over the rules that test it (an element examined by two rules counts twice).");
    let rows = report
        .runs
        .iter()
        .map(|run| {
            let severity = run.severity_override.unwrap_or(run.rule.severity);
            let conclusion = Conclusion::of(run.examined.len(), run.exceptions);
            vec![
                cell(vec![
                    Code(run.rule.id.to_owned()),
                    Br,
                    Muted(run.rule.name.to_owned()),
                ]),
                cell(vec![text(run.rule.summary)]),
                cell(vec![text(run.rule.population)]),
                cell(vec![Badge(Tone::of(severity), severity.as_str().into())]),
                population_cell(run),
                plain(run.passes().to_string()),
                if run.exceptions > 0 {
                    cell(vec![Badge(Tone::Bad, run.exceptions.to_string())])
                } else {
                    plain("0")
                },
                plain(run.waived.to_string()),
                cell(vec![conclusion_badge(conclusion, run.waived)]),
            ]
        })
        .collect();
    blocks.push(Block::Table(Table {
        class: "rules",
        head: vec![
            "Rule",
            "Condition tested",
            "Population",
            "Severity",
            "Examined",
            "Passes",
            "Exceptions",
            "Waived",
            "Conclusion",
        ],
        numeric: vec![4, 5, 6, 7],
        rows,
    }));
    if !report.skipped.is_empty() {
        blocks.push(Block::Heading(3, "not-run", "Rules not run".into()));
        blocks.push(Block::Para(vec![
            text("Switched off by the model's configuration or by the caller: "),
            text(report.skipped.join(", ")),
            text(". Their controls are not tested by this report."),
        ]));
    }
    Section {
        id: "controls",
        title: "Tests of controls",
        blocks,
    }
}

fn exceptions_section(model: &Model, report: &Report, analysis: &Analysis, day: Date) -> Section {
    let mut blocks = Vec::new();
    let subject_cell = |kind: SubjectKind, id: &str| -> Cell {
        let name = match kind {
            SubjectKind::Node => model.node(id).map(|n| n.name.as_str()),
            SubjectKind::Flow => model.flow(id).map(|f| f.name.as_str()),
            SubjectKind::Boundary => model.boundary(id).map(|b| b.name.as_str()),
            SubjectKind::Model => Some(model.name.as_str()),
        };
        let mut inlines = vec![Muted(format!("{} ", kind.as_str()))];
        if kind != SubjectKind::Model {
            inlines.push(Code(id.to_owned()));
        }
        if let Some(name) = name.filter(|n| !n.trim().is_empty() && *n != id) {
            inlines.push(Br);
            inlines.push(text(name));
        }
        cell(inlines)
    };

    blocks.push(Block::Heading(3, "findings", "Findings".into()));
    let open: Vec<_> = report.findings.iter().filter(|f| !f.waived).collect();
    if open.is_empty() {
        blocks.push(Block::Para(vec![text("No open findings.")]));
    } else {
        blocks.push(Block::Note(vec![text(format!(
            "{} open findings (not waived), most severe first. The witness path lists the flows from where the data entered to the subject.",
            open.len()
        ))]));
        let rows = open
            .iter()
            .map(|f| {
                vec![
                    cell(vec![Badge(
                        Tone::of(f.severity),
                        f.severity.as_str().into(),
                    )]),
                    cell(vec![Code(f.rule.to_owned()), Br, Muted(f.name.to_owned())]),
                    subject_cell(f.subject.kind, &f.subject.id),
                    cell(vec![
                        text(&f.message),
                        Br,
                        Muted(format!(
                            "{} · fingerprint {}",
                            short_controls(&f.controls),
                            f.fingerprint
                        )),
                    ]),
                    if f.path.is_empty() {
                        missing()
                    } else {
                        plain(f.path.join(" → "))
                    },
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            class: "findings",
            head: vec!["Severity", "Rule", "Subject", "Finding", "Witness path"],
            numeric: vec![],
            rows,
        }));
    }

    blocks.push(Block::Heading(
        3,
        "waivers",
        "Waivers (accepted risks)".into(),
    ));
    if model.waivers.is_empty() {
        blocks.push(Block::Para(vec![text("The model has no waivers.")]));
    } else {
        blocks.push(Block::Note(vec![text(format!(
            "A waiver is current through its expiry date; status as of {day}, the day the check judged expiry."
        ))]));
        let mut waivers: Vec<_> = model.waivers.iter().collect();
        waivers.sort_by(|a, b| (&a.rule, &a.subject).cmp(&(&b.rule, &b.subject)));
        let rows = waivers
            .iter()
            .map(|w| {
                let kind = analysis
                    .element_of(&w.subject)
                    .map_or(SubjectKind::Model, |e| e.kind);
                let suppresses = report
                    .findings
                    .iter()
                    .filter(|f| f.waived && f.rule == w.rule && f.subject.id == w.subject)
                    .count();
                vec![
                    cell(vec![Code(w.rule.clone())]),
                    subject_cell(kind, &w.subject),
                    plain(&w.approved_by),
                    plain(&w.reason),
                    plain(w.expires.to_string()),
                    cell(vec![if crate::date::is_current(w.expires, day) {
                        Badge(Tone::Good, "current".into())
                    } else {
                        Badge(Tone::Bad, "expired".into())
                    }]),
                    plain(suppresses.to_string()),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            class: "waivers",
            head: vec![
                "Rule",
                "Subject",
                "Approved by",
                "Reason",
                "Expires",
                "Status",
                "Findings waived",
            ],
            numeric: vec![6],
            rows,
        }));
    }

    blocks.push(Block::Heading(3, "narratives", "Control narratives".into()));
    if model.narratives.is_empty() {
        blocks.push(Block::Para(vec![text(
            "The model has no control narratives.",
        )]));
    } else {
        let mut narratives: Vec<_> = model.narratives.iter().collect();
        narratives.sort_by(|a, b| a.control.cmp(&b.control));
        let rows = narratives
            .iter()
            .map(|n| {
                let title = control_title(&n.control).or_else(|| {
                    ["SOC2", "ISO27001", "NIST", "PCI"]
                        .iter()
                        .find_map(|p| control_title(&format!("{p}:{}", n.control)))
                });
                let mut control = vec![Strong(n.control.clone())];
                if let Some(title) = title {
                    control.push(Br);
                    control.push(Muted(title.to_owned()));
                }
                vec![cell(control), plain(&n.text)]
            })
            .collect();
        blocks.push(Block::Table(Table {
            class: "narratives",
            head: vec!["Control", "How the team meets it"],
            numeric: vec![],
            rows,
        }));
    }
    Section {
        id: "exceptions",
        title: "Exceptions",
        blocks,
    }
}

/// `SOC2:CC6.7, CC6.1 · ISO27001:A.8.24 …`: control ids grouped by framework.
fn short_controls(controls: &[&str]) -> String {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for control in controls {
        let (prefix, id) = control.split_once(':').unwrap_or(("", control));
        match groups.iter_mut().find(|(p, _)| p == prefix) {
            Some((_, ids)) => ids.push(id),
            None => groups.push((prefix.to_owned(), vec![id])),
        }
    }
    groups
        .iter()
        .map(|(p, ids)| format!("{p} {}", ids.join(", ")))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn integrity_section(context: &ExportContext, sha: &str) -> Section {
    let report = context.report;
    let facts = vec![
        ("Model SHA-256", vec![Code(sha.to_owned())]),
        ("Model file", vec![Code(context.source_path.to_owned())]),
        (
            "Git commit",
            vec![match context.source_commit {
                Some(commit) => Code(commit.to_owned()),
                None => Muted("not recorded (the file is not in a git repository, or differs from its last commit)".to_owned()),
            }],
        ),
        (
            "Canonical form",
            vec![text(
                "The SHA-256 is taken over the model's canonical JSON: the model without its layout, classes, boundaries, nodes and flows sorted by id, waivers by rule and subject, narratives by control, class lists sorted, serialized compactly as UTF-8 (core/src/canonical.rs). Moving a box on the canvas does not change it; any change to the analysed model does.",
            )],
        ),
        ("Tool", vec![text(format!("Flowmap {}", crate::VERSION))]),
        ("Rule catalog", vec![text(RULES_VERSION)]),
        ("Generated", vec![text(context.timestamp.to_string())]),
        (
            "Checked as of",
            vec![text(
                report
                    .today
                    .map_or_else(|| "no date given".to_owned(), |d| d.to_string()),
            )],
        ),
        (
            "Rules run",
            vec![text(format!(
                "{} of {}",
                report.runs.len(),
                report.runs.len() + report.skipped.len()
            ))],
        ),
    ];
    Section {
        id: "integrity",
        title: "Integrity",
        blocks: vec![Block::Facts(facts)],
    }
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

const CSS: &str = r#"
:root { --ink: #1e293b; --muted: #64748b; --line: #e2e8f0; --zebra: #f8fafc; --head: #f1f5f9; --accent: #1e3a8a; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #eef1f5; color: var(--ink); font: 14px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.page { max-width: 1180px; margin: 0 auto; background: #fff; box-shadow: 0 1px 3px rgba(15, 23, 42, .08); }
.cover { background: linear-gradient(135deg, #0f172a 0%, #1e3a8a 100%); color: #f8fafc; padding: 44px 56px 36px; }
.eyebrow { text-transform: uppercase; letter-spacing: .14em; font-size: 11px; font-weight: 600; color: #93c5fd; margin: 0 0 10px; }
.cover h1 { font-size: 32px; line-height: 1.2; margin: 0 0 10px; font-weight: 700; overflow-wrap: anywhere; }
.cover dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0 0 26px; font-size: 13px; }
.cover dt { color: #93c5fd; }
.cover dd { margin: 0; overflow-wrap: anywhere; }
.cover code { color: #f8fafc; background: rgba(255, 255, 255, .1); }
.summary { display: flex; flex-wrap: wrap; gap: 10px; }
.stat { min-width: 112px; padding: 10px 14px; border-radius: 8px; background: rgba(255, 255, 255, .08); border: 1px solid rgba(255, 255, 255, .16); }
.stat b { display: block; font-size: 22px; line-height: 1.2; }
.stat span { font-size: 12px; color: #cbd5e1; }
.stat.critical { background: #7f1d1d; border-color: #991b1b; }
.stat.high { background: #b91c1c; border-color: #dc2626; }
.stat.medium { background: #b45309; border-color: #d97706; }
.stat.low { background: #1d4ed8; border-color: #2563eb; }
.stat.good { background: #166534; border-color: #15803d; }
.stat.warn { background: #92400e; border-color: #b45309; }
.stat.critical span, .stat.high span, .stat.medium span, .stat.low span, .stat.good span, .stat.warn span { color: #fef2f2; }
main { padding: 8px 56px 48px; }
nav.toc { margin: 24px 0 8px; padding: 14px 18px; background: var(--zebra); border: 1px solid var(--line); border-radius: 8px; }
nav.toc h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .1em; color: var(--muted); margin: 0 0 6px; border: 0; padding: 0; }
nav.toc ol { margin: 0; padding-left: 20px; columns: 2; }
nav.toc a { color: var(--accent); text-decoration: none; }
section { margin-top: 36px; }
h2 { font-size: 22px; color: #0f172a; margin: 0 0 14px; padding-bottom: 8px; border-bottom: 2px solid #0f172a; }
h2 .num { color: var(--muted); font-weight: 500; margin-right: 8px; }
h3 { font-size: 16px; color: #0f172a; margin: 26px 0 8px; }
p { margin: 8px 0; overflow-wrap: anywhere; }
p.note { color: var(--muted); font-size: 12.5px; max-width: 900px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; background: #f1f5f9; border-radius: 3px; padding: 0 3px; overflow-wrap: break-word; }
.muted { color: var(--muted); font-size: .92em; }
figure.diagram { margin: 8px 0; padding: 12px; border: 1px solid var(--line); border-radius: 8px; background: #fff; overflow-x: auto; }
figure.diagram svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
table { width: 100%; border-collapse: collapse; margin: 8px 0 4px; font-size: 12.5px; }
th { text-align: left; font-weight: 600; color: #334155; background: var(--head); border-bottom: 2px solid #cbd5e1; padding: 7px 9px; vertical-align: bottom; }
td { border-bottom: 1px solid var(--line); padding: 6px 9px; vertical-align: top; overflow-wrap: break-word; unicode-bidi: isolate; }
tbody tr:nth-child(even) td { background: var(--zebra); }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.controls td:nth-child(2) .badge { margin: 1px 0; }
table.controls td:first-child { width: 30%; }
table.rules td:nth-child(2) { width: 38%; }
table.findings td:nth-child(4) { width: 46%; }
table.findings td:nth-child(5) { width: 16%; }
table.inventory td:nth-child(2), table.inventory td:nth-child(4), table.inventory td:nth-child(6), table.matrix td:nth-child(2) { overflow-wrap: normal; }
table.matrix td { text-align: center; }
table.matrix td:first-child, table.matrix td:nth-child(2) { text-align: left; }
.badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 11px; font-weight: 600; line-height: 18px; white-space: nowrap; border: 1px solid transparent; }
.badge.critical { background: #7f1d1d; color: #fff; }
.badge.high { background: #fee2e2; color: #991b1b; border-color: #fecaca; }
.badge.medium { background: #fef3c7; color: #92400e; border-color: #fde68a; }
.badge.low { background: #dbeafe; color: #1e40af; border-color: #bfdbfe; }
.badge.good { background: #dcfce7; color: #166534; border-color: #bbf7d0; }
.badge.bad { background: #fee2e2; color: #991b1b; border-color: #fecaca; }
.badge.warn { background: #fef3c7; color: #92400e; border-color: #fde68a; }
.badge.neutral { background: #f1f5f9; color: #475569; border-color: #e2e8f0; }
.badge.team { background: #c7d2fe; color: #312e81; border-color: #a5b4fc; }
.badge.provider { background: #f8fafc; color: #64748b; border-color: #e2e8f0; font-weight: 500; }
.badge.unknown { background: #fef3c7; color: #92400e; border-color: #fde68a; }
dl.facts { display: grid; grid-template-columns: 190px 1fr; gap: 0; margin: 8px 0; border-top: 1px solid var(--line); }
dl.facts dt, dl.facts dd { margin: 0; padding: 7px 9px; border-bottom: 1px solid var(--line); }
dl.facts dt { font-weight: 600; color: #334155; background: var(--head); }
dl.facts dd { overflow-wrap: anywhere; }
.body-hash { margin-top: 14px; padding: 12px 14px; border: 1px solid #bfdbfe; background: #eff6ff; border-radius: 8px; font-size: 13px; overflow-wrap: anywhere; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { background: #fff; font-size: 11px; }
  .page { max-width: none; box-shadow: none; }
  .cover { padding: 28px 32px; }
  main { padding: 0 4px; }
  nav.toc { break-after: page; }
  section { margin-top: 0; }
  section + section { break-before: page; }
  h2, h3 { break-after: avoid; }
  tr, figure.diagram, dl.facts, .body-hash { break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 10px; }
  .badge { font-size: 9px; line-height: 14px; padding: 0 6px; }
  .cover .summary .stat { min-width: 96px; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn html_inlines(out: &mut String, inlines: &[Inline]) {
    for inline in inlines {
        match inline {
            Text(s) => out.push_str(&xml(s)),
            Strong(s) => {
                let _ = write!(out, "<strong>{}</strong>", xml(s));
            }
            Code(s) => {
                let _ = write!(out, "<code>{}</code>", xml(s));
            }
            Muted(s) if s.is_empty() => {}
            Muted(s) => {
                let _ = write!(out, "<span class=\"muted\">{}</span>", xml(s));
            }
            Badge(tone, s) => {
                let _ = write!(
                    out,
                    "<span class=\"badge {}\">{}</span>",
                    tone.class(),
                    xml(s)
                );
            }
            Br => out.push_str("<br>"),
        }
    }
}

fn html_block(out: &mut String, block: &Block, document: &Document) {
    match block {
        Block::Heading(level, id, title) => {
            let _ = writeln!(out, "<h{level} id=\"{id}\">{}</h{level}>", xml(title));
        }
        Block::Para(inlines) => {
            out.push_str("<p>");
            html_inlines(out, inlines);
            out.push_str("</p>\n");
        }
        Block::Note(inlines) => {
            out.push_str("<p class=\"note\">");
            html_inlines(out, inlines);
            out.push_str("</p>\n");
        }
        Block::Diagram => {
            out.push_str("<figure class=\"diagram\">\n");
            out.push_str(&document.svg);
            out.push_str("</figure>\n");
        }
        Block::Facts(facts) => {
            out.push_str("<dl class=\"facts\">\n");
            for (key, value) in facts {
                let _ = write!(out, "<dt>{}</dt><dd>", xml(key));
                html_inlines(out, value);
                out.push_str("</dd>\n");
            }
            out.push_str("</dl>\n");
        }
        Block::Table(table) => {
            let _ = writeln!(out, "<table class=\"{}\">", table.class);
            out.push_str("<thead><tr>");
            for (i, head) in table.head.iter().enumerate() {
                let class = if table.numeric.contains(&i) {
                    " class=\"num\""
                } else {
                    ""
                };
                let _ = write!(out, "<th{class}>{}</th>", xml(head));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for row in &table.rows {
                out.push_str("<tr>");
                for (i, Cell(inlines)) in row.iter().enumerate() {
                    out.push_str("<td");
                    if table.numeric.contains(&i) {
                        out.push_str(" class=\"num\"");
                    }
                    out.push('>');
                    html_inlines(out, inlines);
                    out.push_str("</td>");
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
    }
}

fn html_trailer(body_sha: &str) -> String {
    format!(
        "{END}\n<p class=\"body-hash\"><strong>Report body SHA-256:</strong> <code>{body_sha}</code></p>\n</section>\n</main>\n</div>\n</body>\n</html>\n"
    )
}

/// The report as one self-contained HTML file.
pub fn html(context: &ExportContext) -> String {
    let document = build(context);
    let mut body = String::with_capacity(256 * 1024);
    body.push('\n');
    body.push_str(&document.metadata.replace("{format}", "html"));
    body.push('\n');
    let css_hash = base64(&Sha256::digest(CSS.as_bytes()));
    let _ = write!(
        body,
        "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-{css_hash}'; img-src data:; base-uri 'none'; form-action 'none'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"Flowmap {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<div class=\"page\">\n",
        crate::VERSION,
        xml(&format!("Audit evidence: {}", document.title))
    );

    // Cover.
    body.push_str("<header class=\"cover\">\n<p class=\"eyebrow\">Flowmap · audit evidence</p>\n");
    let _ = writeln!(
        body,
        "<h1>{}</h1>",
        xml(&name_or_id(&document.title, "Untitled model"))
    );
    body.push_str("<dl>\n");
    for (key, value) in &document.cover {
        let _ = write!(body, "<dt>{}</dt><dd>", xml(key));
        html_inlines(&mut body, value);
        body.push_str("</dd>\n");
    }
    body.push_str("</dl>\n<div class=\"summary\">\n");
    for (tone, value, label) in &document.summary {
        let _ = writeln!(
            body,
            "<div class=\"stat {}\"><b>{}</b><span>{}</span></div>",
            tone.class(),
            xml(value),
            xml(label)
        );
    }
    body.push_str("</div>\n</header>\n<main>\n");

    // Contents.
    body.push_str("<nav class=\"toc\">\n<h2>Contents</h2>\n<ol>\n");
    for section in &document.sections {
        let _ = writeln!(
            body,
            "<li><a href=\"#{}\">{}</a></li>",
            section.id,
            xml(section.title)
        );
    }
    body.push_str("</ol>\n</nav>\n");

    for (i, section) in document.sections.iter().enumerate() {
        let _ = writeln!(
            body,
            "<section id=\"{}\">\n<h2><span class=\"num\">{}</span>{}</h2>",
            section.id,
            i + 1,
            xml(section.title)
        );
        for block in &section.blocks {
            html_block(&mut body, block, &document);
        }
        if section.id == "integrity" {
            body.push_str("<p class=\"note\">");
            html_inlines(&mut body, &document.integrity_note);
            body.push_str("</p>\n");
        } else {
            body.push_str("</section>\n");
        }
    }
    let body_sha = hex(&Sha256::digest(body.as_bytes()));
    format!("{HTML_PREFIX}{START}{body}{}", html_trailer(&body_sha))
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/// An id or hash as a code span when it is plainly safe, else as escaped text.
fn md_code(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " -_.:/()→≥".contains(c))
        && !s.starts_with(' ')
        && !s.ends_with(' ')
    {
        format!("`{s}`")
    } else {
        md(s)
    }
}

fn md_inlines(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Text(s) => out.push_str(&md(s)),
            Strong(s) if s.trim().is_empty() => {}
            Strong(s) => {
                let _ = write!(out, "**{}**", md(s.trim()));
            }
            Code(s) => out.push_str(&md_code(s)),
            Muted(s) if s.trim().is_empty() => {}
            Muted(s) => {
                if !out.is_empty() && !out.ends_with(' ') && !out.ends_with('>') {
                    out.push(' ');
                }
                let _ = write!(out, "_{}_", md(s.trim()));
            }
            Badge(tone, s) => {
                let strong = matches!(tone, Tone::Critical | Tone::High | Tone::Bad);
                if strong {
                    let _ = write!(out, "**{}**", md(s.trim()));
                } else {
                    out.push_str(&md(s));
                }
            }
            Br => out.push_str("<br>"),
        }
    }
    out
}

fn md_block(out: &mut String, block: &Block, document: &Document) {
    match block {
        Block::Heading(level, _, title) => {
            let _ = writeln!(out, "{} {}\n", "#".repeat(*level as usize), md(title));
        }
        Block::Para(inlines) => {
            let _ = writeln!(out, "{}\n", md_inlines(inlines));
        }
        Block::Note(inlines) => {
            let _ = writeln!(out, "> {}\n", md_inlines(inlines));
        }
        Block::Diagram => {
            let _ = writeln!(out, "```mermaid\n{}```\n", document.mermaid);
        }
        Block::Facts(facts) => {
            out.push_str("| | |\n|---|---|\n");
            for (key, value) in facts {
                let _ = writeln!(out, "| **{}** | {} |", md(key), md_inlines(value));
            }
            out.push('\n');
        }
        Block::Table(table) => {
            let head: Vec<String> = table.head.iter().map(|h| md(h)).collect();
            let _ = writeln!(out, "| {} |", head.join(" | "));
            let rule: Vec<&str> = (0..table.head.len())
                .map(|i| {
                    if table.numeric.contains(&i) {
                        "---:"
                    } else {
                        "---"
                    }
                })
                .collect();
            let _ = writeln!(out, "|{}|", rule.join("|"));
            for row in &table.rows {
                let cells: Vec<String> = row
                    .iter()
                    .map(|Cell(inlines)| md_inlines(inlines))
                    .collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            out.push('\n');
        }
    }
}

fn md_trailer(body_sha: &str) -> String {
    format!("{END}\n**Report body SHA-256:** `{body_sha}`\n")
}

/// The report as GitHub-flavoured Markdown (the diagram as a Mermaid block).
pub fn markdown(context: &ExportContext) -> String {
    let document = build(context);
    let mut body = String::with_capacity(128 * 1024);
    body.push('\n');
    body.push_str(&document.metadata.replace("{format}", "markdown"));
    body.push_str("\n\n");
    let _ = writeln!(
        body,
        "# Audit evidence: {}\n",
        md(&name_or_id(&document.title, "Untitled model"))
    );
    for (key, value) in &document.cover {
        let _ = writeln!(body, "- **{}:** {}", md(key), md_inlines(value));
    }
    let stats: Vec<String> = document
        .summary
        .iter()
        .map(|(_, value, label)| format!("**{}** {}", md(value), md(label)))
        .collect();
    let _ = writeln!(body, "- **Summary:** {}\n", stats.join(" · "));
    body.push_str("## Contents\n\n");
    for (i, section) in document.sections.iter().enumerate() {
        let _ = writeln!(body, "{}. {}", i + 1, md(section.title));
    }
    body.push('\n');
    for (i, section) in document.sections.iter().enumerate() {
        let _ = writeln!(body, "## {}. {}\n", i + 1, md(section.title));
        for block in &section.blocks {
            md_block(&mut body, block, &document);
        }
        if section.id == "integrity" {
            let _ = writeln!(body, "{}\n", md_inlines(&document.integrity_note));
        }
    }
    let body_sha = hex(&Sha256::digest(body.as_bytes()));
    format!("{START}{body}{}", md_trailer(&body_sha))
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/// The format of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Html,
    Markdown,
}

/// What a verified report says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOk {
    pub format: ReportFormat,
    /// The SHA-256 of the report body, as embedded and as recomputed.
    pub body_sha256: String,
    /// The SHA-256 of the model the report was made from (equal to the given model's).
    pub model_sha256: String,
    /// When the report was generated (RFC 3339, UTC).
    pub generated: String,
    /// The Flowmap version that wrote it.
    pub tool_version: String,
    pub rules_version: String,
}

/// Why a report does not verify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// Not a Flowmap report, or its structure (markers, trailer, metadata) was changed.
    NotAReport(String),
    /// The body was edited after it was written: its SHA-256 differs from the embedded one.
    BodyModified {
        embedded: String,
        computed: String,
        /// The body matches after turning CRLF line endings back into LF.
        line_endings_only: bool,
    },
    /// The report is intact but was made from a different model.
    DifferentModel { report: String, model: String },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::NotAReport(why) => write!(f, "not a Flowmap report: {why}"),
            VerifyError::BodyModified {
                embedded,
                computed,
                line_endings_only,
            } => {
                write!(
                    f,
                    "the report was modified after it was written: its body hashes to {computed}, but the report states {embedded}"
                )?;
                if *line_endings_only {
                    write!(f, " (only its line endings were changed, LF to CRLF)")?;
                }
                Ok(())
            }
            VerifyError::DifferentModel { report, model } => write!(
                f,
                "the report is intact but belongs to a different model: it was made from the model with SHA-256 {report}, the given model's is {model}"
            ),
        }
    }
}

impl std::error::Error for VerifyError {}

/// Checks that a report (HTML or Markdown) is unmodified and was made from `model`: the
/// embedded body hash matches the body, prefix and trailer are exactly as written, and the
/// embedded model SHA-256 equals [`model_sha256`] of `model`. See the module docs.
pub fn verify(report_text: &str, model: &Model) -> Result<VerifyOk, VerifyError> {
    let bad = |why: &str| VerifyError::NotAReport(why.to_owned());
    let (format, rest) = if let Some(rest) = report_text
        .strip_prefix(HTML_PREFIX)
        .or_else(|| report_text.strip_prefix("<!DOCTYPE html>\r\n"))
    {
        (ReportFormat::Html, rest)
    } else {
        (ReportFormat::Markdown, report_text)
    };
    let rest = rest
        .strip_prefix(START)
        .ok_or_else(|| bad("it does not start with the flowmap:body:start marker"))?;
    if rest.contains(START) {
        return Err(bad("the flowmap:body:start marker occurs twice"));
    }
    let mut ends = rest.match_indices(END);
    let (end_at, _) = ends
        .next()
        .ok_or_else(|| bad("the flowmap:body:end marker is missing"))?;
    if ends.next().is_some() {
        return Err(bad("the flowmap:body:end marker occurs twice"));
    }
    let body = &rest[..end_at];
    let trailer = &rest[end_at..];

    // The trailer: fixed text around the 64 hex digits of the body hash.
    let (template, marker) = match format {
        ReportFormat::Html => (html_trailer as fn(&str) -> String, "<code>"),
        ReportFormat::Markdown => (md_trailer as fn(&str) -> String, "`"),
    };
    let embedded = trailer
        .find(marker)
        .and_then(|at| trailer.get(at + marker.len()..at + marker.len() + 64))
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        })
        .ok_or_else(|| bad("the report body SHA-256 after the end marker is missing"))?;
    let computed = hex(&Sha256::digest(body.as_bytes()));
    if computed != embedded {
        let normalised = body.replace("\r\n", "\n");
        return Err(VerifyError::BodyModified {
            embedded: embedded.to_owned(),
            computed,
            line_endings_only: hex(&Sha256::digest(normalised.as_bytes())) == embedded,
        });
    }
    if trailer != template(embedded) {
        return Err(bad(
            "the text after the flowmap:body:end marker was changed (only the body hash may follow it)",
        ));
    }

    // The metadata comment: the body's first line.
    let line = body
        .strip_prefix('\n')
        .and_then(|b| b.lines().next())
        .and_then(|l| l.strip_prefix("<!-- flowmap:report "))
        .and_then(|l| l.strip_suffix(" -->"))
        .ok_or_else(|| bad("the flowmap:report metadata line is missing"))?;
    let fields: BTreeMap<&str, &str> = line
        .split(' ')
        .filter_map(|pair| pair.split_once('='))
        .collect();
    let field = |name: &str| -> Result<String, VerifyError> {
        fields
            .get(name)
            .map(|v| (*v).to_owned())
            .ok_or_else(|| bad(&format!("the metadata line lacks {name}")))
    };
    let expected_format = match format {
        ReportFormat::Html => "html",
        ReportFormat::Markdown => "markdown",
    };
    if field("format")? != expected_format {
        return Err(bad("the metadata names another format"));
    }
    let report_model = field("model-sha256")?;
    let actual_model = model_sha256(model);
    if report_model != actual_model {
        return Err(VerifyError::DifferentModel {
            report: report_model,
            model: actual_model,
        });
    }
    Ok(VerifyOk {
        format,
        body_sha256: computed,
        model_sha256: actual_model,
        generated: field("generated")?,
        tool_version: field("tool")?,
        rules_version: field("rules")?,
    })
}

/// A level-3 heading and the sentence that says what the section shows.
fn subsection(blocks: &mut Vec<Block>, id: &'static str, title: &str, note: &str) {
    blocks.push(Block::Heading(3, id, title.into()));
    blocks.push(Block::Note(vec![text(note)]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn responsibility_follows_hosting() {
        let mut node: Node =
            serde_json::from_str(r#"{ "id": "a", "name": "A", "kind": "service" }"#).unwrap();
        assert_eq!(responsibility(&node), [Party::Unknown; 6]);
        node.hosting = Some(Hosting::SelfManaged);
        assert_eq!(responsibility(&node)[2], Party::Team);
        assert_eq!(responsibility(&node)[3], Party::Provider);
        node.hosting = Some(Hosting::Saas);
        assert_eq!(responsibility(&node)[0], Party::Team);
        assert_eq!(responsibility(&node)[1], Party::Provider);
        node.kind = NodeKind::External;
        assert_eq!(responsibility(&node), [Party::NotApplicable; 6]);
    }
}
