use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;
use crate::finding::Severity;
use crate::model::NodeKind;

declare_rule! {
    /// ## What it does
    /// Flags a service, store or queue with no `owner` (absent or blank). Graded **medium**
    /// when sensitive data (tier 3 or above) reaches it.
    ///
    /// The catalog included externals; an external's owner is part of its vendor record and
    /// is judged by TP-005 (vendor record incomplete) with the same grading, so a vendor
    /// without an owner is reported once. Actors are people and clients, owned by nobody in
    /// the team's sense.
    ///
    /// ## Why is this bad?
    /// A component nobody owns is patched by nobody, reviewed by nobody and answers nobody's
    /// incident page. Auditors expect every asset in the inventory to have an accountable
    /// owner (SOC 2 CC1.3, CC2.1; ISO 27001 A.5.9 Inventory of information and other
    /// associated assets; NIST CM-8(4)).
    ///
    /// ## Example
    /// ```json
    /// { "id": "legacy-reports", "kind": "store", "holds": ["personal"] }
    /// ```
    ///
    /// ## How to fix
    /// Name the owning team: `"owner": "orders-team"`. If nobody will own it, that is a
    /// reason to decommission it.
    pub static OWN_001 = Rule {
        id: "OWN-001",
        name: "missing-owner",
        summary: "A service, store or queue has no owner.",
        population: "Every service, store and queue.",
        severity: Low,
        families: [Ownership],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        if !matches!(
            node.kind,
            NodeKind::Service | NodeKind::Store | NodeKind::Queue
        ) {
            continue;
        }
        out.examine(a.node_element(n));
        if node.owner.as_deref().is_some_and(|o| !o.trim().is_empty()) {
            continue;
        }
        let sensitive = a.reach[n].intersection(a.sensitive);
        if sensitive.is_empty() {
            out.report(
                a.node_element(n),
                Message::new(a).kind(n).text(" has no owner").done(),
            );
        } else {
            out.report(
                a.node_element(n),
                Message::new(a)
                    .kind(n)
                    .text(" handles ")
                    .classes(sensitive)
                    .text(" but has no owner")
                    .done(),
            )
            .severity(Severity::Medium);
        }
    }
}
