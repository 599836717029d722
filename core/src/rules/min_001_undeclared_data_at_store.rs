use super::common::classes;
use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;
use crate::finding::Severity;
use crate::model::{NodeKind, Role};
use crate::taxonomy::ClassSet;

declare_rule! {
    /// ## What it does
    /// Flags a store or queue that data classes reach although nobody declared them there.
    /// What counts as declared:
    /// - a store or queue that lists what it `holds` declares exactly that: any other class
    ///   reaching it, on a flow or by propagation, is undeclared;
    /// - a store or queue that lists nothing is described by the flows drawn into it: only
    ///   classes that arrive by propagation alone, declared on no flow into it, are
    ///   undeclared. (The catalog's condition read an empty `holds` as "declares nothing",
    ///   which flags every store of a model that describes data on flows, as most do.)
    ///
    /// Graded **high** when an undeclared class is sensitive (tier 3 or above), low
    /// otherwise. The witness path shows where propagated data entered.
    ///
    /// A log sink receives whatever the nodes that log to it handle, by design; there only
    /// sensitive classes are judged, and of those not personal data, credentials, cardholder
    /// data or sensitive authentication data, which LOG-003 reports (so a model's own
    /// sensitive classes, say a tier-4 `trade-secret`, are still caught in logs).
    ///
    /// ## Why is this bad?
    /// The data inventory is wrong exactly where it matters: retention, access reviews,
    /// encryption and deletion requests are planned from what a store is said to hold.
    /// Undeclared sensitive data is data nobody protects on purpose (SOC 2 CC2.1, P3.1, ISO
    /// 27001 A.5.12, A.8.10, NIST CM-13, PM-5(1)).
    ///
    /// ## Example
    /// `orders-db` declares `"holds": ["order-ref"]`, but the checkout function writing to
    /// it receives `personal` data from the API: personal data reaches the store undeclared.
    ///
    /// ## How to fix
    /// If the data belongs there, add it to the store's `holds` (and review the store's
    /// protections); if not, stop it upstream: a node that `strips` it, a `gateway` that
    /// forwards only declared data, or a narrower flow.
    pub static MIN_001 = Rule {
        id: "MIN-001",
        name: "undeclared-data-at-store",
        summary: "Data classes reach a store or queue that nobody declared there.",
        population: "Every store and queue.",
        severity: Low,
        families: [Minimisation, Inventory],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    let in_logs = a
        .personal
        .union(classes(a, &["credentials", "cardholder", "sad"]));
    for (n, node) in a.nodes.iter().enumerate() {
        if !matches!(node.kind, NodeKind::Store | NodeKind::Queue) {
            continue;
        }
        out.examine(a.node_element(n));
        let declared_in = a
            .incoming(n)
            .fold(ClassSet::EMPTY, |acc, f| acc.union(a.declared[f]));
        let declares_holds = !a.held[n].is_empty();
        let mut undeclared = if declares_holds {
            a.reach[n].difference(a.held[n])
        } else {
            a.reach[n].difference(declared_in)
        };
        if node.role == Some(Role::LogSink) {
            undeclared = undeclared.intersection(a.sensitive).difference(in_logs);
        }
        if undeclared.is_empty() {
            continue;
        }
        let message = Message::new(a)
            .kind(n)
            .text(" receives ")
            .classes(undeclared)
            .text(if declares_holds {
                ", which its `holds` does not list"
            } else {
                " that no flow into it declares"
            })
            .done();
        let report = out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, undeclared),
        );
        if undeclared.intersects(a.sensitive) {
            report.severity(Severity::High);
        }
    }
}
