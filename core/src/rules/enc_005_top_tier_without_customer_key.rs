use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;
use crate::model::{EncryptionAtRest, Hosting, NodeKind, Role};

declare_rule! {
    /// ## What it does
    /// Flags a store or queue that holds or receives top-tier data — classes of tier 5 or
    /// above that may be stored: built in, `special-category`, `phi`, `cardholder`,
    /// `credentials` and `session-token` — and is encrypted at rest only with a key the provider manages
    /// (`"encryption_at_rest": "provider"`).
    ///
    /// Not judged, so that one defect is reported once and the provider's layer is left to
    /// the provider:
    /// - stores and queues with no encryption at rest (ENC-004's);
    /// - SaaS stores (`hosting: saas`): their keys are the provider's layer, and most offer
    ///   no choice;
    /// - log sinks (`role: log-sink`): top-tier data there is LOG-003's, and the fix is to
    ///   keep it out, not to re-key the logs;
    /// - `sad` and other `never_store` classes: storing them at all is MIN-005's.
    ///
    /// The catalog named stores only; queues retain messages (days, for SQS or Kafka) and
    /// are judged like stores, as ENC-004 judges them.
    ///
    /// ## Why is this bad?
    /// With a provider-managed key, anyone who can read the store through the provider's
    /// APIs reads the plaintext: the key policy, rotation, revocation and key-use audit trail
    /// are not yours. PCI DSS 3.5/3.6 and HIPAA risk analyses expect the owner of the data to
    /// control the keys of the most sensitive classes (SOC 2 CC6.1, ISO 27001 A.8.24, NIST
    /// SC-12, SC-28(1)).
    ///
    /// ## Example
    /// ```json
    /// { "id": "patients-db", "kind": "store", "hosting": "platform",
    ///   "encryption_at_rest": "provider", "holds": ["phi"] }
    /// ```
    ///
    /// ## How to fix
    /// Encrypt the store with a key you manage (a KMS customer-managed key with a key policy
    /// scoped to the services that need it, or an HSM-backed key) and record it:
    /// `"encryption_at_rest": "customer-key"`. If the data should not be there, stop it
    /// upstream (a tokenizer that `strips` it).
    pub static ENC_005 = Rule {
        id: "ENC-005",
        name: "top-tier-without-customer-key",
        summary: "A store or queue with top-tier data is encrypted only with a provider-managed key.",
        population: "Every store and queue with top-tier data (tier 5 or above that may be stored) that is encrypted at rest, SaaS stores and log sinks excepted.",
        severity: Low,
        families: [EncryptionAtRest],
        check: check,
    };
}

/// Tier at and above which a class needs a customer-managed key.
const TOP_TIER: u8 = 5;

fn check(a: &Analysis, out: &mut Sink) {
    let top = a
        .taxonomy
        .set_where(|c| c.tier >= TOP_TIER && !c.never_store);
    for (n, node) in a.nodes.iter().enumerate() {
        if !matches!(node.kind, NodeKind::Store | NodeKind::Queue)
            || node.hosting == Some(Hosting::Saas)
            || node.role == Some(Role::LogSink)
        {
            continue;
        }
        let found = a.reach[n].intersection(top);
        // Stores without encryption at rest are ENC-004's population, not this rule's.
        let encrypted = matches!(
            node.encryption_at_rest,
            Some(EncryptionAtRest::Provider | EncryptionAtRest::CustomerKey)
        );
        if found.is_empty() || !encrypted {
            continue;
        }
        out.examine(a.node_element(n));
        if node.encryption_at_rest == Some(EncryptionAtRest::CustomerKey) {
            continue;
        }
        let message = Message::new(a)
            .kind(n)
            .text(" holds ")
            .classes(found)
            .text(" encrypted only with a provider-managed key")
            .done();
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, found),
        );
    }
}
