//! `flowmap verify REPORT MODEL`: checks that an evidence report (HTML or Markdown, from
//! `flowmap export --format html|markdown`) was not edited after it was written and that it
//! was made from this model (see `flowmap_core::export::report::verify`), then checks its
//! detached SSH signature when there is one (`REPORT.sig`, or `--signature`), against an
//! allowed-signers file or a public key, as `ssh-keygen -Y verify` would (see `sign.rs`).
//!
//! It says plainly what each check proves: the embedded hash, that the body is as written
//! (anyone can recompute it after an edit, so not who wrote it); the signature, that the
//! holder of the key made these bytes.
//!
//! Exit codes: 0 verified (a signature that is present but that no key was given for is
//! reported as not checked); 1 the report was modified, belongs to another model, is not a
//! Flowmap report, or its signature does not verify or is missing though a key was given; 2
//! the report, the model, the signature or the key file could not be read (the model's errors
//! are located as in `check`).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use flowmap_core::export::report::{verify, ReportFormat, HASH_PROVES};
use flowmap_core::load;

use crate::sign::{self, Trust};

const EXIT_MISMATCH: u8 = 1;
const EXIT_UNREADABLE: u8 = 2;

/// Arguments of `flowmap verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The report, as written by `flowmap export --format html|markdown`.
    pub report: PathBuf,
    /// The model file it should have been made from.
    pub model: PathBuf,
    /// The detached signature (default: REPORT.sig, when it exists).
    #[arg(long, value_name = "FILE")]
    pub signature: Option<PathBuf>,
    /// Trust the signers of this allowed-signers file (ssh-keygen's format).
    #[arg(long, value_name = "FILE", conflicts_with = "public_key")]
    pub allowed_signers: Option<PathBuf>,
    /// The identity (principal) the signer must have in the allowed-signers file.
    #[arg(long, value_name = "PRINCIPAL", requires = "allowed_signers")]
    pub identity: Option<String>,
    /// Trust this one OpenSSH public key (a `.pub` file).
    #[arg(long, value_name = "FILE")]
    pub public_key: Option<PathBuf>,
}

/// Verifies the report. `Err` is a message for an unreadable file (exit 2).
pub fn run(args: &VerifyArgs) -> Result<ExitCode, String> {
    let report = &args.report;
    let bytes =
        std::fs::read(report).map_err(|e| format!("cannot read {}: {e}", report.display()))?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| {
        format!(
            "{} is not UTF-8 text, so not a Flowmap report",
            report.display()
        )
    })?;
    let model_bytes = crate::read_model(&args.model)?;
    let model_display = args.model.display().to_string();
    let model = match load(&model_bytes) {
        Ok(model) => model,
        Err(errors) => {
            crate::print_load_errors(&model_display, &errors);
            return Ok(ExitCode::from(EXIT_UNREADABLE));
        }
    };
    let green = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
    let ok = match verify(&text, &model) {
        Ok(ok) => ok,
        Err(error) => {
            let _ = writeln!(
                anstream::stderr(),
                "{red}not verified{red:#}: {}: {error}",
                report.display()
            );
            return Ok(ExitCode::from(EXIT_MISMATCH));
        }
    };

    // The signature, when there is one or one is asked for.
    let trust = match (&args.allowed_signers, &args.public_key) {
        (Some(file), _) => Some(Trust::AllowedSigners {
            file: file.clone(),
            identity: args.identity.clone(),
        }),
        (None, Some(key)) => Some(Trust::Key(key.clone())),
        (None, None) => None,
    };
    let signature_file = args
        .signature
        .clone()
        .unwrap_or_else(|| sign::signature_path(report));
    let armoured = if args.signature.is_some() || signature_file.exists() {
        Some(
            std::fs::read_to_string(&signature_file)
                .map_err(|e| format!("cannot read {}: {e}", signature_file.display()))?,
        )
    } else {
        None
    };
    let signed = match (&armoured, &trust) {
        (Some(armoured), Some(trust)) => {
            Some(sign::verify(armoured, &bytes, trust, &sign::now_digits())?)
        }
        _ => None,
    };

    let mut out = Vec::new();
    let format = match ok.format {
        ReportFormat::Html => "HTML",
        ReportFormat::Markdown => "Markdown",
    };
    let failure = match (&signed, &armoured, &trust) {
        (Some(Err(why)), _, _) => Some(format!(
            "the signature {} does not verify: {why}",
            signature_file.display()
        )),
        (None, None, Some(_)) => Some(format!(
            "a key to check the signature with was given, but there is no signature ({} does not exist)",
            signature_file.display()
        )),
        _ => None,
    };
    if let Some(why) = &failure {
        let _ = writeln!(
            anstream::stderr(),
            "{red}not verified{red:#}: {}: {why}",
            report.display()
        );
        return Ok(ExitCode::from(EXIT_MISMATCH));
    }
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
    match (&signed, &armoured) {
        (Some(Ok(signer)), _) => {
            let who = if signer.principals.is_empty() {
                if signer.comment.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", signer.comment)
                }
            } else {
                format!(" of {}", signer.principals.join(", "))
            };
            let _ = writeln!(
                out,
                "  {green}signed{green:#} by the key {}{who}: {}",
                signer.fingerprint,
                signature_file.display()
            );
        }
        (None, Some(_)) => {
            let _ = writeln!(
                out,
                "  {yellow}signature not checked{yellow:#}: {} is present, but no key was given to check it against (--allowed-signers FILE [--identity PRINCIPAL], or --public-key FILE)",
                signature_file.display()
            );
        }
        _ => {
            let _ = writeln!(out, "  not signed (no {})", signature_file.display());
        }
    }
    let _ = writeln!(out, "\n{HASH_PROVES}");
    crate::write_out(&out)
}
