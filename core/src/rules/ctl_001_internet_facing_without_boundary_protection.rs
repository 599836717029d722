use super::common::{node_labels, untrusted_sources};
use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::{Hosting, NodeKind};

declare_rule! {
    /// ## What it does
    /// Flags a service the team operates that receives traffic directly from an untrusted
    /// node (an actor, an external, anything in an `internet` boundary) and lists no
    /// boundary-protection control. Accepted controls, compared without regard to case:
    /// `waf`, `aws-waf`, `cloud-armor`, `azure-waf`, `web-application-firewall`, and
    /// `ip-allowlist` (for a service only vendors call, restricting callers to the vendor's
    /// published address ranges is the recognised equivalent).
    ///
    /// SaaS services (`hosting: saas`) are not judged: their edge is the provider's. A
    /// service with no `hosting` is judged (the safe reading: the team runs it). Services
    /// behind a protected gateway or CDN receive traffic from it, not from untrusted nodes,
    /// and are not judged. Stores and queues reached from the internet are BND-002's.
    ///
    /// ## Why is this bad?
    /// An internet-facing endpoint without a filtering layer takes every scanner, bot,
    /// credential-stuffing run and injection attempt at full force; the WAF is also where
    /// rate limits and virtual patches go when a vulnerability is found (SOC 2 CC6.6, ISO
    /// 27001 A.8.20/A.8.21, NIST SC-7, PCI DSS 6.4.2).
    ///
    /// ## Example
    /// A Lambda function URL that receives payment webhooks, with `"controls": []`.
    ///
    /// ## How to fix
    /// Put the endpoint behind a WAF (AWS WAF on API Gateway, CloudFront or the load
    /// balancer; Cloud Armor; Azure Front Door) or, for vendor callbacks, allow only the
    /// vendor's address ranges, and record the control: `"controls": ["waf"]`.
    pub static CTL_001 = Rule {
        id: "CTL-001",
        name: "internet-facing-without-boundary-protection",
        summary: "A service the team runs receives untrusted traffic without a WAF or equivalent.",
        population: "Every trusted service the team runs (SaaS excepted) that receives a flow from an untrusted node.",
        severity: Medium,
        families: [BoundaryProtection],
        check: check,
    };
}

/// Controls that count as boundary protection.
const PROTECTION: &[&str] = &[
    "waf",
    "aws-waf",
    "cloud-armor",
    "azure-waf",
    "web-application-firewall",
    "ip-allowlist",
];

fn check(a: &Analysis, out: &mut Sink) {
    for (n, node) in a.nodes.iter().enumerate() {
        if node.kind != NodeKind::Service || node.hosting == Some(Hosting::Saas) || a.untrusted[n] {
            continue;
        }
        let sources = untrusted_sources(a, n);
        if sources.is_empty() {
            continue;
        }
        out.examine(a.node_element(n));
        let protected = node
            .controls
            .iter()
            .any(|c| PROTECTION.contains(&c.trim().to_ascii_lowercase().as_str()));
        if protected {
            continue;
        }
        out.report(
            a.node_element(n),
            format!(
                "{} receives traffic from untrusted {} without a WAF or equivalent control",
                a.kind_label(n),
                node_labels(a, &sources)
            ),
        );
    }
}
