//! Editing: operations → diffs → history. The editor's only way to change a model.
//!
//! As in tldraw, a model is seen as records keyed by id (nodes, flows, boundaries, their layout
//! entries, and one settings record); an edit is a function from a model to a new model, and
//! what it changed is a [`Diff`] computed by comparing records. Undo applies the reversed diff:
//! there is no hand-written inverse per operation. One gesture (a drag) is one history step:
//! diffs pushed while a gesture is open are squashed into one. Selection and viewport are not
//! part of the model and never reach the history.
//!
//! New ids are chosen deterministically from the model ([`fresh_id`]), never at random.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::layout::{NODE_HEIGHT, NODE_WIDTH};
use crate::model::{
    Boundary, BoundaryKind, DataClass, Flow, Model, Narrative, Node, NodeKind, Point, Rect,
    RuleSetting, Waiver,
};

/// The model-wide fields, edited as one record.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub name: String,
    pub description: Option<String>,
    pub classes: Vec<DataClass>,
    pub rules: BTreeMap<String, RuleSetting>,
    pub waivers: Vec<Waiver>,
    pub narratives: Vec<Narrative>,
}

impl Settings {
    pub fn of(model: &Model) -> Settings {
        Settings {
            name: model.name.clone(),
            description: model.description.clone(),
            classes: model.classes.clone(),
            rules: model.rules.clone(),
            waivers: model.waivers.clone(),
            narratives: model.narratives.clone(),
        }
    }

    fn write(self, model: &mut Model) {
        model.name = self.name;
        model.description = self.description;
        model.classes = self.classes;
        model.rules = self.rules;
        model.waivers = self.waivers;
        model.narratives = self.narratives;
    }
}

/// One changed record: its value before and after, with its position in its array (nodes,
/// flows and boundaries keep their order across undo).
// Variants differ in size (a node is larger than a point); diffs hold a handful of changes, so
// boxing every record would cost more than it saves.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    Node {
        before: Option<(usize, Node)>,
        after: Option<(usize, Node)>,
    },
    Flow {
        before: Option<(usize, Flow)>,
        after: Option<(usize, Flow)>,
    },
    Boundary {
        before: Option<(usize, Boundary)>,
        after: Option<(usize, Boundary)>,
    },
    NodeLayout {
        id: String,
        before: Option<Point>,
        after: Option<Point>,
    },
    BoundaryLayout {
        id: String,
        before: Option<Rect>,
        after: Option<Rect>,
    },
    Settings {
        before: Box<Settings>,
        after: Box<Settings>,
    },
}

/// What an edit changed. Applying it to the model before the edit gives the model after it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    pub changes: Vec<Change>,
}

fn swap<T>(before: &mut Option<T>, after: &mut Option<T>) {
    std::mem::swap(before, after);
}

/// The ids of the records a diff touches: what an editor must redraw after it. A node whose
/// position changed is in `nodes`, a boundary whose frame changed in `boundaries`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    pub nodes: Vec<String>,
    pub flows: Vec<String>,
    pub boundaries: Vec<String>,
    /// The model-wide record (name, classes, rules, waivers, narratives) changed.
    pub settings: bool,
    /// A node, flow or boundary was added or removed.
    pub added_or_removed: bool,
}

impl Touched {
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
            && self.flows.is_empty()
            && self.boundaries.is_empty()
            && !self.settings
    }
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The ids this diff touches (each once, in the order of the diff).
    pub fn touched(&self) -> Touched {
        let mut touched = Touched::default();
        let push = |list: &mut Vec<String>, id: &str| {
            if !list.iter().any(|x| x == id) {
                list.push(id.to_owned());
            }
        };
        for change in &self.changes {
            match change {
                Change::Node { before, after } => {
                    touched.added_or_removed |= before.is_none() || after.is_none();
                    let id = before.as_ref().or(after.as_ref()).map(|(_, n)| &n.id);
                    push(&mut touched.nodes, id.map_or("", String::as_str));
                }
                Change::Flow { before, after } => {
                    touched.added_or_removed |= before.is_none() || after.is_none();
                    let id = before.as_ref().or(after.as_ref()).map(|(_, f)| &f.id);
                    push(&mut touched.flows, id.map_or("", String::as_str));
                }
                Change::Boundary { before, after } => {
                    touched.added_or_removed |= before.is_none() || after.is_none();
                    let id = before.as_ref().or(after.as_ref()).map(|(_, b)| &b.id);
                    push(&mut touched.boundaries, id.map_or("", String::as_str));
                }
                Change::NodeLayout { id, .. } => push(&mut touched.nodes, id),
                Change::BoundaryLayout { id, .. } => push(&mut touched.boundaries, id),
                Change::Settings { .. } => touched.settings = true,
            }
        }
        touched
    }

    /// True when the diff moves or resizes things and changes nothing else: what a check reads
    /// is the same before and after (layout is not part of the analysis).
    pub fn layout_only(&self) -> bool {
        self.changes
            .iter()
            .all(|c| matches!(c, Change::NodeLayout { .. } | Change::BoundaryLayout { .. }))
    }

    /// The records that differ between two models.
    pub fn between(before: &Model, after: &Model) -> Diff {
        let mut changes = Vec::new();
        diff_ordered(
            &before.nodes,
            &after.nodes,
            |n| &n.id,
            &mut changes,
            |before, after| Change::Node { before, after },
        );
        diff_ordered(
            &before.flows,
            &after.flows,
            |f| &f.id,
            &mut changes,
            |before, after| Change::Flow { before, after },
        );
        diff_ordered(
            &before.boundaries,
            &after.boundaries,
            |b| &b.id,
            &mut changes,
            |before, after| Change::Boundary { before, after },
        );
        diff_map(
            &before.layout.nodes,
            &after.layout.nodes,
            &mut changes,
            |id, before, after| Change::NodeLayout { id, before, after },
        );
        diff_map(
            &before.layout.boundaries,
            &after.layout.boundaries,
            &mut changes,
            |id, before, after| Change::BoundaryLayout { id, before, after },
        );
        let (settings_before, settings_after) = (Settings::of(before), Settings::of(after));
        if settings_before != settings_after {
            changes.push(Change::Settings {
                before: Box::new(settings_before),
                after: Box::new(settings_after),
            });
        }
        Diff { changes }
    }

    /// The diff that undoes this one.
    pub fn reversed(&self) -> Diff {
        let changes = self
            .changes
            .iter()
            .cloned()
            .map(|mut change| {
                match &mut change {
                    Change::Node { before, after } => swap(before, after),
                    Change::Flow { before, after } => swap(before, after),
                    Change::Boundary { before, after } => swap(before, after),
                    Change::NodeLayout { before, after, .. } => swap(before, after),
                    Change::BoundaryLayout { before, after, .. } => swap(before, after),
                    Change::Settings { before, after } => std::mem::swap(before, after),
                }
                change
            })
            .collect();
        Diff { changes }
    }

    /// Applies the diff to the model it was computed from.
    pub fn apply(&self, model: &mut Model) {
        let mut nodes = Vec::new();
        let mut flows = Vec::new();
        let mut boundaries = Vec::new();
        for change in &self.changes {
            match change {
                Change::Node { before, after } => nodes.push((before.clone(), after.clone())),
                Change::Flow { before, after } => flows.push((before.clone(), after.clone())),
                Change::Boundary { before, after } => {
                    boundaries.push((before.clone(), after.clone()))
                }
                Change::NodeLayout { id, after, .. } => {
                    set_entry(&mut model.layout.nodes, id, *after)
                }
                Change::BoundaryLayout { id, after, .. } => {
                    set_entry(&mut model.layout.boundaries, id, *after)
                }
                Change::Settings { after, .. } => (**after).clone().write(model),
            }
        }
        apply_ordered(&mut model.nodes, nodes, |n| &n.id);
        apply_ordered(&mut model.flows, flows, |f| &f.id);
        apply_ordered(&mut model.boundaries, boundaries, |b| &b.id);
    }

    /// One diff with the effect of `self` then `next` (a gesture's steps squashed). Records
    /// that end where they started drop out.
    pub fn then(&self, next: &Diff) -> Diff {
        let mut merged: Vec<Change> = self.changes.clone();
        for change in &next.changes {
            let key = change_key(change);
            match merged.iter_mut().find(|c| change_key(c) == key) {
                None => merged.push(change.clone()),
                Some(existing) => match (existing, change) {
                    (Change::Node { after, .. }, Change::Node { after: next, .. }) => {
                        *after = next.clone()
                    }
                    (Change::Flow { after, .. }, Change::Flow { after: next, .. }) => {
                        *after = next.clone()
                    }
                    (Change::Boundary { after, .. }, Change::Boundary { after: next, .. }) => {
                        *after = next.clone()
                    }
                    (Change::NodeLayout { after, .. }, Change::NodeLayout { after: next, .. }) => {
                        *after = *next
                    }
                    (
                        Change::BoundaryLayout { after, .. },
                        Change::BoundaryLayout { after: next, .. },
                    ) => *after = *next,
                    (Change::Settings { after, .. }, Change::Settings { after: next, .. }) => {
                        *after = next.clone()
                    }
                    _ => unreachable!("keys match only within one kind of record"),
                },
            }
        }
        merged.retain(|change| match change {
            Change::Node { before, after } => before != after,
            Change::Flow { before, after } => before != after,
            Change::Boundary { before, after } => before != after,
            Change::NodeLayout { before, after, .. } => before != after,
            Change::BoundaryLayout { before, after, .. } => before != after,
            Change::Settings { before, after } => before != after,
        });
        Diff { changes: merged }
    }
}

fn change_key(change: &Change) -> (u8, &str) {
    match change {
        Change::Node { before, after } => (
            0,
            before
                .as_ref()
                .or(after.as_ref())
                .map_or("", |(_, n)| n.id.as_str()),
        ),
        Change::Flow { before, after } => (
            1,
            before
                .as_ref()
                .or(after.as_ref())
                .map_or("", |(_, f)| f.id.as_str()),
        ),
        Change::Boundary { before, after } => (
            2,
            before
                .as_ref()
                .or(after.as_ref())
                .map_or("", |(_, b)| b.id.as_str()),
        ),
        Change::NodeLayout { id, .. } => (3, id.as_str()),
        Change::BoundaryLayout { id, .. } => (4, id.as_str()),
        Change::Settings { .. } => (5, ""),
    }
}

fn set_entry<T: Copy>(map: &mut BTreeMap<String, T>, id: &str, value: Option<T>) {
    match value {
        Some(value) => {
            map.insert(id.to_owned(), value);
        }
        None => {
            map.remove(id);
        }
    }
}

type Ordered<T> = (Option<(usize, T)>, Option<(usize, T)>);

fn diff_ordered<T: Clone + PartialEq>(
    before: &[T],
    after: &[T],
    id: impl Fn(&T) -> &String,
    changes: &mut Vec<Change>,
    make: impl Fn(Option<(usize, T)>, Option<(usize, T)>) -> Change,
) {
    let old: HashMap<&String, (usize, &T)> = before
        .iter()
        .enumerate()
        .map(|(i, r)| (id(r), (i, r)))
        .collect();
    let new: HashMap<&String, (usize, &T)> = after
        .iter()
        .enumerate()
        .map(|(i, r)| (id(r), (i, r)))
        .collect();
    for (i, record) in before.iter().enumerate() {
        match new.get(id(record)) {
            None => changes.push(make(Some((i, record.clone())), None)),
            Some((j, now)) if *now != record => {
                changes.push(make(Some((i, record.clone())), Some((*j, (*now).clone()))))
            }
            Some(_) => {}
        }
    }
    for (j, record) in after.iter().enumerate() {
        if !old.contains_key(id(record)) {
            changes.push(make(None, Some((j, record.clone()))));
        }
    }
}

fn diff_map<T: Copy + PartialEq>(
    before: &BTreeMap<String, T>,
    after: &BTreeMap<String, T>,
    changes: &mut Vec<Change>,
    make: impl Fn(String, Option<T>, Option<T>) -> Change,
) {
    for (id, old) in before {
        match after.get(id) {
            Some(new) if new == old => {}
            new => changes.push(make(id.clone(), Some(*old), new.copied())),
        }
    }
    for (id, new) in after {
        if !before.contains_key(id) {
            changes.push(make(id.clone(), None, Some(*new)));
        }
    }
}

/// Removes what is gone, then inserts what is new at its recorded position (ascending), then
/// replaces what changed in place.
fn apply_ordered<T: Clone>(
    records: &mut Vec<T>,
    changes: Vec<Ordered<T>>,
    id: impl Fn(&T) -> &String,
) {
    if changes.is_empty() {
        return;
    }
    let removed: HashSet<String> = changes
        .iter()
        .filter(|(_, after)| after.is_none())
        .filter_map(|(b, _)| b.as_ref().map(|(_, r)| id(r).clone()))
        .collect();
    if !removed.is_empty() {
        records.retain(|r| !removed.contains(id(r)));
    }
    let mut inserted: Vec<(usize, T)> = changes
        .iter()
        .filter(|(before, _)| before.is_none())
        .filter_map(|(_, a)| a.clone())
        .collect();
    inserted.sort_by_key(|(at, _)| *at);
    for (at, record) in inserted {
        let at = at.min(records.len());
        records.insert(at, record);
    }
    let replaced: HashMap<String, T> = changes
        .into_iter()
        .filter(|(before, _)| before.is_some())
        .filter_map(|(_, after)| after.map(|(_, r)| (id(&r).clone(), r)))
        .collect();
    if !replaced.is_empty() {
        for record in records.iter_mut() {
            if let Some(new) = replaced.get(id(record)) {
                *record = new.clone();
            }
        }
    }
}

/// Undo and redo stacks of diffs. A gesture squashes its steps into one.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Diff>,
    redo: Vec<Diff>,
    gesture: Option<Diff>,
    /// Whether the last step applied (commit, undo or redo) changed only the layout.
    last_layout_only: bool,
    /// What the last step applied touched.
    last_touched: Touched,
}

/// How many steps are kept.
pub const HISTORY_LIMIT: usize = 500;

impl History {
    /// Applies an edit to the model and records it. Returns false (and records nothing) when
    /// the edit changed nothing.
    pub fn commit(&mut self, model: &mut Model, edited: Model) -> bool {
        let diff = Diff::between(model, &edited);
        if diff.is_empty() {
            return false;
        }
        *model = edited;
        self.last_layout_only = diff.layout_only();
        self.last_touched = diff.touched();
        self.record(diff);
        true
    }

    /// Records a diff that has already been applied.
    pub fn record(&mut self, diff: Diff) {
        self.redo.clear();
        match &mut self.gesture {
            Some(open) => *open = open.then(&diff),
            None => {
                self.undo.push(diff);
                if self.undo.len() > HISTORY_LIMIT {
                    self.undo.remove(0);
                }
            }
        }
    }

    /// Starts a gesture (a drag): everything recorded until [`Self::end_gesture`] is one step.
    pub fn begin_gesture(&mut self) {
        self.end_gesture();
        self.gesture = Some(Diff::default());
    }

    pub fn end_gesture(&mut self) {
        if let Some(diff) = self.gesture.take() {
            if !diff.is_empty() {
                self.record(diff);
            }
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Undoes the last step; returns false when there is none.
    pub fn undo(&mut self, model: &mut Model) -> bool {
        self.end_gesture();
        let Some(diff) = self.undo.pop() else {
            return false;
        };
        diff.reversed().apply(model);
        self.last_layout_only = diff.layout_only();
        self.last_touched = diff.touched();
        self.redo.push(diff);
        true
    }

    /// Redoes the last undone step; returns false when there is none.
    pub fn redo(&mut self, model: &mut Model) -> bool {
        let Some(diff) = self.redo.pop() else {
            return false;
        };
        diff.apply(model);
        self.last_layout_only = diff.layout_only();
        self.last_touched = diff.touched();
        self.undo.push(diff);
        true
    }

    /// Whether the last step applied (commit, undo or redo) moved or resized things and
    /// changed nothing else, so that findings computed before it still hold.
    pub fn last_layout_only(&self) -> bool {
        self.last_layout_only
    }

    /// The ids the last step applied (commit, undo or redo) touched: what to redraw.
    pub fn last_touched(&self) -> &Touched {
        &self.last_touched
    }
}

/// An id not used by any node, flow or boundary: `base`, else `base-2`, `base-3`, …
pub fn fresh_id(model: &Model, base: &str) -> String {
    let taken: HashSet<&str> = model
        .nodes
        .iter()
        .map(|n| n.id.as_str())
        .chain(model.flows.iter().map(|f| f.id.as_str()))
        .chain(model.boundaries.iter().map(|b| b.id.as_str()))
        .collect();
    fresh_among(&taken, base)
}

fn fresh_among(taken: &HashSet<&str>, base: &str) -> String {
    let base = slug(base);
    if !taken.contains(base.as_str()) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id.as_str()))
        .expect("some suffix is free")
}

/// A valid id from any text: lowercase ASCII letters and digits joined by `-`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let mut out: String = out.chars().take(60).collect();
    if out.is_empty() {
        out.push_str("item");
    }
    out
}

/// The editing operations. Each takes the current model and returns the edited one; the
/// caller commits it to a [`History`].
pub mod ops {
    use super::*;

    /// The innermost boundary whose layout rectangle contains a point (smallest area wins).
    pub fn boundary_at(model: &Model, at: Point) -> Option<String> {
        model
            .layout
            .boundaries
            .iter()
            .filter(|(_, r)| at.x >= r.x && at.x <= r.x + r.w && at.y >= r.y && at.y <= r.y + r.h)
            .min_by(|(a_id, a), (b_id, b)| {
                (a.w * a.h)
                    .total_cmp(&(b.w * b.h))
                    .then_with(|| a_id.cmp(b_id))
            })
            .map(|(id, _)| id.clone())
    }

    /// The centre of a node box whose top-left corner is `at`.
    pub fn centre(at: Point) -> Point {
        Point {
            x: at.x + NODE_WIDTH / 2.0,
            y: at.y + NODE_HEIGHT / 2.0,
        }
    }

    /// Adds a node of a kind centred on a point, inside the boundary under that point.
    pub fn add_node(model: &Model, kind: NodeKind, centre_at: Point) -> (Model, String) {
        let node = Node::new(fresh_id(model, kind.as_str()), default_name(kind), kind);
        let at = Point {
            x: centre_at.x - NODE_WIDTH / 2.0,
            y: centre_at.y - NODE_HEIGHT / 2.0,
        };
        add_node_at(model, node, at)
    }

    /// Adds a node (with a fresh id) whose box has its top-left corner at `at`, inside the
    /// boundary under the box's centre.
    fn add_node_at(model: &Model, node: Node, at: Point) -> (Model, String) {
        let mut next = model.clone();
        let id = node.id.clone();
        next.nodes.push(Node {
            boundary: boundary_at(model, centre(at)),
            ..node
        });
        next.layout.nodes.insert(id.clone(), at);
        (next, id)
    }

    pub fn default_name(kind: NodeKind) -> &'static str {
        match kind {
            NodeKind::Actor => "Actor",
            NodeKind::Service => "Service",
            NodeKind::Store => "Store",
            NodeKind::Queue => "Queue",
            NodeKind::External => "External",
        }
    }

    /// Adds a boundary with a rectangle; it nests in the boundary that contains its corner.
    pub fn add_boundary(model: &Model, kind: BoundaryKind, rect: Rect) -> (Model, String) {
        let mut next = model.clone();
        let id = fresh_id(model, kind.as_str());
        let parent = boundary_at(
            model,
            Point {
                x: rect.x,
                y: rect.y,
            },
        );
        next.boundaries.push(Boundary {
            id: id.clone(),
            name: format!(
                "{}{}",
                kind.as_str()[..1].to_uppercase(),
                &kind.as_str()[1..]
            ),
            kind,
            parent,
            region: None,
            description: None,
        });
        next.layout.boundaries.insert(id.clone(), rect);
        (next, id)
    }

    /// Adds a flow between two nodes. None when either end is missing or they are the same.
    pub fn add_flow(model: &Model, from: &str, to: &str) -> Option<(Model, String)> {
        if from == to || model.node(from).is_none() || model.node(to).is_none() {
            return None;
        }
        let mut next = model.clone();
        let id = fresh_id(model, &format!("{from}-to-{to}"));
        next.flows.push(Flow {
            id: id.clone(),
            from: from.to_owned(),
            to: to.to_owned(),
            name: String::new(),
            protocol: None,
            encrypted: false,
            tls_min: None,
            authenticated: false,
            monitored: false,
            data: Vec::new(),
            notes: None,
        });
        Some((next, id))
    }

    /// Which end of a flow.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum End {
        From,
        To,
    }

    /// Moves one end of a flow to another node.
    pub fn reconnect(model: &Model, flow: &str, end: End, node: &str) -> Option<Model> {
        let current = model.flow(flow)?;
        let other = match end {
            End::From => &current.to,
            End::To => &current.from,
        };
        if model.node(node).is_none() || node == other {
            return None;
        }
        let mut next = model.clone();
        let edited = next.flows.iter_mut().find(|f| f.id == flow)?;
        match end {
            End::From => edited.from = node.to_owned(),
            End::To => edited.to = node.to_owned(),
        }
        Some(next)
    }

    /// Moves nodes and boundaries by an offset; nodes join the boundary they land in, and a
    /// moved boundary carries its member nodes and nested boundaries along.
    pub fn move_by(model: &Model, ids: &[String], dx: f64, dy: f64) -> Model {
        let mut next = model.clone();
        let mut moved_nodes: HashSet<String> = HashSet::new();
        let mut moved_boundaries: HashSet<String> = HashSet::new();
        for id in ids {
            if model.node(id).is_some() {
                moved_nodes.insert(id.clone());
            } else if model.boundary(id).is_some() {
                for b in descendants(model, id) {
                    moved_boundaries.insert(b);
                }
            }
        }
        for node in &model.nodes {
            if node
                .boundary
                .as_ref()
                .is_some_and(|b| moved_boundaries.contains(b))
            {
                moved_nodes.insert(node.id.clone());
            }
        }
        for id in &moved_nodes {
            if let Some(p) = next.layout.nodes.get_mut(id) {
                p.x += dx;
                p.y += dy;
            }
        }
        for id in &moved_boundaries {
            if let Some(r) = next.layout.boundaries.get_mut(id) {
                r.x += dx;
                r.y += dy;
            }
        }
        // Membership follows geometry for nodes moved on their own (dropped into a boundary);
        // nodes carried by their boundary stay members of it.
        for id in ids.iter().filter(|id| model.node(id).is_some()) {
            let Some(at) = next.layout.nodes.get(id).copied() else {
                continue;
            };
            let boundary = boundary_at(&next, at);
            if let Some(node) = next.nodes.iter_mut().find(|n| &n.id == id) {
                node.boundary = boundary;
            }
        }
        next
    }

    /// A boundary and every boundary nested in it.
    pub fn descendants(model: &Model, id: &str) -> Vec<String> {
        let mut found = vec![id.to_owned()];
        let mut i = 0;
        while i < found.len() {
            let current = found[i].clone();
            for b in &model.boundaries {
                if b.parent.as_deref() == Some(current.as_str()) && !found.contains(&b.id) {
                    found.push(b.id.clone());
                }
            }
            i += 1;
        }
        found
    }

    /// Sets a boundary's rectangle (resize); nodes now inside it join it, nodes now outside
    /// leave it for the boundary under them.
    pub fn resize_boundary(model: &Model, id: &str, rect: Rect) -> Option<Model> {
        model.boundary(id)?;
        let mut next = model.clone();
        next.layout.boundaries.insert(
            id.to_owned(),
            Rect {
                w: rect.w.max(40.0),
                h: rect.h.max(40.0),
                ..rect
            },
        );
        let positions: Vec<(String, Point)> = next
            .layout
            .nodes
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        for (node_id, at) in positions {
            let boundary = boundary_at(&next, centre(at));
            if let Some(node) = next.nodes.iter_mut().find(|n| n.id == node_id) {
                node.boundary = boundary;
            }
        }
        Some(next)
    }

    /// Deletes elements. A node takes its flows with it; a boundary's members and children
    /// move to its parent. Waivers whose subject is gone are removed too.
    pub fn delete(model: &Model, ids: &[String]) -> Model {
        let mut next = model.clone();
        let gone: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let parent_of: HashMap<String, Option<String>> = model
            .boundaries
            .iter()
            .map(|b| (b.id.clone(), b.parent.clone()))
            .collect();
        // The nearest surviving ancestor of a deleted boundary.
        let surviving = |mut id: Option<String>| {
            let mut steps = 0;
            while let Some(current) = id.clone() {
                if !gone.contains(current.as_str()) || steps > parent_of.len() {
                    break;
                }
                id = parent_of.get(&current).cloned().flatten();
                steps += 1;
            }
            id
        };
        next.nodes.retain(|n| !gone.contains(n.id.as_str()));
        next.flows.retain(|f| {
            !gone.contains(f.id.as_str())
                && !gone.contains(f.from.as_str())
                && !gone.contains(f.to.as_str())
        });
        next.boundaries.retain(|b| !gone.contains(b.id.as_str()));
        for node in &mut next.nodes {
            node.boundary = surviving(node.boundary.take());
        }
        for boundary in &mut next.boundaries {
            boundary.parent = surviving(boundary.parent.take());
        }
        let alive: HashSet<String> = next
            .nodes
            .iter()
            .map(|n| n.id.clone())
            .chain(next.flows.iter().map(|f| f.id.clone()))
            .chain(next.boundaries.iter().map(|b| b.id.clone()))
            .collect();
        next.layout.nodes.retain(|id, _| alive.contains(id));
        next.layout.boundaries.retain(|id, _| alive.contains(id));
        next.waivers.retain(|w| alive.contains(&w.subject));
        next
    }

    /// What a copy holds: elements with their layout, self-contained.
    #[derive(Clone, Debug, Default, PartialEq)]
    pub struct Clipboard {
        pub nodes: Vec<Node>,
        pub flows: Vec<Flow>,
        pub boundaries: Vec<Boundary>,
        pub node_layout: BTreeMap<String, Point>,
        pub boundary_layout: BTreeMap<String, Rect>,
    }

    impl Clipboard {
        /// Moves what the clipboard holds by a step, so that each paste lands beside the
        /// previous one instead of on top of it.
        pub fn advance(&mut self, dx: f64, dy: f64) {
            for p in self.node_layout.values_mut() {
                p.x += dx;
                p.y += dy;
            }
            for r in self.boundary_layout.values_mut() {
                r.x += dx;
                r.y += dy;
            }
        }

        pub fn is_empty(&self) -> bool {
            self.nodes.is_empty() && self.boundaries.is_empty()
        }
    }

    /// Copies the selected elements (flows only when both ends are copied; boundaries with
    /// their nested boundaries and members).
    pub fn copy(model: &Model, ids: &[String]) -> Clipboard {
        let mut boundaries: HashSet<String> = HashSet::new();
        for id in ids.iter().filter(|id| model.boundary(id).is_some()) {
            boundaries.extend(descendants(model, id));
        }
        let nodes: HashSet<&str> = model
            .nodes
            .iter()
            .filter(|n| {
                ids.contains(&n.id) || n.boundary.as_ref().is_some_and(|b| boundaries.contains(b))
            })
            .map(|n| n.id.as_str())
            .collect();
        Clipboard {
            nodes: model
                .nodes
                .iter()
                .filter(|n| nodes.contains(n.id.as_str()))
                .cloned()
                .collect(),
            flows: model
                .flows
                .iter()
                .filter(|f| nodes.contains(f.from.as_str()) && nodes.contains(f.to.as_str()))
                .cloned()
                .collect(),
            boundaries: model
                .boundaries
                .iter()
                .filter(|b| boundaries.contains(&b.id))
                .cloned()
                .collect(),
            node_layout: model
                .layout
                .nodes
                .iter()
                .filter(|(id, _)| nodes.contains(id.as_str()))
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
            boundary_layout: model
                .layout
                .boundaries
                .iter()
                .filter(|(id, _)| boundaries.contains(*id))
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        }
    }

    /// Pastes a clipboard with fresh ids, offset by (dx, dy). Returns the new ids.
    pub fn paste(model: &Model, clip: &Clipboard, dx: f64, dy: f64) -> (Model, Vec<String>) {
        let mut next = model.clone();
        let mut taken: HashSet<String> = model
            .nodes
            .iter()
            .map(|n| n.id.clone())
            .chain(model.flows.iter().map(|f| f.id.clone()))
            .chain(model.boundaries.iter().map(|b| b.id.clone()))
            .collect();
        let mut renamed: HashMap<String, String> = HashMap::new();
        let fresh = |old: &str, taken: &mut HashSet<String>| {
            let refs: HashSet<&str> = taken.iter().map(String::as_str).collect();
            let id = fresh_among(&refs, old);
            taken.insert(id.clone());
            id
        };
        for b in &clip.boundaries {
            renamed.insert(b.id.clone(), fresh(&b.id, &mut taken));
        }
        for n in &clip.nodes {
            renamed.insert(n.id.clone(), fresh(&n.id, &mut taken));
        }
        for f in &clip.flows {
            renamed.insert(f.id.clone(), fresh(&f.id, &mut taken));
        }
        let map = |id: &Option<String>| {
            id.as_ref()
                .map(|id| renamed.get(id).cloned().unwrap_or_else(|| id.clone()))
        };
        let mut new_ids = Vec::new();
        for b in &clip.boundaries {
            let mut copy = b.clone();
            copy.id = renamed[&b.id].clone();
            copy.parent = map(&b.parent)
                .filter(|p| next.boundary(p).is_some() || renamed.values().any(|v| v == p));
            if let Some(r) = clip.boundary_layout.get(&b.id) {
                next.layout.boundaries.insert(
                    copy.id.clone(),
                    Rect {
                        x: r.x + dx,
                        y: r.y + dy,
                        ..*r
                    },
                );
            }
            new_ids.push(copy.id.clone());
            next.boundaries.push(copy);
        }
        for n in &clip.nodes {
            let mut copy = n.clone();
            copy.id = renamed[&n.id].clone();
            copy.boundary = map(&n.boundary).filter(|b| next.boundary(b).is_some());
            if let Some(p) = clip.node_layout.get(&n.id) {
                next.layout.nodes.insert(
                    copy.id.clone(),
                    Point {
                        x: p.x + dx,
                        y: p.y + dy,
                    },
                );
            }
            new_ids.push(copy.id.clone());
            next.nodes.push(copy);
        }
        for f in &clip.flows {
            let mut copy = f.clone();
            copy.id = renamed[&f.id].clone();
            copy.from = renamed[&f.from].clone();
            copy.to = renamed[&f.to].clone();
            new_ids.push(copy.id.clone());
            next.flows.push(copy);
        }
        (next, new_ids)
    }

    /// Copies and pastes in one step, offset so the copy is visible.
    pub fn duplicate(model: &Model, ids: &[String]) -> (Model, Vec<String>) {
        paste(model, &copy(model, ids), 24.0, 24.0)
    }

    /// Replaces a node (inspector edits); None when it does not exist.
    pub fn update_node(model: &Model, node: Node) -> Option<Model> {
        let mut next = model.clone();
        let at = next.nodes.iter().position(|n| n.id == node.id)?;
        next.nodes[at] = node;
        Some(next)
    }

    pub fn update_flow(model: &Model, flow: Flow) -> Option<Model> {
        let mut next = model.clone();
        let at = next.flows.iter().position(|f| f.id == flow.id)?;
        next.flows[at] = flow;
        Some(next)
    }

    pub fn update_boundary(model: &Model, boundary: Boundary) -> Option<Model> {
        let mut next = model.clone();
        let at = next.boundaries.iter().position(|b| b.id == boundary.id)?;
        next.boundaries[at] = boundary;
        Some(next)
    }

    /// What moves with a selection, as [`move_by`] moves it: the selected nodes, the selected
    /// boundaries with their nested boundaries, and the members of every moved boundary.
    pub fn moving_set(model: &Model, ids: &[String]) -> HashSet<String> {
        let mut moved: HashSet<String> = HashSet::new();
        let mut boundaries: HashSet<String> = HashSet::new();
        for id in ids {
            if model.node(id).is_some() {
                moved.insert(id.clone());
            } else if model.boundary(id).is_some() {
                boundaries.extend(descendants(model, id));
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

    /// Renames a node, flow or boundary. A node or boundary keeps its name when given none (a
    /// flow may have no name). None when nothing changes.
    pub fn rename(model: &Model, id: &str, name: &str) -> Option<Model> {
        let name = name.trim();
        if let Some(n) = model.node(id) {
            if name.is_empty() || n.name == name {
                return None;
            }
            update_node(
                model,
                Node {
                    name: name.to_owned(),
                    ..n.clone()
                },
            )
        } else if let Some(b) = model.boundary(id) {
            if name.is_empty() || b.name == name {
                return None;
            }
            update_boundary(
                model,
                Boundary {
                    name: name.to_owned(),
                    ..b.clone()
                },
            )
        } else {
            let f = model.flow(id)?;
            if f.name == name {
                return None;
            }
            update_flow(
                model,
                Flow {
                    name: name.to_owned(),
                    ..f.clone()
                },
            )
        }
    }

    /// Adds a waiver (accepted risk), replacing an earlier one for the same rule and subject.
    /// The error is a sentence for the form: a waiver names why and who approved it.
    pub fn waive(model: &Model, waiver: Waiver) -> Result<Model, String> {
        if waiver.reason.trim().is_empty() {
            return Err("Give a reason for accepting the risk.".into());
        }
        if waiver.approved_by.trim().is_empty() {
            return Err("Name who approved the waiver.".into());
        }
        let waiver = Waiver {
            reason: waiver.reason.trim().to_owned(),
            approved_by: waiver.approved_by.trim().to_owned(),
            ..waiver
        };
        let mut next = model.clone();
        next.waivers
            .retain(|w| !(w.rule == waiver.rule && w.subject == waiver.subject));
        next.waivers.push(waiver);
        Ok(next)
    }

    /// Rounds a coordinate to a grid (`None`: no snapping).
    pub fn snap(value: f64, grid: Option<f64>) -> f64 {
        match grid {
            Some(step) if step > 0.0 => (value / step).round() * step,
            _ => value,
        }
    }

    /// What the palette places.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Placeable {
        /// A plain node of a kind.
        Node(NodeKind),
        /// A node of a known technology: kind, name, technology, hosting and role set.
        Technology(&'static crate::technology::Technology),
        /// A boundary frame (a network, which the inspector changes).
        Boundary,
    }

    /// The size of a new boundary frame.
    pub const NEW_BOUNDARY: (f64, f64) = (320.0, 224.0);

    /// Places an item centred on a point, its corner snapped to `grid`, inside the boundary
    /// under it. Returns the edited model and the new id.
    pub fn place(model: &Model, item: Placeable, at: Point, grid: Option<f64>) -> (Model, String) {
        let kind = match item {
            Placeable::Node(kind) => kind,
            Placeable::Technology(t) => t.kind,
            Placeable::Boundary => {
                let (w, h) = NEW_BOUNDARY;
                let rect = Rect {
                    x: snap(at.x - w / 2.0, grid),
                    y: snap(at.y - h / 2.0, grid),
                    w,
                    h,
                };
                return add_boundary(model, BoundaryKind::Network, rect);
            }
        };
        let (w, h) = crate::diagram::node_size(kind);
        let corner = Point {
            x: snap(at.x - w / 2.0, grid),
            y: snap(at.y - h / 2.0, grid),
        };
        let node = match item {
            Placeable::Technology(t) => t.node(fresh_id(model, t.id)),
            _ => Node::new(fresh_id(model, kind.as_str()), default_name(kind), kind),
        };
        add_node_at(model, node, corner)
    }

    /// Connect-and-create: a new node placed at a point and a flow to it from `from`, in one
    /// step (dragging from a node's handle onto empty canvas). Returns the model, the node's
    /// id and the flow's id; None when `from` is not a node.
    pub fn add_connected_node(
        model: &Model,
        from: &str,
        item: Placeable,
        at: Point,
        grid: Option<f64>,
    ) -> Option<(Model, String, String)> {
        model.node(from)?;
        if item == Placeable::Boundary {
            return None;
        }
        let (placed, node) = place(model, item, at, grid);
        let (next, flow) = add_flow(&placed, from, &node)?;
        Some((next, node, flow))
    }

    /// Lays the whole diagram out afresh (membership unchanged); undoable like any edit.
    pub fn auto_layout(model: &Model) -> Model {
        crate::layout::with_auto_layout(model)
    }

    pub fn update_settings(model: &Model, settings: Settings) -> Model {
        let mut next = model.clone();
        settings.write(&mut next);
        next
    }
}

#[cfg(test)]
mod tests {
    use super::ops::*;
    use super::*;

    fn example() -> Model {
        crate::load_str(include_str!("../../examples/serverless-shop.flowmap.json")).unwrap()
    }

    #[test]
    fn undo_restores_exactly_and_redo_reapplies() {
        let original = example();
        let mut model = original.clone();
        let mut history = History::default();
        let (next, id) = add_node(&model, NodeKind::Store, Point { x: 680.0, y: 330.0 });
        assert!(history.commit(&mut model, next));
        assert_eq!(
            model.node(&id).unwrap().boundary.as_deref(),
            Some("vpc"),
            "dropped inside the VPC frame"
        );
        let after_add = model.clone();
        let next = delete(&model, &["checkout-fn".to_owned()]);
        assert!(history.commit(&mut model, next));
        assert!(model
            .flows
            .iter()
            .all(|f| f.from != "checkout-fn" && f.to != "checkout-fn"));
        assert!(history.undo(&mut model));
        assert_eq!(
            model, after_add,
            "node, its flows and their positions in the arrays come back"
        );
        assert!(history.undo(&mut model));
        assert_eq!(model, original);
        assert!(!history.undo(&mut model));
        assert!(history.redo(&mut model) && history.redo(&mut model));
        assert_eq!(model.nodes.len(), original.nodes.len());
        assert!(model.node("checkout-fn").is_none());
    }

    #[test]
    fn a_gesture_is_one_step() {
        let original = example();
        let mut model = original.clone();
        let mut history = History::default();
        history.begin_gesture();
        for _ in 0..10 {
            let next = move_by(&model, &["api".to_owned()], 5.0, 0.0);
            history.commit(&mut model, next);
        }
        history.end_gesture();
        assert_eq!(
            model.layout.nodes["api"].x,
            original.layout.nodes["api"].x + 50.0
        );
        assert!(history.undo(&mut model));
        assert_eq!(model, original);
        assert!(!history.can_undo());
    }

    #[test]
    fn history_tells_layout_only_steps_apart() {
        let mut model = example();
        let mut history = History::default();
        let api = model.node("api").unwrap().clone();
        // A small move keeps every membership: layout only.
        let next = move_by(&model, &["api".to_owned()], 16.0, 0.0);
        assert!(history.commit(&mut model, next));
        assert!(history.last_layout_only());
        assert_eq!(model.node("api").unwrap(), &api);
        // Dropped far outside its frames: the node leaves its boundary, which checks read.
        let next = move_by(&model, &["api".to_owned()], 20_000.0, 20_000.0);
        assert!(history.commit(&mut model, next));
        assert!(!history.last_layout_only());
        assert!(history.undo(&mut model) && !history.last_layout_only());
        assert!(history.undo(&mut model) && history.last_layout_only());
        assert!(history.redo(&mut model) && history.last_layout_only());
        let next = delete(&model, &["api".to_owned()]);
        assert!(history.commit(&mut model, next));
        assert!(!history.last_layout_only());
    }

    #[test]
    fn a_gesture_that_ends_where_it_started_records_nothing() {
        let mut model = example();
        let mut history = History::default();
        history.begin_gesture();
        let next = move_by(&model, &["api".to_owned()], 5.0, 0.0);
        history.commit(&mut model, next);
        let next = move_by(&model, &["api".to_owned()], -5.0, 0.0);
        history.commit(&mut model, next);
        history.end_gesture();
        assert!(!history.can_undo());
    }

    #[test]
    fn a_new_edit_clears_redo() {
        let mut model = example();
        let mut history = History::default();
        let next = move_by(&model, &["api".to_owned()], 5.0, 0.0);
        history.commit(&mut model, next);
        history.undo(&mut model);
        assert!(history.can_redo());
        let next = move_by(&model, &["cdn".to_owned()], 5.0, 0.0);
        history.commit(&mut model, next);
        assert!(!history.can_redo());
    }

    #[test]
    fn moving_a_boundary_carries_its_members_and_nested_boundaries() {
        let model = example();
        let moved = move_by(&model, &["aws-prod".to_owned()], 10.0, 20.0);
        assert_eq!(
            moved.layout.boundaries["vpc"].x,
            model.layout.boundaries["vpc"].x + 10.0
        );
        assert_eq!(
            moved.layout.nodes["orders-db"].y,
            model.layout.nodes["orders-db"].y + 20.0
        );
        assert_eq!(
            moved.node("orders-db").unwrap().boundary.as_deref(),
            Some("vpc")
        );
        assert_eq!(
            moved.layout.nodes["customer"],
            model.layout.nodes["customer"]
        );
    }

    #[test]
    fn dragging_a_node_out_of_a_frame_changes_its_membership() {
        let model = example();
        let moved = move_by(&model, &["orders-db".to_owned()], 0.0, 2000.0);
        assert_eq!(moved.node("orders-db").unwrap().boundary, None);
        let back = move_by(&moved, &["orders-db".to_owned()], 0.0, -2000.0);
        assert_eq!(
            back.node("orders-db").unwrap().boundary.as_deref(),
            Some("vpc")
        );
    }

    #[test]
    fn duplicate_gives_fresh_ids_and_keeps_internal_flows() {
        let model = example();
        let ids = vec![
            "notify-fn".to_owned(),
            "receipts".to_owned(),
            "store-receipt".to_owned(),
        ];
        let (next, new_ids) = duplicate(&model, &ids);
        assert_eq!(new_ids, ["notify-fn-2", "receipts-2", "store-receipt-2"]);
        let flow = next.flow("store-receipt-2").unwrap();
        assert_eq!(
            (flow.from.as_str(), flow.to.as_str()),
            ("notify-fn-2", "receipts-2")
        );
        assert_eq!(
            next.layout.nodes["receipts-2"].x,
            model.layout.nodes["receipts"].x + 24.0
        );
        let text = crate::to_file_json(&next);
        crate::load_str(&text).expect("a duplicated model is valid");
    }

    #[test]
    fn copying_a_boundary_copies_its_contents_and_paste_is_valid() {
        let model = example();
        let clip = copy(&model, &["vpc".to_owned()]);
        assert!(clip.nodes.iter().any(|n| n.id == "orders-db"));
        assert!(clip.flows.iter().any(|f| f.id == "write-order"));
        assert!(
            !clip.flows.iter().any(|f| f.id == "order-placed"),
            "order-events is outside the VPC"
        );
        let (pasted, ids) = paste(&model, &clip, 0.0, 1000.0);
        assert!(ids.contains(&"vpc-2".to_owned()));
        assert_eq!(
            pasted.node("orders-db-2").unwrap().boundary.as_deref(),
            Some("vpc-2")
        );
        crate::load_str(&crate::to_file_json(&pasted)).expect("valid after paste");
    }

    #[test]
    fn deleting_a_boundary_moves_its_members_to_its_parent() {
        let model = example();
        let next = delete(&model, &["vpc".to_owned()]);
        assert_eq!(
            next.node("orders-db").unwrap().boundary.as_deref(),
            Some("aws-prod")
        );
        crate::load_str(&crate::to_file_json(&next)).expect("valid after delete");
    }

    #[test]
    fn flows_connect_and_reconnect_between_distinct_nodes() {
        let model = example();
        assert!(add_flow(&model, "api", "api").is_none());
        assert!(add_flow(&model, "api", "nowhere").is_none());
        let (next, id) = add_flow(&model, "api", "orders-db").unwrap();
        assert_eq!(id, "api-to-orders-db");
        let moved = reconnect(&next, &id, End::To, "orders-cache").unwrap();
        assert_eq!(moved.flow(&id).unwrap().to, "orders-cache");
        assert!(
            reconnect(&next, &id, End::To, "api").is_none(),
            "no flow to itself"
        );
    }

    #[test]
    fn slugs_and_fresh_ids() {
        assert_eq!(slug("Orders DB (prod)"), "orders-db-prod");
        assert_eq!(slug("  ¿?  "), "item");
        let model = example();
        assert_eq!(fresh_id(&model, "api"), "api-2");
        assert_eq!(fresh_id(&model, "New thing"), "new-thing");
    }

    #[test]
    fn auto_layout_is_one_undoable_step() {
        let original = example();
        let mut model = original.clone();
        let mut history = History::default();
        let next = auto_layout(&model);
        assert!(history.commit(&mut model, next));
        assert_ne!(model.layout, original.layout);
        assert_eq!(crate::model_sha256(&model), crate::model_sha256(&original));
        history.undo(&mut model);
        assert_eq!(model, original);
    }

    #[test]
    fn settings_edits_are_undoable() {
        let original = example();
        let mut model = original.clone();
        let mut history = History::default();
        let mut settings = Settings::of(&model);
        settings.name = "Renamed".into();
        let next = update_settings(&model, settings);
        history.commit(&mut model, next);
        assert_eq!(model.name, "Renamed");
        history.undo(&mut model);
        assert_eq!(model, original);
    }

    #[test]
    fn moving_a_boundary_moves_its_members_and_nested_frames() {
        let model = example();
        let set = moving_set(&model, &["aws-prod".to_owned()]);
        assert!(set.contains("vpc") && set.contains("orders-db") && set.contains("api"));
        assert!(!set.contains("customer"));
        let moved = move_by(&model, &["aws-prod".to_owned()], 16.0, 0.0);
        for id in &set {
            let before = model.layout.nodes.get(id).map(|p| p.x);
            let after = moved.layout.nodes.get(id).map(|p| p.x);
            assert_eq!(
                after,
                before.map(|x| x + 16.0),
                "{id} moves as the set says"
            );
        }
    }

    #[test]
    fn renaming_keeps_a_node_named_and_changes_only_the_name() {
        let model = example();
        assert!(
            rename(&model, "api", "   ").is_none(),
            "a node keeps its name"
        );
        assert!(rename(&model, "api", &model.node("api").unwrap().name).is_none());
        let renamed = rename(&model, "api", "  Edge API ").unwrap();
        assert_eq!(renamed.node("api").unwrap().name, "Edge API");
        assert_eq!(Diff::between(&model, &renamed).changes.len(), 1);
        let flow = &model.flows[0].id;
        assert_eq!(
            rename(&model, flow, "").unwrap().flow(flow).unwrap().name,
            ""
        );
        assert!(rename(&model, "nowhere", "x").is_none());
    }

    #[test]
    fn a_waiver_needs_a_reason_and_an_approver_and_replaces_its_predecessor() {
        let model = example();
        let waiver = |reason: &str, by: &str| Waiver {
            rule: "LOG-002".into(),
            subject: "checkout".into(),
            reason: reason.into(),
            approved_by: by.into(),
            expires: crate::Date::parse("2030-01-31").unwrap(),
        };
        assert!(waive(&model, waiver(" ", "CISO")).is_err());
        assert!(waive(&model, waiver("Edge logs", "")).is_err());
        let once = waive(&model, waiver(" Edge logs ", "CISO")).unwrap();
        let twice = waive(&once, waiver("Still edge logs", "CTO")).unwrap();
        let mine: Vec<&Waiver> = twice
            .waivers
            .iter()
            .filter(|w| w.rule == "LOG-002" && w.subject == "checkout")
            .collect();
        assert_eq!(mine.len(), 1);
        assert_eq!(
            (mine[0].reason.as_str(), mine[0].approved_by.as_str()),
            ("Still edge logs", "CTO")
        );
        assert_eq!(once.waivers.last().unwrap().reason, "Edge logs");
    }

    #[test]
    fn placing_snaps_and_a_technology_sets_what_it_is() {
        let model = example();
        let lambda = crate::technology::find("aws-lambda").unwrap();
        let inside_vpc = Point { x: 680.0, y: 330.0 };
        let (next, id) = place(
            &model,
            Placeable::Technology(lambda),
            inside_vpc,
            Some(16.0),
        );
        assert_eq!(id, "aws-lambda");
        let node = next.node(&id).unwrap();
        assert_eq!(
            (
                node.kind,
                node.hosting,
                node.technology.as_deref(),
                node.name.as_str()
            ),
            (
                NodeKind::Service,
                Some(crate::Hosting::Serverless),
                Some("aws-lambda"),
                "AWS Lambda"
            )
        );
        assert_eq!(node.boundary.as_deref(), Some("vpc"));
        let at = next.layout.nodes[&id];
        assert_eq!((at.x % 16.0, at.y % 16.0), (0.0, 0.0), "snapped");
        let (again, second) = place(&next, Placeable::Technology(lambda), inside_vpc, None);
        assert_eq!(second, "aws-lambda-2");
        crate::load_str(&crate::to_file_json(&again)).expect("valid");
        let (framed, frame) = place(&model, Placeable::Boundary, inside_vpc, Some(16.0));
        assert_eq!(framed.layout.boundaries[&frame].w, NEW_BOUNDARY.0);
        let (plain, store) = place(&model, Placeable::Node(NodeKind::Store), inside_vpc, None);
        assert_eq!(plain.node(&store).unwrap().name, "Store");
    }

    #[test]
    fn connect_and_create_is_one_step() {
        let original = example();
        let mut model = original.clone();
        let mut history = History::default();
        let (next, node, flow) = add_connected_node(
            &model,
            "api",
            Placeable::Node(NodeKind::Service),
            Point {
                x: 3000.0,
                y: 3000.0,
            },
            Some(16.0),
        )
        .unwrap();
        assert!(history.commit(&mut model, next));
        let f = model.flow(&flow).unwrap();
        assert_eq!((f.from.as_str(), f.to.as_str()), ("api", node.as_str()));
        assert!(model.node(&node).unwrap().boundary.is_none());
        assert!(history.undo(&mut model));
        assert_eq!(model, original);
        assert!(add_connected_node(
            &model,
            "nowhere",
            Placeable::Node(NodeKind::Store),
            Point { x: 0.0, y: 0.0 },
            None
        )
        .is_none());
    }

    #[test]
    fn each_paste_lands_a_step_further() {
        let model = example();
        let mut clip = copy(&model, &["api".to_owned()]);
        let (first, a) = paste(&model, &clip, 0.0, 0.0);
        clip.advance(32.0, 32.0);
        let (second, b) = paste(&first, &clip, 0.0, 0.0);
        let (pa, pb) = (first.layout.nodes[&a[0]], second.layout.nodes[&b[0]]);
        assert_eq!((pb.x - pa.x, pb.y - pa.y), (32.0, 32.0));
        assert!(!clip.is_empty() && Clipboard::default().is_empty());
    }

    #[test]
    fn history_knows_what_each_step_touched() {
        let mut model = example();
        let mut history = History::default();
        let next = move_by(&model, &["api".to_owned()], 16.0, 0.0);
        history.commit(&mut model, next);
        assert_eq!(history.last_touched().nodes, ["api"]);
        assert!(!history.last_touched().added_or_removed);
        let next = delete(&model, &["checkout-fn".to_owned()]);
        history.commit(&mut model, next);
        let touched = history.last_touched().clone();
        assert!(touched.added_or_removed && touched.nodes == ["checkout-fn"]);
        assert!(touched.flows.len() >= 2, "its flows go with it");
        history.undo(&mut model);
        assert_eq!(
            history.last_touched(),
            &touched,
            "undo touches the same records"
        );
        let mut settings = Settings::of(&model);
        settings.name = "Renamed".into();
        let next = update_settings(&model, settings);
        history.commit(&mut model, next);
        assert!(history.last_touched().settings && history.last_touched().nodes.is_empty());
    }
}
