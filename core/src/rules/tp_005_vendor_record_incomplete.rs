use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::finding::Severity;
use crate::model::NodeKind;

declare_rule! {
    /// ## What it does
    /// Flags an external with no owner (the team that manages the vendor relationship) or no
    /// vendor record (`vendor` absent, or with neither agreements nor attestations). Graded
    /// **medium** when sensitive data (tier 3 or above) reaches the external.
    ///
    /// Externals are judged here and not by OWN-001 (missing owner), so a vendor without an
    /// owner is reported once; the grading mirrors OWN-001's. What the record must contain is
    /// judged by TP-001 (DPA), TP-003 (BAA, PCI AOC) and TP-004 (attestations), each for the
    /// data that needs it; this rule asks that the record exist at all, because the vendor
    /// inventory is built from it.
    ///
    /// ## Why is this bad?
    /// A vendor nobody owns is a vendor nobody reviews: contracts lapse, attestations expire
    /// and access is never revoked. SOC 2 CC9.2 and ISO 27001 A.5.19/A.5.9 expect an
    /// inventory of suppliers with an accountable owner for each.
    ///
    /// ## Example
    /// ```json
    /// { "id": "geo-api", "kind": "external", "name": "Geocoding API" }
    /// ```
    ///
    /// ## How to fix
    /// Name the owning team (`"owner": "platform-team"`) and record the vendor's agreements
    /// and attestations (`"vendor": { "agreements": ["msa"], "attestations": [...] }`).
    pub static TP_005 = Rule {
        id: "TP-005",
        name: "vendor-record-incomplete",
        summary: "An external has no owner or no vendor record.",
        population: "Every external.",
        severity: Low,
        families: [ThirdParties, Ownership],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        if node.kind != NodeKind::External {
            continue;
        }
        out.examine(a.node_element(n));
        let mut missing = Vec::new();
        if node.owner.as_deref().is_none_or(|o| o.trim().is_empty()) {
            missing.push("no owner");
        }
        let has_record = node
            .vendor
            .as_ref()
            .is_some_and(|v| !v.agreements.is_empty() || !v.attestations.is_empty());
        if !has_record {
            missing.push("no vendor record (agreements, attestations)");
        }
        if missing.is_empty() {
            continue;
        }
        let sensitive = a.reach[n].intersection(a.sensitive);
        let mut message = format!(
            "Third party {} has {}",
            a.node_label(n),
            missing.join(" and ")
        );
        if !sensitive.is_empty() {
            message.push_str(&format!(" but receives {}", a.class_list(sensitive)));
        }
        let report = out.report(a.node_element(n), message);
        if !sensitive.is_empty() {
            report.severity(Severity::Medium);
        }
    }
}
