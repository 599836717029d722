use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::TlsVersion;

declare_rule! {
    /// ## What it does
    /// Flags a flow marked `"encrypted": true` whose transport is weak:
    ///
    /// - its protocol is a cleartext one that has no TLS of its own: `http`, `ws`, `telnet`,
    ///   `tftp`, `rsh`, `rlogin` (the encrypted variants have their own names: `https`,
    ///   `wss`, `ssh`, `sftp`);
    /// - its protocol is one whose TLS is an in-protocol upgrade (`smtp`, `ldap`, `ftp`,
    ///   `imap`, `pop3` with STARTTLS / AUTH TLS) and no minimum TLS version is recorded.
    ///   An opportunistic upgrade is silently stripped by an attacker on the path; recording
    ///   `tls_min` states that TLS is required. (The catalog flagged these protocols
    ///   whenever they were marked encrypted, which would contradict a correctly enforced
    ///   STARTTLS.)
    /// - its minimum TLS version is below 1.2 (`"tls_min": "1.0"` or `"1.1"`).
    ///
    /// Flows that are not marked encrypted are ENC-001's and ENC-002's. The protocol is
    /// compared without regard to case; an absent protocol is not judged.
    ///
    /// ## Why is this bad?
    /// The model claims protection the connection does not give. TLS 1.0 and 1.1 are
    /// deprecated (RFC 8996) and fail PCI DSS 4.2.1 and NIST SP 800-52; a cleartext protocol
    /// or a strippable upgrade exposes the data exactly like an unencrypted flow, while every
    /// other rule believes it is protected (SOC 2 CC6.7, ISO 27001 A.8.24, NIST SC-8, SC-13).
    ///
    /// ## Example
    /// ```json
    /// { "id": "mail-relay", "from": "notify-fn", "to": "smtp-relay",
    ///   "protocol": "smtp", "encrypted": true, "tls_min": "1.0" }
    /// ```
    ///
    /// ## How to fix
    /// Use the TLS variant of the protocol (`https`, `wss`, `ldaps`, `smtps`, `sftp`) or
    /// require the upgrade (for SMTP, MTA-STS or a relay that refuses plaintext), set the
    /// minimum to TLS 1.2 or later, and record it: `"tls_min": "1.2"`. If the flow is in fact
    /// cleartext, mark it `"encrypted": false` and let ENC-001/ENC-002 judge it.
    pub static ENC_003 = Rule {
        id: "ENC-003",
        name: "weak-transport",
        summary: "A flow marked encrypted uses a cleartext protocol, a strippable TLS upgrade, or TLS below 1.2.",
        population: "Every flow marked encrypted.",
        severity: Medium,
        families: [EncryptionInTransit],
        check: check,
    };
}

/// Protocols without TLS of their own.
const CLEARTEXT: &[&str] = &["http", "ws", "telnet", "tftp", "rsh", "rlogin"];

/// Protocols whose TLS is an upgrade inside the protocol (STARTTLS, AUTH TLS).
const UPGRADE: &[&str] = &["smtp", "ldap", "ftp", "imap", "pop3"];

fn check(a: &Analysis, out: &mut Sink) {
    for f in 0..a.flows.len() {
        let flow = a.flows[f];
        if !flow.encrypted {
            continue;
        }
        out.examine(a.flow_element(f));
        // The lists are lowercase: comparing without case is comparing a lowercased copy,
        // which is made only for a message.
        let protocol = flow.protocol.as_deref().map(str::trim);
        let is =
            |list: &[&str], protocol: &str| list.iter().any(|p| p.eq_ignore_ascii_case(protocol));
        let mut reasons = Vec::new();
        if let Some(protocol) = protocol {
            if is(CLEARTEXT, protocol) {
                let protocol = protocol.to_ascii_lowercase();
                reasons.push(format!("uses {protocol}, a cleartext protocol"));
            } else if is(UPGRADE, protocol) && flow.tls_min.is_none() {
                let protocol = protocol.to_ascii_lowercase();
                reasons.push(format!(
                    "uses {protocol}, whose TLS upgrade can be stripped unless it is required, \
                     and records no minimum TLS version"
                ));
            }
        }
        if let Some(tls) = flow.tls_min {
            if tls < TlsVersion::V1_2 {
                reasons.push(format!("accepts TLS {tls}, below 1.2"));
            }
        }
        if reasons.is_empty() {
            continue;
        }
        out.report(
            a.flow_element(f),
            format!(
                "Flow {} is marked encrypted but {}",
                a.flow_label(f),
                reasons.join(", and ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_protocol_lists_are_lowercase() {
        for protocol in CLEARTEXT.iter().chain(UPGRADE) {
            assert_eq!(*protocol, protocol.to_ascii_lowercase());
        }
    }
}
