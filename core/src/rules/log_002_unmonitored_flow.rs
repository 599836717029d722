use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;

declare_rule! {
    /// ## What it does
    /// Flags a flow that is not monitored (no access logs, flow logs or traces: `monitored`
    /// absent or `false`) when it carries sensitive data or comes from an untrusted source (an
    /// actor, an external, or anything in an `internet` boundary).
    ///
    /// ## Why is this bad?
    /// Ingress from untrusted parties and movements of sensitive data are what an incident
    /// investigation needs to reconstruct. If they leave no trace, neither detection (SOC 2
    /// CC7.2) nor the audit trail (NIST AU-2, AU-12) exists.
    ///
    /// ## Example
    /// A `customer → api` flow with `"monitored": false` and no API access logs.
    ///
    /// ## How to fix
    /// Enable access logging at the receiving end (API gateway access logs, load balancer
    /// logs, VPC flow logs, tracing) and mark the flow `"monitored": true`.
    pub static LOG_002 = Rule {
        id: "LOG-002",
        name: "unmonitored-flow",
        summary: "A flow with sensitive data or from an untrusted source is not monitored.",
        population: "Every flow that carries sensitive data or comes from an untrusted node.",
        severity: Medium,
        families: [Logging],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for f in 0..a.flows.len() {
        let (from, _) = a.ends[f];
        let sensitive = a.carried[f].intersection(a.sensitive);
        if sensitive.is_empty() && !a.untrusted[from] {
            continue;
        }
        out.examine(a.flow_element(f));
        if a.flows[f].monitored {
            continue;
        }
        let message = Message::new(a).text("Flow ").flow(f);
        let message = if sensitive.is_empty() {
            message.text(" comes from untrusted ").node(from)
        } else {
            message.text(" carries ").classes(sensitive)
        };
        out.report(
            a.flow_element(f),
            message.text(" but is not monitored").done(),
        );
    }
}
