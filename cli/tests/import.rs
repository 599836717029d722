//! `flowmap import`, end to end: where the model and the report go, detection and `--from`,
//! exit codes, located errors, and a Threat Dragon export that imports back to the same model.

mod common;

use common::{flowmap, repo, EXAMPLE};

const TD: &str = "tests/fixtures/import/td/v2-model.json";
const OTM: &str = "tests/fixtures/import/otm/manual_threat_model.yaml";

fn run(args: &[&str]) -> std::process::Output {
    flowmap().args(["import"]).args(args).output().unwrap()
}

#[test]
fn the_model_goes_to_stdout_and_the_report_to_stderr() {
    let output = run(&[TD, "--fail-on", "never"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let model = String::from_utf8(output.stdout).unwrap();
    flowmap_core::load_str(&model).expect("stdout is a valid model");
    let report = String::from_utf8(output.stderr).unwrap();
    assert!(
        report.starts_with(
            "Imported tests/fixtures/import/td/v2-model.json (OWASP Threat Dragon 2.0.0)"
        ),
        "{report}"
    );
    assert!(
        report.contains("\"Use HTTPS\" on flow data-flow-2"),
        "{report}"
    );
}

#[test]
fn with_an_output_file_the_report_goes_to_stdout_also_as_json() {
    let dir = std::env::temp_dir().join(format!("flowmap-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("m.flowmap.json");
    let output = run(&[
        OTM,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stderr.is_empty());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["format"], "flowmap-import-report/1");
    assert_eq!(report["source"]["format"], "otm");
    assert_eq!(report["model"]["nodes"], 3);
    assert!(report["findings"]["high"].as_u64().is_some());
    let model = std::fs::read_to_string(&out).unwrap();
    assert_eq!(flowmap_core::load_str(&model).unwrap().flows.len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn exit_codes_follow_check() {
    // The imported manual OTM model has high findings: 1 by default, 0 with --fail-on never.
    assert_eq!(run(&[OTM]).status.code(), Some(1));
    assert_eq!(run(&[OTM, "--fail-on", "never"]).status.code(), Some(0));
    assert_eq!(
        run(&["tests/fixtures/import/SOURCES.md"]).status.code(),
        Some(2)
    );
}

#[test]
fn errors_are_located_and_name_the_format() {
    let output = run(&[TD, "--from", "otm"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("error: missing field \"project\""),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("--> {TD}:1:1")), "{stderr}");
    assert!(
        stderr.contains("could not be imported as Open Threat Model (otm): 1 error"),
        "{stderr}"
    );
    let unknown = run(&[EXAMPLE]);
    let stderr = String::from_utf8(unknown.stderr).unwrap();
    assert!(
        stderr.contains("cannot tell which tool wrote this file")
            && stderr.contains("td (OWASP Threat Dragon"),
        "{stderr}"
    );
}

#[test]
fn an_export_imports_back_to_the_same_model() {
    for format in ["td", "otm"] {
        let exported = flowmap()
            .args([
                "export",
                EXAMPLE,
                "--format",
                format,
                "--timestamp",
                "2026-11-22T12:00:00Z",
            ])
            .output()
            .unwrap();
        assert_eq!(exported.status.code(), Some(0));
        let imported = flowmap()
            .args(["import", "-", "--from", format, "--fail-on", "never"])
            .write_stdin(exported.stdout)
            .output()
            .unwrap();
        assert_eq!(
            imported.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&imported.stderr)
        );
        let back = flowmap_core::load_str(&String::from_utf8(imported.stdout).unwrap()).unwrap();
        let original = flowmap_core::load(&std::fs::read(repo().join(EXAMPLE)).unwrap()).unwrap();
        assert_eq!(
            flowmap_core::canonical_json(&back),
            flowmap_core::canonical_json(&original),
            "{format}"
        );
    }
}

/// Threagile, pytm and CALM files are detected and imported by the binary, and a CALM export
/// imports back with every node and flow.
#[test]
fn threagile_pytm_and_calm_files_are_detected_and_imported() {
    for (file, title) in [
        (
            "tests/fixtures/import/threagile/stub.yaml",
            "(Threagile 1.0.0)",
        ),
        ("tests/fixtures/import/pytm/output.json", "(pytm)"),
        (
            "tests/fixtures/import/calm/trading-system.architecture.json",
            "(FINOS CALM)",
        ),
    ] {
        let output = run(&[file, "--fail-on", "never"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{file}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        flowmap_core::load_str(&String::from_utf8(output.stdout).unwrap())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let report = String::from_utf8(output.stderr).unwrap();
        assert!(
            report.starts_with(&format!("Imported {file} {title}")),
            "{report}"
        );
    }
    let exported = flowmap()
        .args(["export", EXAMPLE, "--format", "calm"])
        .output()
        .unwrap();
    assert_eq!(exported.status.code(), Some(0));
    let dir = std::env::temp_dir().join(format!("flowmap-import-calm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let calm = dir.join("shop.calm.json");
    std::fs::write(&calm, &exported.stdout).unwrap();
    let output = run(&[
        calm.to_str().unwrap(),
        "--from",
        "calm",
        "--fail-on",
        "never",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let back = flowmap_core::load_str(&String::from_utf8(output.stdout).unwrap()).unwrap();
    let original =
        flowmap_core::load_str(&std::fs::read_to_string(repo().join(EXAMPLE)).unwrap()).unwrap();
    assert_eq!(back.nodes.len(), original.nodes.len());
    assert_eq!(back.flows.len(), original.flows.len());
    let _ = std::fs::remove_dir_all(&dir);
}
