//! A [`ModelDiff`] as a pull-request comment in GitHub-flavoured Markdown: a summary line, the
//! introduced, resolved and updated findings, the taint delta, the changed elements, and a
//! Mermaid diagram of the elements the change touches (added green, removed red and dashed,
//! changed amber).
//!
//! Every string from a model is escaped ([`crate::export::escape`]); ids appear as code spans
//! only when they have the loader's id syntax, and the diagram names elements `n0`, `b0` …,
//! never by user text. The comment stays within a byte budget (GitHub refuses comments over
//! 65,536 characters; bytes are never fewer than characters): tables stop at the budget with a
//! count of the rows left out, and the diagram is left out when it does not fit.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::Value;

use super::{ChangeKind, ClassReach, ElementChange, ElementKind, ModelDiff};
use crate::export::escape::markdown as md;
use crate::finding::{Finding, Severity, Summary};
use crate::model::{Boundary, Flow, Model, Node};

/// GitHub's limit on the body of a pull-request comment, in characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// The most nodes the diagram draws; a larger change is drawn without context, or not at all.
pub const MAX_DIAGRAM_NODES: usize = 60;

/// The longest field value shown, in characters.
const MAX_VALUE_CHARS: usize = 120;

/// The longest witness path shown, in flows.
const MAX_PATH_FLOWS: usize = 6;

/// How the comment is written.
#[derive(Clone, Debug)]
pub struct CommentOptions<'a> {
    /// How the old and new versions are named (a path, `git:main:model.flowmap.json`).
    pub old_label: &'a str,
    pub new_label: &'a str,
    /// The severity at which an introduced finding fails the change, for the verdict line;
    /// `None` for no verdict.
    pub fail_on: Option<Severity>,
    /// List layout changes (moves and resizes) too, instead of counting them.
    pub layout: bool,
    /// The most bytes the comment may take.
    pub limit: usize,
}

impl Default for CommentOptions<'_> {
    fn default() -> Self {
        CommentOptions {
            old_label: "old",
            new_label: "new",
            fail_on: Some(Severity::High),
            layout: false,
            limit: GITHUB_COMMENT_LIMIT,
        }
    }
}

/// The comment, ending with a newline, at most `options.limit` bytes long (given a limit of a
/// few kilobytes at least: the summary and footer are always written).
pub fn comment(old: &Model, new: &Model, diff: &ModelDiff, options: &CommentOptions) -> String {
    let footer = footer(old, new);
    let mut out = Comment {
        text: String::with_capacity(16 * 1024),
        end: options.limit.saturating_sub(footer.len()),
    };
    let name = if new.name.trim().is_empty() {
        &old.name
    } else {
        &new.name
    };
    let _ = writeln!(
        out.text,
        "### Flowmap: {}\n\n{} → {}\n",
        if name.trim().is_empty() {
            "the model".to_owned()
        } else {
            md(name)
        },
        code(options.old_label),
        code(options.new_label)
    );
    summary(&mut out.text, diff, options);

    let findings = &diff.findings;
    out.findings_table(
        "Introduced findings",
        &findings.introduced.iter().collect::<Vec<_>>(),
        "introduced findings",
    );
    out.findings_table(
        "Resolved findings",
        &findings.resolved.iter().collect::<Vec<_>>(),
        "resolved findings",
    );
    if !findings.updated.is_empty() {
        let rows: Vec<String> = findings
            .updated
            .iter()
            .map(|u| {
                let mut what = Vec::new();
                if u.before.severity != u.after.severity {
                    what.push(format!(
                        "severity {} → {}",
                        u.before.severity, u.after.severity
                    ));
                }
                if u.before.waived != u.after.waived {
                    what.push(
                        if u.after.waived {
                            "now waived"
                        } else {
                            "no longer waived"
                        }
                        .to_owned(),
                    );
                } else if u.before.waiver != u.after.waiver {
                    what.push("waiver changed".to_owned());
                }
                if u.before.message != u.after.message {
                    what.push(format!("message was: {}", md(&u.before.message)));
                }
                format!(
                    "| {} | {} | {} | {} | {} |",
                    severity_cell(u.after.severity),
                    code(u.after.rule),
                    subject_cell(&u.after),
                    md(&u.after.message),
                    what.join("; ")
                )
            })
            .collect();
        out.table(
            "Updated findings",
            "| severity | rule | subject | finding | what changed |\n|---|---|---|---|---|",
            rows,
            "updated findings",
        );
    }

    if !diff.reach.is_empty() {
        let rows: Vec<String> = diff
            .reach
            .iter()
            .map(|r| {
                let kind = if r.is_vendor() {
                    "vendor".to_owned()
                } else {
                    r.node_kind.as_str().to_owned()
                };
                let node_change = r
                    .node_change
                    .map_or(String::new(), |c| format!(", {}", c.as_str()));
                format!(
                    "| {} {} ({kind}{node_change}) | {} | {} |",
                    code(&r.node),
                    md(&r.name),
                    reach_cell(&r.gained),
                    reach_cell(&r.lost)
                )
            })
            .collect();
        out.table(
            "Data reach",
            "| node | now receives | no longer receives |\n|---|---|---|",
            rows,
            "nodes with changed data reach",
        );
    }

    if !diff.elements.is_empty() {
        let index = Index::of(old, new);
        let rows: Vec<String> = diff
            .elements
            .iter()
            .map(|e| {
                format!(
                    "| {} | {} | {} |",
                    e.change.as_str(),
                    element_cell(e, &index),
                    what_changed(e, &index)
                )
            })
            .collect();
        out.table(
            "Changed elements",
            "| change | element | what changed |\n|---|---|---|",
            rows,
            "changed elements",
        );
    }

    if options.layout && !diff.layout.is_empty() {
        let rows: Vec<String> = diff
            .layout
            .iter()
            .map(|l| {
                format!(
                    "| {} {} | {} | {} |",
                    l.kind.as_str(),
                    code(&l.id),
                    value(&l.before),
                    value(&l.after)
                )
            })
            .collect();
        out.table(
            "Layout changes",
            "| element | before | after |\n|---|---|---|",
            rows,
            "layout changes",
        );
    }

    match neighbourhood(old, new, diff) {
        Drawing::Nothing => {}
        Drawing::TooLarge(count) => out.note(&format!(
            "_The change touches {count} nodes, too many for a diagram._\n"
        )),
        Drawing::Diagram(diagram) => {
            let block = format!(
                "#### Where the change is\n\n```mermaid\n{diagram}```\n\n_+ added (green), − removed (red, dashed), ~ changed (amber); other elements are context._\n\n"
            );
            if out.fits(&block) {
                out.text.push_str(&block);
            } else {
                out.note(
                    "_The diagram is left out to keep this comment within GitHub's size limit._\n",
                );
            }
        }
    }
    out.text.push_str(&footer);
    out.text
}

/// The verdict and the counts.
fn summary(out: &mut String, diff: &ModelDiff, options: &CommentOptions) {
    let findings = &diff.findings;
    if let Some(threshold) = options.fail_on {
        let failing = findings.newly_failing(threshold).len();
        if failing == 0 {
            let _ = writeln!(out, "**Passes:** no new finding at or above {threshold}.\n");
        } else {
            let _ = writeln!(
                out,
                "**Fails:** {failing} new finding{} at or above {threshold}.\n",
                plural(failing)
            );
        }
    }
    let introduced = findings.introduced_summary();
    let mut counts = vec![format!(
        "{} introduced{}",
        findings.introduced.len(),
        severities(&introduced)
    )];
    counts.push(format!("{} resolved", findings.resolved.len()));
    counts.push(format!("{} updated", findings.updated.len()));
    counts.push(format!("{} unchanged", findings.unchanged.len()));
    let _ = write!(out, "Findings: {}. ", counts.join(", "));
    let _ = write!(
        out,
        "Elements: {} added, {} removed, {} changed",
        diff.count(ChangeKind::Added),
        diff.count(ChangeKind::Removed),
        diff.count(ChangeKind::Changed)
    );
    if !diff.layout.is_empty() {
        let _ = write!(
            out,
            " ({} layout change{}{})",
            diff.layout.len(),
            plural(diff.layout.len()),
            if options.layout { "" } else { ", not listed" }
        );
    }
    out.push('.');
    let vendors = diff
        .reach
        .iter()
        .filter(|r| r.is_vendor() && !r.gained.is_empty())
        .count();
    let gaining = diff.reach.iter().filter(|r| !r.gained.is_empty()).count();
    if gaining > 0 {
        let _ = write!(
            out,
            " Data reach: {gaining} node{} now receive{} data classes {} did not before",
            plural(gaining),
            if gaining == 1 { "s" } else { "" },
            if gaining == 1 { "it" } else { "they" }
        );
        if vendors > 0 {
            let _ = write!(out, " ({vendors} vendor{})", plural(vendors));
        }
        out.push('.');
    }
    out.push_str("\n\n");
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// ` (1 critical, 2 high)`, the severities that occur, or nothing.
fn severities(summary: &Summary) -> String {
    let parts: Vec<String> = Severity::DESCENDING
        .iter()
        .filter(|s| summary.count(**s) > 0)
        .map(|s| format!("{} {s}", summary.count(*s)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// The tool, the rule catalog and both models' hashes.
fn footer(old: &Model, new: &Model) -> String {
    format!(
        "<sub>Flowmap {} · rule catalog {} · old model SHA-256 `{}` · new model SHA-256 `{}`</sub>\n",
        crate::VERSION,
        crate::RULES_VERSION,
        crate::canonical::model_sha256(old),
        crate::canonical::model_sha256(new)
    )
}

/// The comment being written and where its budget ends.
struct Comment {
    text: String,
    /// The byte length the body may reach (the footer comes after).
    end: usize,
}

/// Room kept for the lines that say what was left out: once the budget is reached, each of
/// the sections still to come (findings resolved and updated, data reach, elements, layout,
/// the diagram) writes one such line of up to ~150 bytes.
const NOTE_ROOM: usize = 1_000;

impl Comment {
    fn fits(&self, text: &str) -> bool {
        self.text.len() + text.len() + NOTE_ROOM <= self.end
    }

    /// A short line, written if there is room at all.
    fn note(&mut self, text: &str) {
        if self.text.len() + text.len() < self.end {
            self.text.push_str(text);
            self.text.push('\n');
        }
    }

    /// A section with a table, as many rows as fit, then a count of those left out.
    fn table(&mut self, title: &str, head: &str, rows: Vec<String>, noun: &str) {
        let heading = format!("#### {title} ({})\n\n{head}\n", rows.len());
        if !self.fits(&heading) {
            self.note(&format!(
                "_{} {noun} not shown: this comment reached GitHub's size limit._\n",
                rows.len()
            ));
            return;
        }
        self.text.push_str(&heading);
        let total = rows.len();
        let mut shown = 0;
        for row in rows {
            if !self.fits(&row) {
                break;
            }
            self.text.push_str(&row);
            self.text.push('\n');
            shown += 1;
        }
        self.text.push('\n');
        if shown < total {
            self.note(&format!(
                "_… and {} more {noun} not shown, to keep this comment within GitHub's size limit (`flowmap diff --format json` lists them all)._\n",
                total - shown
            ));
        }
    }

    fn findings_table(&mut self, title: &str, findings: &[&Finding], noun: &str) {
        if findings.is_empty() {
            return;
        }
        let rows = findings
            .iter()
            .map(|f| {
                format!(
                    "| {}{} | {} | {} | {} |",
                    severity_cell(f.severity),
                    if f.waived { " (waived)" } else { "" },
                    code(f.rule),
                    subject_cell(f),
                    md(&f.message)
                )
            })
            .collect();
        self.table(
            title,
            "| severity | rule | subject | finding |\n|---|---|---|---|",
            rows,
            noun,
        );
    }
}

/// An id (or a path) as a code span when it has the loader's id syntax (letters, digits,
/// `-_.:`) or is a path of such names (`/`, `~`, `^`, `@`), else as escaped text.
fn code(id: &str) -> String {
    let mut chars = id.chars();
    let plain = id.len() <= 200
        && chars
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.')
        && chars.all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/' | '~' | '^' | '@')
        });
    if plain {
        format!("`{id}`")
    } else {
        md(id)
    }
}

fn severity_cell(severity: Severity) -> String {
    match severity {
        Severity::Critical | Severity::High => format!("**{severity}**"),
        _ => severity.to_string(),
    }
}

fn subject_cell(finding: &Finding) -> String {
    match finding.subject.kind {
        crate::finding::SubjectKind::Model => "model".to_owned(),
        kind => format!("{} {}", kind.as_str(), code(&finding.subject.id)),
    }
}

/// Classes with the path each arrives by: `` `personal` via `a` → `b` ``.
fn reach_cell(classes: &[ClassReach]) -> String {
    classes
        .iter()
        .map(|c| {
            let mut text = code(&c.class);
            if c.path.is_empty() {
                text.push_str(" (held)");
            } else {
                let shown: Vec<String> = c
                    .path
                    .iter()
                    .take(MAX_PATH_FLOWS)
                    .map(|f| code(f))
                    .collect();
                let more = if c.path.len() > MAX_PATH_FLOWS {
                    format!(" → … ({} more)", c.path.len() - MAX_PATH_FLOWS)
                } else {
                    String::new()
                };
                let _ = write!(text, " via {}{more}", shown.join(" → "));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// The elements of both versions by id, for describing changes.
struct Index<'m> {
    old: Elements<'m>,
    new: Elements<'m>,
    old_model: &'m Model,
    new_model: &'m Model,
}

struct Elements<'m> {
    nodes: BTreeMap<&'m str, &'m Node>,
    flows: BTreeMap<&'m str, &'m Flow>,
    boundaries: BTreeMap<&'m str, &'m Boundary>,
}

impl<'m> Elements<'m> {
    fn of(model: &'m Model) -> Elements<'m> {
        Elements {
            nodes: model.nodes.iter().map(|n| (n.id.as_str(), n)).collect(),
            flows: model.flows.iter().map(|f| (f.id.as_str(), f)).collect(),
            boundaries: model
                .boundaries
                .iter()
                .map(|b| (b.id.as_str(), b))
                .collect(),
        }
    }
}

impl<'m> Index<'m> {
    fn of(old: &'m Model, new: &'m Model) -> Index<'m> {
        Index {
            old: Elements::of(old),
            new: Elements::of(new),
            old_model: old,
            new_model: new,
        }
    }

    /// The version an element is described from: the old one when it was removed.
    fn version(&self, change: ChangeKind) -> &Elements<'m> {
        match change {
            ChangeKind::Removed => &self.old,
            _ => &self.new,
        }
    }
}

fn element_cell(element: &ElementChange, index: &Index) -> String {
    let elements = index.version(element.change);
    let kind = match element.kind {
        ElementKind::Node => elements
            .nodes
            .get(element.id.as_str())
            .map_or("node", |n| n.kind.as_str()),
        kind => kind.as_str(),
    };
    let mut cell = match element.kind {
        ElementKind::Model => "the model".to_owned(),
        ElementKind::Waiver => match element.id.split_once('/') {
            Some((rule, subject)) => format!("waiver of {} on {}", code(rule), code(subject)),
            None => format!("waiver {}", md(&element.id)),
        },
        ElementKind::Narrative => format!("narrative for {}", md(&element.id)),
        ElementKind::RuleSetting => format!("rule {}", code(&element.id)),
        _ => format!("{kind} {}", code(&element.id)),
    };
    if !element.name.trim().is_empty()
        && element.name != element.id
        && element.kind != ElementKind::Model
    {
        let _ = write!(cell, " {}", md(&element.name));
    }
    cell
}

/// For a changed element, its fields; for an added or removed flow, its ends.
fn what_changed(element: &ElementChange, index: &Index) -> String {
    if element.change != ChangeKind::Changed {
        let elements = index.version(element.change);
        return match element.kind {
            ElementKind::Flow => elements
                .flows
                .get(element.id.as_str())
                .map_or(String::new(), |f| {
                    format!("{} → {}", code(&f.from), code(&f.to))
                }),
            ElementKind::Node => elements
                .nodes
                .get(element.id.as_str())
                .and_then(|n| n.boundary.as_deref())
                .map_or(String::new(), |b| format!("in {}", code(b))),
            _ => md(&shorten(&super::describe(
                element,
                index.old_model,
                index.new_model,
            ))),
        };
    }
    element
        .fields
        .iter()
        .map(|field| {
            let name = code(&field.field);
            match field.list_delta() {
                Some((added, removed)) if !added.is_empty() || !removed.is_empty() => {
                    let mut parts: Vec<String> =
                        added.iter().map(|s| format!("\\+{}", item(s))).collect();
                    parts.extend(removed.iter().map(|s| format!("−{}", item(s))));
                    format!("{name}: {}", parts.join(" "))
                }
                _ => format!("{name}: {} → {}", value(&field.before), value(&field.after)),
            }
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// A list item: a code span when it looks like an id.
fn item(text: &str) -> String {
    code(text)
}

/// A field value, escaped and shortened: `—` for none, booleans and numbers as code, strings in
/// quotes, other values as compact JSON.
fn value(value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(_) | Value::Number(_) => format!("`{value}`"),
        Value::String(s) => format!("“{}”", md(&shorten(s))),
        Value::Array(items) if items.is_empty() => "—".to_owned(),
        Value::Array(items) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(Value::as_str)
            .map(item)
            .collect::<Vec<_>>()
            .join(", "),
        other => md(&shorten(&other.to_string())),
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(MAX_VALUE_CHARS).collect();
    short.push('…');
    short
}

/// What the comment's diagram draws.
enum Drawing {
    Nothing,
    TooLarge(usize),
    /// Mermaid text, ending with a newline.
    Diagram(String),
}

/// The diagram of the elements a change touches: changed nodes, the ends of changed flows,
/// nodes whose data reach changed and the witness paths of that change, with the flows between
/// them and the boundaries around them. Elements of both versions: removed ones from the old.
/// Over [`MAX_DIAGRAM_NODES`], only changed nodes and the ends of changed flows are drawn.
fn neighbourhood(old: &Model, new: &Model, diff: &ModelDiff) -> Drawing {
    let marks = diff.marks();
    let (old_elements, new_elements) = (Elements::of(old), Elements::of(new));
    let mut focus: BTreeSet<&str> = marks.nodes.keys().map(String::as_str).collect();
    fn ends<'m>(elements: &Elements<'m>, flow: &str, into: &mut BTreeSet<&'m str>) {
        if let Some(f) = elements.flows.get(flow) {
            into.insert(f.from.as_str());
            into.insert(f.to.as_str());
        }
    }
    for flow in marks.flows.keys() {
        ends(&old_elements, flow, &mut focus);
        ends(&new_elements, flow, &mut focus);
    }
    let mut wider = focus.clone();
    for reach in &diff.reach {
        wider.insert(reach.node.as_str());
        for class in &reach.gained {
            for flow in &class.path {
                ends(&new_elements, flow, &mut wider);
            }
        }
        for class in &reach.lost {
            for flow in &class.path {
                ends(&old_elements, flow, &mut wider);
            }
        }
    }
    let drawn = if wider.len() <= MAX_DIAGRAM_NODES {
        wider
    } else if focus.len() <= MAX_DIAGRAM_NODES {
        focus
    } else {
        return Drawing::TooLarge(focus.len());
    };
    if drawn.is_empty() && marks.boundaries.is_empty() {
        return Drawing::Nothing;
    }
    // Nodes: the new version's, or the old one's for those removed.
    let mut model = Model {
        name: new.name.clone(),
        ..Model::default()
    };
    for id in &drawn {
        if let Some(node) = new_elements.nodes.get(id).or(old_elements.nodes.get(id)) {
            model.nodes.push((*node).clone());
        }
    }
    for flow in &new.flows {
        if drawn.contains(flow.from.as_str()) && drawn.contains(flow.to.as_str()) {
            model.flows.push(flow.clone());
        }
    }
    for (id, change) in &marks.flows {
        if *change == ChangeKind::Removed {
            if let Some(flow) = old_elements.flows.get(id.as_str()) {
                if drawn.contains(flow.from.as_str()) && drawn.contains(flow.to.as_str()) {
                    model.flows.push((*flow).clone());
                }
            }
        }
    }
    // Boundaries: the changed ones and every boundary around a drawn node or a drawn
    // boundary, the new version's first.
    let boundary = |id: &str| {
        new_elements
            .boundaries
            .get(id)
            .or(old_elements.boundaries.get(id))
            .copied()
    };
    let mut wanted: Vec<&str> = marks.boundaries.keys().map(String::as_str).collect();
    for id in &drawn {
        let node = new_elements.nodes.get(id).or(old_elements.nodes.get(id));
        wanted.extend(node.and_then(|n| n.boundary.as_deref()));
    }
    let mut included: BTreeSet<&str> = BTreeSet::new();
    while let Some(id) = wanted.pop() {
        let Some(b) = boundary(id) else {
            continue;
        };
        if !included.insert(b.id.as_str()) {
            continue;
        }
        model.boundaries.push(b.clone());
        wanted.extend(b.parent.as_deref());
    }
    Drawing::Diagram(crate::export::mermaid::changes(&model, &marks))
}
