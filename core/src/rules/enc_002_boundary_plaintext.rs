use super::{declare_rule, Sink};
use crate::engine::Analysis;

declare_rule! {
    /// ## What it does
    /// Flags a flow that crosses a trust boundary (its two ends sit in different innermost
    /// network, account or vendor boundaries) and is not encrypted in transit. Flows that
    /// carry sensitive data are left to ENC-001, which grades them critical when they cross,
    /// so one defect is reported once.
    ///
    /// ## Why is this bad?
    /// Traffic between trust zones travels over networks neither side fully controls. Even
    /// data that looks harmless (ids, internal events) lets an observer map the system or
    /// tamper with requests.
    ///
    /// ## Example
    /// A flow from a function in the production account to a vendor's webhook endpoint over
    /// plain `http`, carrying only `internal` data.
    ///
    /// ## How to fix
    /// Encrypt every connection that leaves a trust zone (TLS 1.2+, mutual TLS between
    /// accounts, or a private link) and mark the flow `"encrypted": true`.
    pub static ENC_002 = Rule {
        id: "ENC-002",
        name: "boundary-plaintext",
        summary: "A flow crosses a trust boundary without encryption in transit.",
        population: "Every flow that crosses a trust boundary without sensitive data (ENC-001 judges the flows with sensitive data).",
        severity: Medium,
        families: [EncryptionInTransit, BoundaryProtection],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for f in 0..a.flows.len() {
        if !a.crosses(f) || a.carried[f].intersects(a.sensitive) {
            continue;
        }
        out.examine(a.flow_element(f));
        if !a.flows[f].encrypted {
            let (from, to) = a.ends[f];
            out.report(
                a.flow_element(f),
                format!(
                    "Flow {} crosses a trust boundary from {} to {} unencrypted",
                    a.flow_label(f),
                    a.node_label(from),
                    a.node_label(to)
                ),
            );
        }
    }
}
