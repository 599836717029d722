//! The editor's shell: toolbar, palette, panels, dialogs and keyboard shortcuts. Components
//! render state and turn user actions into core edit operations; the decisions live in
//! `editor.rs`, `canvas.rs` and `session.rs`, the browser calls in `platform.rs`.

use flowmap_core::edit::ops::{self, Clipboard};
use flowmap_core::{Model, Point};
use leptos::ev;
use leptos::html::{Div, Input};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::board::Board;
use crate::canvas::{
    self, BoundaryView, FlowView, Gesture, Index, Layers, NodeView, PaletteItem, Viewport,
};
use crate::editor::EditorState;
use crate::inspector::Inspector;
use crate::keyed::Keyed;
use crate::platform::{self, PickedFile};
use crate::session::{
    self, doc_blocks, plural, Block, Checked, ControlGroup, Failure, FindingRow, Problem,
    TEMPLATES, VERSION,
};
use flowmap_core::edit::ops::End;
use flowmap_core::Rect;

/// Which dialog is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    None,
    Templates,
    Help,
    /// The import report of another tool's file (`Ui::importing`).
    Import,
}

/// The editor's UI state, shared through context. Selection, viewport and gestures are
/// ephemeral: never in the history.
#[derive(Clone, Copy)]
pub struct Ui {
    pub editor: EditorState,
    pub selection: RwSignal<Vec<String>>,
    /// Where the user looks: pan and zoom, in effect at once.
    pub viewport: RwSignal<Viewport>,
    /// The viewport the canvas is drawn at. During a wheel or drag pan `viewport` runs ahead
    /// and the drawing follows by compositing (a CSS transform, [`Viewport::css_from`]); it is
    /// drawn again at `viewport` once the gesture rests ([`Ui::glide`]).
    pub drawn: RwSignal<Viewport>,
    gliding: StoredValue<Option<TimeoutHandle>>,
    /// The canvas size in pixels, for what is in view.
    pub size: RwSignal<(f64, f64)>,
    /// What is drawn: the elements in or near the view, on the canvas or, while a gesture moves
    /// them, on the layer above it.
    pub layers: Memo<Layers>,
    /// Zoomed in enough, or few enough nodes in view, to draw every element with its texts,
    /// labels and markers; otherwise the canvas is an overview sketch ([`canvas::DETAIL_ZOOM`]).
    pub detail: Memo<bool>,
    pub gesture: RwSignal<Gesture>,
    pub index: Memo<Index>,
    /// The findings of the model as of its last check (see [`Ui::schedule_check`]).
    pub checked: RwSignal<Checked>,
    /// The semantic revision `checked` was computed at.
    checked_at: StoredValue<u64>,
    /// The live check, which reuses what the previous check computed.
    live_check: StoredValue<session::Live>,
    /// Flows of the witness path of the finding being looked at.
    pub highlight: RwSignal<Vec<String>>,
    /// The finding whose details are open.
    pub expanded: RwSignal<Option<String>>,
    pub snapping: RwSignal<bool>,
    /// Space is held (drag pans).
    pub space: RwSignal<bool>,
    /// The element whose label is being edited in place.
    pub renaming: RwSignal<Option<String>>,
    pub dialog: RwSignal<Dialog>,
    pub failure: RwSignal<Option<Failure>>,
    pub dark: RwSignal<bool>,
    pub clipboard: StoredValue<Option<Clipboard>>,
    pub canvas_el: NodeRef<leptos::svg::Svg>,
    /// The board: the canvas's untransformed box, for screen ↔ canvas coordinates.
    pub board_el: NodeRef<Div>,
    pub file_input: NodeRef<Input>,
    // Per-element state (see keyed.rs): what each canvas element reads, so that a change
    // notifies only the elements it touches.
    pub node_views: Keyed<Option<NodeView>>,
    pub flow_views: Keyed<Option<FlowView>>,
    pub boundary_views: Keyed<Option<BoundaryView>>,
    /// Drag offsets of moving nodes and boundaries.
    pub offsets: Keyed<(f64, f64)>,
    pub selected: Keyed<bool>,
    pub highlighted: Keyed<bool>,
    pub markers: Keyed<Option<session::Marker>>,
    /// Where each flow's label sits along its line ([`canvas::place_labels`]), kept up to
    /// date only while labels are drawn (zoomed in).
    pub label_spots: Keyed<Option<f64>>,
    /// A flow end being dragged (reconnect) and where it is.
    pub flow_ends: Keyed<Option<(End, Point)>>,
    /// A boundary being resized and its rectangle so far.
    pub resizing: Keyed<Option<Rect>>,
    /// An import waiting in its dialog to be accepted.
    pub importing: RwSignal<Option<crate::import_dialog::Preview>>,
    /// Compare with…: the baseline and what differs from it.
    pub compare: crate::compare::Compare,
}

impl Ui {
    fn new(editor: EditorState) -> Ui {
        let index = Memo::new(move |previous: Option<&Index>| {
            editor.with_model(|m| Index::update(m, previous))
        });
        let mut live_check = session::Live::default();
        let checked = RwSignal::new(
            editor.with_model_untracked(|m| live_check.check(m, Some(platform::today()))),
        );
        let drawn = RwSignal::new(Viewport::default());
        let size = RwSignal::new((1000.0, 700.0));
        let gesture = RwSignal::new(Gesture::Idle);
        // What a gesture moves (only what changes then: not on every pointer move).
        let live = Memo::new(move |_| gesture.with(Gesture::live));
        let layers = Memo::new(move |_| {
            let (w, h) = size.get();
            let area = drawn.with(|v| v.area(w, h, VIEW_MARGIN));
            live.with(|live| index.with(|i| Layers::of(i, area, live)))
        });
        Ui {
            editor,
            selection: RwSignal::new(Vec::new()),
            viewport: RwSignal::new(Viewport::default()),
            drawn,
            gliding: StoredValue::new(None),
            size,
            layers,
            detail: Memo::new(move |_| {
                drawn.with(|v| v.zoom >= canvas::DETAIL_ZOOM)
                    || layers.with(|l| l.still.nodes.len() + l.live.nodes.len())
                        <= canvas::DETAIL_NODES
            }),
            gesture,
            index,
            checked,
            live_check: StoredValue::new(live_check),
            checked_at: StoredValue::new(editor.with_doc_untracked(|d| d.semantic_revision())),
            highlight: RwSignal::new(Vec::new()),
            expanded: RwSignal::new(None),
            snapping: RwSignal::new(true),
            space: RwSignal::new(false),
            renaming: RwSignal::new(None),
            dialog: RwSignal::new(Dialog::None),
            failure: RwSignal::new(None),
            dark: RwSignal::new(platform::prefers_dark()),
            clipboard: StoredValue::new(None),
            canvas_el: NodeRef::new(),
            board_el: NodeRef::new(),
            file_input: NodeRef::new(),
            node_views: Keyed::new(),
            flow_views: Keyed::new(),
            boundary_views: Keyed::new(),
            offsets: Keyed::new(),
            selected: Keyed::new(),
            highlighted: Keyed::new(),
            markers: Keyed::new(),
            label_spots: Keyed::new(),
            flow_ends: Keyed::new(),
            resizing: Keyed::new(),
            importing: RwSignal::new(None),
            compare: crate::compare::Compare::new(),
        }
    }

    /// Keeps the per-element signals in step with their sources.
    fn sync_elements(&self) {
        let ui = *self;
        Effect::new(move |_| {
            ui.index.with(|i| {
                for (id, v) in &i.nodes {
                    ui.node_views.set_some(id, v);
                }
                for (id, v) in &i.flows {
                    ui.flow_views.set_some(id, v);
                }
                for (id, v) in &i.boundaries {
                    ui.boundary_views.set_some(id, v);
                }
                for id in ui.node_views.ids() {
                    if !i.nodes.contains_key(&id) {
                        ui.node_views.set(&id, None);
                    }
                }
                for id in ui.flow_views.ids() {
                    if !i.flows.contains_key(&id) {
                        ui.flow_views.set(&id, None);
                    }
                }
                for id in ui.boundary_views.ids() {
                    if !i.boundaries.contains_key(&id) {
                        ui.boundary_views.set(&id, None);
                    }
                }
            });
        });
        let flags = |source: RwSignal<Vec<String>>, target: Keyed<bool>| {
            Effect::new(move |previous: Option<Vec<String>>| {
                let now = source.get();
                let set: std::collections::HashSet<&String> = now.iter().collect();
                for id in previous.iter().flatten() {
                    if !set.contains(id) {
                        target.set(id, false);
                    }
                }
                for id in &now {
                    target.set(id, true);
                }
                now
            });
        };
        // Label placement looks at every flow: done only while labels are drawn.
        Effect::new(move |_| {
            if ui.detail.get() {
                for (id, t) in ui.index.with(canvas::place_labels) {
                    ui.label_spots.set(&id, Some(t));
                }
            }
        });
        flags(ui.selection, ui.selected);
        flags(ui.highlight, ui.highlighted);
        Effect::new(move |previous: Option<Vec<String>>| {
            ui.checked.with(|c| {
                for id in previous.iter().flatten() {
                    if !c.markers.contains_key(id) {
                        ui.markers.set(id, None);
                    }
                }
                for (id, m) in &c.markers {
                    ui.markers.set(id, Some(*m));
                }
                c.markers.keys().cloned().collect()
            })
        });
    }

    /// Checks the model again after every change a check can see (moving things changes no
    /// finding: the semantic revision stays). A discrete edit (`edit`, undo, redo) checks at
    /// once, so that the frame that shows it shows its findings; any other change (the end of
    /// a drag, open, restore) is checked once the frame that shows it is drawn, so that a drop
    /// stays cheap and its findings follow in the next task.
    fn schedule_check(&self) {
        let ui = *self;
        Effect::new(move |_| {
            if ui.editor.semantic_revision() != ui.checked_at.get_value() {
                platform::after_next_paint(move || ui.check_now());
            }
        });
    }

    /// Checks the model now, unless its findings are current.
    pub fn check_now(&self) {
        let semantic = self.editor.with_doc_untracked(|d| d.semantic_revision());
        if self.checked_at.try_get_value() != Some(semantic) {
            let today = Some(platform::today());
            let Some(checked) = self.live_check.try_update_value(|live| {
                self.editor.with_model_untracked(|m| live.check(m, today))
            }) else {
                return;
            };
            self.checked_at.set_value(semantic);
            self.checked.set(checked);
        }
    }

    /// Ends a gesture's transient display (offsets, dragged ends, resize frames).
    pub fn clear_transient(&self, gesture: &Gesture) {
        match gesture {
            Gesture::Move { moving, .. } => {
                for id in moving {
                    self.offsets.set(id, (0.0, 0.0));
                }
            }
            Gesture::Reconnect { flow, .. } => self.flow_ends.set(flow, None),
            Gesture::Resize { id, .. } => self.resizing.set(id, None),
            _ => {}
        }
    }

    /// Applies an edit (a core operation on the current model) as one undo step.
    pub fn edit(&self, f: impl FnOnce(&Model) -> Option<Model>) {
        self.editor.update(|d| {
            if let Some(next) = f(d.model()) {
                d.commit(next);
            }
        });
        self.prune_selection();
        self.check_now();
    }

    fn prune_selection(&self) {
        let kept = self
            .editor
            .with_model_untracked(|m| self.selection.with_untracked(|s| canvas::existing(m, s)));
        if self.selection.with_untracked(|s| s.len() != kept.len()) {
            self.selection.set(kept);
        }
    }

    /// The canvas's box in the page (the board's: the canvas itself moves while gliding):
    /// left, top, width, height.
    pub fn canvas_box(&self) -> (f64, f64, f64, f64) {
        self.board_el
            .get_untracked()
            .map(|el| platform::element_rect(&el))
            .unwrap_or((0.0, 0.0, 1000.0, 700.0))
    }

    /// Takes the canvas size from the page (mount, window resize).
    pub fn measure(&self) {
        let (_, _, w, h) = self.canvas_box();
        if self.size.get_untracked() != (w, h) {
            self.size.set((w, h));
        }
    }

    /// Pans or zooms in a gesture (wheel, drag to pan): the view changes at once by
    /// compositing, and the canvas is drawn at it when the gesture has rested [`GLIDE_REST`] ms.
    pub fn glide(&self, f: impl FnOnce(&mut Viewport)) {
        let ui = *self;
        self.gliding.update_value(|timer| {
            if let Some(t) = timer.take() {
                t.clear();
            }
            *timer = set_timeout_with_handle(move || ui.settle(), GLIDE_REST).ok();
        });
        self.viewport.update(f);
    }

    /// Changes the view at once (fit, zoom buttons and keys, reveal): the canvas is drawn at
    /// the new view in the same update, never first at the old one.
    pub fn view(&self, f: impl FnOnce(&mut Viewport)) {
        self.gliding.update_value(|timer| {
            if let Some(t) = timer.take() {
                t.clear();
            }
        });
        self.viewport.update(f);
        self.drawn.set(self.viewport.get_untracked());
    }

    fn settle(&self) {
        self.gliding.update_value(|timer| {
            timer.take();
        });
        self.drawn.set(self.viewport.get_untracked());
    }

    /// A page point in canvas units.
    pub fn to_canvas(self, client_x: f64, client_y: f64) -> Point {
        let (left, top, _, _) = self.canvas_box();
        self.viewport
            .with_untracked(|v| v.to_canvas(client_x - left, client_y - top))
    }

    pub fn undo(&self) {
        self.editor.update(|d| {
            d.undo();
        });
        self.prune_selection();
        self.check_now();
    }

    pub fn redo(&self) {
        self.editor.update(|d| {
            d.redo();
        });
        self.prune_selection();
        self.check_now();
    }

    pub fn delete_selection(&self) {
        let ids = self.selection.get_untracked();
        if !ids.is_empty() {
            self.edit(|m| Some(ops::delete(m, &ids)));
        }
    }

    pub fn duplicate(&self) {
        let ids = self.selection.get_untracked();
        if ids.is_empty() {
            return;
        }
        let mut fresh = Vec::new();
        self.edit(|m| {
            let (next, new_ids) = ops::duplicate(m, &ids);
            fresh = new_ids;
            Some(next)
        });
        self.selection.set(fresh);
    }

    pub fn copy(&self) {
        let ids = self.selection.get_untracked();
        if !ids.is_empty() {
            let clip = self.editor.with_model_untracked(|m| ops::copy(m, &ids));
            self.clipboard.set_value(Some(clip));
        }
    }

    pub fn paste(&self) {
        let Some(clip) = self.clipboard.get_value() else {
            return;
        };
        let mut fresh = Vec::new();
        self.edit(|m| {
            let (next, new_ids) = ops::paste(m, &clip, 32.0, 32.0);
            fresh = new_ids;
            Some(next)
        });
        self.selection.set(fresh);
        // The next paste lands a step further.
        self.clipboard.update_value(|c| {
            if let Some(c) = c {
                for p in c.node_layout.values_mut() {
                    p.x += 32.0;
                    p.y += 32.0;
                }
                for r in c.boundary_layout.values_mut() {
                    r.x += 32.0;
                    r.y += 32.0;
                }
            }
        });
    }

    pub fn select_all(&self) {
        let all = self.editor.with_model_untracked(canvas::all_ids);
        self.selection.set(all);
    }

    /// Places a palette item at a canvas point (the viewport centre when `None`).
    pub fn place(&self, item: PaletteItem, at: Option<Point>) {
        let at = at.unwrap_or_else(|| {
            let (_, _, w, h) = self.canvas_box();
            self.viewport.with_untracked(|v| v.centre(w, h))
        });
        let snapping = self.snapping.get_untracked();
        let mut placed = String::new();
        self.edit(|m| {
            let (next, id) = item.place(m, at, snapping);
            placed = id;
            Some(next)
        });
        self.selection.set(vec![placed]);
    }

    pub fn zoom_by(&self, factor: f64) {
        let (_, _, w, h) = self.canvas_box();
        self.view(|v| v.zoom_at(w / 2.0, h / 2.0, factor));
    }

    pub fn zoom_to_fit(&self) {
        let (_, _, w, h) = self.canvas_box();
        let bounds = self.index.with_untracked(|i| i.bounds);
        if self
            .index
            .with_untracked(|i| i.node_ids.is_empty() && i.boundary_ids.is_empty())
        {
            self.view(|v| *v = Viewport::default());
        } else {
            self.view(|v| v.fit(bounds, w, h));
        }
    }

    /// Pans an element into view.
    pub fn reveal(&self, ids: &[String]) {
        let (_, _, w, h) = self.canvas_box();
        if let Some(rect) = self.index.with_untracked(|i| i.rect_of(ids)) {
            self.view(|v| v.reveal(rect, w, h));
        }
    }

    /// Replaces the model (Open, New, templates); the previous one stays one undo away.
    pub fn replace(&self, model: Model) {
        self.editor.replace(model);
        self.selection.set(Vec::new());
        self.highlight.set(Vec::new());
        self.failure.set(None);
        self.zoom_to_fit();
    }

    pub fn open_bytes(&self, name: &str, bytes: &[u8]) {
        match session::load(name, bytes) {
            Ok(model) => {
                // A model that loaded is UTF-8 JSON.
                self.compare
                    .remember(name, String::from_utf8_lossy(bytes).into_owned());
                self.replace(model)
            }
            Err(_) if !crate::import_dialog::is_flowmap(name, bytes) => {
                crate::import_dialog::start(*self, name.to_owned(), bytes.to_vec())
            }
            Err(failure) => self.failure.set(Some(failure)),
        }
    }

    pub fn save(&self) {
        let (name, text) = self
            .editor
            .with_model_untracked(|m| (session::file_name(m), flowmap_core::to_file_json(m)));
        match platform::download_text(&name, &text, "application/json") {
            Ok(()) => self.compare.remember(&name, text),
            Err(e) => self.failure.set(Some(session::unreadable(&name, &e))),
        }
    }

    pub fn open_chooser(&self) {
        if let Some(input) = self.file_input.get_untracked() {
            platform::open_file_chooser(&input);
        }
    }

    /// Looks at a finding: selects its subject, pans to it and highlights its witness path.
    pub fn focus_finding(&self, row: &FindingRow) {
        let exists = self.editor.with_model_untracked(|m| {
            !canvas::existing(m, std::slice::from_ref(&row.subject_id)).is_empty()
        });
        let mut look: Vec<String> = row.path.clone();
        if exists {
            self.selection.set(vec![row.subject_id.clone()]);
            look.push(row.subject_id.clone());
        }
        self.highlight.set(row.path.clone());
        self.reveal(&look);
    }
}

/// How long a wheel or pan gesture rests before the canvas is drawn at its view.
const GLIDE_REST: std::time::Duration = std::time::Duration::from_millis(150);

/// What is drawn around the view, in view sizes on every side: a pan by compositing of up to
/// half a view finds the canvas drawn.
const VIEW_MARGIN: f64 = 0.5;

/// Reads a picked file and opens it.
fn load_file(file: PickedFile, ui: Ui) {
    let name = file.name();
    spawn_local(async move {
        match file.read().await {
            Ok(bytes) => ui.open_bytes(&name, &bytes),
            Err(reason) => ui.failure.set(Some(session::unreadable(&name, &reason))),
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    // Empty until the autosave is read (persist.rs): it restores the last work, or starts with
    // the worked example; no template shows first.
    let editor = EditorState::new(session::empty_model());
    provide_context(editor);
    let ui = Ui::new(editor);
    provide_context(ui);
    ui.sync_elements();
    ui.schedule_check();
    crate::compare::watch(ui);
    let autosave = crate::persist::provide_autosave();
    // Fit the view to what the autosave restored (or the example it started with).
    Effect::new(move |was: Option<bool>| {
        let settled = autosave.settled();
        if settled && was == Some(false) {
            ui.zoom_to_fit();
        }
        settled
    });

    Effect::new(move |_| platform::set_theme(if ui.dark.get() { "dark" } else { "light" }));
    // Selection and highlights follow the model (undo may remove what was selected).
    Effect::new(move |_| {
        ui.editor.revision();
        ui.prune_selection();
    });

    install_shortcuts(ui);

    let dragging = RwSignal::new(false);
    view! {
        <div
            class="shell"
            class:dragging=move || dragging.get()
            on:dragenter=move |ev| {
                platform::accept_drag(&ev);
                dragging.set(true);
            }
            on:dragover=move |ev| platform::accept_drag(&ev)
            on:dragleave=move |ev| {
                if platform::drag_left_window(&ev) {
                    dragging.set(false);
                }
            }
            on:drop=move |ev| {
                dragging.set(false);
                if let Some(file) = platform::take_dropped_file(&ev) {
                    load_file(file, ui);
                }
            }
        >
            <Toolbar />
            <div class="workspace">
                <Palette />
                <main class="stage">
                    <crate::persist::RecoveryNotice />
                    <crate::persist::SharedNotice />
                    {move || ui.failure.get().map(|f| view! { <ErrorPanel failure=f /> })}
                    <crate::compare::CompareBanner />
                    <Board />
                </main>
                <div class="side">
                    <Inspector />
                    <FindingsPanel />
                </div>
            </div>
            {move || match ui.dialog.get() {
                Dialog::None => ().into_any(),
                Dialog::Templates => view! { <TemplatesDialog /> }.into_any(),
                Dialog::Help => view! { <HelpDialog /> }.into_any(),
                Dialog::Import => view! { <crate::import_dialog::ImportDialog /> }.into_any(),
            }}
            <div class="drop-overlay" aria-hidden="true">
                <p>"Drop a Flowmap model to open it, or another tool's model to import it"</p>
            </div>
        </div>
    }
}

fn install_shortcuts(ui: Ui) {
    let _ = window_event_listener(ev::keydown, move |ev| {
        if platform::typing_in_field(&ev) {
            return;
        }
        let key = ev.key();
        let command = ev.ctrl_key() || ev.meta_key();
        let shift = ev.shift_key();
        let mut handled = true;
        match key.as_str() {
            "Escape" => {
                if ui.dialog.get_untracked() != Dialog::None {
                    ui.dialog.set(Dialog::None);
                } else if ui.gesture.with_untracked(|g| *g != Gesture::Idle) {
                    let gesture = ui.gesture.get_untracked();
                    ui.gesture.set(Gesture::Idle);
                    ui.clear_transient(&gesture);
                    ui.editor.update(|d| d.end_gesture());
                } else {
                    ui.selection.set(Vec::new());
                    ui.highlight.set(Vec::new());
                }
            }
            _ if ui.dialog.get_untracked() != Dialog::None => handled = false,
            "Delete" | "Backspace" => ui.delete_selection(),
            "z" | "Z" if command && shift => ui.redo(),
            "z" | "Z" if command => ui.undo(),
            "y" | "Y" if command => ui.redo(),
            "a" | "A" if command => ui.select_all(),
            "d" | "D" if command => ui.duplicate(),
            "c" | "C" if command => ui.copy(),
            "v" | "V" if command => ui.paste(),
            "s" | "S" if command => ui.save(),
            "o" | "O" if command => ui.open_chooser(),
            "+" | "=" if !command => ui.zoom_by(1.2),
            "-" | "_" if !command => ui.zoom_by(1.0 / 1.2),
            "0" if !command && !shift => ui.view(|v| {
                let (_, _, w, h) = ui.canvas_box();
                v.zoom_at(w / 2.0, h / 2.0, 1.0 / v.zoom);
            }),
            "!" => ui.zoom_to_fit(),
            "1" if shift => ui.zoom_to_fit(),
            "?" => ui.dialog.set(Dialog::Help),
            "g" | "G" if !command => ui.snapping.update(|s| *s = !*s),
            " " => ui.space.set(true),
            "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" => {
                let ids = ui.selection.get_untracked();
                let step = if shift {
                    canvas::GRID * 4.0
                } else {
                    canvas::GRID
                };
                let (dx, dy) = match key.as_str() {
                    "ArrowLeft" => (-step, 0.0),
                    "ArrowRight" => (step, 0.0),
                    "ArrowUp" => (0.0, -step),
                    _ => (0.0, step),
                };
                if ids.is_empty() {
                    ui.view(|v| {
                        v.x -= dx * 4.0;
                        v.y -= dy * 4.0;
                    });
                } else {
                    ui.edit(|m| Some(ops::move_by(m, &ids, dx, dy)));
                }
            }
            _ => handled = false,
        }
        if handled {
            ev.prevent_default();
        }
    });
    let _ = window_event_listener(ev::keyup, move |ev| {
        if ev.key() == " " {
            ui.space.set(false);
        }
    });
}

#[component]
fn Toolbar() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let can_undo = move || ui.editor.with_doc(|d| d.can_undo());
    let can_redo = move || ui.editor.with_doc(|d| d.can_redo());
    let name = move || ui.editor.with_model(|m| m.name.clone());
    view! {
        <header class="toolbar">
            <div class="brand">
                <Logo />
                <span class="brand-name">"Flowmap"</span>
            </div>
            <span class="model-title" title="Model name (edit it in the inspector with nothing selected)">
                {name}
            </span>
            <crate::persist::AutosaveStatus />
            <nav class="tools" aria-label="Editor">
                <div class="tool-group">
                    <button type="button" class="tool" data-action="new" title="New empty model"
                        on:click=move |_| ui.replace(session::empty_model())>"New"</button>
                    <button type="button" class="tool" data-action="open" title="Open a .flowmap.json file, or import a Threat Dragon, OTM or other tool's model (Ctrl+O)"
                        on:click=move |_| ui.open_chooser()>"Open…"</button>
                    <button type="button" class="tool" data-action="save" title="Download the model (Ctrl+S)"
                        on:click=move |_| ui.save()>"Save"</button>
                    <button type="button" class="tool" data-action="templates" title="Templates"
                        on:click=move |_| ui.dialog.set(Dialog::Templates)>"Templates"</button>
                    <crate::export_menu::ExportMenu />
                    <crate::compare::CompareMenu />
                    <input
                        node_ref=ui.file_input
                        data-open=""
                        class="visually-hidden"
                        type="file"
                        tabindex="-1"
                        aria-label="Open a Flowmap model, or another tool's model to import"
                        accept=".json,.flowmap.json,.yaml,.yml,.otm,application/json"
                        on:change=move |ev| {
                            if let Some(file) = platform::take_chosen_file(&ev) {
                                load_file(file, ui);
                            }
                        }
                    />
                </div>
                <div class="tool-group">
                    <button type="button" class="tool icon" data-action="undo" title="Undo (Ctrl+Z)" aria-label="Undo"
                        prop:disabled=move || !can_undo() on:click=move |_| ui.undo()>"↶"</button>
                    <button type="button" class="tool icon" data-action="redo" title="Redo (Ctrl+Shift+Z)" aria-label="Redo"
                        prop:disabled=move || !can_redo() on:click=move |_| ui.redo()>"↷"</button>
                </div>
                <div class="tool-group">
                    <button type="button" class="tool" data-action="auto-layout" title="Lay the diagram out afresh (undoable)"
                        on:click=move |_| { ui.edit(|m| Some(ops::auto_layout(m))); ui.zoom_to_fit(); }>"Auto-layout"</button>
                    <button type="button" class="tool icon" title="Zoom out (-)" aria-label="Zoom out"
                        on:click=move |_| ui.zoom_by(1.0 / 1.2)>"−"</button>
                    <span class="zoom-level">{move || format!("{:.0}%", ui.viewport.with(|v| v.zoom) * 100.0)}</span>
                    <button type="button" class="tool icon" title="Zoom in (+)" aria-label="Zoom in"
                        on:click=move |_| ui.zoom_by(1.2)>"+"</button>
                    <button type="button" class="tool" data-action="zoom-fit" title="Zoom to fit (Shift+1)"
                        on:click=move |_| ui.zoom_to_fit()>"Fit"</button>
                    <label class="tool toggle" title="Snap to grid (G)">
                        <input type="checkbox" prop:checked=move || ui.snapping.get()
                            on:change=move |ev| ui.snapping.set(event_target_checked(&ev)) />
                        "Snap"
                    </label>
                </div>
                <div class="tool-group end">
                    <button type="button" class="tool icon" data-action="help" title="Keyboard shortcuts (?)" aria-label="Help"
                        on:click=move |_| ui.dialog.set(Dialog::Help)>"?"</button>
                    <button type="button" class="tool icon" data-action="theme" aria-label="Toggle dark theme"
                        title=move || if ui.dark.get() { "Light theme" } else { "Dark theme" }
                        on:click=move |_| ui.dark.update(|d| *d = !*d)>
                        {move || if ui.dark.get() { "☀" } else { "☾" }}
                    </button>
                </div>
            </nav>
        </header>
    }
}

#[component]
fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="5" cy="6" r="2.6" />
            <circle cx="19" cy="6" r="2.6" />
            <circle cx="12" cy="18" r="2.6" />
            <path d="M7.4 7.3 10.4 15.6M16.6 7.3 13.6 15.6M7.6 6h8.8" />
        </svg>
    }
}

#[component]
fn Palette() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <aside class="palette" aria-label="Palette">
            {PaletteItem::ALL
                .into_iter()
                .map(|item| {
                    view! {
                        <button
                            type="button"
                            class="palette-item"
                            data-palette=item.key()
                            title=format!("{}: click to place, or drag onto the canvas", item.label())
                            on:pointerdown=move |ev| {
                                if ev.button() != 0 {
                                    return;
                                }
                                ev.prevent_default();
                                ui.gesture.set(Gesture::Place {
                                    item,
                                    at: None,
                                    sx: f64::from(ev.client_x()),
                                    sy: f64::from(ev.client_y()),
                                    moved: false,
                                });
                            }
                            on:click=move |ev| {
                                // Keyboard activation (pointer clicks are handled on pointer-up).
                                if ev.detail() == 0 {
                                    ui.place(item, None);
                                }
                            }
                        >
                            <svg class="palette-icon" viewBox="0 0 48 30" aria-hidden="true">
                                <PaletteIcon item=item />
                            </svg>
                            <span>{item.label()}</span>
                        </button>
                    }
                })
                .collect_view()}
        </aside>
    }
}

#[component]
fn PaletteIcon(item: PaletteItem) -> impl IntoView {
    let rect = flowmap_core::Rect {
        x: 3.0,
        y: 4.0,
        w: 42.0,
        h: 22.0,
    };
    match item {
        PaletteItem::Node(kind) => {
            let outline = flowmap_core::diagram::node_outline(kind, rect);
            let class = format!("shape kind-{kind}");
            view! {
                <path d=outline.body class=class.clone() />
                {outline
                    .details
                    .into_iter()
                    .filter(|_| kind != flowmap_core::NodeKind::Actor)
                    .map(|d| view! { <path d=d class=format!("{class} detail") /> })
                    .collect_view()}
            }
            .into_any()
        }
        PaletteItem::Boundary => view! {
            <rect x="3" y="3" width="42" height="24" rx="4" class="palette-boundary" />
        }
        .into_any(),
    }
}

#[component]
fn ErrorPanel(failure: Failure) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let headline = failure.headline();
    view! {
        <section class="error-panel" role="alert" data-load-errors="">
            <div class="error-head">
                <h2>
                    "Could not load " <span class="file-name">{failure.source}</span> " — "
                    {headline}
                </h2>
                <button type="button" class="button quiet" on:click=move |_| ui.failure.set(None)>
                    "Dismiss"
                </button>
            </div>
            <ul class="problems">
                {failure.problems.into_iter().map(|p| view! { <ProblemItem problem=p /> }).collect_view()}
            </ul>
            <p class="error-kept">"Your current work is unchanged."</p>
        </section>
    }
}

#[component]
fn ProblemItem(problem: Problem) -> impl IntoView {
    let location = problem.location();
    let pointer = (!problem.pointer.is_empty()).then_some(problem.pointer);
    view! {
        <li class="problem">
            {location.map(|l| view! { <span class="problem-location">{l}</span> })}
            {pointer.map(|p| view! { <code class="problem-pointer">{p}</code> })}
            <span class="problem-message">{problem.message}</span>
        </li>
    }
}

#[component]
fn FindingsPanel() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let summary = move || ui.checked.with(|c| c.summary.clone());
    // Only the severities present: groups re-render when one appears or goes, not per edit.
    let severities = Memo::new(move |_| {
        ui.checked
            .with(|c| c.groups.iter().map(|g| g.severity).collect::<Vec<_>>())
    });
    let waived = move || ui.checked.with(|c| c.waived);
    view! {
        <section class="findings-panel" data-findings="" aria-label="Findings">
            <header class="panel-head">
                <h2>"Findings"</h2>
                <ul class="summary" data-summary="" aria-label="Open findings by severity">
                    {move || {
                        summary()
                            .into_iter()
                            .map(|c| {
                                let sev = c.severity.as_str();
                                view! {
                                    <li class=format!("summary-item sev-{sev}") class:zero=c.count == 0 title=sev>
                                        <span class="summary-count" data-count=sev>{c.count}</span>
                                        <span class="summary-label">{sev}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </header>
            <div class="findings-scroll">
                <crate::compare::ComparedFindings />
                {move || {
                    let w = waived();
                    (w > 0).then(|| view! {
                        <p class="waived-note">{plural(w, "finding is", "findings are")} " waived and not counted."</p>
                    })
                }}
                {move || {
                    let groups = severities.get();
                    if groups.is_empty() {
                        view! { <p class="no-findings">"No findings. Every check passed."</p> }.into_any()
                    } else {
                        groups
                            .into_iter()
                            .map(|severity| view! { <FindingGroup severity=severity /> })
                            .collect_view()
                            .into_any()
                    }
                }}
            </div>
        </section>
    }
}

/// How many findings a group lists before "Show more".
const PAGE: usize = 100;

/// One severity's findings: a keyed list (only changed rows re-render), paged so that a model
/// with thousands of findings stays fast.
#[component]
fn FindingGroup(severity: flowmap_core::Severity) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let shown = RwSignal::new(PAGE);
    let sev = severity.as_str();
    let total = Memo::new(move |_| {
        ui.checked.with(|c| {
            c.groups
                .iter()
                .find(|g| g.severity == severity)
                .map_or(0, |g| g.findings.len())
        })
    });
    let rows = move || {
        let limit = shown.get();
        ui.checked.with(|c| {
            c.groups
                .iter()
                .find(|g| g.severity == severity)
                .map(|g| g.findings.iter().take(limit).cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    view! {
        <section class=format!("group sev-{sev}")>
            <h3 class="group-title">
                <span class="sev-dot"></span>
                <span class="group-name">{sev}</span>
                <span class="group-count">{move || total.get()}</span>
            </h3>
            <ul class="findings">
                <For each=rows key=|f| f.row_key.clone() children=move |f| view! { <FindingItem finding=f /> } />
            </ul>
            {move || (total.get() > shown.get()).then(|| view! {
                <button type="button" class="button quiet show-more" on:click=move |_| shown.update(|s| *s += PAGE * 5)>
                    {format!("Show {} more", total.get() - shown.get())}
                </button>
            })}
        </section>
    }
}

#[component]
fn FindingItem(finding: FindingRow) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let key = finding.key.clone();
    let key_open = key.clone();
    let open = Memo::new(move |_| {
        ui.expanded
            .with(|e| e.as_deref() == Some(key_open.as_str()))
    });
    let row = StoredValue::new(finding.clone());
    let sev = finding.severity.as_str();
    let attr_key = key.clone();
    view! {
        <li class=format!("finding sev-{sev}") class:waived=finding.waived class:open=move || open.get() data-finding=attr_key>
            <button
                type="button"
                class="finding-head"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| {
                    let now_open = open.get_untracked();
                    ui.expanded.set(if now_open { None } else { Some(key.clone()) });
                    row.with_value(|r| ui.focus_finding(r));
                }
            >
                <span class="sev-dot"></span>
                <code class="rule-id">{finding.rule}</code>
                <span class="finding-message">{finding.message.clone()}</span>
                {finding.waived.then(|| view! { <span class="waived-badge">"waived"</span> })}
            </button>
            {move || open.get().then(|| view! { <FindingDetails finding=row.get_value() /> })}
        </li>
    }
}

#[component]
fn FindingDetails(finding: FindingRow) -> impl IntoView {
    let rule = flowmap_core::rules::find(finding.rule);
    let docs = rule.map(|r| doc_blocks(&r.docs())).unwrap_or_default();
    let witness = finding.witness.clone().map(|w| {
        view! {
            <dt>"Path"</dt>
            <dd class="witness"><code>{w}</code></dd>
        }
    });
    let controls = (!finding.controls.is_empty()).then(|| {
        view! {
            <dt>"Controls"</dt>
            <dd>
                <ul class="controls">
                    {finding.controls.clone().into_iter().map(|g| view! { <ControlGroupItem group=g /> }).collect_view()}
                </ul>
            </dd>
        }
    });
    let waiving = RwSignal::new(false);
    let can_waive = !finding.waived && finding.subject_kind != "model";
    let row = StoredValue::new(finding.clone());
    view! {
        <div class="finding-details">
            <dl class="details">
                <dt>"Rule"</dt>
                <dd><code>{finding.rule}</code> " " {finding.name}</dd>
                <dt>"Subject"</dt>
                <dd>{finding.subject_kind} " " <code>{finding.subject_id.clone()}</code></dd>
                {witness}
                {controls}
            </dl>
            {can_waive.then(|| view! {
                <div class="finding-actions">
                    <button type="button" class="button" data-waive=""
                        on:click=move |_| waiving.update(|w| *w = !*w)>"Waive…"</button>
                </div>
            })}
            {move || waiving.get().then(|| view! { <WaiveForm finding=row.get_value() done=waiving /> })}
            <details class="rule-docs">
                <summary>"About this rule"</summary>
                <div class="docs">{docs.into_iter().map(render_block).collect_view()}</div>
            </details>
        </div>
    }
}

fn render_block(block: Block) -> AnyView {
    match block {
        Block::Heading(h) => view! { <h4>{h}</h4> }.into_any(),
        Block::Paragraph(p) => view! { <p>{p}</p> }.into_any(),
        Block::Item(i) => view! { <p class="doc-item">"• " {i}</p> }.into_any(),
        Block::Code(c) => view! { <pre><code>{c}</code></pre> }.into_any(),
    }
}

#[component]
fn WaiveForm(finding: FindingRow, done: RwSignal<bool>) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let reason = RwSignal::new(String::new());
    let approver = RwSignal::new(String::new());
    let expires = RwSignal::new(platform::days_from_today(90).to_string());
    let error = RwSignal::new(None::<String>);
    let rule = finding.rule;
    let subject = finding.subject_id.clone();
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let result = ui.editor.with_model_untracked(|m| {
            session::waive(
                m,
                rule,
                &subject,
                &reason.get_untracked(),
                &approver.get_untracked(),
                &expires.get_untracked(),
            )
        });
        match result {
            Ok(settings) => {
                ui.edit(|m| Some(ops::update_settings(m, settings)));
                done.set(false);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <form class="waive-form" on:submit=submit>
            <label>"Reason"
                <input type="text" name="reason" required=true
                    on:change=move |ev| reason.set(event_target_value(&ev)) />
            </label>
            <label>"Approved by"
                <input type="text" name="approved_by" required=true
                    on:change=move |ev| approver.set(event_target_value(&ev)) />
            </label>
            <label>"Expires"
                <input type="date" name="expires" prop:value=move || expires.get()
                    on:change=move |ev| expires.set(event_target_value(&ev)) />
            </label>
            {move || error.get().map(|e| view! { <p class="form-error">{e}</p> })}
            <div class="form-actions">
                <button type="submit" class="button primary">"Add waiver"</button>
                <button type="button" class="button quiet" on:click=move |_| done.set(false)>"Cancel"</button>
            </div>
        </form>
    }
}

#[component]
fn ControlGroupItem(group: ControlGroup) -> impl IntoView {
    view! {
        <li class="control-group">
            <span class="framework">{group.framework}</span>
            {group
                .ids
                .into_iter()
                .map(|id| view! { <code class="control" title=id.full>{id.short}</code> })
                .collect_view()}
        </li>
    }
}

#[component]
fn TemplatesDialog() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <div class="dialog-backdrop" on:click=move |_| ui.dialog.set(Dialog::None)>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="templates-title"
                on:click=|ev| ev.stop_propagation()>
                <header class="dialog-head">
                    <h2 id="templates-title">"Templates"</h2>
                    <button type="button" class="button quiet" on:click=move |_| ui.dialog.set(Dialog::None)>"Close"</button>
                </header>
                <div class="template-grid">
                    {TEMPLATES
                        .iter()
                        .map(|t| {
                            let key = t.key;
                            view! {
                                <button type="button" class="template-card" data-template=key
                                    on:click=move |_| {
                                        if let Some(model) = session::template(key) {
                                            ui.replace(model);
                                        }
                                        ui.dialog.set(Dialog::None);
                                    }>
                                    <strong>{t.title}</strong>
                                    <span>{t.blurb}</span>
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            </div>
        </div>
    }
}

const SHORTCUTS: &[(&str, &str)] = &[
    (
        "Click palette item",
        "Place at the centre (or drag it onto the canvas)",
    ),
    ("Drag a node", "Move (the whole selection moves together)"),
    (
        "Drag a node's ● handle",
        "Connect to another node (new flow)",
    ),
    ("Drag a flow's end", "Reconnect it"),
    (
        "Double-click a label",
        "Rename in place (Enter commits, Esc cancels)",
    ),
    (
        "Shift / Ctrl + click",
        "Add to or remove from the selection",
    ),
    ("Drag on empty canvas", "Rubber-band selection"),
    ("Ctrl+A", "Select all"),
    ("Delete / Backspace", "Delete the selection"),
    ("Ctrl+D", "Duplicate"),
    ("Ctrl+C / Ctrl+V", "Copy / paste"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("Arrow keys", "Nudge the selection (Shift: 4×)"),
    ("Space + drag, middle drag, wheel", "Pan"),
    ("Ctrl + wheel, + / -", "Zoom"),
    ("Shift+1", "Zoom to fit"),
    ("0", "Zoom to 100 %"),
    ("G", "Snap to grid on/off"),
    ("Ctrl+O / Ctrl+S", "Open / save a file"),
    ("?", "This help"),
    ("Esc", "Clear the selection, close dialogs"),
];

#[component]
fn HelpDialog() -> impl IntoView {
    let ui = expect_context::<Ui>();
    view! {
        <div class="dialog-backdrop" on:click=move |_| ui.dialog.set(Dialog::None)>
            <div class="dialog help" role="dialog" aria-modal="true" aria-labelledby="help-title" data-help=""
                on:click=|ev| ev.stop_propagation()>
                <header class="dialog-head">
                    <h2 id="help-title">"Keyboard and mouse"</h2>
                    <button type="button" class="button quiet" on:click=move |_| ui.dialog.set(Dialog::None)>"Close"</button>
                </header>
                <table class="shortcuts">
                    <tbody>
                        {SHORTCUTS
                            .iter()
                            .map(|(k, what)| view! { <tr><th><kbd>{*k}</kbd></th><td>{*what}</td></tr> })
                            .collect_view()}
                    </tbody>
                </table>
                <p class="help-note">
                    "Flowmap " {VERSION} " runs entirely in your browser; nothing is uploaded. "
                    "Findings update as you draw."
                </p>
            </div>
        </div>
    }
}
