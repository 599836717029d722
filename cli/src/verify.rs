//! `flowmap verify REPORT MODEL`: checks that an evidence report (HTML or Markdown, from
//! `flowmap export --format html|markdown`) was not edited after it was written and that it
//! was made from this model (see `flowmap_core::export::report::verify`).
//!
//! Exit codes: 0 verified; 1 the report was modified, belongs to another model, or is not a
//! Flowmap report; 2 the report or the model could not be read (the model's errors are
//! located as in `check`).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use flowmap_core::export::report::{verify, ReportFormat};
use flowmap_core::load;

const EXIT_MISMATCH: u8 = 1;
const EXIT_UNREADABLE: u8 = 2;

/// Verifies `report` against `model`. `Err` is a message for an unreadable file (exit 2).
pub fn run(report: &Path, model: &Path) -> Result<ExitCode, String> {
    let bytes =
        std::fs::read(report).map_err(|e| format!("cannot read {}: {e}", report.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        format!(
            "{} is not UTF-8 text, so not a Flowmap report",
            report.display()
        )
    })?;
    let model_bytes = crate::read_model(model)?;
    let model_display = model.display().to_string();
    let model = match load(&model_bytes) {
        Ok(model) => model,
        Err(errors) => {
            crate::print_load_errors(&model_display, &errors);
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    match verify(&text, &model) {
        Ok(ok) => {
            let green = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
            let format = match ok.format {
                ReportFormat::Html => "HTML",
                ReportFormat::Markdown => "Markdown",
            };
            let mut out = anstream::stdout();
            let _ = writeln!(
                out,
                "{green}verified{green:#}: {} is unmodified and was made from {model_display}",
                report.display()
            );
            let _ = writeln!(
                out,
                "  {format} report generated {} by Flowmap {} (rule catalog {})\n  model SHA-256 {}\n  body SHA-256  {}",
                ok.generated, ok.tool_version, ok.rules_version, ok.model_sha256, ok.body_sha256
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
            let _ = writeln!(
                anstream::stderr(),
                "{red}not verified{red:#}: {}: {error}",
                report.display()
            );
            Ok(ExitCode::from(EXIT_MISMATCH))
        }
    }
}
