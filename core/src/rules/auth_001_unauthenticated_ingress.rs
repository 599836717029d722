use super::{declare_rule, Sink};
use crate::engine::Analysis;

declare_rule! {
    /// ## What it does
    /// Flags a flow from an untrusted node (an actor, an external, or anything in an
    /// `internet` boundary) into a trusted node when the flow is not authenticated and the
    /// receiving node does not authenticate (`authenticates` absent or `false`).
    ///
    /// A flow that declares only tier-0 data (`public`: page loads, static assets) is
    /// anonymous by design and is not judged; the catalog's condition flagged every public
    /// website, which would bury the findings that matter.
    ///
    /// ## Why is this bad?
    /// The receiver cannot tell a legitimate caller from anyone else on the internet:
    /// spoofed webhooks, scraped APIs and injected events all arrive as trusted input
    /// (SOC 2 CC6.1, ISO 27001 A.8.5, NIST IA-2/IA-9).
    ///
    /// ## Example
    /// ```json
    /// { "id": "webhook", "from": "payment-vendor", "to": "webhook-fn", "encrypted": true }
    /// ```
    /// The vendor's webhook reaches a function that verifies no signature.
    ///
    /// ## How to fix
    /// Authenticate the caller (an authorizer on the API gateway, mutual TLS, signed
    /// webhooks with a verified signature) and mark the flow `"authenticated": true` or the
    /// receiving node `"authenticates": true`.
    pub static AUTH_001 = Rule {
        id: "AUTH-001",
        name: "unauthenticated-ingress",
        summary: "A flow from an untrusted source reaches a node without authentication.",
        population: "Every flow from an untrusted node (an actor, an external, or a node inside an internet boundary) to a trusted node, except flows that carry public data only.",
        severity: High,
        families: [Authentication],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for f in 0..a.flows.len() {
        let (from, to) = a.ends[f];
        if !a.untrusted[from] || a.untrusted[to] || is_public_only(a, f) {
            continue;
        }
        out.examine(a.flow_element(f));
        if a.flows[f].authenticated || a.nodes[to].authenticates {
            continue;
        }
        out.report(
            a.flow_element(f),
            format!(
                "Flow {} lets untrusted {} reach {} without authentication",
                a.flow_label(f),
                a.node_label(from),
                a.node_label(to)
            ),
        );
    }
}

/// Declares data, and all of it is tier 0.
fn is_public_only(a: &Analysis, f: usize) -> bool {
    let carried = a.carried[f];
    !carried.is_empty() && a.taxonomy.max_tier(carried) == Some(0)
}
