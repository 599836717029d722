//! Auto-layout: a layered, left-to-right layout for models that arrive without positions
//! (imports, CLI-written files) and as an undoable command on an existing diagram.
//!
//! Compound and recursive: every boundary is laid out as a block whose items are its member
//! nodes and its child boundaries (themselves blocks), so members always stay inside their
//! frame and frames never overlap. Within a block, the classic Sugiyama steps run on the flows
//! lifted to that block's items: cycle breaking (depth-first, by id), longest-path layering
//! (sources on the left), then barycenter sweeps to keep crossings low. Deterministic: no
//! randomness, ties broken by id.
//!
//! Node positions in [`Layout`] are the top-left corners of node boxes; boundary rectangles are
//! frames around their contents.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Layout, Model, NodeKind, Point, Rect};

/// The size of a node's box on the canvas.
pub const NODE_WIDTH: f64 = 160.0;
pub const NODE_HEIGHT: f64 = 64.0;
/// Horizontal gap between layers, vertical gap between items of a layer.
const LAYER_GAP: f64 = 90.0;
const ITEM_GAP: f64 = 40.0;
/// Space between a frame and its contents (the top leaves room for the frame's title).
const PAD: f64 = 24.0;
const TITLE: f64 = 28.0;
/// Barycenter sweeps (down and up) per block.
const SWEEPS: usize = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Item {
    Node(usize),
    Boundary(usize),
}

/// A block's laid-out contents, relative to the block's top-left corner.
struct Block {
    width: f64,
    height: f64,
    nodes: Vec<(usize, Point)>,
    boundaries: Vec<(usize, Rect)>,
}

/// Lays out the whole model. Returns a layout with a position for every node and a rectangle
/// for every boundary.
pub fn auto_layout(model: &Model) -> Layout {
    let context = Context::new(model);
    let top = context.block(None);
    let mut layout = Layout::default();
    for (n, at) in top.nodes {
        layout
            .nodes
            .insert(model.nodes[n].id.clone(), offset(at, PAD, PAD));
    }
    for (b, rect) in top.boundaries {
        layout.boundaries.insert(
            model.boundaries[b].id.clone(),
            Rect {
                x: rect.x + PAD,
                y: rect.y + PAD,
                ..rect
            },
        );
    }
    layout
}

/// The model with every element laid out afresh.
pub fn with_auto_layout(model: &Model) -> Model {
    let mut next = model.clone();
    next.layout = auto_layout(model);
    next
}

/// Lays out only what has no position yet: a model with no layout at all gets a full layout;
/// otherwise missing nodes are placed in a row below the existing drawing.
pub fn fill_missing(model: &Model) -> Model {
    let missing_nodes = model
        .nodes
        .iter()
        .filter(|n| !model.layout.nodes.contains_key(&n.id))
        .count();
    let missing_boundaries = model
        .boundaries
        .iter()
        .filter(|b| !model.layout.boundaries.contains_key(&b.id))
        .count();
    if missing_nodes == 0 && missing_boundaries == 0 {
        return model.clone();
    }
    if model.layout.nodes.is_empty() && model.layout.boundaries.is_empty() {
        return with_auto_layout(model);
    }
    let mut next = model.clone();
    let bottom = model
        .layout
        .nodes
        .values()
        .map(|p| p.y + NODE_HEIGHT)
        .chain(model.layout.boundaries.values().map(|r| r.y + r.h))
        .fold(0.0_f64, f64::max);
    let mut x = PAD;
    for node in model
        .nodes
        .iter()
        .filter(|n| !model.layout.nodes.contains_key(&n.id))
    {
        next.layout.nodes.insert(
            node.id.clone(),
            Point {
                x,
                y: bottom + LAYER_GAP,
            },
        );
        x += NODE_WIDTH + ITEM_GAP;
    }
    // A boundary without a rectangle gets one around its members (or an empty frame).
    for boundary in model
        .boundaries
        .iter()
        .filter(|b| !model.layout.boundaries.contains_key(&b.id))
    {
        let members: Vec<Point> = model
            .nodes
            .iter()
            .filter(|n| n.boundary.as_deref() == Some(boundary.id.as_str()))
            .filter_map(|n| next.layout.nodes.get(&n.id).copied())
            .collect();
        let rect = if members.is_empty() {
            Rect {
                x,
                y: bottom + LAYER_GAP,
                w: NODE_WIDTH + 2.0 * PAD,
                h: NODE_HEIGHT + PAD + TITLE,
            }
        } else {
            let min_x = members.iter().map(|p| p.x).fold(f64::INFINITY, f64::min);
            let min_y = members.iter().map(|p| p.y).fold(f64::INFINITY, f64::min);
            let max_x = members
                .iter()
                .map(|p| p.x + NODE_WIDTH)
                .fold(f64::NEG_INFINITY, f64::max);
            let max_y = members
                .iter()
                .map(|p| p.y + NODE_HEIGHT)
                .fold(f64::NEG_INFINITY, f64::max);
            Rect {
                x: min_x - PAD,
                y: min_y - PAD - TITLE,
                w: max_x - min_x + 2.0 * PAD,
                h: max_y - min_y + 2.0 * PAD + TITLE,
            }
        };
        next.layout.boundaries.insert(boundary.id.clone(), rect);
    }
    next
}

fn offset(p: Point, dx: f64, dy: f64) -> Point {
    Point {
        x: p.x + dx,
        y: p.y + dy,
    }
}

struct Context<'m> {
    model: &'m Model,
    /// Boundary index → parent boundary index.
    parent: Vec<Option<usize>>,
    /// Node index → its boundary index.
    node_boundary: Vec<Option<usize>>,
    /// Flow endpoints as node indexes.
    flows: Vec<(usize, usize)>,
}

impl<'m> Context<'m> {
    fn new(model: &'m Model) -> Context<'m> {
        let boundary_index: HashMap<&str, usize> = model
            .boundaries
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.as_str(), i))
            .collect();
        let node_index: HashMap<&str, usize> = model
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut parent: Vec<Option<usize>> = model
            .boundaries
            .iter()
            .map(|b| {
                b.parent
                    .as_deref()
                    .and_then(|p| boundary_index.get(p).copied())
            })
            .collect();
        // A loaded model has no cycles; break any defensively so recursion terminates.
        for start in 0..parent.len() {
            let mut seen = vec![start];
            let mut current = parent[start];
            while let Some(p) = current {
                if seen.contains(&p) {
                    parent[start] = None;
                    break;
                }
                seen.push(p);
                current = parent[p];
            }
        }
        Context {
            model,
            parent,
            node_boundary: model
                .nodes
                .iter()
                .map(|n| {
                    n.boundary
                        .as_deref()
                        .and_then(|b| boundary_index.get(b).copied())
                })
                .collect(),
            flows: model
                .flows
                .iter()
                .filter_map(|f| {
                    Some((
                        *node_index.get(f.from.as_str())?,
                        *node_index.get(f.to.as_str())?,
                    ))
                })
                .collect(),
        }
    }

    fn id(&self, item: Item) -> &str {
        match item {
            Item::Node(n) => &self.model.nodes[n].id,
            Item::Boundary(b) => &self.model.boundaries[b].id,
        }
    }

    /// The item directly inside `block` that contains node `n`, if any.
    fn lift(&self, n: usize, block: Option<usize>) -> Option<Item> {
        let mut current = self.node_boundary[n];
        if current == block {
            return Some(Item::Node(n));
        }
        while let Some(b) = current {
            if self.parent[b] == block {
                return Some(Item::Boundary(b));
            }
            current = self.parent[b];
        }
        None
    }

    fn block(&self, block: Option<usize>) -> Block {
        let mut items: Vec<Item> = (0..self.model.nodes.len())
            .filter(|n| self.node_boundary[*n] == block)
            .map(Item::Node)
            .chain(
                (0..self.model.boundaries.len())
                    .filter(|b| self.parent[*b] == block)
                    .map(Item::Boundary),
            )
            .collect();
        items.sort_by(|a, b| self.id(*a).cmp(self.id(*b)));
        let children: HashMap<usize, Block> = items
            .iter()
            .filter_map(|item| match item {
                Item::Boundary(b) => Some((*b, self.block(Some(*b)))),
                Item::Node(_) => None,
            })
            .collect();
        let size = |item: Item| match item {
            Item::Node(_) => (NODE_WIDTH, NODE_HEIGHT),
            Item::Boundary(b) => (children[&b].width, children[&b].height),
        };
        let index: HashMap<Item, usize> = items
            .iter()
            .enumerate()
            .map(|(i, item)| (*item, i))
            .collect();
        let mut edges: Vec<(usize, usize)> = self
            .flows
            .iter()
            .filter_map(|(from, to)| {
                let (a, b) = (self.lift(*from, block)?, self.lift(*to, block)?);
                (a != b).then(|| (index[&a], index[&b]))
            })
            .collect();
        edges.sort_unstable();
        edges.dedup();
        let layers = self.layers(&items, &edges);
        let ordered = order_layers(layers, &edges);

        // Coordinates: layers left to right, items stacked and centred vertically.
        let layer_heights: Vec<f64> = ordered
            .iter()
            .map(|layer| {
                layer.iter().map(|i| size(items[*i]).1).sum::<f64>()
                    + ITEM_GAP * (layer.len().saturating_sub(1)) as f64
            })
            .collect();
        let height = layer_heights.iter().copied().fold(0.0, f64::max);
        let mut x = 0.0;
        let mut result = Block {
            width: 0.0,
            height: 0.0,
            nodes: Vec::new(),
            boundaries: Vec::new(),
        };
        for (layer, layer_height) in ordered.iter().zip(&layer_heights) {
            let width = layer.iter().map(|i| size(items[*i]).0).fold(0.0, f64::max);
            let mut y = (height - layer_height) / 2.0;
            for i in layer {
                let (w, h) = size(items[*i]);
                let left = x + (width - w) / 2.0;
                match items[*i] {
                    Item::Node(n) => result.nodes.push((n, Point { x: left, y })),
                    Item::Boundary(b) => {
                        let child = &children[&b];
                        result.boundaries.push((b, Rect { x: left, y, w, h }));
                        let (cx, cy) = (left + PAD, y + PAD + TITLE);
                        result
                            .nodes
                            .extend(child.nodes.iter().map(|(n, p)| (*n, offset(*p, cx, cy))));
                        result
                            .boundaries
                            .extend(child.boundaries.iter().map(|(b, r)| {
                                (
                                    *b,
                                    Rect {
                                        x: r.x + cx,
                                        y: r.y + cy,
                                        ..*r
                                    },
                                )
                            }));
                    }
                }
                y += h + ITEM_GAP;
            }
            x += width + LAYER_GAP;
        }
        let content_width = (x - LAYER_GAP).max(0.0);
        // A frame wraps its contents; an empty frame still has room for its title.
        result.width = content_width.max(NODE_WIDTH) + 2.0 * PAD;
        result.height = height.max(NODE_HEIGHT / 2.0) + 2.0 * PAD + TITLE;
        result
    }

    /// Longest-path layering after breaking cycles; untrusted starting points (actors) lean left.
    fn layers(&self, items: &[Item], edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
        let count = items.len();
        let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (a, b) in edges {
            outgoing[*a].push(*b);
        }
        // Depth-first search in id order; edges to a node on the stack are back edges.
        let mut state = vec![0u8; count]; // 0 new, 1 on stack, 2 done
        let mut forward: Vec<(usize, usize)> = Vec::new();
        for start in 0..count {
            if state[start] != 0 {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            state[start] = 1;
            while let Some((node, next)) = stack.pop() {
                if next < outgoing[node].len() {
                    stack.push((node, next + 1));
                    let target = outgoing[node][next];
                    match state[target] {
                        0 => {
                            forward.push((node, target));
                            state[target] = 1;
                            stack.push((target, 0));
                        }
                        1 => {} // back edge: ignored for layering
                        _ => forward.push((node, target)),
                    }
                } else {
                    state[node] = 2;
                }
            }
        }
        // Longest path from sources, in topological order (Kahn, ties by index = id order).
        let mut indegree = vec![0usize; count];
        let mut succ: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (a, b) in &forward {
            succ[*a].push(*b);
            indegree[*b] += 1;
        }
        let mut layer = vec![0usize; count];
        let mut ready: std::collections::BTreeSet<usize> =
            (0..count).filter(|i| indegree[*i] == 0).collect();
        while let Some(node) = ready.pop_first() {
            for next in &succ[node] {
                layer[*next] = layer[*next].max(layer[node] + 1);
                indegree[*next] -= 1;
                if indegree[*next] == 0 {
                    ready.insert(*next);
                }
            }
        }
        // Isolated actors and externals read best at the edges: actors left, externals right.
        let last = layer.iter().copied().max().unwrap_or(0);
        for (i, item) in items.iter().enumerate() {
            if let Item::Node(n) = item {
                let connected = edges.iter().any(|(a, b)| *a == i || *b == i);
                if !connected && self.model.nodes[*n].kind == NodeKind::External {
                    layer[i] = last;
                }
            }
        }
        let mut layers: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, l) in layer.iter().enumerate() {
            layers.entry(*l).or_default().push(i);
        }
        layers.into_values().collect()
    }
}

/// Barycenter ordering: alternately sort each layer by the mean position of its neighbours in
/// the previous (sweeping right) or next (sweeping left) layer. Keeps the best order seen.
fn order_layers(mut layers: Vec<Vec<usize>>, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let count = layers.iter().map(Vec::len).sum::<usize>();
    let mut layer_of = vec![0usize; count];
    for (l, layer) in layers.iter().enumerate() {
        for i in layer {
            layer_of[*i] = l;
        }
    }
    let mut best = layers.clone();
    let mut best_crossings = crossings(&layers, edges, &layer_of);
    for sweep in 0..SWEEPS {
        let mut position = vec![0.0f64; count];
        let set_positions = |layers: &Vec<Vec<usize>>, position: &mut Vec<f64>| {
            for layer in layers {
                for (p, i) in layer.iter().enumerate() {
                    position[*i] = p as f64;
                }
            }
        };
        set_positions(&layers, &mut position);
        let downward = sweep % 2 == 0;
        let range: Vec<usize> = if downward {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for l in range {
            let neighbour_layer = if downward { l - 1 } else { l + 1 };
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|i| {
                    let neighbours: Vec<f64> = edges
                        .iter()
                        .filter_map(|(a, b)| {
                            if *b == *i && layer_of[*a] == neighbour_layer {
                                Some(position[*a])
                            } else if *a == *i && layer_of[*b] == neighbour_layer {
                                Some(position[*b])
                            } else {
                                None
                            }
                        })
                        .collect();
                    let key = if neighbours.is_empty() {
                        position[*i]
                    } else {
                        neighbours.iter().sum::<f64>() / neighbours.len() as f64
                    };
                    (key, *i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[l] = keyed.into_iter().map(|(_, i)| i).collect();
            for (p, i) in layers[l].iter().enumerate() {
                position[*i] = p as f64;
            }
        }
        let now = crossings(&layers, edges, &layer_of);
        if now < best_crossings {
            best_crossings = now;
            best = layers.clone();
        }
    }
    best
}

/// Crossings between edges that join adjacent layers.
fn crossings(layers: &[Vec<usize>], edges: &[(usize, usize)], layer_of: &[usize]) -> usize {
    let mut position = vec![0usize; layer_of.len()];
    for layer in layers {
        for (p, i) in layer.iter().enumerate() {
            position[*i] = p;
        }
    }
    let spans: Vec<(usize, usize, usize)> = edges
        .iter()
        .filter_map(|(a, b)| {
            let (la, lb) = (layer_of[*a], layer_of[*b]);
            if la + 1 == lb {
                Some((la, position[*a], position[*b]))
            } else if lb + 1 == la {
                Some((lb, position[*b], position[*a]))
            } else {
                None
            }
        })
        .collect();
    let mut count = 0;
    for (i, (l1, a1, b1)) in spans.iter().enumerate() {
        for (l2, a2, b2) in &spans[i + 1..] {
            if l1 == l2 && ((a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2)) {
                count += 1;
            }
        }
    }
    count
}

/// Rectangles of two boxes overlap (for tests and callers checking a layout).
pub fn overlaps(a: Rect, b: Rect) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Model {
        crate::load_str(include_str!("../../examples/serverless-shop.flowmap.json")).unwrap()
    }

    fn node_rect(layout: &Layout, id: &str) -> Rect {
        let p = layout.nodes[id];
        Rect {
            x: p.x,
            y: p.y,
            w: NODE_WIDTH,
            h: NODE_HEIGHT,
        }
    }

    fn inside(inner: Rect, outer: Rect) -> bool {
        inner.x >= outer.x
            && inner.y >= outer.y
            && inner.x + inner.w <= outer.x + outer.w
            && inner.y + inner.h <= outer.y + outer.h
    }

    #[test]
    fn every_element_gets_a_place_and_members_stay_inside_their_frames() {
        let model = example();
        let layout = auto_layout(&model);
        assert_eq!(layout.nodes.len(), model.nodes.len());
        assert_eq!(layout.boundaries.len(), model.boundaries.len());
        for node in &model.nodes {
            if let Some(b) = &node.boundary {
                assert!(
                    inside(node_rect(&layout, &node.id), layout.boundaries[b]),
                    "{} outside {b}",
                    node.id
                );
            }
        }
        for boundary in &model.boundaries {
            if let Some(p) = &boundary.parent {
                assert!(
                    inside(layout.boundaries[&boundary.id], layout.boundaries[p]),
                    "{} outside {p}",
                    boundary.id
                );
            }
        }
        // No two nodes overlap, and sibling frames do not overlap.
        let ids: Vec<&String> = layout.nodes.keys().collect();
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                assert!(
                    !overlaps(node_rect(&layout, a), node_rect(&layout, b)),
                    "{a} overlaps {b}"
                );
            }
        }
        for a in &model.boundaries {
            for b in &model.boundaries {
                if a.id < b.id && a.parent == b.parent {
                    assert!(
                        !overlaps(layout.boundaries[&a.id], layout.boundaries[&b.id]),
                        "{} overlaps {}",
                        a.id,
                        b.id
                    );
                }
            }
        }
    }

    #[test]
    fn flows_mostly_point_right() {
        let model = example();
        let layout = auto_layout(&model);
        let rightward = model
            .flows
            .iter()
            .filter(|f| layout.nodes[&f.from].x < layout.nodes[&f.to].x)
            .count();
        assert!(
            rightward * 10 >= model.flows.len() * 7,
            "{rightward} of {} flows point right",
            model.flows.len()
        );
        assert!(layout.nodes["customer"].x < layout.nodes["api"].x);
    }

    #[test]
    fn layout_is_deterministic_and_independent_of_element_order() {
        let model = example();
        let mut reversed = model.clone();
        reversed.nodes.reverse();
        reversed.flows.reverse();
        reversed.boundaries.reverse();
        assert_eq!(auto_layout(&model), auto_layout(&model));
        assert_eq!(auto_layout(&model), auto_layout(&reversed));
    }

    #[test]
    fn a_laid_out_model_loads_and_checks_the_same() {
        let model = example();
        let mut bare = model.clone();
        bare.layout = Layout::default();
        let laid_out = fill_missing(&bare);
        let text = crate::to_file_json(&laid_out);
        let reloaded = crate::load_str(&text).unwrap();
        assert_eq!(crate::model_sha256(&reloaded), crate::model_sha256(&model));
    }

    #[test]
    fn fill_missing_keeps_existing_positions() {
        let mut model = example();
        model.layout.nodes.remove("receipts");
        let filled = fill_missing(&model);
        assert_eq!(filled.layout.nodes["api"], model.layout.nodes["api"]);
        assert!(filled.layout.nodes.contains_key("receipts"));
    }

    #[test]
    fn barycenter_ordering_removes_an_avoidable_crossing() {
        // a→d, b→c drawn in id order would cross; ordering must untangle it.
        let layers = vec![vec![0, 1], vec![2, 3]];
        let edges = vec![(0, 3), (1, 2)];
        let layer_of = vec![0, 0, 1, 1];
        assert_eq!(crossings(&layers, &edges, &layer_of), 1);
        let ordered = order_layers(layers, &edges);
        assert_eq!(crossings(&ordered, &edges, &layer_of), 0);
    }
}
