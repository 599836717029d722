//! Work that is done rarely and needs much code — exports today; imports, diffs and drift
//! later — runs in a second wasm module, a same-origin Web Worker loaded on first use
//! (`app/src/bin/flowmap-worker.rs`), so that the first load holds only what draws and checks.
//!
//! This module is the protocol, in plain Rust: a [`Request`] goes to the worker as JSON, [`run`]
//! answers it there with a [`Response`]. The plumbing (`platform::worker`) moves opaque text and
//! matches answers to questions; it knows nothing of the variants. To add a kind of work, add a
//! variant to [`Request`] (and, if its answer is new, to [`Response`]) and an arm to [`run`];
//! callers `ask(Request::…).await`. Nothing else changes.
//!
//! Errors come back as [`Response::Failed`], a [`Failure`] with every located problem (JSON
//! pointer, line, column), never lost: a request the worker cannot read, a model that does not
//! load, a worker that cannot start or crashes (the plumbing turns that into a `Failed` too).

use flowmap_core::export::{export, ExportContext, Format};
use flowmap_core::{check, CheckOptions, Timestamp};
use serde::{Deserialize, Serialize};

use crate::session::Failure;

/// What the worker is asked to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request {
    /// One export of a model, byte for byte what `flowmap export --format FORMAT` writes.
    Export {
        /// The CLI's format name (`sarif`, `oscal`, `html`, …).
        format: String,
        /// The model file's text (`flowmap_core::to_file_json`).
        model_json: String,
        /// The model file's name, for SARIF locations and report titles.
        source_path: String,
        /// When the evidence was produced, RFC 3339 UTC (`2026-11-22T17:38:52Z`).
        timestamp: String,
    },
    /// Another tool's file imported (`crate::import_dialog::preview`).
    Import {
        file_name: String,
        text: String,
        /// The day the imported model is checked as of, `YYYY-MM-DD`.
        today: String,
    },
    /// The model compared with a baseline (`crate::compare::between`).
    Compare {
        /// The baseline file's name, for its located errors.
        baseline_name: String,
        baseline_json: String,
        model_json: String,
        /// The day both are checked as of, `YYYY-MM-DD`.
        today: String,
    },
}

/// The worker's answer to one [`Request`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "response", rename_all = "kebab-case")]
pub enum Response {
    /// The text of an export.
    Export { text: String },
    /// An import and its report.
    Import(crate::import_dialog::Preview),
    /// What differs between a baseline and the model.
    Compare(crate::compare::Changes),
    /// The request could not be done; every problem with its location.
    Failed(Failure),
}

/// Answers a request (in the worker; on the host in tests).
pub fn run(request: Request) -> Response {
    match request {
        Request::Import {
            file_name,
            text,
            today,
        } => match flowmap_core::Date::parse(&today) {
            Err(e) => failed(&file_name, &e),
            Ok(today) => match crate::import_dialog::preview(&file_name, &text, today) {
                Ok(preview) => Response::Import(preview),
                Err(failure) => Response::Failed(failure),
            },
        },
        Request::Compare {
            baseline_name,
            baseline_json,
            model_json,
            today,
        } => match flowmap_core::Date::parse(&today) {
            Err(e) => failed(&baseline_name, &e),
            Ok(today) => {
                match crate::compare::between(&baseline_name, &baseline_json, &model_json, today) {
                    Ok(changes) => Response::Compare(changes),
                    Err(failure) => Response::Failed(failure),
                }
            }
        },
        Request::Export {
            format,
            model_json,
            source_path,
            timestamp,
        } => {
            let Some(format) = Format::parse(&format) else {
                return failed(
                    &source_path,
                    &format!("there is no export format {format:?}"),
                );
            };
            let timestamp = match Timestamp::parse(&timestamp) {
                Ok(t) => t,
                Err(e) => return failed(&source_path, &e),
            };
            let model = match flowmap_core::load(model_json.as_bytes()) {
                Ok(model) => model,
                Err(errors) => return Response::Failed(Failure::of_load(&source_path, &errors)),
            };
            let options = CheckOptions {
                today: Some(timestamp.date()),
                ..Default::default()
            };
            let report = check(&model, &options);
            let context = ExportContext {
                source: Some(&model_json),
                source_path: &source_path,
                ..ExportContext::new(&model, &report, timestamp)
            };
            Response::Export {
                text: export(format, &context),
            }
        }
    }
}

fn failed(source: &str, message: &str) -> Response {
    Response::Failed(crate::session::unreadable(source, message))
}

/// The worker's side of the wire: a request as JSON in, its response as JSON out. A request
/// that does not parse (a newer page talking to an older worker) is answered with a failure.
pub fn serve_text(text: &str) -> String {
    let response = match serde_json::from_str::<Request>(text) {
        Ok(request) => run(request),
        Err(e) => failed(
            "the request",
            &format!("the worker could not read the request ({e}); reload the page"),
        ),
    };
    serde_json::to_string(&response).expect("a response serializes")
}

/// Asks the worker (starting it on first use) and waits for its answer.
pub async fn ask(request: Request) -> Response {
    let text = serde_json::to_string(&request).expect("a request serializes");
    match crate::platform::worker::call(text).await {
        Ok(answer) => serde_json::from_str(&answer).unwrap_or_else(|e| {
            failed(
                "the worker's answer",
                &format!("the answer could not be read ({e})"),
            )
        }),
        Err(reason) => failed("the worker", &reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export_request(format: &str, model_json: &str) -> Request {
        Request::Export {
            format: format.into(),
            model_json: model_json.into(),
            source_path: "shop.flowmap.json".into(),
            timestamp: "2026-11-22T12:00:00Z".into(),
        }
    }

    #[test]
    fn an_export_is_what_the_cli_writes() {
        let model = flowmap_core::load_str(crate::session::EXAMPLE).unwrap();
        let json = flowmap_core::to_file_json(&model);
        let at = Timestamp::parse("2026-11-22T12:00:00Z").unwrap();
        let report = check(
            &model,
            &CheckOptions {
                today: Some(at.date()),
                ..Default::default()
            },
        );
        for format in Format::ALL {
            let expected = export(
                *format,
                &ExportContext {
                    source: Some(&json),
                    source_path: "shop.flowmap.json",
                    ..ExportContext::new(&model, &report, at)
                },
            );
            assert_eq!(
                run(export_request(format.name(), &json)),
                Response::Export { text: expected },
                "{}",
                format.name()
            );
        }
    }

    #[test]
    fn the_wire_round_trips_and_errors_are_located() {
        let request = export_request(
            "sarif",
            "{\n  \"format\": \"flowmap/1\",\n  \"nodes\": 3\n}",
        );
        let text = serde_json::to_string(&request).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&text).unwrap(), request);
        let answer: Response = serde_json::from_str(&serve_text(&text)).unwrap();
        let Response::Failed(failure) = answer else {
            panic!("a broken model is refused: {answer:?}");
        };
        assert_eq!(failure.source, "shop.flowmap.json");
        assert!(failure
            .problems
            .iter()
            .any(|p| p.pointer == "/nodes" && p.line == 3));
        for broken in ["not json", "{\"request\": \"teleport\"}"] {
            let answer: Response = serde_json::from_str(&serve_text(broken)).unwrap();
            assert!(
                matches!(&answer, Response::Failed(f) if !f.problems[0].message.is_empty()),
                "{broken}: {answer:?}"
            );
        }
        let unknown = run(export_request("pdf", "{}"));
        assert!(matches!(unknown, Response::Failed(f) if f.problems[0].message.contains("pdf")));
    }
}
