//! The Export menu: every format of the core's exporters as a download, plus a PNG of the
//! diagram rendered in the browser. The exporters are the same functions `flowmap export`
//! runs, in the on-demand worker (`crate::jobs`); only the timestamp (the browser clock) and
//! the file name come from here.

use flowmap_core::export::Format;
use flowmap_core::{Model, Timestamp};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::editor::EditorState;
use crate::jobs::{self, Request, Response};
use crate::platform;

/// What the menu offers: a core format, or the diagram as PNG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    Format(Format),
    Png,
}

impl Choice {
    /// Menu entries, in order: the diagram first, then evidence, then data.
    pub fn all() -> Vec<Choice> {
        let mut choices = vec![Choice::Format(Format::Svg), Choice::Png];
        choices.extend(
            Format::ALL
                .iter()
                .copied()
                .filter(|f| *f != Format::Svg)
                .map(Choice::Format),
        );
        choices
    }

    /// The `data-export` name (the CLI's `--format` name; `png` for the image).
    pub fn name(self) -> &'static str {
        match self {
            Choice::Format(format) => format.name(),
            Choice::Png => "png",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Choice::Png => "Diagram (PNG)",
            Choice::Format(Format::Svg) => "Diagram (SVG)",
            Choice::Format(Format::Mermaid) => "Diagram (Mermaid)",
            Choice::Format(Format::Html) => "Audit report (HTML)",
            Choice::Format(Format::Markdown) => "Audit report (Markdown)",
            Choice::Format(Format::Sarif) => "Findings (SARIF)",
            Choice::Format(Format::Findings) => "Findings (JSON)",
            Choice::Format(Format::Oscal) => "Assessment results (OSCAL)",
            Choice::Format(Format::Csv) => "Tests of controls (CSV)",
            Choice::Format(Format::Model) => "Model (canonical JSON)",
            Choice::Format(Format::ThreatDragon) => "Threat Dragon model (JSON)",
            Choice::Format(Format::Otm) => "Open Threat Model (OTM)",
            Choice::Format(Format::Calm) => "FINOS CALM architecture (JSON)",
        }
    }
}

/// The file name for an export of `model`: `<slug>.<extension>`.
pub fn file_name(model: &Model, extension: &str) -> String {
    let base = crate::session::file_name(model);
    let stem = base.strip_suffix(".flowmap.json").unwrap_or(&base);
    format!("{stem}.{extension}")
}

/// The toolbar's Export button and its menu.
#[component]
pub fn ExportMenu() -> impl IntoView {
    let editor = expect_context::<EditorState>();
    let open = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let run = move |choice: Choice| {
        open.set(false);
        problem.set(None);
        let model = editor.model_untracked();
        let timestamp = Timestamp::from_unix_seconds((platform::now_ms() / 1000.0).floor() as i64);
        let format = match choice {
            Choice::Format(format) => format,
            Choice::Png => Format::Svg,
        };
        let request = Request::Export {
            format: format.name().to_owned(),
            model_json: flowmap_core::to_file_json(&model),
            source_path: crate::session::file_name(&model),
            timestamp: timestamp.to_string(),
        };
        busy.set(true);
        spawn_local(async move {
            let answer = jobs::ask(request).await;
            busy.try_set(false);
            let result = match (answer, choice) {
                (Response::Export { text }, Choice::Png) => {
                    platform::download_svg_as_png(&file_name(&model, "png"), &text)
                }
                (Response::Export { text }, Choice::Format(format)) => platform::download_text(
                    &file_name(&model, format.extension()),
                    &text,
                    format.media_type(),
                ),
                (Response::Failed(failure), _) => Err(failure
                    .problems
                    .iter()
                    .map(|p| match p.location() {
                        Some(at) => format!("{at}: {}", p.message),
                        None => p.message.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")),
            };
            problem.try_set(result.err());
        });
    };
    view! {
        <div class="export-menu">
            <button type="button" class="tool" data-action="export" title="Export the diagram, findings or audit evidence"
                aria-haspopup="menu" aria-expanded=move || open.get().to_string()
                aria-busy=move || busy.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>"Export ▾"</button>
            <Show when=move || open.get()>
                <ul class="export-list" role="menu">
                    {Choice::all().into_iter().map(|choice| view! {
                        <li role="none">
                            <button type="button" role="menuitem" data-export=choice.name()
                                on:click=move |_| run(choice)>{choice.label()}</button>
                        </li>
                    }).collect_view()}
                </ul>
            </Show>
            <Show when=move || problem.get().is_some()>
                <p class="export-problem" role="alert">"Export failed: " {move || problem.get().unwrap_or_default()}</p>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_format_is_offered_once_plus_png() {
        let names: Vec<&str> = Choice::all().iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), Format::ALL.len() + 1);
        for format in Format::ALL {
            assert_eq!(
                names.iter().filter(|n| **n == format.name()).count(),
                1,
                "{}",
                format.name()
            );
        }
        assert!(names.contains(&"png"));
    }

    #[test]
    fn file_names_follow_the_model() {
        let model = flowmap_core::load_str(crate::session::EXAMPLE).unwrap();
        assert_eq!(file_name(&model, "sarif"), "serverless-shop.sarif");
    }
}
