//! Leptos components. They render a [`Session`] and forward user actions to it; the decisions
//! are in `session.rs`, the browser calls in `platform.rs`.

use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::platform::{self, PickedFile};
use crate::session::{
    plural, Analysis, ControlGroup, Failure, FindingRow, Group, Problem, Session, SeverityCount,
    VERSION,
};

/// Reads a picked file and loads it into the session.
fn load_file(file: PickedFile, session: RwSignal<Session>) {
    let name = file.name();
    spawn_local(async move {
        match file.read().await {
            Ok(bytes) => session.update(|s| s.open(&name, &bytes, Some(platform::today()))),
            Err(reason) => session.update(|s| s.unreadable(&name, &reason)),
        }
    });
}

#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(Session::default());
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
                    load_file(file, session);
                }
            }
        >
            <TopBar session=session />
            <main class="content">
                {move || session.with(|s| s.failure.clone()).map(|failure| {
                    view! { <ErrorPanel failure=failure session=session /> }
                })}
                {move || match session.with(|s| s.current.clone()) {
                    Some(analysis) => view! { <Report analysis=analysis /> }.into_any(),
                    None => view! { <Welcome /> }.into_any(),
                }}
            </main>
            <footer class="footer">
                <span>"Flowmap " {VERSION}</span>
                <span class="footer-note">"Runs entirely in your browser; nothing is uploaded."</span>
            </footer>
            <div class="drop-overlay" aria-hidden="true">
                <p>"Drop a Flowmap model to open it"</p>
            </div>
        </div>
    }
}

#[component]
fn TopBar(session: RwSignal<Session>) -> impl IntoView {
    let chooser = NodeRef::<Input>::new();
    view! {
        <header class="topbar">
            <div class="brand">
                <Logo />
                <span class="brand-name">"Flowmap"</span>
            </div>
            <div class="actions">
                <button
                    type="button"
                    class="button"
                    on:click=move |_| {
                        if let Some(input) = chooser.get() {
                            platform::open_file_chooser(&input);
                        }
                    }
                >
                    "Open file…"
                </button>
                <input
                    node_ref=chooser
                    id="file-input"
                    class="visually-hidden"
                    type="file"
                    tabindex="-1"
                    aria-label="Open a Flowmap model file"
                    accept=".json,.flowmap.json,application/json"
                    on:change=move |ev| {
                        if let Some(file) = platform::take_chosen_file(&ev) {
                            load_file(file, session);
                        }
                    }
                />
                <button
                    type="button"
                    class="button primary"
                    on:click=move |_| session.update(|s| s.open_example(Some(platform::today())))
                >
                    "Load example"
                </button>
            </div>
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
fn Welcome() -> impl IntoView {
    view! {
        <section class="welcome">
            <h1>"Map where your data flows"</h1>
            <p>
                "Open a " <code>".flowmap.json"</code>
                " model, drop one anywhere on this page, or load the worked serverless example. "
                "Flowmap checks it for unencrypted sensitive flows, unmonitored components, "
                "unauthenticated paths to sensitive stores and data reaching vendors."
            </p>
        </section>
    }
}

#[component]
fn ErrorPanel(failure: Failure, session: RwSignal<Session>) -> impl IntoView {
    let kept = move || {
        session.with(|s| {
            s.current
                .as_ref()
                .map(|a| format!("Still showing the previously loaded model, {}.", a.source))
        })
    };
    let headline = failure.headline();
    view! {
        <section class="error-panel" role="alert">
            <div class="error-head">
                <h2>
                    "Could not load " <span class="file-name">{failure.source}</span> " — "
                    {headline}
                </h2>
                <button
                    type="button"
                    class="button quiet"
                    on:click=move |_| session.update(Session::dismiss_failure)
                >
                    "Dismiss"
                </button>
            </div>
            <ul class="problems">
                {failure.problems.into_iter().map(|p| view! { <ProblemItem problem=p /> }).collect_view()}
            </ul>
            <p class="error-kept">{kept}</p>
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
fn Report(analysis: Analysis) -> impl IntoView {
    let meta = format!(
        "{} · {} · {}",
        plural(analysis.nodes, "node", "nodes"),
        plural(analysis.flows, "flow", "flows"),
        analysis.source
    );
    let total = analysis.total();
    let waived = (analysis.waived > 0)
        .then(|| view! { <p class="waived-note">{plural(analysis.waived, "finding is", "findings are")} " waived and not counted."</p> });
    view! {
        <section class="report">
            <header class="model-head">
                <h1 class="model-name">{analysis.model_name}</h1>
                <p class="model-meta">{meta}</p>
            </header>
            <ul class="summary" aria-label="Findings by severity">
                {analysis.summary.into_iter().map(|c| view! { <SummaryItem count=c /> }).collect_view()}
            </ul>
            {waived}
            {if total == 0 {
                view! { <p class="no-findings">"No findings. Every check passed."</p> }.into_any()
            } else {
                analysis.groups.into_iter().map(|g| view! { <FindingGroup group=g /> }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn SummaryItem(count: SeverityCount) -> impl IntoView {
    let severity = count.severity.as_str();
    view! {
        <li class=format!("summary-item sev-{severity}") class:zero=count.count == 0>
            <span class="summary-count">{count.count}</span>
            <span class="summary-label">{severity}</span>
        </li>
    }
}

#[component]
fn FindingGroup(group: Group) -> impl IntoView {
    let severity = group.severity.as_str();
    view! {
        <section class=format!("group sev-{severity}")>
            <h2 class="group-title">
                <span class="sev-dot"></span>
                <span class="group-name">{severity}</span>
                <span class="group-count">{group.findings.len()}</span>
            </h2>
            <ul class="findings">
                {group.findings.into_iter().map(|f| view! { <FindingItem finding=f /> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn FindingItem(finding: FindingRow) -> impl IntoView {
    let witness = finding.witness.map(|w| {
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
                    {finding.controls.into_iter().map(|g| view! { <ControlGroupItem group=g /> }).collect_view()}
                </ul>
            </dd>
        }
    });
    view! {
        <li class="finding" class:waived=finding.waived>
            <div class="finding-head">
                <code class="rule-id">{finding.rule}</code>
                <span class="rule-name">{finding.name}</span>
                {finding.waived.then(|| view! { <span class="waived-badge">"waived"</span> })}
                <span class="subject">
                    <span class="subject-kind">{finding.subject_kind}</span>
                    <code class="subject-id">{finding.subject_id}</code>
                </span>
            </div>
            <p class="message">{finding.message}</p>
            <dl class="details">{witness} {controls}</dl>
        </li>
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
