//! Running the catalog over a model: configuration, findings, fingerprints, order.

use std::collections::BTreeSet;

use sha2::{Digest, Sha256};

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
        // The findings pass reads the model findings in place and adds its own afterwards.
        let mut new_findings = Vec::new();
        for (rule, severity_override) in &enabled_rules {
            let mut sink = Sink::default();
            match (pass, rule.check) {
                (Pass::Model, Check::Model(run)) => run(&analysis, &mut sink),
                (Pass::Findings, Check::Findings(run)) => run(
                    &analysis,
                    &Outcome {
                        findings: &findings,
                        ran: &ran,
                    },
                    &mut sink,
                ),
                _ => continue,
            }
            ran.insert(rule.id);
            // Control ids per set of extra families (a rule reports with one or two).
            let mut controls: Vec<(&'static [crate::controls::Family], Vec<&'static str>)> =
                Vec::new();
            for report in sink.reports {
                let at = match controls.iter().position(|(extra, _)| {
                    std::ptr::eq(*extra, report.extra_families) || *extra == report.extra_families
                }) {
                    Some(at) => at,
                    None => {
                        let mut families = rule.families.to_vec();
                        families.extend_from_slice(report.extra_families);
                        controls.push((
                            report.extra_families,
                            crate::controls::control_ids(&families),
                        ));
                        controls.len() - 1
                    }
                };
                let subject = subject(model, report.subject);
                new_findings.push(Finding {
                    rule: rule.id,
                    name: rule.name,
                    severity: severity_override
                        .or(report.severity)
                        .unwrap_or(rule.severity),
                    fingerprint: fingerprint(rule.id, &subject, report.key.as_deref()),
                    subject,
                    path: analysis.path_ids(&report.path),
                    message: report.message,
                    controls: controls[at].1.clone(),
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
        findings.append(&mut new_findings);
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
    if model.waivers.is_empty() {
        return;
    }
    // (rule, subject) → the waivers naming them, in model order.
    let mut by_pair: std::collections::HashMap<(&str, &str), Vec<&crate::model::Waiver>> =
        std::collections::HashMap::new();
    for w in &model.waivers {
        by_pair
            .entry((w.rule.as_str(), w.subject.as_str()))
            .or_default()
            .push(w);
    }
    for finding in findings.iter_mut() {
        let Some(candidates) = by_pair.get(&(finding.rule, finding.subject.id.as_str())) else {
            continue;
        };
        let waiver = candidates
            .iter()
            .copied()
            .find(|w| options.today.is_none_or(|today| w.expires >= today));
        if let Some(waiver) = waiver {
            finding.waived = true;
            finding.waiver = Some(waiver.clone());
        }
    }
}

fn count_exceptions(findings: &[Finding], runs: &mut [RuleRun]) {
    let index: std::collections::HashMap<&str, usize> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| (run.rule.id, i))
        .collect();
    let mut sets: Vec<(
        std::collections::HashSet<&Subject>,
        std::collections::HashSet<&Subject>,
    )> = (0..runs.len()).map(|_| Default::default()).collect();
    for finding in findings {
        if let Some(i) = index.get(finding.rule) {
            if finding.waived {
                sets[*i].1.insert(&finding.subject);
            } else {
                sets[*i].0.insert(&finding.subject);
            }
        }
    }
    for (run, (open, waived)) in runs.iter_mut().zip(&sets) {
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
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}
