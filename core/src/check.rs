//! Running the catalog over a model: configuration, findings, fingerprints, order.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use crate::controls::controls_of;
use crate::engine::{Analysis, Element};
use crate::finding::{Finding, Severity, Subject, SubjectKind, Summary};
use crate::model::{Model, RuleSetting};
use crate::rules::{Check, Outcome, Rule, Sink, REGISTRY};

/// Caller-side choices for one check. The model's own `rules` configuration applies first.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Rules to skip (`--disable`).
    pub disabled: BTreeSet<String>,
    /// When not empty, run only these rules (`--only`).
    pub only: BTreeSet<String>,
    /// The day the check is about (waiver and attestation expiry). The core reads no clock:
    /// the CLI passes the current UTC date, tests pass a fixed one. `None`: nothing expires.
    pub today: Option<crate::date::Date>,
}

/// What one rule did: its population and its results, for the control view and evidence.
#[derive(Clone, Debug)]
pub struct RuleRun {
    pub rule: &'static Rule,
    /// The severity it reports at after configuration (`None`: the rule's own grading).
    pub severity_override: Option<Severity>,
    /// Elements examined (the population), by position in the model's arrays, sorted.
    pub examined: Vec<Element>,
    /// Examined elements with at least one finding that is not waived.
    pub exceptions: usize,
    /// Examined elements whose findings are all waived.
    pub waived: usize,
}

impl RuleRun {
    /// Examined elements without any finding.
    pub fn passes(&self) -> usize {
        self.examined
            .len()
            .saturating_sub(self.exceptions + self.waived)
    }
}

/// The result of a check.
#[derive(Clone, Debug)]
pub struct Report {
    /// Sorted by severity (most severe first), then rule id, then subject id.
    pub findings: Vec<Finding>,
    /// Counts of findings that are not waived.
    pub summary: Summary,
    /// One entry per rule that ran, in id order.
    pub runs: Vec<RuleRun>,
    /// Rules switched off (by the model's configuration, `--disable` or `--only`), in id order.
    pub skipped: Vec<&'static str>,
    /// The day expiry was judged on.
    pub today: Option<crate::date::Date>,
}

/// Checks a loaded model against the catalog: the model rules, then the rules about their
/// findings (waivers), then the waivers themselves.
pub fn check(model: &Model, options: &CheckOptions) -> Report {
    let analysis = Analysis::new(model).with_today(options.today);
    let mut findings = Vec::new();
    let mut runs = Vec::new();
    let mut skipped = Vec::new();
    let mut ran = BTreeSet::new();
    let mut enabled_rules = Vec::new();
    for rule in REGISTRY.iter().copied() {
        let setting = model.rules.get(rule.id);
        let enabled = setting != Some(&RuleSetting::Off)
            && !options.disabled.contains(rule.id)
            && (options.only.is_empty() || options.only.contains(rule.id));
        if enabled {
            let severity_override = match setting {
                Some(RuleSetting::Severity(severity)) => Some(*severity),
                _ => None,
            };
            enabled_rules.push((rule, severity_override));
        } else {
            skipped.push(rule.id);
        }
    }
    for pass in [Pass::Model, Pass::Findings] {
        let model_findings = findings.clone();
        for (rule, severity_override) in &enabled_rules {
            let mut sink = Sink::default();
            match (pass, rule.check) {
                (Pass::Model, Check::Model(run)) => run(&analysis, &mut sink),
                (Pass::Findings, Check::Findings(run)) => run(
                    &analysis,
                    &Outcome {
                        findings: &model_findings,
                        ran: &ran,
                    },
                    &mut sink,
                ),
                _ => continue,
            }
            ran.insert(rule.id);
            for report in sink.reports {
                let mut families = rule.families.to_vec();
                families.extend_from_slice(report.extra_families);
                let subject = subject(model, report.subject);
                findings.push(Finding {
                    rule: rule.id,
                    name: rule.name,
                    severity: severity_override
                        .or(report.severity)
                        .unwrap_or(rule.severity),
                    fingerprint: fingerprint(rule.id, &subject, report.key.as_deref()),
                    subject,
                    path: analysis.path_ids(&report.path),
                    message: report.message,
                    controls: controls_of(&families),
                    waived: false,
                    waiver: None,
                });
            }
            let mut examined = sink.examined;
            examined.sort_unstable();
            examined.dedup();
            runs.push(RuleRun {
                rule,
                severity_override: *severity_override,
                examined,
                exceptions: 0,
                waived: 0,
            });
        }
    }
    apply_waivers(model, options, &mut findings);
    count_exceptions(&findings, &mut runs);
    runs.sort_by_key(|run| run.rule.id);
    sort_findings(&mut findings);
    let summary = Summary::of(&findings);
    Report {
        findings,
        summary,
        runs,
        skipped,
        today: options.today,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Model,
    Findings,
}

/// A current waiver (not expired on `options.today`) suppresses exactly the findings of its
/// rule on its subject; they stay in the report, marked waived.
fn apply_waivers(model: &Model, options: &CheckOptions, findings: &mut [Finding]) {
    for finding in findings.iter_mut() {
        let waiver = model.waivers.iter().find(|w| {
            w.rule == finding.rule
                && w.subject == finding.subject.id
                && options.today.is_none_or(|today| w.expires >= today)
        });
        if let Some(waiver) = waiver {
            finding.waived = true;
            finding.waiver = Some(waiver.clone());
        }
    }
}

fn count_exceptions(findings: &[Finding], runs: &mut [RuleRun]) {
    for run in runs.iter_mut() {
        let mut open = BTreeSet::new();
        let mut waived = BTreeSet::new();
        for finding in findings.iter().filter(|f| f.rule == run.rule.id) {
            if finding.waived {
                waived.insert(&finding.subject);
            } else {
                open.insert(&finding.subject);
            }
        }
        run.exceptions = open.len();
        run.waived = waived.iter().filter(|s| !open.contains(*s)).count();
    }
}

/// The order of every listing: most severe first, then rule id, then subject.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(b.rule))
            .then_with(|| a.subject.cmp(&b.subject))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
}

/// The subject of an element.
pub fn subject(model: &Model, element: Element) -> Subject {
    let index = element.index as usize;
    let id = match element.kind {
        SubjectKind::Node => model.nodes[index].id.clone(),
        SubjectKind::Flow => model.flows[index].id.clone(),
        SubjectKind::Boundary => model.boundaries[index].id.clone(),
        SubjectKind::Model => String::new(),
    };
    Subject {
        kind: element.kind,
        id,
    }
}

/// A finding's stable identity: rule id, subject id and, where a rule can report twice on one
/// subject, a key; never positions or wording. 32 hex digits of SHA-256.
pub fn fingerprint(rule: &str, subject: &Subject, key: Option<&str>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"flowmap-finding/1\0");
    hasher.update(rule.as_bytes());
    hasher.update(b"\0");
    hasher.update(subject.kind.as_str().as_bytes());
    hasher.update(b"\0");
    hasher.update(subject.id.as_bytes());
    if let Some(key) = key {
        hasher.update(b"\0");
        hasher.update(key.as_bytes());
    }
    hex(&hasher.finalize()[..16])
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}
