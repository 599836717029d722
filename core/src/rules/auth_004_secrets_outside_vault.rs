use super::common::classes;
use super::{declare_rule, Message, Sink};
use crate::engine::Analysis;
use crate::model::{NodeKind, Role};

declare_rule! {
    /// ## What it does
    /// Flags a store that holds or receives `credentials` (declared in its `holds` or on a
    /// flow into it) when its role is not `vault`. A store with role `identity-provider` (a
    /// user directory keeping password verifiers) is where credentials belong and is not
    /// flagged either. Log sinks are LOG-003's: credentials in logs are reported there.
    ///
    /// `credentials` is consumed at the hop (`consumed_at_hop`): the function that fetches a
    /// secret from a vault, or checks a password, uses it and does not pass it on, so it
    /// reaches a store only on a flow that declares it. A flow that copies a password into a
    /// store says so by declaring `credentials`, and is flagged. A model whose own
    /// `credentials` class drops the attribute gets propagation, with witness paths, instead.
    ///
    /// ## Why is this bad?
    /// Secrets in an ordinary database, bucket or configuration store are readable by
    /// everyone with access to that store and its backups, are rarely rotated and leave no
    /// audit trail of who read them. A vault gives access policies per secret, rotation and
    /// an access log (SOC 2 CC6.1, ISO 27001 A.5.17, A.8.24, NIST IA-5, SC-28).
    ///
    /// ## Example
    /// ```json
    /// { "id": "config-bucket", "kind": "store", "technology": "aws-s3",
    ///   "holds": ["credentials"] }
    /// ```
    ///
    /// ## How to fix
    /// Keep secrets in a secrets manager (AWS Secrets Manager, SSM Parameter Store
    /// SecureString, HashiCorp Vault, Azure Key Vault), model it as a store with
    /// `"role": "vault"`, and have services fetch them at run time.
    pub static AUTH_004 = Rule {
        id: "AUTH-004",
        name: "secrets-outside-vault",
        summary: "A store that is not a secrets vault holds credentials.",
        population: "Every store that credentials reach, log sinks excepted (LOG-003 judges those).",
        severity: Medium,
        families: [Authentication, EncryptionAtRest],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    let secrets = classes(a, &["credentials"]);
    for (n, node) in a.nodes.iter().enumerate() {
        if node.kind != NodeKind::Store || node.role == Some(Role::LogSink) {
            continue;
        }
        let found = a.reach[n].intersection(secrets);
        if found.is_empty() {
            continue;
        }
        out.examine(a.node_element(n));
        if matches!(node.role, Some(Role::Vault | Role::IdentityProvider)) {
            continue;
        }
        let message = Message::new(a)
            .kind(n)
            .text(" holds ")
            .classes(found)
            .text(" but is not a secrets vault")
            .done();
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, found),
        );
    }
}
