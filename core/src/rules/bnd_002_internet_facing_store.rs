use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::finding::Severity;
use crate::model::NodeKind;

declare_rule! {
    /// ## What it does
    /// Flags a store or queue that untrusted nodes (actors, externals, anything in an
    /// `internet` boundary) reach directly, with no service of the team in between:
    /// - a flow from an untrusted node into the store or queue (a browser uploading straight
    ///   to a bucket, a vendor writing into a queue);
    /// - a flow from a *store* to an actor or a node in an `internet` boundary (flows are
    ///   drawn in the direction data moves, so a browser downloading from a bucket is drawn
    ///   bucket → browser).
    ///
    /// Graded by what an attacker gets: **critical** when the store holds or receives
    /// sensitive data (tier 3 or above) and some such flow is unauthenticated, **high** when
    /// either is the case, **medium** when the data is not sensitive and every such flow is
    /// guarded (`"authenticated": true` on the flow, or the store `authenticates`, as with
    /// pre-signed URLs). The catalog graded high/critical regardless; a bucket that accepts
    /// only signed requests is a recognised pattern whose remaining risk is the missing
    /// inspection layer, not open access.
    ///
    /// Not judged: flows from a store or queue to an external (a queue pushing to a vendor's
    /// HTTPS endpoint, bucket replication are the provider calling out; the disclosure is
    /// TP-001/TP-002's), and the one-hop authentication question, which AUTH-001 asks of the
    /// same flow — the two may coexist: this rule is about the architecture (no guard in
    /// front of the data), AUTH-001 about the caller's identity. A store that itself sits
    /// in an `internet` boundary is untrusted, like every node there, and is not judged.
    ///
    /// ## Why is this bad?
    /// A store exposed to the internet is one misconfigured policy away from a public data
    /// leak, and gets none of the protections a service in front would give: input
    /// validation, rate limiting, a WAF, business-rule authorization, logging of who read what
    /// (SOC 2 CC6.6, ISO 27001 A.8.20, NIST SC-7, AC-3).
    ///
    /// ## Example
    /// ```json
    /// { "id": "upload", "from": "browser", "to": "documents-bucket", "data": ["gov-id"] }
    /// ```
    ///
    /// ## How to fix
    /// Put a service in front of the store (an API that validates and authorizes each
    /// request), or at least require signed requests scoped to one object and a short
    /// lifetime (pre-signed URLs) and record `"authenticated": true`. Keep the store itself
    /// private.
    pub static BND_002 = Rule {
        id: "BND-002",
        name: "internet-facing-store",
        summary: "Untrusted nodes reach a store or queue directly, with no service in between.",
        population: "Every store and queue that is not itself untrusted.",
        severity: High,
        families: [BoundaryProtection, Authentication],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        if !matches!(node.kind, NodeKind::Store | NodeKind::Queue) || a.untrusted[n] {
            continue;
        }
        out.examine(a.node_element(n));
        let mut flows: Vec<usize> = a.incoming(n).chain(a.outgoing(n)).collect();
        flows.sort_unstable();
        flows.dedup();
        let mut parts = Vec::new();
        let mut open = false;
        for f in flows {
            let (from, to) = a.ends[f];
            let part = if to == n && a.untrusted[from] {
                format!("{} from {}", a.flow_label(f), a.node_label(from))
            } else if from == n
                && node.kind == NodeKind::Store
                && a.untrusted[to]
                && a.nodes[to].kind != NodeKind::External
            {
                format!("{} to {}", a.flow_label(f), a.node_label(to))
            } else {
                continue;
            };
            if a.flows[f].authenticated || node.authenticates {
                parts.push(part);
            } else {
                open = true;
                parts.push(format!("{part}, unauthenticated"));
            }
        }
        if parts.is_empty() {
            continue;
        }
        let sensitive = a.reach[n].intersection(a.sensitive);
        let what = if sensitive.is_empty() {
            String::new()
        } else {
            format!(" with {}", a.class_list(sensitive))
        };
        let severity = match (!sensitive.is_empty(), open) {
            (true, true) => Severity::Critical,
            (false, false) => Severity::Medium,
            _ => Severity::High,
        };
        out.report(
            a.node_element(n),
            format!(
                "{}{what} is reached directly by untrusted nodes: {}",
                a.kind_label(n),
                parts.join("; ")
            ),
        )
        .severity(severity);
    }
}
