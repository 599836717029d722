//! Running the catalog over a model: configuration, findings, fingerprints, order.

use std::collections::BTreeSet;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::controls::Family;
use crate::engine::{Analysis, Element};
use crate::finding::{Finding, Severity, Subject, SubjectKind, Summary};
use crate::model::{Model, RuleSetting};
use crate::rules::{Check, Outcome, Rule, Sink, REGISTRY};
use rustc_hash::FxHashMap;

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
    // Once: keeping fingerprints for a next check would only cost.
    run(model, options, &mut Fingerprints::default())
}

/// Checks one model after another (the editor re-checks after every edit), keeping what a
/// check can reuse from the last one: the fingerprints of the findings it made. A report is
/// always exactly the one [`check`] gives for the same model and options; only the work
/// differs.
///
/// ```
/// # use flowmap_core::{check::Checker, CheckOptions, Model};
/// let mut checker = Checker::default();
/// let model = Model::default();
/// let first = checker.check(&model, &CheckOptions::default());
/// let again = checker.check(&model, &CheckOptions::default()); // the same model, edited
/// assert_eq!(first.findings, again.findings);
/// ```
#[derive(Debug)]
pub struct Checker {
    fingerprints: Fingerprints,
}

impl Default for Checker {
    fn default() -> Checker {
        Checker {
            fingerprints: Fingerprints {
                known: Some(FxHashMap::default()),
                ..Fingerprints::default()
            },
        }
    }
}

impl Checker {
    pub fn new() -> Checker {
        Checker::default()
    }

    /// [`check`], reusing what the previous checks computed.
    pub fn check(&mut self, model: &Model, options: &CheckOptions) -> Report {
        let report = run(model, options, &mut self.fingerprints);
        self.fingerprints.end_check();
        report
    }
}

fn run(model: &Model, options: &CheckOptions, fingerprints: &mut Fingerprints) -> Report {
    let analysis = Analysis::new(model).with_today(options.today);
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
    let subjects = SubjectRanks::new(model, &analysis);
    let mut findings = Vec::new();
    // Per finding, in the order made: its run and the rank of its subject.
    let mut made: Vec<(u32, u32)> = Vec::new();
    let mut runs = Vec::new();
    let mut marks = Vec::new();
    // The findings rules report at most once per waiver each: room for them too, so adding
    // them moves no model finding.
    let findings_rules = enabled_rules
        .iter()
        .filter(|(rule, _)| matches!(rule.check, Check::Findings(_)))
        .count();
    for pass in [Pass::Model, Pass::Findings] {
        // The findings pass reads the model findings in place and adds its own afterwards.
        let mut sinks = Vec::new();
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
            sinks.push((*rule, *severity_override, sink));
        }
        // Each finding made once, in place (a growing list would copy them all as it grows).
        let reported: usize = sinks.iter().map(|(_, _, sink)| sink.reports.len()).sum();
        let mut new_findings = Vec::with_capacity(match pass {
            Pass::Model => reported + findings_rules * model.waivers.len(),
            Pass::Findings => reported,
        });
        made.reserve(reported);
        for (rule, severity_override, sink) in sinks {
            let run_index = runs.len() as u32;
            // Control ids per set of extra families (a rule reports with one or two), shared
            // by its findings.
            let mut controls: Vec<(&'static [Family], Arc<[&'static str]>)> = Vec::new();
            let prefix = fingerprints.prefix(rule.id);
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
                            crate::controls::control_ids(&families).into(),
                        ));
                        controls.len() - 1
                    }
                };
                let subject = subject(model, report.subject);
                made.push((run_index, subjects.rank(report.subject)));
                new_findings.push(Finding {
                    rule: rule.id,
                    name: rule.name,
                    severity: severity_override
                        .or(report.severity)
                        .unwrap_or(rule.severity),
                    fingerprint: fingerprints.get(prefix, &subject, report.key.as_deref()),
                    subject,
                    path: analysis.path_ids(&report.path),
                    message: report.message,
                    controls: Arc::clone(&controls[at].1),
                    waived: false,
                    waiver: None,
                });
            }
            runs.push(RuleRun {
                rule,
                severity_override,
                examined: population(sink.examined, model, &mut marks),
                exceptions: 0,
                waived: 0,
            });
        }
        if findings.is_empty() {
            findings = new_findings;
        } else {
            findings.append(&mut new_findings);
        }
    }
    apply_waivers(model, options, &runs, &made, &mut findings);
    count_exceptions(&findings, &made, &subjects, &mut runs);
    let findings = sorted(findings, &made, &runs);
    runs.sort_by_key(|run| run.rule.id);
    let summary = Summary::of(&findings);
    Report {
        findings,
        summary,
        runs,
        skipped,
        today: options.today,
    }
}

/// A rule's population: the elements it examined, sorted, without repeats. Many elements
/// are sorted by marking them (linear in the model's size), few by a sort.
fn population(mut examined: Vec<Element>, model: &Model, marks: &mut Vec<bool>) -> Vec<Element> {
    if examined.is_sorted() {
        examined.dedup();
        return examined;
    }
    let kinds = [
        (SubjectKind::Node, model.nodes.len()),
        (SubjectKind::Flow, model.flows.len()),
        (SubjectKind::Boundary, model.boundaries.len()),
        (SubjectKind::Model, 1),
    ];
    let total: usize = kinds.iter().map(|(_, len)| len).sum();
    let offset = |kind: SubjectKind| match kind {
        SubjectKind::Node => 0,
        SubjectKind::Flow => kinds[0].1,
        SubjectKind::Boundary => kinds[0].1 + kinds[1].1,
        SubjectKind::Model => kinds[0].1 + kinds[1].1 + kinds[2].1,
    };
    let in_range = |e: &Element| (e.index as usize) < kinds[e.kind as usize].1;
    if examined.len() * 8 < total || !examined.iter().all(in_range) {
        examined.sort_unstable();
        examined.dedup();
        return examined;
    }
    marks.clear();
    marks.resize(total, false);
    for e in &examined {
        marks[offset(e.kind) + e.index as usize] = true;
    }
    examined.clear();
    for (kind, len) in kinds {
        let start = offset(kind);
        for (index, marked) in marks[start..start + len].iter().enumerate() {
            if *marked {
                examined.push(Element {
                    kind,
                    index: index as u32,
                });
            }
        }
    }
    examined
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Model,
    Findings,
}

/// Subjects by rank: equal ranks exactly for equal subjects (kind and id), and ranks in the
/// order of subjects (kind, then id), so counting and sorting compare integers, not strings.
/// Nodes, then flows, then boundaries, then the model, each by id.
struct SubjectRanks {
    /// By position in `model.nodes`, `model.flows`, `model.boundaries`.
    nodes: Vec<u32>,
    flows: Vec<u32>,
    boundaries: Vec<u32>,
    /// The rank of the model (one past the last boundary's).
    model: u32,
}

impl SubjectRanks {
    fn new(model: &Model, analysis: &Analysis) -> SubjectRanks {
        let mut next = 0u32;
        // `order` lists the elements' indexes in the order of their ids; repeated ids (which
        // loading rules out) share a rank, as equal subjects must.
        let mut ranks = |count: usize, order: &mut dyn Iterator<Item = (usize, &str)>| {
            let mut ranks = vec![0u32; count];
            let mut previous: Option<&str> = None;
            for (index, id) in order {
                if previous.is_some_and(|p| p != id) {
                    next += 1;
                }
                previous = Some(id);
                ranks[index] = next;
            }
            if previous.is_some() {
                next += 1;
            }
            ranks
        };
        let nodes = ranks(
            model.nodes.len(),
            &mut (0..analysis.nodes.len()).map(|n| {
                let index = analysis.node_element(n).index as usize;
                (index, model.nodes[index].id.as_str())
            }),
        );
        let flows = ranks(
            model.flows.len(),
            &mut (0..analysis.flows.len()).map(|f| {
                let index = analysis.flow_element(f).index as usize;
                (index, model.flows[index].id.as_str())
            }),
        );
        let by_id = crate::engine::order_by_id(model.boundaries.iter().map(|b| b.id.as_str()));
        let boundaries = ranks(
            model.boundaries.len(),
            &mut by_id.iter().map(|b| {
                let b = *b as usize;
                (b, model.boundaries[b].id.as_str())
            }),
        );
        SubjectRanks {
            nodes,
            flows,
            boundaries,
            model: next,
        }
    }

    fn rank(&self, element: Element) -> u32 {
        let index = element.index as usize;
        match element.kind {
            SubjectKind::Node => self.nodes[index],
            SubjectKind::Flow => self.flows[index],
            SubjectKind::Boundary => self.boundaries[index],
            SubjectKind::Model => self.model,
        }
    }

    fn count(&self) -> usize {
        self.model as usize + 1
    }
}

/// A current waiver (not expired on `options.today`) suppresses exactly the findings of its
/// rule on its subject; they stay in the report, marked waived.
fn apply_waivers(
    model: &Model,
    options: &CheckOptions,
    runs: &[RuleRun],
    made: &[(u32, u32)],
    findings: &mut [Finding],
) {
    if model.waivers.is_empty() {
        return;
    }
    // (rule, subject) → the waivers naming them, in model order.
    let mut by_pair: FxHashMap<(&str, &str), Vec<&crate::model::Waiver>> = FxHashMap::default();
    for w in &model.waivers {
        by_pair
            .entry((w.rule.as_str(), w.subject.as_str()))
            .or_default()
            .push(w);
    }
    // Only the findings of rules some waiver names can be waived.
    let named: Vec<bool> = runs
        .iter()
        .map(|run| model.waivers.iter().any(|w| w.rule == run.rule.id))
        .collect();
    for (finding, (run, _)) in findings.iter_mut().zip(made) {
        if !named[*run as usize] {
            continue;
        }
        let Some(candidates) = by_pair.get(&(finding.rule, finding.subject.id.as_str())) else {
            continue;
        };
        let waiver = candidates.iter().copied().find(|w| {
            options
                .today
                .is_none_or(|today| crate::date::is_current(w.expires, today))
        });
        if let Some(waiver) = waiver {
            finding.waived = true;
            finding.waiver = Some(waiver.clone());
        }
    }
}

/// Per run: subjects with a finding that is not waived, and subjects whose findings are all
/// waived. A run's findings are made one after another, so one mark per subject and run
/// (the run's number) counts each subject once without clearing anything between runs.
fn count_exceptions(
    findings: &[Finding],
    made: &[(u32, u32)],
    subjects: &SubjectRanks,
    runs: &mut [RuleRun],
) {
    let mut open = vec![0u32; subjects.count()];
    let mut waived = vec![0u32; subjects.count()];
    let mut start = 0;
    while start < made.len() {
        let run = made[start].0;
        let end = start + made[start..].iter().take_while(|(r, _)| *r == run).count();
        let mark = run + 1;
        let (mut exceptions, mut all_waived) = (0, 0);
        for (finding, (_, rank)) in findings[start..end].iter().zip(&made[start..end]) {
            let rank = *rank as usize;
            if !finding.waived && open[rank] != mark {
                open[rank] = mark;
                exceptions += 1;
            }
        }
        for (finding, (_, rank)) in findings[start..end].iter().zip(&made[start..end]) {
            let rank = *rank as usize;
            if finding.waived && open[rank] != mark && waived[rank] != mark {
                waived[rank] = mark;
                all_waived += 1;
            }
        }
        runs[run as usize].exceptions = exceptions;
        runs[run as usize].waived = all_waived;
        start = end;
    }
}

/// The findings in the order of [`sort_findings`], which compares strings; here the same order
/// from integer keys (severity, the rule's place among the rule ids, the subject's rank),
/// with fingerprints compared only between findings of one rule on one subject.
fn sorted(findings: Vec<Finding>, made: &[(u32, u32)], runs: &[RuleRun]) -> Vec<Finding> {
    // A rule's place among the rule ids (ids are unique; a few dozen runs, so counting is
    // as quick as sorting and adds no sort to the wasm module).
    let rule_rank: Vec<u64> = runs
        .iter()
        .map(|run| {
            runs.iter()
                .filter(|other| other.rule.id < run.rule.id)
                .count() as u64
        })
        .collect();
    let mut keys: Vec<(u64, u32)> = findings
        .iter()
        .zip(made)
        .enumerate()
        .map(|(i, (finding, (run, rank)))| {
            let severity = 3 - finding.severity as u64;
            let kind = finding.subject.kind as u64;
            let key =
                severity << 62 | rule_rank[*run as usize] << 40 | kind << 36 | u64::from(*rank);
            (key, i as u32)
        })
        .collect();
    // Equal keys (one rule reporting twice on a subject, rare): by fingerprint, then in the
    // order made, as the stable sort did.
    keys.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            findings[a.1 as usize]
                .fingerprint
                .cmp(&findings[b.1 as usize].fingerprint)
                .then(a.1.cmp(&b.1))
        })
    });
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    keys.into_iter()
        .map(|(_, i)| slots[i as usize].take().expect("each finding once"))
        .collect()
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
    let mut input = Vec::new();
    fingerprint_input(&mut input, rule, subject, key);
    fingerprint_of(&input)
}

/// What a fingerprint hashes: `flowmap-finding/1`, rule, kind, id and key, 0-separated.
fn fingerprint_input(out: &mut Vec<u8>, rule: &str, subject: &Subject, key: Option<&str>) {
    out.clear();
    out.extend_from_slice(b"flowmap-finding/1\0");
    out.extend_from_slice(rule.as_bytes());
    out.push(0);
    push_subject(out, subject, key);
}

fn push_subject(out: &mut Vec<u8>, subject: &Subject, key: Option<&str>) {
    out.extend_from_slice(subject.kind.as_str().as_bytes());
    out.push(0);
    out.extend_from_slice(subject.id.as_bytes());
    if let Some(key) = key {
        out.push(0);
        out.extend_from_slice(key.as_bytes());
    }
}

fn fingerprint_of(input: &[u8]) -> String {
    hex(&Sha256::digest(input)[..16])
}

/// Fingerprint inputs → the fingerprint and the last check that used it.
type Known = FxHashMap<Box<[u8]>, (String, u64)>;

/// Fingerprints already computed, by what they hash: a finding that persists from one check
/// to the next (most of them, in an editor) is not hashed again. Entries not used by a check
/// are dropped once they outnumber those used, so the cache stays within twice a report.
#[derive(Debug, Default)]
struct Fingerprints {
    /// `None`: a single check, nothing kept.
    known: Option<Known>,
    /// The number of the current check (entries remember the last check that used them).
    generation: u64,
    used: usize,
    /// The input being built.
    input: Vec<u8>,
}

impl Fingerprints {
    /// The length of the input's prefix for `rule` (the prefix is kept in `input`).
    fn prefix(&mut self, rule: &str) -> usize {
        self.input.clear();
        self.input.extend_from_slice(b"flowmap-finding/1\0");
        self.input.extend_from_slice(rule.as_bytes());
        self.input.push(0);
        self.input.len()
    }

    /// The fingerprint of a finding of the rule of the last [`Self::prefix`].
    fn get(&mut self, prefix: usize, subject: &Subject, key: Option<&str>) -> String {
        self.input.truncate(prefix);
        push_subject(&mut self.input, subject, key);
        let Some(known) = &mut self.known else {
            return fingerprint_of(&self.input);
        };
        self.used += 1;
        if let Some((fingerprint, generation)) = known.get_mut(&self.input[..]) {
            *generation = self.generation;
            return fingerprint.clone();
        }
        let fingerprint = fingerprint_of(&self.input);
        known.insert(
            self.input.as_slice().into(),
            (fingerprint.clone(), self.generation),
        );
        fingerprint
    }

    fn end_check(&mut self) {
        let current = self.generation;
        if let Some(known) = &mut self.known {
            if known.len() > 2 * self.used {
                known.retain(|_, (_, generation)| *generation == current);
            }
        }
        self.generation += 1;
        self.used = 0;
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // Digits into a buffer on the stack, then one copy: pushing one at a time costs a
    // capacity check each (~100 wasm instructions a digit at opt-level "z").
    let mut buffer = [0u8; 64];
    let mut out = String::with_capacity(bytes.len() * 2);
    for chunk in bytes.chunks(buffer.len() / 2) {
        for (pair, b) in buffer.chunks_exact_mut(2).zip(chunk) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0xf)];
        }
        out.push_str(
            std::str::from_utf8(&buffer[..chunk.len() * 2]).expect("hex digits are ASCII"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::ops;
    use crate::generate::{generate, GenerateSpec};

    /// Everything a report holds, as text (`RuleRun` has no `PartialEq`).
    fn text(report: &Report) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            report.findings, report.summary, report.runs, report.skipped, report.today
        )
    }

    #[test]
    fn a_checker_reports_exactly_what_a_fresh_check_does() {
        let mut model = generate(&GenerateSpec::new(300));
        let today = Some(crate::date::Date::parse("2026-11-22").unwrap());
        let options = CheckOptions {
            today,
            ..CheckOptions::default()
        };
        let mut checker = Checker::new();
        let mut steps = Vec::new();
        // The same model twice, then edits that change, add and remove findings.
        steps.push(model.clone());
        steps.push(model.clone());
        let mut flow = model.flows[7].clone();
        flow.encrypted = !flow.encrypted;
        flow.authenticated = !flow.authenticated;
        model = ops::update_flow(&model, flow).unwrap();
        steps.push(model.clone());
        let ids: Vec<String> = model.nodes[..40].iter().map(|n| n.id.clone()).collect();
        model = ops::delete(&model, &ids);
        steps.push(model.clone());
        let mut node = model.nodes[3].clone();
        node.logging = !node.logging;
        node.owner = None;
        model = ops::update_node(&model, node).unwrap();
        steps.push(model.clone());
        // Most findings gone (the cache drops what it no longer uses), then back.
        steps.push(ops::delete(
            &model,
            &model.nodes.iter().map(|n| n.id.clone()).collect::<Vec<_>>(),
        ));
        steps.push(model.clone());
        for (i, step) in steps.iter().enumerate() {
            let fresh = check(step, &options);
            let reused = checker.check(step, &options);
            assert_eq!(text(&fresh), text(&reused), "step {i}");
            let plain = check(step, &CheckOptions::default());
            assert_eq!(
                text(&plain),
                text(&checker.check(step, &CheckOptions::default())),
                "step {i}, no date"
            );
        }
    }

    #[test]
    fn fingerprints_are_sha256_of_rule_kind_and_id() {
        let subject = Subject {
            kind: SubjectKind::Node,
            id: "orders-db".to_owned(),
        };
        let mut hasher = Sha256::new();
        hasher.update(b"flowmap-finding/1\0ENC-004\0node\0orders-db");
        let expected: String = hasher.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(fingerprint("ENC-004", &subject, None), expected);
        let mut fingerprints = Fingerprints {
            known: Some(FxHashMap::default()),
            ..Fingerprints::default()
        };
        let prefix = fingerprints.prefix("ENC-004");
        assert_eq!(fingerprints.get(prefix, &subject, None), expected);
        assert_eq!(fingerprints.get(prefix, &subject, None), expected);
        assert_ne!(fingerprints.get(prefix, &subject, Some("k")), expected);
    }
}
