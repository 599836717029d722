//! Compare with…: the model as it is now against a baseline — a file, or the version last
//! opened or saved — as `flowmap diff` compares two versions. The canvas colours what was
//! added and changed and draws what was removed as ghosts where the baseline had it; the
//! findings panel lists the findings the change introduces and resolves.
//!
//! The comparison itself ([`between`]: both models checked, matched by id and by finding
//! fingerprint with `flowmap_core::diff`) runs in the on-demand worker (`crate::jobs`), so
//! the first load carries no diff code; it runs again after every edit while comparing. This
//! module holds the plain result ([`Changes`], tested on the host), the state ([`Compare`])
//! and the components.

use flowmap_core::diagram::{rounded_rect, scene};
use flowmap_core::diff::{compare, ChangeKind, ElementKind};
use flowmap_core::{CheckOptions, Date, Finding};
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::jobs::{self, Request, Response};
use crate::keyed::Keyed;
use crate::platform;
use crate::session::{self, Failure};
use crate::ui::Ui;

/// What differs between the baseline and the model, as the canvas and the panel show it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// Nodes, flows and boundaries of the model that were added or changed.
    pub marks: Vec<Mark>,
    /// Nodes, flows and boundaries of the baseline that are gone, with their baseline geometry.
    pub removed: Vec<Ghost>,
    /// Elements of every kind (classes, waivers, rules… too) added, removed, changed.
    pub added: usize,
    pub removed_count: usize,
    pub changed: usize,
    /// Nodes and boundaries that only moved or were resized (not coloured).
    pub moved: usize,
    /// Findings of the model that the baseline did not have, in report order.
    pub introduced: Vec<ChangedFinding>,
    /// Findings of the baseline that the model no longer has, in the baseline's report order.
    pub resolved: Vec<ChangedFinding>,
}

/// An element of the model and how it changed: `added` or `changed`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub id: String,
    pub change: String,
}

/// A removed element, drawn where the baseline had it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ghost {
    pub id: String,
    pub name: String,
    /// `node`, `flow` or `boundary`.
    pub kind: String,
    /// SVG path data of its outline (a node or boundary) or line (a flow).
    pub d: String,
    pub label_x: f64,
    pub label_y: f64,
}

/// A finding introduced or resolved, as the panel lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedFinding {
    /// The finding's fingerprint (stable across edits).
    pub key: String,
    pub rule: String,
    pub severity: String,
    pub subject_id: String,
    pub message: String,
}

impl ChangedFinding {
    fn of(finding: &Finding) -> ChangedFinding {
        ChangedFinding {
            key: finding.fingerprint.clone(),
            rule: finding.rule.to_owned(),
            severity: finding.severity.as_str().to_owned(),
            subject_id: finding.subject.id.clone(),
            message: finding.message.clone(),
        }
    }
}

/// Compares the model (`model_json`) with the baseline (`baseline_json`, a file named
/// `baseline_name`), both checked as of `today`. A baseline or model that does not load is a
/// failure with every located problem.
pub fn between(
    baseline_name: &str,
    baseline_json: &str,
    model_json: &str,
    today: Date,
) -> Result<Changes, Failure> {
    let old = session::load(baseline_name, baseline_json.as_bytes())?;
    let new = flowmap_core::load(model_json.as_bytes())
        .map_err(|errors| Failure::of_load("the model", &errors))?;
    let options = CheckOptions {
        today: Some(today),
        ..Default::default()
    };
    let diff = compare(&old, &new, &options);
    let placed = scene(&old);
    let mut changes = Changes {
        added: diff.count(ChangeKind::Added),
        removed_count: diff.count(ChangeKind::Removed),
        changed: diff.count(ChangeKind::Changed),
        moved: diff.layout.len(),
        introduced: diff
            .findings
            .introduced
            .iter()
            .map(ChangedFinding::of)
            .collect(),
        resolved: diff
            .findings
            .resolved
            .iter()
            .map(ChangedFinding::of)
            .collect(),
        ..Changes::default()
    };
    for element in &diff.elements {
        if !matches!(
            element.kind,
            ElementKind::Node | ElementKind::Flow | ElementKind::Boundary
        ) {
            continue;
        }
        if element.change != ChangeKind::Removed {
            changes.marks.push(Mark {
                id: element.id.clone(),
                change: element.change.as_str().to_owned(),
            });
            continue;
        }
        let ghost = |kind: &str, d: String, x: f64, y: f64| Ghost {
            id: element.id.clone(),
            name: element.name.clone(),
            kind: kind.to_owned(),
            d,
            label_x: x,
            label_y: y,
        };
        let found = match element.kind {
            ElementKind::Node => placed
                .nodes
                .iter()
                .find(|p| old.nodes[p.index].id == element.id)
                .map(|p| {
                    let r = p.rect;
                    ghost(
                        "node",
                        rounded_rect(r, 8.0),
                        r.x + r.w / 2.0,
                        r.y + r.h / 2.0 + 4.0,
                    )
                }),
            ElementKind::Flow => placed
                .flows
                .iter()
                .find(|p| old.flows[p.index].id == element.id)
                .map(|p| {
                    let mid = p.edge.midpoint();
                    ghost("flow", p.edge.path(), mid.x, mid.y - 6.0)
                }),
            _ => placed
                .boundaries
                .iter()
                .find(|p| old.boundaries[p.index].id == element.id)
                .map(|p| {
                    let r = p.rect;
                    ghost("boundary", rounded_rect(r, 10.0), r.x + 12.0, r.y + 18.0)
                }),
        };
        changes.removed.extend(found);
    }
    Ok(changes)
}

/// The version compared against.
#[derive(Clone, Debug, PartialEq)]
struct Baseline {
    name: String,
    json: String,
}

/// The comparison's state, shared through [`Ui`]. `Copy`.
#[derive(Clone, Copy)]
pub struct Compare {
    baseline: RwSignal<Option<Baseline>>,
    /// The last answer, while comparing.
    pub result: RwSignal<Option<Changes>>,
    /// How each element of the model changed, per element (see `keyed.rs`): what the canvas
    /// colours.
    pub marks: Keyed<Option<&'static str>>,
    /// The version last opened or saved: what "the last saved version" compares with.
    saved: RwSignal<Option<Baseline>>,
    problem: RwSignal<Option<String>>,
    /// Answers to older questions are dropped.
    asked: StoredValue<u64>,
    file_input: NodeRef<Input>,
}

impl Compare {
    pub fn new() -> Compare {
        Compare {
            baseline: RwSignal::new(None),
            result: RwSignal::new(None),
            marks: Keyed::new(),
            saved: RwSignal::new(None),
            problem: RwSignal::new(None),
            asked: StoredValue::new(0),
            file_input: NodeRef::new(),
        }
    }

    /// Remembers a version opened from or saved to a file.
    pub fn remember(&self, name: &str, json: String) {
        self.saved.set(Some(Baseline {
            name: name.to_owned(),
            json,
        }));
    }

    fn start(&self, baseline: Baseline) {
        self.problem.set(None);
        self.baseline.set(Some(baseline));
    }

    pub fn stop(&self) {
        self.baseline.set(None);
        self.problem.set(None);
    }

    pub fn active(&self) -> bool {
        self.baseline.with(Option::is_some)
    }

    fn show(&self, changes: Option<Changes>) {
        let marked: Vec<(String, &'static str)> = changes
            .iter()
            .flat_map(|c| &c.marks)
            .map(|m| {
                let change = if m.change == "added" {
                    "added"
                } else {
                    "changed"
                };
                (m.id.clone(), change)
            })
            .collect();
        for id in self.marks.ids() {
            if !marked.iter().any(|(m, _)| *m == id) {
                self.marks.set(&id, None);
            }
        }
        for (id, change) in &marked {
            self.marks.set(id, Some(change));
        }
        self.result.set(changes);
    }
}

impl Default for Compare {
    fn default() -> Self {
        Compare::new()
    }
}

/// Compares again whenever the baseline or the model changes (any revision: what only moved
/// is counted too), in the worker.
pub fn watch(ui: Ui) {
    let compare = ui.compare;
    Effect::new(move |_| {
        ui.editor.revision();
        let Some(baseline) = compare.baseline.get() else {
            compare.show(None);
            return;
        };
        let asked = compare.asked.get_value() + 1;
        compare.asked.set_value(asked);
        let request = Request::Compare {
            baseline_name: baseline.name.clone(),
            baseline_json: baseline.json,
            model_json: ui.editor.with_model_untracked(flowmap_core::to_file_json),
            today: platform::today().to_string(),
        };
        spawn_local(async move {
            let answer = jobs::ask(request).await;
            if compare.asked.try_get_value() != Some(asked) {
                return;
            }
            match answer {
                Response::Compare(changes) => {
                    compare.problem.set(None);
                    compare.show(Some(changes));
                }
                Response::Failed(failure) => {
                    compare.baseline.set(None);
                    compare.problem.set(Some(failure.summary()));
                }
                _ => compare
                    .problem
                    .set(Some("unexpected answer from the worker".into())),
            }
        });
    });
}

/// The toolbar's Compare button and its menu.
#[component]
pub fn CompareMenu() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let compare = ui.compare;
    let open = RwSignal::new(false);
    let pick = move |ev: leptos::ev::Event| {
        let Some(file) = platform::take_chosen_file(&ev) else {
            return;
        };
        let name = file.name();
        spawn_local(async move {
            match file.read().await {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(json) => compare.start(Baseline { name, json }),
                    Err(_) => compare
                        .problem
                        .set(Some(format!("{name}: not a text file (UTF-8)"))),
                },
                Err(reason) => compare.problem.set(Some(format!("{name}: {reason}"))),
            }
        });
    };
    view! {
        <div class="export-menu">
            <button type="button" class="tool" data-action="compare"
                title="Compare the model with another version: what changed, which findings are new"
                aria-haspopup="menu" aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>"Compare ▾"</button>
            <Show when=move || open.get()>
                <ul class="export-list" role="menu">
                    <li role="none">
                        <button type="button" role="menuitem" data-compare="file" on:click=move |_| {
                            open.set(false);
                            if let Some(input) = compare.file_input.get_untracked() {
                                platform::open_file_chooser(&input);
                            }
                        }>"With a file…"</button>
                    </li>
                    <li role="none">
                        <button type="button" role="menuitem" data-compare="saved"
                            prop:disabled=move || compare.saved.with(Option::is_none)
                            title=move || compare.saved.with(|s| match s {
                                Some(s) => format!("Compare with {} as last opened or saved", s.name),
                                None => "Nothing was opened or saved yet".to_owned(),
                            })
                            on:click=move |_| {
                                open.set(false);
                                if let Some(saved) = compare.saved.get_untracked() {
                                    compare.start(saved);
                                }
                            }>"With the last saved version"</button>
                    </li>
                    <Show when=move || compare.active()>
                        <li role="none">
                            <button type="button" role="menuitem" data-compare="stop"
                                on:click=move |_| { open.set(false); compare.stop(); }>"Stop comparing"</button>
                        </li>
                    </Show>
                </ul>
            </Show>
            <input node_ref=compare.file_input data-compare-file="" class="visually-hidden" type="file"
                tabindex="-1" aria-label="Choose a Flowmap model to compare with"
                accept=".json,.flowmap.json,application/json" on:change=pick />
        </div>
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Above the canvas while comparing: with what, the counts, a legend, and Stop.
#[component]
pub fn CompareBanner() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let compare = ui.compare;
    let counts = move || {
        compare.result.with(|r| {
            r.as_ref().map(|c| {
                format!(
                    "{} added · {} removed · {} changed · {} moved · {} introduced · {} resolved",
                    c.added,
                    c.removed_count,
                    c.changed,
                    c.moved,
                    plural(c.introduced.len(), "finding", "findings"),
                    c.resolved.len()
                )
            })
        })
    };
    view! {
        <Show when=move || compare.active()>
            <div class="compare-banner" data-compare-banner="" role="status">
                <strong>"Comparing with "
                    {move || compare.baseline.with(|b| b.as_ref().map(|b| b.name.clone()))}
                </strong>
                <span data-compare-counts="">{move || counts().unwrap_or_else(|| "comparing…".to_owned())}</span>
                <span class="compare-legend" aria-hidden="true">
                    <i class="swatch added"></i>"added"
                    <i class="swatch changed"></i>"changed"
                    <i class="swatch removed"></i>"removed"
                </span>
                <button type="button" class="button quiet" data-action="stop-compare"
                    on:click=move |_| compare.stop()>"Stop comparing"</button>
            </div>
        </Show>
        {move || compare.problem.get().map(|p| view! {
            <p class="compare-problem" data-compare-problem="" role="alert">"Cannot compare: " {p}</p>
        })}
    }
}

/// The removed elements, drawn where the baseline had them (not interactive).
#[component]
pub fn RemovedGhosts() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let ghosts = move || {
        ui.compare
            .result
            .with(|r| r.as_ref().map(|c| c.removed.clone()).unwrap_or_default())
    };
    view! {
        <g class="removed-ghosts" aria-hidden="true">
            {move || ghosts().into_iter().map(|g| {
                let anchor = if g.kind == "node" { "middle" } else { "start" };
                view! {
                    <g class=format!("removed-ghost ghost-{}", g.kind) data-removed=g.id>
                        <path d=g.d />
                        <text x=g.label_x y=g.label_y text-anchor=anchor>{g.name}</text>
                    </g>
                }
            }).collect_view()}
        </g>
    }
}

/// At the top of the findings panel while comparing: what the change introduced and resolved.
#[component]
pub fn ComparedFindings() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let list = move |which: &'static str| {
        ui.compare.result.with(|r| {
            r.as_ref()
                .map(|c| {
                    if which == "introduced" {
                        c.introduced.clone()
                    } else {
                        c.resolved.clone()
                    }
                })
                .unwrap_or_default()
        })
    };
    let section = move |which: &'static str, title: &'static str| {
        view! {
            <h3>{title} " (" {move || list(which).len()} ")"</h3>
            <ul>
                {move || list(which).into_iter().map(|f| {
                    let subject = f.subject_id.clone();
                    let class = format!("sev-{}", f.severity);
                    view! {
                        <li data-compared=which data-finding-key=f.key class=class>
                            <button type="button" class="compared-finding" title="Show its subject"
                                on:click=move |_| {
                                    let ids = vec![subject.clone()];
                                    let present = ui.editor.with_model_untracked(|m| {
                                        !crate::canvas::existing(m, &ids).is_empty()
                                    });
                                    if present {
                                        ui.selection.set(ids.clone());
                                        ui.reveal(&ids);
                                    }
                                }>
                                <span class="sev-badge">{f.severity}</span>
                                <code>{f.rule}</code>
                                <span class="compared-message">{f.message}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    };
    view! {
        <Show when=move || ui.compare.result.with(Option::is_some)>
            <section class="compared-findings" data-compared-findings="" aria-label="Findings the change introduces and resolves">
                {section("introduced", "Introduced")}
                {section("resolved", "Resolved")}
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::parse("2026-11-22").unwrap()
    }

    /// The example with one node removed (and its flows), a node added, one flow's encryption
    /// turned off (ENC-001 appears) and the webhook authenticated (the critical AUTH-003 goes).
    fn edited() -> String {
        let mut model: serde_json::Value = serde_json::from_str(session::EXAMPLE).unwrap();
        let nodes = model["nodes"].as_array_mut().unwrap();
        let gone = nodes
            .iter()
            .position(|n| n["id"] == "email-vendor")
            .unwrap();
        nodes.remove(gone);
        nodes.push(serde_json::json!({"id": "audit-log", "name": "Audit log", "kind": "store"}));
        model["layout"]["nodes"]
            .as_object_mut()
            .unwrap()
            .remove("email-vendor");
        let flows = model["flows"].as_array_mut().unwrap();
        flows.retain(|f| f["from"] != "email-vendor" && f["to"] != "email-vendor");
        let call = flows
            .iter_mut()
            .find(|f| f["id"] == "checkout-call")
            .unwrap();
        call["encrypted"] = false.into();
        let webhook = flows
            .iter_mut()
            .find(|f| f["id"] == "payment-webhook")
            .unwrap();
        webhook["authenticated"] = true.into();
        serde_json::to_string_pretty(&model).unwrap()
    }

    #[test]
    fn the_same_model_has_no_changes() {
        let changes = between(
            "shop.flowmap.json",
            session::EXAMPLE,
            session::EXAMPLE,
            today(),
        )
        .unwrap();
        assert_eq!(changes, Changes::default());
    }

    #[test]
    fn additions_removals_changes_and_findings_are_shown() {
        let changes = between("shop.flowmap.json", session::EXAMPLE, &edited(), today()).unwrap();
        assert!(changes
            .marks
            .iter()
            .any(|m| m.id == "audit-log" && m.change == "added"));
        assert!(changes.marks.iter().any(|m| m.change == "changed"));
        let ghost = changes
            .removed
            .iter()
            .find(|g| g.id == "email-vendor")
            .unwrap();
        assert_eq!(ghost.kind, "node");
        assert!(ghost.d.starts_with('M'), "{}", ghost.d);
        assert!(changes.removed.iter().any(|g| g.kind == "flow"));
        assert!(changes.removed_count >= 2 && changes.added >= 1 && changes.changed >= 1);
        assert!(
            changes.introduced.iter().any(|f| f.rule == "ENC-001"),
            "{:?}",
            changes.introduced
        );
        assert!(
            changes
                .resolved
                .iter()
                .any(|f| f.rule == "AUTH-003" && f.subject_id == "orders-cache"),
            "{:?}",
            changes.resolved
        );
    }

    #[test]
    fn a_broken_baseline_is_a_located_failure() {
        let failure = between(
            "old.flowmap.json",
            "{\n  \"format\": \"flowmap/1\",\n  \"nodes\": 3\n}",
            session::EXAMPLE,
            today(),
        )
        .unwrap_err();
        assert_eq!(failure.source, "old.flowmap.json");
        assert!(failure.problems.iter().any(|p| p.line == 3));
    }
}
