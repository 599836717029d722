//! `flowmap`: check Flowmap models in CI.
//!
//! read → check → print → exit code. Exit codes: 0 no finding at or above the threshold,
//! 1 findings at or above it, 2 the model (or the command line) could not be used.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use clap::{Parser, Subcommand, ValueEnum};
mod diff;
mod export;
mod import;
mod sign;
mod verify;

use flowmap_core::diff::{BaselineState, FindingChanges};
use flowmap_core::{
    check, findings_json, load, CheckOptions, Date, Finding, LoadErrors, Locator, Model, Pointers,
    Report, Severity, Timestamp,
};

#[derive(Parser)]
#[command(
    name = "flowmap",
    version,
    about = "Map where your data goes, and check it.",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a model against the rule catalog.
    Check(CheckArgs),
    /// List the rule catalog, or explain one rule.
    Rules {
        /// A rule id such as ENC-001.
        id: Option<String>,
        /// Print the catalog as a Markdown table.
        #[arg(long, conflicts_with = "id")]
        markdown: bool,
    },
    /// Export the model, its findings or audit evidence (SARIF, OSCAL, CSV, report, diagram…).
    Export(export::ExportArgs),
    /// Compare two versions of a model: elements, data reach and findings introduced or
    /// resolved. Exit 1 when the change introduces a finding at or above --fail-on.
    Diff(diff::DiffArgs),
    /// Import another tool's model (OWASP Threat Dragon, Open Threat Model, Threagile, pytm,
    /// FINOS CALM) as a flowmap/1 model, with a report of what mapped to what. Exit 0 imported,
    /// 1 imported with findings at or above --fail-on, 2 the file could not be imported.
    Import(import::ImportArgs),
    /// Print the JSON Schema of the flowmap/1 format.
    Schema,
    /// Check that an evidence report (HTML or Markdown) is unmodified and was made from a
    /// model, and check its signature when there is one (REPORT.sig). Exit 0 verified, 1
    /// modified, made from another model or wrongly signed, 2 unreadable.
    Verify(verify::VerifyArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// The model file (`.flowmap.json`), or `-` for standard input.
    model: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    fail_on: FailOn,
    /// Skip a rule (repeatable).
    #[arg(long, value_name = "ID")]
    disable: Vec<String>,
    /// Run only these rules.
    #[arg(long, value_name = "ID,…", value_delimiter = ',')]
    only: Vec<String>,
    /// Group results by control id (SOC 2, ISO 27001, NIST, PCI DSS): the rules that test each
    /// control, the population each examined, passes and exceptions.
    #[arg(long)]
    by_control: bool,
    /// Judge waiver and attestation expiry as of this day (default: today, UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    today: Option<Date>,
    /// Compare with an earlier version (a file or `git:REV:PATH`): findings are new,
    /// updated or unchanged against it (SARIF `baselineState`), text shows only new and
    /// updated ones, and the exit code counts only findings the change introduces.
    #[arg(long, value_name = "OLD", conflicts_with = "by_control")]
    baseline: Option<String>,
    /// When the SARIF log was produced, in UTC (default: now).
    #[arg(long, value_name = "RFC3339", value_parser = export::parse_timestamp)]
    timestamp: Option<Timestamp>,
}

pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text)
}

/// Today's date in UTC, from the system clock (the core never reads it).
pub(crate) fn utc_today() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_days_since_epoch(seconds.div_euclid(86_400))
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Never,
}

impl FailOn {
    pub(crate) fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Never => None,
        }
    }
}

pub(crate) const EXIT_FINDINGS: u8 = 1;
pub(crate) const EXIT_UNUSABLE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Rules {
            id: None,
            markdown: false,
        } => print_rules(),
        Command::Rules {
            id: None,
            markdown: true,
        } => write_out(flowmap_core::rules::catalog_markdown()),
        Command::Rules { id: Some(id), .. } => explain_rule(&id),
        Command::Export(args) => export::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Schema => write_out(flowmap_core::schema_json()),
        Command::Verify(args) => verify::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            error_line(&message);
            ExitCode::from(EXIT_UNUSABLE)
        }
    }
}

pub(crate) fn style(color: AnsiColor) -> Style {
    Style::new().fg_color(Some(color.into())).bold()
}

pub(crate) fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Critical => style(AnsiColor::Magenta),
        Severity::High => style(AnsiColor::Red),
        Severity::Medium => style(AnsiColor::Yellow),
        Severity::Low => style(AnsiColor::Cyan),
    }
}

/// User text made safe for a terminal: control and bidi characters shown as `[U+XXXX]`
/// (an escape sequence in a node name must not clear the screen or forge a link), and line
/// breaks shown as `\n` so a name cannot forge an output line.
pub(crate) fn terminal(text: &str) -> String {
    flowmap_core::export::escape::visible(text).replace('\n', "\\n")
}

fn error_line(message: &str) {
    let red = style(AnsiColor::Red);
    let _ = writeln!(
        anstream::stderr(),
        "{red}error{red:#}: {}",
        terminal(message)
    );
}

/// Writes text to standard output, colors stripped when it is not a terminal (or `NO_COLOR`
/// is set). Every verb writes through here or [`write_raw`].
pub(crate) fn write_out(text: impl AsRef<[u8]>) -> Result<ExitCode, String> {
    let mut out = anstream::stdout();
    written(out.write_all(text.as_ref()).and_then(|()| out.flush()))
}

/// Writes bytes to standard output exactly as given (exports are data).
pub(crate) fn write_raw(bytes: &[u8]) -> Result<ExitCode, String> {
    let mut out = std::io::stdout().lock();
    written(out.write_all(bytes).and_then(|()| out.flush()))
}

/// The outcome of a write to standard output. A closed pipe (`flowmap … | head`) ends the
/// program at once, quietly and with status 0, as cargo and ruff do: the reader stopped
/// reading, which is not an error of ours (Rust ignores SIGPIPE, so the write reports it).
fn written(result: std::io::Result<()>) -> Result<ExitCode, String> {
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}

pub(crate) fn read_model(path: &Path) -> Result<Vec<u8>, String> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(bytes)
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    }
}

fn run_check(args: &CheckArgs) -> Result<ExitCode, String> {
    for id in args.disable.iter().chain(&args.only) {
        if flowmap_core::rules::find(id).is_none() {
            return Err(format!(
                "unknown rule {id:?} (`flowmap rules` lists the catalog)"
            ));
        }
    }
    let baseline = match args.baseline.as_deref().map(diff::Version::read) {
        None => None,
        Some(Ok(version)) => Some(version),
        Some(Err(Some(message))) => return Err(message),
        Some(Err(None)) => return Ok(ExitCode::from(EXIT_UNUSABLE)),
    };
    let bytes = read_model(&args.model)?;
    let display = args.model.display().to_string();
    let model = match load(&bytes) {
        Ok(model) => model,
        Err(errors) => {
            print_load_errors(&display, &errors);
            return Ok(ExitCode::from(EXIT_UNUSABLE));
        }
    };
    let options = CheckOptions {
        disabled: args.disable.iter().cloned().collect(),
        only: args.only.iter().cloned().collect::<BTreeSet<_>>(),
        today: Some(args.today.unwrap_or_else(utc_today)),
    };
    let report = check(&model, &options);
    let baseline = baseline.map(|version| {
        let changes =
            FindingChanges::between(&check(&version.model, &options).findings, &report.findings);
        (version, changes)
    });
    // The loader accepted the bytes, so they are UTF-8 (a BOM aside).
    let text = String::from_utf8_lossy(&bytes);
    match (args.format, args.by_control) {
        (Format::Json, false) => write_out(match &baseline {
            None => findings_json(&model, &report),
            Some((version, changes)) => flowmap_core::document::findings_json_with_baseline(
                &model,
                &report,
                &version.model,
                changes,
            ),
        })?,
        (Format::Json, true) => write_out(flowmap_core::controls_json(&model, &report, None))?,
        (Format::Sarif, _) => {
            let located = export::locate(&args.model, None)?;
            let context = flowmap_core::export::ExportContext {
                source: Some(&text),
                source_path: &located.path,
                source_root: located.root.as_deref(),
                ..flowmap_core::export::ExportContext::new(
                    &model,
                    &report,
                    args.timestamp.unwrap_or_else(export::now),
                )
            };
            write_raw(
                match &baseline {
                    None => flowmap_core::export::sarif::sarif(&context),
                    Some((version, changes)) => flowmap_core::export::sarif::sarif_with_baseline(
                        &context,
                        &version.model,
                        changes,
                        flowmap_core::export::sarif::Absent::Omitted,
                    ),
                }
                .as_bytes(),
            )?
        }
        (Format::Text, true) => print_controls(&report)?,
        (Format::Text, false) => match &baseline {
            None => print_text(&display, &text, &model, &report)?,
            Some((version, changes)) => {
                print_against_baseline(&display, &text, &model, &report, version, changes)?
            }
        },
    };
    let failing = match (args.fail_on.threshold(), &baseline) {
        (None, _) => 0,
        (Some(t), None) => report.summary.at_or_above(t),
        (Some(t), Some((_, changes))) => changes.newly_failing(t).len(),
    };
    Ok(if failing > 0 {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn print_load_errors(file: &str, errors: &LoadErrors) {
    let mut err = anstream::stderr();
    let red = style(AnsiColor::Red);
    let blue = style(AnsiColor::Blue);
    for error in &errors.errors {
        let at = if error.pointer.is_empty() {
            String::new()
        } else {
            format!(" at {}", terminal(&error.pointer))
        };
        let _ = writeln!(err, "{red}error{red:#}: {}", terminal(&error.message));
        let _ = writeln!(
            err,
            "  {blue}-->{blue:#} {file}:{}:{}{at}",
            error.line, error.column
        );
    }
    let total = errors.errors.len() + errors.omitted;
    let omitted = if errors.omitted > 0 {
        format!(" ({} not shown)", errors.omitted)
    } else {
        String::new()
    };
    let _ = writeln!(
        err,
        "{red}error{red:#}: {file} is not a valid flowmap/1 model: {total} error{}{omitted}",
        if total == 1 { "" } else { "s" }
    );
}

fn print_text(file: &str, text: &str, model: &Model, report: &Report) -> Result<ExitCode, String> {
    let mut out = Vec::new();
    let locator = Locator::new(text.strip_prefix('\u{feff}').unwrap_or(text));
    let pointers = Pointers::new(model);
    for finding in report.findings.iter().filter(|f| !f.waived) {
        print_finding(&mut out, file, &locator, &pointers, finding, "");
    }
    print_summary(&mut out, model, report, "");
    write_out(&out)
}

/// One finding in the manner of compilers: severity and rule (with a tag such as ` (new)`),
/// message, location, witness path, controls.
fn print_finding(
    out: &mut impl Write,
    file: &str,
    locator: &Locator,
    pointers: &Pointers,
    finding: &Finding,
    tag: &str,
) {
    let blue = style(AnsiColor::Blue);
    let dim = Style::new().dimmed();
    let sev = severity_style(finding.severity);
    let pointer = pointers.of(&finding.subject.id);
    let position = locator.locate(pointer);
    let _ = writeln!(
        out,
        "{sev}{}[{}]{sev:#}{tag}: {}",
        finding.severity,
        finding.rule,
        terminal(&finding.message)
    );
    let _ = writeln!(
        out,
        "  {blue}-->{blue:#} {file}:{}:{} {dim}{} {}{dim:#}",
        position.line,
        position.column,
        finding.subject.kind.as_str(),
        finding.subject.id
    );
    if !finding.path.is_empty() {
        let _ = writeln!(out, "   {blue}={blue:#} path: {}", finding.path.join(" → "));
    }
    let _ = writeln!(
        out,
        "   {blue}={blue:#} {} · {}",
        finding.name,
        grouped_controls(&finding.controls)
    );
    let _ = writeln!(out);
}

/// `check --baseline`: the findings the change made new or updated, then what it resolved,
/// then the summary with the baseline's counts.
fn print_against_baseline(
    file: &str,
    text: &str,
    model: &Model,
    report: &Report,
    baseline: &diff::Version,
    changes: &FindingChanges,
) -> Result<ExitCode, String> {
    let mut out = Vec::new();
    let locator = Locator::new(text.strip_prefix('\u{feff}').unwrap_or(text));
    let pointers = Pointers::new(model);
    for (finding, state) in report.findings.iter().zip(changes.states(&report.findings)) {
        let tag = match state {
            BaselineState::New => " (new)",
            BaselineState::Updated => " (updated)",
            _ => continue,
        };
        if !finding.waived {
            print_finding(&mut out, file, &locator, &pointers, finding, tag);
        }
    }
    let dim = Style::new().dimmed();
    for finding in &changes.resolved {
        let _ = writeln!(
            out,
            "{dim}resolved{dim:#} {}[{}]: {} {}",
            finding.severity,
            finding.rule,
            finding.subject.kind.as_str(),
            terminal(&finding.subject.id)
        );
    }
    if !changes.resolved.is_empty() {
        let _ = writeln!(out);
    }
    let against = format!(
        " Against {}: {} new, {} updated, {} unchanged (not shown), {} resolved.",
        terminal(&baseline.display),
        changes.introduced.len(),
        changes.updated.len(),
        changes.unchanged.len(),
        changes.resolved.len()
    );
    print_summary(&mut out, model, report, &against);
    write_out(&out)
}

/// The last line: counts by severity, waived, what was checked, and `extra`.
fn print_summary(out: &mut impl Write, model: &Model, report: &Report, extra: &str) {
    let summary = &report.summary;
    let waived = report.findings.iter().filter(|f| f.waived).count();
    let waived = if waived > 0 {
        format!(" ({waived} waived, not shown)")
    } else {
        String::new()
    };
    let checked = format!(
        "Checked {} nodes and {} flows with {} rules",
        model.nodes.len(),
        model.flows.len(),
        report.runs.len()
    );
    if summary.total() == 0 {
        let green = style(AnsiColor::Green);
        let _ = writeln!(
            out,
            "{green}No findings{green:#}{waived}. {checked}.{extra}"
        );
    } else {
        let bold = Style::new().bold();
        let _ = writeln!(
            out,
            "{bold}{} finding{}{bold:#}: {} critical, {} high, {} medium, {} low{waived}. {checked}.{extra}",
            summary.total(),
            if summary.total() == 1 { "" } else { "s" },
            summary.critical,
            summary.high,
            summary.medium,
            summary.low
        );
    }
}

/// `SOC2 CC6.1 CC6.7 · ISO27001 A.8.24 · NIST SC-8`: control ids grouped by framework.
fn grouped_controls(controls: &[&str]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for control in controls {
        let (framework, id) = control.split_once(':').unwrap_or(("", control));
        match groups.iter_mut().find(|(f, _)| *f == framework) {
            Some((_, ids)) => ids.push(id),
            None => groups.push((framework, vec![id])),
        }
    }
    groups
        .iter()
        .map(|(f, ids)| format!("{f} {}", ids.join(" ")))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn print_controls(report: &Report) -> Result<ExitCode, String> {
    use flowmap_core::control_view::TestScope;
    use flowmap_core::Conclusion;
    let mut out = Vec::new();
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let (green, red, yellow) = (
        style(AnsiColor::Green),
        style(AnsiColor::Red),
        style(AnsiColor::Yellow),
    );
    let controls = flowmap_core::by_control(report);
    let _ = writeln!(
        out,
        "{dim}{}. {}{dim:#}\n",
        flowmap_core::evidence::PROCEDURE,
        flowmap_core::evidence::comparison_sentence(None)
    );
    let mut framework = "";
    for control in &controls {
        if control.framework != framework {
            framework = control.framework;
            let title =
                flowmap_core::controls::Framework::of(&control.control).map_or("", |f| f.title());
            let _ = writeln!(out, "{bold}{title}{bold:#}");
        }
        let wording = control.conclusion.wording();
        let status = match control.conclusion {
            Conclusion::NoExceptionsFound => format!("{green}{wording}{green:#}"),
            Conclusion::ExceptionsFound => format!("{red}{wording}{red:#}"),
            Conclusion::NotTested => format!("{yellow}{wording}{yellow:#}"),
        };
        let _ = writeln!(
            out,
            "  {bold}{}{bold:#} {} {dim}—{dim:#} {status}",
            control.control, control.title
        );
        for test in &control.tests {
            let waived = if test.waived > 0 {
                format!(", {} waived", test.waived)
            } else {
                String::new()
            };
            let scope = match test.scope {
                TestScope::Rule => "",
                TestScope::Findings => " (through its findings)",
            };
            let _ = writeln!(
                out,
                "      {:<9} {:<40} population {:>4}: {:>4} passed, {:>3} exceptions{waived}{scope}",
                test.rule, test.name, test.population, test.passes, test.exceptions
            );
        }
    }
    let count = |conclusion: Conclusion| {
        controls
            .iter()
            .filter(|c| c.conclusion == conclusion)
            .count()
    };
    let _ = writeln!(
        out,
        "\n{} controls: {} with exceptions found in the design, {} with no exceptions found in the design, {} not tested.",
        controls.len(),
        count(Conclusion::ExceptionsFound),
        count(Conclusion::NoExceptionsFound),
        count(Conclusion::NotTested)
    );
    write_out(&out)
}

fn print_rules() -> Result<ExitCode, String> {
    let mut out = Vec::new();
    let bold = Style::new().bold();
    let _ = writeln!(
        out,
        "{bold}{:<9} {:<9} {:<40} SUMMARY{bold:#}",
        "ID", "SEVERITY", "NAME"
    );
    for rule in flowmap_core::REGISTRY {
        let sev = severity_style(rule.severity);
        let _ = writeln!(
            out,
            "{:<9} {sev}{:<9}{sev:#} {:<40} {}",
            rule.id,
            rule.severity.as_str(),
            rule.name,
            rule.summary
        );
    }
    let _ = writeln!(
        out,
        "\n{} rules. `flowmap rules ID` explains one.",
        flowmap_core::REGISTRY.len()
    );
    write_out(&out)
}

fn explain_rule(id: &str) -> Result<ExitCode, String> {
    let wanted = id.to_ascii_uppercase();
    let Some(rule) = flowmap_core::rules::find(&wanted) else {
        return Err(format!(
            "unknown rule {id:?} (`flowmap rules` lists the catalog)"
        ));
    };
    let mut out = Vec::new();
    let bold = Style::new().bold();
    let sev = severity_style(rule.severity);
    let _ = writeln!(out, "{bold}{} · {}{bold:#}", rule.id, rule.name);
    let _ = writeln!(out, "{}", rule.summary);
    let _ = writeln!(out, "Default severity: {sev}{}{sev:#}", rule.severity);
    let families: Vec<&str> = rule.families.iter().map(|f| f.title()).collect();
    let _ = writeln!(out, "Control families: {}", families.join(", "));
    let _ = writeln!(out, "Controls: {}\n", rule.controls().join(", "));
    let _ = writeln!(out, "{}", rule.docs());
    write_out(&out)
}
