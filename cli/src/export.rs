//! `flowmap export MODEL --format FORMAT [-o FILE] [--timestamp RFC3339] [--today YYYY-MM-DD]`:
//! evidence and exchange formats (the core's exporters) written to a file or standard output.
//!
//! Exit codes: 0 written (findings do not change it), 2 the model could not be used (the same
//! located errors as `check`) or the output could not be written.
//!
//! The model's location: SARIF names the model file relative to the repository root, found by
//! walking up from the model's folder to the one that holds `.git` (`--srcroot` names the root
//! instead); outside any repository it names the file by its absolute path. Inside a git
//! repository whose last commit holds the file unchanged, the report records that commit
//! (`git` is run for it; without git nothing is recorded).
//!
//! `--sign KEY` (with `--output FILE`) also writes `FILE.sig`, an SSH signature over the
//! file's bytes (see `sign.rs`).

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
    /// The repository root that SARIF paths are relative to (default: the nearest folder
    /// above the model that holds `.git`).
    #[arg(long, value_name = "DIR")]
    pub srcroot: Option<PathBuf>,
    /// Sign the output with this OpenSSH Ed25519 private key: writes FILE.sig beside
    /// `--output FILE`, verifiable with `flowmap verify` or `ssh-keygen -Y verify -n
    /// flowmap-evidence`. An encrypted key's passphrase is read from FLOWMAP_SIGN_PASSPHRASE.
    #[arg(long, value_name = "KEY", requires = "output")]
    pub sign: Option<PathBuf>,
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

/// A path with `/` separators.
pub(crate) fn source_path(model: &Path) -> String {
    model.to_string_lossy().replace('\\', "/")
}

/// Where the model file lies: its path relative to the repository root (or absolute outside
/// any), the root, and the commit that holds the file unchanged.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Located {
    pub(crate) path: String,
    pub(crate) root: Option<String>,
    pub(crate) commit: Option<String>,
}

/// The nearest folder from `start` upwards that holds `.git` (a folder, or a file in a
/// worktree or submodule).
fn repository_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

pub(crate) fn locate(model: &Path, srcroot: Option<&Path>) -> Result<Located, String> {
    if model == Path::new("-") {
        return Ok(Located {
            path: "-".to_owned(),
            root: None,
            commit: None,
        });
    }
    let file = std::fs::canonicalize(model)
        .map_err(|e| format!("cannot read {}: {e}", model.display()))?;
    let root = match srcroot {
        Some(dir) => Some(
            std::fs::canonicalize(dir).map_err(|e| format!("--srcroot {}: {e}", dir.display()))?,
        ),
        None => file.parent().and_then(repository_root),
    };
    let Some(root) = root else {
        return Ok(Located {
            path: source_path(&file),
            root: None,
            commit: None,
        });
    };
    let relative = file.strip_prefix(&root).map_err(|_| {
        format!(
            "the model {} is not inside --srcroot {}",
            file.display(),
            root.display()
        )
    })?;
    let path = source_path(relative);
    let commit = committed(&root, &path);
    Ok(Located {
        path,
        root: Some(source_path(&root)),
        commit,
    })
}

/// The commit `HEAD` of the repository at `root` when it holds `path` exactly as the file is
/// now (tracked, no change staged or not); `None` otherwise or without git.
fn committed(root: &Path, path: &str) -> Option<String> {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    git(&["ls-files", "--error-unmatch", "--", path])?;
    let status = git(&["status", "--porcelain", "--", path])?;
    if !status.is_empty() {
        return None;
    }
    git(&["rev-parse", "HEAD"])
        .filter(|c| c.len() == 40 && c.bytes().all(|b| b.is_ascii_hexdigit()))
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
    let located = locate(&args.model, args.srcroot.as_deref())?;
    let context = ExportContext {
        source: Some(&source),
        source_path: &located.path,
        source_root: located.root.as_deref(),
        source_commit: located.commit.as_deref(),
        ..ExportContext::new(&model, &report, timestamp)
    };
    let text = export(args.format, &context);
    match &args.output {
        Some(file) => {
            std::fs::write(file, text.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
            if let Some(key) = &args.sign {
                let (signature, fingerprint) = crate::sign::sign(key, text.as_bytes())?;
                let path = crate::sign::signature_path(file);
                std::fs::write(&path, signature)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                let _ = writeln!(
                    std::io::stderr(),
                    "signed: {} (SSH signature, namespace {}, key {fingerprint})",
                    path.display(),
                    crate::sign::NAMESPACE
                );
            }
        }
        // Plain stdout, not a color-stripping stream: exports are data and must stay byte-exact.
        None => {
            crate::write_raw(text.as_bytes())?;
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

    #[test]
    fn a_model_is_located_relative_to_its_repository_or_absolutely() {
        let dir = std::env::temp_dir().join(format!("flowmap-locate-{}", std::process::id()));
        let repo = dir.join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("models")).unwrap();
        std::fs::create_dir_all(dir.join("loose")).unwrap();
        std::fs::write(repo.join("models/a.json"), "{}").unwrap();
        std::fs::write(dir.join("loose/b.json"), "{}").unwrap();
        let root = std::fs::canonicalize(&repo).unwrap();
        let located = locate(&repo.join("models/a.json"), None).unwrap();
        assert_eq!(located.path, "models/a.json");
        assert_eq!(located.root.as_deref(), Some(source_path(&root).as_str()));
        let loose = locate(&dir.join("loose/b.json"), None).unwrap();
        assert!(loose.path.starts_with('/') && loose.path.ends_with("loose/b.json"));
        assert_eq!(loose.root, None);
        let overridden = locate(&repo.join("models/a.json"), Some(&repo.join("models"))).unwrap();
        assert_eq!(overridden.path, "a.json");
        assert!(locate(&dir.join("loose/b.json"), Some(&repo)).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
