use super::common::{boundary_element, boundary_label, untrusted_sources};
use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::{BoundaryKind, Hosting, NodeKind};

declare_rule! {
    /// ## What it does
    /// Flags a `network` boundary (a VPC, a subnet, a segment) that directly contains both a
    /// store holding or receiving sensitive data (tier 3 or above) and a trusted node that
    /// receives traffic from an untrusted node (an actor, an external, anything in an
    /// `internet` boundary). Nodes count when the boundary is their innermost trust zone: a
    /// node in a nested subnet is segmented from the parent's nodes.
    ///
    /// The catalog phrased this per store; a flat segment is one defect with one fix
    /// (segment the network), so there is one finding per boundary, naming the exposed nodes
    /// and the stores. Only `network` boundaries are judged, as the catalog's "network
    /// boundary" says: an account is not a network segment, and account-level managed
    /// services (buckets, queues) are not reachable by network position. SaaS stores are not
    /// judged: their network is the provider's.
    ///
    /// ## Why is this bad?
    /// A node that takes untrusted input is the likeliest to be compromised. When it shares
    /// a flat network with the database, a compromise moves laterally to the data with
    /// nothing but the database's own credentials in the way (SOC 2 CC6.6, ISO 27001 A.8.22
    /// Segregation of networks, NIST SC-7, PCI DSS 1.3.1, 1.4.1).
    ///
    /// ## Example
    /// A webhook function exposed through a public function URL runs in the same VPC (the
    /// same `network` boundary) as `orders-db`, which holds personal data.
    ///
    /// ## How to fix
    /// Split the network: internet-facing nodes in their own subnet or VPC with security
    /// groups that only allow the calls they need, stores in private subnets; or move the
    /// internet-facing node out of the VPC behind an API. Model the subnets as nested
    /// `network` boundaries.
    pub static BND_003 = Rule {
        id: "BND-003",
        name: "flat-segment",
        summary: "A network segment holds both a sensitive store and a node that receives untrusted traffic.",
        population: "Every network boundary that contains a store with sensitive data the team runs (SaaS excepted).",
        severity: Low,
        families: [BoundaryProtection],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    // The nodes of each zone, in node order: one pass, not one per boundary.
    let mut by_zone: Vec<Vec<usize>> = vec![Vec::new(); a.model.boundaries.len()];
    for (n, zone) in a.zone.iter().enumerate() {
        if let Some(b) = zone {
            by_zone[*b].push(n);
        }
    }
    for (b, boundary) in a.model.boundaries.iter().enumerate() {
        if boundary.kind != BoundaryKind::Network {
            continue;
        }
        let members = std::mem::take(&mut by_zone[b]);
        let stores: Vec<usize> = members
            .iter()
            .copied()
            .filter(|n| {
                let node = a.nodes[*n];
                node.kind == NodeKind::Store
                    && node.hosting != Some(Hosting::Saas)
                    && !a.untrusted[*n]
                    && a.reach[*n].intersects(a.sensitive)
            })
            .collect();
        if stores.is_empty() {
            continue;
        }
        out.examine(boundary_element(b));
        let exposed: Vec<usize> = members
            .iter()
            .copied()
            .filter(|n| !a.untrusted[*n] && !untrusted_sources(a, *n).is_empty())
            .collect();
        // A store exposed by itself is BND-002's; here it takes another store in the segment.
        if exposed.is_empty() || (exposed.len() == 1 && stores == exposed) {
            continue;
        }
        let exposed_text = exposed
            .iter()
            .map(|n| {
                let sources: Vec<String> = untrusted_sources(a, *n)
                    .into_iter()
                    .map(|s| a.node_label(s))
                    .collect();
                format!("{} from {}", a.node_label(*n), sources.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ");
        let stores_text = stores
            .iter()
            .map(|n| {
                format!(
                    "{} with {}",
                    a.node_label(*n),
                    a.class_list(a.reach[*n].intersection(a.sensitive))
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        out.report(
            boundary_element(b),
            format!(
                "Network boundary {} mixes nodes that receive untrusted traffic ({exposed_text}) \
                 with stores of sensitive data ({stores_text})",
                boundary_label(a, b)
            ),
        );
    }
}
