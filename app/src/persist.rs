//! Never lose work: autosave to the browser's IndexedDB, restore on reload.
//!
//! - Every model change (the editor's revision moves) schedules a save [`DEBOUNCE`] after the
//!   last change; hiding or leaving the page (`visibilitychange`, `pagehide`) saves at once.
//! - A save stores the model file text ([`flowmap_core::to_file_json`]) with the time, the model's
//!   name and the app version under the document's own key (`doc-…`): each document (a model
//!   replaced by New, Open, a template or an import is a new one) autosaves apart, so two tabs
//!   with two models never overwrite each other. The tab's URL names its document (`#doc=KEY`),
//!   so a reload restores the same one; a tab opened without one restores the document saved
//!   last ([`choose`]). Tabs tell each other which document they have open (a
//!   `BroadcastChannel`); two tabs on the same document are told, and either can go on as a
//!   copy under a key of its own. Autosaves of older versions (one key, [`CURRENT_KEY`]) are
//!   read as a document like any other.
//! - Until the autosave is read the editor shows nothing (no template flash); with nothing to
//!   restore it starts with the worked example.
//! - On start, the autosave goes through [`flowmap_core::load`] (all or nothing) and, if it
//!   loads, is handed to [`EditorState::restore`]. One that does not load (corrupt, from a newer
//!   version, edited by hand) is never discarded: it is set aside under a `recovery-…` key before
//!   anything can overwrite it, and a notice shows the loader's located errors and offers the raw
//!   text for download until the user dismisses it. The editor starts empty meanwhile, and its
//!   new work is autosaved as usual.
//! - A storage failure (quota, private mode, no IndexedDB) shows in the status as
//!   "Autosave failed: …", never silently.
//!
//! Mount: call [`provide_autosave`] once in the component that provides the [`EditorState`],
//! then place [`AutosaveStatus`] in the status bar and [`RecoveryNotice`] above the canvas.
//! Browser calls are in `platform.rs`; the decisions below are plain Rust.

use std::time::Duration;

use flowmap_core::{LoadError, LoadErrors, Model};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::editor::EditorState;
use crate::platform::{self, AutosaveRecord, StoredAutosave};

/// How long after the last change the model is saved.
pub const DEBOUNCE: Duration = Duration::from_millis(400);
/// The key that versions before per-document autosave wrote the current work under.
pub const CURRENT_KEY: &str = "current";
/// The prefix of a document's key.
pub const DOC_PREFIX: &str = "doc-";
/// The URL fragment that names the tab's document: `#doc=KEY`.
pub const HASH_PREFIX: &str = "doc=";
/// The channel the tabs of this origin talk on.
const TABS_CHANNEL: &str = "flowmap-documents";

/// Which stored document a tab starts with: the one its URL names, if stored; else the one
/// saved last (`documents`: key and when it was saved); `None` when there is none.
pub fn choose(named: Option<&str>, documents: &[(String, Option<f64>)]) -> Option<String> {
    if let Some(named) = named.filter(|n| documents.iter().any(|(k, _)| k == n)) {
        return Some(named.to_owned());
    }
    documents
        .iter()
        .max_by(|a, b| {
            a.1.unwrap_or(0.0)
                .total_cmp(&b.1.unwrap_or(0.0))
                .then_with(|| b.0.cmp(&a.0))
        })
        .map(|(k, _)| k.clone())
}

/// Is this a document's key (not a set-aside unreadable autosave)?
pub fn is_document(key: &str) -> bool {
    key == CURRENT_KEY || key.starts_with(DOC_PREFIX)
}

/// A message between tabs: `open TAB KEY` (this tab has document KEY open) or `here TAB KEY`
/// (the answer of a tab that has it open too).
fn parse_message(text: &str) -> Option<(&str, &str, &str)> {
    let mut parts = text.split(' ');
    let (kind, tab, key) = (parts.next()?, parts.next()?, parts.next()?);
    matches!(kind, "open" | "here").then_some((kind, tab, key))
}
/// Keys of autosaves that failed to load, kept until the user dismisses them.
pub const RECOVERY_PREFIX: &str = "recovery-";

/// What the status bar says about autosave.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Reading the previous autosave.
    Starting,
    /// Nothing changed yet.
    Idle,
    /// A change waits for its save, or a save is being written.
    Saving,
    /// Everything up to the shown model is stored.
    Saved { at_ms: f64 },
    /// The model was restored from an autosave and not changed since.
    Restored { saved_at_ms: Option<f64> },
    /// The last save (or the start) failed; the sentence says why.
    Failed(String),
}

impl Status {
    /// The `data-state` of the status element.
    pub fn state(&self) -> &'static str {
        match self {
            Status::Starting => "starting",
            Status::Idle => "idle",
            Status::Saving => "saving",
            Status::Saved { .. } => "saved",
            Status::Restored { .. } => "restored",
            Status::Failed(_) => "failed",
        }
    }

    /// The visible text; `time` formats a browser timestamp.
    pub fn label(&self, time: impl Fn(f64) -> String) -> String {
        match self {
            Status::Starting => "Opening autosave…".to_owned(),
            Status::Idle => "Autosave on".to_owned(),
            Status::Saving => "Saving…".to_owned(),
            Status::Saved { .. } => "Saved".to_owned(),
            Status::Restored {
                saved_at_ms: Some(at),
            } => format!("Restored autosave of {}", time(*at)),
            Status::Restored { saved_at_ms: None } => "Restored autosave".to_owned(),
            Status::Failed(reason) => format!("Autosave failed: {}", shorten(reason, 48)),
        }
    }

    /// The tooltip.
    pub fn detail(&self, time: impl Fn(f64) -> String) -> String {
        match self {
            Status::Saved { at_ms } => format!(
                "Saved in this browser at {}. A reload or crash loses nothing.",
                time(*at_ms)
            ),
            Status::Failed(reason) => format!(
                "Autosave failed: {reason}. Changes are not being saved in this browser: \
                 save a file to keep them."
            ),
            _ => {
                "Every change is saved in this browser (IndexedDB); nothing is uploaded.".to_owned()
            }
        }
    }
}

/// At most `max` characters of `text`, with "…" when cut (the status bar is one short line; the
/// tooltip has the whole sentence).
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// An autosave that could not be loaded, kept in storage under `key` until dismissed.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    pub key: String,
    /// The stored text, exactly as found (offered for download).
    pub text: String,
    pub saved_at_ms: Option<f64>,
    pub source: Option<String>,
    /// The loader's located errors (empty if it loads now, e.g. after an upgrade).
    pub errors: Vec<LoadError>,
    pub omitted: usize,
}

impl Recovery {
    fn new(key: &str, stored: StoredAutosave, errors: LoadErrors) -> Recovery {
        Recovery {
            key: key.to_owned(),
            text: stored.text,
            saved_at_ms: stored.saved_at_ms,
            source: stored.source,
            errors: errors.errors,
            omitted: errors.omitted,
        }
    }

    /// The name of the downloaded file.
    pub fn file_name(&self) -> String {
        let stem = self
            .source
            .as_deref()
            .map(file_stem)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "flowmap".to_owned());
        format!("{stem}-autosave.flowmap.json")
    }
}

/// A model name as a file name stem: lower case, `-` between words, at most 60 characters.
pub fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            stem.extend(c.to_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
        if stem.chars().count() >= 60 {
            break;
        }
    }
    stem.trim_end_matches('-').to_owned()
}

/// "line 3, column 14 · /nodes/2/kind · message".
pub fn describe(error: &LoadError) -> (String, String, String) {
    (
        format!("line {}, column {}", error.line, error.column),
        error.pointer.clone(),
        error.message.clone(),
    )
}

/// Loads stored autosave text: the model, or the loader's errors.
pub fn examine(text: &str) -> Result<Model, LoadErrors> {
    flowmap_core::load(text.as_bytes())
}

/// What saving needs to remember between calls.
#[derive(Default)]
struct Inner {
    /// The previous autosave has been read (saving before that could overwrite it).
    ready: bool,
    /// Saving is off so that an unreadable autosave that could not be set aside is kept.
    paused: bool,
    timer: Option<TimeoutHandle>,
    /// The revision the last issued write holds; `None` after a failure (the next change retries).
    saved_revision: Option<u64>,
    /// Number of writes issued; only the newest decides the status.
    writes: u64,
    /// The document's key: where saves go.
    key: String,
}

/// The autosave of the editor's model. `Copy`; in context after [`provide_autosave`].
#[derive(Clone, Copy)]
pub struct Autosave {
    editor: EditorState,
    status: RwSignal<Status>,
    recoveries: RwSignal<Vec<Recovery>>,
    inner: StoredValue<Inner>,
    /// Another tab has this document open.
    pub shared: RwSignal<bool>,
    /// This tab's id, in the messages between tabs.
    tab: StoredValue<String>,
}

/// Starts autosave for the [`EditorState`] in context: restores the previous autosave, then
/// saves every change. Call once, after `provide_context(EditorState)`.
pub fn provide_autosave() -> Autosave {
    let editor = expect_context::<EditorState>();
    let autosave = Autosave {
        editor,
        status: RwSignal::new(Status::Starting),
        recoveries: RwSignal::new(Vec::new()),
        inner: StoredValue::new(Inner::default()),
        shared: RwSignal::new(false),
        tab: StoredValue::new(platform::random_id()),
    };
    provide_context(autosave);

    // Another model replaced this one: a new document, under a key of its own.
    Effect::new(move |previous: Option<u64>| {
        let generation = editor.generation();
        if previous.is_some_and(|p| p != generation) && autosave.inner.with_value(|i| i.ready) {
            autosave.open_as(new_key());
        }
        generation
    });
    platform::tabs_open(TABS_CHANNEL, move |text| autosave.heard(&text));

    Effect::new(move |_| {
        let revision = editor.revision();
        let due = autosave
            .inner
            .with_value(|i| i.ready && !i.paused && i.saved_revision != Some(revision));
        if due {
            autosave.schedule();
        }
    });
    platform::on_page_hidden(move || autosave.flush());
    spawn_local(autosave.start());
    autosave
}

/// A fresh document key.
fn new_key() -> String {
    format!("{DOC_PREFIX}{}", platform::random_id())
}

impl Autosave {
    /// Makes `key` the tab's document: saves go there, the URL names it, the other tabs hear.
    fn open_as(self, key: String) {
        platform::replace_hash(&format!("{HASH_PREFIX}{key}"));
        self.inner.update_value(|i| i.key = key);
        self.shared.set(false);
        self.announce("open");
    }

    fn announce(self, kind: &str) {
        let key = self.inner.with_value(|i| i.key.clone());
        platform::tabs_post(&format!("{kind} {} {key}", self.tab.get_value()));
    }

    /// A message from another tab.
    fn heard(self, text: &str) {
        let Some((kind, tab, key)) = parse_message(text) else {
            return;
        };
        if self.inner.is_disposed() || tab == self.tab.get_value() {
            return;
        }
        if self.inner.with_value(|i| !i.key.is_empty() && i.key == key) {
            self.shared.set(true);
            if kind == "open" {
                self.announce("here");
            }
        }
    }

    /// The previous autosave has been read and restored, or found absent. Reactive.
    pub fn settled(self) -> bool {
        self.status.with(|s| *s != Status::Starting)
    }

    /// Goes on with this tab's model as a document of its own (saved at once).
    pub fn continue_as_copy(self) {
        self.open_as(new_key());
        self.inner.update_value(|i| i.saved_revision = None);
        self.schedule();
    }

    /// Reads the stored autosaves: restores the current one, sets aside and lists those that
    /// do not load.
    async fn start(self) {
        match self.recover().await {
            Ok(Some(saved_at_ms)) => self.status.set(Status::Restored { saved_at_ms }),
            Ok(None) => self.status.set(Status::Idle),
            Err(reason) => {
                if self.inner.with_value(|i| i.key.is_empty()) {
                    // Storage cannot be read at all: start as on a first visit.
                    self.start_with(crate::session::template("serverless-shop"));
                    self.open_as(new_key());
                }
                self.status.set(Status::Failed(reason))
            }
        }
        self.inner.update_value(|i| i.ready = true);
        // A change made while the autosave was being read is saved now.
        let revision = self.editor.revision_untracked();
        if revision > 0
            && self
                .inner
                .with_value(|i| i.saved_revision != Some(revision))
        {
            self.schedule();
        }
    }

    /// `Ok(Some(saved at))` when a model was restored.
    async fn recover(self) -> Result<Option<Option<f64>>, String> {
        let keys = platform::autosave_keys()
            .await
            .map_err(|e| format!("the autosave could not be read ({e})"))?;
        let mut recoveries = Vec::new();
        for key in keys.iter().filter(|k| k.starts_with(RECOVERY_PREFIX)) {
            if let Ok(Some(stored)) = platform::autosave_get(key).await {
                let errors = examine(&stored.text).err().unwrap_or(LoadErrors {
                    errors: Vec::new(),
                    omitted: 0,
                });
                recoveries.push(Recovery::new(key, stored, errors));
            }
        }

        let mut documents = Vec::new();
        for key in keys.iter().filter(|k| is_document(k)) {
            if let Ok(Some(stored)) = platform::autosave_get(key).await {
                documents.push((key.clone(), stored.saved_at_ms));
            }
        }
        let hash = platform::location_hash();
        let chosen = choose(hash.strip_prefix(HASH_PREFIX), &documents);
        let key = chosen.clone().unwrap_or_else(new_key);
        self.open_as(key.clone());
        let mut restored = None;
        let mut failure = None;
        let current = match chosen {
            Some(_) => platform::autosave_get(&key)
                .await
                .map_err(|e| format!("the autosave could not be read ({e})"))?,
            None => None,
        };
        if let Some(stored) = current {
            match examine(&stored.text) {
                Ok(model) => restored = Some((model, stored.saved_at_ms)),
                Err(errors) => {
                    if recoveries.iter().any(|r| r.text == stored.text) {
                        // Already set aside (a reload before the first save of new work).
                        let _ = platform::autosave_delete(&key).await;
                    } else {
                        let copy_key = format!("{RECOVERY_PREFIX}{}", platform::now_ms() as u64);
                        let copy = AutosaveRecord {
                            model_json: stored.text.clone(),
                            saved_at_ms: stored.saved_at_ms,
                            source: stored.source.clone().unwrap_or_default(),
                            app_version: flowmap_core::VERSION.to_owned(),
                        };
                        match platform::autosave_put(&copy_key, &copy).await {
                            Ok(()) => {
                                let _ = platform::autosave_delete(&key).await;
                                recoveries.push(Recovery::new(&copy_key, stored, errors));
                            }
                            Err(e) => {
                                // Keep it where it is, and do not save over it.
                                self.inner.update_value(|i| i.paused = true);
                                failure = Some(format!(
                                    "the unreadable autosave could not be set aside ({e}); \
                                     autosave is paused so that it is not overwritten"
                                ));
                                recoveries.push(Recovery::new(&key, stored, errors));
                            }
                        }
                    }
                }
            }
        }
        let unreadable = !recoveries.is_empty();
        self.recoveries.set(recoveries);
        if restored.is_none() {
            // Unreadable work: start empty rather than with a template, so nothing suggests the
            // work was restored. Nothing at all: the worked example, as on a first visit.
            self.start_with(if unreadable {
                None
            } else {
                crate::session::template("serverless-shop")
            });
        }

        let restored = restored.map(|(model, saved_at_ms)| {
            self.editor.restore(model);
            let revision = self.editor.revision_untracked();
            self.inner
                .update_value(|i| i.saved_revision = Some(revision));
            saved_at_ms
        });
        match failure {
            Some(reason) => Err(reason),
            None => Ok(restored),
        }
    }

    /// Starts with a model that is not saved until it is changed.
    fn start_with(self, model: Option<Model>) {
        self.editor
            .restore(model.unwrap_or_else(crate::session::empty_model));
        let revision = self.editor.revision_untracked();
        self.inner
            .update_value(|i| i.saved_revision = Some(revision));
    }

    /// Saves [`DEBOUNCE`] after the last call.
    fn schedule(self) {
        self.cancel_timer();
        let timer = set_timeout_with_handle(move || self.flush(), DEBOUNCE).ok();
        self.inner.update_value(|i| i.timer = timer);
        if !matches!(self.status.get_untracked(), Status::Failed(_)) {
            self.status.set(Status::Saving);
        }
        if timer.is_none() {
            self.flush();
        }
    }

    fn cancel_timer(self) {
        self.inner.update_value(|i| {
            if let Some(timer) = i.timer.take() {
                timer.clear();
            }
        });
    }

    /// Saves now if the model changed since the last save (the debounce timer, page hide).
    pub fn flush(self) {
        if self.inner.is_disposed() {
            return;
        }
        self.cancel_timer();
        let revision = self.editor.revision_untracked();
        let due = self
            .inner
            .with_value(|i| i.ready && !i.paused && i.saved_revision != Some(revision));
        if !due {
            return;
        }
        let (model_json, name) = self
            .editor
            .with_model_untracked(|m| (flowmap_core::to_file_json(m), m.name.clone()));
        let at_ms = platform::now_ms();
        let record = AutosaveRecord {
            model_json,
            saved_at_ms: Some(at_ms),
            source: if name.is_empty() {
                "Untitled model".to_owned()
            } else {
                name
            },
            app_version: flowmap_core::VERSION.to_owned(),
        };
        let key = self.inner.with_value(|i| i.key.clone());
        let write = platform::autosave_put(&key, &record);
        let mut this_write = 0;
        self.inner.update_value(|i| {
            i.writes += 1;
            this_write = i.writes;
            i.saved_revision = Some(revision);
        });
        self.status.set(Status::Saving);
        spawn_local(async move {
            let result = write.await;
            if self.inner.with_value(|i| i.writes) != this_write {
                return; // a newer write decides
            }
            match result {
                Ok(()) => self.status.set(Status::Saved { at_ms }),
                Err(reason) => {
                    self.inner.update_value(|i| i.saved_revision = None);
                    self.status.set(Status::Failed(reason));
                }
            }
        });
    }

    /// Downloads the raw text of an unreadable autosave.
    fn download(self, recovery: &Recovery) {
        if let Err(reason) =
            platform::download_text(&recovery.file_name(), &recovery.text, "application/json")
        {
            self.status
                .set(Status::Failed(format!("the download failed ({reason})")));
        }
    }

    /// Forgets an unreadable autosave: deletes it from storage, hides its notice.
    fn dismiss(self, key: String) {
        spawn_local(async move {
            match platform::autosave_delete(&key).await {
                Ok(()) => {
                    self.recoveries.update(|r| r.retain(|x| x.key != key));
                    if is_document(&key) {
                        // It was kept in place: saving may now overwrite it.
                        self.inner.update_value(|i| i.paused = false);
                        self.schedule();
                    }
                }
                Err(reason) => self.status.set(Status::Failed(format!(
                    "the unreadable autosave could not be deleted ({reason})"
                ))),
            }
        });
    }
}

/// The autosave state for the status bar: "Saved", "Saving…", "Autosave failed: …".
#[component]
pub fn AutosaveStatus() -> impl IntoView {
    let status = expect_context::<Autosave>().status;
    view! {
        <span
            class="autosave-status"
            class:failed=move || matches!(status.get(), Status::Failed(_))
            data-autosave-status=move || status.with(Status::state)
            role="status"
            title=move || status.with(|s| s.detail(platform::local_time))
        >
            {move || status.with(|s| s.label(platform::local_time))}
        </span>
    }
}

/// One notice per autosave that could not be restored: its located errors, a download of the
/// stored text, and Dismiss (which deletes it). Renders nothing when there is none.
#[component]
pub fn RecoveryNotice() -> impl IntoView {
    let autosave = expect_context::<Autosave>();
    move || {
        autosave
            .recoveries
            .get()
            .into_iter()
            .map(|recovery| view! { <RecoveryItem recovery=recovery autosave=autosave /> })
            .collect_view()
    }
}

/// Above the canvas while another tab has the same document open.
#[component]
pub fn SharedNotice() -> impl IntoView {
    let autosave = expect_context::<Autosave>();
    move || {
        autosave.shared.get().then(|| {
            view! {
                <section class="error-panel shared-notice" role="status" data-shared-document="">
                    <p>
                        <strong>"This model is also open in another tab."</strong>
                        " Both tabs autosave it to the same place, so the later change wins. "
                        "Go on here as a separate copy to keep both."
                    </p>
                    <div class="shared-actions">
                        <button type="button" class="button primary" data-action="continue-as-copy"
                            on:click=move |_| autosave.continue_as_copy()>"Continue here as a copy"</button>
                        <button type="button" class="button quiet" data-action="dismiss-shared"
                            on:click=move |_| autosave.shared.set(false)>"Dismiss"</button>
                    </div>
                </section>
            }
        })
    }
}

#[component]
fn RecoveryItem(recovery: Recovery, autosave: Autosave) -> impl IntoView {
    let origin = match (&recovery.source, recovery.saved_at_ms) {
        (Some(source), Some(at)) if !source.is_empty() => {
            format!("“{source}”, saved {}", platform::local_date_time(at))
        }
        (_, Some(at)) => format!("saved {}", platform::local_date_time(at)),
        (Some(source), None) if !source.is_empty() => format!("“{source}”"),
        _ => "of unknown date".to_owned(),
    };
    let headline = match recovery.errors.len() + recovery.omitted {
        0 => "no problem found now".to_owned(),
        1 => "1 problem".to_owned(),
        n => format!("{n} problems"),
    };
    let omitted = (recovery.omitted > 0)
        .then(|| view! { <li class="problem">"… and " {recovery.omitted} " more"</li> });
    let key = recovery.key.clone();
    let dismissed = key.clone();
    let errors = recovery.errors.clone();
    let kept = StoredValue::new(recovery);
    view! {
        <section class="error-panel recovery-notice" role="alert" data-recovery=key>
            <div class="error-head">
                <h2>"The autosave could not be restored — " {headline}</h2>
            </div>
            <p class="recovery-explain">
                "The autosave (" {origin} ") is kept in this browser until you dismiss this "
                "notice: download it to repair it by hand. New work is saved separately."
            </p>
            <ul class="problems">
                {errors
                    .iter()
                    .map(|e| {
                        let (location, pointer, message) = describe(e);
                        let pointer = (!pointer.is_empty())
                            .then(|| view! { <code class="problem-pointer">{pointer}</code> });
                        view! {
                            <li class="problem">
                                <span class="problem-location">{location}</span>
                                {pointer}
                                <span class="problem-message">{message}</span>
                            </li>
                        }
                    })
                    .collect_view()}
                {omitted}
            </ul>
            <div class="recovery-actions">
                <button
                    type="button"
                    class="button primary"
                    data-recovery-download=""
                    on:click=move |_| kept.with_value(|r| autosave.download(r))
                >
                    "Download the autosave"
                </button>
                <button
                    type="button"
                    class="button quiet"
                    data-recovery-dismiss=""
                    on:click=move |_| autosave.dismiss(dismissed.clone())
                >
                    "Dismiss"
                </button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_starts_with_its_own_document_or_the_one_saved_last() {
        let docs = vec![
            ("doc-a".to_owned(), Some(10.0)),
            ("doc-b".to_owned(), Some(30.0)),
            ("current".to_owned(), Some(20.0)),
            ("doc-c".to_owned(), None),
        ];
        assert_eq!(choose(Some("doc-a"), &docs).as_deref(), Some("doc-a"));
        // A key the URL names but storage no longer holds: the last saved.
        assert_eq!(choose(Some("doc-gone"), &docs).as_deref(), Some("doc-b"));
        assert_eq!(choose(None, &docs).as_deref(), Some("doc-b"));
        assert_eq!(choose(None, &[]), None);
        // Ties go to the smaller key, whatever the order they are listed in.
        let tie = vec![
            ("doc-y".to_owned(), Some(5.0)),
            ("doc-x".to_owned(), Some(5.0)),
        ];
        assert_eq!(choose(None, &tie).as_deref(), Some("doc-x"));
    }

    #[test]
    fn documents_and_messages_are_told_apart() {
        assert!(is_document("current") && is_document("doc-k2x"));
        assert!(!is_document("recovery-1700000000000"));
        assert_eq!(
            parse_message("open t1 doc-a"),
            Some(("open", "t1", "doc-a"))
        );
        assert_eq!(
            parse_message("here t2 current"),
            Some(("here", "t2", "current"))
        );
        assert_eq!(parse_message("hello t1 doc-a"), None);
        assert_eq!(parse_message("open t1"), None);
    }

    fn time(ms: f64) -> String {
        format!("t{ms}")
    }

    #[test]
    fn status_texts() {
        assert_eq!(Status::Saved { at_ms: 5.0 }.label(time), "Saved");
        assert!(Status::Saved { at_ms: 5.0 }.detail(time).contains("t5"));
        assert_eq!(
            Status::Failed("quota".into()).label(time),
            "Autosave failed: quota"
        );
        assert_eq!(Status::Failed("x".into()).state(), "failed");
        let long = "the browser's storage is full or not allowed (The quota has been exceeded.)";
        let label = Status::Failed(long.into()).label(time);
        assert!(label.chars().count() <= "Autosave failed: ".len() + 48);
        assert!(label.ends_with('…'));
        assert!(Status::Failed(long.into()).detail(time).contains(long));
        assert_eq!(shorten("short", 48), "short");
        assert_eq!(
            Status::Restored {
                saved_at_ms: Some(7.0)
            }
            .label(time),
            "Restored autosave of t7"
        );
    }

    #[test]
    fn garbage_does_not_load_and_is_located() {
        let errors = examine("{ not json").unwrap_err();
        assert!(!errors.errors.is_empty());
        let (location, _, message) = describe(&errors.errors[0]);
        assert!(location.starts_with("line 1, column "));
        assert!(!message.is_empty());
    }

    #[test]
    fn a_saved_model_loads_back_equal() {
        let model = flowmap_core::load(include_bytes!(
            "../../examples/serverless-shop.flowmap.json"
        ))
        .unwrap();
        let text = flowmap_core::to_file_json(&model);
        assert_eq!(examine(&text).unwrap(), model);
    }

    #[test]
    fn download_names() {
        assert_eq!(file_stem("Serverless shop (prod)"), "serverless-shop-prod");
        assert_eq!(file_stem("  "), "");
        let recovery = |source: Option<&str>| Recovery {
            key: "recovery-1".into(),
            text: String::new(),
            saved_at_ms: None,
            source: source.map(String::from),
            errors: Vec::new(),
            omitted: 0,
        };
        assert_eq!(
            recovery(Some("Shop")).file_name(),
            "shop-autosave.flowmap.json"
        );
        assert_eq!(recovery(None).file_name(), "flowmap-autosave.flowmap.json");
    }
}
