use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::{Agreement, NodeKind, Regime};

declare_rule! {
    /// ## What it does
    /// Flags an external that receives regulated data — declared on a flow into it or
    /// arriving by propagation (with the witness path) — without the agreement the regime
    /// requires on its vendor record:
    /// - classes under HIPAA (built in: `phi`) need a business associate agreement
    ///   (`"agreements": ["baa"]`);
    /// - classes under PCI DSS (built in: `cardholder`, `sad`) need the vendor's PCI DSS
    ///   attestation of compliance (`"pci-aoc"`).
    ///
    /// The regime is read from each class's `regime`, so a model's own classes (say
    /// `lab-results` with `"regime": "HIPAA"`) are judged too; the catalog named the
    /// built-in ids. GDPR's agreement, the DPA, is TP-001's.
    ///
    /// ## Why is this bad?
    /// HIPAA (45 CFR 164.502(e)) forbids disclosing PHI to a business associate without a
    /// BAA; PCI DSS 12.8.2 and 12.8.4 require a written acknowledgement from every service
    /// provider that stores, processes or transmits account data and yearly evidence of its
    /// compliance, which is its AOC. Without them the disclosure itself is the violation,
    /// whatever the vendor's security (SOC 2 CC9.2, ISO 27001 A.5.19/A.5.20, NIST SA-9).
    ///
    /// ## Example
    /// ```json
    /// { "id": "transcription", "kind": "external", "name": "Transcription vendor",
    ///   "vendor": { "agreements": ["dpa"] } }
    /// ```
    /// with a flow into it that carries `phi`.
    ///
    /// ## How to fix
    /// Sign the agreement (a BAA; obtain the vendor's current AOC and list it in the PCI
    /// DSS 12.8 inventory) and record it in the vendor record, or stop sending the vendor
    /// the regulated data (tokenize card numbers, de-identify PHI).
    pub static TP_003 = Rule {
        id: "TP-003",
        name: "regulated-data-without-agreement",
        summary: "An external receives PHI without a BAA, or card data without a PCI AOC.",
        population: "Every external that PHI or cardholder data reaches.",
        severity: High,
        families: [ThirdParties],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    let requirements = [
        (
            Regime::Hipaa,
            Agreement::Baa,
            "no business associate agreement (BAA)",
        ),
        (
            Regime::Pci,
            Agreement::PciAoc,
            "no PCI DSS attestation of compliance (AOC)",
        ),
    ];
    for (n, node) in a.nodes.iter().enumerate() {
        if node.kind != NodeKind::External {
            continue;
        }
        let agreements = node
            .vendor
            .as_ref()
            .map(|v| v.agreements.as_slice())
            .unwrap_or_default();
        let mut missing = Vec::new();
        let mut uncovered = crate::taxonomy::ClassSet::EMPTY;
        let mut judged = false;
        for (regime, agreement, text) in requirements {
            let received =
                a.reach[n].intersection(a.taxonomy.set_where(|c| c.regime == Some(regime)));
            if received.is_empty() {
                continue;
            }
            judged = true;
            if !agreements.contains(&agreement) {
                missing.push(format!("{} with {text} on file", a.class_list(received)));
                uncovered = uncovered.union(received);
            }
        }
        if !judged {
            continue;
        }
        out.examine(a.node_element(n));
        if missing.is_empty() {
            continue;
        }
        let message = format!(
            "Third party {} receives {}",
            a.node_label(n),
            missing.join(", and ")
        );
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, uncovered),
        );
    }
}
