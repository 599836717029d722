use super::common::within_zone;
use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::finding::Severity;
use crate::model::{Hosting, NodeKind};

declare_rule! {
    /// ## What it does
    /// Flags a store that exchanges data directly with a trusted node outside its trust zone
    /// (the innermost network, account or vendor boundary): a service in another account, a
    /// function outside the VPC that holds the database. Graded **high** when the store holds
    /// or receives sensitive data (tier 3 or above). One finding per store names the flows.
    ///
    /// Refinements of the catalog's condition ("an incoming flow that crosses a boundary"):
    /// - Flows are drawn in the direction data moves, so a read is drawn store → reader. Both
    ///   directions are judged: a reader in another zone reaches the store just as a writer
    ///   does.
    /// - A node nested inside the store's zone (a function in a VPC writing to a bucket that
    ///   sits in the enclosing account) does not reach the store *from outside* its zone and
    ///   is not judged; otherwise every VPC workload using an account-level managed service
    ///   would be flagged.
    /// - Flows with an untrusted node at the other end (actor, external, internet) are
    ///   BND-002's (internet-facing store), graded higher there.
    /// - SaaS stores (`hosting: saas`) are reached over the provider's network by design;
    ///   where they sit is the provider's layer.
    /// - A store or a node in no trust zone cannot be judged; an element outside every
    ///   boundary is INV-001's (incomplete model).
    ///
    /// ## Why is this bad?
    /// A data store reachable from another trust zone widens the set of networks, accounts
    /// and identities that can connect to it: a compromise in the other zone goes straight to
    /// the data without passing a service that enforces business rules. Zones exist to keep
    /// that blast radius small (SOC 2 CC6.6, ISO 27001 A.8.22, NIST SC-7, AC-4).
    ///
    /// ## Example
    /// A reporting function in the shared-services account reads `orders-db`, which sits in
    /// the production VPC: `{ "from": "orders-db", "to": "reporting-fn", "data": ["personal"] }`.
    ///
    /// ## How to fix
    /// Put a service in the store's zone in front of it (an API that the other zone calls),
    /// replicate the data the other zone needs into its own store, or move the node into the
    /// store's zone. If the access is deliberate and guarded (a private endpoint with a
    /// resource policy), record a waiver with the reason.
    pub static BND_001 = Rule {
        id: "BND-001",
        name: "store-reached-across-boundary",
        summary: "A store exchanges data directly with a trusted node outside its trust zone.",
        population: "Every store inside a trust zone (a network, account or vendor boundary), SaaS stores excepted.",
        severity: Medium,
        families: [BoundaryProtection],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        if node.kind != NodeKind::Store || node.hosting == Some(Hosting::Saas) {
            continue;
        }
        let Some(zone) = a.zone[n] else {
            continue;
        };
        out.examine(a.node_element(n));
        let outside = |other: usize| {
            !a.untrusted[other]
                && a.zone[other].is_some_and(|theirs| theirs != zone)
                && !within_zone(a, other, zone)
        };
        let mut parts = Vec::new();
        let mut flows: Vec<usize> = a.incoming(n).chain(a.outgoing(n)).collect();
        flows.sort_unstable();
        flows.dedup();
        for f in flows {
            let (from, to) = a.ends[f];
            if to == n && from != n && outside(from) {
                parts.push(format!("{} from {}", a.flow_label(f), a.node_label(from)));
            } else if from == n && to != n && outside(to) {
                parts.push(format!("{} to {}", a.flow_label(f), a.node_label(to)));
            }
        }
        if parts.is_empty() {
            continue;
        }
        let sensitive = a.reach[n].intersection(a.sensitive);
        let what = if sensitive.is_empty() {
            String::new()
        } else {
            format!(" with {}", a.class_list(sensitive))
        };
        let report = out.report(
            a.node_element(n),
            format!(
                "{}{what} is reached from outside its trust zone: {}",
                a.kind_label(n),
                parts.join("; ")
            ),
        );
        if !sensitive.is_empty() {
            report.severity(Severity::High);
        }
    }
}
