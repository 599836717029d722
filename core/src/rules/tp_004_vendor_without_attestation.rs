use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::{Attestation, AttestationKind, NodeKind};

declare_rule! {
    /// ## What it does
    /// Flags an external that receives confidential or more sensitive data (tier 2 or above,
    /// declared or propagated) when its vendor record has no current independent security
    /// attestation: a SOC 2 Type II report or an ISO/IEC 27001 certificate. HITRUST and
    /// FedRAMP, which assess a whole security programme, are accepted as equivalent. A SOC 2
    /// Type I report (design at one date, no operating effectiveness), a PCI DSS attestation
    /// (the card environment only) and ISO/IEC 27701 (privacy management; since 2025 it can be
    /// certified without 27001) are not, and the message says so.
    ///
    /// An attestation is current through its `expires` day (the expiry date is its last
    /// current day, the one rule of `docs/format.md` for waivers and attestations alike): the
    /// day after it is expired. "Today" comes from the caller (the CLI passes the current UTC date); the core
    /// reads no clock. Without a today, or without an `expires` on the attestation, it is
    /// taken as current — record the expiry for the rule to judge it.
    ///
    /// ## Why is this bad?
    /// A vendor that processes your confidential data is part of your control environment.
    /// Without a current independent report you have no evidence that its controls work, and
    /// your auditor will ask for one for every subservice organisation (SOC 2 CC9.2, ISO
    /// 27001 A.5.19/A.5.22, NIST SA-9, SR-6).
    ///
    /// ## Example
    /// ```json
    /// { "id": "crm", "kind": "external", "vendor": { "agreements": ["dpa"],
    ///   "attestations": [ { "kind": "soc2-type2", "expires": "2025-12-31" } ] } }
    /// ```
    /// receiving `personal` data in 2026: the report has expired.
    ///
    /// ## How to fix
    /// Obtain the vendor's current SOC 2 Type II report (or bridge letter) or ISO 27001
    /// certificate, review it, and record it with its dates in the vendor record; or stop
    /// sending the vendor confidential data.
    pub static TP_004 = Rule {
        id: "TP-004",
        name: "vendor-without-attestation",
        summary: "An external receives confidential data with no current SOC 2 or ISO 27001 attestation on file.",
        population: "Every external that confidential or more sensitive data (tier 2 or above) reaches.",
        severity: Medium,
        families: [ThirdParties],
        check: check,
    };
}

/// Lowest tier that needs an attestation (`confidential`).
const TIER: u8 = 2;

/// Attestations that evidence a vendor's security programme as a whole.
const ACCEPTED: &[AttestationKind] = &[
    AttestationKind::Soc2Type2,
    AttestationKind::Iso27001,
    AttestationKind::Hitrust,
    AttestationKind::Fedramp,
];

fn check(a: &Analysis, out: &mut Sink) {
    let needs = a.taxonomy.set_where(|c| c.tier >= TIER);
    for (n, node) in a.nodes.iter().enumerate() {
        if node.kind != NodeKind::External {
            continue;
        }
        let received = a.reach[n].intersection(needs);
        if received.is_empty() {
            continue;
        }
        out.examine(a.node_element(n));
        let attestations: &[Attestation] = node
            .vendor
            .as_ref()
            .map(|v| v.attestations.as_slice())
            .unwrap_or_default();
        if attestations
            .iter()
            .any(|att| ACCEPTED.contains(&att.kind) && is_current(a, att))
        {
            continue;
        }
        let notes: Vec<String> = attestations
            .iter()
            .map(|att| match (ACCEPTED.contains(&att.kind), att.expires) {
                // An accepted kind is listed only when expired, which takes an `expires`.
                (true, Some(expires)) => format!("{} expired after {expires}", att.kind),
                (true, None) => format!("{} is not current", att.kind),
                (false, _) if att.kind == AttestationKind::Soc2Type1 => {
                    format!("{} tests design only", att.kind)
                }
                (false, _) if att.kind == AttestationKind::PciDss => {
                    format!("{} covers the card environment only", att.kind)
                }
                (false, _) if att.kind == AttestationKind::Iso27701 => {
                    format!("{} covers privacy management only", att.kind)
                }
                (false, _) => format!("{} is not a security attestation", att.kind),
            })
            .collect();
        let mut message = format!(
            "Third party {} receives {} with no current SOC 2 Type II or ISO 27001 attestation on file",
            a.node_label(n),
            a.class_list(received)
        );
        if !notes.is_empty() {
            message.push_str(&format!(" ({})", notes.join(", ")));
        }
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, received),
        );
    }
}

/// Current through its `expires` day; without a today or an expiry, current.
fn is_current(a: &Analysis, attestation: &Attestation) -> bool {
    match (a.today, attestation.expires) {
        (Some(today), Some(expires)) => crate::date::is_current(expires, today),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Date;

    const MODEL: &str = r#"{
      "format": "flowmap/1",
      "name": "TP-004 expiry",
      "nodes": [
        { "id": "fn", "name": "Function", "kind": "service" },
        { "id": "expired", "name": "Expired vendor", "kind": "external",
          "vendor": { "attestations": [ { "kind": "soc2-type2", "expires": "2026-06-30" } ] } },
        { "id": "renewed", "name": "Renewed vendor", "kind": "external",
          "vendor": { "attestations": [ { "kind": "soc2-type2", "expires": "2026-06-30" },
                                        { "kind": "iso27001", "expires": "2027-06-30" } ] } }
      ],
      "flows": [
        { "id": "a", "from": "fn", "to": "expired", "encrypted": true, "data": ["confidential"] },
        { "id": "b", "from": "fn", "to": "renewed", "encrypted": true, "data": ["confidential"] }
      ]
    }"#;

    fn flagged(today: Option<&str>) -> Vec<String> {
        let model = crate::load::load_str(MODEL).expect("the model loads");
        let today = today.map(|t| Date::parse(t).expect("a date"));
        let analysis = Analysis::new(&model).with_today(today);
        let mut sink = Sink::default();
        check(&analysis, &mut sink);
        sink.reports
            .iter()
            .map(|r| {
                let id = &model.nodes[r.subject.index as usize].id;
                format!("{id}: {}", r.message)
            })
            .collect()
    }

    #[test]
    fn an_attestation_is_current_through_its_expiry_day() {
        assert!(flagged(Some("2026-06-29")).is_empty());
        assert!(flagged(Some("2026-06-30")).is_empty());
        assert_eq!(
            flagged(Some("2026-07-01")),
            [
                "expired: Third party \"Expired vendor\" (expired) receives confidential with no \
                 current SOC 2 Type II or ISO 27001 attestation on file (soc2-type2 expired after \
                 2026-06-30)"
            ]
        );
    }

    #[test]
    fn without_a_today_nothing_expires() {
        assert!(flagged(None).is_empty());
    }
}
