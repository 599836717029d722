use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;
use crate::finding::Severity;
use crate::model::{Hosting, NodeKind};

declare_rule! {
    /// ## What it does
    /// Flags a service, store or queue whose activity is not logged and alerted on
    /// (`logging` absent or `false`). Graded **high** when sensitive data reaches it. SaaS
    /// components (`hosting: saas`) are not judged: the provider operates their logging, and
    /// what the team must watch is the flows into them (LOG-002).
    ///
    /// ## Why is this bad?
    /// Without logs nobody can detect misuse, investigate an incident or show an auditor that
    /// access was monitored (SOC 2 CC7.2, ISO 27001 A.8.15/A.8.16, PCI DSS 10.2.1).
    ///
    /// ## Example
    /// ```json
    /// { "id": "orders-fn", "kind": "service", "hosting": "serverless" }
    /// ```
    ///
    /// ## How to fix
    /// Send the component's access and error logs to the log pipeline with alerting on
    /// anomalies, then mark it `"logging": true`.
    pub static LOG_001 = Rule {
        id: "LOG-001",
        name: "unmonitored-component",
        summary: "A service, store or queue is not logged and alerted on.",
        population: "Every service, store and queue the team runs (SaaS excepted).",
        severity: Medium,
        families: [Logging],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        if !matches!(
            node.kind,
            NodeKind::Service | NodeKind::Store | NodeKind::Queue
        ) || node.hosting == Some(Hosting::Saas)
        {
            continue;
        }
        out.examine(a.node_element(n));
        if node.logging {
            continue;
        }
        let sensitive = a.reach[n].intersection(a.sensitive);
        if sensitive.is_empty() {
            out.report(
                a.node_element(n),
                Message::new(a)
                    .kind(n)
                    .text(" is not logged or monitored")
                    .done(),
            );
        } else {
            out.report(
                a.node_element(n),
                Message::new(a)
                    .kind(n)
                    .text(" handles ")
                    .classes(sensitive)
                    .text(" but is not logged or monitored")
                    .done(),
            )
            .severity(Severity::High);
        }
    }
}
