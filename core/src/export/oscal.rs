//! OSCAL assessment results (1.0.6, JSON) for GRC tools.
//!
//! One result per export. Its pieces, and what they mean here:
//! - `local-definitions.components`: the system (`this-system`, the model) and every node, flow
//!   and boundary of the model, the subjects that observations name;
//! - `local-definitions.assessment-assets`: Flowmap itself, the tool every observation comes from;
//! - `reviewed-controls`: one control selection per framework (SOC 2, ISO 27001, NIST, PCI DSS)
//!   with every control a rule that ran tests;
//! - `local-definitions.objectives-and-methods` (of the assessment results): one objective per
//!   control a rule tests, `{control-id}_obj`, worded as what a design inspection can show
//!   ("the design model shows no exception to the rules that test CC6.7"), method `EXAMINE`;
//! - `observations`: one per rule run, method `EXAMINE` (SP 800-53A: the review of
//!   specifications, which a design model is; `TEST` would claim the mechanisms were
//!   exercised), the procedure, the population and where it comes from, the population
//!   examined as subjects (each with its result: pass, exception or waived, and the findings'
//!   messages), and counts and the conclusion as properties;
//! - `findings`: one per control that was tested (the control view's order), targeting the
//!   control's objective, related to the observations of the rules that test it; the team's
//!   narrative for the control, if any, is in its remarks.
//!
//! # Objective status
//!
//! OSCAL 1.0.6 gives a finding's target two states, `satisfied` and `not-satisfied` (with a
//! reason `pass`, `fail` or `other`), and requires one: a finding is a conclusion. So:
//! - a control with exceptions in the design: `not-satisfied`, reason `fail`;
//! - a control whose tests found none: `satisfied`, reason `pass`, of the objective defined
//!   here, which is a design objective; the status remarks say that a design inspection shows
//!   what the model declares, not that the control operates;
//! - a control whose tests examined nothing (empty populations): no finding at all, since
//!   there is nothing to conclude and `not-satisfied` would report a failure that was not
//!   observed. Its observations (population 0, conclusion `not-tested`) are the record, and
//!   `reviewed-controls` names it in its remarks as not tested.
//!
//! There is no separate assessment plan: the plan is the rule catalog. `import-ap` points at a
//! back-matter resource that says so (`#uuid`, a same-document reference), so the document is
//! complete without a placeholder.
//!
//! Control ids follow the NIST OSCAL catalogs' convention: lowercase, an enhancement
//! `SC-8(1)` becomes `sc-8.1` (as in NIST's SP 800-53 r5 catalog). SOC 2 and ISO 27001 have no
//! official OSCAL catalog (their texts are licensed); their ids are lowercased the same way:
//! `cc6.1`, `a.8.24`. An OSCAL control id is a token and must start with a letter, so PCI DSS
//! requirements keep their framework as a prefix: `PCI:4.2.1` → `pci-4.2.1`. Flowmap's own
//! id (`SOC2:CC6.1`) is also given as a property of each finding.
//!
//! Every UUID is a name-based (v5) UUID, so the same input gives the same bytes: the document,
//! the result, observations and findings from the model's SHA-256, the timestamp and the rule or
//! control; components from the model's name and the element's kind and id, so an element keeps
//! its UUID across revisions of the model, as OSCAL asks; the tool from Flowmap's version.
//!
//! Properties that are Flowmap's own carry the namespace [`NS`]. Text from the model goes into
//! Markdown fields (titles, descriptions, remarks) escaped, and into property values with its
//! whitespace collapsed (OSCAL strings have no leading, trailing or repeated line breaks).

use serde::Serialize;
use uuid::Uuid;

use super::ExportContext;
use crate::check::RuleRun;
use crate::control_view::{by_control, ControlResult, TestScope};
use crate::controls::Framework;
use crate::engine::Element;
use crate::evidence::{self, Conclusion};
use crate::finding::{Finding, SubjectKind};
use crate::model::{Model, NodeKind};
use crate::rules::{REGISTRY, RULES_VERSION};

/// The namespace of Flowmap's own OSCAL properties. A URN: it names, it does not locate.
pub const NS: &str = "urn:flowmap:oscal";
const OSCAL_VERSION: &str = "1.0.6";

/// The OSCAL control id of a Flowmap control id (see the module docs).
pub fn control_id(control: &str) -> String {
    let (framework, id) = control.split_once(':').unwrap_or(("", control));
    let mut out = String::with_capacity(id.len() + 4);
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        out.push_str(&framework.to_ascii_lowercase());
        out.push('-');
    }
    for c in id.chars() {
        match c {
            '(' => out.push('.'),
            ')' => {}
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// The OSCAL assessment results as pretty JSON with a trailing newline.
pub fn oscal(context: &ExportContext) -> String {
    let model = context.model;
    let report = context.report;
    let sha = crate::canonical::model_sha256(model);
    let timestamp = context.timestamp.to_string();
    let ids = Ids {
        sha: &sha,
        timestamp: &timestamp,
        model_name: &model.name,
    };
    let controls = by_control(report);
    let tool = ids.stable(&["tool", crate::VERSION]);
    let plan = ids.run(&["assessment-plan"]);
    let open = report.summary;
    let waived = report.findings.iter().filter(|f| f.waived).count();

    let mut metadata_props = vec![
        prop("model-sha256", &sha),
        prop("tool-version", crate::VERSION),
        prop("rules-version", RULES_VERSION),
    ];
    if let Some(today) = report.today {
        metadata_props.push(prop("today", &today.to_string()));
    }
    let document = Document {
        assessment_results: AssessmentResults {
            uuid: ids.run(&["assessment-results"]),
            metadata: Metadata {
                title: format!("Flowmap assessment results: {}", md_line(&model.name)),
                last_modified: timestamp.clone(),
                version: sha[..12].to_owned(),
                oscal_version: OSCAL_VERSION,
                props: metadata_props,
            },
            local_definitions: TopLocalDefinitions {
                objectives_and_methods: (!controls.is_empty())
                    .then(|| controls.iter().map(objective).collect()),
            },
            import_ap: ImportAp {
                href: format!("#{plan}"),
                remarks: "No separate assessment plan: the plan is the Flowmap rule catalog, \
                          described in back matter."
                    .to_owned(),
            },
            results: [OscalResult {
                uuid: ids.run(&["result"]),
                title: format!("Flowmap check of {}", md_line(&model.name)),
                description: format!(
                    "{} {} (SHA-256 of its canonical form `{sha}`) with Flowmap {} and rule \
                     catalog {RULES_VERSION}: {} rules over {} nodes, {} flows and {} \
                     boundaries. Open findings: {} critical, {} high, {} medium, {} low; \
                     {waived} waived. {} {}",
                    evidence::PROCEDURE,
                    md_line(&model.name),
                    crate::VERSION,
                    report.runs.len(),
                    model.nodes.len(),
                    model.flows.len(),
                    model.boundaries.len(),
                    open.critical,
                    open.high,
                    open.medium,
                    open.low,
                    evidence::WHAT_IT_SHOWS,
                    md_line(&evidence::comparison_sentence(context.comparison)),
                ),
                start: timestamp.clone(),
                end: timestamp.clone(),
                local_definitions: LocalDefinitions {
                    components: components(model, &ids),
                    assessment_assets: AssessmentAssets {
                        components: [Component {
                            uuid: tool.clone(),
                            kind: "software",
                            title: "Flowmap".to_owned(),
                            description: "Flowmap checks a data-flow model (services, stores, \
                                          queues, externals, flows and trust boundaries) against \
                                          its rule catalog and maps the results to controls."
                                .to_owned(),
                            props: vec![
                                prop("tool-version", crate::VERSION),
                                prop("rules-version", RULES_VERSION),
                            ],
                            status: Status {
                                state: "operational",
                            },
                        }],
                        assessment_platforms: [Platform {
                            uuid: ids.stable(&["assessment-platform", crate::VERSION]),
                            title: "Flowmap".to_owned(),
                            uses_components: [UsesComponent {
                                component_uuid: tool.clone(),
                            }],
                        }],
                    },
                },
                reviewed_controls: ReviewedControls {
                    description: "The controls tested by the rules that ran, each by an \
                                  inspection of the design model."
                        .to_owned(),
                    control_selections: control_selections(&controls),
                    remarks: not_tested_remarks(&controls),
                },
                observations: report
                    .runs
                    .iter()
                    .map(|run| observation(context, &ids, &tool, run))
                    .collect(),
                findings: controls
                    .iter()
                    .filter(|control| control.conclusion != Conclusion::NotTested)
                    .map(|control| finding(model, &ids, control))
                    .collect(),
                remarks: md_line(&evidence::comparison_sentence(context.comparison)),
            }],
            back_matter: BackMatter {
                resources: [Resource {
                    uuid: plan,
                    title: format!("Flowmap rule catalog {RULES_VERSION}"),
                    description: format!(
                        "The assessment plan: each of the {} rules of the catalog is a test of the \
                         whole model (`flowmap rules` lists them, `flowmap rules ID` explains one). \
                         Rules that ran: {}. Rules switched off: {}.",
                        REGISTRY.len(),
                        list(report.runs.iter().map(|r| r.rule.id)),
                        list(report.skipped.iter().copied()),
                    ),
                }],
            },
        },
    };
    let mut out = serde_json::to_string_pretty(&document).expect("OSCAL always serializes");
    out.push('\n');
    out
}

fn list<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let ids: Vec<&str> = ids.collect();
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.join(", ")
    }
}

/// Deterministic UUIDs (v5) in Flowmap's namespace.
struct Ids<'a> {
    sha: &'a str,
    timestamp: &'a str,
    model_name: &'a str,
}

impl Ids<'_> {
    fn namespace() -> Uuid {
        Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes())
    }

    /// Each part length-prefixed, so no two lists of parts give the same name.
    fn of(parts: &[&str]) -> String {
        let name: String = parts.iter().map(|p| format!("{}:{p}", p.len())).collect();
        Uuid::new_v5(&Ids::namespace(), name.as_bytes())
            .hyphenated()
            .to_string()
    }

    /// Something of this export: from the model's hash, the timestamp and `parts`.
    fn run(&self, parts: &[&str]) -> String {
        let mut all = vec!["run", self.sha, self.timestamp];
        all.extend_from_slice(parts);
        Ids::of(&all)
    }

    /// Something that outlives an export (the tool, the platform).
    fn stable(&self, parts: &[&str]) -> String {
        Ids::of(parts)
    }

    /// An element of the system, the same across revisions of the model.
    fn component(&self, kind: SubjectKind, id: &str) -> String {
        Ids::of(&["component", self.model_name, kind.as_str(), id])
    }
}

fn components(model: &Model, ids: &Ids) -> Vec<Component> {
    let mut out = vec![Component {
        uuid: ids.component(SubjectKind::Model, ""),
        kind: "this-system",
        title: md_line(&model.name),
        description: model
            .description
            .as_deref()
            .map(md_text)
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "The system the model describes.".to_owned()),
        props: vec![prop("element-kind", "model")],
        status: Status {
            state: "operational",
        },
    }];
    let mut nodes: Vec<_> = model.nodes.iter().collect();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    for node in nodes {
        let mut props = vec![
            prop("element-kind", "node"),
            prop("element-id", &node.id),
            prop("node-kind", node.kind.as_str()),
        ];
        let optional = [
            ("owner", node.owner.as_deref()),
            ("boundary", node.boundary.as_deref()),
            ("hosting", node.hosting.map(|h| h.as_str())),
            ("region", node.region.as_deref()),
            ("environment", node.environment.map(|e| e.as_str())),
            ("technology", node.technology.as_deref()),
        ];
        props.extend(optional_props(&optional));
        out.push(Component {
            uuid: ids.component(SubjectKind::Node, &node.id),
            kind: match node.kind {
                NodeKind::Service | NodeKind::Store | NodeKind::Queue => "service",
                NodeKind::External => "interconnection",
                NodeKind::Actor => "system",
            },
            title: md_line(&node.name),
            description: describe(
                node.description.as_deref(),
                &format!("A {} of the model.", node.kind),
            ),
            props,
            status: Status {
                state: "operational",
            },
        });
    }
    let mut flows: Vec<_> = model.flows.iter().collect();
    flows.sort_by(|a, b| a.id.cmp(&b.id));
    for flow in flows {
        let mut props = vec![
            prop("element-kind", "flow"),
            prop("element-id", &flow.id),
            prop("from", &flow.from),
            prop("to", &flow.to),
        ];
        let data = {
            let mut data = flow.data.clone();
            data.sort();
            data.join(" ")
        };
        let optional = [
            ("protocol", flow.protocol.as_deref()),
            ("declared-data", Some(data.as_str())),
        ];
        props.extend(optional_props(&optional));
        let name = if flow.name.trim().is_empty() {
            flow.id.as_str()
        } else {
            flow.name.as_str()
        };
        out.push(Component {
            uuid: ids.component(SubjectKind::Flow, &flow.id),
            kind: "interconnection",
            title: md_line(name),
            description: describe(
                flow.notes.as_deref(),
                &format!(
                    "A data flow from `{}` to `{}`.",
                    md_code(&flow.from),
                    md_code(&flow.to)
                ),
            ),
            props,
            status: Status {
                state: "operational",
            },
        });
    }
    let mut boundaries: Vec<_> = model.boundaries.iter().collect();
    boundaries.sort_by(|a, b| a.id.cmp(&b.id));
    for boundary in boundaries {
        let mut props = vec![
            prop("element-kind", "boundary"),
            prop("element-id", &boundary.id),
            prop("boundary-kind", boundary.kind.as_str()),
        ];
        let optional = [
            ("parent", boundary.parent.as_deref()),
            ("region", boundary.region.as_deref()),
        ];
        props.extend(optional_props(&optional));
        out.push(Component {
            uuid: ids.component(SubjectKind::Boundary, &boundary.id),
            kind: "network",
            title: md_line(&boundary.name),
            description: describe(
                boundary.description.as_deref(),
                &format!("A trust boundary ({}) of the model.", boundary.kind),
            ),
            props,
            status: Status {
                state: "operational",
            },
        });
    }
    out
}

fn optional_props(values: &[(&'static str, Option<&str>)]) -> Vec<Prop> {
    values
        .iter()
        .filter_map(|(name, value)| {
            let value = collapse(value.unwrap_or_default());
            (!value.is_empty()).then(|| prop(name, &value))
        })
        .collect()
}

fn describe(text: Option<&str>, fallback: &str) -> String {
    match text.map(md_text) {
        Some(text) if !text.is_empty() => text,
        _ => fallback.to_owned(),
    }
}

fn control_selections(controls: &[ControlResult]) -> Vec<ControlSelection> {
    let mut selections: Vec<ControlSelection> = Vec::new();
    for control in controls {
        let framework = Framework::of(&control.control);
        let title = framework.map_or("Other", Framework::title);
        let selected = SelectControl {
            control_id: control_id(&control.control),
        };
        match selections.iter_mut().find(|s| s.description == title) {
            Some(selection) => selection.include_controls.push(selected),
            None => selections.push(ControlSelection {
                description: title.to_owned(),
                props: vec![prop("framework", control.framework)],
                include_controls: vec![selected],
            }),
        }
    }
    selections
}

/// The objective of a control as this assessment defines it: a design objective.
fn objective(control: &ControlResult) -> LocalObjective {
    let oscal_id = control_id(&control.control);
    let rules: Vec<&str> = control.tests.iter().map(|t| t.rule).collect();
    LocalObjective {
        control_id: oscal_id.clone(),
        description: format!(
            "{} {}: the design model shows no exception to the rules that test it.",
            control.control, control.title
        ),
        parts: [
            Part {
                id: format!("{oscal_id}_obj"),
                name: "objective",
                props: Vec::new(),
                prose: format!(
                    "Examined in the system's design model, no element in the population of \
                     {} has an exception that is not waived. {}",
                    list(rules.iter().copied()),
                    evidence::WHAT_IT_SHOWS
                ),
            },
            Part {
                id: String::new(),
                name: "assessment",
                props: vec![prop_in("method", "EXAMINE", OSCAL_NS)],
                prose: evidence::PROCEDURE_DETAIL.to_owned(),
            },
        ],
    }
}

/// The remarks of `reviewed-controls`: which controls were not tested, and why.
fn not_tested_remarks(controls: &[ControlResult]) -> Option<String> {
    let untested: Vec<&str> = controls
        .iter()
        .filter(|c| c.conclusion == Conclusion::NotTested)
        .map(|c| c.control.as_str())
        .collect();
    (!untested.is_empty()).then(|| {
        format!(
            "Not tested, so without a finding: {}. {}",
            untested.join(", "),
            Conclusion::NotTested.explanation()
        )
    })
}

fn observation(context: &ExportContext, ids: &Ids, tool: &str, run: &RuleRun) -> Observation {
    let rule = run.rule;
    let model = context.model;
    let findings: Vec<&Finding> = context
        .report
        .findings
        .iter()
        .filter(|f| f.rule == rule.id)
        .collect();
    let subjects: Vec<SubjectReference> = run
        .examined
        .iter()
        .map(|element| subject(model, ids, element, &findings))
        .collect();
    let conclusion = Conclusion::of(run.examined.len(), run.exceptions);
    let props = vec![
        prop("rule-id", rule.id),
        prop("rule-name", rule.name),
        prop(
            "severity",
            run.severity_override.unwrap_or(rule.severity).as_str(),
        ),
        prop("population", &run.examined.len().to_string()),
        prop("passes", &run.passes().to_string()),
        prop("exceptions", &run.exceptions.to_string()),
        prop("waived", &run.waived.to_string()),
        prop("conclusion", conclusion.as_str()),
    ];
    Observation {
        uuid: ids.run(&["observation", rule.id]),
        title: format!("{} {}", rule.id, rule.name),
        description: format!(
            "Procedure: {}, by rule {} ({}). Population: {} {} Examined {}: passed {}, \
             exceptions {}, waived {}. Conclusion: {}.",
            evidence::PROCEDURE_IN_SENTENCE,
            rule.id,
            rule.summary,
            rule.population,
            evidence::POPULATION_SOURCE,
            run.examined.len(),
            run.passes(),
            run.exceptions,
            run.waived,
            conclusion.wording()
        ),
        props,
        methods: ["EXAMINE"],
        origins: [Origin {
            actors: [Actor {
                kind: "tool",
                actor_uuid: tool.to_owned(),
            }],
        }],
        subjects: (!subjects.is_empty()).then_some(subjects),
        relevant_evidence: [Evidence {
            description: format!(
                "The model `{}`, SHA-256 of its canonical form `{}`.",
                md_code(context.source_path),
                ids.sha
            ),
        }],
        collected: ids.timestamp.to_owned(),
    }
}

fn subject(model: &Model, ids: &Ids, element: &Element, findings: &[&Finding]) -> SubjectReference {
    let subject = crate::check::subject(model, *element);
    let (title, id) = match element.kind {
        SubjectKind::Node => (
            model.nodes[element.index as usize].name.as_str(),
            &subject.id,
        ),
        SubjectKind::Flow => (
            model.flows[element.index as usize].name.as_str(),
            &subject.id,
        ),
        SubjectKind::Boundary => (
            model.boundaries[element.index as usize].name.as_str(),
            &subject.id,
        ),
        SubjectKind::Model => (model.name.as_str(), &subject.id),
    };
    let title = if title.trim().is_empty() { id } else { title };
    let mine: Vec<&&Finding> = findings.iter().filter(|f| f.subject == subject).collect();
    let result = if mine.iter().any(|f| !f.waived) {
        "exception"
    } else if mine.is_empty() {
        "pass"
    } else {
        "waived"
    };
    let remarks: Vec<String> = mine
        .iter()
        .map(|f| {
            let mut text = format!("{} ({}): {}", f.rule, f.severity, md_text(&f.message));
            if let Some(waiver) = f.waiver.as_ref().filter(|_| f.waived) {
                text.push_str(&format!(
                    " Waived: {} (approved by {}, expires {}).",
                    md_text(&waiver.reason),
                    md_text(&waiver.approved_by),
                    waiver.expires
                ));
            }
            text
        })
        .collect();
    let mut props = vec![prop("result", result)];
    if !id.is_empty() {
        props.insert(0, prop("element-id", id));
    }
    SubjectReference {
        subject_uuid: ids.component(element.kind, id),
        kind: "component",
        title: md_line(title),
        props,
        remarks: (!remarks.is_empty()).then(|| remarks.join("\n\n")),
    }
}

fn finding(model: &Model, ids: &Ids, control: &ControlResult) -> OscalFinding {
    let oscal_id = control_id(&control.control);
    let tests: Vec<String> = control
        .tests
        .iter()
        .map(|t| {
            let waived = if t.waived > 0 {
                format!(", {} waived", t.waived)
            } else {
                String::new()
            };
            let scope = match t.scope {
                TestScope::Rule => "",
                TestScope::Findings => ", through its findings only",
            };
            format!(
                "{} {} (population {}: {} passed, {} exceptions{waived}{scope}; {})",
                t.rule,
                t.name,
                t.population,
                t.passes,
                t.exceptions,
                t.conclusion.wording()
            )
        })
        .collect();
    let narrative: Vec<String> = model
        .narratives
        .iter()
        .filter(|n| {
            n.control == control.control
                || control
                    .control
                    .split_once(':')
                    .is_some_and(|(_, id)| n.control == id)
        })
        .map(|n| md_text(&n.text))
        .filter(|text| !text.is_empty())
        .collect();
    let exceptions = control.conclusion == Conclusion::ExceptionsFound;
    let status_remarks = if exceptions {
        format!(
            "Not satisfied: exceptions found in the design (inspection of the design model). {}",
            evidence::WHAT_IT_SHOWS
        )
    } else {
        format!(
            "Satisfied as a design objective only: no exceptions found in the design \
             (inspection of the design model). {}",
            evidence::WHAT_IT_SHOWS
        )
    };
    OscalFinding {
        uuid: ids.run(&["finding", &control.control]),
        title: format!("{} {}", control.control, control.title),
        description: format!(
            "{}: {}, by {}. Tested by {}.",
            control.control,
            control.conclusion.wording(),
            evidence::PROCEDURE_IN_SENTENCE,
            tests.join("; ")
        ),
        props: vec![
            prop("framework", control.framework),
            prop("control", &control.control),
            prop("conclusion", control.conclusion.as_str()),
        ],
        target: Target {
            kind: "objective-id",
            target_id: format!("{oscal_id}_obj"),
            title: control.title.to_owned(),
            status: TargetStatus {
                state: if exceptions {
                    "not-satisfied"
                } else {
                    "satisfied"
                },
                reason: if exceptions { "fail" } else { "pass" },
                remarks: status_remarks,
            },
        },
        related_observations: control
            .tests
            .iter()
            .map(|t| RelatedObservation {
                observation_uuid: ids.run(&["observation", t.rule]),
            })
            .collect(),
        remarks: (!narrative.is_empty()).then(|| format!("Narrative: {}", narrative.join("\n\n"))),
    }
}

/// A Flowmap property.
fn prop(name: &'static str, value: &str) -> Prop {
    prop_in(name, value, NS)
}

/// A property in a namespace (OSCAL's own for the names OSCAL defines, such as `method`).
fn prop_in(name: &'static str, value: &str, ns: &'static str) -> Prop {
    Prop {
        name,
        ns,
        value: collapse(value),
    }
}

/// OSCAL's own namespace for properties it defines.
const OSCAL_NS: &str = "http://csrc.nist.gov/ns/oscal";

/// Whitespace runs (line breaks included) to one space, trimmed: an OSCAL string.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text from the model for a Markdown field: ASCII punctuation that Markdown (and the HTML it
/// may become) gives meaning to is backslash-escaped; blank lines separate paragraphs.
fn md_text(text: &str) -> String {
    text.split("\n\n")
        .map(md_line)
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Like [`md_text`] for a one-line field (a title): line breaks become spaces. Escaped are the
/// characters that change meaning anywhere in a line; those that do only at a line start (`#`,
/// `-`, `+`, digits) cannot be at one after collapsing, except at the very start, where
/// Flowmap's own text precedes them in titles.
fn md_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in collapse(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An id inside a Markdown code span: ids are slugs, but a backtick would end the span.
fn md_code(text: &str) -> String {
    text.replace('`', "'")
}

// The OSCAL object model, the parts Flowmap writes, in the schema's property order.

#[derive(Serialize)]
struct Document {
    #[serde(rename = "assessment-results")]
    assessment_results: AssessmentResults,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct AssessmentResults {
    uuid: String,
    metadata: Metadata,
    import_ap: ImportAp,
    local_definitions: TopLocalDefinitions,
    results: [OscalResult; 1],
    back_matter: BackMatter,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct TopLocalDefinitions {
    #[serde(skip_serializing_if = "Option::is_none")]
    objectives_and_methods: Option<Vec<LocalObjective>>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct LocalObjective {
    control_id: String,
    description: String,
    parts: [Part; 2],
}

#[derive(Serialize)]
struct Part {
    #[serde(skip_serializing_if = "String::is_empty")]
    id: String,
    name: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    props: Vec<Prop>,
    prose: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata {
    title: String,
    last_modified: String,
    version: String,
    oscal_version: &'static str,
    props: Vec<Prop>,
}

#[derive(Serialize)]
struct Prop {
    name: &'static str,
    ns: &'static str,
    value: String,
}

#[derive(Serialize)]
struct ImportAp {
    href: String,
    remarks: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct OscalResult {
    uuid: String,
    title: String,
    description: String,
    start: String,
    end: String,
    local_definitions: LocalDefinitions,
    reviewed_controls: ReviewedControls,
    observations: Vec<Observation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    findings: Vec<OscalFinding>,
    remarks: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct LocalDefinitions {
    components: Vec<Component>,
    assessment_assets: AssessmentAssets,
}

#[derive(Serialize)]
struct Component {
    uuid: String,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    description: String,
    props: Vec<Prop>,
    status: Status,
}

#[derive(Serialize)]
struct Status {
    state: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct AssessmentAssets {
    components: [Component; 1],
    assessment_platforms: [Platform; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Platform {
    uuid: String,
    title: String,
    uses_components: [UsesComponent; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct UsesComponent {
    component_uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ReviewedControls {
    description: String,
    control_selections: Vec<ControlSelection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remarks: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ControlSelection {
    description: String,
    props: Vec<Prop>,
    include_controls: Vec<SelectControl>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct SelectControl {
    control_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Observation {
    uuid: String,
    title: String,
    description: String,
    props: Vec<Prop>,
    methods: [&'static str; 1],
    origins: [Origin; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    subjects: Option<Vec<SubjectReference>>,
    relevant_evidence: [Evidence; 1],
    collected: String,
}

#[derive(Serialize)]
struct Origin {
    actors: [Actor; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Actor {
    #[serde(rename = "type")]
    kind: &'static str,
    actor_uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct SubjectReference {
    subject_uuid: String,
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    props: Vec<Prop>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remarks: Option<String>,
}

#[derive(Serialize)]
struct Evidence {
    description: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct OscalFinding {
    uuid: String,
    title: String,
    description: String,
    props: Vec<Prop>,
    target: Target,
    related_observations: Vec<RelatedObservation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remarks: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Target {
    #[serde(rename = "type")]
    kind: &'static str,
    target_id: String,
    title: String,
    status: TargetStatus,
}

#[derive(Serialize)]
struct TargetStatus {
    state: &'static str,
    reason: &'static str,
    remarks: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct RelatedObservation {
    observation_uuid: String,
}

#[derive(Serialize)]
struct BackMatter {
    resources: [Resource; 1],
}

#[derive(Serialize)]
struct Resource {
    uuid: String,
    title: String,
    description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_ids_follow_the_oscal_catalog_convention() {
        assert_eq!(control_id("NIST:SC-8"), "sc-8");
        assert_eq!(control_id("NIST:SC-8(1)"), "sc-8.1");
        assert_eq!(control_id("NIST:SA-8(33)"), "sa-8.33");
        assert_eq!(control_id("SOC2:CC6.1"), "cc6.1");
        assert_eq!(control_id("SOC2:C1.1"), "c1.1");
        assert_eq!(control_id("ISO27001:A.8.24"), "a.8.24");
        assert_eq!(control_id("PCI:4.2.1"), "pci-4.2.1");
    }

    #[test]
    fn uuids_are_version_5_and_deterministic() {
        let a = Ids::of(&["x", "y"]);
        assert_eq!(a, Ids::of(&["x", "y"]));
        assert_ne!(a, Ids::of(&["xy"]));
        assert_ne!(Ids::of(&["ab", "c"]), Ids::of(&["a", "bc"]));
        assert_eq!(&a[14..15], "5");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn markdown_text_is_escaped_and_strings_collapsed() {
        assert_eq!(md_line("a *b* [c](d) <e>"), r"a \*b\* \[c\](d) \<e\>");
        assert_eq!(md_line("two\nlines"), "two lines");
        assert_eq!(md_text("p1\n\np2"), "p1\n\np2");
        assert_eq!(collapse("  x \n y "), "x y");
    }
}
