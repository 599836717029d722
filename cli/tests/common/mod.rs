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
