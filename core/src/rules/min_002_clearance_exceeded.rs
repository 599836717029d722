use super::{declare_rule, Sink};
use crate::engine::Analysis;

declare_rule! {
    /// ## What it does
    /// Flags a node that declares a `clearance` (the highest data-class tier it may receive)
    /// when a class above that tier reaches it: declared on a flow into it, held (for stores
    /// and queues), or arriving by propagation, with the witness path from where it entered.
    ///
    /// ## Why is this bad?
    /// The clearance records a decision: this analytics store, this vendor, this test
    /// environment was approved for data up to a level, and its protections were sized to
    /// it. Data above it arrives where nobody accepted it, usually unnoticed (SOC 2 C1.1,
    /// ISO 27001 A.8.12 Data leakage prevention, NIST AC-4 information flow enforcement).
    ///
    /// ## Example
    /// ```json
    /// { "id": "analytics", "kind": "store", "clearance": 2 }
    /// ```
    /// receiving events from a function that handles `personal` data (tier 3).
    ///
    /// ## How to fix
    /// Remove the data before it gets there (a node that `strips` it, pseudonymised
    /// identifiers, a `gateway` that forwards only declared classes) or, if the node was
    /// re-approved for the data, raise its `clearance` and its protections with it.
    pub static MIN_002 = Rule {
        id: "MIN-002",
        name: "clearance-exceeded",
        summary: "A node receives data above the tier it is cleared for.",
        population: "Every node that declares a clearance.",
        severity: High,
        families: [Minimisation, BoundaryProtection],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        let Some(clearance) = node.clearance else {
            continue;
        };
        out.examine(a.node_element(n));
        let above = a.taxonomy.set_where(|c| c.tier > clearance);
        let found = a.reach[n].intersection(above);
        if found.is_empty() {
            continue;
        }
        let listed: Vec<String> = found
            .iter()
            .map(|c| {
                let class = a.taxonomy.class(c);
                format!("{} (tier {})", class.id, class.tier)
            })
            .collect();
        let message = format!(
            "{} is cleared for tier {clearance} but receives {}",
            a.kind_label(n),
            listed.join(", ")
        );
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, found),
        );
    }
}
