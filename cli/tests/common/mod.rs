//! Shared by the CLI's integration tests: the repository root and the `flowmap` binary run
//! from it without colors.

#![allow(dead_code)] // each test file uses its own subset

use std::path::PathBuf;

use assert_cmd::Command;

pub const EXAMPLE: &str = "examples/serverless-shop.flowmap.json";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn flowmap() -> Command {
    let mut command = Command::cargo_bin("flowmap").unwrap();
    command.current_dir(repo()).env("NO_COLOR", "1");
    command
}

/// The output of a command that must succeed (its standard error is the panic message).
pub fn succeeded(output: std::process::Output) -> std::process::Output {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `flowmap export EXAMPLE --format FORMAT --timestamp TIMESTAMP -o OUTPUT`, and `extra`.
pub fn export_example(
    format: &str,
    timestamp: &str,
    output: &std::path::Path,
    extra: &[&std::ffi::OsStr],
) -> std::process::Output {
    flowmap()
        .args([
            "export",
            EXAMPLE,
            "--format",
            format,
            "--timestamp",
            timestamp,
        ])
        .arg("-o")
        .arg(output)
        .args(extra)
        .output()
        .unwrap()
}

/// Runs `flowmap ARGS`: exit code, standard output, standard error.
pub fn run(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let output = flowmap().args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}
