use super::{declare_rule, Sink};
use crate::engine::Analysis;
use crate::model::Role;

declare_rule! {
    /// ## What it does
    /// Flags a node whose role is `log-sink` that receives or holds personal data,
    /// credentials or cardholder data, whether a flow declares it or it arrives by
    /// propagation (a function that handles personal data and writes its logs there). The
    /// witness path shows where the data entered. Classes that must never be stored (`sad`)
    /// are left to MIN-005, which grades them critical, so they are not reported twice.
    ///
    /// ## Why is this bad?
    /// Logs are copied widely, kept long, readable by many engineers and often shipped to
    /// vendors. Personal data and secrets in them escape the access controls, retention and
    /// minimisation that protect the primary store (ISO 27001 A.8.11, A.8.15; NIST AU-3(3)).
    ///
    /// ## Example
    /// `orders-fn` receives `personal` data from the API and has a flow to `app-logs`
    /// (`role: log-sink`): its log lines carry what it handles.
    ///
    /// ## How to fix
    /// Redact or tokenize before logging (a logging library with field filters, or a node
    /// that `strips` the classes), log identifiers instead of values, and declare on the log
    /// flow only what it really carries.
    pub static LOG_003 = Rule {
        id: "LOG-003",
        name: "sensitive-data-in-logs",
        summary: "Personal data, credentials or cardholder data reach a log sink.",
        population: "Every node with the role log-sink.",
        severity: Medium,
        families: [Logging, Minimisation],
        check: check,
    };
}

fn check(a: &Analysis, out: &mut Sink) {
    // Classes that must never be stored (`sad`) are MIN-005's, at critical severity.
    let never_store = a.taxonomy.set_where(|c| c.never_store);
    let watched = a
        .personal
        .union(
            a.taxonomy
                .set(&["credentials".to_owned(), "cardholder".to_owned()]),
        )
        .difference(never_store);
    for (n, node) in a.nodes.iter().enumerate() {
        if node.role != Some(Role::LogSink) {
            continue;
        }
        out.examine(a.node_element(n));
        let found = a.reach[n].intersection(watched);
        if found.is_empty() {
            continue;
        }
        let message = format!(
            "Log sink {} receives {}",
            a.node_label(n),
            a.class_list(found)
        );
        out.report_witnessed(
            a,
            a.node_element(n),
            message,
            a.propagated_into_node(n, found),
        );
    }
}
