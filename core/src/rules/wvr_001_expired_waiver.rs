use super::{declare_rule, Outcome, Sink};
use crate::engine::Analysis;

declare_rule! {
    /// ## What it does
    /// Flags a waiver whose `expires` day has passed (the day of the check is passed in: the
    /// CLI uses today's UTC date, `--today` overrides). A waiver is current through its
    /// expiry date, inclusive, like an attestation (`docs/format.md`, "Expiry"). An expired
    /// waiver no longer suppresses the finding it names: that finding is reported again as
    /// well.
    ///
    /// Only waivers of rules that ran are judged.
    ///
    /// ## Why is this bad?
    /// A risk acceptance is a decision with a shelf life. Once it lapses, nobody has accepted
    /// the risk any more, and an auditor will ask who decided to keep it (SOC 2 CC9.1,
    /// NIST CA-5, RA-7).
    ///
    /// ## Example
    /// ```json
    /// { "rule": "LOG-002", "subject": "checkout", "reason": "Edge logs cover it",
    ///   "approved_by": "CISO", "expires": "2026-01-31" }
    /// ```
    /// checked on 2026-11-22.
    ///
    /// ## How to fix
    /// Fix the finding and delete the waiver, or have the approver review the risk again and
    /// set a new expiry.
    pub static WVR_001 = Rule {
        id: "WVR-001",
        name: "expired-waiver",
        summary: "A waiver has expired, so the finding it covered is reported again.",
        population: "The subject of every waiver of a rule that ran.",
        severity: Medium,
        families: [RiskAcceptance],
        check_findings: check,
    };
}

fn check(a: &Analysis, outcome: &Outcome, out: &mut Sink) {
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
        let Some(today) = a.today else { continue };
        if !crate::date::is_current(waiver.expires, today) {
            out.report(
                subject,
                format!(
                    "The waiver of {} on `{}` (approved by {}: \"{}\") expired after {}",
                    waiver.rule, waiver.subject, waiver.approved_by, waiver.reason, waiver.expires
                ),
            )
            .key(&waiver.rule);
        }
    }
}
