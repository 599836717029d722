use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;
use crate::model::{EncryptionAtRest, Hosting, NodeKind};

declare_rule! {
    /// ## What it does
    /// Flags a store or queue that holds or receives sensitive data (tier 3 or above) with no
    /// encryption at rest (`encryption_at_rest` absent or `"none"`). A SaaS store
    /// (`hosting: saas`) with the field absent is read as provider-encrypted: encryption at
    /// rest is the provider's layer there; an explicit `"none"` is still flagged.
    ///
    /// ## Why is this bad?
    /// Snapshots, backups, decommissioned disks and misconfigured access all expose data at
    /// rest. SOC 2 CC6.1, ISO 27001 A.8.24, NIST SC-28 and PCI DSS 3.5.1 expect sensitive data
    /// to be unreadable without a key.
    ///
    /// ## Example
    /// ```json
    /// { "id": "uploads", "kind": "store", "technology": "aws-s3", "holds": ["gov-id"] }
    /// ```
    ///
    /// ## How to fix
    /// Turn on encryption at rest (`"provider"`, or `"customer-key"` for the most sensitive
    /// classes) and record it in the model.
    pub static ENC_004 = Rule {
        id: "ENC-004",
        name: "sensitive-store-unencrypted",
        summary: "A store or queue with sensitive data is not encrypted at rest.",
        population: "Every store and queue that sensitive data (tier 3 or above) reaches: declared, held or propagated.",
        severity: High,
        families: [EncryptionAtRest],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        if !matches!(node.kind, NodeKind::Store | NodeKind::Queue) {
            continue;
        }
        let sensitive = a.reach[n].intersection(a.sensitive);
        if sensitive.is_empty() {
            continue;
        }
        out.examine(a.node_element(n));
        let unencrypted = match node.encryption_at_rest {
            Some(EncryptionAtRest::None) => true,
            None => node.hosting != Some(Hosting::Saas),
            Some(_) => false,
        };
        if !unencrypted {
            continue;
        }
        let message = Message::new(a)
            .kind(n)
            .text(" holds ")
            .classes(sensitive)
            .text(" without encryption at rest")
            .done();
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, sensitive),
        );
    }
}
