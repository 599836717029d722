use super::{declare_rule, Message, Sink};
use crate::controls::Family;
use crate::engine::Analysis;
use crate::finding::Severity;

declare_rule! {
    /// ## What it does
    /// Flags a flow that is not encrypted in transit while it carries sensitive data (tier 3
    /// or above): data declared on the flow, or data that reaches the flow's source and is
    /// passed on (taint). Graded **critical** when the flow carries cardholder data, sensitive
    /// authentication data or credentials, or when it crosses a trust boundary.
    ///
    /// ## Why is this bad?
    /// Anyone who can observe the network path (a shared VPC, a compromised host, a proxy,
    /// the open internet) can read or alter the data. Encryption in transit is required by
    /// SOC 2 CC6.7, ISO 27001 A.8.24 and PCI DSS 4.2.1 for exactly this data.
    ///
    /// ## Example
    /// ```json
    /// { "id": "orders-to-db", "from": "orders-fn", "to": "orders-db",
    ///   "protocol": "postgres", "data": ["personal"] }
    /// ```
    /// The flow carries personal data and `encrypted` is absent (read as `false`).
    ///
    /// ## How to fix
    /// Use TLS (1.2 or later) on the connection and mark the flow `"encrypted": true` with
    /// `"tls_min": "1.2"`. If the data should not be there, remove it upstream (a node that
    /// `strips` it) rather than encrypting it.
    pub static ENC_001 = Rule {
        id: "ENC-001",
        name: "sensitive-flow-unencrypted",
        summary: "A flow carries sensitive data without encryption in transit.",
        population: "Every flow that carries sensitive data (tier 3 or above), declared or propagated.",
        severity: High,
        families: [EncryptionInTransit],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    let top_tier = a.taxonomy.set(&[
        "cardholder".to_owned(),
        "sad".to_owned(),
        "credentials".to_owned(),
    ]);
    for f in 0..a.flows.len() {
        let sensitive = a.carried[f].intersection(a.sensitive);
        if sensitive.is_empty() {
            continue;
        }
        out.examine(a.flow_element(f));
        if a.flows[f].encrypted {
            continue;
        }
        let crosses = a.crosses(f);
        let mut message = Message::new(a)
            .text("Flow ")
            .flow(f)
            .text(" carries ")
            .classes(sensitive)
            .text(" unencrypted");
        if crosses {
            message = message.text(" across a trust boundary");
        }
        let message = message.done();
        let report = out.report_witnessed(
            a,
            a.flow_element(f),
            message,
            a.propagated_onto_flow(f, sensitive),
        );
        if crosses || sensitive.intersects(top_tier) {
            report.severity(Severity::Critical);
        }
        if crosses {
            report.also(&[Family::BoundaryProtection]);
        }
    }
}
