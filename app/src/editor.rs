//! The editor's document state: the model, its undo history and a revision counter.
//!
//! # API for other parts of the app (autosave/restore in `persist.rs`)
//!
//! The app provides one [`EditorState`] (a `Copy` newtype over signals) with
//! `provide_context` at the root; get it with `expect_context::<EditorState>()` or
//! `use_context::<EditorState>()`.
//!
//! - [`EditorState::revision`] → `u64`: increments on **every** model change (edit, undo, redo,
//!   open, new, restore). Reactive: reading it inside an `Effect` re-runs the effect on change.
//!   [`EditorState::revision_untracked`] reads without subscribing.
//! - [`EditorState::with_model`] `(|m: &Model| …)`: reads the current model (reactive, tracks
//!   the revision); [`EditorState::model_untracked`] returns a clone without subscribing.
//! - [`EditorState::restore`] `(model: Model)`: replaces the model (e.g. from an autosave) as a
//!   fresh document: history cleared, revision incremented, models without layout laid out.
//!   [`EditorState::replace`] does the same but keeps the previous model reachable by undo.
//!
//! [`Document`] is the plain-Rust part (no signals), tested on the host.

use flowmap_core::edit::History;
use flowmap_core::Model;
use leptos::prelude::*;

/// The model being edited, its history, and how many times it changed.
#[derive(Clone, Debug, Default)]
pub struct Document {
    model: Model,
    history: History,
    revision: u64,
    /// Increments on every change that is not only layout: what checks depend on.
    semantic: u64,
    /// Increments when another model replaces this one (New, Open, a template, an import):
    /// a new document, autosaved under its own key (`crate::persist`).
    generation: u64,
}

impl Document {
    /// A fresh document (empty history) for a model; a model without layout is laid out.
    pub fn new(model: Model) -> Document {
        Document {
            model: with_layout(model),
            history: History::default(),
            revision: 0,
            semantic: 0,
            generation: 0,
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// See the field: which document this is, as a count of replacements.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Like [`Self::revision`], but a step that only moves or resizes things leaves it alone:
    /// findings computed at one semantic revision hold for all its revisions.
    pub fn semantic_revision(&self) -> u64 {
        self.semantic
    }

    fn changed(&mut self, changed: bool) -> bool {
        if changed {
            self.revision += 1;
            if !self.history.last_layout_only() {
                self.semantic += 1;
            }
        }
        changed
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Commits an edited model (the result of a `flowmap_core::edit::ops` function) as one
    /// history step. Returns false when nothing changed.
    pub fn commit(&mut self, edited: Model) -> bool {
        let changed = self.history.commit(&mut self.model, edited);
        self.changed(changed)
    }

    pub fn undo(&mut self) -> bool {
        let changed = self.history.undo(&mut self.model);
        self.changed(changed)
    }

    pub fn redo(&mut self) -> bool {
        let changed = self.history.redo(&mut self.model);
        self.changed(changed)
    }

    /// Starts a gesture: commits until [`Self::end_gesture`] are one undo step.
    pub fn begin_gesture(&mut self) {
        self.history.begin_gesture();
    }

    pub fn end_gesture(&mut self) {
        self.history.end_gesture();
    }

    /// Replaces the model with another one (Open, New, a template) as an undoable step, so the
    /// previous work is one Ctrl+Z away.
    pub fn replace(&mut self, model: Model) {
        self.history.end_gesture();
        let model = with_layout(model);
        if self.history.commit(&mut self.model, model) {
            self.revision += 1;
            self.semantic += 1;
        }
        self.generation += 1;
    }

    /// Replaces the model and forgets the history (restore from an autosave).
    pub fn restore(&mut self, model: Model) {
        self.model = with_layout(model);
        self.history = History::default();
        self.revision += 1;
        self.semantic += 1;
    }
}

/// Lays out what has no position yet (files written by hand or by other tools).
pub fn with_layout(model: Model) -> Model {
    let missing = model
        .nodes
        .iter()
        .any(|n| !model.layout.nodes.contains_key(&n.id))
        || model
            .boundaries
            .iter()
            .any(|b| !model.layout.boundaries.contains_key(&b.id));
    if missing {
        flowmap_core::layout::fill_missing(&model)
    } else {
        model
    }
}

/// The document in a signal, shared through context. `Copy`.
#[derive(Clone, Copy)]
pub struct EditorState {
    doc: RwSignal<Document>,
}

impl EditorState {
    pub fn new(model: Model) -> EditorState {
        EditorState {
            doc: RwSignal::new(Document::new(model)),
        }
    }

    /// Increments on every model change. Reactive.
    pub fn revision(&self) -> u64 {
        self.doc.with(Document::revision)
    }

    /// Increments on every change a check can see (not on moves). Reactive, but notifies on
    /// every model change: read it through a `Memo` to re-run only when it moves.
    pub fn semantic_revision(&self) -> u64 {
        self.doc.with(Document::semantic_revision)
    }

    /// Increments when another model replaces the current one. Reactive.
    pub fn generation(&self) -> u64 {
        self.doc.with(Document::generation)
    }

    pub fn revision_untracked(&self) -> u64 {
        self.doc.with_untracked(Document::revision)
    }

    /// Reads the current model. Reactive.
    pub fn with_model<R>(&self, f: impl FnOnce(&Model) -> R) -> R {
        self.doc.with(|d| f(d.model()))
    }

    pub fn with_model_untracked<R>(&self, f: impl FnOnce(&Model) -> R) -> R {
        self.doc.with_untracked(|d| f(d.model()))
    }

    /// A copy of the current model, without subscribing.
    #[allow(dead_code)] // API for other modules (see the module docs).
    pub fn model_untracked(&self) -> Model {
        self.doc.with_untracked(|d| d.model().clone())
    }

    /// Replaces the model as a fresh document (history cleared). For restoring an autosave.
    pub fn restore(&self, model: Model) {
        self.doc.update(|d| d.restore(model));
    }

    /// Replaces the model, undoably (Open, New, templates).
    pub fn replace(&self, model: Model) {
        self.doc.update(|d| d.replace(model));
    }

    /// Reads the whole document (history state included). Reactive.
    pub fn with_doc<R>(&self, f: impl FnOnce(&Document) -> R) -> R {
        self.doc.with(f)
    }

    pub fn with_doc_untracked<R>(&self, f: impl FnOnce(&Document) -> R) -> R {
        self.doc.with_untracked(f)
    }

    /// Changes the document; notifies only when the revision moved (a no-op edit re-renders
    /// nothing).
    pub fn update(&self, f: impl FnOnce(&mut Document)) {
        let changed = self.doc.try_update_untracked(|d| {
            let before = d.revision();
            f(d);
            d.revision() != before
        });
        if changed == Some(true) {
            self.doc.notify();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowmap_core::edit::ops;
    use flowmap_core::{NodeKind, Point};

    #[test]
    fn revision_counts_every_change_and_undo_restores() {
        let mut doc = Document::new(Model::default());
        let (next, _) = ops::add_node(doc.model(), NodeKind::Service, Point { x: 0.0, y: 0.0 });
        assert!(doc.commit(next));
        assert_eq!(doc.revision(), 1);
        assert!(!doc.commit(doc.model().clone()));
        assert_eq!(doc.revision(), 1);
        assert!(doc.undo());
        assert_eq!(doc.revision(), 2);
        assert!(doc.model().nodes.is_empty());
        assert!(doc.redo());
        assert_eq!(doc.model().nodes.len(), 1);
    }

    #[test]
    fn moves_leave_the_semantic_revision_alone() {
        let mut doc = Document::new(Model::default());
        let (next, id) = ops::add_node(doc.model(), NodeKind::Service, Point { x: 0.0, y: 0.0 });
        doc.commit(next);
        let semantic = doc.semantic_revision();
        let moved = ops::move_by(doc.model(), std::slice::from_ref(&id), 32.0, 0.0);
        assert!(doc.commit(moved));
        assert_eq!(doc.semantic_revision(), semantic);
        assert!(doc.undo());
        assert_eq!(doc.semantic_revision(), semantic);
        assert!(doc.undo());
        assert_eq!(
            doc.semantic_revision(),
            semantic + 1,
            "removing the node is seen"
        );
    }

    #[test]
    fn replace_is_undoable_and_restore_is_not() {
        let mut doc = Document::new(Model::default());
        let named = Model {
            name: "Shop".into(),
            ..Model::default()
        };
        doc.replace(named.clone());
        assert_eq!(doc.model().name, "Shop");
        assert!(doc.undo());
        assert_eq!(doc.model().name, "");
        doc.restore(named);
        assert!(!doc.can_undo());
        assert_eq!(doc.revision(), 3);
    }
}
