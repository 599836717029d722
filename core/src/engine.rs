//! The analysis view of a model: a petgraph graph, trust zones, and taint — all derived from a
//! [`Model`], never saved.
//!
//! Elements are sorted by id before anything is computed, so every result (findings, witness
//! paths, their order) is independent of the order of nodes and flows in the file.

use std::collections::VecDeque;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;

use crate::finding::SubjectKind;
use crate::model::{BoundaryKind, Flow, Model, Node, NodeKind, Role};
use crate::taxonomy::{ClassSet, Taxonomy, SENSITIVE_TIER};
use rustc_hash::FxHashMap;

/// Index of a node in [`Analysis::nodes`] (sorted by id). Equal to its petgraph `NodeIndex`.
pub type NodeIx = usize;
/// Index of a flow in [`Analysis::flows`] (sorted by id). Equal to its petgraph `EdgeIndex`.
pub type FlowIx = usize;

/// An element of the model, by its position in the model's own arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Element {
    pub kind: SubjectKind,
    pub index: u32,
}

/// Where a class first arrived at a node: through a flow, or held by the node itself.
const HELD: u32 = u32::MAX;
const ABSENT: u32 = u32::MAX - 1;

/// Everything the rules read, computed once per check.
pub struct Analysis<'m> {
    pub model: &'m Model,
    pub taxonomy: Taxonomy,
    /// Nodes sorted by id, and their index in `model.nodes`.
    pub nodes: Vec<&'m Node>,
    node_model_index: Vec<u32>,
    /// Flows sorted by id, and their index in `model.flows`.
    pub flows: Vec<&'m Flow>,
    flow_model_index: Vec<u32>,
    /// Flow endpoints as node indexes.
    pub ends: Vec<(NodeIx, NodeIx)>,
    /// The graph: node weights and edge weights are unused, indexes are the point.
    pub graph: DiGraph<(), ()>,
    /// Per node: an actor, an external, or inside an `internet` boundary.
    pub untrusted: Vec<bool>,
    /// Per node: the innermost network/account/vendor boundary (index into `model.boundaries`).
    pub zone: Vec<Option<usize>>,
    /// Per flow: declared classes.
    pub declared: Vec<ClassSet>,
    /// Per flow: `T(f)`, declared plus what its source passes on.
    pub carried: Vec<ClassSet>,
    /// Per node: `R(n)`, what reaches it (plus, for stores and queues, what they hold).
    pub reach: Vec<ClassSet>,
    /// Per node: what it declares it holds.
    pub held: Vec<ClassSet>,
    /// Classes of tier ≥ 3.
    pub sensitive: ClassSet,
    /// Classes marked personal.
    pub personal: ClassSet,
    /// The day the check is about, for expiry (passed in; the core reads no clock). `None`:
    /// nothing is judged expired.
    pub today: Option<crate::date::Date>,
    class_count: usize,
    /// `arrival[n * class_count + c]`: the flow through which class `c` first reached node `n`.
    arrival: Vec<u32>,
    /// Boundary ids → index in `model.boundaries` (the first, should ids repeat).
    boundary_index: FxHashMap<&'m str, usize>,
    /// Per boundary: its parent's index, if it has one that exists.
    boundary_parent: Vec<Option<usize>>,
    /// Per node: the index of its boundary, if it names one that exists.
    node_boundary: Vec<Option<usize>>,
}

impl<'m> Analysis<'m> {
    /// Builds the view of a loaded (valid) model.
    pub fn new(model: &'m Model) -> Analysis<'m> {
        let taxonomy = Taxonomy::of(model);
        let node_order = order_by_id(model.nodes.iter().map(|n| n.id.as_str()));
        let flow_order = order_by_id(model.flows.iter().map(|f| f.id.as_str()));
        let nodes: Vec<&Node> = node_order
            .iter()
            .map(|i| &model.nodes[*i as usize])
            .collect();
        let flows: Vec<&Flow> = flow_order
            .iter()
            .map(|i| &model.flows[*i as usize])
            .collect();

        // Hash lookups: a binary search over ids compares strings behind pointers, a cache
        // miss each, which dominated this function at 100k nodes.
        let mut node_index: FxHashMap<&str, NodeIx> =
            FxHashMap::with_capacity_and_hasher(nodes.len(), Default::default());
        for (n, node) in nodes.iter().enumerate() {
            node_index.entry(node.id.as_str()).or_insert(n);
        }
        let node_ix = |id: &str| node_index.get(id).copied();
        let ends: Vec<(NodeIx, NodeIx)> = flows
            .iter()
            .map(|f| (node_ix(&f.from).unwrap_or(0), node_ix(&f.to).unwrap_or(0)))
            .collect();
        drop(node_index);

        let mut graph = DiGraph::with_capacity(nodes.len(), flows.len());
        for _ in &nodes {
            graph.add_node(());
        }
        for (from, to) in &ends {
            graph.add_edge(NodeIndex::new(*from), NodeIndex::new(*to), ());
        }

        let mut boundary_index: FxHashMap<&str, usize> =
            FxHashMap::with_capacity_and_hasher(model.boundaries.len(), Default::default());
        for (b, boundary) in model.boundaries.iter().enumerate() {
            boundary_index.entry(boundary.id.as_str()).or_insert(b);
        }
        let boundary_parent: Vec<Option<usize>> = model
            .boundaries
            .iter()
            .map(|b| {
                b.parent
                    .as_deref()
                    .and_then(|id| boundary_index.get(id).copied())
            })
            .collect();
        // Per boundary, from its ancestor chain (innermost first; loading has ruled out
        // cycles, the bound is a guard): inside an internet boundary? its innermost zone?
        let placement: Vec<(bool, Option<usize>)> = (0..model.boundaries.len())
            .map(|start| {
                let (mut in_internet, mut zone) = (false, None);
                let mut current = Some(start);
                let mut steps = 0;
                while let Some(b) = current {
                    if steps > model.boundaries.len() {
                        break;
                    }
                    steps += 1;
                    let kind = model.boundaries[b].kind;
                    in_internet |= kind == BoundaryKind::Internet;
                    if zone.is_none() && kind.is_zone() {
                        zone = Some(b);
                    }
                    current = boundary_parent[b];
                }
                (in_internet, zone)
            })
            .collect();
        let node_boundary: Vec<Option<usize>> = nodes
            .iter()
            .map(|n| {
                n.boundary
                    .as_deref()
                    .and_then(|id| boundary_index.get(id).copied())
            })
            .collect();
        let mut untrusted = Vec::with_capacity(nodes.len());
        let mut zone = Vec::with_capacity(nodes.len());
        for (node, boundary) in nodes.iter().zip(&node_boundary) {
            let (in_internet, innermost) = boundary.map_or((false, None), |b| placement[b]);
            untrusted
                .push(matches!(node.kind, NodeKind::Actor | NodeKind::External) || in_internet);
            zone.push(innermost);
        }

        let declared: Vec<ClassSet> = flows.iter().map(|f| taxonomy.set(&f.data)).collect();
        let held: Vec<ClassSet> = nodes
            .iter()
            .map(|n| match n.kind {
                NodeKind::Store | NodeKind::Queue => taxonomy.set(&n.holds),
                _ => ClassSet::EMPTY,
            })
            .collect();
        let sensitive = taxonomy.set_where(|c| c.tier >= SENSITIVE_TIER);
        let personal = taxonomy.set_where(|c| c.personal);
        let class_count = taxonomy.classes().len();

        let mut analysis = Analysis {
            model,
            taxonomy,
            nodes,
            node_model_index: node_order,
            flows,
            flow_model_index: flow_order,
            ends,
            graph,
            untrusted,
            zone,
            carried: declared.clone(),
            declared,
            reach: held.clone(),
            held,
            sensitive,
            personal,
            today: None,
            class_count,
            arrival: Vec::new(),
            boundary_index,
            boundary_parent,
            node_boundary,
        };
        analysis.propagate();
        analysis
    }

    /// Sets the day the check is about.
    pub fn with_today(mut self, today: Option<crate::date::Date>) -> Self {
        self.today = today;
        self
    }

    /// Does a node pass on what reaches it? Services (but not gateways), stores and queues do;
    /// actors and externals are opaque, and a gateway's flows carry only what they declare.
    pub fn passes_on(&self, n: NodeIx) -> bool {
        let node = self.nodes[n];
        match node.kind {
            NodeKind::Service => node.role != Some(Role::Gateway),
            NodeKind::Store | NodeKind::Queue => true,
            NodeKind::Actor | NodeKind::External => false,
        }
    }

    /// Taint propagation: a monotone fixpoint over class bitsets. A node passes on what
    /// reaches it minus what it strips and minus the classes marked `consumed_at_hop`, which
    /// stop at the node that receives them (a flow out carries them only if it declares them).
    /// Sets only grow and are
    /// bounded, so it terminates on cycles; a FIFO worklist makes first arrivals (and so the
    /// witness paths) as short as a breadth-first search would, in a deterministic order.
    fn propagate(&mut self) {
        let classes = self.class_count;
        self.arrival = vec![ABSENT; self.nodes.len() * classes];
        for (n, held) in self.held.iter().enumerate() {
            for c in held.iter() {
                self.arrival[n * classes + c] = HELD;
            }
        }
        // What a node does not pass on: what it strips, and the classes every hop consumes
        // (credentials, session tokens): those travel only on flows that declare them.
        let consumed = self.taxonomy.set_where(|c| c.consumed_at_hop);
        let strips: Vec<ClassSet> = self
            .nodes
            .iter()
            .map(|n| self.taxonomy.set(&n.strips).union(consumed))
            .collect();
        // Per node, once (the loop below would read each node's kind and role many times).
        let passes: Vec<bool> = (0..self.nodes.len()).map(|n| self.passes_on(n)).collect();
        let mut queued = vec![false; self.nodes.len()];
        let mut work = VecDeque::new();
        for f in 0..self.flows.len() {
            let to = self.ends[f].1;
            self.deliver(f, to, self.declared[f]);
            if !queued[to] && passes[to] {
                queued[to] = true;
                work.push_back(to);
            }
        }
        for (n, held) in self.held.iter().enumerate() {
            if !held.is_empty() && !queued[n] {
                queued[n] = true;
                work.push_back(n);
            }
        }
        while let Some(n) = work.pop_front() {
            queued[n] = false;
            if !passes[n] {
                continue;
            }
            let out = self.reach[n].difference(strips[n]);
            // The same order as `edges_directed(n, Outgoing)`, without collecting the edges.
            let mut next = self
                .graph
                .first_edge(NodeIndex::new(n), Direction::Outgoing);
            while let Some(edge) = next {
                next = self.graph.next_edge(edge, Direction::Outgoing);
                let f = edge.index();
                let added = out.difference(self.carried[f]);
                if added.is_empty() {
                    continue;
                }
                self.carried[f] = self.carried[f].union(added);
                let to = self.ends[f].1;
                if self.deliver(f, to, added) && !queued[to] && passes[to] {
                    queued[to] = true;
                    work.push_back(to);
                }
            }
        }
    }

    /// Adds classes arriving through flow `f` to node `to`; true when something was new.
    fn deliver(&mut self, f: FlowIx, to: NodeIx, classes: ClassSet) -> bool {
        let new = classes.difference(self.reach[to]);
        if new.is_empty() {
            return false;
        }
        self.reach[to] = self.reach[to].union(new);
        for c in new.iter() {
            self.arrival[to * self.class_count + c] = f as u32;
        }
        true
    }

    /// The flows that brought class `c` onto flow `f`, from where it entered the system
    /// (a flow that declares it, or a store that holds it) to `f` itself.
    pub fn witness(&self, f: FlowIx, c: usize) -> Vec<FlowIx> {
        let mut path = Vec::with_capacity(8);
        path.push(f);
        let mut current = f;
        while !self.declared[current].contains(c) && path.len() <= self.flows.len() {
            let source = self.ends[current].0;
            match self.arrival[source * self.class_count + c] {
                HELD | ABSENT => break,
                previous => {
                    current = previous as usize;
                    path.push(current);
                }
            }
        }
        path.reverse();
        path
    }

    /// The witness path of class `c` into node `n` (empty when the node holds it itself).
    pub fn witness_to_node(&self, n: NodeIx, c: usize) -> Vec<FlowIx> {
        match self.arrival[n * self.class_count + c] {
            HELD | ABSENT => Vec::new(),
            f => self.witness(f as usize, c),
        }
    }

    /// The most sensitive class of a set (highest tier, then taxonomy order).
    pub fn top_class(&self, set: ClassSet) -> Option<usize> {
        set.iter()
            .max_by_key(|c| (self.taxonomy.class(*c).tier, std::cmp::Reverse(*c)))
    }

    /// Does the flow cross a trust boundary (its ends sit in different trust zones)?
    pub fn crosses(&self, f: FlowIx) -> bool {
        let (from, to) = self.ends[f];
        self.zone[from] != self.zone[to]
    }

    pub fn incoming(&self, n: NodeIx) -> impl Iterator<Item = FlowIx> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(n), Direction::Incoming)
            .map(|e| petgraph::visit::EdgeRef::id(&e).index())
    }

    pub fn outgoing(&self, n: NodeIx) -> impl Iterator<Item = FlowIx> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(n), Direction::Outgoing)
            .map(|e| petgraph::visit::EdgeRef::id(&e).index())
    }

    /// The node, flow or boundary with this id.
    pub fn element_of(&self, id: &str) -> Option<Element> {
        if let Ok(n) = self.nodes.binary_search_by(|n| n.id.as_str().cmp(id)) {
            return Some(self.node_element(n));
        }
        if let Ok(f) = self.flows.binary_search_by(|f| f.id.as_str().cmp(id)) {
            return Some(self.flow_element(f));
        }
        let b = self.boundary_of(id)?;
        Some(Element {
            kind: SubjectKind::Boundary,
            index: b as u32,
        })
    }

    /// The index in `model.boundaries` of the boundary with this id.
    pub fn boundary_of(&self, id: &str) -> Option<usize> {
        self.boundary_index.get(id).copied()
    }

    /// The parent of boundary `b` (an index in `model.boundaries`), if it names one that exists.
    pub fn boundary_parent(&self, b: usize) -> Option<usize> {
        self.boundary_parent[b]
    }

    /// The boundary node `n` sits in (an index in `model.boundaries`), if it names one that
    /// exists.
    pub fn node_boundary(&self, n: NodeIx) -> Option<usize> {
        self.node_boundary[n]
    }

    pub fn node_element(&self, n: NodeIx) -> Element {
        Element {
            kind: SubjectKind::Node,
            index: self.node_model_index[n],
        }
    }

    pub fn flow_element(&self, f: FlowIx) -> Element {
        Element {
            kind: SubjectKind::Flow,
            index: self.flow_model_index[f],
        }
    }

    /// `Name (id)` of a node, for messages.
    pub fn node_label(&self, n: NodeIx) -> String {
        label(&self.nodes[n].name, &self.nodes[n].id)
    }

    /// [`Self::node_label`], appended to `out`.
    pub fn push_node_label(&self, out: &mut String, n: NodeIx) {
        push_label(out, &self.nodes[n].name, &self.nodes[n].id);
    }

    /// `Store "Name" (id)`: a node with its kind, for messages.
    pub fn kind_label(&self, n: NodeIx) -> String {
        let node = self.nodes[n];
        let mut out =
            String::with_capacity(node.kind.as_str().len() + node.name.len() + node.id.len() + 6);
        self.push_kind_label(&mut out, n);
        out
    }

    /// [`Self::kind_label`], appended to `out`.
    pub fn push_kind_label(&self, out: &mut String, n: NodeIx) {
        let node = self.nodes[n];
        let kind = node.kind.as_str();
        let mut chars = kind.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
        }
        out.push_str(chars.as_str());
        out.push(' ');
        push_label(out, &node.name, &node.id);
    }

    /// `Name (id)` of a flow, for messages; a nameless flow is `from → to (id)`.
    pub fn flow_label(&self, f: FlowIx) -> String {
        let mut out = String::new();
        self.push_flow_label(&mut out, f);
        out
    }

    /// [`Self::flow_label`], appended to `out`.
    pub fn push_flow_label(&self, out: &mut String, f: FlowIx) {
        let flow = self.flows[f];
        if flow.name.trim().is_empty() {
            let (from, to) = self.ends[f];
            for part in [
                self.nodes[from].name.as_str(),
                " → ",
                &self.nodes[to].name,
                " (",
                &flow.id,
                ")",
            ] {
                out.push_str(part);
            }
        } else {
            push_label(out, &flow.name, &flow.id);
        }
    }

    /// Class ids of a set, comma-separated, for messages.
    pub fn class_list(&self, set: ClassSet) -> String {
        let mut out = String::new();
        self.push_class_list(&mut out, set);
        out
    }

    /// [`Self::class_list`], appended to `out`.
    pub fn push_class_list(&self, out: &mut String, set: ClassSet) {
        for (i, c) in set.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&self.taxonomy.class(c).id);
        }
    }

    /// Flow ids of a path.
    pub fn path_ids(&self, path: &[FlowIx]) -> Vec<String> {
        path.iter().map(|f| self.flows[*f].id.clone()).collect()
    }

    /// "personal data arrives through checkout → f3 → f7" when `set` holds classes that reach
    /// `n` only by propagation; the path of the most sensitive of them.
    pub fn propagated_into_node(&self, n: NodeIx, set: ClassSet) -> Option<(usize, Vec<FlowIx>)> {
        let incoming_declared = self
            .incoming(n)
            .fold(ClassSet::EMPTY, |acc, f| acc.union(self.declared[f]));
        let propagated = set.difference(incoming_declared).difference(self.held[n]);
        let top = self.top_class(propagated)?;
        Some((top, self.witness_to_node(n, top)))
    }

    /// Like [`Self::propagated_into_node`] for a flow: classes it carries but does not declare.
    pub fn propagated_onto_flow(&self, f: FlowIx, set: ClassSet) -> Option<(usize, Vec<FlowIx>)> {
        let propagated = set.difference(self.declared[f]);
        let top = self.top_class(propagated)?;
        Some((top, self.witness(f, top)))
    }

    /// Text for a witness path: `class arrives via a → b → c (entered at Name)`.
    pub fn describe_witness(&self, class: usize, path: &[FlowIx]) -> String {
        let mut out = String::with_capacity(64 + path.len() * 12);
        self.push_witness(&mut out, class, path);
        out
    }

    /// [`Self::describe_witness`], appended to `out` (nothing for an empty path).
    pub fn push_witness(&self, out: &mut String, class: usize, path: &[FlowIx]) {
        let Some(first) = path.first() else {
            return;
        };
        // Room for all of it at once (the label's name and id bound the label's length).
        let ids: usize = path.iter().map(|f| self.flows[*f].id.len() + 5).sum();
        let (entry, to) = self.ends[*first];
        let names = self.nodes[entry].name.len() + self.nodes[to].name.len();
        out.reserve(
            48 + self.taxonomy.class(class).id.len()
                + ids
                + names
                + 2 * self.flows[*first].id.len()
                + self.flows[*first].name.len(),
        );
        out.push_str(&self.taxonomy.class(class).id);
        out.push_str(" arrives via ");
        for (i, f) in path.iter().enumerate() {
            if i > 0 {
                out.push_str(" → ");
            }
            out.push_str(&self.flows[*f].id);
        }
        out.push_str(" (");
        if self.declared[*first].contains(class) {
            out.push_str("declared on ");
            self.push_flow_label(out, *first);
        } else {
            let (entry, _) = self.ends[*first];
            out.push_str("held by ");
            push_label(out, &self.nodes[entry].name, &self.nodes[entry].id);
        }
        out.push(')');
    }
}

/// Element indexes in the order of their ids, exactly as a stable sort by id would give, but
/// comparing the first eight bytes as one integer first: most comparisons then read no string
/// (which, behind a pointer, costs a cache miss). Zero padding keeps the order: a string that
/// ends first is the smaller one, and a zero byte cannot differ from the padding.
pub(crate) fn order_by_id<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<u32> {
    sort_keyed(
        ids.enumerate()
            .map(|(i, id)| {
                let mut prefix = [0u8; 8];
                let len = id.len().min(8);
                prefix[..len].copy_from_slice(&id.as_bytes()[..len]);
                (u64::from_be_bytes(prefix), id, i as u32)
            })
            .collect(),
    )
}

/// [`order_by_id`]'s sort, not generic: one copy of the sort in the (size-bound) wasm module
/// for every caller.
fn sort_keyed(mut keyed: Vec<(u64, &str, u32)>) -> Vec<u32> {
    keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

fn label(name: &str, id: &str) -> String {
    let mut out = String::with_capacity(name.len() + id.len() + 5);
    push_label(&mut out, name, id);
    out
}

/// `"Name" (id)`, or `` `id` `` for a node or flow without a name of its own.
fn push_label(out: &mut String, name: &str, id: &str) {
    if name.trim().is_empty() || name == id {
        out.push('`');
        out.push_str(id);
        out.push('`');
    } else {
        out.push('"');
        out.push_str(name);
        out.push_str("\" (");
        out.push_str(id);
        out.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What reaches each node of a model, by node id.
    fn reach(json: &str) -> Vec<(String, Vec<String>)> {
        let model = crate::load_str(json).unwrap_or_else(|e| panic!("{e}"));
        let analysis = Analysis::new(&model);
        analysis
            .nodes
            .iter()
            .enumerate()
            .map(|(n, node)| {
                let ids = analysis.taxonomy.ids(analysis.reach[n]);
                (
                    node.id.clone(),
                    ids.into_iter().map(str::to_owned).collect(),
                )
            })
            .collect()
    }

    fn classes_at<'a>(reach: &'a [(String, Vec<String>)], id: &str) -> &'a [String] {
        &reach.iter().find(|(n, _)| n == id).unwrap().1
    }

    #[test]
    fn consumed_classes_stop_at_the_node_that_receives_them_unless_a_flow_out_declares_them() {
        let reach = reach(
            r#"{ "format": "flowmap/1", "name": "m",
              "classes": [
                { "id": "api-key", "name": "API key", "tier": 6, "consumed_at_hop": true },
                { "id": "order", "name": "Order", "tier": 1 } ],
              "nodes": [
                { "id": "client", "name": "Client", "kind": "actor" },
                { "id": "api", "name": "API", "kind": "service" },
                { "id": "db", "name": "DB", "kind": "store" },
                { "id": "relay", "name": "Relay", "kind": "service" },
                { "id": "vault-copy", "name": "Vault copy", "kind": "store" },
                { "id": "queue", "name": "Queue", "kind": "queue" },
                { "id": "worker", "name": "Worker", "kind": "service" } ],
              "flows": [
                { "id": "sign-in", "from": "client", "to": "api",
                  "data": ["credentials", "session-token", "api-key", "personal"] },
                { "id": "save", "from": "api", "to": "db", "data": ["order"] },
                { "id": "forward", "from": "api", "to": "relay", "data": ["credentials"] },
                { "id": "store", "from": "relay", "to": "vault-copy", "data": ["internal"] },
                { "id": "enqueue", "from": "api", "to": "queue", "data": ["session-token"] },
                { "id": "consume", "from": "queue", "to": "worker", "data": ["order"] } ] }"#,
        );
        // The API receives them all, and passes on only what is not consumed.
        assert_eq!(
            classes_at(&reach, "api"),
            ["personal", "credentials", "session-token", "api-key"]
        );
        assert_eq!(classes_at(&reach, "db"), ["personal", "order"]);
        // A flow out that declares a consumed class carries it one hop further, and no more.
        assert_eq!(classes_at(&reach, "relay"), ["personal", "credentials"]);
        assert_eq!(classes_at(&reach, "vault-copy"), ["internal", "personal"]);
        // Queues consume too: a token parked in a queue travels on only where declared.
        assert_eq!(classes_at(&reach, "queue"), ["personal", "session-token"]);
        assert_eq!(classes_at(&reach, "worker"), ["personal", "order"]);
    }

    #[test]
    fn a_class_without_the_attribute_propagates_as_before() {
        let reach = reach(
            r#"{ "format": "flowmap/1", "name": "m",
              "classes": [ { "id": "credentials", "name": "Credentials, forwarded here", "tier": 6 } ],
              "nodes": [
                { "id": "a", "name": "A", "kind": "service" },
                { "id": "b", "name": "B", "kind": "service" },
                { "id": "c", "name": "C", "kind": "store" } ],
              "flows": [
                { "id": "ab", "from": "a", "to": "b", "data": ["credentials"] },
                { "id": "bc", "from": "b", "to": "c", "data": ["internal"] } ] }"#,
        );
        // A model that redefines `credentials` without `consumed_at_hop` propagates it.
        assert_eq!(classes_at(&reach, "c"), ["internal", "credentials"]);
    }
}
