//! Open accepts other tools' models (OWASP Threat Dragon, Open Threat Model, and every format
//! of `flowmap_core::import`): the file is imported in the on-demand worker (`crate::jobs`),
//! as `flowmap import` does it, and the import report is shown in a dialog before the model
//! replaces the current one. Accepting is one undo step; cancelling changes nothing; a file
//! that cannot be imported shows its located errors and the current work stays.
//!
//! [`preview`] (plain, tested on the host) makes the [`Preview`] the dialog shows.

use flowmap_core::import::report::TargetKind;
use flowmap_core::import::{detect, import, ImportOptions};
use flowmap_core::{check, CheckOptions, Date};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use crate::jobs::{self, Request, Response};
use crate::session::{self, Failure};
use crate::ui::{Dialog, Ui};

/// An import, ready to be looked at and accepted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Preview {
    /// The file's name.
    pub file: String,
    /// The format's name (`OWASP Threat Dragon`, …).
    pub source: String,
    /// The imported model, as a `flowmap/1` file.
    pub model_json: String,
    /// The report's first line: what was imported as what, with counts.
    pub headline: String,
    /// The report's tally line, and the findings of the imported model.
    pub tally: String,
    pub checked: String,
    /// Every source element, in source order.
    pub rows: Vec<Row>,
    /// The source's threats, carried (titles, with what they are on).
    pub threats: Vec<String>,
}

/// One source element and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// The source's word for it, its name and id.
    pub element: String,
    /// `node api, flow f1`, or empty when it was dropped.
    pub became: String,
    /// `guessed: …`, `dropped: …`, `carried: …`.
    pub notes: Vec<(String, String)>,
}

/// Does this file look like a Flowmap model (so that its load errors are what to show)?
pub fn is_flowmap(name: &str, bytes: &[u8]) -> bool {
    const TAG: &[u8] = b"flowmap/";
    name.ends_with(".flowmap.json") || bytes.windows(TAG.len()).any(|w| w == TAG)
}

/// Imports another tool's file (its format detected from the content) and checks the model as
/// of `today`.
pub fn preview(file: &str, text: &str, today: Date) -> Result<Preview, Failure> {
    let located = |source: &str, errors: flowmap_core::import::ImportErrors| {
        let errors = flowmap_core::LoadErrors {
            errors: errors.errors,
            omitted: errors.omitted,
        };
        Failure::of_load(source, &errors)
    };
    let source = detect(text.as_bytes(), file).map_err(|e| located(file, e))?;
    let imported = import(text.as_bytes(), source, &ImportOptions { file_name: file })
        .map_err(|e| located(file, e))?;
    let options = CheckOptions {
        today: Some(today),
        ..Default::default()
    };
    let summary = check(&imported.model, &options).summary;
    let report = imported.report.text(Some(&summary));
    let mut lines = report.lines().rev();
    // The CLI's pointer to `flowmap check`; here the findings panel lists them.
    let checked = lines
        .next()
        .unwrap_or_default()
        .replace("; `flowmap check` on the model lists them", "");
    let tally = lines.next().unwrap_or_default().to_owned();
    let rows = imported
        .report
        .elements
        .iter()
        .map(|e| {
            let mut element = e.kind.clone();
            if let Some(name) = e.name.as_deref().filter(|n| !n.is_empty()) {
                element.push_str(&format!(" “{name}”"));
            }
            if let Some(id) = &e.id {
                element.push_str(&format!(" ({id})"));
            }
            let became = e
                .mapped_to
                .iter()
                .map(|t| match t.kind {
                    TargetKind::Model => "model".to_owned(),
                    kind => format!("{} {}", kind.as_str(), t.id),
                })
                .collect::<Vec<_>>()
                .join(", ");
            Row {
                element,
                became,
                notes: e
                    .notes
                    .iter()
                    .map(|n| (n.kind.as_str().to_owned(), n.message.clone()))
                    .collect(),
            }
        })
        .collect();
    let threats = imported
        .report
        .threats
        .iter()
        .map(|t| match &t.on {
            Some(on) => format!("{} (on {} {})", t.title, on.kind.as_str(), on.id),
            None => t.title.clone(),
        })
        .collect();
    Ok(Preview {
        file: file.to_owned(),
        source: source.title().to_owned(),
        model_json: flowmap_core::to_file_json(&imported.model),
        headline: report.lines().next().unwrap_or_default().to_owned(),
        tally,
        checked,
        rows,
        threats,
    })
}

/// Imports a file that is not a Flowmap model in the worker, then shows the dialog (or the
/// file's located errors).
pub fn start(ui: Ui, name: String, bytes: Vec<u8>) {
    let request = Request::Import {
        file_name: name,
        text: String::from_utf8_lossy(&bytes).into_owned(),
        today: crate::platform::today().to_string(),
    };
    spawn_local(async move {
        match jobs::ask(request).await {
            Response::Import(preview) => {
                ui.failure.set(None);
                ui.importing.set(Some(preview));
                ui.dialog.set(Dialog::Import);
            }
            Response::Failed(failure) => ui.failure.set(Some(failure)),
            _ => ui.failure.set(Some(session::unreadable(
                "the worker",
                "unexpected answer from the worker",
            ))),
        }
    });
}

/// The import report, and the choice to open the imported model or not.
#[component]
pub fn ImportDialog() -> impl IntoView {
    let ui = expect_context::<Ui>();
    let Some(p) = ui.importing.get_untracked() else {
        return ().into_any();
    };
    let close = move || {
        ui.dialog.set(Dialog::None);
        ui.importing.set(None);
    };
    let json = p.model_json.clone();
    let file = p.file.clone();
    let accept = move |_| {
        match session::load(&file, json.as_bytes()) {
            Ok(model) => ui.replace(model),
            Err(failure) => ui.failure.set(Some(failure)),
        }
        close();
    };
    view! {
        <div class="dialog-backdrop" on:click=move |_| close()>
            <div class="dialog import" role="dialog" aria-modal="true" aria-labelledby="import-title" data-import-dialog=""
                on:click=|ev| ev.stop_propagation()>
                <header class="dialog-head">
                    <h2 id="import-title">"Import from " {p.source.clone()}</h2>
                    <button type="button" class="button quiet" on:click=move |_| close()>"Close"</button>
                </header>
                <p class="import-headline" data-import-headline="">{p.headline.clone()}</p>
                <p class="import-tally">{p.tally.clone()} " " {p.checked.clone()}</p>
                <div class="import-scroll">
                    <table class="import-report" data-import-report="">
                        <thead><tr><th>"Source element"</th><th>"Became"</th><th>"Notes"</th></tr></thead>
                        <tbody>
                            {p.rows.into_iter().map(|r| {
                                let dropped = r.became.is_empty();
                                view! {
                                    <tr class:dropped=dropped>
                                        <td>{r.element}</td>
                                        <td>{if dropped { "dropped".to_owned() } else { r.became }}</td>
                                        <td>{r.notes.into_iter().map(|(kind, message)| {
                                            let class = format!("note note-{kind}");
                                            view! { <p class=class><strong>{kind}</strong> ": " {message}</p> }
                                        }).collect_view()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    {(!p.threats.is_empty()).then(|| view! {
                        <h3>"Threats carried from the source (" {p.threats.len()} ")"</h3>
                        <p class="import-explain">"Flowmap does not analyse them; its findings are its own. They stay in this report and in `flowmap import`'s."</p>
                        <ul class="import-threats" data-import-threats="">
                            {p.threats.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}
                        </ul>
                    })}
                </div>
                <footer class="dialog-foot">
                    <span class="import-explain">"The current model stays one undo away."</span>
                    <button type="button" class="button" data-import="cancel" on:click=move |_| close()>"Cancel"</button>
                    <button type="button" class="button primary" data-import="open" on:click=accept>"Open the imported model"</button>
                </footer>
            </div>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TD: &str = include_str!("../../tests/fixtures/import/td/v2-model.json");

    fn today() -> Date {
        Date::parse("2026-11-22").unwrap()
    }

    #[test]
    fn a_threat_dragon_model_is_previewed_with_its_report() {
        let p = preview("v2-model.json", TD, today()).unwrap();
        assert_eq!(p.source, "OWASP Threat Dragon");
        assert!(
            p.headline.starts_with("Imported v2-model.json"),
            "{}",
            p.headline
        );
        assert!(!p.rows.is_empty());
        assert!(p.checked.starts_with("Checked:"), "{}", p.checked);
        let model = flowmap_core::load_str(&p.model_json).unwrap();
        assert!(!model.nodes.is_empty() && !model.flows.is_empty());
    }

    #[test]
    fn what_is_not_a_known_format_is_a_failure_naming_the_formats() {
        let failure = preview("notes.json", "{\"hello\": 1}", today()).unwrap_err();
        assert_eq!(failure.source, "notes.json");
        assert!(
            failure.summary().contains("Threat Dragon"),
            "{}",
            failure.summary()
        );
        let broken = preview("model.json", "{\"summary\": {", today()).unwrap_err();
        assert!(broken.problems[0].line > 0, "{broken:?}");
    }

    #[test]
    fn flowmap_files_are_told_apart() {
        assert!(is_flowmap("x.flowmap.json", b"{"));
        assert!(is_flowmap("x.json", b"{\"format\": \"flowmap/1\""));
        assert!(!is_flowmap("x.json", TD.as_bytes()));
    }
}
