//! The inspector: every property of the selected node, flow or boundary, or the model's
//! settings when nothing is selected. Text fields commit on change (blur or Enter), never per
//! keystroke; every edit is a core operation and one undo step.

use flowmap_core::edit::{ops, Settings};
use flowmap_core::taxonomy::Taxonomy;
use flowmap_core::{
    Agreement, Attestation, AttestationKind, Boundary, BoundaryKind, DataClass, Date,
    EncryptionAtRest, Environment, Flow, Hosting, Narrative, Node, NodeKind, Regime, Role,
    RuleSetting, Severity, TlsVersion, Vendor,
};
use leptos::prelude::*;

use crate::ui::Ui;

/// An enum the inspector offers in a select.
trait Choice: Copy + PartialEq + Send + Sync + 'static {
    fn all() -> &'static [Self];
    fn key(self) -> &'static str;
    fn parse(text: &str) -> Option<Self> {
        Self::all().iter().copied().find(|c| c.key() == text)
    }
}

macro_rules! choice {
    ($($t:ty),*) => {$(
        impl Choice for $t {
            fn all() -> &'static [Self] { <$t>::ALL }
            fn key(self) -> &'static str { self.as_str() }
        }
    )*};
}
choice!(
    NodeKind,
    Hosting,
    Role,
    Environment,
    EncryptionAtRest,
    TlsVersion,
    BoundaryKind,
    Regime,
    AttestationKind
);

/// What an inspector form edits: an element found by id and written back through core ops.
trait Record: Clone + PartialEq + Send + Sync + 'static {
    fn find<'m>(model: &'m flowmap_core::Model, id: &str) -> Option<&'m Self>;
    fn write(model: &flowmap_core::Model, record: Self) -> Option<flowmap_core::Model>;
}

impl Record for Node {
    fn find<'m>(model: &'m flowmap_core::Model, id: &str) -> Option<&'m Node> {
        model.node(id)
    }
    fn write(model: &flowmap_core::Model, record: Node) -> Option<flowmap_core::Model> {
        ops::update_node(model, record)
    }
}

impl Record for Flow {
    fn find<'m>(model: &'m flowmap_core::Model, id: &str) -> Option<&'m Flow> {
        model.flow(id)
    }
    fn write(model: &flowmap_core::Model, record: Flow) -> Option<flowmap_core::Model> {
        ops::update_flow(model, record)
    }
}

impl Record for Boundary {
    fn find<'m>(model: &'m flowmap_core::Model, id: &str) -> Option<&'m Boundary> {
        model.boundary(id)
    }
    fn write(model: &flowmap_core::Model, record: Boundary) -> Option<flowmap_core::Model> {
        ops::update_boundary(model, record)
    }
}

/// The element a form shows (reactive), its fields as signals, and edits as one undo step each.
struct Form<T: Record> {
    ui: Ui,
    key: &'static str,
    record: Memo<Option<T>>,
}

impl<T: Record> Clone for Form<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Record> Copy for Form<T> {}

impl<T: Record> Form<T> {
    fn new(ui: Ui, key: &'static str) -> Form<T> {
        Form {
            ui,
            key,
            record: Memo::new(move |_| ui.editor.with_model(|m| T::find(m, key).cloned())),
        }
    }

    fn text(self, field: fn(&T) -> String) -> Signal<String> {
        Signal::derive(move || {
            self.record
                .with(|r| r.as_ref().map(field).unwrap_or_default())
        })
    }

    fn flag(self, field: fn(&T) -> bool) -> Signal<bool> {
        Signal::derive(move || self.record.with(|r| r.as_ref().is_some_and(field)))
    }

    fn edit(self, change: Box<dyn FnOnce(&mut T)>) {
        let key = self.key;
        self.ui.edit(|m| {
            let mut record = T::find(m, key)?.clone();
            change(&mut record);
            T::write(m, record)
        });
    }
}

/// An element id that outlives the form showing it. A focused field commits on `change` when
/// the form is removed (selecting something else blurs it after this scope is gone), so its
/// handlers must not read disposed reactive values; ids are interned once per distinct id.
fn intern(id: &str) -> &'static str {
    thread_local! {
        static IDS: std::cell::RefCell<std::collections::HashSet<&'static str>> =
            std::cell::RefCell::new(std::collections::HashSet::new());
    }
    IDS.with(|ids| {
        let mut ids = ids.borrow_mut();
        if let Some(found) = ids.get(id) {
            return *found;
        }
        let leaked: &'static str = Box::leak(id.to_owned().into_boxed_str());
        ids.insert(leaked);
        leaked
    })
}

fn opt(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A text field. It commits on `change` and also on `blur`: a focused field is removed (and
/// blurred) without a `change` when the selection moves on, and the edit must not be lost; a
/// second commit of the same text is no edit at all.
fn text_field(
    label: &'static str,
    name: &'static str,
    value: Signal<String>,
    commit: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <input type="text" name=name prop:value=move || value.get()
                on:change=move |ev| commit(event_target_value(&ev))
                on:blur=move |ev| commit(event_target_value(&ev)) />
        </label>
    }
}

fn area_field(
    label: &'static str,
    name: &'static str,
    value: Signal<String>,
    commit: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <textarea name=name rows="3" prop:value=move || value.get()
                on:change=move |ev| commit(event_target_value(&ev))
                on:blur=move |ev| commit(event_target_value(&ev))></textarea>
        </label>
    }
}

fn check_field(
    label: &'static str,
    name: &'static str,
    value: Signal<bool>,
    commit: impl Fn(bool) + 'static,
) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" name=name prop:checked=move || value.get()
                on:change=move |ev| commit(event_target_checked(&ev)) />
            <span>{label}</span>
        </label>
    }
}

fn enum_field<T: Choice>(
    label: &'static str,
    name: &'static str,
    optional: bool,
    value: Signal<Option<T>>,
    commit: impl Fn(Option<T>) + 'static,
) -> impl IntoView {
    view! {
        <label class="field">
            <span class="field-label">{label}</span>
            <select name=name on:change=move |ev| commit(T::parse(&event_target_value(&ev)))>
                {optional.then(|| view! { <option value="" selected=move || value.get().is_none()>"—"</option> })}
                {T::all()
                    .iter()
                    .map(|t| {
                        let t = *t;
                        view! { <option value=t.key() selected=move || value.get() == Some(t)>{t.key()}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Data-class toggles (`data-class-option` for flows; `attr` names the list for nodes).
fn class_toggles(
    attr: &'static str,
    classes: Memo<Vec<(String, String, u8)>>,
    chosen: Signal<Vec<String>>,
    toggle: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    move || {
        classes
            .get()
            .into_iter()
            .map(|(id, name, tier)| {
                let check = id.clone();
                let pressed = move || chosen.with(|c| c.contains(&check));
                let target = id.clone();
                view! {
                    <button type="button" class=format!("chip-toggle tier-{tier}")
                        data-class-option=(attr == "data").then(|| id.clone())
                        data-holds-option=(attr == "holds").then(|| id.clone())
                        data-strips-option=(attr == "strips").then(|| id.clone())
                        aria-pressed=move || pressed().to_string()
                        title=format!("{name} (tier {tier})")
                        on:click=move |_| toggle(target.clone())>
                        {id.clone()}
                    </button>
                }
            })
            .collect_view()
    }
}

fn toggle_in(list: &mut Vec<String>, id: String) {
    if let Some(at) = list.iter().position(|x| *x == id) {
        list.remove(at);
    } else {
        list.push(id);
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Subject {
    Model,
    Node(String),
    Flow(String),
    Boundary(String),
    Many(usize),
}

#[component]
pub fn Inspector() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let subject = Memo::new(move |_| {
        let selection = ui.selection.get();
        match selection.as_slice() {
            [] => Subject::Model,
            [id] => ui.editor.with_model(|m| {
                if m.node(id).is_some() {
                    Subject::Node(id.clone())
                } else if m.flow(id).is_some() {
                    Subject::Flow(id.clone())
                } else if m.boundary(id).is_some() {
                    Subject::Boundary(id.clone())
                } else {
                    Subject::Model
                }
            }),
            many => Subject::Many(many.len()),
        }
    });
    let classes = Memo::new(move |_| {
        ui.editor.with_model(|m| {
            Taxonomy::of(m)
                .classes()
                .iter()
                .map(|c| (c.id.clone(), c.name.clone(), c.tier))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <aside class="inspector" data-inspector="" aria-label="Inspector">
            {move || match subject.get() {
                Subject::Model => view! { <ModelForm /> }.into_any(),
                Subject::Node(id) => view! { <NodeForm id=id classes=classes /> }.into_any(),
                Subject::Flow(id) => view! { <FlowForm id=id classes=classes /> }.into_any(),
                Subject::Boundary(id) => view! { <BoundaryForm id=id /> }.into_any(),
                Subject::Many(n) => view! {
                    <header class="panel-head"><h2>{format!("{n} selected")}</h2></header>
                    <div class="panel-body">
                        <p class="hint">"Drag to move them together; Delete removes them; Ctrl+D duplicates."</p>
                        <button type="button" class="button danger" on:click=move |_| ui.delete_selection()>"Delete selection"</button>
                    </div>
                }
                .into_any(),
            }}
        </aside>
    }
}

#[component]
fn NodeForm(id: String, classes: Memo<Vec<(String, String, u8)>>) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let key = intern(&id);
    let form = Form::<Node>::new(ui, key);
    let node = form.record;
    let get = move |f: fn(&Node) -> String| form.text(f);
    let flag = move |f: fn(&Node) -> bool| form.flag(f);
    let edit = move |f: Box<dyn FnOnce(&mut Node)>| form.edit(f);
    let kind = Signal::derive(move || node.with(|n| n.as_ref().map(|n| n.kind)));
    let controls = Signal::derive(move || {
        node.with(|n| n.as_ref().map(|n| n.controls.clone()).unwrap_or_default())
    });
    let holds = Signal::derive(move || {
        node.with(|n| n.as_ref().map(|n| n.holds.clone()).unwrap_or_default())
    });
    let strips = Signal::derive(move || {
        node.with(|n| n.as_ref().map(|n| n.strips.clone()).unwrap_or_default())
    });
    let vendor = Signal::derive(move || {
        node.with(|n| {
            n.as_ref()
                .and_then(|n| n.vendor.clone())
                .unwrap_or_default()
        })
    });
    let new_control = RwSignal::new(String::new());
    view! {
        <header class="panel-head">
            <h2>"Node"</h2>
            <code class="element-id">{id.clone()}</code>
        </header>
        <div class="panel-body">
            {text_field("Name", "name", get(|n| n.name.clone()), move |v| edit(Box::new(move |n| n.name = v.trim().to_owned())))}
            {enum_field("Kind", "kind", false, kind, move |v: Option<NodeKind>| if let Some(k) = v { edit(Box::new(move |n| n.kind = k)) })}
            {area_field("Description", "description", get(|n| n.description.clone().unwrap_or_default()), move |v| edit(Box::new(move |n| n.description = opt(v))))}
            <div class="field-row">
                {text_field("Owner", "owner", get(|n| n.owner.clone().unwrap_or_default()), move |v| edit(Box::new(move |n| n.owner = opt(v))))}
                {text_field("Technology", "technology", get(|n| n.technology.clone().unwrap_or_default()), move |v| edit(Box::new(move |n| n.technology = opt(v))))}
            </div>
            <div class="field-row">
                {enum_field("Hosting", "hosting", true, Signal::derive(move || node.with(|n| n.as_ref().and_then(|n| n.hosting))), move |v| edit(Box::new(move |n| n.hosting = v)))}
                {enum_field("Role", "role", true, Signal::derive(move || node.with(|n| n.as_ref().and_then(|n| n.role))), move |v| edit(Box::new(move |n| n.role = v)))}
            </div>
            <div class="field-row">
                {text_field("Region", "region", get(|n| n.region.clone().unwrap_or_default()), move |v| edit(Box::new(move |n| n.region = opt(v))))}
                {enum_field("Environment", "environment", true, Signal::derive(move || node.with(|n| n.as_ref().and_then(|n| n.environment))), move |v| edit(Box::new(move |n| n.environment = v)))}
            </div>
            <div class="field-row">
                {enum_field("Encryption at rest", "encryption_at_rest", true, Signal::derive(move || node.with(|n| n.as_ref().and_then(|n| n.encryption_at_rest))), move |v| edit(Box::new(move |n| n.encryption_at_rest = v)))}
                <label class="field">
                    <span class="field-label">"Clearance (max tier)"</span>
                    <select name="clearance" on:change=move |ev| {
                        let v = event_target_value(&ev).parse::<u8>().ok();
                        edit(Box::new(move |n| n.clearance = v));
                    }>
                        <option value="" selected=move || node.with(|n| n.as_ref().is_some_and(|n| n.clearance.is_none()))>"—"</option>
                        {(0u8..=9).map(|t| view! {
                            <option value=t.to_string() selected=move || node.with(|n| n.as_ref().is_some_and(|n| n.clearance == Some(t)))>{t}</option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <div class="checks">
                {check_field("Logging", "logging", flag(|n| n.logging), move |v| edit(Box::new(move |n| n.logging = v)))}
                {check_field("Authenticates", "authenticates", flag(|n| n.authenticates), move |v| edit(Box::new(move |n| n.authenticates = v)))}
            </div>
            <fieldset class="group-field">
                <legend>"Holds"</legend>
                <div class="chip-set">{class_toggles("holds", classes, holds, move |c| edit(Box::new(move |n| toggle_in(&mut n.holds, c))))}</div>
            </fieldset>
            <fieldset class="group-field">
                <legend>"Strips"</legend>
                <div class="chip-set">{class_toggles("strips", classes, strips, move |c| edit(Box::new(move |n| toggle_in(&mut n.strips, c))))}</div>
            </fieldset>
            <fieldset class="group-field">
                <legend>"Controls"</legend>
                <div class="chip-set">
                    {move || controls.get().into_iter().map(|c| {
                        let gone = c.clone();
                        view! {
                            <span class="chip tag">{c.clone()}
                                <button type="button" class="chip-remove" aria-label=format!("Remove {c}")
                                    on:click=move |_| { let g = gone.clone(); edit(Box::new(move |n| n.controls.retain(|x| *x != g))) }>"×"</button>
                            </span>
                        }
                    }).collect_view()}
                </div>
                <form class="inline-add" on:submit=move |ev| {
                    ev.prevent_default();
                    let v = new_control.get_untracked().trim().to_owned();
                    if !v.is_empty() {
                        new_control.set(String::new());
                        edit(Box::new(move |n| if !n.controls.contains(&v) { n.controls.push(v) }));
                    }
                }>
                    <input type="text" name="new-control" placeholder="waf, mfa, vuln-scan…" prop:value=move || new_control.get()
                        on:input=move |ev| new_control.set(event_target_value(&ev)) />
                    <button type="submit" class="button">"Add"</button>
                </form>
            </fieldset>
            <VendorFields vendor=vendor edit=edit />
        </div>
    }
}

#[component]
fn VendorFields(
    vendor: Signal<Vendor>,
    edit: impl Fn(Box<dyn FnOnce(&mut Node)>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let edit_vendor = move |f: Box<dyn FnOnce(&mut Vendor)>| {
        edit(Box::new(move |n| {
            let mut v = n.vendor.take().unwrap_or_default();
            f(&mut v);
            n.vendor = (!v.agreements.is_empty() || !v.attestations.is_empty()).then_some(v);
        }))
    };
    view! {
        <fieldset class="group-field">
            <legend>"Vendor agreements"</legend>
            <div class="chip-set">
                {Agreement::ALL.iter().map(|a| {
                    let a = *a;
                    view! {
                        <button type="button" class="chip-toggle" data-agreement=a.as_str()
                            aria-pressed=move || vendor.with(|v| v.agreements.contains(&a)).to_string()
                            on:click=move |_| edit_vendor(Box::new(move |v| {
                                if let Some(i) = v.agreements.iter().position(|x| *x == a) { v.agreements.remove(i); } else { v.agreements.push(a); }
                            }))>
                            {a.as_str()}
                        </button>
                    }
                }).collect_view()}
            </div>
        </fieldset>
        <fieldset class="group-field">
            <legend>"Attestations"</legend>
            {move || vendor.with(|v| v.attestations.clone()).into_iter().enumerate().map(|(i, att)| {
                view! {
                    <div class="row-card">
                        {enum_field("Kind", "attestation-kind", false, Signal::derive(move || Some(att.kind)), move |k: Option<AttestationKind>| if let Some(k) = k {
                            edit_vendor(Box::new(move |v| if let Some(a) = v.attestations.get_mut(i) { a.kind = k }))
                        })}
                        <div class="field-row">
                            <label class="field"><span class="field-label">"Issued"</span>
                                <input type="date" name="issued" prop:value=att.issued.map(|d| d.to_string()).unwrap_or_default()
                                    on:change=move |ev| { let d = Date::parse(&event_target_value(&ev)).ok(); edit_vendor(Box::new(move |v| if let Some(a) = v.attestations.get_mut(i) { a.issued = d })) } />
                            </label>
                            <label class="field"><span class="field-label">"Expires"</span>
                                <input type="date" name="expires" prop:value=att.expires.map(|d| d.to_string()).unwrap_or_default()
                                    on:change=move |ev| { let d = Date::parse(&event_target_value(&ev)).ok(); edit_vendor(Box::new(move |v| if let Some(a) = v.attestations.get_mut(i) { a.expires = d })) } />
                            </label>
                        </div>
                        <button type="button" class="button quiet" on:click=move |_| edit_vendor(Box::new(move |v| { if i < v.attestations.len() { v.attestations.remove(i); } }))>"Remove"</button>
                    </div>
                }
            }).collect_view()}
            <button type="button" class="button" on:click=move |_| edit_vendor(Box::new(|v| v.attestations.push(Attestation { kind: AttestationKind::Soc2Type2, issued: None, expires: None })))>
                "Add attestation"
            </button>
        </fieldset>
    }
}

#[component]
fn FlowForm(id: String, classes: Memo<Vec<(String, String, u8)>>) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let key = intern(&id);
    let form = Form::<Flow>::new(ui, key);
    let flow = form.record;
    let get = move |f: fn(&Flow) -> String| form.text(f);
    let flag = move |f: fn(&Flow) -> bool| form.flag(f);
    let edit = move |f: Box<dyn FnOnce(&mut Flow)>| form.edit(f);
    let data = Signal::derive(move || {
        flow.with(|x| x.as_ref().map(|x| x.data.clone()).unwrap_or_default())
    });
    let ends = move || {
        flow.with(|x| {
            x.as_ref()
                .map(|x| format!("{} → {}", x.from, x.to))
                .unwrap_or_default()
        })
    };
    view! {
        <header class="panel-head">
            <h2>"Flow"</h2>
            <code class="element-id">{id.clone()}</code>
        </header>
        <div class="panel-body">
            <p class="flow-ends">{ends}</p>
            {text_field("Name", "name", get(|x| x.name.clone()), move |v| edit(Box::new(move |x| x.name = v.trim().to_owned())))}
            <div class="field-row">
                {text_field("Protocol", "protocol", get(|x| x.protocol.clone().unwrap_or_default()), move |v| edit(Box::new(move |x| x.protocol = opt(v))))}
                {enum_field("TLS minimum", "tls_min", true, Signal::derive(move || flow.with(|x| x.as_ref().and_then(|x| x.tls_min))), move |v| edit(Box::new(move |x| x.tls_min = v)))}
            </div>
            <div class="checks">
                {check_field("Encrypted", "encrypted", flag(|x| x.encrypted), move |v| edit(Box::new(move |x| x.encrypted = v)))}
                {check_field("Authenticated", "authenticated", flag(|x| x.authenticated), move |v| edit(Box::new(move |x| x.authenticated = v)))}
                {check_field("Monitored", "monitored", flag(|x| x.monitored), move |v| edit(Box::new(move |x| x.monitored = v)))}
            </div>
            <fieldset class="group-field">
                <legend>"Data classes"</legend>
                <div class="chip-set">{class_toggles("data", classes, data, move |c| edit(Box::new(move |x| toggle_in(&mut x.data, c))))}</div>
            </fieldset>
            {area_field("Notes", "notes", get(|x| x.notes.clone().unwrap_or_default()), move |v| edit(Box::new(move |x| x.notes = opt(v))))}
        </div>
    }
}

#[component]
fn BoundaryForm(id: String) -> impl IntoView {
    let ui = expect_context::<Ui>();
    let key = intern(&id);
    let form = Form::<Boundary>::new(ui, key);
    let boundary = form.record;
    let get = move |f: fn(&Boundary) -> String| form.text(f);
    let edit = move |f: Box<dyn FnOnce(&mut Boundary)>| form.edit(f);
    // Possible parents: every boundary that is not this one or nested in it.
    let parents = Memo::new(move |_| {
        ui.editor.with_model(|m| {
            let inside = ops::descendants(m, key);
            m.boundaries
                .iter()
                .filter(|b| !inside.contains(&b.id))
                .map(|b| (b.id.clone(), b.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let parent =
        Signal::derive(move || boundary.with(|x| x.as_ref().and_then(|x| x.parent.clone())));
    view! {
        <header class="panel-head">
            <h2>"Boundary"</h2>
            <code class="element-id">{id.clone()}</code>
        </header>
        <div class="panel-body">
            {text_field("Name", "name", get(|x| x.name.clone()), move |v| edit(Box::new(move |x| x.name = v.trim().to_owned())))}
            <div class="field-row">
                {enum_field("Kind", "kind", false, Signal::derive(move || boundary.with(|x| x.as_ref().map(|x| x.kind))), move |v: Option<BoundaryKind>| if let Some(k) = v { edit(Box::new(move |x| x.kind = k)) })}
                {text_field("Region", "region", get(|x| x.region.clone().unwrap_or_default()), move |v| edit(Box::new(move |x| x.region = opt(v))))}
            </div>
            <label class="field">
                <span class="field-label">"Parent"</span>
                <select name="parent" on:change=move |ev| { let v = opt(event_target_value(&ev)); edit(Box::new(move |x| x.parent = v)) }>
                    <option value="" selected=move || parent.get().is_none()>"— none —"</option>
                    {move || parents.get().into_iter().map(|(pid, name)| {
                        let check = pid.clone();
                        view! { <option value=pid.clone() selected=move || parent.get().as_deref() == Some(check.as_str())>{format!("{name} ({pid})")}</option> }
                    }).collect_view()}
                </select>
            </label>
            {area_field("Description", "description", get(|x| x.description.clone().unwrap_or_default()), move |v| edit(Box::new(move |x| x.description = opt(v))))}
            <p class="hint">"Drag the corner handles to resize; nodes dropped inside become members."</p>
        </div>
    }
}

#[component]
fn ModelForm() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let settings = Memo::new(move |_| ui.editor.with_model(Settings::of));
    let edit = move |f: Box<dyn FnOnce(&mut Settings)>| {
        ui.edit(|m| {
            let mut s = Settings::of(m);
            f(&mut s);
            Some(ops::update_settings(m, s))
        });
    };
    let get = move |f: fn(&Settings) -> String| Signal::derive(move || settings.with(f));
    let counts = move || {
        ui.editor.with_model(|m| {
            format!(
                "{} nodes · {} flows · {} boundaries",
                m.nodes.len(),
                m.flows.len(),
                m.boundaries.len()
            )
        })
    };
    view! {
        <header class="panel-head">
            <h2>"Model"</h2>
            <span class="element-id">{counts}</span>
        </header>
        <div class="panel-body">
            {text_field("Name", "name", get(|s| s.name.clone()), move |v| edit(Box::new(move |s| s.name = v.trim().to_owned())))}
            {area_field("Description", "description", get(|s| s.description.clone().unwrap_or_default()), move |v| edit(Box::new(move |s| s.description = opt(v))))}
            <details class="section">
                <summary>{move || format!("Custom data classes ({})", settings.with(|s| s.classes.len()))}</summary>
                {move || settings.with(|s| s.classes.clone()).into_iter().enumerate().map(|(i, c)| view! { <ClassRow index=i class=c edit=edit /> }).collect_view()}
                <button type="button" class="button" on:click=move |_| edit(Box::new(|s| {
                    let mut n = s.classes.len() + 1;
                    while s.classes.iter().any(|c| c.id == format!("custom-{n}")) { n += 1; }
                    s.classes.push(DataClass { id: format!("custom-{n}"), name: format!("Custom class {n}"), tier: 3, personal: false, regime: None, never_store: false, residency: Vec::new(), description: None, consumed_at_hop: false });
                }))>"Add data class"</button>
            </details>
            <details class="section">
                <summary>"Rules"</summary>
                <div class="rule-list">
                    {flowmap_core::REGISTRY.iter().map(|rule| {
                        let id = rule.id;
                        let current = move || settings.with(|s| match s.rules.get(id) {
                            None => "default".to_owned(),
                            Some(RuleSetting::Off) => "off".to_owned(),
                            Some(RuleSetting::Severity(sev)) => sev.as_str().to_owned(),
                        });
                        view! {
                            <label class="rule-row" title=rule.summary>
                                <code>{id}</code>
                                <span class="rule-name">{rule.name}</span>
                                <select name=format!("rule-{id}") on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    edit(Box::new(move |s| {
                                        match v.as_str() {
                                            "default" => { s.rules.remove(id); }
                                            "off" => { s.rules.insert(id.to_owned(), RuleSetting::Off); }
                                            other => if let Some(sev) = Severity::parse(other) { s.rules.insert(id.to_owned(), RuleSetting::Severity(sev)); },
                                        }
                                    }))
                                }>
                                    {["default", "off", "critical", "high", "medium", "low"].into_iter().map(|o| {
                                        let label = if o == "default" { format!("on ({})", rule.severity.as_str()) } else { o.to_owned() };
                                        view! { <option value=o selected=move || current() == o>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </details>
            <details class="section">
                <summary>{move || format!("Waivers ({})", settings.with(|s| s.waivers.len()))}</summary>
                {move || settings.with(|s| s.waivers.clone()).into_iter().enumerate().map(|(i, w)| view! {
                    <div class="row-card">
                        <p class="row-title"><code>{w.rule.clone()}</code> " on " <code>{w.subject.clone()}</code></p>
                        <label class="field"><span class="field-label">"Reason"</span>
                            <input type="text" name="waiver-reason" prop:value=w.reason.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |s| if let Some(w) = s.waivers.get_mut(i) { w.reason = v })) } />
                        </label>
                        <div class="field-row">
                            <label class="field"><span class="field-label">"Approved by"</span>
                                <input type="text" name="waiver-approved-by" prop:value=w.approved_by.clone()
                                    on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |s| if let Some(w) = s.waivers.get_mut(i) { w.approved_by = v })) } />
                            </label>
                            <label class="field"><span class="field-label">"Expires"</span>
                                <input type="date" name="waiver-expires" prop:value=w.expires.to_string()
                                    on:change=move |ev| { if let Ok(d) = Date::parse(&event_target_value(&ev)) { edit(Box::new(move |s| if let Some(w) = s.waivers.get_mut(i) { w.expires = d })) } } />
                            </label>
                        </div>
                        <button type="button" class="button quiet" on:click=move |_| edit(Box::new(move |s| { if i < s.waivers.len() { s.waivers.remove(i); } }))>"Remove waiver"</button>
                    </div>
                }).collect_view()}
                <p class="hint">"Waive a finding from its details in the findings panel."</p>
            </details>
            <details class="section">
                <summary>{move || format!("Control narratives ({})", settings.with(|s| s.narratives.len()))}</summary>
                {move || settings.with(|s| s.narratives.clone()).into_iter().enumerate().map(|(i, n)| view! {
                    <div class="row-card">
                        <label class="field"><span class="field-label">"Control"</span>
                            <input type="text" name="narrative-control" prop:value=n.control.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |s| if let Some(n) = s.narratives.get_mut(i) { n.control = v })) } />
                        </label>
                        <label class="field"><span class="field-label">"How we meet it"</span>
                            <textarea name="narrative-text" rows="3" prop:value=n.text.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); edit(Box::new(move |s| if let Some(n) = s.narratives.get_mut(i) { n.text = v })) }></textarea>
                        </label>
                        <button type="button" class="button quiet" on:click=move |_| edit(Box::new(move |s| { if i < s.narratives.len() { s.narratives.remove(i); } }))>"Remove"</button>
                    </div>
                }).collect_view()}
                <button type="button" class="button" on:click=move |_| edit(Box::new(|s| s.narratives.push(Narrative { control: "SOC2:CC6.1".into(), text: String::new() })))>"Add narrative"</button>
            </details>
        </div>
    }
}

#[component]
fn ClassRow(
    index: usize,
    class: DataClass,
    edit: impl Fn(Box<dyn FnOnce(&mut Settings)>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i = index;
    let with_class = move |f: Box<dyn FnOnce(&mut DataClass)>| {
        edit(Box::new(move |s| {
            if let Some(c) = s.classes.get_mut(i) {
                f(c)
            }
        }))
    };
    let regime = class.regime;
    view! {
        <div class="row-card">
            <div class="field-row">
                <label class="field"><span class="field-label">"Id"</span>
                    <input type="text" name="class-id" prop:value=class.id.clone()
                        on:change=move |ev| { let v = flowmap_core::edit::slug(&event_target_value(&ev)); with_class(Box::new(move |c| c.id = v)) } />
                </label>
                <label class="field"><span class="field-label">"Name"</span>
                    <input type="text" name="class-name" prop:value=class.name.clone()
                        on:change=move |ev| { let v = event_target_value(&ev); with_class(Box::new(move |c| c.name = v)) } />
                </label>
            </div>
            <div class="field-row">
                <label class="field"><span class="field-label">"Tier (0–6)"</span>
                    <input type="number" name="class-tier" min="0" max="9" prop:value=class.tier.to_string()
                        on:change=move |ev| { if let Ok(t) = event_target_value(&ev).parse::<u8>() { with_class(Box::new(move |c| c.tier = t.min(9))) } } />
                </label>
                {enum_field("Regime", "class-regime", true, Signal::derive(move || regime), move |v: Option<Regime>| with_class(Box::new(move |c| c.regime = v)))}
            </div>
            <label class="field"><span class="field-label">"Residency (regions, comma-separated)"</span>
                <input type="text" name="class-residency" prop:value=class.residency.join(", ")
                    on:change=move |ev| {
                        let v: Vec<String> = event_target_value(&ev).split(',').map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
                        with_class(Box::new(move |c| c.residency = v))
                    } />
            </label>
            <div class="checks">
                <label class="check"><input type="checkbox" name="class-personal" prop:checked=class.personal
                    on:change=move |ev| { let v = event_target_checked(&ev); with_class(Box::new(move |c| c.personal = v)) } /><span>"Personal"</span></label>
                <label class="check"><input type="checkbox" name="class-never-store" prop:checked=class.never_store
                    on:change=move |ev| { let v = event_target_checked(&ev); with_class(Box::new(move |c| c.never_store = v)) } /><span>"Never store"</span></label>
                <label class="check" title="A node that receives this class uses it rather than forwarding it: it reaches further only on flows that declare it (credentials, session tokens)"><input type="checkbox" name="class-consumed-at-hop" prop:checked=class.consumed_at_hop
                    on:change=move |ev| { let v = event_target_checked(&ev); with_class(Box::new(move |c| c.consumed_at_hop = v)) } /><span>"Consumed at hop"</span></label>
            </div>
            <button type="button" class="button quiet" on:click=move |_| edit(Box::new(move |s| { if i < s.classes.len() { s.classes.remove(i); } }))>"Remove class"</button>
        </div>
    }
}
