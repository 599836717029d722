use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::{Agreement, NodeKind};

declare_rule! {
    /// ## What it does
    /// Flags an external (a third party) that receives personal data, declared on a flow
    /// into it or arriving by propagation, when its vendor record has no data processing
    /// agreement (`"agreements": ["dpa"]`). With a DPA on file the external passes, and is
    /// listed as such in the vendor inventory.
    ///
    /// ## Why is this bad?
    /// Sharing personal data with a processor without a DPA breaches GDPR Art. 28 and
    /// leaves the data without contractual protection (SOC 2 P6.1, ISO 27001 A.5.19/A.5.34,
    /// NIST SA-9).
    ///
    /// ## Example
    /// ```json
    /// { "id": "mailer", "kind": "external", "name": "Email vendor" }
    /// ```
    /// with a flow `{"from": "notify-fn", "to": "mailer", "data": ["personal"]}`.
    ///
    /// ## How to fix
    /// Sign a DPA with the vendor and record it (`"vendor": {"agreements": ["dpa"]}`), or
    /// stop sending it personal data.
    pub static TP_001 = Rule {
        id: "TP-001",
        name: "personal-data-to-third-party",
        summary: "An external receives personal data without a data processing agreement on file.",
        population: "Every external that personal data reaches, declared or propagated.",
        severity: High,
        families: [ThirdParties],
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
        let has_dpa = node
            .vendor
            .as_ref()
            .is_some_and(|v| v.agreements.contains(&Agreement::Dpa));
        if has_dpa {
            continue;
        }
        let message = format!(
            "Third party {} receives {} with no data processing agreement on file",
            a.node_label(n),
            a.class_list(personal)
        );
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, personal),
        );
    }
}
