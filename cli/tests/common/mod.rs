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

/// A git repository in a fresh temporary folder (removed when dropped), with an identity and
/// no user or system configuration, so tests run the same everywhere.
pub struct GitRepo {
    pub dir: PathBuf,
}

impl GitRepo {
    pub fn new(name: &str) -> GitRepo {
        let dir = std::env::temp_dir().join(format!("flowmap-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let repo = GitRepo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// Runs git in the repository; its standard output. Panics when git fails.
    pub fn git(&self, args: &[&str]) -> String {
        let output = std::process::Command::new("git")
            .current_dir(&self.dir)
            .args([
                "-c",
                "user.name=Flowmap test",
                "-c",
                "user.email=test@example.invalid",
            ])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Writes `text` to `path` (relative to the repository) and commits it, even unchanged.
    pub fn commit(&self, path: &str, text: &str, message: &str) {
        let file = self.dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, text).unwrap();
        self.git(&["add", path]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    /// `flowmap ARGS` run in the repository.
    pub fn flowmap(&self, args: &[&str]) -> std::process::Output {
        flowmap()
            .current_dir(&self.dir)
            .args(args)
            .output()
            .unwrap()
    }
}

impl Drop for GitRepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
