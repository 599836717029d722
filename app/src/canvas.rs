//! Canvas geometry as plain data: the viewport (pan and zoom), the grid, what is drawn where
//! (from `flowmap_core::diagram`, the same shapes as the SVG export), hit-testing and the
//! transient state of a gesture. No DOM and no signals, so it is tested on the host.

use std::collections::{BTreeMap, HashMap, HashSet};

use flowmap_core::diagram::{self, Edge};
use flowmap_core::edit::ops;
use flowmap_core::taxonomy::Taxonomy;
use flowmap_core::{BoundaryKind, Model, NodeKind, Point, Rect};

/// The grid nodes and frames snap to, in canvas units.
pub const GRID: f64 = 16.0;
pub const MIN_ZOOM: f64 = 0.1;
pub const MAX_ZOOM: f64 = 4.0;

/// Rounds to the grid when snapping is on.
pub fn snap(value: f64, on: bool) -> f64 {
    if on {
        (value / GRID).round() * GRID
    } else {
        value
    }
}

/// Screen = canvas × zoom + (x, y); screen coordinates are relative to the canvas element.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Viewport {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Default for Viewport {
    fn default() -> Self {
        Viewport {
            x: 40.0,
            y: 40.0,
            zoom: 1.0,
        }
    }
}

impl Viewport {
    pub fn to_canvas(self, sx: f64, sy: f64) -> Point {
        Point {
            x: (sx - self.x) / self.zoom,
            y: (sy - self.y) / self.zoom,
        }
    }

    /// The SVG `transform` of the drawing.
    pub fn transform(self) -> String {
        format!(
            "translate({} {}) scale({})",
            self.x,
            self.y,
            (self.zoom * 10_000.0).round() / 10_000.0
        )
    }

    /// Zooms by `factor` keeping the canvas point under (sx, sy) in place.
    pub fn zoom_at(&mut self, sx: f64, sy: f64, factor: f64) {
        let at = self.to_canvas(sx, sy);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        self.x = sx - at.x * self.zoom;
        self.y = sy - at.y * self.zoom;
    }

    /// Shows all of `bounds` in a `width` × `height` canvas (never above 100 %).
    pub fn fit(&mut self, bounds: Rect, width: f64, height: f64) {
        let pad = 48.0;
        let zx = (width - 2.0 * pad) / bounds.w.max(1.0);
        let zy = (height - 2.0 * pad) / bounds.h.max(1.0);
        self.zoom = zx.min(zy).clamp(MIN_ZOOM, 1.0);
        self.x = width / 2.0 - (bounds.x + bounds.w / 2.0) * self.zoom;
        self.y = height / 2.0 - (bounds.y + bounds.h / 2.0) * self.zoom;
    }

    /// Pans so that `rect` is visible, centring it when it is not.
    pub fn reveal(&mut self, rect: Rect, width: f64, height: f64) {
        let (x0, y0) = (rect.x * self.zoom + self.x, rect.y * self.zoom + self.y);
        let (x1, y1) = (x0 + rect.w * self.zoom, y0 + rect.h * self.zoom);
        if x0 < 0.0 || y0 < 0.0 || x1 > width || y1 > height {
            let c = diagram::center(rect);
            self.x = width / 2.0 - c.x * self.zoom;
            self.y = height / 2.0 - c.y * self.zoom;
        }
    }

    /// The canvas point at the middle of a `width` × `height` canvas.
    pub fn centre(self, width: f64, height: f64) -> Point {
        self.to_canvas(width / 2.0, height / 2.0)
    }
}

/// A node as drawn (without any drag offset).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: String,
    pub kind: NodeKind,
    pub name: String,
    pub rect: Rect,
    pub body: String,
    pub details: Vec<String>,
    /// Up to two lines of the name, and the caption below them.
    pub lines: Vec<String>,
    pub caption: String,
    /// Label centre x and the baseline of the first line.
    pub label_x: f64,
    pub label_y: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FlowView {
    pub id: String,
    pub from: String,
    pub to: String,
    pub name: String,
    pub encrypted: bool,
    /// Data class ids with their tier.
    pub chips: Vec<(String, u8)>,
    pub bend: f64,
    /// Where along the line the label sits (0 start, 1 end), chosen to avoid boxes and other
    /// labels as the SVG export does.
    pub label_t: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryView {
    pub id: String,
    pub name: String,
    pub kind: BoundaryKind,
    pub rect: Rect,
    pub depth: usize,
}

/// Everything drawn, by id, with the drawing order. Rebuilt once per model change; each
/// element's view then reads its own entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Index {
    pub node_ids: Vec<String>,
    pub flow_ids: Vec<String>,
    pub boundary_ids: Vec<String>,
    pub nodes: HashMap<String, NodeView>,
    pub flows: HashMap<String, FlowView>,
    pub boundaries: HashMap<String, BoundaryView>,
    pub bounds: Rect,
}

const BOLD_12: f64 = 12.0 * 1.08;

impl Index {
    pub fn of(model: &Model) -> Index {
        let scene = diagram::scene(model);
        let taxonomy = Taxonomy::of(model);
        let mut index = Index {
            bounds: scene.bounds,
            ..Index::default()
        };
        for placed in &scene.boundaries {
            let b = &model.boundaries[placed.index];
            index.boundary_ids.push(b.id.clone());
            index.boundaries.insert(
                b.id.clone(),
                BoundaryView {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    kind: b.kind,
                    rect: placed.rect,
                    depth: placed.depth,
                },
            );
        }
        for placed in &scene.nodes {
            let n = &model.nodes[placed.index];
            index.node_ids.push(n.id.clone());
            index.nodes.insert(n.id.clone(), node_view(n, placed.rect));
        }
        let bends = bends(model);
        for placed in &scene.flows {
            let f = &model.flows[placed.index];
            index.flow_ids.push(f.id.clone());
            let chips = f
                .data
                .iter()
                .map(|id| {
                    let tier = taxonomy.index(id).map_or(0, |c| taxonomy.class(c).tier);
                    (id.clone(), tier)
                })
                .collect();
            index.flows.insert(
                f.id.clone(),
                FlowView {
                    id: f.id.clone(),
                    from: f.from.clone(),
                    to: f.to.clone(),
                    name: f.name.clone(),
                    encrypted: f.encrypted,
                    chips,
                    bend: bends.get(f.id.as_str()).copied().unwrap_or(0.0),
                    label_t: 0.5,
                },
            );
        }
        // Labels avoid the boxes and the labels placed before them.
        let mut obstacles: Vec<Rect> = scene
            .nodes
            .iter()
            .map(|n| diagram::inflate(n.rect, 3.0))
            .collect();
        for placed in &scene.flows {
            let id = &model.flows[placed.index].id;
            let Some(view) = index.flows.get_mut(id) else {
                continue;
            };
            let Some(label) = flow_label(&view.name, &view.chips) else {
                continue;
            };
            let (t, rect) = label_spot(&placed.edge, label.w, label.h, &obstacles);
            view.label_t = t;
            obstacles.push(diagram::inflate(rect, 2.0));
        }
        index
    }

    /// The top-most node under a canvas point.
    pub fn node_at(&self, at: Point) -> Option<&str> {
        self.node_ids
            .iter()
            .rev()
            .find(|id| contains(self.nodes[*id].rect, at))
            .map(String::as_str)
    }

    /// Nodes and boundaries that lie wholly inside a rectangle (rubber band).
    pub fn inside(&self, band: Rect) -> Vec<String> {
        let within = |r: Rect| {
            r.x >= band.x
                && r.y >= band.y
                && r.x + r.w <= band.x + band.w
                && r.y + r.h <= band.y + band.h
        };
        let mut ids: Vec<String> = self
            .node_ids
            .iter()
            .filter(|id| within(self.nodes[*id].rect))
            .cloned()
            .collect();
        ids.extend(
            self.boundary_ids
                .iter()
                .filter(|id| within(self.boundaries[*id].rect))
                .cloned(),
        );
        ids
    }

    /// The box around the given elements (flows count by their ends).
    pub fn rect_of(&self, ids: &[String]) -> Option<Rect> {
        ids.iter()
            .flat_map(|id| {
                let mut rects = Vec::new();
                if let Some(n) = self.nodes.get(id) {
                    rects.push(n.rect);
                }
                if let Some(b) = self.boundaries.get(id) {
                    rects.push(b.rect);
                }
                if let Some(f) = self.flows.get(id) {
                    rects.extend(self.nodes.get(&f.from).map(|n| n.rect));
                    rects.extend(self.nodes.get(&f.to).map(|n| n.rect));
                }
                rects
            })
            .reduce(diagram::union)
    }
}

pub fn contains(r: Rect, at: Point) -> bool {
    at.x >= r.x && at.x <= r.x + r.w && at.y >= r.y && at.y <= r.y + r.h
}

/// A rectangle from two corners in any order.
pub fn rect_between(a: Point, b: Point) -> Rect {
    Rect {
        x: a.x.min(b.x),
        y: a.y.min(b.y),
        w: (a.x - b.x).abs(),
        h: (a.y - b.y).abs(),
    }
}

pub fn offset(r: Rect, dx: f64, dy: f64) -> Rect {
    Rect {
        x: r.x + dx,
        y: r.y + dy,
        ..r
    }
}

fn node_view(n: &flowmap_core::Node, rect: Rect) -> NodeView {
    let outline = diagram::node_outline(n.kind, rect);
    let label = diagram::label_box(n.kind, rect);
    let mut lines = diagram::wrap(&n.name, label.w, BOLD_12, 2);
    if lines.is_empty() {
        lines.push(n.id.clone());
    }
    let caption = match &n.technology {
        Some(t) if !t.trim().is_empty() => format!("{} · {t}", n.kind),
        _ => n.kind.as_str().to_owned(),
    };
    let block = lines.len() as f64 * 14.0 + 12.0;
    NodeView {
        id: n.id.clone(),
        kind: n.kind,
        name: n.name.clone(),
        rect,
        body: outline.body,
        details: outline.details,
        lines,
        caption: diagram::truncate(&caption, label.w, 10.0),
        label_x: label.x + label.w / 2.0,
        label_y: label.y + (label.h - block) / 2.0 + 11.0,
    }
}

/// Parallel flows between the same two nodes fan out (as in `diagram::scene`).
fn bends(model: &Model) -> HashMap<&str, f64> {
    let mut order: Vec<usize> = (0..model.flows.len()).collect();
    order.sort_by(|a, b| model.flows[*a].id.cmp(&model.flows[*b].id));
    let mut groups: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for &f in &order {
        let flow = &model.flows[f];
        let key = if flow.from <= flow.to {
            (flow.from.as_str(), flow.to.as_str())
        } else {
            (flow.to.as_str(), flow.from.as_str())
        };
        groups.entry(key).or_default().push(f);
    }
    let mut bends = HashMap::new();
    for ((low, _), members) in &groups {
        let k = members.len() as f64;
        for (i, &f) in members.iter().enumerate() {
            let canonical = (i as f64 - (k - 1.0) / 2.0) * diagram::BEND_STEP;
            let forward = model.flows[f].from.as_str() == *low;
            bends.insert(
                model.flows[f].id.as_str(),
                if forward { canonical } else { -canonical },
            );
        }
    }
    bends
}

/// Where a label of `w` × `h` goes along an edge: the parameter and the rectangle (the first
/// spot free of obstacles, else the least covered; the same spots as `diagram::place_label`).
pub fn label_spot(edge: &Edge, w: f64, h: f64, obstacles: &[Rect]) -> (f64, Rect) {
    let mut best: Option<(f64, f64, Rect)> = None;
    let span = diagram::union(
        Rect {
            x: edge.start.x,
            y: edge.start.y,
            w: 0.0,
            h: 0.0,
        },
        Rect {
            x: edge.end.x,
            y: edge.end.y,
            w: 0.0,
            h: 0.0,
        },
    );
    let near: Vec<Rect> = obstacles
        .iter()
        .copied()
        .filter(|o| diagram::overlap_area(diagram::inflate(span, w.max(h)), *o) > 0.0)
        .collect();
    for t in [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78] {
        let at = edge.point_at(t);
        let rect = Rect {
            x: at.x - w / 2.0,
            y: at.y - h / 2.0,
            w,
            h,
        };
        let overlap: f64 = near.iter().map(|o| diagram::overlap_area(rect, *o)).sum();
        if overlap == 0.0 {
            return (t, rect);
        }
        if best.is_none_or(|(least, _, _)| overlap < least) {
            best = Some((overlap, t, rect));
        }
    }
    let (_, t, rect) = best.expect("spots were tried");
    (t, rect)
}

/// The line of a flow between two (possibly moved) boxes.
pub fn flow_edge(from: Rect, to: Rect, bend: f64) -> Edge {
    diagram::edge_between(from, to, bend)
}

/// A flow's label laid out around its centre: the name, then chip rows.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowLabel {
    pub w: f64,
    pub h: f64,
    /// Baseline of the name, relative to the label's top.
    pub name_y: f64,
    /// Chip text, tier, and box (x, y, w) relative to the label's top-left.
    pub chips: Vec<(String, u8, f64, f64, f64)>,
}

pub const LABEL_SIZE: f64 = 12.0;
pub const CHIP_SIZE: f64 = 10.5;
pub const CHIP_HEIGHT: f64 = 16.0;
const CHIP_ROW: f64 = 190.0;

/// Lays out a flow label (None when there is nothing to show).
pub fn flow_label(name: &str, chips: &[(String, u8)]) -> Option<FlowLabel> {
    if name.is_empty() && chips.is_empty() {
        return None;
    }
    let name_w = diagram::text_width(name, LABEL_SIZE);
    let mut rows: Vec<Vec<(String, u8, f64)>> = Vec::new();
    let mut row_w = 0.0;
    for (id, tier) in chips {
        let label = diagram::truncate(id, CHIP_ROW - 10.0, CHIP_SIZE);
        let w = diagram::text_width(&label, CHIP_SIZE) + 12.0;
        if rows.is_empty() || row_w + w > CHIP_ROW {
            rows.push(Vec::new());
            row_w = 0.0;
        }
        row_w += w + 4.0;
        rows.last_mut().expect("pushed").push((label, *tier, w));
    }
    let widths: Vec<f64> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.2 + 4.0).sum::<f64>() - 4.0)
        .collect();
    let w = widths.iter().copied().fold(name_w, f64::max) + 14.0;
    let name_h = if name.is_empty() { 0.0 } else { 17.0 };
    let h = name_h + rows.len() as f64 * (CHIP_HEIGHT + 3.0) + 5.0;
    let mut placed = Vec::new();
    let mut y = 3.0 + name_h;
    for (row, rw) in rows.into_iter().zip(widths) {
        let mut x = (w - rw) / 2.0;
        for (label, tier, cw) in row {
            placed.push((label, tier, x, y, cw));
            x += cw + 4.0;
        }
        y += CHIP_HEIGHT + 3.0;
    }
    Some(FlowLabel {
        w,
        h,
        name_y: 15.0,
        chips: placed,
    })
}

/// What moves with a selection (as `ops::move_by` moves it): selected nodes, selected
/// boundaries with their nested boundaries, and the members of moved boundaries.
pub fn moving_set(model: &Model, ids: &[String]) -> HashSet<String> {
    let mut moved: HashSet<String> = HashSet::new();
    let mut boundaries: HashSet<String> = HashSet::new();
    for id in ids {
        if model.node(id).is_some() {
            moved.insert(id.clone());
        } else if model.boundary(id).is_some() {
            boundaries.extend(ops::descendants(model, id));
        }
    }
    for node in &model.nodes {
        if node
            .boundary
            .as_ref()
            .is_some_and(|b| boundaries.contains(b))
        {
            moved.insert(node.id.clone());
        }
    }
    moved.extend(boundaries);
    moved
}

/// Which corner of a boundary a resize handle drags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corner {
    TopLeft,
    TopRight,
    BottomLeft,
    BottomRight,
}

impl Corner {
    pub const ALL: [Corner; 4] = [
        Corner::TopLeft,
        Corner::TopRight,
        Corner::BottomLeft,
        Corner::BottomRight,
    ];

    pub fn point(self, r: Rect) -> Point {
        match self {
            Corner::TopLeft => Point { x: r.x, y: r.y },
            Corner::TopRight => Point {
                x: r.x + r.w,
                y: r.y,
            },
            Corner::BottomLeft => Point {
                x: r.x,
                y: r.y + r.h,
            },
            Corner::BottomRight => Point {
                x: r.x + r.w,
                y: r.y + r.h,
            },
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Corner::TopLeft => "nw",
            Corner::TopRight => "ne",
            Corner::BottomLeft => "sw",
            Corner::BottomRight => "se",
        }
    }

    /// The rectangle with this corner dragged to `to` (the opposite corner stays).
    pub fn resize(self, r: Rect, to: Point) -> Rect {
        let opposite = match self {
            Corner::TopLeft => Corner::BottomRight,
            Corner::TopRight => Corner::BottomLeft,
            Corner::BottomLeft => Corner::TopRight,
            Corner::BottomRight => Corner::TopLeft,
        }
        .point(r);
        let mut out = rect_between(opposite, to);
        out.w = out.w.max(80.0);
        out.h = out.h.max(60.0);
        if to.x < opposite.x {
            out.x = opposite.x - out.w;
        }
        if to.y < opposite.y {
            out.y = opposite.y - out.h;
        }
        out
    }
}

/// A gesture in progress: transient, never in the history until it ends.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Gesture {
    #[default]
    Idle,
    /// Moving the selection; `moving` is everything that follows it.
    Move {
        moving: HashSet<String>,
        ids: Vec<String>,
        start: Point,
        dx: f64,
        dy: f64,
        moved: bool,
        /// Pressed on an element of a larger selection: a click without a move selects just it.
        narrow_to: Option<String>,
    },
    /// Dragging a new flow out of a node's handle.
    Connect { from: String, at: Point },
    /// Dragging an end of a flow.
    Reconnect {
        flow: String,
        end: ops::End,
        at: Point,
    },
    Resize {
        id: String,
        corner: Corner,
        rect: Rect,
    },
    /// Rubber-band selection from `start` to `at` (canvas units); `add` keeps the selection.
    Band { start: Point, at: Point, add: bool },
    /// Panning; the last pointer position in screen units.
    Pan { sx: f64, sy: f64 },
    /// Dragging a palette item over the page; `at` is where it would land, when over the
    /// canvas; (sx, sy) is where the pointer went down, in the page; `moved` once it left there.
    Place {
        item: PaletteItem,
        at: Option<Point>,
        sx: f64,
        sy: f64,
        moved: bool,
    },
}

/// The palette: node kinds and the boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaletteItem {
    Node(NodeKind),
    Boundary,
}

impl PaletteItem {
    pub const ALL: [PaletteItem; 6] = [
        PaletteItem::Node(NodeKind::Actor),
        PaletteItem::Node(NodeKind::Service),
        PaletteItem::Node(NodeKind::Store),
        PaletteItem::Node(NodeKind::Queue),
        PaletteItem::Node(NodeKind::External),
        PaletteItem::Boundary,
    ];

    pub fn key(self) -> &'static str {
        match self {
            PaletteItem::Node(kind) => kind.as_str(),
            PaletteItem::Boundary => "boundary",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PaletteItem::Node(kind) => ops::default_name(kind),
            PaletteItem::Boundary => "Boundary",
        }
    }

    /// Adds the item centred at a canvas point (snapped); returns the edited model and the id.
    pub fn place(self, model: &Model, at: Point, snapping: bool) -> (Model, String) {
        match self {
            PaletteItem::Node(kind) => {
                let (w, h) = diagram::node_size(kind);
                let corner = Point {
                    x: snap(at.x - w / 2.0, snapping),
                    y: snap(at.y - h / 2.0, snapping),
                };
                ops::add_node(model, kind, ops::centre(corner))
            }
            PaletteItem::Boundary => {
                let (w, h) = (320.0, 224.0);
                let rect = Rect {
                    x: snap(at.x - w / 2.0, snapping),
                    y: snap(at.y - h / 2.0, snapping),
                    w,
                    h,
                };
                ops::add_boundary(model, BoundaryKind::Network, rect)
            }
        }
    }
}

/// Selection helpers: a click selects one, shift/ctrl-click toggles.
pub fn click_select(selection: &[String], id: &str, toggle: bool) -> Vec<String> {
    if toggle {
        let mut next: Vec<String> = selection.iter().filter(|s| *s != id).cloned().collect();
        if next.len() == selection.len() {
            next.push(id.to_owned());
        }
        next
    } else if selection.iter().any(|s| s == id) {
        selection.to_vec()
    } else {
        vec![id.to_owned()]
    }
}

/// Every element id (Ctrl+A).
pub fn all_ids(model: &Model) -> Vec<String> {
    model
        .nodes
        .iter()
        .map(|n| n.id.clone())
        .chain(model.flows.iter().map(|f| f.id.clone()))
        .chain(model.boundaries.iter().map(|b| b.id.clone()))
        .collect()
}

/// Drops ids that no longer exist (after undo, delete, open).
pub fn existing(model: &Model, ids: &[String]) -> Vec<String> {
    ids.iter()
        .filter(|id| {
            model.node(id).is_some() || model.flow(id).is_some() || model.boundary(id).is_some()
        })
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Model {
        flowmap_core::load_str(include_str!("../../examples/serverless-shop.flowmap.json")).unwrap()
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer() {
        let mut v = Viewport::default();
        let before = v.to_canvas(300.0, 200.0);
        v.zoom_at(300.0, 200.0, 1.5);
        let after = v.to_canvas(300.0, 200.0);
        assert!((before.x - after.x).abs() < 1e-9 && (before.y - after.y).abs() < 1e-9);
        v.zoom_at(0.0, 0.0, 1000.0);
        assert_eq!(v.zoom, MAX_ZOOM);
    }

    #[test]
    fn fit_shows_everything() {
        let mut v = Viewport::default();
        let bounds = Rect {
            x: 100.0,
            y: 100.0,
            w: 2000.0,
            h: 1000.0,
        };
        v.fit(bounds, 1000.0, 800.0);
        let tl = v.to_canvas(0.0, 0.0);
        let br = v.to_canvas(1000.0, 800.0);
        assert!(tl.x <= 100.0 && tl.y <= 100.0 && br.x >= 2100.0 && br.y >= 1100.0);
    }

    #[test]
    fn snapping_rounds_to_the_grid() {
        assert_eq!(snap(23.0, true), 16.0);
        assert_eq!(snap(25.0, true), 32.0);
        assert_eq!(snap(25.0, false), 25.0);
    }

    #[test]
    fn the_index_finds_nodes_and_bands() {
        let model = example();
        let index = Index::of(&model);
        assert_eq!(index.node_ids.len(), model.nodes.len());
        let first = &index.nodes[&index.node_ids[0]];
        let centre = diagram::center(first.rect);
        assert!(index.node_at(centre).is_some());
        let all = index.inside(diagram::inflate(index.bounds, 10.0));
        assert_eq!(all.len(), model.nodes.len() + model.boundaries.len());
    }

    #[test]
    fn moving_a_boundary_moves_its_members() {
        let model = example();
        let b = model.nodes.iter().find_map(|n| n.boundary.clone()).unwrap();
        let set = moving_set(&model, std::slice::from_ref(&b));
        assert!(set.contains(&b));
        assert!(model
            .nodes
            .iter()
            .filter(|n| n.boundary.as_deref() == Some(b.as_str()))
            .all(|n| set.contains(&n.id)));
    }

    #[test]
    fn labels_fit_their_chips() {
        assert_eq!(flow_label("", &[]), None);
        let label = flow_label("orders", &[("pii".into(), 3), ("card-number".into(), 5)]).unwrap();
        assert_eq!(label.chips.len(), 2);
        assert!(label
            .chips
            .iter()
            .all(|c| c.2 >= 0.0 && c.2 + c.4 <= label.w));
    }

    #[test]
    fn selection_toggles() {
        let sel = vec!["a".to_owned()];
        assert_eq!(click_select(&sel, "b", true), vec!["a", "b"]);
        assert_eq!(click_select(&sel, "a", true), Vec::<String>::new());
        assert_eq!(click_select(&sel, "b", false), vec!["b"]);
    }

    #[test]
    fn resizing_keeps_the_opposite_corner() {
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 200.0,
            h: 100.0,
        };
        let out = Corner::BottomRight.resize(r, Point { x: 300.0, y: 250.0 });
        assert_eq!(
            out,
            Rect {
                x: 0.0,
                y: 0.0,
                w: 300.0,
                h: 250.0
            }
        );
        let out = Corner::TopLeft.resize(r, Point { x: 150.0, y: 90.0 });
        assert_eq!((out.x + out.w, out.y + out.h), (200.0, 100.0));
    }

    #[test]
    fn palette_places_nodes_centred() {
        let (model, id) = PaletteItem::Node(NodeKind::Service).place(
            &Model::default(),
            Point { x: 400.0, y: 300.0 },
            true,
        );
        assert_eq!(model.node(&id).unwrap().kind, NodeKind::Service);
    }
}
