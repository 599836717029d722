use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;
use crate::finding::Severity;
use crate::model::NodeKind;
use crate::taxonomy::ClassSet;

declare_rule! {
    /// ## What it does
    /// Flags a service, external or actor that declares what it `holds` (the classes it
    /// needs to do its job) when a class reaches it — declared on a flow into it or arriving
    /// by propagation — that it neither holds, nor passes on (no flow out of it declares the
    /// class), nor `strips` (removing a class is a reason to receive it). Nodes that declare
    /// nothing are not judged. Graded **medium** when the class is sensitive (tier 3 or
    /// above).
    ///
    /// Two readings of the catalog are made explicit. "Passes on" means *declared* on an
    /// outgoing flow: under taint propagation a service passes on everything it receives, so
    /// the propagated reading would make the rule vacuous. Stores and queues are MIN-001's
    /// (undeclared data at a store), which judges the same mismatch with the store's
    /// inventory in mind; they are not reported twice.
    ///
    /// ## Why is this bad?
    /// Data sent to a component that does not use it is pure exposure: it can leak from
    /// there, be logged there, and must be covered by that component's access reviews and
    /// deletion processes, for no benefit. Data minimisation is GDPR Art. 5(1)(c) and SOC 2
    /// P3.1, ISO 27001 A.8.10/A.8.11, NIST SA-8(33), PM-25.
    ///
    /// ## Example
    /// ```json
    /// { "id": "label-printer", "kind": "external", "holds": ["internal"] }
    /// ```
    /// receiving `personal` data from a function that sends whole orders instead of the
    /// shipping label fields.
    ///
    /// ## How to fix
    /// Send only what the receiver needs (narrow the payload, a `gateway` that forwards only
    /// declared classes, a node that `strips` the rest), or, if the node does use the data,
    /// add it to its `holds`.
    pub static MIN_003 = Rule {
        id: "MIN-003",
        name: "unnecessary-transfer",
        summary: "A node receives a class it neither holds nor passes on.",
        population: "Every service, external and actor that declares what it holds.",
        severity: Low,
        families: [Minimisation],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        if !matches!(
            node.kind,
            NodeKind::Service | NodeKind::External | NodeKind::Actor
        ) || node.holds.is_empty()
        {
            continue;
        }
        out.examine(a.node_element(n));
        let holds = a.taxonomy.set(&node.holds);
        let strips = a.taxonomy.set(&node.strips);
        let passed = a
            .outgoing(n)
            .fold(ClassSet::EMPTY, |acc, f| acc.union(a.declared[f]));
        let unneeded = a.reach[n]
            .difference(holds)
            .difference(strips)
            .difference(passed);
        if unneeded.is_empty() {
            continue;
        }
        let message = Message::new(a)
            .kind(n)
            .text(" receives ")
            .classes(unneeded)
            .text(", which it neither holds nor passes on")
            .done();
        let report = out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, unneeded),
        );
        if unneeded.intersects(a.sensitive) {
            report.severity(Severity::Medium);
        }
    }
}
