//! `flowmap diff OLD NEW`: what a change does to a model (elements, data reach, findings), and
//! the baseline that `flowmap check --baseline OLD` compares against.
//!
//! OLD and NEW are files (`-` for standard input) or `git:REV:PATH`, read with `git` from the
//! repository of the current directory (PATH as `git show REV:PATH` takes it: from the
//! repository's root, or from the current directory when it starts with `./`). A path that does
//! not exist at REV is an empty model, so a pull request that adds the model diffs cleanly; a
//! revision that names no commit is an error.
//!
//! Exit codes: 0 no new finding at or above `--fail-on`, 1 the change introduces one (or raises
//! a finding to it, or ends its waiver), 2 a version could not be read.

use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

use anstyle::{AnsiColor, Style};
use flowmap_core::diff::markdown::{comment, CommentOptions, GITHUB_COMMENT_LIMIT};
use flowmap_core::diff::{
    compare_checked, describe, diff_json, ChangeKind, ElementChange, ElementKind, JsonOptions,
    ModelDiff,
};
use flowmap_core::export::sarif::{sarif_with_baseline, Absent};
use flowmap_core::export::ExportContext;
use flowmap_core::{check, load, CheckOptions, Date, Finding, Locator, Model, Pointers, Timestamp};

use crate::{severity_style, style, terminal, FailOn, EXIT_FINDINGS, EXIT_UNUSABLE};

/// Arguments of `flowmap diff`.
#[derive(clap::Args)]
pub struct DiffArgs {
    /// The version before the change: a model file, `-` for standard input, or `git:REV:PATH`.
    pub old: String,
    /// The version after the change, likewise.
    pub new: String,
    /// Output format: text for people, json (`flowmap-diff/1`) for machines, markdown for a
    /// pull-request comment, sarif for code scanning (results with `baselineState`).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when the change introduces a finding at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub fail_on: FailOn,
    /// List layout changes (moved and resized elements) too; they never affect findings and
    /// are only counted by default.
    #[arg(long)]
    pub layout: bool,
    /// Judge waiver and attestation expiry as of this day, in both versions (default: today,
    /// UTC).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::parse_date)]
    pub today: Option<Date>,
    /// When the SARIF log was produced, in UTC (default: now).
    #[arg(long, value_name = "RFC3339", value_parser = crate::export::parse_timestamp)]
    pub timestamp: Option<Timestamp>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
    Sarif,
}

/// One version of the model, read and loaded.
pub struct Version {
    /// How the user named it, for messages.
    pub display: String,
    /// The file's path for SARIF locations (`/`-separated; the path inside the repository for
    /// `git:REV:PATH`).
    pub source_path: String,
    /// The repository root `source_path` is relative to, when there is one (SARIF's
    /// `%SRCROOT%`).
    pub source_root: Option<String>,
    /// The file's text; `None` when the path does not exist at the revision.
    pub text: Option<String>,
    pub model: Model,
}

impl Version {
    /// The version a file or `git:REV:PATH` names. `Err(None)` when the model is invalid (its
    /// errors are printed), `Err(Some(message))` when it cannot be read.
    pub fn read(spec: &str) -> Result<Version, Option<String>> {
        let (bytes, source_path, source_root) = match spec.strip_prefix("git:") {
            Some(rest) => {
                let (rev, path) = rest.split_once(':').ok_or_else(|| {
                    Some(format!(
                        "{spec:?} names no path: write git:REV:PATH, e.g. git:main:model.flowmap.json"
                    ))
                })?;
                let source_path = path.strip_prefix("./").unwrap_or(path).to_owned();
                let root = git(&["rev-parse", "--show-toplevel"])
                    .ok()
                    .filter(|o| o.status.success())
                    .map(|o| String::from_utf8_lossy(&o.stdout).trim().replace('\\', "/"));
                (git_file(rev, path).map_err(Some)?, source_path, root)
            }
            None => {
                let bytes = crate::read_model(Path::new(spec)).map_err(Some)?;
                let located = crate::export::locate(Path::new(spec), None).map_err(Some)?;
                (Some(bytes), located.path, located.root)
            }
        };
        let Some(bytes) = bytes else {
            return Ok(Version {
                display: spec.to_owned(),
                source_path,
                source_root,
                text: None,
                model: Model::default(),
            });
        };
        match load(&bytes) {
            Ok(model) => Ok(Version {
                display: spec.to_owned(),
                source_path,
                source_root,
                // The loader accepted the bytes, so they are UTF-8.
                text: Some(String::from_utf8_lossy(&bytes).into_owned()),
                model,
            }),
            Err(errors) => {
                crate::print_load_errors(spec, &errors);
                Err(None)
            }
        }
    }
}

/// The bytes of `path` at `rev`, `None` when the path does not exist there.
fn git_file(rev: &str, path: &str) -> Result<Option<Vec<u8>>, String> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(format!(
            "{rev:?} is not a revision (git:REV:PATH wants a branch, tag or commit)"
        ));
    }
    let commit = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])?;
    if !commit.status.success() {
        let detail = String::from_utf8_lossy(&commit.stderr);
        let detail = detail.trim();
        return Err(if detail.is_empty() {
            format!("git: {rev:?} names no commit of this repository")
        } else {
            format!("git: {rev:?} names no commit of this repository: {detail}")
        });
    }
    let commit = String::from_utf8_lossy(&commit.stdout).trim().to_owned();
    let object = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{commit}:{path}"),
    ])?;
    if !object.status.success() {
        return Ok(None);
    }
    let object = String::from_utf8_lossy(&object.stdout).trim().to_owned();
    let blob = git(&["cat-file", "blob", &object])?;
    if !blob.status.success() {
        return Err(format!(
            "git: {path:?} at {rev:?} is not a file: {}",
            String::from_utf8_lossy(&blob.stderr).trim()
        ));
    }
    Ok(Some(blob.stdout))
}

fn git(args: &[&str]) -> Result<std::process::Output, String> {
    Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))
}

/// Runs `flowmap diff`.
pub fn run(args: &DiffArgs) -> Result<ExitCode, String> {
    let (old, new) = match (Version::read(&args.old), Version::read(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(Some(message)), _) | (_, Err(Some(message))) => return Err(message),
        _ => return Ok(ExitCode::from(EXIT_UNUSABLE)),
    };
    let today = args.today.unwrap_or_else(crate::utc_today);
    let options = CheckOptions {
        today: Some(today),
        ..CheckOptions::default()
    };
    let (old_report, new_report) = (check(&old.model, &options), check(&new.model, &options));
    let diff = compare_checked(&old.model, &old_report, &new.model, &new_report);
    let threshold = args.fail_on.threshold();
    let _ = match args.format {
        DiffFormat::Text => print_text(&old, &new, &diff, args)?,
        DiffFormat::Json => crate::write_raw(
            diff_json(
                &old.model,
                &new.model,
                &diff,
                &JsonOptions {
                    layout: args.layout,
                    today: Some(today),
                },
            )
            .as_bytes(),
        )?,
        DiffFormat::Markdown => crate::write_raw(
            comment(
                &old.model,
                &new.model,
                &diff,
                &CommentOptions {
                    old_label: &old.display,
                    new_label: &new.display,
                    fail_on: threshold,
                    layout: args.layout,
                    limit: GITHUB_COMMENT_LIMIT,
                },
            )
            .as_bytes(),
        )?,
        DiffFormat::Sarif => {
            let timestamp = args.timestamp.unwrap_or_else(crate::export::now);
            let context = ExportContext {
                source: new.text.as_deref(),
                source_path: &new.source_path,
                source_root: new.source_root.as_deref(),
                ..ExportContext::new(&new.model, &new_report, timestamp)
            };
            crate::write_raw(
                sarif_with_baseline(&context, &old.model, &diff.findings, Absent::Listed)
                    .as_bytes(),
            )?
        }
    };
    let failing = threshold.map_or(0, |t| diff.findings.newly_failing(t).len());
    Ok(if failing > 0 {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    })
}

/// Where a version's elements are in its file, for `--> file:line:col`.
pub struct Located<'a> {
    display: &'a str,
    locator: Option<Locator<'a>>,
    pointers: Pointers,
}

impl<'a> Located<'a> {
    pub fn of(version: &'a Version) -> Located<'a> {
        Located {
            display: &version.display,
            locator: version
                .text
                .as_deref()
                .map(|t| Locator::new(t.strip_prefix('\u{feff}').unwrap_or(t))),
            pointers: Pointers::new(&version.model),
        }
    }

    /// `file:line:col` of the element with this id (the document's start when it has none).
    pub fn at(&self, id: &str) -> String {
        match &self.locator {
            Some(locator) => {
                let position = locator.locate(self.pointers.of(id));
                format!("{}:{}:{}", self.display, position.line, position.column)
            }
            None => self.display.to_owned(),
        }
    }
}

/// One finding in the manner of `check`: a marker, severity and rule, message, location.
pub fn print_finding(out: &mut impl Write, marker: &str, finding: &Finding, located: &Located) {
    let sev = severity_style(finding.severity);
    let blue = style(AnsiColor::Blue);
    let dim = Style::new().dimmed();
    let waived = if finding.waived { " (waived)" } else { "" };
    let _ = writeln!(
        out,
        "{marker}{sev}{}[{}]{sev:#}{waived}: {}",
        finding.severity,
        finding.rule,
        terminal(&finding.message)
    );
    let _ = writeln!(
        out,
        "    {blue}-->{blue:#} {} {dim}{} {}{dim:#}",
        located.at(&finding.subject.id),
        finding.subject.kind.as_str(),
        terminal(&finding.subject.id)
    );
    if !finding.path.is_empty() {
        let _ = writeln!(
            out,
            "     {blue}={blue:#} path: {}",
            terminal(&finding.path.join(" → "))
        );
    }
}

fn print_text(
    old: &Version,
    new: &Version,
    diff: &ModelDiff,
    args: &DiffArgs,
) -> Result<ExitCode, String> {
    let mut out = Vec::new();
    let bold = Style::new().bold();
    let (green, red, yellow) = (
        style(AnsiColor::Green),
        style(AnsiColor::Red),
        style(AnsiColor::Yellow),
    );
    let (old_at, new_at) = (Located::of(old), Located::of(new));
    let _ = writeln!(
        out,
        "{bold}flowmap diff{bold:#} {} → {}",
        terminal(&old.display),
        terminal(&new.display)
    );
    for (version, label) in [(old, "old"), (new, "new")] {
        if version.text.is_none() {
            let _ = writeln!(
                out,
                "  ({label}: {} does not exist at that revision: an empty model)",
                terminal(&version.display)
            );
        }
    }

    let findings = &diff.findings;
    let _ = writeln!(
        out,
        "\n{bold}Findings{bold:#}: {} introduced, {} resolved, {} updated, {} unchanged",
        findings.introduced.len(),
        findings.resolved.len(),
        findings.updated.len(),
        findings.unchanged.len()
    );
    for finding in &findings.introduced {
        print_finding(&mut out, &format!("  {green}+{green:#} "), finding, &new_at);
    }
    for finding in &findings.resolved {
        print_finding(&mut out, &format!("  {red}-{red:#} "), finding, &old_at);
    }
    for updated in &findings.updated {
        print_finding(
            &mut out,
            &format!("  {yellow}~{yellow:#} "),
            &updated.after,
            &new_at,
        );
        let (before, after) = (&updated.before, &updated.after);
        if before.severity != after.severity {
            let _ = writeln!(
                out,
                "     = severity {} → {}",
                before.severity, after.severity
            );
        }
        if before.waived != after.waived {
            let _ = writeln!(
                out,
                "     = {}",
                if after.waived {
                    "now waived"
                } else {
                    "no longer waived"
                }
            );
        }
        if before.message != after.message {
            let _ = writeln!(out, "     = message was: {}", terminal(&before.message));
        }
    }

    let _ = writeln!(
        out,
        "\n{bold}Elements{bold:#}: {} added, {} removed, {} changed",
        diff.count(ChangeKind::Added),
        diff.count(ChangeKind::Removed),
        diff.count(ChangeKind::Changed)
    );
    for element in &diff.elements {
        let marker = match element.change {
            ChangeKind::Added => format!("{green}+{green:#}"),
            ChangeKind::Removed => format!("{red}-{red:#}"),
            ChangeKind::Changed => format!("{yellow}~{yellow:#}"),
        };
        let _ = writeln!(out, "  {marker} {}", element_line(element, old, new));
        for field in &element.fields {
            let _ = writeln!(
                out,
                "      {}: {} → {}",
                terminal(&field.field),
                terminal(&field.before.to_string()),
                terminal(&field.after.to_string())
            );
        }
    }

    if !diff.reach.is_empty() {
        let _ = writeln!(out, "\n{bold}Data reach{bold:#}:");
        for reach in &diff.reach {
            let kind = if reach.is_vendor() {
                "vendor"
            } else {
                reach.node_kind.as_str()
            };
            let _ = writeln!(
                out,
                "  {} {:?} ({kind})",
                terminal(&reach.node),
                terminal(&reach.name)
            );
            for (classes, verb) in [
                (&reach.gained, "now receives"),
                (&reach.lost, "no longer receives"),
            ] {
                for class in classes.iter() {
                    let via = if class.path.is_empty() {
                        " (held)".to_owned()
                    } else {
                        format!(" via {}", terminal(&class.path.join(" → ")))
                    };
                    let _ = writeln!(out, "      {verb} {}{via}", terminal(&class.class));
                }
            }
        }
    }

    if !diff.layout.is_empty() {
        if args.layout {
            let _ = writeln!(out, "\n{bold}Layout{bold:#}:");
            for change in &diff.layout {
                let _ = writeln!(
                    out,
                    "  {} {}: {} → {}",
                    change.kind.as_str(),
                    terminal(&change.id),
                    change.before,
                    change.after
                );
            }
        } else {
            let _ = writeln!(
                out,
                "\n{} layout change{} (moved or resized) not listed; --layout lists them.",
                diff.layout.len(),
                if diff.layout.len() == 1 { "" } else { "s" }
            );
        }
    }

    let _ = writeln!(out);
    match args.fail_on.threshold() {
        Some(threshold) => {
            let failing = findings.newly_failing(threshold).len();
            if failing == 0 {
                let _ = writeln!(
                    out,
                    "{green}No new finding at or above {threshold}{green:#}."
                );
            } else {
                let _ = writeln!(
                    out,
                    "{red}{failing} new finding{} at or above {threshold}{red:#}.",
                    if failing == 1 { "" } else { "s" }
                );
            }
        }
        None => {
            let _ = writeln!(out, "{} findings introduced.", findings.introduced.len());
        }
    }
    crate::write_out(&out)
}

/// `node orders-cache "Order status cache": store in vpc`: an element with its name and, when
/// added or removed, what it is.
fn element_line(element: &ElementChange, old: &Version, new: &Version) -> String {
    let mut line = match element.kind {
        ElementKind::Model => "model".to_owned(),
        kind => format!("{} {}", kind.as_str(), terminal(&element.id)),
    };
    if !element.name.trim().is_empty() && element.name != element.id {
        line.push_str(&format!(" {:?}", terminal(&element.name)));
    }
    let what = describe(element, &old.model, &new.model);
    if !what.is_empty() {
        line.push_str(": ");
        line.push_str(&terminal(&what));
    }
    line
}
