//! Canvas geometry as plain data: the viewport (pan and zoom), the grid, what is drawn where
//! (from `flowmap_core::diagram`, the same shapes as the SVG export), hit-testing and the
//! transient state of a gesture. No DOM and no signals, so it is tested on the host.

use std::collections::{HashMap, HashSet};

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

    /// The canvas area a `width` × `height` canvas shows, grown by `margin` canvas sizes on
    /// every side (what is drawn, so that a pan by compositing finds it drawn).
    pub fn area(self, width: f64, height: f64, margin: f64) -> Rect {
        let top_left = self.to_canvas(-margin * width, -margin * height);
        let bottom_right = self.to_canvas((1.0 + margin) * width, (1.0 + margin) * height);
        rect_between(top_left, bottom_right)
    }

    /// The CSS `transform` (origin at the top left) that makes a drawing made at `drawn` look
    /// as it would at this viewport: pan and zoom by compositing, without drawing again.
    pub fn css_from(self, drawn: Viewport) -> String {
        if self == drawn {
            return "none".to_owned();
        }
        let scale = self.zoom / drawn.zoom;
        format!(
            "translate({:.2}px, {:.2}px) scale({:.5})",
            self.x - drawn.x * scale,
            self.y - drawn.y * scale,
            scale
        )
    }
}

/// Below this zoom, with more than [`DETAIL_NODES`] nodes in view, the canvas is an overview:
/// nodes and flows are sketched ([`node_sketch`], [`sketch`]), boundaries drawn without their
/// titles, and what cannot be read at that size is left out (texts, labels, arrowheads, finding
/// markers: their severity colours the outlines).
pub const DETAIL_ZOOM: f64 = 0.4;

/// Up to this many nodes in view, every element is drawn in full at any zoom (a small model
/// zoomed out keeps its names; a few hundred elements cost little to build).
pub const DETAIL_NODES: usize = 300;

/// The spacing of the grid's dots on screen: the snapping grid, or a multiple of it by powers
/// of 4 when zoomed out, so that dots stay at least 10 pixels apart.
pub fn grid_step(zoom: f64) -> f64 {
    let mut step = GRID;
    while step * zoom < 10.0 && step < 1.0e6 {
        step *= 4.0;
    }
    step
}

/// A node as drawn (without any drag offset).
#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: String,
    pub kind: NodeKind,
    pub name: String,
    pub technology: Option<String>,
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
    /// The label's layout (name and chips), when there is something to show. Where it sits
    /// along the line is [`place_labels`]'s business.
    pub label: Option<FlowLabel>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BoundaryView {
    pub id: String,
    pub name: String,
    pub kind: BoundaryKind,
    pub rect: Rect,
    pub depth: usize,
}

/// Everything drawn, by id, with the drawing order. Rebuilt on every model change (reusing
/// the text layout of what did not change); each element's view then reads its own entry.
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
    #[cfg(test)]
    pub fn of(model: &Model) -> Index {
        Index::update(model, None)
    }

    /// The index of `model`, taking the views of nodes and the labels of flows whose text and
    /// place did not change from `previous` (text layout is most of the cost of a rebuild).
    pub fn update(model: &Model, previous: Option<&Index>) -> Index {
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
            let kept = previous.and_then(|p| p.nodes.get(&n.id)).filter(|v| {
                v.rect == placed.rect
                    && v.kind == n.kind
                    && v.name == n.name
                    && v.technology == n.technology
            });
            let view = kept.cloned().unwrap_or_else(|| node_view(n, placed.rect));
            index.nodes.insert(n.id.clone(), view);
        }
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
                .collect::<Vec<_>>();
            let label = match previous.and_then(|p| p.flows.get(&f.id)) {
                Some(v) if v.name == f.name && v.chips == chips => v.label.clone(),
                _ => flow_label(&f.name, &chips),
            };
            index.flows.insert(
                f.id.clone(),
                FlowView {
                    id: f.id.clone(),
                    from: f.from.clone(),
                    to: f.to.clone(),
                    name: f.name.clone(),
                    encrypted: f.encrypted,
                    chips,
                    bend: placed.bend,
                    label,
                },
            );
        }
        index
    }

    /// The line a flow is drawn along (between its ends' boxes as they are in the index).
    pub fn edge(&self, flow: &FlowView) -> Option<Edge> {
        let from = self.nodes.get(&flow.from)?;
        let to = self.nodes.get(&flow.to)?;
        Some(flow_edge(from.rect, to.rect, flow.bend))
    }

    /// What lies in (or reaches into) a canvas area, in drawing order.
    pub fn within(&self, area: Rect) -> Visible {
        let meets = |r: Rect| {
            diagram::overlap_area(r, area) > 0.0 || contains(area, Point { x: r.x, y: r.y })
        };
        let node_rect = |id: &str| self.nodes.get(id).map(|n| n.rect);
        Visible {
            nodes: self
                .node_ids
                .iter()
                .filter(|id| meets(self.nodes[*id].rect))
                .cloned()
                .collect(),
            flows: self
                .flow_ids
                .iter()
                .filter(|id| {
                    let f = &self.flows[*id];
                    match (node_rect(&f.from), node_rect(&f.to)) {
                        (Some(a), Some(b)) => {
                            meets(diagram::inflate(diagram::union(a, b), FLOW_REACH))
                        }
                        _ => false,
                    }
                })
                .cloned()
                .collect(),
            boundaries: self
                .boundary_ids
                .iter()
                .filter(|id| meets(self.boundaries[*id].rect))
                .cloned()
                .collect(),
        }
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

/// The ids of what is drawn, by layer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Visible {
    pub nodes: Vec<String>,
    pub flows: Vec<String>,
    pub boundaries: Vec<String>,
}

/// What is drawn where: `still` on the canvas (what is in or near the view), `live` on the layer
/// above it (what a gesture moves, wherever it is), so that a drag redraws only that layer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layers {
    pub still: Visible,
    pub live: Visible,
}

impl Layers {
    /// `live` ids are nodes, boundaries and flows; the flows attached to live nodes are live too.
    pub fn of(index: &Index, area: Rect, live: &HashSet<String>) -> Layers {
        let in_view = index.within(area);
        if live.is_empty() {
            return Layers {
                still: in_view,
                live: Visible::default(),
            };
        }
        let live_flow = |id: &String| {
            live.contains(id)
                || index
                    .flows
                    .get(id)
                    .is_some_and(|f| live.contains(&f.from) || live.contains(&f.to))
        };
        let pick = |ids: &[String], keep: &dyn Fn(&String) -> bool| -> Vec<String> {
            ids.iter().filter(|id| keep(id)).cloned().collect()
        };
        Layers {
            still: Visible {
                nodes: pick(&in_view.nodes, &|id| !live.contains(id)),
                flows: pick(&in_view.flows, &|id| !live_flow(id)),
                boundaries: pick(&in_view.boundaries, &|id| !live.contains(id)),
            },
            live: Visible {
                nodes: pick(&index.node_ids, &|id| live.contains(id)),
                flows: pick(&index.flow_ids, &live_flow),
                boundaries: pick(&index.boundary_ids, &|id| live.contains(id)),
            },
        }
    }
}

/// A sketch: (kind or "", colour, path data) per path, in drawing order.
pub type Sketch = Vec<(&'static str, &'static str, String)>;

/// The colours of a sketch, in drawing order (later ones on top): an element's worst open
/// finding's severity, or none ("plain"); the highlighted witness path; the selection.
pub const SKETCH_COLOURS: [&str; 7] = [
    "plain",
    "low",
    "medium",
    "high",
    "critical",
    "highlight",
    "selected",
];

/// The sketch colour of an element ([`SKETCH_COLOURS`]).
pub fn sketch_colour(
    selected: bool,
    highlighted: bool,
    worst: Option<flowmap_core::Severity>,
) -> &'static str {
    if selected {
        "selected"
    } else if highlighted {
        "highlight"
    } else {
        worst.map_or("plain", |s| s.as_str())
    }
}

fn colour_rank(colour: &str) -> usize {
    SKETCH_COLOURS
        .iter()
        .position(|c| *c == colour)
        .unwrap_or(0)
}

/// Zoomed out, the flows of the canvas are drawn as a sketch: one path per colour instead of
/// an element per flow (building thousands of elements costs seconds; at that size nobody
/// reads a label or aims at a line). Returns ("", colour, path data) in drawing order: the
/// shape of [`node_sketch`]'s, whose first field is the kind.
pub fn sketch(index: &Index, ids: &[String], colour: &dyn Fn(&str) -> &'static str) -> Sketch {
    let mut paths: Vec<String> = vec![String::new(); SKETCH_COLOURS.len()];
    for id in ids {
        let Some(edge) = index.flows.get(id).and_then(|f| index.edge(f)) else {
            continue;
        };
        paths[colour_rank(colour(id))].push_str(&edge.path());
    }
    SKETCH_COLOURS
        .into_iter()
        .zip(paths)
        .filter(|(_, d)| !d.is_empty())
        .map(|(c, d)| ("", c, d))
        .collect()
}

/// The nodes' outlines as a sketch: one path per kind and colour ([`sketch`]). Returns (kind,
/// colour, path data) in drawing order.
pub fn node_sketch(index: &Index, ids: &[String], colour: &dyn Fn(&str) -> &'static str) -> Sketch {
    let kinds = NodeKind::ALL;
    let mut paths: Vec<String> = vec![String::new(); SKETCH_COLOURS.len() * kinds.len()];
    for id in ids {
        let Some(n) = index.nodes.get(id) else {
            continue;
        };
        let kind = kinds.iter().position(|k| *k == n.kind).unwrap_or(0);
        paths[colour_rank(colour(id)) * kinds.len() + kind].push_str(&n.body);
    }
    paths
        .into_iter()
        .enumerate()
        .filter(|(_, d)| !d.is_empty())
        .map(|(at, d)| {
            (
                kinds[at % kinds.len()].as_str(),
                SKETCH_COLOURS[at / kinds.len()],
                d,
            )
        })
        .collect()
}

/// How far a flow's drawing (its bend and its label) reaches beyond the box around its ends.
const FLOW_REACH: f64 = 140.0;

/// Where each flow's label sits along its line (0 start, 1 end; flows without a label are left
/// out): labels avoid the boxes and the labels placed before them, in drawing order, as the
/// SVG export does. Only needed while labels are drawn (the editor computes it then).
pub fn place_labels(index: &Index) -> HashMap<String, f64> {
    let mut obstacles = Obstacles::new(index.bounds);
    for id in &index.node_ids {
        obstacles.insert(diagram::inflate(index.nodes[id].rect, 3.0));
    }
    let mut spots = HashMap::new();
    for id in &index.flow_ids {
        let view = &index.flows[id];
        let (Some(label), Some(edge)) = (&view.label, index.edge(view)) else {
            continue;
        };
        let (t, rect) = obstacles.place_label(&edge, label.w, label.h);
        spots.insert(id.clone(), t);
        obstacles.insert(diagram::inflate(rect, 2.0));
    }
    spots
}

/// Rectangles bucketed in a grid of cells over the drawing, so that placing a label looks at
/// its neighbourhood instead of at every box and label placed so far. Rectangles beyond the
/// drawing fall in its border cells.
struct Obstacles {
    rects: Vec<Rect>,
    origin: Point,
    columns: usize,
    rows: usize,
    cells: Vec<Vec<u32>>,
}

const OBSTACLE_CELL: f64 = 128.0;

impl Obstacles {
    fn new(bounds: Rect) -> Obstacles {
        let count = |extent: f64| ((extent / OBSTACLE_CELL).ceil().max(1.0) as usize).min(4096);
        let (columns, rows) = (count(bounds.w), count(bounds.h));
        Obstacles {
            rects: Vec::new(),
            origin: Point {
                x: bounds.x,
                y: bounds.y,
            },
            columns,
            rows,
            cells: vec![Vec::new(); columns * rows],
        }
    }

    /// The cells a rectangle meets, as indices into `cells`.
    fn cells(&self, r: Rect) -> impl Iterator<Item = usize> {
        let at = |v: f64, from: f64, n: usize| {
            let cell = ((v - from) / OBSTACLE_CELL).floor();
            if cell.is_nan() {
                0
            } else {
                cell.clamp(0.0, (n - 1) as f64) as usize
            }
        };
        let (x0, x1) = (
            at(r.x, self.origin.x, self.columns),
            at(r.x + r.w, self.origin.x, self.columns),
        );
        let (y0, y1) = (
            at(r.y, self.origin.y, self.rows),
            at(r.y + r.h, self.origin.y, self.rows),
        );
        let columns = self.columns;
        (y0..=y1).flat_map(move |y| (x0..=x1).map(move |x| y * columns + x))
    }

    fn insert(&mut self, r: Rect) {
        let at = self.rects.len() as u32;
        self.rects.push(r);
        let cells: Vec<usize> = self.cells(r).collect();
        for cell in cells {
            self.cells[cell].push(at);
        }
    }

    /// The rectangles overlapping `area`, in the order they were inserted.
    fn near(&self, area: Rect) -> Vec<Rect> {
        // Each cell lists its rectangles in insertion order: merge the lists (a rectangle in
        // several cells comes once), keeping that order.
        let mut lists: Vec<&[u32]> = self.cells(area).map(|c| &self.cells[c][..]).collect();
        let mut found = Vec::new();
        while let Some(next) = lists.iter().filter_map(|l| l.first()).min().copied() {
            for list in &mut lists {
                if list.first() == Some(&next) {
                    *list = &list[1..];
                }
            }
            let rect = self.rects[next as usize];
            if diagram::overlap_area(area, rect) > 0.0 {
                found.push(rect);
            }
        }
        found
    }

    /// Where a label of `w` × `h` goes along an edge: the parameter and the rectangle. The
    /// spots of `diagram::place_label`, tried in its order: the first free of the obstacles
    /// that reach the edge ([`label_reach`]), else the least covered.
    fn place_label(&self, edge: &Edge, w: f64, h: f64) -> (f64, Rect) {
        let reach = label_reach(edge, w, h);
        let mut best: Option<(f64, f64, Rect)> = None;
        for t in LABEL_SPOTS {
            let at = edge.point_at(t);
            let rect = Rect {
                x: at.x - w / 2.0,
                y: at.y - h / 2.0,
                w,
                h,
            };
            let overlap: f64 = self
                .near(rect)
                .into_iter()
                .filter(|o| diagram::overlap_area(reach, *o) > 0.0)
                .map(|o| diagram::overlap_area(rect, o))
                .sum();
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
}

/// Where along an edge a label may sit, in the order tried (as `diagram::place_label`).
const LABEL_SPOTS: [f64; 7] = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78];

/// Where a label of `w` × `h` can land on an edge: the obstacles outside it do not matter.
fn label_reach(edge: &Edge, w: f64, h: f64) -> Rect {
    diagram::inflate(rect_between(edge.start, edge.end), w.max(h))
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
        technology: n.technology.clone(),
        rect,
        body: outline.body,
        details: outline.details,
        lines,
        caption: diagram::truncate(&caption, label.w, 10.0),
        label_x: label.x + label.w / 2.0,
        label_y: label.y + (label.h - block) / 2.0 + 11.0,
    }
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

impl Gesture {
    /// What the gesture moves or reshapes, drawn on the live layer while it lasts: the moving
    /// set once the pointer has moved (a click moves nothing, and double-clicks find their
    /// element where it was), the flow being reconnected, the boundary being resized.
    pub fn live(&self) -> HashSet<String> {
        match self {
            Gesture::Move {
                moving,
                moved: true,
                ..
            } => moving.clone(),
            Gesture::Reconnect { flow, .. } => HashSet::from([flow.clone()]),
            Gesture::Resize { id, .. } => HashSet::from([id.clone()]),
            _ => HashSet::new(),
        }
    }
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

    /// Label placement against every obstacle, as it was before the grid: the reference.
    fn label_spot(edge: &Edge, w: f64, h: f64, obstacles: &[Rect]) -> (f64, Rect) {
        let reach = label_reach(edge, w, h);
        let near: Vec<Rect> = obstacles
            .iter()
            .copied()
            .filter(|o| diagram::overlap_area(reach, *o) > 0.0)
            .collect();
        let mut best: Option<(f64, f64, Rect)> = None;
        for t in LABEL_SPOTS {
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
        let (_, t, rect) = best.unwrap();
        (t, rect)
    }

    #[test]
    fn labels_land_where_a_search_of_every_obstacle_puts_them() {
        let spec = flowmap_core::generate::GenerateSpec::new(300);
        let model = flowmap_core::generate::generate(&spec);
        let index = Index::of(&model);
        let placed = place_labels(&index);
        let scene = diagram::scene(&model);
        let mut obstacles: Vec<Rect> = scene
            .nodes
            .iter()
            .map(|n| diagram::inflate(n.rect, 3.0))
            .collect();
        let mut moved = 0;
        for flow in &scene.flows {
            let view = &index.flows[&model.flows[flow.index].id];
            let Some(label) = flow_label(&view.name, &view.chips) else {
                assert!(!placed.contains_key(&view.id));
                continue;
            };
            let (t, rect) = label_spot(&flow.edge, label.w, label.h, &obstacles);
            assert_eq!(placed[&view.id], t, "flow {}", view.id);
            moved += usize::from(t != 0.5);
            obstacles.push(diagram::inflate(rect, 2.0));
        }
        assert!(moved > 0, "some labels had to dodge");
    }

    #[test]
    fn an_updated_index_equals_a_fresh_one() {
        let model = example();
        let before = Index::of(&model);
        let first = model.nodes[0].id.clone();
        let moved = ops::move_by(&model, std::slice::from_ref(&first), 48.0, 16.0);
        let mut renamed = moved.clone();
        renamed.nodes[1].name = "A much longer name that wraps onto two lines".into();
        renamed.flows[0].name = "renamed".into();
        for next in [&moved, &renamed] {
            let updated = Index::update(next, Some(&before));
            assert_eq!(updated, Index::of(next));
        }
        assert_ne!(Index::of(&moved), before);
    }

    #[test]
    fn the_sketch_draws_each_flow_once_by_colour() {
        let model = example();
        let index = Index::of(&model);
        let (first, second) = (index.flow_ids[0].clone(), index.flow_ids[1].clone());
        let paths = sketch(&index, &index.flow_ids, &|id: &str| {
            sketch_colour(
                id == second,
                false,
                (id == first).then_some(flowmap_core::Severity::High),
            )
        });
        let colours: Vec<&str> = paths.iter().map(|p| p.1).collect();
        assert_eq!(
            colours,
            vec!["plain", "high", "selected"],
            "selection on top"
        );
        let segments = |d: &str| d.matches('M').count();
        assert_eq!(segments(&paths[0].2), index.flow_ids.len() - 2);
        assert_eq!((segments(&paths[1].2), segments(&paths[2].2)), (1, 1));
    }

    #[test]
    fn the_node_sketch_groups_outlines_by_kind_and_colour() {
        let model = example();
        let index = Index::of(&model);
        let first = index.node_ids[0].clone();
        let paths = node_sketch(&index, &index.node_ids, &|id: &str| {
            sketch_colour(
                false,
                false,
                (id == first).then_some(flowmap_core::Severity::Critical),
            )
        });
        let outlines: usize = paths.iter().map(|p| p.2.matches('M').count()).sum();
        let expected: usize = index
            .nodes
            .values()
            .map(|n| n.body.matches('M').count())
            .sum();
        assert_eq!(outlines, expected);
        let kind = index.nodes[&first].kind.as_str();
        assert_eq!(
            paths.last().map(|p| (p.0, p.1)),
            Some((kind, "critical")),
            "the worst colour is drawn last"
        );
    }

    #[test]
    fn only_what_is_near_the_view_is_drawn() {
        let model = example();
        let index = Index::of(&model);
        let all = index.within(diagram::inflate(index.bounds, 10.0));
        assert_eq!(all.nodes, index.node_ids);
        assert_eq!(all.flows, index.flow_ids);
        assert_eq!(all.boundaries, index.boundary_ids);
        let first = index.nodes[&index.node_ids[0]].rect;
        let corner = index.within(Rect {
            w: 1.0,
            h: 1.0,
            ..first
        });
        assert!(corner.nodes.contains(&index.node_ids[0]));
        assert!(corner.nodes.len() < index.node_ids.len());
        let far = Rect {
            x: -1.0e6,
            y: -1.0e6,
            w: 10.0,
            h: 10.0,
        };
        assert_eq!(index.within(far), Visible::default());
    }

    #[test]
    fn a_gesture_lifts_what_it_moves_and_their_flows() {
        let model = example();
        let index = Index::of(&model);
        let area = diagram::inflate(index.bounds, 10.0);
        let node = index.node_ids[0].clone();
        let layers = Layers::of(&index, area, &HashSet::from([node.clone()]));
        assert_eq!(layers.live.nodes, vec![node.clone()]);
        let attached: Vec<&String> = index
            .flow_ids
            .iter()
            .filter(|f| index.flows[*f].from == node || index.flows[*f].to == node)
            .collect();
        assert_eq!(layers.live.flows.iter().collect::<Vec<_>>(), attached);
        // Every element is drawn exactly once.
        assert_eq!(layers.still.nodes.len() + 1, index.node_ids.len());
        assert_eq!(
            layers.still.flows.len() + layers.live.flows.len(),
            index.flow_ids.len()
        );
        // A press without a move lifts nothing.
        let press = Gesture::Move {
            moving: HashSet::from([node]),
            ids: Vec::new(),
            start: Point { x: 0.0, y: 0.0 },
            dx: 0.0,
            dy: 0.0,
            moved: false,
            narrow_to: None,
        };
        assert!(press.live().is_empty());
    }

    #[test]
    fn a_composited_view_matches_the_drawn_one() {
        let drawn = Viewport {
            x: 10.0,
            y: 20.0,
            zoom: 0.5,
        };
        assert_eq!(drawn.css_from(drawn), "none");
        let mut now = drawn;
        now.zoom_at(300.0, 200.0, 2.0);
        now.x += 15.0;
        // A point drawn at `drawn` lands, after the CSS transform, where `now` puts it.
        let p = Point { x: 123.0, y: 45.0 };
        let (sx, sy) = (p.x * drawn.zoom + drawn.x, p.y * drawn.zoom + drawn.y);
        let scale = now.zoom / drawn.zoom;
        let (tx, ty) = (now.x - drawn.x * scale, now.y - drawn.y * scale);
        assert!((sx * scale + tx - (p.x * now.zoom + now.x)).abs() < 1e-9);
        assert!((sy * scale + ty - (p.y * now.zoom + now.y)).abs() < 1e-9);
        assert!(now.css_from(drawn).starts_with("translate("));
        assert_eq!(grid_step(1.0), GRID);
        assert_eq!(grid_step(0.1), GRID * 16.0);
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

#[cfg(test)]
mod timing {
    use super::*;

    /// `cargo test --release -p flowmap-app timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn index_timing() {
        let model =
            flowmap_core::generate::generate(&flowmap_core::generate::GenerateSpec::new(1000));
        let t = std::time::Instant::now();
        let index = Index::of(&model);
        println!("of: {:?}", t.elapsed());
        let id = model.nodes[500].id.clone();
        let moved = ops::move_by(&model, std::slice::from_ref(&id), 48.0, 16.0);
        for _ in 0..3 {
            let t = std::time::Instant::now();
            let _ = diagram::scene(&moved);
            println!("scene: {:?}", t.elapsed());
            let t = std::time::Instant::now();
            let updated = Index::update(&moved, Some(&index));
            println!("update: {:?}", t.elapsed());
            let t = std::time::Instant::now();
            let _ = place_labels(&updated);
            println!("labels: {:?}", t.elapsed());
        }
    }
}
