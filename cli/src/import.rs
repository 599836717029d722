//! `flowmap import FILE [--from td|otm|threagile|pytm|calm|terraform|cloudformation] [-o OUT]
//! [--format text|json] [--fail-on LEVEL] [--merge EXISTING]`: another tool's model (OWASP Threat
//! Dragon, Open Threat Model, Threagile, pytm, FINOS CALM) or a system's infrastructure code (a
//! Terraform plan or state, a CloudFormation/SAM template) as a `flowmap/1` model, with the
//! import report.
//!
//! Where output goes, as compilers do it (the artefact apart from the diagnostics): the model
//! is written to `-o OUT`, or to standard output; the report (text or `--format json`) goes to
//! standard output when the model went to a file, and to standard error when the model took
//! standard output, so `flowmap import x.json > m.flowmap.json` leaves a clean model file and
//! the report on the terminal.
//!
//! Exit codes, as `check`: 0 imported; 1 imported, and the model has findings at or above
//! `--fail-on` (default `high`, as `check`; `never` for conversion only); 2 the file could not
//! be imported (every problem located) or the output could not be written.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use flowmap_core::import::merge::merge;
use flowmap_core::import::{detect, import, ImportErrors, ImportOptions, Source};
use flowmap_core::{check, to_file_json, CheckOptions};

use crate::FailOn;

/// Arguments of `flowmap import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// The other tool's file, or `-` for standard input.
    pub file: PathBuf,
    /// The format to read it as (detected from the content when omitted).
    #[arg(long, value_name = "FORMAT", value_parser = source_parser())]
    pub from: Option<Source>,
    /// Write the model to this file instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// The report's format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Merge into this model, which people have annotated: the code decides what exists and
    /// what it declares; data classes, owners, waivers, narratives and layout are kept. The
    /// report lists what the code added, removed or changed since.
    #[arg(long, value_name = "EXISTING")]
    pub merge: Option<PathBuf>,
    /// Exit with 1 when the imported model has a finding at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub fail_on: FailOn,
}

fn source_parser() -> impl TypedValueParser<Value = Source> {
    PossibleValuesParser::new(Source::ALL.iter().map(|s| s.name()))
        .map(|name| Source::parse(&name).expect("clap accepts only the names of formats"))
}

fn print_errors(file: &str, source: Option<Source>, errors: &ImportErrors) {
    let mut err = anstream::stderr();
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    for error in &errors.errors {
        let at = if error.pointer.is_empty() {
            String::new()
        } else {
            format!(" at {}", crate::terminal(&error.pointer))
        };
        let _ = writeln!(
            err,
            "{red}error{red:#}: {}",
            crate::terminal(&error.message)
        );
        let _ = writeln!(
            err,
            "  {blue}-->{blue:#} {file}:{}:{}{at}",
            error.line, error.column
        );
    }
    let total = errors.errors.len() + errors.omitted;
    let what = match source.or(errors.source) {
        Some(source) => format!("as {} ({})", source.title(), source.name()),
        None => "(format not recognised; name it with --from)".to_owned(),
    };
    let _ = writeln!(
        err,
        "{red}error{red:#}: {file} could not be imported {what}: {total} error{}",
        if total == 1 { "" } else { "s" }
    );
}

/// The import report's format.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

/// Runs `flowmap import`.
pub fn run(args: &ImportArgs) -> Result<ExitCode, String> {
    let bytes = crate::read_model(&args.file)?;
    let display = args.file.display().to_string();
    let source = match args.from {
        Some(source) => source,
        None => match detect(&bytes, &display) {
            Ok(source) => source,
            Err(errors) => {
                print_errors(&display, None, &errors);
                return Ok(ExitCode::from(2));
            }
        },
    };
    let imported = match import(
        &bytes,
        source,
        &ImportOptions {
            file_name: &display,
        },
    ) {
        Ok(imported) => imported,
        Err(errors) => {
            print_errors(&display, Some(source), &errors);
            return Ok(ExitCode::from(2));
        }
    };
    let (model, merged) = match &args.merge {
        Some(path) => {
            let bytes = crate::read_model(path)?;
            let existing = match flowmap_core::load(&bytes) {
                Ok(model) => model,
                Err(errors) => {
                    crate::print_load_errors(&path.display().to_string(), &errors);
                    return Ok(ExitCode::from(2));
                }
            };
            let (model, merged) = merge(&existing, &imported.model);
            (model, Some(merged))
        }
        None => (imported.model.clone(), None),
    };
    let options = CheckOptions {
        today: Some(crate::utc_today()),
        ..Default::default()
    };
    let report = check(&model, &options);
    let model = to_file_json(&model);
    let rendered = match (args.format, &merged) {
        (ReportFormat::Text, None) => imported.report.text(Some(&report.summary)),
        (ReportFormat::Text, Some(merged)) => {
            format!(
                "{}{}",
                imported.report.text(Some(&report.summary)),
                merged.text()
            )
        }
        (ReportFormat::Json, None) => imported.report.json(Some(&report.summary)),
        (ReportFormat::Json, Some(merged)) => {
            merged.json(&imported.report.json(Some(&report.summary)))
        }
    };
    match &args.output {
        Some(file) => {
            std::fs::write(file, model.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            // A closed pipe ends the program quietly (status 0).
            crate::write_raw(rendered.as_bytes())?;
        }
        None => {
            crate::write_raw(model.as_bytes())?;
            let _ = std::io::stderr().write_all(rendered.as_bytes());
        }
    }
    let failing = args
        .fail_on
        .threshold()
        .map_or(0, |t| report.summary.at_or_above(t));
    Ok(if failing > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
