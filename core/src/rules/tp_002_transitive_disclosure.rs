use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::NodeKind;

declare_rule! {
    /// ## What it does
    /// Flags an external that receives personal data which no flow into it declares: the
    /// data arrives only through intermediate services, queues, stores or log pipelines
    /// (taint propagation). The witness path runs from where the data entered the system to
    /// the external.
    ///
    /// ## Why is this bad?
    /// This is the disclosure nobody decided on: the log vendor that receives customer
    /// e-mails because a function logs its input, the analytics tool fed from a queue that
    /// carries orders. It is missing from the vendor inventory, the DPA and the privacy
    /// notice (SOC 2 P6.1, ISO 27001 A.5.34, A.8.12).
    ///
    /// ## Example
    /// `checkout → orders-fn → app-logs → log-shipper → log-vendor`: `orders-fn` receives
    /// `personal` data, writes logs, and the logs are shipped to an external vendor whose
    /// flow declares only `telemetry`.
    ///
    /// ## How to fix
    /// Stop the data on its way (redact logs, a node that `strips` the class, a `gateway`
    /// that forwards only declared data), or, if the disclosure is intended, declare the
    /// class on the flow into the external and put the agreements in place.
    pub static TP_002 = Rule {
        id: "TP-002",
        name: "transitive-disclosure",
        summary: "Personal data reaches an external only through intermediate nodes, undeclared.",
        population: "Every external that personal data reaches, declared or propagated.",
        severity: High,
        families: [ThirdParties, Minimisation],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        if node.kind != NodeKind::External {
            continue;
        }
        let personal = a.reach[n].intersection(a.personal);
        if personal.is_empty() {
            continue;
        }
        out.examine(a.node_element(n));
        if let Some((class, path)) = a.propagated_into_node(n, personal) {
            let undeclared = personal.difference(
                a.incoming(n)
                    .fold(Default::default(), |acc, f| acc.union(a.declared[f])),
            );
            let message = format!(
                "Third party {} receives {} that no flow into it declares; {}",
                a.node_label(n),
                a.class_list(undeclared),
                a.describe_witness(class, &path)
            );
            out.report(a.node_element(n), message).path(path);
        }
    }
}
