use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;
use crate::model::{NodeKind, Role};

declare_rule! {
    /// ## What it does
    /// Flags a store, a queue or a log sink (any node with `role: log-sink`) that sensitive
    /// authentication data reaches: declared on a flow into it, held, or arriving by
    /// propagation (with the witness path from where it entered). Encrypted or not. The rule
    /// reads each class's `never_store` flag, so the built-in `sad` (full track data, CVV2,
    /// PINs) and any class a model marks `never_store` are judged.
    ///
    /// A log sink that receives `sad` is also reported by LOG-003 (sensitive data in logs);
    /// this rule reports the PCI DSS violation at critical, LOG-003 the logging hygiene.
    ///
    /// ## Why is this bad?
    /// PCI DSS 3.3.1 forbids storing sensitive authentication data after authorization, even
    /// encrypted: with it a thief can clone cards and authorize payments. A queue or a log is
    /// storage too, and the usual way SAD ends up stored by accident (SOC 2 C1.1, ISO 27001
    /// A.8.11, A.8.12, PCI DSS 3.3.1).
    ///
    /// ## Example
    /// A payment function receives `cardholder` and `sad` from the checkout page and writes
    /// its requests to `app-logs`.
    ///
    /// ## How to fix
    /// Send sensitive authentication data only to the payment processor (hosted fields, a
    /// tokenizer that `strips` it), never write it to a store, a queue or a log, and redact
    /// request logging on every node that handles it.
    pub static MIN_005 = Rule {
        id: "MIN-005",
        name: "sensitive-authentication-data-stored",
        summary: "Sensitive authentication data reaches a store, a queue or a log sink.",
        population: "Every store, queue and log sink.",
        severity: Critical,
        families: [Minimisation],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    let never_store = a.taxonomy.set_where(|c| c.never_store);
    for (n, node) in a.nodes.iter().enumerate() {
        if !matches!(node.kind, NodeKind::Store | NodeKind::Queue)
            && node.role != Some(Role::LogSink)
        {
            continue;
        }
        out.examine(a.node_element(n));
        let found = a.reach[n].intersection(never_store);
        if found.is_empty() {
            continue;
        }
        let verb = match node.kind {
            NodeKind::Store | NodeKind::Queue => "stores",
            _ => "receives",
        };
        let message = Message::new(a)
            .kind(n)
            .text(" ")
            .text(verb)
            .text(" ")
            .classes(found)
            .text(", which must never be stored")
            .done();
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, found),
        );
    }
}
