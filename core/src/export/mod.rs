//! Exporters: one function per format, shared by `flowmap export` and the app's Export menu.
//!
//! Every exporter is a pure function of an [`ExportContext`]: the model, its check report, the
//! text of the model file (for line/column locations), its path as the user named it, and a
//! timestamp passed in. The same context gives byte-identical output. Every user string is
//! escaped for its target format.

use crate::check::Report;
use crate::date::Timestamp;
use crate::evidence::Comparison;
use crate::model::Model;

pub mod calm;
pub mod csv;
pub mod escape;
pub mod mermaid;
pub mod oscal;
pub mod otm;
pub mod report;
pub mod sarif;
pub mod svg;
pub mod threat_dragon;

/// Everything an exporter may read.
pub struct ExportContext<'a> {
    pub model: &'a Model,
    pub report: &'a Report,
    /// The model file's text as checked (for SARIF regions); `None` when there is no file
    /// (the app exports what is in memory: it passes `to_file_json(model)`).
    pub source: Option<&'a str>,
    /// The model file's path, `/`-separated: relative to `source_root` when that is known,
    /// absolute when the file lies outside any repository, or just a name (the app).
    pub source_path: &'a str,
    /// The absolute path of the repository root the model lies in, `/`-separated, when known
    /// (SARIF's `%SRCROOT%`).
    pub source_root: Option<&'a str>,
    /// The git commit the model file is unchanged from, when known (40 hex digits).
    pub source_commit: Option<&'a str>,
    /// The comparison of the model with the running system, when one was made (drift).
    pub comparison: Option<&'a Comparison>,
    /// When the evidence was produced.
    pub timestamp: Timestamp,
}

impl<'a> ExportContext<'a> {
    /// A context for a model held in memory: no file text, no repository, no comparison.
    pub fn new(model: &'a Model, report: &'a Report, timestamp: Timestamp) -> ExportContext<'a> {
        ExportContext {
            model,
            report,
            source: None,
            source_path: "model.flowmap.json",
            source_root: None,
            source_commit: None,
            comparison: None,
            timestamp,
        }
    }
}

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// The model itself, canonical form, pretty-printed.
    Model,
    /// The findings document, `flowmap-findings/1`.
    Findings,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// OSCAL 1.0.6 assessment results, for GRC tools.
    Oscal,
    /// One row per control, rule and element tested, for spreadsheets.
    Csv,
    /// The auditor's report: one self-contained HTML file, printable to PDF.
    Html,
    /// The auditor's report as GitHub-flavoured Markdown.
    Markdown,
    /// The diagram as a standalone SVG.
    Svg,
    /// The diagram as Mermaid flowchart text.
    Mermaid,
    /// An OWASP Threat Dragon v2 model (findings as threats).
    ThreatDragon,
    /// An Open Threat Model (OTM) document (findings as threats and mitigations).
    Otm,
    /// A FINOS CALM 1.1 architecture (nodes and relationships; no findings: CALM has no place).
    Calm,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: &'static [Format] = &[
        Format::Model,
        Format::Findings,
        Format::Sarif,
        Format::Oscal,
        Format::Csv,
        Format::Html,
        Format::Markdown,
        Format::Svg,
        Format::Mermaid,
        Format::ThreatDragon,
        Format::Otm,
        Format::Calm,
    ];

    /// The name used on the command line (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Model => "model",
            Format::Findings => "findings",
            Format::Sarif => "sarif",
            Format::Oscal => "oscal",
            Format::Csv => "csv",
            Format::Html => "html",
            Format::Markdown => "markdown",
            Format::Svg => "svg",
            Format::Mermaid => "mermaid",
            Format::ThreatDragon => "td",
            Format::Otm => "otm",
            Format::Calm => "calm",
        }
    }

    /// The file extension, for default output names and downloads.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Model => "flowmap.json",
            Format::Findings => "findings.json",
            Format::Sarif => "sarif",
            Format::Oscal => "oscal.json",
            Format::Csv => "csv",
            Format::Html => "report.html",
            Format::Markdown => "report.md",
            Format::Svg => "svg",
            Format::Mermaid => "mmd",
            Format::ThreatDragon => "threat-dragon.json",
            Format::Otm => "otm.json",
            Format::Calm => "calm.json",
        }
    }

    /// The media type, for downloads.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Model | Format::Findings => "application/json",
            Format::Sarif => "application/sarif+json",
            Format::Oscal => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Svg => "image/svg+xml",
            Format::Mermaid => "text/plain; charset=utf-8",
            Format::ThreatDragon | Format::Otm | Format::Calm => "application/json",
        }
    }

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }
}

/// Writes one format.
pub fn export(format: Format, context: &ExportContext) -> String {
    match format {
        Format::Model => crate::canonical::canonical_pretty(context.model),
        Format::Findings => {
            crate::document::findings_json_at(context.model, context.report, context.timestamp)
        }
        Format::Sarif => sarif::sarif(context),
        Format::Oscal => oscal::oscal(context),
        Format::Csv => csv::csv(context),
        Format::Html => report::html(context),
        Format::Markdown => report::markdown(context),
        Format::Svg => svg::svg(context.model, context.report),
        Format::Mermaid => mermaid::mermaid(context.model, context.report),
        Format::ThreatDragon => threat_dragon::threat_dragon(context),
        Format::Otm => otm::otm(context),
        Format::Calm => calm::calm(context),
    }
}
