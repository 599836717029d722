//! The analysis view of a model: a petgraph graph, trust zones, and taint — all derived from a
//! [`Model`], never saved.
//!
//! Elements are sorted by id before anything is computed, so every result (findings, witness
//! paths, their order) is independent of the order of nodes and flows in the file.

use std::collections::VecDeque;

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::Direction;

use crate::finding::SubjectKind;
use crate::model::{BoundaryKind, Flow, Model, Node, NodeKind, Role};
use crate::taxonomy::{ClassSet, Taxonomy, SENSITIVE_TIER};

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
}

impl<'m> Analysis<'m> {
    /// Builds the view of a loaded (valid) model.
    pub fn new(model: &'m Model) -> Analysis<'m> {
        let taxonomy = Taxonomy::of(model);
        let mut node_order: Vec<u32> = (0..model.nodes.len() as u32).collect();
        node_order.sort_by(|a, b| {
            model.nodes[*a as usize]
                .id
                .cmp(&model.nodes[*b as usize].id)
        });
        let mut flow_order: Vec<u32> = (0..model.flows.len() as u32).collect();
        flow_order.sort_by(|a, b| {
            model.flows[*a as usize]
                .id
                .cmp(&model.flows[*b as usize].id)
        });
        let nodes: Vec<&Node> = node_order
            .iter()
            .map(|i| &model.nodes[*i as usize])
            .collect();
        let flows: Vec<&Flow> = flow_order
            .iter()
            .map(|i| &model.flows[*i as usize])
            .collect();

        let node_ix = |id: &str| nodes.binary_search_by(|n| n.id.as_str().cmp(id)).ok();
        let ends: Vec<(NodeIx, NodeIx)> = flows
            .iter()
            .map(|f| (node_ix(&f.from).unwrap_or(0), node_ix(&f.to).unwrap_or(0)))
            .collect();

        let mut graph = DiGraph::with_capacity(nodes.len(), flows.len());
        for _ in &nodes {
            graph.add_node(());
        }
        for (from, to) in &ends {
            graph.add_edge(NodeIndex::new(*from), NodeIndex::new(*to), ());
        }

        let boundary_ix = |id: &str| model.boundaries.iter().position(|b| b.id == id);
        // Ancestor chains (innermost first); loading has ruled out cycles, the bound is a guard.
        let chain = |start: Option<&String>| -> Vec<usize> {
            let mut chain = Vec::new();
            let mut current = start.and_then(|id| boundary_ix(id));
            while let Some(b) = current {
                if chain.len() > model.boundaries.len() {
                    break;
                }
                chain.push(b);
                current = model.boundaries[b].parent.as_deref().and_then(boundary_ix);
            }
            chain
        };
        // Boundaries are few; memoize chains per boundary id to keep this O(nodes).
        let mut chains: std::collections::HashMap<Option<&String>, Vec<usize>> = Default::default();
        let mut untrusted = Vec::with_capacity(nodes.len());
        let mut zone = Vec::with_capacity(nodes.len());
        for node in &nodes {
            let ancestors = chains
                .entry(node.boundary.as_ref())
                .or_insert_with(|| chain(node.boundary.as_ref()));
            let in_internet = ancestors
                .iter()
                .any(|b| model.boundaries[*b].kind == BoundaryKind::Internet);
            untrusted
                .push(matches!(node.kind, NodeKind::Actor | NodeKind::External) || in_internet);
            zone.push(
                ancestors
                    .iter()
                    .copied()
                    .find(|b| model.boundaries[*b].kind.is_zone()),
            );
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

    /// Taint propagation: a monotone fixpoint over class bitsets. Sets only grow and are
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
        let strips: Vec<ClassSet> = self
            .nodes
            .iter()
            .map(|n| self.taxonomy.set(&n.strips))
            .collect();
        let mut queued = vec![false; self.nodes.len()];
        let mut work = VecDeque::new();
        for f in 0..self.flows.len() {
            let to = self.ends[f].1;
            self.deliver(f, to, self.declared[f]);
            if !queued[to] && self.passes_on(to) {
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
            if !self.passes_on(n) {
                continue;
            }
            let out = self.reach[n].difference(strips[n]);
            let outgoing: Vec<EdgeIndex> = self
                .graph
                .edges_directed(NodeIndex::new(n), Direction::Outgoing)
                .map(|e| petgraph::visit::EdgeRef::id(&e))
                .collect();
            for edge in outgoing {
                let f = edge.index();
                let added = out.difference(self.carried[f]);
                if added.is_empty() {
                    continue;
                }
                self.carried[f] = self.carried[f].union(added);
                let to = self.ends[f].1;
                if self.deliver(f, to, added) && !queued[to] && self.passes_on(to) {
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
        let mut path = vec![f];
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
        let b = self.model.boundaries.iter().position(|b| b.id == id)?;
        Some(Element {
            kind: SubjectKind::Boundary,
            index: b as u32,
        })
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

    /// `Store "Name" (id)`: a node with its kind, for messages.
    pub fn kind_label(&self, n: NodeIx) -> String {
        let kind = self.nodes[n].kind.as_str();
        let mut chars = kind.chars();
        let capitalized: String = chars
            .next()
            .map(|c| c.to_ascii_uppercase())
            .into_iter()
            .chain(chars)
            .collect();
        format!("{capitalized} {}", self.node_label(n))
    }

    /// `Name (id)` of a flow, for messages; a nameless flow is `from → to (id)`.
    pub fn flow_label(&self, f: FlowIx) -> String {
        let flow = self.flows[f];
        if flow.name.trim().is_empty() {
            let (from, to) = self.ends[f];
            format!(
                "{} → {} ({})",
                self.nodes[from].name, self.nodes[to].name, flow.id
            )
        } else {
            label(&flow.name, &flow.id)
        }
    }

    /// Class ids of a set, comma-separated, for messages.
    pub fn class_list(&self, set: ClassSet) -> String {
        self.taxonomy.ids(set).join(", ")
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
        let Some(first) = path.first() else {
            return String::new();
        };
        let ids = self.path_ids(path).join(" → ");
        let (entry, _) = self.ends[*first];
        let origin = if self.declared[*first].contains(class) {
            format!("declared on {}", self.flow_label(*first))
        } else {
            format!("held by {}", self.node_label(entry))
        };
        format!(
            "{} arrives via {ids} ({origin})",
            self.taxonomy.class(class).id
        )
    }
}

fn label(name: &str, id: &str) -> String {
    if name.trim().is_empty() || name == id {
        format!("`{id}`")
    } else {
        format!("\"{name}\" ({id})")
    }
}
