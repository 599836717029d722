use super::common::{not_allowed_in, region_of, residency_list, restricted};
use super::{declare_rule, Sink};
use crate::engine::Analysis;

declare_rule! {
    /// ## What it does
    /// Flags a node in a region where a class that reaches it may not be: the class lists
    /// allowed regions (`residency`) and the node's region is not among them. The data may
    /// be declared on a flow into the node, held by it, or arrive by propagation (with the
    /// witness path from where it entered).
    ///
    /// A node's region is its own `region`, else that of the nearest enclosing boundary
    /// that states one. An allowed entry matches a region exactly or as a prefix: `eu`
    /// allows `eu-west-1` and `eu-central-1` (the catalog left matching unspecified;
    /// residency rules are usually stated for a jurisdiction, not one data centre). A region
    /// such as `global` (an edge network) matches no restriction. Nodes whose region is
    /// unknown are RES-003's.
    ///
    /// RES-002 reports the flow on which the data leaves its allowed regions; this rule
    /// reports every node where it ends up, since each has to be moved or cut off.
    ///
    /// ## Why is this bad?
    /// Residency restrictions come from law (GDPR Chapter V, national health-data and
    /// banking rules) or from contracts with customers. Processing the data elsewhere breaks
    /// them whatever the security of the node (SOC 2 CC2.1/CC3.4, ISO 27001 A.5.31, A.5.34,
    /// NIST SA-9(5)).
    ///
    /// ## Example
    /// `personal` is redefined with `"residency": ["eu"]` and reaches `analytics-db` in
    /// `us-east-1`.
    ///
    /// ## How to fix
    /// Run the node in an allowed region, or stop the class before it gets there (a node
    /// that `strips` or anonymises it). If a transfer is lawful (adequacy decision, SCCs),
    /// add the region to the class's `residency` and record the basis.
    pub static RES_001 = Rule {
        id: "RES-001",
        name: "data-outside-allowed-region",
        summary: "A class with allowed regions reaches a node in another region.",
        population: "Every node with a known region that residency-restricted data reaches.",
        severity: High,
        families: [Residency],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    let restricted = restricted(a);
    for n in 0..a.nodes.len() {
        let received = a.reach[n].intersection(restricted);
        if received.is_empty() {
            continue;
        }
        let Some(region) = region_of(a, n) else {
            continue;
        };
        out.examine(a.node_element(n));
        let outside = not_allowed_in(a, received, region);
        if outside.is_empty() {
            continue;
        }
        let message = format!(
            "{} in {region} receives {}",
            a.kind_label(n),
            residency_list(a, outside)
        );
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, outside),
        );
    }
}
