//! Running the catalog over a model: configuration, findings, fingerprints, order.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

use crate::controls::controls_of;
use crate::engine::{Analysis, Element};
use crate::finding::{Finding, Severity, Subject, SubjectKind, Summary};
use crate::model::{Model, RuleSetting};
use crate::rules::{Rule, Sink, REGISTRY};

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

/// What one rule did: its population and its findings count, for the control view.
#[derive(Clone, Debug)]
pub struct RuleRun {
    pub rule: &'static Rule,
    /// The severity it reports at after configuration (`None`: the rule's own grading).
    pub severity_override: Option<Severity>,
    /// Elements examined, by position in the model's arrays.
    pub examined: Vec<Element>,
    /// Ids of the elements with a finding.
    pub exceptions: usize,
}

/// The result of a check.
#[derive(Clone, Debug)]
pub struct Report {
    /// Sorted by severity (most severe first), then rule id, then subject id.
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// One entry per rule that ran, in id order.
    pub runs: Vec<RuleRun>,
}

/// Checks a loaded model against the catalog.
pub fn check(model: &Model, options: &CheckOptions) -> Report {
    let analysis = Analysis::new(model).with_today(options.today);
    let mut findings = Vec::new();
    let mut runs = Vec::new();
    for rule in REGISTRY.iter().copied() {
        let setting = model.rules.get(rule.id);
        let enabled = setting != Some(&RuleSetting::Off)
            && !options.disabled.contains(rule.id)
            && (options.only.is_empty() || options.only.contains(rule.id));
        if !enabled {
            continue;
        }
        let severity_override = match setting {
            Some(RuleSetting::Severity(severity)) => Some(*severity),
            _ => None,
        };
        let mut sink = Sink::default();
        (rule.check)(&analysis, &mut sink);
        let mut exceptions = BTreeSet::new();
        for report in sink.reports {
            exceptions.insert(report.subject);
            let mut families = rule.families.to_vec();
            families.extend_from_slice(report.extra_families);
            let subject = subject(model, report.subject);
            findings.push(Finding {
                rule: rule.id,
                name: rule.name,
                severity: severity_override
                    .or(report.severity)
                    .unwrap_or(rule.severity),
                fingerprint: fingerprint(rule.id, &subject),
                subject,
                path: analysis.path_ids(&report.path),
                message: report.message,
                controls: controls_of(&families),
                waived: false,
            });
        }
        let mut examined = sink.examined;
        examined.sort_unstable();
        examined.dedup();
        runs.push(RuleRun {
            rule,
            severity_override,
            examined,
            exceptions: exceptions.len(),
        });
    }
    sort_findings(&mut findings);
    let summary = Summary::of(&findings);
    Report {
        findings,
        summary,
        runs,
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

/// A finding's stable identity: rule id and subject id, never positions or wording. 32 hex
/// digits of SHA-256.
pub fn fingerprint(rule: &str, subject: &Subject) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"flowmap-finding/1\0");
    hasher.update(rule.as_bytes());
    hasher.update(b"\0");
    hasher.update(subject.kind.as_str().as_bytes());
    hasher.update(b"\0");
    hasher.update(subject.id.as_bytes());
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
