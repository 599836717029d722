//! The SVG canvas: keyed `<For>` over boundaries, flows and nodes, each element with its own
//! memos, so a drag (a transient offset in [`Gesture`]) updates only the transforms and lines
//! that move. Pointer gestures end in one core operation (one undo step).

use flowmap_core::diagram::{self, num};
use flowmap_core::edit::ops::{self, End};
use flowmap_core::{Point, Rect};
use leptos::ev::{self, PointerEvent};
use leptos::html::Input;
use leptos::prelude::*;

use crate::canvas::{self, flow_edge, Corner, FlowLabel, Gesture, Index, Sketch, Visible};
use crate::platform;
use crate::session::Marker;
use crate::ui::{Dialog, Ui};

fn client(ev: &PointerEvent) -> (f64, f64) {
    (f64::from(ev.client_x()), f64::from(ev.client_y()))
}

fn toggles(ev: &PointerEvent) -> bool {
    ev.shift_key() || ev.ctrl_key() || ev.meta_key()
}

/// Pointer-down on a node or boundary: select it, and start moving the selection.
fn start_move(ui: Ui, id: &str, ev: &PointerEvent) {
    if ev.button() != 0 || ui.space.get_untracked() {
        return;
    }
    ev.stop_propagation();
    platform::blur_focused();
    let toggle = toggles(ev);
    let narrow_to = (!toggle
        && ui
            .selection
            .with_untracked(|s| s.len() > 1 && s.iter().any(|x| x == id)))
    .then(|| id.to_owned());
    let selection = ui
        .selection
        .with_untracked(|s| canvas::click_select(s, id, toggle));
    ui.selection.set(selection.clone());
    ui.highlight.set(Vec::new());
    if !selection.iter().any(|s| s == id) {
        return;
    }
    let (cx, cy) = client(ev);
    let start = ui.to_canvas(cx, cy);
    let moving = ui
        .editor
        .with_model_untracked(|m| canvas::moving_set(m, &selection));
    ui.editor.update(|d| d.begin_gesture());
    ui.gesture.set(Gesture::Move {
        moving,
        ids: selection,
        start,
        dx: 0.0,
        dy: 0.0,
        moved: false,
        narrow_to,
    });
}

fn on_pointer_move(ui: Ui, ev: PointerEvent) {
    if ui.gesture.with_untracked(|g| *g == Gesture::Idle) {
        return;
    }
    let (cx, cy) = client(&ev);
    let at = ui.to_canvas(cx, cy);
    let snapping = ui.snapping.get_untracked();
    let (left, top, width, height) = ui.canvas_box();
    let over_canvas = cx >= left && cx <= left + width && cy >= top && cy <= top + height;
    let mut pan = None;
    ui.gesture.update(|g| match g {
        Gesture::Idle => {}
        Gesture::Move {
            start,
            dx,
            dy,
            moved,
            ..
        } => {
            let (rx, ry) = (at.x - start.x, at.y - start.y);
            *moved |= rx.abs() + ry.abs() > 2.0;
            *dx = canvas::snap(rx, snapping);
            *dy = canvas::snap(ry, snapping);
        }
        Gesture::Connect { at: a, .. } | Gesture::Reconnect { at: a, .. } => *a = at,
        Gesture::Band { at: a, .. } => *a = at,
        Gesture::Resize { id, corner, rect } => {
            if let Some(original) = ui
                .index
                .with_untracked(|i| i.boundaries.get(id.as_str()).map(|b| b.rect))
            {
                let to = Point {
                    x: canvas::snap(at.x, snapping),
                    y: canvas::snap(at.y, snapping),
                };
                *rect = corner.resize(original, to);
            }
        }
        Gesture::Pan { sx, sy } => {
            pan = Some((cx - *sx, cy - *sy));
            *sx = cx;
            *sy = cy;
        }
        Gesture::Place {
            at: a,
            sx,
            sy,
            moved,
            ..
        } => {
            *moved |= (cx - *sx).abs() + (cy - *sy).abs() > 4.0;
            *a = (*moved && over_canvas).then_some(at);
        }
    });
    if let Some((dx, dy)) = pan {
        ui.glide(|v| {
            v.x += dx;
            v.y += dy;
        });
    }
    ui.gesture.with_untracked(|g| match g {
        Gesture::Move { moving, dx, dy, .. } => {
            for id in moving {
                ui.offsets.set(id, (*dx, *dy));
            }
        }
        Gesture::Reconnect { flow, end, at } => ui.flow_ends.set(flow, Some((*end, *at))),
        Gesture::Resize { id, rect, .. } => ui.resizing.set(id, Some(*rect)),
        _ => {}
    });
}

fn on_pointer_up(ui: Ui) {
    let gesture = ui.gesture.get_untracked();
    if gesture == Gesture::Idle {
        return;
    }
    ui.gesture.set(Gesture::Idle);
    ui.clear_transient(&gesture);
    match gesture {
        Gesture::Idle | Gesture::Pan { .. } => {}
        Gesture::Move {
            ids,
            dx,
            dy,
            moved,
            narrow_to,
            ..
        } => {
            if let (false, Some(id)) = (moved, narrow_to) {
                ui.selection.set(vec![id]);
            }
            ui.editor.update(|d| {
                if moved && (dx != 0.0 || dy != 0.0) {
                    let next = ops::move_by(d.model(), &ids, dx, dy);
                    d.commit(next);
                }
                d.end_gesture();
            });
        }
        Gesture::Connect { from, at } => {
            let target = ui
                .index
                .with_untracked(|i| i.node_at(at).map(str::to_owned));
            if let Some(to) = target {
                let mut created = None;
                ui.edit(|m| {
                    let (next, id) = ops::add_flow(m, &from, &to)?;
                    created = Some(id);
                    Some(next)
                });
                if let Some(id) = created {
                    ui.selection.set(vec![id]);
                }
            }
        }
        Gesture::Reconnect { flow, end, at } => {
            let target = ui
                .index
                .with_untracked(|i| i.node_at(at).map(str::to_owned));
            if let Some(node) = target {
                ui.edit(|m| ops::reconnect(m, &flow, end, &node));
            }
        }
        Gesture::Resize { id, rect, .. } => ui.edit(|m| ops::resize_boundary(m, &id, rect)),
        Gesture::Band { start, at, add } => {
            let band = canvas::rect_between(start, at);
            if band.w > 2.0 || band.h > 2.0 {
                let inside = ui.index.with_untracked(|i| i.inside(band));
                ui.selection.update(|s| {
                    if !add {
                        s.clear();
                    }
                    for id in inside {
                        if !s.contains(&id) {
                            s.push(id);
                        }
                    }
                });
            }
        }
        Gesture::Place {
            item, at, moved, ..
        } => {
            if !moved {
                ui.place(item, None);
            } else if let Some(at) = at {
                ui.place(item, Some(at));
            }
        }
    }
}

#[component]
pub fn Board() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let _ = window_event_listener(ev::pointermove, move |ev| on_pointer_move(ui, ev));
    let _ = window_event_listener(ev::pointerup, move |_| on_pointer_up(ui));
    let _ = window_event_listener(ev::pointercancel, move |_| on_pointer_up(ui));
    let _ = window_event_listener(ev::resize, move |_| ui.measure());
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(el) = ui.board_el.get() else {
            return false;
        };
        platform::on_wheel(&el, move |x, y, dx, dy, zoom| {
            if zoom {
                ui.glide(|v| v.zoom_at(x, y, (-dy * 0.002).exp().clamp(0.5, 2.0)));
            } else {
                ui.glide(|v| {
                    v.x -= dx;
                    v.y -= dy;
                });
            }
        });
        // First fit, once the canvas has a size.
        ui.measure();
        ui.zoom_to_fit();
        true
    });

    // The drawing is made at `drawn`; the panes' CSS transform shows it at `viewport`.
    let transform = move || ui.drawn.with(|v| v.transform());
    let composite = move || ui.viewport.with(|v| ui.drawn.with(|d| v.css_from(*d)));
    let still =
        |pick: fn(&Visible) -> &Vec<String>| move || ui.layers.with(|l| pick(&l.still).clone());
    // Zoomed out (no detail), the canvas is an overview: nodes and flows are sketched, one path
    // per kind and colour, the selection and the highlighted path in colours of their own; a
    // press finds the node under the pointer. Only what a gesture moves is an element then.
    let sketching = Memo::new(move |_| !ui.detail.get());
    let still_elements = move |pick: fn(&Visible) -> &Vec<String>| {
        move || {
            if sketching.get() {
                Vec::new()
            } else {
                ui.layers.with(|l| pick(&l.still).clone())
            }
        }
    };
    // The sketches, each element in its colour (canvas::sketch_colour).
    type Sketcher = fn(&Index, &[String], &dyn Fn(&str) -> &'static str) -> Sketch;
    let sketched = move |pick: fn(&Visible) -> &Vec<String>, draw: Sketcher| {
        Memo::new(move |_| {
            if !sketching.get() {
                return Vec::new();
            }
            ui.selection.with(|selection| {
                ui.highlight.with(|highlight| {
                    ui.checked.with(|c| {
                        // Sets: Ctrl+A selects every element.
                        let set = |ids: &[String]| -> std::collections::HashSet<String> {
                            ids.iter().cloned().collect()
                        };
                        let (selected, highlighted) = (set(selection), set(highlight));
                        let colour = |id: &str| {
                            canvas::sketch_colour(
                                selected.contains(id),
                                highlighted.contains(id),
                                c.markers.get(id).map(|m| m.worst),
                            )
                        };
                        ui.layers
                            .with(|l| ui.index.with(|i| draw(i, pick(&l.still), &colour)))
                    })
                })
            })
        })
    };
    let node_sketch = sketched(|v| &v.nodes, |i, ids, c| canvas::node_sketch(i, ids, c));
    let sketch = sketched(|v| &v.flows, |i, ids, c| canvas::sketch(i, ids, c));
    let live =
        |pick: fn(&Visible) -> &Vec<String>| move || ui.layers.with(|l| pick(&l.live).clone());
    let background_down = move |ev: PointerEvent| {
        platform::blur_focused();
        let (cx, cy) = client(&ev);
        if ev.button() == 1 || (ev.button() == 0 && ui.space.get_untracked()) {
            ev.prevent_default();
            ui.gesture.set(Gesture::Pan { sx: cx, sy: cy });
        } else if ev.button() == 0 {
            let at = ui.to_canvas(cx, cy);
            // A sketched node has no element of its own: find it under the pointer.
            if sketching.get_untracked() {
                if let Some(id) = ui
                    .index
                    .with_untracked(|i| i.node_at(at).map(str::to_owned))
                {
                    start_move(ui, &id, &ev);
                    return;
                }
            }
            let add = toggles(&ev);
            if !add {
                ui.selection.set(Vec::new());
                ui.highlight.set(Vec::new());
            }
            ui.gesture.set(Gesture::Band { start: at, at, add });
        }
    };

    // Not while the autosave is being read: the hint would flash before the restored work.
    let autosave = use_context::<crate::persist::Autosave>();
    let empty = move || {
        autosave.is_none_or(|a| a.settled())
            && ui
                .index
                .with(|i| i.node_ids.is_empty() && i.boundary_ids.is_empty())
    };
    let panning = move || ui.space.get() || ui.gesture.with(|g| matches!(g, Gesture::Pan { .. }));
    // While a gesture moves something, a shield over the canvas takes the pointer: hover effects
    // on the canvas under the moving pointer would repaint all of it every frame (the live layer
    // takes no pointer events). A shield, not a style on the canvas: that would restyle every
    // element twice per gesture. Not for a press that has not moved (double-clicks).
    let busy = Memo::new(move |_| {
        ui.gesture.with(|g| match g {
            Gesture::Move { moved, .. } => *moved,
            Gesture::Connect { .. }
            | Gesture::Reconnect { .. }
            | Gesture::Resize { .. }
            | Gesture::Band { .. } => true,
            Gesture::Idle | Gesture::Pan { .. } | Gesture::Place { .. } => false,
        })
    });
    // The dot grid, in screen units so that it stays crisp at any zoom.
    let grid = move || {
        ui.viewport.with(|v| {
            let step = canvas::grid_step(v.zoom) * v.zoom;
            (
                num(step),
                num(v.x - (v.x / step).floor() * step),
                num(v.y - (v.y / step).floor() * step),
            )
        })
    };

    view! {
        <div class="board" class:panning=panning node_ref=ui.board_el>
            <svg class="grid-layer" class:hidden=move || !ui.snapping.get() aria-hidden="true">
                <defs>
                    <pattern id="fm-grid" patternUnits="userSpaceOnUse"
                        width=move || grid().0 height=move || grid().0 x=move || grid().1 y=move || grid().2>
                        <circle cx="1" cy="1" r="1" class="grid-dot" />
                    </pattern>
                </defs>
                <rect class="grid" width="100%" height="100%" fill="url(#fm-grid)" />
            </svg>
            <div class="pane" style:transform=composite>
                <svg
                    data-canvas=""
                    class="canvas"
                    class:far=move || !ui.detail.get()
                    node_ref=ui.canvas_el
                    role="application"
                    aria-label="Data-flow diagram canvas"
                    on:pointerdown=background_down
                >
                    <defs>
                        {["plain", "selected", "highlight", "critical", "high", "medium", "low"]
                            .into_iter()
                            .map(|kind| view! {
                                <marker id=format!("fm-arrow-{kind}") class=format!("arrow arrow-{kind}")
                                    viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"
                                    orient="auto-start-reverse">
                                    <path d="M0 0L10 5L0 10z" />
                                </marker>
                            })
                            .collect_view()}
                    </defs>
                    <g transform=transform>
                        <g class="boundaries">
                            {shapes(Shape::Boundary, Signal::derive(still(|v| &v.boundaries)))}
                        </g>
                        <crate::compare::RemovedGhosts />
                        <g class="flows">
                            <g class="flow-sketch">
                                {move || sketch.get().into_iter().map(|(_, colour, d)| view! {
                                    <path class=format!("sev-{colour}") d=d />
                                }).collect_view()}
                            </g>
                            {shapes(Shape::Flow, Signal::derive(still_elements(|v| &v.flows)))}
                        </g>
                        <g class="nodes">
                            <g class="node-sketch">
                                {move || node_sketch.get().into_iter().map(|(kind, colour, d)| view! {
                                    <path class=format!("shape kind-{kind}") data-flag=colour d=d />
                                }).collect_view()}
                            </g>
                            {shapes(Shape::Node, Signal::derive(still_elements(|v| &v.nodes)))}
                        </g>
                    </g>
                </svg>
            </div>
            // What a gesture moves, on a layer of its own: a drag redraws this layer only.
            <div class="pane live" style:transform=composite>
                <svg class="canvas live-canvas" class:far=move || !ui.detail.get() aria-hidden="true">
                    <g transform=transform>
                        {shapes(Shape::Boundary, Signal::derive(live(|v| &v.boundaries)))}
                        {shapes(Shape::Flow, Signal::derive(live(|v| &v.flows)))}
                        {shapes(Shape::Node, Signal::derive(live(|v| &v.nodes)))}
                        <Overlay />
                    </g>
                </svg>
            </div>
            {move || busy.get().then(|| view! { <div class="gesture-shield"></div> })}
            {move || empty().then(|| view! {
                <div class="empty-hint">
                    <p class="empty-title">"Drag a service from the palette, or open a template"</p>
                    <p>"Then drag from a node's handle to another node to draw a flow. Findings appear as you draw."</p>
                    <button type="button" class="button primary" on:click=move |_| ui.dialog.set(Dialog::Templates)>
                        "Browse templates"
                    </button>
                </div>
            })}
            <RenameBox />
        </div>
    }
}

/// Which element a keyed list of the canvas draws.
#[derive(Clone, Copy)]
enum Shape {
    Boundary,
    Flow,
    Node,
}

/// A keyed list of canvas elements: every list (the canvas's and the live layer's) goes
/// through this one `For`, so its diffing code is compiled once (bundle budget).
fn shapes(shape: Shape, ids: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <For each=move || ids.get() key=|id: &String| id.clone() children=move |id| match shape {
            Shape::Boundary => view! { <BoundaryShape id=id /> }.into_any(),
            Shape::Flow => view! { <FlowShape id=id /> }.into_any(),
            Shape::Node => view! { <NodeShape id=id /> }.into_any(),
        } />
    }
}

/// The preview line of a new flow, the rubber band, the ghost of a palette item.
#[component]
fn Overlay() -> impl IntoView {
    let ui = expect_context::<Ui>();
    move || {
        ui.gesture.with(|g| match g {
            Gesture::Connect { from, at } => {
                let start = ui.index.with(|i| i.nodes.get(from).map(|n| diagram::center(n.rect)));
                start
                    .map(|s| {
                        view! {
                            <line class="connect-preview" x1=num(s.x) y1=num(s.y) x2=num(at.x) y2=num(at.y)
                                marker-end="url(#fm-arrow-selected)" />
                        }
                        .into_any()
                    })
                    .unwrap_or_else(|| ().into_any())
            }
            Gesture::Band { start, at, .. } => {
                let r = canvas::rect_between(*start, *at);
                view! { <rect class="band" x=num(r.x) y=num(r.y) width=num(r.w) height=num(r.h) /> }
                    .into_any()
            }
            Gesture::Place { at: Some(at), .. } => view! {
                <rect class="ghost" x=num(at.x - 80.0) y=num(at.y - 32.0) width="160" height="64" rx="12" />
            }
            .into_any(),
            _ => ().into_any(),
        })
    }
}

fn marker_view(marker: Option<Marker>, x: f64, y: f64) -> impl IntoView {
    marker.map(|m| {
        let sev = m.worst.as_str();
        view! {
            <g class=format!("marker sev-{sev}") data-marker=sev>
                <circle cx=num(x) cy=num(y) r="10" />
                <text x=num(x) y=num(y + 4.0) text-anchor="middle">{m.count}</text>
            </g>
        }
    })
}

#[component]
fn NodeShape(id: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let key = StoredValue::new(id.clone());
    let node = Memo::new(move |_| key.with_value(|k| ui.node_views.get(k)));
    let offset = move || key.with_value(|k| ui.offsets.get(k));
    let selected = move || key.with_value(|k| ui.selected.get(k));
    let marker = move || key.with_value(|k| ui.markers.get(k));
    // No attribute at rest: thousands of nodes, one attribute fewer each.
    let transform = move || {
        let (dx, dy) = offset();
        (dx != 0.0 || dy != 0.0).then(|| format!("translate({} {})", num(dx), num(dy)))
    };
    view! {
        <g
            data-node=id.clone()
            data-change=move || key.with_value(|k| ui.compare.marks.get(k))
            class="node"
            class:selected=selected
            transform=transform
            on:pointerdown=move |ev| key.with_value(|k| start_move(ui, k, &ev))
            on:dblclick=move |_| ui.renaming.set(Some(key.get_value()))
        >
            {move || {
                // Zoomed out, a node is an element only while it moves (the rest is sketched):
                // it is drawn in full then too.
                node.get().map(|n| {
                    let class = format!("shape kind-{}", n.kind);
                    let r = n.rect;
                    let mut y = n.label_y;
                    let lines = n
                        .lines
                        .iter()
                        .map(|line| {
                            let at = y;
                            y += 15.0;
                            view! { <text class="node-name" x=num(n.label_x) y=num(at) text-anchor="middle">{line.clone()}</text> }
                        })
                        .collect_view();
                    view! {
                        <path class=class.clone() d=n.body.clone() />
                        {n.details.iter().map(|d| view! { <path class=format!("{class} detail") d=d.clone() /> }).collect_view()}
                        <rect class="select-ring" x=num(r.x - 4.0) y=num(r.y - 4.0) width=num(r.w + 8.0) height=num(r.h + 8.0) rx="16" />
                        {lines}
                        <text class="node-caption" x=num(n.label_x) y=num(y - 1.0) text-anchor="middle">{n.caption.clone()}</text>
                        <circle
                            class="handle"
                            data-handle=n.id.clone()
                            cx=num(r.x + r.w + 2.0)
                            cy=num(r.y + r.h / 2.0)
                            r="7"
                            on:pointerdown=move |ev: PointerEvent| {
                                if ev.button() != 0 {
                                    return;
                                }
                                ev.stop_propagation();
                                let (cx, cy) = client(&ev);
                                let at = ui.to_canvas(cx, cy);
                                ui.gesture.set(Gesture::Connect { from: key.get_value(), at });
                            }
                        />
                        {move || marker_view(marker(), r.x + r.w - 4.0, r.y + 2.0)}
                    }
                })
            }}
        </g>
    }
}

/// A flow's geometry, with any drag offsets applied.
#[derive(Clone, Debug, PartialEq)]
struct FlowGeometry {
    path: String,
    start: Point,
    end: Point,
    mid: Point,
    encrypted: bool,
    label: Option<FlowLabel>,
    name: String,
}

#[component]
fn FlowShape(id: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let key = StoredValue::new(id.clone());
    // Reads only this flow's own signals and its two ends': a drag recomputes only the lines
    // that move.
    let geometry = Memo::new(move |_| {
        key.with_value(|k| {
            ui.flow_views.with(k, |f| {
                let f = f.as_ref()?;
                let dragged = ui.flow_ends.get(k);
                let rect_of = |node: &str, end: End| -> Option<Rect> {
                    if let Some((e, at)) = dragged {
                        if e == end {
                            return Some(Rect {
                                x: at.x - 1.0,
                                y: at.y - 1.0,
                                w: 2.0,
                                h: 2.0,
                            });
                        }
                    }
                    let (dx, dy) = ui.offsets.get(node);
                    ui.node_views
                        .with(node, |n| n.as_ref().map(|n| canvas::offset(n.rect, dx, dy)))
                };
                let from = rect_of(&f.from, End::From)?;
                let to = rect_of(&f.to, End::To)?;
                let edge = flow_edge(from, to, f.bend);
                Some(FlowGeometry {
                    path: edge.path(),
                    start: edge.start,
                    end: edge.end,
                    mid: edge.point_at(ui.label_spots.get(k).unwrap_or(0.5)),
                    encrypted: f.encrypted,
                    label: f.label.clone(),
                    name: f.name.clone(),
                })
            })
        })
    });
    let selected = Memo::new(move |_| key.with_value(|k| ui.selected.get(k)));
    let highlighted = Memo::new(move |_| key.with_value(|k| ui.highlighted.get(k)));
    let marker = Memo::new(move |_| key.with_value(|k| ui.markers.get(k)));
    let arrow = move || {
        let kind = if selected.get() {
            "selected".to_owned()
        } else if highlighted.get() {
            "highlight".to_owned()
        } else if let Some(m) = marker.get() {
            m.worst.as_str().to_owned()
        } else {
            "plain".to_owned()
        };
        format!("url(#fm-arrow-{kind})")
    };
    let select = move |ev: PointerEvent| {
        if ev.button() != 0 || ui.space.get_untracked() {
            return;
        }
        ev.stop_propagation();
        platform::blur_focused();
        let toggle = toggles(&ev);
        ui.highlight.set(Vec::new());
        key.with_value(|k| {
            ui.selection
                .update(|s| *s = canvas::click_select(s, k, toggle));
        });
    };
    let end_handle = move |end: End, at: Point| {
        let name = if end == End::From { "from" } else { "to" };
        view! {
            <circle class="end-handle" data-end=name cx=num(at.x) cy=num(at.y) r="6"
                on:pointerdown=move |ev: PointerEvent| {
                    if ev.button() != 0 {
                        return;
                    }
                    ev.stop_propagation();
                    let (cx, cy) = client(&ev);
                    let at = ui.to_canvas(cx, cy);
                    ui.gesture.set(Gesture::Reconnect { flow: key.get_value(), end, at });
                } />
        }
    };
    view! {
        <g
            data-flow=id.clone()
            data-change=move || key.with_value(|k| ui.compare.marks.get(k))
            class="flow"
            class:selected=move || selected.get()
            class:highlighted=move || highlighted.get()
            data-flag=move || marker.get().map(|m| m.worst.as_str())
            on:pointerdown=select
            on:dblclick=move |_| ui.renaming.set(Some(key.get_value()))
        >
            {move || geometry.get().map(|g| {
                let detail = ui.detail.get();
                let label = g.label.clone().filter(|_| detail).map(|l| {
                    let (x0, y0) = (g.mid.x - l.w / 2.0, g.mid.y - l.h / 2.0);
                    view! {
                        <g class="flow-label">
                            <rect class="flow-label-bg" x=num(x0) y=num(y0) width=num(l.w) height=num(l.h) rx="6" />
                            {(!g.name.is_empty()).then(|| view! {
                                <text class="flow-name" x=num(g.mid.x) y=num(y0 + l.name_y) text-anchor="middle">
                                    {diagram::truncate(&g.name, 180.0, canvas::LABEL_SIZE)}
                                </text>
                            })}
                            {l.chips.iter().map(|(text, tier, x, y, w)| view! {
                                <g class=format!("chip tier-{tier}")>
                                    <rect x=num(x0 + x) y=num(y0 + y) width=num(*w) height=num(canvas::CHIP_HEIGHT) rx="8" />
                                    <text x=num(x0 + x + w / 2.0) y=num(y0 + y + 11.5) text-anchor="middle">{text.clone()}</text>
                                </g>
                            }).collect_view()}
                            {move || marker_view(marker.get(), x0 + l.w, y0)}
                        </g>
                    }
                });
                let no_label_marker = (detail && g.label.is_none()).then(|| {
                    let m = g.mid;
                    view! { {move || marker_view(marker.get(), m.x, m.y)} }
                });
                view! {
                    <path class="flow-hit" d=g.path.clone() />
                    <path class="flow-line" class:plain=!g.encrypted d=g.path.clone()
                        marker-end=move || detail.then(arrow) />
                    {label}
                    {no_label_marker}
                    {move || selected.get().then(|| view! {
                        {end_handle(End::From, g.start)}
                        {end_handle(End::To, g.end)}
                    })}
                }
            })}
        </g>
    }
}

#[component]
fn BoundaryShape(id: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let key = StoredValue::new(id.clone());
    let boundary = Memo::new(move |_| key.with_value(|k| ui.boundary_views.get(k)));
    let rect = Memo::new(move |_| {
        key.with_value(|k| {
            ui.resizing.get(k).or_else(|| {
                let (dx, dy) = ui.offsets.get(k);
                boundary.with(|b| b.as_ref().map(|b| canvas::offset(b.rect, dx, dy)))
            })
        })
    });
    let selected = Memo::new(move |_| key.with_value(|k| ui.selected.get(k)));
    let marker = Memo::new(move |_| key.with_value(|k| ui.markers.get(k)));
    let down = move |ev: PointerEvent| key.with_value(|k| start_move(ui, k, &ev));
    view! {
        <g
            data-boundary=id.clone()
            data-change=move || key.with_value(|k| ui.compare.marks.get(k))
            class=move || boundary.with(|b| b.as_ref().map(|b| format!("boundary b-{}", b.kind)).unwrap_or_default())
            class:selected=move || selected.get()
        >
            {move || {
                let (Some(r), Some(b)) = (rect.get(), boundary.get()) else {
                    return ().into_any();
                };
                let frame = view! {
                    <rect class="boundary-fill" x=num(r.x) y=num(r.y) width=num(r.w) height=num(r.h) rx="14" />
                    <rect class="boundary-frame" x=num(r.x) y=num(r.y) width=num(r.w) height=num(r.h) rx="14" />
                    <rect class="boundary-hit" x=num(r.x) y=num(r.y) width=num(r.w) height=num(r.h) rx="14"
                        on:pointerdown=down />
                };
                if !ui.detail.get() {
                    return frame.into_any();
                }
                let title_w = diagram::bold_width(&b.name, 13.0) + 8.0;
                view! {
                    {frame}
                    <text class="boundary-title" x=num(r.x + 14.0) y=num(r.y + 21.0)
                        on:pointerdown=down
                        on:dblclick=move |_| ui.renaming.set(Some(key.get_value()))>{b.name.clone()}</text>
                    <text class="boundary-kind" x=num(r.x + 14.0 + title_w) y=num(r.y + 21.0)>{b.kind.as_str()}</text>
                    {move || marker_view(marker.get(), r.x + 14.0 + title_w + diagram::text_width(b.kind.as_str(), 11.0) + 16.0, r.y + 17.0)}
                    {move || selected.get().then(|| {
                        Corner::ALL.into_iter().map(|corner| {
                            let p = corner.point(r);
                            view! {
                                <rect class=format!("resize-handle {}", corner.name()) data-resize=corner.name()
                                    x=num(p.x - 6.0) y=num(p.y - 6.0) width="12" height="12" rx="2"
                                    on:pointerdown=move |ev: PointerEvent| {
                                        if ev.button() != 0 {
                                            return;
                                        }
                                        ev.stop_propagation();
                                        ui.gesture.set(Gesture::Resize { id: key.get_value(), corner, rect: r });
                                    } />
                            }
                        }).collect_view()
                    })}
                }
                .into_any()
            }}
        </g>
    }
}

/// The in-place label editor: an input over the element being renamed.
#[component]
fn RenameBox() -> impl IntoView {
    let ui = expect_context::<Ui>();
    move || {
        let id = ui.renaming.get()?;
        // Where the label is (canvas units), and its current text.
        let (at, width, text) = ui.editor.with_model_untracked(|m| {
            ui.index.with_untracked(|i| {
                if let Some(n) = i.nodes.get(&id) {
                    Some((diagram::center(n.rect), n.rect.w, n.name.clone()))
                } else if let Some(b) = i.boundaries.get(&id) {
                    Some((
                        Point {
                            x: b.rect.x + 110.0,
                            y: b.rect.y + 16.0,
                        },
                        200.0,
                        b.name.clone(),
                    ))
                } else if let Some(f) = i.flows.get(&id) {
                    let from = i.nodes.get(&f.from)?.rect;
                    let to = i.nodes.get(&f.to)?.rect;
                    let name = m.flow(&id)?.name.clone();
                    Some((flow_edge(from, to, f.bend).midpoint(), 180.0, name))
                } else {
                    None
                }
            })
        })?;
        let v = ui.viewport.get_untracked();
        let (sx, sy) = (at.x * v.zoom + v.x, at.y * v.zoom + v.y);
        let w = (width * v.zoom).max(140.0);
        let input = NodeRef::<Input>::new();
        // The input is removed when renaming ends, and removal blurs it: by then this scope is
        // disposed, so the handlers read `done` with `try_` and ignore a finished edit.
        let done = StoredValue::new(false);
        let commit = move |id: &str, value: String| {
            if done.try_get_value() != Some(false) {
                return;
            }
            done.set_value(true);
            ui.renaming.set(None);
            ui.edit(|m| rename(m, id, value.trim()));
        };
        let id_on_blur = id.clone();
        Effect::new(move |_| {
            if let Some(el) = input.get() {
                platform::focus_and_select(&el);
            }
        });
        Some(view! {
            <input
                node_ref=input
                class="rename-box"
                type="text"
                aria-label="Name"
                prop:value=text
                style:left=format!("{}px", sx - w / 2.0)
                style:top=format!("{}px", sy - 18.0)
                style:width=format!("{w}px")
                on:keydown=move |ev| match ev.key().as_str() {
                    "Enter" => commit(&id, event_target_value(&ev)),
                    "Escape" if done.try_get_value() == Some(false) => {
                        done.set_value(true);
                        ui.renaming.set(None);
                    }
                    _ => {}
                }
                on:blur=move |ev| commit(&id_on_blur, event_target_value(&ev))
            />
        })
    }
}

/// Renames a node, flow or boundary (a node or boundary keeps its old name when given none).
fn rename(m: &flowmap_core::Model, id: &str, name: &str) -> Option<flowmap_core::Model> {
    if let Some(n) = m.node(id) {
        if name.is_empty() {
            return None;
        }
        let mut n = n.clone();
        n.name = name.to_owned();
        ops::update_node(m, n)
    } else if let Some(b) = m.boundary(id) {
        if name.is_empty() {
            return None;
        }
        let mut b = b.clone();
        b.name = name.to_owned();
        ops::update_boundary(m, b)
    } else {
        let mut f = m.flow(id)?.clone();
        f.name = name.to_owned();
        ops::update_flow(m, f)
    }
}
