use std::collections::VecDeque;

use super::{declare_rule, Sink};
use crate::engine::{Analysis, FlowIx};
use crate::model::NodeKind;

declare_rule! {
    /// ## What it does
    /// Flags a store holding or receiving sensitive data (tier 3 or above) that some path
    /// from an untrusted node (an actor, an external, or anything in an `internet` boundary)
    /// reaches with no authentication anywhere on it: no flow of the path is
    /// `authenticated` and no node after the start `authenticates` (the store included).
    /// The witness is the shortest such path (fewest flows; ties broken by id).
    ///
    /// Unlike AUTH-001, which judges one hop, this follows the data: an authenticated front
    /// door does not help if a side entrance (a public bucket trigger, an unauthenticated
    /// queue consumer) leads to the same store.
    ///
    /// ## Why is this bad?
    /// Every component on the path trusts its caller, so anyone on the internet can read or
    /// write the store's sensitive data through it (SOC 2 CC6.1/CC6.6, NIST AC-3, SC-7).
    ///
    /// ## Example
    /// `customer → upload-api → resize-fn → photos-db` where the upload API has no
    /// authorizer and none of the flows is authenticated, and `photos-db` holds `gov-id`.
    ///
    /// ## How to fix
    /// Put an authenticating hop on every path (API gateway authorizer, IdP-backed proxy,
    /// signed requests verified by the consumer) and record it (`"authenticates": true` on
    /// the node or `"authenticated": true` on the flow).
    pub static AUTH_003 = Rule {
        id: "AUTH-003",
        name: "unauthenticated-path-to-sensitive-store",
        summary: "An unauthenticated path leads from an untrusted node to a store with sensitive data.",
        population: "Every store that sensitive data (tier 3 or above) reaches: declared on a flow into it, held, or propagated.",
        severity: Critical,
        families: [Authentication, BoundaryProtection],
        check: check,
    };
}

const UNSEEN: u32 = u32::MAX;
const START: u32 = u32::MAX - 1;

fn check(a: &Analysis, out: &mut Sink) {
    // Multi-source breadth-first search from every untrusted node over open flows (not
    // authenticated, into a node that does not authenticate). `via[n]` is the flow that first
    // reached `n`, so following it back gives a shortest path.
    let mut via = vec![UNSEEN; a.nodes.len()];
    let mut queue = VecDeque::new();
    for (n, reached) in via.iter_mut().enumerate() {
        if a.untrusted[n] {
            *reached = START;
            queue.push_back(n);
        }
    }
    while let Some(n) = queue.pop_front() {
        let mut outgoing: Vec<FlowIx> = a.outgoing(n).collect();
        outgoing.sort_unstable();
        for f in outgoing {
            let to = a.ends[f].1;
            if via[to] != UNSEEN || a.flows[f].authenticated || a.nodes[to].authenticates {
                continue;
            }
            via[to] = f as u32;
            queue.push_back(to);
        }
    }
    for (n, node) in a.nodes.iter().enumerate() {
        if node.kind != NodeKind::Store {
            continue;
        }
        let sensitive = a.reach[n].intersection(a.sensitive);
        if sensitive.is_empty() {
            continue;
        }
        out.examine(a.node_element(n));
        if via[n] == UNSEEN || via[n] == START {
            continue;
        }
        let mut path = Vec::new();
        let mut current = n;
        while via[current] != START && path.len() <= a.flows.len() {
            let f = via[current] as usize;
            path.push(f);
            current = a.ends[f].0;
        }
        path.reverse();
        let message = format!(
            "Store {} with {} is reachable from untrusted {} without authentication: {}",
            a.node_label(n),
            a.class_list(sensitive),
            a.node_label(current),
            a.path_ids(&path).join(" → ")
        );
        out.report(a.node_element(n), message).path(path);
    }
}
