use super::common::{region_of, restricted};
use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::NodeKind;

declare_rule! {
    /// ## What it does
    /// Flags a node that residency-restricted data reaches (a class with `residency`,
    /// declared, held or propagated) when neither the node nor any boundary around it states
    /// a `region`, so RES-001 and RES-002 cannot judge it. Actors are not judged: they are
    /// people and their devices, whose location the model cannot fix; data returned to the
    /// person it is about is not a transfer. (The catalog judged every node.)
    ///
    /// ## Why is this bad?
    /// A residency restriction you cannot check is one you cannot show you meet: auditors
    /// and regulators ask where each copy of restricted data is processed, and a vendor or
    /// service with no known region is the usual gap (SOC 2 CC2.1, ISO 27001 A.5.9, A.5.31,
    /// NIST CM-8, SA-9(5)).
    ///
    /// ## Example
    /// `personal` allows only `eu`; the e-mail vendor that receives it has no `region`.
    ///
    /// ## How to fix
    /// Record the region on the node (`"region": "eu-west-1"`) or on its boundary; for a
    /// vendor, the region its contract or data processing agreement names.
    pub static RES_003 = Rule {
        id: "RES-003",
        name: "region-unknown",
        summary: "A node receiving residency-restricted data has no known region.",
        population: "Every node but actors that residency-restricted data reaches.",
        severity: Low,
        families: [Residency, Inventory],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    let restricted = restricted(a);
    for (n, node) in a.nodes.iter().enumerate() {
        if node.kind == NodeKind::Actor {
            continue;
        }
        let received = a.reach[n].intersection(restricted);
        if received.is_empty() {
            continue;
        }
        out.examine(a.node_element(n));
        if region_of(a, n).is_some() {
            continue;
        }
        let message = format!(
            "{} receives {}, which may be processed only in some regions, but has no region",
            a.kind_label(n),
            a.class_list(received)
        );
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, received),
        );
    }
}
