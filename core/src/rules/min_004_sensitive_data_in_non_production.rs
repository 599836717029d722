use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;
use crate::model::Environment;

declare_rule! {
    /// ## What it does
    /// Flags a node whose `environment` is `dev`, `test` or `staging` when personal or
    /// regulated data reaches it: every class marked personal (built in: `personal`,
    /// `financial`, `gov-id`, `children`, `special-category`, `phi`, `cardholder`) and every
    /// class under a regime (which adds `sad`), declared on a flow into it, held, or arriving
    /// by propagation (with the witness path). The catalog named personal, phi and
    /// cardholder; the other personal classes are no less personal, and sensitive
    /// authentication data in a test system breaks PCI DSS as surely as card numbers do.
    ///
    /// ## Why is this bad?
    /// Non-production systems have weaker access control, more people with access, debug
    /// logging, copies on laptops and no monitoring. PCI DSS 6.5.5 forbids live account data
    /// in test environments and GDPR's minimisation applies to test copies too (SOC 2 C1.1,
    /// ISO 27001 A.8.33 Test information, A.8.31, NIST SA-3(2)).
    ///
    /// ## Example
    /// A nightly job copies `orders-db` (holding `personal`) into `staging-db`
    /// (`"environment": "staging"`).
    ///
    /// ## How to fix
    /// Use synthetic or masked data in non-production (a masking job that `strips` the
    /// classes on the way), or, if the node is in fact production, fix its `environment`.
    pub static MIN_004 = Rule {
        id: "MIN-004",
        name: "sensitive-data-in-non-production",
        summary: "Personal or regulated data reaches a dev, test or staging node.",
        population: "Every node in a dev, test or staging environment.",
        severity: Medium,
        families: [Minimisation],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    let watched = a
        .personal
        .union(a.taxonomy.set_where(|c| c.regime.is_some()));
    for (n, node) in a.nodes.iter().enumerate() {
        let Some(environment) = node.environment else {
            continue;
        };
        if !matches!(
            environment,
            Environment::Dev | Environment::Test | Environment::Staging
        ) {
            continue;
        }
        out.examine(a.node_element(n));
        let found = a.reach[n].intersection(watched);
        if found.is_empty() {
            continue;
        }
        let message = Message::new(a)
            .kind(n)
            .text(" in the ")
            .text(environment.as_str())
            .text(" environment receives ")
            .classes(found)
            .done();
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, found),
        );
    }
}
