//! The findings document (`flowmap check --format json`), `flowmap-findings/1`.

use serde::Serialize;

use crate::canonical::model_sha256;
use crate::check::Report;
use crate::finding::{Finding, Summary};
use crate::model::Model;
use crate::rules::RULES_VERSION;

#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    model: ModelRef<'a>,
    tool: Tool,
    findings: &'a [Finding],
    summary: Summary,
}

#[derive(Serialize)]
struct ModelRef<'a> {
    name: &'a str,
    sha256: String,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
    rules_version: &'static str,
}

/// The findings document as pretty JSON with a trailing newline.
pub fn findings_json(model: &Model, report: &Report) -> String {
    let document = Document {
        format: "flowmap-findings/1",
        model: ModelRef {
            name: &model.name,
            sha256: model_sha256(model),
        },
        tool: Tool {
            name: "flowmap",
            version: crate::VERSION,
            rules_version: RULES_VERSION,
        },
        findings: &report.findings,
        summary: report.summary,
    };
    let mut text = serde_json::to_string_pretty(&document).expect("findings always serialize");
    text.push('\n');
    text
}
