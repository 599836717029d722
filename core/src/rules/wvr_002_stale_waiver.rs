use std::collections::HashSet;

use super::{declare_rule, Outcome, Sink};
use crate::engine::Analysis;

declare_rule! {
    /// ## What it does
    /// Flags a waiver that matches no finding: its rule ran, but found nothing on its subject
    /// (the problem was fixed, or the waiver names the wrong rule or element).
    ///
    /// Only waivers of rules that ran are judged, so `--only` and `--disable` never make a
    /// waiver look stale.
    ///
    /// ## Why is this bad?
    /// A stale waiver is a loaded gun: if the problem comes back it is silently suppressed,
    /// without anyone accepting the risk again. It also clutters the exception list an auditor
    /// reads (SOC 2 CC9.1, ISO 27001 A.5.36).
    ///
    /// ## Example
    /// A waiver of `ENC-004` on `receipts` after the bucket's default encryption was switched
    /// on and the model says `"encryption_at_rest": "provider"`.
    ///
    /// ## How to fix
    /// Delete the waiver, or correct its `rule` or `subject`.
    pub static WVR_002 = Rule {
        id: "WVR-002",
        name: "stale-waiver",
        summary: "A waiver matches no finding.",
        population: "The subject of every waiver of a rule that ran.",
        severity: Low,
        families: [RiskAcceptance],
        check_findings: check,
    };
}

fn check(a: &Analysis, outcome: &Outcome, out: &mut Sink) {
    // The (rule, subject) pairs that have a finding, among those some waiver names: one pass
    // over the findings instead of one per waiver.
    let waived: HashSet<(&str, &str)> = a
        .model
        .waivers
        .iter()
        .map(|w| (w.rule.as_str(), w.subject.as_str()))
        .collect();
    let mut found: HashSet<(&str, &str)> = HashSet::new();
    if !waived.is_empty() {
        let rules: HashSet<&str> = waived.iter().map(|(rule, _)| *rule).collect();
        for f in outcome.findings {
            if rules.contains(f.rule) {
                let key = (f.rule, f.subject.id.as_str());
                if waived.contains(&key) {
                    found.insert(key);
                }
            }
        }
    }
    for waiver in &a.model.waivers {
        let (Some(rule), Some(subject)) =
            (super::find(&waiver.rule), a.element_of(&waiver.subject))
        else {
            continue;
        };
        if !outcome.ran.contains(rule.id) {
            continue;
        }
        out.examine(subject);
        let matched = found.contains(&(rule.id, waiver.subject.as_str()));
        if !matched {
            out.report(
                subject,
                format!(
                    "The waiver of {} on `{}` matches no finding: {} finds nothing there",
                    waiver.rule, waiver.subject, waiver.rule
                ),
            )
            .key(&waiver.rule);
        }
    }
}
