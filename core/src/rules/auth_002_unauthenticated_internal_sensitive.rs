use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;

declare_rule! {
    /// ## What it does
    /// Flags an internal flow — both ends trusted, neither an actor nor an external nor in an
    /// `internet` boundary — that carries sensitive data (tier 3 or above, declared or
    /// propagated) when the flow is not authenticated and the receiving node does not
    /// authenticate (`authenticates` absent or `false`), the same test AUTH-001 applies at
    /// the edge. The witness path shows where propagated data entered.
    ///
    /// Flows from untrusted sources are AUTH-001's. The catalog also took in flows *to*
    /// untrusted nodes (responses to a browser, calls out to a vendor); whether an actor or a
    /// vendor verifies who sends to it is not the team's control, and what reaches vendors is
    /// judged by the third-party rules, so they are left out, as the rule's name says.
    ///
    /// ## Why is this bad?
    /// Inside the perimeter, an unauthenticated connection lets any compromised workload, or
    /// anyone with network access, read or inject sensitive data: a cache without AUTH, an
    /// internal API without service identity. Zero-trust guidance and SOC 2 CC6.1, ISO 27001
    /// A.8.5, NIST IA-3/IA-9 expect service-to-service authentication for sensitive data.
    ///
    /// ## Example
    /// ```json
    /// { "id": "cache-update", "from": "webhook-fn", "to": "orders-cache",
    ///   "protocol": "redis", "data": ["personal"] }
    /// ```
    /// Redis without AUTH or IAM authentication.
    ///
    /// ## How to fix
    /// Authenticate the caller (IAM authentication, mutual TLS, Redis AUTH or ACLs, signed
    /// requests, a service mesh identity) and mark the flow `"authenticated": true`, or the
    /// receiving node `"authenticates": true` if it checks every caller.
    pub static AUTH_002 = Rule {
        id: "AUTH-002",
        name: "unauthenticated-internal-sensitive",
        summary: "An internal flow carries sensitive data without authentication.",
        population: "Every flow between two trusted nodes that carries sensitive data (tier 3 or above), declared or propagated.",
        severity: Medium,
        families: [Authentication],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for f in 0..a.flows.len() {
        let (from, to) = a.ends[f];
        if a.untrusted[from] || a.untrusted[to] {
            continue;
        }
        let sensitive = a.carried[f].intersection(a.sensitive);
        if sensitive.is_empty() {
            continue;
        }
        out.examine(a.flow_element(f));
        if a.flows[f].authenticated || a.nodes[to].authenticates {
            continue;
        }
        let message = Message::new(a)
            .text("Flow ")
            .flow(f)
            .text(" carries ")
            .classes(sensitive)
            .text(" to ")
            .node(to)
            .text(" without authentication")
            .done();
        out.report_witnessed(
            a,
            a.flow_element(f),
            message,
            a.propagated_onto_flow(f, sensitive),
        );
    }
}
