//! `flowmap export MODEL --format FORMAT [-o FILE] [--timestamp RFC3339] [--today YYYY-MM-DD]`:
//! evidence and exchange formats (the core's exporters) written to a file or standard output.
//!
//! Exit codes: 0 written (findings do not change it), 2 the model could not be used (the same
//! located errors as `check`) or the output could not be written.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use flowmap_core::export::{export, ExportContext, Format};
use flowmap_core::{check, load, CheckOptions, Date, Timestamp};

/// Arguments of `flowmap export`.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// The model file (`.flowmap.json`), or `-` for standard input.
    pub model: PathBuf,
    /// Output format.
    #[arg(long, value_parser = format_parser())]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// When the evidence was produced, in UTC (default: now). Pass one to reproduce the bytes
    /// of an earlier export.
    #[arg(long, value_name = "RFC3339", value_parser = parse_timestamp)]
    pub timestamp: Option<Timestamp>,
    /// Judge waiver and attestation expiry as of this day (default: the timestamp's day).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.iter().map(|f| f.name()))
        .map(|name| Format::parse(&name).expect("clap accepts only the names of formats"))
}

pub(crate) fn parse_timestamp(text: &str) -> Result<Timestamp, String> {
    Timestamp::parse(text)
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text)
}

/// The current UTC time, from the system clock (the core never reads it).
pub(crate) fn now() -> Timestamp {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Timestamp::from_unix_seconds(seconds)
}

/// The model path as SARIF and evidence name it: as given, with `/` separators.
pub(crate) fn source_path(model: &Path) -> String {
    model.to_string_lossy().replace('\\', "/")
}

/// Runs `flowmap export`.
pub fn run(args: &ExportArgs) -> Result<ExitCode, String> {
    let bytes = crate::read_model(&args.model)?;
    let display = args.model.display().to_string();
    let model = match load(&bytes) {
        Ok(model) => model,
        Err(errors) => {
            crate::print_load_errors(&display, &errors);
            return Ok(ExitCode::from(2));
        }
    };
    let timestamp = args.timestamp.unwrap_or_else(now);
    let options = CheckOptions {
        today: Some(args.today.unwrap_or(timestamp.date())),
        ..Default::default()
    };
    let report = check(&model, &options);
    // The loader accepted the bytes, so they are UTF-8.
    let source = String::from_utf8_lossy(&bytes);
    let path = source_path(&args.model);
    let context = ExportContext {
        model: &model,
        report: &report,
        source: Some(&source),
        source_path: &path,
        timestamp,
    };
    let text = export(args.format, &context);
    match &args.output {
        Some(file) => std::fs::write(file, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?,
        // Plain stdout, not a color-stripping stream: exports are data and must stay byte-exact.
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| format!("cannot write output: {e}"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_paths_use_forward_slashes() {
        assert_eq!(
            source_path(Path::new(r"models\shop.flowmap.json")),
            "models/shop.flowmap.json"
        );
        assert_eq!(source_path(Path::new("a/b.json")), "a/b.json");
    }
}
