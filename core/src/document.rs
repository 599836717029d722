//! The findings document (`flowmap check --format json`), `flowmap-findings/1`.
//!
//! Against a baseline (`flowmap check --baseline OLD`), each finding also carries its
//! `baseline_state` (`new`, `updated`, `unchanged`) and a `baseline` section names the earlier
//! model and lists the findings it had that are gone (`absent`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::canonical::model_sha256;
use crate::check::Report;
use crate::date::Timestamp;
use crate::diff::{BaselineState, FindingChanges};
use crate::finding::{Finding, Severity, Summary};
use crate::model::Model;
use crate::rules::RULES_VERSION;

/// `F` is the findings: a plain list, or one with baseline states ([`StatedFindings`]), two
/// types so that the plain document (which the app writes) carries no code for baselines.
#[derive(Serialize)]
struct Document<'a, F: Serialize> {
    format: &'static str,
    model: ModelRef<'a>,
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    generated: Option<String>,
    configuration: Configuration,
    findings: F,
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<Baseline<'a>>,
}

/// The findings, each with its baseline state.
struct StatedFindings<'a> {
    findings: &'a [Finding],
    states: Vec<BaselineState>,
}

impl Serialize for StatedFindings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Stated<'a> {
            #[serde(flatten)]
            finding: &'a Finding,
            baseline_state: BaselineState,
        }
        serializer.collect_seq(
            self.findings
                .iter()
                .zip(&self.states)
                .map(|(finding, state)| Stated {
                    finding,
                    baseline_state: *state,
                }),
        )
    }
}

/// The earlier version findings were compared with.
#[derive(Serialize)]
struct Baseline<'a> {
    model: ModelRef<'a>,
    new: usize,
    updated: usize,
    unchanged: usize,
    /// Findings of the baseline that the model no longer has.
    absent: &'a [Finding],
}

/// The model a document is about: its name and the SHA-256 of its canonical form.
#[derive(Serialize)]
pub(crate) struct ModelRef<'a> {
    name: &'a str,
    sha256: String,
}

impl<'a> ModelRef<'a> {
    pub(crate) fn of(model: &'a Model) -> ModelRef<'a> {
        ModelRef {
            name: &model.name,
            sha256: model_sha256(model),
        }
    }
}

/// The tool that wrote a document.
#[derive(Serialize)]
pub(crate) struct Tool {
    name: &'static str,
    version: &'static str,
    rules_version: &'static str,
}

impl Tool {
    pub(crate) fn current() -> Tool {
        Tool {
            name: "flowmap",
            version: crate::VERSION,
            rules_version: RULES_VERSION,
        }
    }
}

/// How the check was configured: which rules ran, which were skipped, which re-graded, and the
/// day expiry was judged on.
#[derive(Serialize)]
struct Configuration {
    #[serde(skip_serializing_if = "Option::is_none")]
    today: Option<String>,
    rules_run: Vec<&'static str>,
    rules_skipped: Vec<&'static str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    severity_overrides: BTreeMap<&'static str, Severity>,
}

/// The findings document as pretty JSON with a trailing newline.
pub fn findings_json(model: &Model, report: &Report) -> String {
    document(model, report, None, &report.findings[..], None)
}

/// The findings document of a check against a baseline: `baseline` is the earlier version,
/// `changes` its findings matched with the report's ([`FindingChanges::between`]).
pub fn findings_json_with_baseline(
    model: &Model,
    report: &Report,
    baseline: &Model,
    changes: &FindingChanges,
) -> String {
    let findings = StatedFindings {
        findings: &report.findings,
        states: changes.states(&report.findings),
    };
    let baseline = Baseline {
        model: ModelRef::of(baseline),
        new: changes.introduced.len(),
        updated: changes.updated.len(),
        unchanged: changes.unchanged.len(),
        absent: &changes.resolved,
    };
    document(model, report, None, findings, Some(baseline))
}

/// The findings document stamped with the time it was produced (for evidence).
pub fn findings_json_at(model: &Model, report: &Report, generated: Timestamp) -> String {
    document(model, report, Some(generated), &report.findings[..], None)
}

fn document<'a, F: Serialize>(
    model: &'a Model,
    report: &'a Report,
    generated: Option<Timestamp>,
    findings: F,
    baseline: Option<Baseline<'a>>,
) -> String {
    let document = Document {
        format: "flowmap-findings/1",
        model: ModelRef::of(model),
        tool: Tool::current(),
        generated: generated.map(|t| t.to_string()),
        configuration: Configuration {
            today: report.today.map(|d| d.to_string()),
            rules_run: report.runs.iter().map(|r| r.rule.id).collect(),
            rules_skipped: report.skipped.clone(),
            severity_overrides: report
                .runs
                .iter()
                .filter_map(|r| r.severity_override.map(|s| (r.rule.id, s)))
                .collect(),
        },
        findings,
        summary: report.summary,
        baseline,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("findings always serialize");
    text.push('\n');
    text
}
