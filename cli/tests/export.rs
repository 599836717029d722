//! `flowmap export`, end to end: every format, files and standard output, fixed timestamps,
//! exit codes, and the same located errors as `check` for a broken model.

mod common;

use common::{flowmap, EXAMPLE};
use flowmap_core::export::Format;

const TIMESTAMP: &str = "2026-11-22T12:00:00Z";

fn export(args: &[&str]) -> std::process::Output {
    flowmap()
        .args(["export", EXAMPLE, "--timestamp", TIMESTAMP])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn every_format_exports_with_exit_0_whatever_the_findings() {
    for format in Format::ALL {
        let output = export(&["--format", format.name()]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            format.name(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!output.stdout.is_empty(), "{}", format.name());
    }
}

#[test]
fn a_fixed_timestamp_reproduces_the_bytes_and_matches_the_core() {
    for format in ["sarif", "oscal", "csv"] {
        let first = export(&["--format", format]).stdout;
        let second = export(&["--format", format]).stdout;
        assert_eq!(first, second, "{format}");
        let text = String::from_utf8(first).unwrap();
        assert!(text.contains(TIMESTAMP), "{format} carries the timestamp");
    }
    let sarif: serde_json::Value =
        serde_json::from_slice(&export(&["--format", "sarif"]).stdout).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], EXAMPLE);
    // The day expiry is judged on defaults to the timestamp's.
    assert_eq!(sarif["runs"][0]["properties"]["today"], "2026-11-22");
}

#[test]
fn today_can_be_set_apart_from_the_timestamp() {
    let sarif: serde_json::Value =
        serde_json::from_slice(&export(&["--format", "sarif", "--today", "2027-01-01"]).stdout)
            .unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["today"], "2027-01-01");
}

#[test]
fn the_output_option_writes_the_same_bytes_as_standard_output() {
    let dir = std::env::temp_dir().join(format!("flowmap-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("shop.csv");
    let output = export(&["--format", "csv", "-o", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
    let written = std::fs::read(&file).unwrap();
    assert_eq!(written, export(&["--format", "csv"]).stdout);
    assert!(written.starts_with(b"framework,control,"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_a_timestamp_the_clock_gives_one() {
    let output = flowmap()
        .args(["export", EXAMPLE, "--format", "oscal"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let oscal: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let modified = oscal["assessment-results"]["metadata"]["last-modified"]
        .as_str()
        .unwrap();
    assert!(
        flowmap_core::Timestamp::parse(modified).is_ok(),
        "{modified}"
    );
    assert!(modified.as_bytes()[0..2] == *b"20", "{modified}");
}

#[test]
fn a_broken_model_exits_2_with_located_errors() {
    let output = flowmap()
        .args([
            "export",
            "tests/broken/16-dangling-flow-endpoint.json",
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let errors = String::from_utf8(output.stderr).unwrap();
    assert!(
        errors.contains("--> tests/broken/16-dangling-flow-endpoint.json:"),
        "{errors}"
    );
    assert!(
        errors.contains("is not a valid flowmap/1 model"),
        "{errors}"
    );
}

#[test]
fn bad_arguments_are_refused() {
    let code = |args: &[&str]| {
        flowmap()
            .arg("export")
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&[EXAMPLE, "--format", "pdf"]), Some(2));
    assert_eq!(code(&[EXAMPLE]), Some(2), "--format is required");
    assert_eq!(
        code(&[EXAMPLE, "--format", "csv", "--timestamp", "2026-11-22"]),
        Some(2)
    );
    assert_eq!(code(&["missing.flowmap.json", "--format", "csv"]), Some(2));
}

#[test]
fn sarif_names_the_model_relative_to_its_repository_or_by_a_file_uri_outside_one() {
    let sarif = |model: &std::path::Path, extra: &[&str]| -> serde_json::Value {
        let output = flowmap()
            .arg("export")
            .arg(model)
            .args(["--format", "sarif", "--timestamp", TIMESTAMP])
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice(&common::succeeded(output).stdout).unwrap()
    };
    let location = |log: &serde_json::Value| {
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"].clone()
    };
    // An absolute path inside the repository: relative to its root, the root a file URI.
    let absolute = std::fs::canonicalize(common::repo().join(EXAMPLE)).unwrap();
    let log = sarif(&absolute, &[]);
    assert_eq!(location(&log)["uri"], EXAMPLE);
    assert_eq!(location(&log)["uriBaseId"], "%SRCROOT%");
    let root = std::fs::canonicalize(common::repo()).unwrap();
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{}/", root.display())
    );
    // --srcroot names another root.
    let log = sarif(&absolute, &["--srcroot", "examples"]);
    assert_eq!(location(&log)["uri"], "serverless-shop.flowmap.json");
    // Outside any repository: an absolute file URI, no base id.
    let dir = std::env::temp_dir().join(format!("flowmap-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let loose = dir.join("my shop.flowmap.json");
    std::fs::copy(common::repo().join(EXAMPLE), &loose).unwrap();
    let log = sarif(&loose, &[]);
    let uri = location(&log)["uri"].as_str().unwrap().to_owned();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/my%20shop.flowmap.json"),
        "{uri}"
    );
    assert!(location(&log).get("uriBaseId").is_none());
    assert!(log["runs"][0].get("originalUriBaseIds").is_none());
    std::fs::remove_dir_all(&dir).unwrap();
    // A model outside --srcroot is refused.
    let output = flowmap()
        .args(["export", EXAMPLE, "--format", "sarif", "--srcroot", "tests"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not inside --srcroot"));
}

#[test]
fn the_report_records_the_commit_that_holds_the_model_unchanged() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .current_dir(common::repo())
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let Some(head) = git(&["rev-parse", "HEAD"]) else {
        eprintln!("*** SKIPPED: git is not available or this is not a git checkout ***");
        return;
    };
    let clean = git(&["status", "--porcelain", "--", EXAMPLE]).is_some_and(|s| s.is_empty());
    let report = String::from_utf8(export(&["--format", "markdown"]).stdout).unwrap();
    let line = report
        .lines()
        .find(|l| l.starts_with("| **Git commit** |"))
        .expect("the integrity section has a git commit line");
    if clean {
        assert!(line.contains(&head), "{line}");
    } else {
        assert!(line.contains("not recorded"), "{line}");
    }
}
