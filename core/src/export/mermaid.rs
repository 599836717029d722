//! The diagram as Mermaid `flowchart LR` text, which GitHub, GitLab and most wikis render.
//!
//! Shapes, chosen to match the SVG's data-flow-diagram conventions as closely as Mermaid's
//! classic syntax allows (classic, not the newer `@{ shape: … }` form, so that older
//! renderers such as GitHub's accept it):
//!
//! | kind     | Mermaid              | shape                     |
//! |----------|----------------------|---------------------------|
//! | actor    | `n0(["…"])`          | stadium (terminator)      |
//! | service  | `n0("…")`            | rounded rectangle (process) |
//! | store    | `n0[("…")]`          | cylinder (data store)     |
//! | queue    | `n0[["…"]]`          | subroutine: a box with lanes at both ends |
//! | external | `n0{{"…"}}`          | hexagon (external entity) |
//!
//! Boundaries are nested `subgraph b0 ["Name"] … end` with a dashed border; flows are
//! `n0 -->|"name: class, class"| n1` (`-.->` when not encrypted in transit). Elements with open
//! findings get a border in the color of their worst severity.
//!
//! Safety: Mermaid ids are `n0`, `n1` … (nodes sorted by id) and `b0`, `b1` … (boundaries),
//! never user text; every label is double-quoted and written with Mermaid entity codes for
//! `"` `<` `>` `&` `|` `#` and backticks (see [`super::escape::mermaid`]), on one line.
//!
//! [`changes`] draws the diagram of a change (`flowmap diff`'s pull-request comment) the same
//! way, but colours what changed instead of findings: added elements green, removed ones red and
//! dashed, changed ones amber, each label prefixed with `+`, `−` or `~` so the change reads
//! without colour too.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::check::Report;
use crate::diagram::{boundary_color, kind_colors, severity_color};
use crate::diff::{ChangeKind, Marks};
use crate::finding::{Severity, SubjectKind};
use crate::model::{Model, NodeKind};

use super::escape::mermaid as label;

/// The Mermaid flowchart of a model, with a trailing newline.
pub fn mermaid(model: &Model, report: &Report) -> String {
    let mut worst: BTreeMap<(SubjectKind, &str), Severity> = BTreeMap::new();
    for finding in report.findings.iter().filter(|f| !f.waived) {
        let entry = worst
            .entry((finding.subject.kind, finding.subject.id.as_str()))
            .or_insert(finding.severity);
        *entry = (*entry).max(finding.severity);
    }
    let header = format!(
        "%% Data-flow diagram written by Flowmap {} (model SHA-256 {}).",
        crate::VERSION,
        crate::canonical::model_sha256(model)
    );
    flowchart(model, &header, &Worst(worst))
}

/// The Mermaid flowchart of a change: `model` holds the elements to draw (of both versions),
/// `marks` says which were added, removed or changed. With a trailing newline.
pub fn changes(model: &Model, marks: &Marks) -> String {
    let header = format!(
        "%% The elements a change touches, drawn by Flowmap {}: + added, − removed, ~ changed.",
        crate::VERSION
    );
    flowchart(model, &header, marks)
}

/// What a flowchart colours: open findings (each element's worst severity) or changes. A
/// trait rather than an enum, so that the exports (and the app) carry no code for changes.
trait Emphasis {
    fn severity(&self, kind: SubjectKind, id: &str) -> Option<Severity>;
    fn change(&self, kind: SubjectKind, id: &str) -> Option<ChangeKind>;

    /// A label with the change's prefix.
    fn label(&self, kind: SubjectKind, id: &str, text: &str) -> String {
        match self.change(kind, id) {
            None => label(text),
            Some(change) => format!("{} {}", change_prefix(change), label(text)),
        }
    }
}

/// Each element's worst open finding.
struct Worst<'a>(BTreeMap<(SubjectKind, &'a str), Severity>);

impl Emphasis for Worst<'_> {
    fn severity(&self, kind: SubjectKind, id: &str) -> Option<Severity> {
        self.0.get(&(kind, id)).copied()
    }

    fn change(&self, _: SubjectKind, _: &str) -> Option<ChangeKind> {
        None
    }
}

impl Emphasis for Marks {
    fn severity(&self, _: SubjectKind, _: &str) -> Option<Severity> {
        None
    }

    fn change(&self, kind: SubjectKind, id: &str) -> Option<ChangeKind> {
        match kind {
            SubjectKind::Node => self.nodes.get(id),
            SubjectKind::Flow => self.flows.get(id),
            SubjectKind::Boundary => self.boundaries.get(id),
            SubjectKind::Model => None,
        }
        .copied()
    }
}

fn change_prefix(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "+",
        ChangeKind::Removed => "−",
        ChangeKind::Changed => "~",
    }
}

/// The stroke of a changed element: green added, red and dashed removed, amber changed.
fn change_stroke(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "stroke:#16a34a",
        ChangeKind::Removed => "stroke:#dc2626,stroke-dasharray:5 3",
        ChangeKind::Changed => "stroke:#d97706",
    }
}

fn flowchart(model: &Model, header: &str, emphasis: &impl Emphasis) -> String {
    let mut nodes: Vec<usize> = (0..model.nodes.len()).collect();
    nodes.sort_by(|a, b| model.nodes[*a].id.cmp(&model.nodes[*b].id));
    let mut boundaries: Vec<usize> = (0..model.boundaries.len()).collect();
    boundaries.sort_by(|a, b| model.boundaries[*a].id.cmp(&model.boundaries[*b].id));
    let node_ref: BTreeMap<&str, String> = nodes
        .iter()
        .enumerate()
        .map(|(k, &i)| (model.nodes[i].id.as_str(), format!("n{k}")))
        .collect();
    let boundary_ref: BTreeMap<&str, String> = boundaries
        .iter()
        .enumerate()
        .map(|(k, &i)| (model.boundaries[i].id.as_str(), format!("b{k}")))
        .collect();

    let mut out = String::new();
    out.push_str(header);
    out.push_str("\nflowchart LR\n");

    // A boundary's parent, when it names a boundary that exists (else it is drawn at the top).
    let parent = |b: usize| -> Option<usize> {
        let id = model.boundaries[b].parent.as_deref()?;
        boundaries
            .iter()
            .copied()
            .find(|&p| model.boundaries[p].id == id)
    };
    let node_line = |out: &mut String, i: usize, indent: usize| {
        let node = &model.nodes[i];
        let text = emphasis.label(
            SubjectKind::Node,
            &node.id,
            if node.name.trim().is_empty() {
                &node.id
            } else {
                &node.name
            },
        );
        let (open, close) = match node.kind {
            NodeKind::Actor => ("([\"", "\"])"),
            NodeKind::Service => ("(\"", "\")"),
            NodeKind::Store => ("[(\"", "\")]"),
            NodeKind::Queue => ("[[\"", "\"]]"),
            NodeKind::External => ("{{\"", "\"}}"),
        };
        let _ = writeln!(
            out,
            "{:indent$}{}{open}{text}{close}",
            "",
            node_ref[node.id.as_str()]
        );
    };
    // Subgraphs, depth-first; a guard against parent cycles (the loader rules them out).
    struct Subgraphs<'a> {
        model: &'a Model,
        boundaries: &'a [usize],
        nodes: &'a [usize],
        boundary_ref: &'a BTreeMap<&'a str, String>,
        parent: &'a dyn Fn(usize) -> Option<usize>,
        node_line: &'a dyn Fn(&mut String, usize, usize),
        boundary_label: &'a dyn Fn(&str, &str) -> String,
    }
    impl Subgraphs<'_> {
        fn emit(&self, out: &mut String, b: usize, depth: usize) {
            if depth > self.boundaries.len() {
                return;
            }
            let boundary = &self.model.boundaries[b];
            let indent = 2 * (depth + 1);
            let _ = writeln!(
                out,
                "{:indent$}subgraph {} [\"{}\"]",
                "",
                self.boundary_ref[boundary.id.as_str()],
                (self.boundary_label)(&boundary.id, &boundary.name)
            );
            for &i in self.nodes {
                if self.model.nodes[i].boundary.as_deref() == Some(boundary.id.as_str()) {
                    (self.node_line)(out, i, indent + 2);
                }
            }
            for &child in self.boundaries {
                if (self.parent)(child) == Some(b) {
                    self.emit(out, child, depth + 1);
                }
            }
            let _ = writeln!(out, "{:indent$}end", "");
        }
    }
    let subgraphs = Subgraphs {
        model,
        boundaries: &boundaries,
        nodes: &nodes,
        boundary_ref: &boundary_ref,
        parent: &parent,
        node_line: &node_line,
        boundary_label: &|id, name| emphasis.label(SubjectKind::Boundary, id, name),
    };
    for &b in &boundaries {
        if parent(b).is_none() {
            subgraphs.emit(&mut out, b, 0);
        }
    }
    for &i in &nodes {
        let in_known_boundary = model.nodes[i]
            .boundary
            .as_deref()
            .is_some_and(|b| boundary_ref.contains_key(b));
        if !in_known_boundary {
            node_line(&mut out, i, 2);
        }
    }

    // Flows, sorted by id; their position is their index for `linkStyle`.
    let mut flows: Vec<usize> = (0..model.flows.len()).collect();
    flows.sort_by(|a, b| model.flows[*a].id.cmp(&model.flows[*b].id));
    let mut link_styles: BTreeMap<Severity, Vec<usize>> = BTreeMap::new();
    // Links by kind of change, in `ChangeKind` order (a map would cost the exports code).
    let mut changed_links: [(ChangeKind, Vec<usize>); 3] = [
        (ChangeKind::Added, Vec::new()),
        (ChangeKind::Removed, Vec::new()),
        (ChangeKind::Changed, Vec::new()),
    ];
    let mut link = 0usize;
    for &f in &flows {
        let flow = &model.flows[f];
        let (Some(from), Some(to)) = (
            node_ref.get(flow.from.as_str()),
            node_ref.get(flow.to.as_str()),
        ) else {
            continue;
        };
        let arrow = if flow.encrypted { "-->" } else { "-.->" };
        let mut text = flow.name.trim().to_owned();
        if !flow.data.is_empty() {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&flow.data.join(", "));
        }
        let change = emphasis.change(SubjectKind::Flow, &flow.id);
        if text.is_empty() && change.is_none() {
            let _ = writeln!(out, "  {from} {arrow} {to}");
        } else {
            let text = emphasis.label(SubjectKind::Flow, &flow.id, &text);
            let _ = writeln!(out, "  {from} {arrow}|\"{}\"| {to}", text.trim_end());
        }
        if let Some(severity) = emphasis.severity(SubjectKind::Flow, &flow.id) {
            link_styles.entry(severity).or_default().push(link);
        }
        if let Some(change) = change {
            changed_links[change as usize].1.push(link);
        }
        link += 1;
    }

    // Colors: node kinds, boundary frames, open findings.
    for kind in NodeKind::ALL {
        let (fill, stroke) = kind_colors(*kind);
        let _ = writeln!(
            out,
            "  classDef {kind} fill:{fill},stroke:{stroke},color:#0f172a"
        );
    }
    for kind in NodeKind::ALL {
        let members: Vec<&str> = nodes
            .iter()
            .filter(|&&i| model.nodes[i].kind == *kind)
            .map(|&i| node_ref[model.nodes[i].id.as_str()].as_str())
            .collect();
        if !members.is_empty() {
            let _ = writeln!(out, "  class {} {kind}", members.join(","));
        }
    }
    for &b in &boundaries {
        let boundary = &model.boundaries[b];
        let reference = &boundary_ref[boundary.id.as_str()];
        if let Some(change) = emphasis.change(SubjectKind::Boundary, &boundary.id) {
            let stroke = match change {
                ChangeKind::Removed => change_stroke(change).to_owned(),
                _ => format!("{},stroke-dasharray:6 4", change_stroke(change)),
            };
            let _ = writeln!(
                out,
                "  style {reference} fill:#ffffff,{stroke},stroke-width:3px"
            );
            continue;
        }
        let color = emphasis
            .severity(SubjectKind::Boundary, &boundary.id)
            .map_or(boundary_color(boundary.kind), severity_color);
        let _ = writeln!(
            out,
            "  style {reference} fill:#ffffff,stroke:{color},stroke-dasharray:6 4"
        );
    }
    for &i in &nodes {
        let node = &model.nodes[i];
        let (fill, _) = kind_colors(node.kind);
        if let Some(severity) = emphasis.severity(SubjectKind::Node, &node.id) {
            let _ = writeln!(
                out,
                "  style {} fill:{fill},stroke:{},stroke-width:3px",
                node_ref[node.id.as_str()],
                severity_color(severity)
            );
        }
        if let Some(change) = emphasis.change(SubjectKind::Node, &node.id) {
            let _ = writeln!(
                out,
                "  style {} fill:{fill},{},stroke-width:3px",
                node_ref[node.id.as_str()],
                change_stroke(change)
            );
        }
    }
    for (severity, links) in link_styles.iter().rev() {
        let list: Vec<String> = links.iter().map(usize::to_string).collect();
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:{},stroke-width:2px",
            list.join(","),
            severity_color(*severity)
        );
    }
    for (change, links) in changed_links.iter().filter(|(_, links)| !links.is_empty()) {
        let list: Vec<String> = links.iter().map(usize::to_string).collect();
        let _ = writeln!(
            out,
            "  linkStyle {} {},stroke-width:3px",
            list.join(","),
            change_stroke(*change)
        );
    }
    out
}
