//! Importers: other tools' models into `flowmap/1`, with a report of what became of each
//! source element. Plain Rust, no I/O: the CLI (`flowmap import`) and the app's Open call the
//! same functions with the bytes of a file.
//!
//! One foundation, one file per format:
//! - [`document`]: bytes → JSON or YAML value with a position for every JSON pointer, and a
//!   [`document::Reader`] whose typed reads report located errors (pointer, line, column);
//! - [`yaml`]: the YAML reader, with bounded depth, bounded alias expansion and tags handed to
//!   a resolver (CloudFormation's `!Ref` and friends);
//! - [`build`]: the model under construction: stable ids, the report's bookkeeping, class and
//!   boundary helpers, positions, and the final check by the project's own loader;
//! - [`report`]: the import report, as text and as JSON (`flowmap-import-report/1`);
//! - [`threat_dragon`], [`otm`], [`threagile`], [`pytm`], [`calm`], [`terraform`],
//!   [`cloudformation`]: the formats; the last two share [`aws`], the knowledge of AWS resource
//!   types.
//!
//! A new format is a variant of [`Source`] (its name, title, and three match arms below) and
//! one module with a `sniff` and a `read` function.
//!
//! All or nothing, as with the loader: an import returns a model only when the source had no
//! error at all, and that model has passed [`crate::load::load_str`].

pub mod aws;
pub mod build;
pub mod calm;
pub mod carry;
pub mod cloudformation;
pub mod document;
pub mod merge;
pub mod otm;
pub mod pytm;
pub mod report;
pub mod terraform;
pub mod threagile;
pub mod threat_dragon;
pub mod yaml;

use std::fmt;

use serde_json::Value;

use crate::load::{single, LoadError, LoadErrors};
use crate::model::Model;
use build::Builder;
use document::{Document, Reader};
pub use report::ImportReport;

/// The formats Flowmap imports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// OWASP Threat Dragon models, version 2 (and version 1, which Threat Dragon migrates).
    ThreatDragon,
    /// Open Threat Model (OTM), JSON or YAML.
    Otm,
    /// Threagile models (YAML).
    Threagile,
    /// pytm's JSON output (`tm.py --json`).
    Pytm,
    /// FINOS CALM architectures (JSON).
    Calm,
    /// Terraform plans and states (`terraform show -json`).
    Terraform,
    /// CloudFormation and SAM templates, YAML or JSON.
    CloudFormation,
}

impl Source {
    /// Every format, in the order detection tries them.
    pub const ALL: &'static [Source] = &[
        Source::ThreatDragon,
        Source::Otm,
        Source::Threagile,
        Source::Pytm,
        Source::Calm,
        Source::Terraform,
        Source::CloudFormation,
    ];

    /// The name on the command line (`--from NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Source::ThreatDragon => "td",
            Source::Otm => "otm",
            Source::Threagile => "threagile",
            Source::Pytm => "pytm",
            Source::Calm => "calm",
            Source::Terraform => "terraform",
            Source::CloudFormation => "cloudformation",
        }
    }

    /// The name people know the format by.
    pub fn title(self) -> &'static str {
        match self {
            Source::ThreatDragon => "OWASP Threat Dragon",
            Source::Otm => "Open Threat Model",
            Source::Threagile => "Threagile",
            Source::Pytm => "pytm",
            Source::Calm => "FINOS CALM",
            Source::Terraform => "Terraform",
            Source::CloudFormation => "AWS CloudFormation",
        }
    }

    pub fn parse(name: &str) -> Option<Source> {
        Source::ALL.iter().copied().find(|s| s.name() == name)
    }

    /// What a document of this format looks like, for the message when detection fails.
    fn looks_like(self) -> &'static str {
        match self {
            Source::ThreatDragon => {
                "a JSON object with \"summary\" and \"detail\" (\"detail.diagrams\")"
            }
            Source::Otm => "a JSON or YAML object with \"otmVersion\" and \"project\"",
            Source::Threagile => {
                "a YAML object with \"threagile_version\" and \"technical_assets\""
            }
            Source::Pytm => {
                "a JSON object with \"elements\", \"flows\" and \"threatsFile\" (tm.py --json)"
            }
            Source::Calm => {
                "a JSON object with \"nodes\" (each with \"unique-id\" and \"node-type\") and \"relationships\""
            }
            Source::Terraform => {
                "the JSON of terraform show -json, with \"format_version\" and \"planned_values\" or \"values\""
            }
            Source::CloudFormation => {
                "a JSON or YAML template with \"Resources\" of type \"AWS::…\""
            }
        }
    }

    /// Does the document look like this format?
    fn sniff(self, value: &Value) -> bool {
        match self {
            Source::ThreatDragon => threat_dragon::sniff(value),
            Source::Otm => otm::sniff(value),
            Source::Threagile => threagile::sniff(value),
            Source::Pytm => pytm::sniff(value),
            Source::Calm => calm::sniff(value),
            Source::Terraform => terraform::sniff(value),
            Source::CloudFormation => cloudformation::sniff(value),
        }
    }

    fn read(self, reader: &mut Reader, builder: &mut Builder) {
        match self {
            Source::ThreatDragon => threat_dragon::read(reader, builder),
            Source::Otm => otm::read(reader, builder),
            Source::Threagile => threagile::read(reader, builder),
            Source::Pytm => pytm::read(reader, builder),
            Source::Calm => calm::read(reader, builder),
            Source::Terraform => terraform::read(reader, builder),
            Source::CloudFormation => cloudformation::read(reader, builder),
        }
    }

    /// How the format's YAML tags are read (CloudFormation's short-form intrinsics; the
    /// other formats use none).
    fn tags(self) -> yaml::TagResolver<'static> {
        match self {
            Source::CloudFormation => &cloudformation::resolve_tag,
            _ => &yaml::no_tags,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How an import is run.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions<'a> {
    /// The file's name as the user gave it: it chooses YAML for `.yaml`/`.yml`, names the file
    /// in the report, and names the model when the source has no title.
    pub file_name: &'a str,
}

/// A model made from another tool's file, and the report of how.
#[derive(Clone, Debug)]
pub struct Imported {
    pub model: Model,
    pub report: ImportReport,
}

/// Why an import gave no model: every problem, located in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportErrors {
    /// The format the file was read as (`None` when it could not be told).
    pub source: Option<Source>,
    pub errors: Vec<LoadError>,
    /// Errors beyond [`crate::load::MAX_ERRORS`], not listed.
    pub omitted: usize,
}

impl ImportErrors {
    pub(crate) fn new(source: Option<Source>, errors: Vec<LoadError>) -> ImportErrors {
        let LoadErrors { errors, omitted } = LoadErrors::of(errors);
        ImportErrors {
            source,
            errors,
            omitted,
        }
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = LoadErrors {
            errors: self.errors.clone(),
            omitted: self.omitted,
        };
        errors.fmt(f)
    }
}

impl std::error::Error for ImportErrors {}

/// Tells the format of a file from its content (the name only decides JSON or YAML).
pub fn detect(bytes: &[u8], file_name: &str) -> Result<Source, ImportErrors> {
    // CloudFormation's tags are read while detecting, so a template in YAML can be told.
    let document = Document::parse(bytes, file_name, &cloudformation::resolve_tag)
        .map_err(|errors| ImportErrors::new(None, errors))?;
    let matches: Vec<Source> = Source::ALL
        .iter()
        .copied()
        .filter(|s| s.sniff(&document.value))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => {
            let known: Vec<String> = Source::ALL
                .iter()
                .map(|s| format!("{} ({}: {})", s.name(), s.title(), s.looks_like()))
                .collect();
            let message = format!(
                "cannot tell which tool wrote this file: it looks like none of {}; name the format to read it as",
                known.join(", ")
            );
            Err(ImportErrors::new(None, single(1, 1, message).errors))
        }
        several => {
            let names: Vec<&str> = several.iter().map(|s| s.name()).collect();
            let message = format!(
                "this file looks like several formats ({}); name the one to read it as",
                names.join(", ")
            );
            Err(ImportErrors::new(None, single(1, 1, message).errors))
        }
    }
}

/// Imports a file of the given format.
pub fn import(
    bytes: &[u8],
    source: Source,
    options: &ImportOptions,
) -> Result<Imported, ImportErrors> {
    let document = Document::parse(bytes, options.file_name, source.tags())
        .map_err(|errors| ImportErrors::new(Some(source), errors))?;
    let mut reader = Reader::new(&document);
    let mut builder = Builder::new(source, options.file_name);
    if reader.object(&document.root()).is_some() {
        source.read(&mut reader, &mut builder);
    }
    let errors = std::mem::take(&mut reader.errors);
    builder.finish(errors)
}
