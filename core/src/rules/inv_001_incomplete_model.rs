use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::NodeKind;

declare_rule! {
    /// ## What it does
    /// Flags the gaps that make the model an unreliable inventory, one finding per element
    /// naming every gap it has:
    /// - a flow that carries no data class: none declared and none propagated onto it, so
    ///   no rule can judge what it moves;
    /// - a flow whose `protocol` is not one Flowmap knows (compared without regard to case).
    ///   An unknown protocol is usually a typo (`htps`, `postgress`) that ENC-003 then cannot
    ///   judge. An absent protocol is not flagged: the field is optional and encryption is
    ///   recorded separately. The known protocols:
    ///   `http`, `https`, `http2`, `http3`, `h2`, `quic`, `grpc`, `grpcs`, `grpc-web`, `graphql`,
    ///   `websocket`, `ws`, `wss`, `soap`, `tls`, `mtls`, `ssh`, `sftp`, `scp`, `ftp`, `ftps`,
    ///   `tftp`, `telnet`, `rsh`, `rlogin`, `rdp`, `vnc`, `nfs`, `smb`, `cifs`, `rsync`, `git`,
    ///   `smtp`, `smtps`, `imap`, `imaps`, `pop3`, `pop3s`, `ldap`, `ldaps`, `kerberos`, `radius`,
    ///   `dns`, `doh`, `dot`, `ntp`, `snmp`, `syslog`, `ipsec`, `wireguard`, `openvpn`, `tcp`,
    ///   `udp`, `postgres`, `postgresql`, `mysql`, `mariadb`, `mssql`, `tds`, `oracle`, `jdbc`,
    ///   `odbc`, `mongodb`, `cassandra`, `cql`, `redis`, `rediss`, `memcached`, `elasticsearch`,
    ///   `opensearch`, `amqp`, `amqps`, `mqtt`, `mqtts`, `kafka`, `nats`, `stomp`, `zeromq`,
    ///   `sqs`, `sns`, `eventbridge`, `kinesis`, `firehose`, `s3`, `dynamodb`,
    ///   `aws-lambda-invoke`, `aws-sdk`, `step-functions`, `pubsub`, `gcs`, `azure-blob`,
    ///   `azure-service-bus`, `event-hubs`.
    /// - a node outside every boundary (no `boundary`), except actors: they are untrusted
    ///   by kind wherever they are drawn, so their boundary changes no finding;
    /// - an isolated node: no flow into or out of it.
    ///
    /// ## Why is this bad?
    /// Every other rule reads the model; what it does not say, they cannot check, and an
    /// auditor relying on the diagram (PCI DSS 1.2.4 "accurate data-flow diagrams", SOC 2
    /// CC2.1, ISO 27001 A.5.9, A.5.12, NIST CM-8, PM-5(1)) gets a wrong picture. Isolated
    /// nodes are usually flows someone forgot to draw.
    ///
    /// ## Example
    /// ```json
    /// { "id": "sync", "from": "crm-fn", "to": "crm", "protocol": "htps" }
    /// ```
    /// declares no data and names a protocol that does not exist.
    ///
    /// ## How to fix
    /// Declare the data classes on the flow, fix the protocol name, put the node in the
    /// boundary it runs in, and draw the flows of isolated nodes (or delete nodes that no
    /// longer exist).
    pub static INV_001 = Rule {
        id: "INV-001",
        name: "incomplete-model",
        summary: "A flow carries no data class or names an unknown protocol, or a node is outside every boundary or isolated.",
        population: "Every flow and every node of the model.",
        severity: Low,
        families: [Inventory],
        check: check,
    };
}

/// Protocols Flowmap knows, lowercase. Extend it when a real protocol is missing, and the
/// list in the docs with it (a test keeps them in step).
const KNOWN_PROTOCOLS: &[&str] = &[
    // Web and RPC
    "http",
    "https",
    "http2",
    "http3",
    "h2",
    "quic",
    "grpc",
    "grpcs",
    "grpc-web",
    "graphql",
    "websocket",
    "ws",
    "wss",
    "soap",
    "tls",
    "mtls",
    // Remote access and files
    "ssh",
    "sftp",
    "scp",
    "ftp",
    "ftps",
    "tftp",
    "telnet",
    "rsh",
    "rlogin",
    "rdp",
    "vnc",
    "nfs",
    "smb",
    "cifs",
    "rsync",
    "git",
    // Mail and directory
    "smtp",
    "smtps",
    "imap",
    "imaps",
    "pop3",
    "pop3s",
    "ldap",
    "ldaps",
    "kerberos",
    "radius",
    // Infrastructure
    "dns",
    "doh",
    "dot",
    "ntp",
    "snmp",
    "syslog",
    "ipsec",
    "wireguard",
    "openvpn",
    "tcp",
    "udp",
    // Databases and caches
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mssql",
    "tds",
    "oracle",
    "jdbc",
    "odbc",
    "mongodb",
    "cassandra",
    "cql",
    "redis",
    "rediss",
    "memcached",
    "elasticsearch",
    "opensearch",
    // Messaging
    "amqp",
    "amqps",
    "mqtt",
    "mqtts",
    "kafka",
    "nats",
    "stomp",
    "zeromq",
    // Cloud services
    "sqs",
    "sns",
    "eventbridge",
    "kinesis",
    "firehose",
    "s3",
    "dynamodb",
    "aws-lambda-invoke",
    "aws-sdk",
    "step-functions",
    "pubsub",
    "gcs",
    "azure-blob",
    "azure-service-bus",
    "event-hubs",
];

fn check(a: &Analysis, out: &mut Sink) {
    for f in 0..a.flows.len() {
        let flow = a.flows[f];
        out.examine(a.flow_element(f));
        let mut gaps = Vec::new();
        if a.carried[f].is_empty() {
            gaps.push("carries no data class".to_owned());
        }
        if let Some(protocol) = flow.protocol.as_deref() {
            // The list is lowercase: comparing without case is comparing a lowercased copy.
            let trimmed = protocol.trim();
            if !KNOWN_PROTOCOLS
                .iter()
                .any(|known| known.eq_ignore_ascii_case(trimmed))
            {
                gaps.push(format!("names an unknown protocol {protocol:?}"));
            }
        }
        if !gaps.is_empty() {
            out.report(
                a.flow_element(f),
                format!("Flow {} {}", a.flow_label(f), gaps.join(" and ")),
            );
        }
    }
    for (n, node) in a.nodes.iter().enumerate() {
        out.examine(a.node_element(n));
        let mut gaps = Vec::new();
        if node.kind != NodeKind::Actor && node.boundary.is_none() {
            gaps.push("is outside every boundary");
        }
        if a.incoming(n).next().is_none() && a.outgoing(n).next().is_none() {
            gaps.push("has no flows");
        }
        if !gaps.is_empty() {
            out.report(
                a.node_element(n),
                format!("{} {}", a.kind_label(n), gaps.join(" and ")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_protocols_are_lowercase() {
        for protocol in KNOWN_PROTOCOLS {
            assert_eq!(*protocol, protocol.to_ascii_lowercase());
        }
    }

    #[test]
    fn the_docs_list_every_known_protocol() {
        let docs = INV_001.docs();
        for protocol in KNOWN_PROTOCOLS {
            assert!(docs.contains(&format!("`{protocol}`")), "{protocol}");
        }
    }
}
