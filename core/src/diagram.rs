//! Diagram geometry: where things are and what they look like, shared by the SVG export
//! ([`crate::export::svg`]) and the browser editor's canvas. Framework-free: plain numbers and
//! SVG path data, no DOM, no web crate.
//!
//! Coordinates are canvas units (CSS pixels at 100 % zoom), y downwards. A node's layout
//! position ([`crate::model::Layout`]) is the top-left corner of its box; every kind uses the
//! same box ([`node_size`]), the one [`crate::layout`] lays out, and draws its conventional
//! data-flow-diagram shape inside it:
//!
//! | kind     | shape                                                        |
//! |----------|--------------------------------------------------------------|
//! | actor    | terminator: a stadium (pill) with a small person glyph       |
//! | service  | process: a rounded rectangle                                 |
//! | store    | data store: a cylinder                                       |
//! | queue    | a horizontal pipe (a cylinder lying on its side)             |
//! | external | external entity: a double-bordered box                       |
//!
//! Boundaries are dashed rounded frames; flows are straight lines, or gentle quadratic curves
//! when several flows join the same two nodes, from border to border.

use std::collections::BTreeMap;

use crate::finding::Severity;
use crate::layout::{NODE_HEIGHT, NODE_WIDTH};
use crate::model::{BoundaryKind, Model, NodeKind, Point, Rect};

/// Space between a frame and its members when a boundary has no rectangle of its own.
pub const FRAME_PADDING: f64 = 24.0;
/// Room for a frame's title above its members.
pub const FRAME_TITLE: f64 = 28.0;
/// The distance between the curves of parallel flows, at their middle.
pub const BEND_STEP: f64 = 34.0;
/// Gap between a node's border and the end of an arrow, so the arrowhead stays visible.
pub const ANCHOR_GAP: f64 = 3.0;
/// Gaps of the fallback grid for nodes without a position.
const GRID_GAP_X: f64 = 60.0;
const GRID_GAP_Y: f64 = 60.0;
const GRID_COLUMNS: usize = 6;

/// The box a node of this kind occupies, width and height. The same for every kind today, so
/// that auto-layout's spacing holds whatever the kinds; the shape is drawn inside it.
pub fn node_size(kind: NodeKind) -> (f64, f64) {
    match kind {
        NodeKind::Actor
        | NodeKind::Service
        | NodeKind::Store
        | NodeKind::Queue
        | NodeKind::External => (NODE_WIDTH, NODE_HEIGHT),
    }
}

/// The box of a node placed at `at` (its top-left corner).
pub fn node_rect(kind: NodeKind, at: Point) -> Rect {
    let (w, h) = node_size(kind);
    Rect {
        x: at.x,
        y: at.y,
        w,
        h,
    }
}

pub fn center(rect: Rect) -> Point {
    Point {
        x: rect.x + rect.w / 2.0,
        y: rect.y + rect.h / 2.0,
    }
}

/// The smallest rectangle holding both.
pub fn union(a: Rect, b: Rect) -> Rect {
    let (x, y) = (a.x.min(b.x), a.y.min(b.y));
    Rect {
        x,
        y,
        w: (a.x + a.w).max(b.x + b.w) - x,
        h: (a.y + a.h).max(b.y + b.h) - y,
    }
}

/// The area two rectangles share (0 when apart).
pub fn overlap_area(a: Rect, b: Rect) -> f64 {
    let w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
    let h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
    if w > 0.0 && h > 0.0 {
        w * h
    } else {
        0.0
    }
}

/// Where to put a label of size `w` × `h` on `edge`: the first of the positions tried (the
/// middle, then alternately towards either end) where it overlaps none of `obstacles`, else
/// the position with the least overlap. Returns the label's rectangle. Deterministic.
pub fn place_label(edge: &Edge, w: f64, h: f64, obstacles: &[Rect]) -> Rect {
    let mut best: Option<(f64, Rect)> = None;
    for t in [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78] {
        let at = edge.point_at(t);
        let rect = Rect {
            x: at.x - w / 2.0,
            y: at.y - h / 2.0,
            w,
            h,
        };
        let overlap: f64 = obstacles.iter().map(|o| overlap_area(rect, *o)).sum();
        if overlap == 0.0 {
            return rect;
        }
        if best.is_none_or(|(least, _)| overlap < least) {
            best = Some((overlap, rect));
        }
    }
    best.map(|(_, rect)| rect).expect("positions were tried")
}

/// A rectangle grown by `by` on every side.
pub fn inflate(rect: Rect, by: f64) -> Rect {
    Rect {
        x: rect.x - by,
        y: rect.y - by,
        w: rect.w + 2.0 * by,
        h: rect.h + 2.0 * by,
    }
}

/// Where the ray from the box's centre towards `toward` leaves the box's border, moved `gap`
/// further out. A point at the centre itself gives the middle of the right side.
pub fn anchor(rect: Rect, toward: Point, gap: f64) -> Point {
    let c = center(rect);
    let (dx, dy) = (toward.x - c.x, toward.y - c.y);
    let length = (dx * dx + dy * dy).sqrt();
    if !length.is_finite() || length < 1e-9 {
        return Point {
            x: rect.x + rect.w + gap,
            y: c.y,
        };
    }
    let (ux, uy) = (dx / length, dy / length);
    let (hw, hh) = (rect.w / 2.0 + gap, rect.h / 2.0 + gap);
    let tx = if ux.abs() < 1e-12 {
        f64::INFINITY
    } else {
        hw / ux.abs()
    };
    let ty = if uy.abs() < 1e-12 {
        f64::INFINITY
    } else {
        hh / uy.abs()
    };
    let t = tx.min(ty);
    Point {
        x: c.x + ux * t,
        y: c.y + uy * t,
    }
}

/// A flow's line: a quadratic Bézier curve (straight when `control` is the midpoint).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    pub start: Point,
    pub control: Point,
    pub end: Point,
}

impl Edge {
    /// The point halfway along the curve (t = 0.5), where the label goes.
    pub fn midpoint(&self) -> Point {
        Point {
            x: 0.25 * self.start.x + 0.5 * self.control.x + 0.25 * self.end.x,
            y: 0.25 * self.start.y + 0.5 * self.control.y + 0.25 * self.end.y,
        }
    }

    /// The point at parameter `t` (0 at the start, 1 at the end).
    pub fn point_at(&self, t: f64) -> Point {
        let (a, b, c) = ((1.0 - t) * (1.0 - t), 2.0 * (1.0 - t) * t, t * t);
        Point {
            x: a * self.start.x + b * self.control.x + c * self.end.x,
            y: a * self.start.y + b * self.control.y + c * self.end.y,
        }
    }

    /// SVG path data: `M x y L x y` or `M x y Q cx cy x y`.
    pub fn path(&self) -> String {
        let straight = {
            let mid = Point {
                x: (self.start.x + self.end.x) / 2.0,
                y: (self.start.y + self.end.y) / 2.0,
            };
            (mid.x - self.control.x).abs() < 0.05 && (mid.y - self.control.y).abs() < 0.05
        };
        if straight {
            format!(
                "M{} {}L{} {}",
                num(self.start.x),
                num(self.start.y),
                num(self.end.x),
                num(self.end.y)
            )
        } else {
            format!(
                "M{} {}Q{} {} {} {}",
                num(self.start.x),
                num(self.start.y),
                num(self.control.x),
                num(self.control.y),
                num(self.end.x),
                num(self.end.y)
            )
        }
    }
}

/// The line of a flow from box `from` to box `to`, its middle pushed `bend` units to the left
/// of the direction of travel (0: straight). It leaves and enters the borders towards the
/// curve's control point, so a curved arrow meets the box head-on.
pub fn edge_between(from: Rect, to: Rect, bend: f64) -> Edge {
    let (a, b) = (center(from), center(to));
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length = (dx * dx + dy * dy).sqrt();
    let (nx, ny) = if length < 1e-9 {
        (0.0, -1.0)
    } else {
        (dy / length, -dx / length)
    };
    let mid = Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    };
    // A quadratic curve's midpoint lies halfway between the chord's middle and the control.
    let control_guess = Point {
        x: mid.x + nx * bend * 2.0,
        y: mid.y + ny * bend * 2.0,
    };
    let start = anchor(from, control_guess, ANCHOR_GAP / 2.0);
    let end = anchor(to, control_guess, ANCHOR_GAP);
    let control = if bend == 0.0 {
        Point {
            x: (start.x + end.x) / 2.0,
            y: (start.y + end.y) / 2.0,
        }
    } else {
        control_guess
    };
    Edge {
        start,
        control,
        end,
    }
}

/// The outline of a node's shape, as SVG path data: `body` is filled and stroked, `details`
/// are stroked only (a cylinder's rim, a second border, a glyph).
#[derive(Clone, Debug, PartialEq)]
pub struct Outline {
    pub body: String,
    pub details: Vec<String>,
}

/// The conventional shape of a node of this kind inside `rect` (see the module docs).
pub fn node_outline(kind: NodeKind, rect: Rect) -> Outline {
    let Rect { x, y, w, h } = rect;
    match kind {
        NodeKind::Actor => {
            // A stadium, and (when there is room) a person glyph on the left.
            let (gx, gy) = (x + 22.0, y + h / 2.0);
            Outline {
                body: rounded_rect(rect, h / 2.0),
                details: if h < 40.0 {
                    Vec::new()
                } else {
                    vec![
                        format!("M{} {}a5 5 0 1 0 0.01 0", num(gx - 5.0), num(gy - 7.0)),
                        format!("M{} {}a9 8 0 0 1 18 0", num(gx - 9.0), num(gy + 11.0)),
                    ]
                },
            }
        }
        NodeKind::Service => Outline {
            body: rounded_rect(rect, 14.0),
            details: Vec::new(),
        },
        NodeKind::Store => {
            // A cylinder standing up: the top rim is an ellipse of height 2 * ry.
            let (rx, ry) = (w / 2.0, (h / 5.0).min(7.0));
            Outline {
                body: format!(
                    "M{} {}A{} {} 0 0 1 {} {}V{}A{} {} 0 0 1 {} {}Z",
                    num(x),
                    num(y + ry),
                    num(rx),
                    num(ry),
                    num(x + w),
                    num(y + ry),
                    num(y + h - ry),
                    num(rx),
                    num(ry),
                    num(x),
                    num(y + h - ry)
                ),
                details: vec![format!(
                    "M{} {}A{} {} 0 0 0 {} {}",
                    num(x),
                    num(y + ry),
                    num(rx),
                    num(ry),
                    num(x + w),
                    num(y + ry)
                )],
            }
        }
        NodeKind::Queue => {
            // A pipe lying down: messages enter on the left, leave through the open right end.
            let (rx, ry) = ((w / 8.0).min(10.0), h / 2.0);
            Outline {
                body: format!(
                    "M{} {}H{}A{} {} 0 0 1 {} {}H{}A{} {} 0 0 1 {} {}Z",
                    num(x + rx),
                    num(y),
                    num(x + w - rx),
                    num(rx),
                    num(ry),
                    num(x + w - rx),
                    num(y + h),
                    num(x + rx),
                    num(rx),
                    num(ry),
                    num(x + rx),
                    num(y)
                ),
                details: vec![format!(
                    "M{} {}A{} {} 0 0 0 {} {}",
                    num(x + w - rx),
                    num(y),
                    num(rx),
                    num(ry),
                    num(x + w - rx),
                    num(y + h)
                )],
            }
        }
        NodeKind::External => Outline {
            body: rounded_rect(rect, 2.0),
            details: vec![rounded_rect(inflate(rect, -4.0), 1.0)],
        },
    }
}

/// Path data of a rectangle with rounded corners.
pub fn rounded_rect(rect: Rect, radius: f64) -> String {
    let Rect { x, y, w, h } = rect;
    let r = radius.min(w / 2.0).min(h / 2.0).max(0.0);
    format!(
        "M{} {}H{}A{r} {r} 0 0 1 {} {}V{}A{r} {r} 0 0 1 {} {}H{}A{r} {r} 0 0 1 {} {}V{}A{r} {r} 0 0 1 {} {}Z",
        num(x + r),
        num(y),
        num(x + w - r),
        num(x + w),
        num(y + r),
        num(y + h - r),
        num(x + w - r),
        num(y + h),
        num(x + r),
        num(x),
        num(y + h - r),
        num(y + r),
        num(x + r),
        num(y),
        r = num(r),
    )
}

/// Horizontal room for a node's label inside its box (the actor glyph takes some).
pub fn label_box(kind: NodeKind, rect: Rect) -> Rect {
    let left = match kind {
        NodeKind::Actor => 36.0,
        NodeKind::Queue => 14.0,
        _ => 10.0,
    };
    let right = match kind {
        NodeKind::Actor => 14.0,
        NodeKind::Queue => 24.0,
        _ => 10.0,
    };
    let top = if kind == NodeKind::Store { 10.0 } else { 4.0 };
    Rect {
        x: rect.x + left,
        y: rect.y + top,
        w: (rect.w - left - right).max(10.0),
        h: (rect.h - top - 4.0).max(10.0),
    }
}

/// Fill and stroke colors of a node kind (light theme).
pub fn kind_colors(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Actor => ("#f1f5f9", "#475569"),
        NodeKind::Service => ("#eff6ff", "#2563eb"),
        NodeKind::Store => ("#ecfdf5", "#059669"),
        NodeKind::Queue => ("#fff7ed", "#c2410c"),
        NodeKind::External => ("#f5f3ff", "#7c3aed"),
    }
}

/// Stroke color of a boundary's dashed frame.
pub fn boundary_color(kind: BoundaryKind) -> &'static str {
    match kind {
        BoundaryKind::Internet => "#dc2626",
        BoundaryKind::Account => "#475569",
        BoundaryKind::Network => "#0e7490",
        BoundaryKind::Region => "#4d7c0f",
        BoundaryKind::Vendor => "#7c3aed",
        BoundaryKind::Runtime => "#64748b",
    }
}

/// Background and text color of a data-class chip, by sensitivity tier: cool colors for
/// tiers 0–2, warm and darker as the tier rises (tier 3 is the first sensitive one).
pub fn tier_colors(tier: u8) -> (&'static str, &'static str) {
    match tier {
        0 => ("#e5e7eb", "#374151"),
        1 => ("#dbeafe", "#1e40af"),
        2 => ("#e0e7ff", "#3730a3"),
        3 => ("#fef3c7", "#92400e"),
        4 => ("#ffedd5", "#9a3412"),
        5 => ("#fee2e2", "#991b1b"),
        _ => ("#fce7f3", "#831843"),
    }
}

/// The color of a severity marker.
pub fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "#7f1d1d",
        Severity::High => "#dc2626",
        Severity::Medium => "#d97706",
        Severity::Low => "#2563eb",
    }
}

/// An estimate of the width of `text` at `size` (sans-serif): the exports cannot measure
/// text, so they estimate it the same way everywhere, from character classes.
pub fn text_width(text: &str, size: f64) -> f64 {
    // Calibrated on wide fallback fonts (DejaVu Sans), so that text fits on narrower ones too.
    text.chars()
        .map(|c| {
            let em = match c {
                'i' | 'l' | 'j' | '.' | ',' | '\'' | '!' | '|' | ':' | ';' | 'I' | '`' => 0.3,
                'f' | 't' | 'r' | ' ' | '(' | ')' | '[' | ']' | '-' | '/' | '"' => 0.4,
                'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.92,
                'A'..='Z' | '&' | '#' => 0.72,
                '0'..='9' => 0.64,
                c if c.is_ascii() => 0.6,
                c if (c as u32) >= 0x2E80 => 1.0,
                _ => 0.66,
            };
            em * size
        })
        .sum()
}

/// [`text_width`] for bold text (weight 600 and above).
pub fn bold_width(text: &str, size: f64) -> f64 {
    text_width(text, size) * 1.08
}

/// `text` cut to fit `width` at `size`, with an ellipsis when cut.
pub fn truncate(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_owned();
    }
    let budget = width - text_width("…", size);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    let mut out = out.trim_end().to_owned();
    out.push('…');
    out
}

/// `text` wrapped at word boundaries into at most `max_lines` lines of `width` at `size`;
/// the last line ends with an ellipsis when text remains. Whitespace runs count as one space.
pub fn wrap(text: &str, width: f64, size: f64, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut rest_from = words.len();
    for (i, word) in words.iter().enumerate() {
        let candidate = if current.is_empty() {
            (*word).to_owned()
        } else {
            format!("{current} {word}")
        };
        if text_width(&candidate, size) <= width || current.is_empty() {
            current = candidate;
        } else {
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                rest_from = i;
                break;
            }
            current = (*word).to_owned();
        }
    }
    if lines.len() < max_lines && !current.is_empty() {
        lines.push(current);
    } else if rest_from < words.len() {
        // Out of lines: the last line takes what is left and is cut with an ellipsis.
        let last = lines.pop().unwrap_or_default();
        let remaining = words[rest_from..].join(" ");
        lines.push(truncate(&format!("{last} {remaining}"), width, size));
        return lines
            .into_iter()
            .map(|l| truncate(&l, width, size))
            .collect();
    }
    lines
        .into_iter()
        .map(|l| truncate(&l, width, size))
        .collect()
}

/// A number for SVG: rounded to a tenth, without a trailing `.0` or a negative zero.
pub fn num(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_owned();
    }
    let tenths = (value * 10.0).round() as i64;
    if tenths % 10 == 0 {
        format!("{}", tenths / 10)
    } else {
        let sign = if tenths < 0 { "-" } else { "" };
        let abs = tenths.unsigned_abs();
        format!("{sign}{}.{}", abs / 10, abs % 10)
    }
}

/// Everything placed: the geometry of a whole model, ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// Boundaries, outermost first (then by id), with their frames and nesting depth.
    pub boundaries: Vec<PlacedBoundary>,
    /// Nodes sorted by id, with their boxes.
    pub nodes: Vec<PlacedNode>,
    /// Flows sorted by id, with their lines.
    pub flows: Vec<PlacedFlow>,
    /// The extent of the frames and boxes (labels not included).
    pub bounds: Rect,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlacedBoundary {
    /// Index into `model.boundaries`.
    pub index: usize,
    pub rect: Rect,
    /// 0 for a boundary without a parent.
    pub depth: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlacedNode {
    /// Index into `model.nodes`.
    pub index: usize,
    pub rect: Rect,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlacedFlow {
    /// Index into `model.flows`.
    pub index: usize,
    /// How far the flow bends away from the straight line (parallel flows fan out).
    pub bend: f64,
    pub edge: Edge,
}

/// Places every element of a model: positions from its layout; nodes without one go to a
/// grid below the drawing (all of them through [`crate::layout::auto_layout`] when the model
/// has no layout at all); a boundary without a rectangle gets a frame around its members.
/// Deterministic, independent of element order.
pub fn scene(model: &Model) -> Scene {
    let auto;
    let layout = if model.layout.is_empty() && !model.nodes.is_empty() {
        auto = crate::layout::auto_layout(model);
        &auto
    } else {
        &model.layout
    };

    let mut node_order: Vec<usize> = (0..model.nodes.len()).collect();
    node_order.sort_by(|a, b| model.nodes[*a].id.cmp(&model.nodes[*b].id));
    let mut rects: BTreeMap<&str, Rect> = BTreeMap::new();
    let mut unplaced = Vec::new();
    for &i in &node_order {
        let node = &model.nodes[i];
        match layout.nodes.get(&node.id) {
            Some(at) if at.x.is_finite() && at.y.is_finite() => {
                rects.insert(&node.id, node_rect(node.kind, *at));
            }
            _ => unplaced.push(i),
        }
    }
    // The fallback grid: rows of up to six boxes below everything already placed.
    let placed_bottom = rects
        .values()
        .map(|r| r.y + r.h)
        .chain(layout.boundaries.values().map(|r| r.y + r.h))
        .fold(f64::NEG_INFINITY, f64::max);
    let placed_left = rects
        .values()
        .map(|r| r.x)
        .chain(layout.boundaries.values().map(|r| r.x))
        .fold(f64::INFINITY, f64::min);
    let (grid_x, grid_y) = if placed_bottom.is_finite() {
        (placed_left, placed_bottom + GRID_GAP_Y)
    } else {
        (0.0, 0.0)
    };
    for (k, &i) in unplaced.iter().enumerate() {
        let node = &model.nodes[i];
        let (w, h) = node_size(node.kind);
        let at = Point {
            x: grid_x + (k % GRID_COLUMNS) as f64 * (w + GRID_GAP_X),
            y: grid_y + (k / GRID_COLUMNS) as f64 * (h + GRID_GAP_Y),
        };
        rects.insert(&node.id, node_rect(node.kind, at));
    }

    // Boundaries: depth from the parent chain (bounded: loading rules out cycles).
    let parent_of = |b: usize| {
        model.boundaries[b]
            .parent
            .as_deref()
            .and_then(|p| model.boundaries.iter().position(|x| x.id == p))
    };
    let depth_of = |b: usize| {
        let mut depth = 0;
        let mut current = parent_of(b);
        while let Some(p) = current {
            depth += 1;
            if depth > model.boundaries.len() {
                break;
            }
            current = parent_of(p);
        }
        depth
    };
    let mut boundary_rects: BTreeMap<usize, Rect> = BTreeMap::new();
    // Deepest first, so a parent without a rectangle can wrap its children's frames.
    let mut by_depth: Vec<(usize, usize)> = (0..model.boundaries.len())
        .map(|b| (depth_of(b), b))
        .collect();
    by_depth.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then_with(|| model.boundaries[a.1].id.cmp(&model.boundaries[b.1].id))
    });
    let mut empty_frames = 0usize;
    for &(_, b) in &by_depth {
        let boundary = &model.boundaries[b];
        if let Some(rect) = layout.boundaries.get(&boundary.id) {
            if [rect.x, rect.y, rect.w, rect.h]
                .iter()
                .all(|v| v.is_finite())
            {
                boundary_rects.insert(b, *rect);
                continue;
            }
        }
        let members = model
            .nodes
            .iter()
            .filter(|n| n.boundary.as_deref() == Some(boundary.id.as_str()))
            .filter_map(|n| rects.get(n.id.as_str()).copied())
            .chain(
                (0..model.boundaries.len())
                    .filter(|c| parent_of(*c) == Some(b))
                    .filter_map(|c| boundary_rects.get(&c).copied()),
            )
            .reduce(union);
        let rect = match members {
            Some(m) => Rect {
                x: m.x - FRAME_PADDING,
                y: m.y - FRAME_PADDING - FRAME_TITLE,
                w: m.w + 2.0 * FRAME_PADDING,
                h: m.h + 2.0 * FRAME_PADDING + FRAME_TITLE,
            },
            None => {
                // An empty frame: in the grid's row below the drawing, after the nodes.
                let k = unplaced.len() + empty_frames;
                empty_frames += 1;
                Rect {
                    x: grid_x + (k % GRID_COLUMNS) as f64 * (NODE_WIDTH + GRID_GAP_X),
                    y: grid_y + (k / GRID_COLUMNS) as f64 * (NODE_HEIGHT + GRID_GAP_Y),
                    w: NODE_WIDTH,
                    h: NODE_HEIGHT,
                }
            }
        };
        boundary_rects.insert(b, rect);
    }
    let mut boundaries: Vec<PlacedBoundary> = boundary_rects
        .into_iter()
        .map(|(index, rect)| PlacedBoundary {
            index,
            rect,
            depth: depth_of(index),
        })
        .collect();
    boundaries.sort_by(|a, b| {
        a.depth.cmp(&b.depth).then_with(|| {
            model.boundaries[a.index]
                .id
                .cmp(&model.boundaries[b.index].id)
        })
    });

    let nodes: Vec<PlacedNode> = node_order
        .iter()
        .map(|&i| PlacedNode {
            index: i,
            rect: rects[model.nodes[i].id.as_str()],
        })
        .collect();

    // Flows: parallel flows (either direction) between the same two nodes fan out.
    let mut flow_order: Vec<usize> = (0..model.flows.len()).collect();
    flow_order.sort_by(|a, b| model.flows[*a].id.cmp(&model.flows[*b].id));
    let mut groups: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for &f in &flow_order {
        let flow = &model.flows[f];
        let key = if flow.from <= flow.to {
            (flow.from.as_str(), flow.to.as_str())
        } else {
            (flow.to.as_str(), flow.from.as_str())
        };
        groups.entry(key).or_default().push(f);
    }
    let mut bends: BTreeMap<usize, f64> = BTreeMap::new();
    for ((low, _), members) in &groups {
        let k = members.len() as f64;
        for (i, &f) in members.iter().enumerate() {
            let canonical = (i as f64 - (k - 1.0) / 2.0) * BEND_STEP;
            let forward = model.flows[f].from.as_str() == *low;
            bends.insert(f, if forward { canonical } else { -canonical });
        }
    }
    let flows: Vec<PlacedFlow> = flow_order
        .iter()
        .filter_map(|&f| {
            let flow = &model.flows[f];
            let from = rects.get(flow.from.as_str())?;
            let to = rects.get(flow.to.as_str())?;
            Some(PlacedFlow {
                index: f,
                bend: bends[&f],
                edge: edge_between(*from, *to, bends[&f]),
            })
        })
        .collect();

    let bounds = nodes
        .iter()
        .map(|n| n.rect)
        .chain(boundaries.iter().map(|b| b.rect))
        .reduce(union)
        .unwrap_or(Rect {
            x: 0.0,
            y: 0.0,
            w: NODE_WIDTH,
            h: NODE_HEIGHT,
        });
    Scene {
        boundaries,
        nodes,
        flows,
        bounds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-3.5), "-3.5");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn anchors_sit_on_the_border() {
        let rect = Rect {
            x: 0.0,
            y: 0.0,
            w: 160.0,
            h: 64.0,
        };
        let right = anchor(rect, Point { x: 500.0, y: 32.0 }, 0.0);
        assert_eq!((right.x, right.y), (160.0, 32.0));
        let below = anchor(rect, Point { x: 80.0, y: 400.0 }, 0.0);
        assert_eq!((below.x, below.y), (80.0, 64.0));
        let same = anchor(rect, center(rect), 0.0);
        assert!(same.x.is_finite() && same.y.is_finite());
    }

    #[test]
    fn wrapping_keeps_to_the_line_budget() {
        let lines = wrap("Payment webhook function with a long name", 100.0, 12.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(lines.iter().all(|l| text_width(l, 12.0) <= 100.0));
        assert_eq!(wrap("API", 100.0, 12.0, 2), ["API"]);
        assert!(wrap("", 100.0, 12.0, 2).is_empty());
    }

    #[test]
    fn a_model_without_layout_is_placed_and_nothing_overlaps() {
        let mut model =
            crate::load_str(include_str!("../../examples/serverless-shop.flowmap.json")).unwrap();
        model.layout = Default::default();
        let scene = scene(&model);
        assert_eq!(scene.nodes.len(), model.nodes.len());
        assert_eq!(scene.flows.len(), model.flows.len());
        for (i, a) in scene.nodes.iter().enumerate() {
            for b in &scene.nodes[i + 1..] {
                assert!(!crate::layout::overlaps(a.rect, b.rect));
            }
        }
    }

    #[test]
    fn nodes_without_a_position_go_to_a_grid_below() {
        let mut model =
            crate::load_str(include_str!("../../examples/serverless-shop.flowmap.json")).unwrap();
        model.layout.nodes.remove("receipts");
        model.layout.boundaries.remove("vpc");
        let scene = scene(&model);
        let receipts = scene
            .nodes
            .iter()
            .find(|n| model.nodes[n.index].id == "receipts")
            .unwrap();
        let others_bottom = scene
            .nodes
            .iter()
            .filter(|n| n.index != receipts.index)
            .map(|n| n.rect.y + n.rect.h)
            .fold(0.0, f64::max);
        assert!(receipts.rect.y > others_bottom);
        let vpc = scene
            .boundaries
            .iter()
            .find(|b| model.boundaries[b.index].id == "vpc")
            .unwrap();
        let db = model.layout.nodes["orders-db"];
        assert!(vpc.rect.x < db.x && vpc.rect.x + vpc.rect.w > db.x + NODE_WIDTH);
    }
}
