//! Small helpers several rules share: class sets by id, regions, trust-zone nesting, ingress.
//! Everything here reads the [`Analysis`]; nothing is cached or saved.

use crate::engine::{Analysis, NodeIx};
use crate::taxonomy::ClassSet;

/// The set of the given class ids (ids the taxonomy does not know are skipped).
pub(super) fn classes(a: &Analysis, ids: &[&str]) -> ClassSet {
    let owned: Vec<String> = ids.iter().map(|id| (*id).to_owned()).collect();
    a.taxonomy.set(&owned)
}

/// The region a node runs in: its own `region`, else that of the nearest enclosing boundary
/// that states one. `None` when neither does.
pub(super) fn region_of<'m>(a: &Analysis<'m>, n: NodeIx) -> Option<&'m str> {
    let node = a.nodes[n];
    if let Some(region) = node.region.as_deref().filter(|r| !r.trim().is_empty()) {
        return Some(region);
    }
    let model = a.model;
    // Boundaries by index (O(1) a step): at 100k nodes a model has thousands of boundaries.
    let mut current = a.node_boundary(n);
    let mut steps = 0;
    while let Some(b) = current {
        // Loading has ruled out cycles; the bound is a guard.
        if steps > model.boundaries.len() {
            break;
        }
        steps += 1;
        let boundary = &model.boundaries[b];
        if let Some(region) = boundary.region.as_deref().filter(|r| !r.trim().is_empty()) {
            return Some(region);
        }
        current = a.boundary_parent(b);
    }
    None
}

/// Is node `n` inside trust zone `zone` (an index into `model.boundaries`): is its innermost
/// zone `zone` itself or a boundary nested in it?
pub(super) fn within_zone(a: &Analysis, n: NodeIx, zone: usize) -> bool {
    let model = a.model;
    let mut current = a.zone[n];
    let mut steps = 0;
    while let Some(b) = current {
        if b == zone {
            return true;
        }
        if steps > model.boundaries.len() {
            break;
        }
        steps += 1;
        current = a.boundary_parent(b);
    }
    false
}

/// The untrusted nodes with a flow into `n`, in id order, without repeats.
pub(super) fn untrusted_sources(a: &Analysis, n: NodeIx) -> Vec<NodeIx> {
    let mut sources: Vec<NodeIx> = a
        .incoming(n)
        .map(|f| a.ends[f].0)
        .filter(|from| a.untrusted[*from])
        .collect();
    sources.sort_unstable();
    sources.dedup();
    sources
}

/// Labels of several nodes, comma-separated, for messages.
pub(super) fn node_labels(a: &Analysis, nodes: &[NodeIx]) -> String {
    nodes
        .iter()
        .map(|n| a.node_label(*n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `"Name" (id)` of a boundary (index into `model.boundaries`), like node labels.
pub(super) fn boundary_label(a: &Analysis, b: usize) -> String {
    let boundary = &a.model.boundaries[b];
    if boundary.name.trim().is_empty() || boundary.name == boundary.id {
        format!("`{}`", boundary.id)
    } else {
        format!("\"{}\" ({})", boundary.name, boundary.id)
    }
}

/// The element of a boundary (index into `model.boundaries`).
pub(super) fn boundary_element(b: usize) -> crate::engine::Element {
    crate::engine::Element {
        kind: crate::finding::SubjectKind::Boundary,
        index: b as u32,
    }
}

/// Is `region` among a class's allowed regions? An entry matches the region itself or, as a
/// prefix, every region in it: `eu` allows `eu-west-1` and `eu-central-1`. Case is ignored.
pub(super) fn region_allowed(allowed: &[String], region: &str) -> bool {
    // Case-insensitive (ASCII) comparison without lowercased copies.
    let region = region.trim().as_bytes();
    allowed.iter().any(|entry| {
        let entry = entry.trim().as_bytes();
        region.eq_ignore_ascii_case(entry)
            || (region.len() > entry.len()
                && region[..entry.len()].eq_ignore_ascii_case(entry)
                && region[entry.len()] == b'-')
    })
}

/// Classes with allowed regions (`residency`).
pub(super) fn restricted(a: &Analysis) -> ClassSet {
    a.taxonomy.set_where(|c| !c.residency.is_empty())
}

/// The classes of `set` that may not be in `region`.
pub(super) fn not_allowed_in(a: &Analysis, set: ClassSet, region: &str) -> ClassSet {
    let mut out = ClassSet::EMPTY;
    for c in set.iter() {
        let class = a.taxonomy.class(c);
        if !class.residency.is_empty() && !region_allowed(&class.residency, region) {
            out.insert(c);
        }
    }
    out
}

/// `personal (allowed in eu-west-1, eu-central-1)` for each class of a set.
pub(super) fn residency_list(a: &Analysis, set: ClassSet) -> String {
    set.iter()
        .map(|c| {
            let class = a.taxonomy.class(c);
            format!("{} (allowed in {})", class.id, class.residency.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
