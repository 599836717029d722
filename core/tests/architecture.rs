//! The architecture invariants of ARCHITECTURE.md, checked.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Package names in a package's normal dependency tree, for every target (wasm included).
fn dependency_tree(package: &str) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(repo())
        .args([
            "tree",
            "-p",
            package,
            "-e",
            "normal",
            "--target",
            "all",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--offline",
        ])
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn the_core_depends_on_no_web_crate() {
    let tree = dependency_tree("flowmap-core");
    for forbidden in [
        "wasm-bindgen",
        "web-sys",
        "js-sys",
        "leptos",
        "gloo",
        "getrandom",
        "rand",
        "flowmap-app",
        "flowmap-cli",
    ] {
        assert!(
            !tree.iter().any(|p| p == forbidden),
            "flowmap-core depends on {forbidden}"
        );
    }
}

#[test]
fn nothing_depends_on_the_app_or_the_cli() {
    assert!(!dependency_tree("flowmap-cli")
        .iter()
        .any(|p| p == "flowmap-app"));
    assert!(!dependency_tree("flowmap-app")
        .iter()
        .any(|p| p == "flowmap-cli"));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_core_does_no_io_reads_no_clock_and_draws_no_random_numbers() {
    let mut files = Vec::new();
    rust_files(&repo().join("core/src"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in [
            "std::fs",
            "std::net",
            "std::env",
            "std::process",
            "SystemTime",
            "Instant::now",
            "std::io::stdin",
            "println!",
            "eprintln!",
            "thread_rng",
        ] {
            assert!(
                !text.contains(forbidden),
                "{} uses {forbidden}",
                file.display()
            );
        }
    }
}

/// Every file of the repository that is text, outside build output and installed tools.
fn repository_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if ![".git", "target", "node_modules", ".tools", "dist"].contains(&name.as_str()) {
                repository_files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

#[test]
fn the_repository_reads_nothing_from_beside_it() {
    // A fresh clone has no folder beside it: no script, test or document may name the
    // design folder that sat beside the repository while it was written (schemas are
    // vendored in schema/vendor/, the format is docs/format.md). The patterns are built so
    // that this file does not match them itself.
    let patterns = [
        format!("..{}shared", '/'),
        format!("shared{}schemas", '/'),
        format!("shared{}design", '/'),
    ];
    let mut files = Vec::new();
    repository_files(&repo(), &mut files);
    assert!(files.len() > 100, "the walk found the repository");
    let mut offenders = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue; // not text
        };
        for pattern in &patterns {
            if text.contains(pattern.as_str()) {
                offenders.push(format!("{} names {pattern}", file.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}
