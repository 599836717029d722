use super::common::{not_allowed_in, region_of, residency_list, restricted};
use super::{declare_rule, Sink};
use crate::engine::Analysis;

declare_rule! {
    /// ## What it does
    /// Flags a flow on which residency-restricted data leaves its allowed regions: the flow
    /// carries a class with allowed regions (`residency`, declared or propagated), its
    /// source is in a region the class allows, and its target is in one it does not.
    /// Regions are read and matched as in RES-001 (own `region`, else the enclosing
    /// boundary's; `eu` allows `eu-west-1`).
    ///
    /// The catalog flagged every flow between two regions carrying a restricted class; a
    /// transfer between two allowed regions (`eu-west-1` to `eu-central-1` for EU-only data)
    /// breaks no restriction, so only the exit is reported. RES-001 reports the nodes the
    /// data reaches out there; a flow whose source is already outside the allowed regions
    /// is downstream of the exit and not repeated; an end with no known region is RES-003's.
    ///
    /// ## Why is this bad?
    /// This is the transfer that a residency restriction forbids (GDPR Chapter V, data
    /// localisation laws, customer contracts), and the place to stop it (SOC 2 CC2.1, ISO
    /// 27001 A.5.31, NIST AC-4, SA-9(5)).
    ///
    /// ## Example
    /// ```json
    /// { "id": "export", "from": "orders-fn", "to": "us-warehouse", "data": ["personal"] }
    /// ```
    /// with `orders-fn` in `eu-west-1`, `us-warehouse` in `us-east-1` and `personal` allowed
    /// only in `eu`.
    ///
    /// ## How to fix
    /// Keep the data in its region (a regional deployment of the target, or a local
    /// aggregate that drops the restricted class); if the transfer is lawful, extend the
    /// class's `residency` and record the legal basis (SCCs on the vendor record).
    pub static RES_002 = Rule {
        id: "RES-002",
        name: "cross-region-transfer",
        summary: "A flow takes residency-restricted data out of its allowed regions.",
        population: "Every flow with residency-restricted data between two nodes whose regions are known and differ.",
        severity: High,
        families: [Residency],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    let restricted = restricted(a);
    for f in 0..a.flows.len() {
        let carried = a.carried[f].intersection(restricted);
        if carried.is_empty() {
            continue;
        }
        let (from, to) = a.ends[f];
        let (Some(source), Some(target)) = (region_of(a, from), region_of(a, to)) else {
            continue;
        };
        if source.trim().eq_ignore_ascii_case(target.trim()) {
            continue;
        }
        out.examine(a.flow_element(f));
        let leaving =
            not_allowed_in(a, carried, target).difference(not_allowed_in(a, carried, source));
        if leaving.is_empty() {
            continue;
        }
        let message = format!(
            "Flow {} takes {} from {source} to {target}",
            a.flow_label(f),
            residency_list(a, leaving)
        );
        out.report_witnessed(
            a,
            a.flow_element(f),
            message,
            a.propagated_onto_flow(f, leaving),
        );
    }
}
