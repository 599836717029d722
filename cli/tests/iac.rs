//! `flowmap import` of infrastructure code, end to end: templates and plans detected, the
//! merge into an annotated model (`--merge`), and a broken existing model refused with
//! located errors.

mod common;

use common::flowmap;

const SAM: &str = "tests/fixtures/import/cfn/s3-lambda-resizing-python.yaml";
const PLAN: &str = "tests/fixtures/import/terraform/checkov-plan.tfplan.json";

fn run(args: &[&str]) -> std::process::Output {
    flowmap().args(["import"]).args(args).output().unwrap()
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("flowmap-iac-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn templates_and_plans_are_detected() {
    for (file, title) in [
        (SAM, "(AWS CloudFormation 2010-09-09)"),
        (PLAN, "(Terraform 0.12.23)"),
    ] {
        let output = run(&[file, "--fail-on", "never"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report = String::from_utf8(output.stderr).unwrap();
        assert!(
            report.starts_with(&format!("Imported {file} {title}")),
            "{report}"
        );
        flowmap_core::load_str(&String::from_utf8(output.stdout).unwrap()).unwrap();
    }
}

#[test]
fn merge_keeps_the_annotated_model_and_says_what_changed() {
    let dir = temp("merge");
    let model = dir.join("m.flowmap.json");
    let model = model.to_str().unwrap();
    let first = run(&[SAM, "-o", model, "--fail-on", "never"]);
    assert_eq!(first.status.code(), Some(0));
    // People annotate it: an owner on the function.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(model).unwrap()).unwrap();
    for node in value["nodes"].as_array_mut().unwrap() {
        if node["id"] == "ResizerFunction" {
            node["owner"] = "media".into();
        }
    }
    std::fs::write(model, value.to_string()).unwrap();
    let again = run(&[
        SAM,
        "--merge",
        model,
        "-o",
        model,
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        report["merge"],
        serde_json::json!({"added": [], "removed": [], "changed": []})
    );
    let merged = flowmap_core::load_str(&std::fs::read_to_string(model).unwrap()).unwrap();
    let function = merged
        .nodes
        .iter()
        .find(|n| n.id == "ResizerFunction")
        .unwrap();
    assert_eq!(function.owner.as_deref(), Some("media"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_existing_model_is_refused_with_located_errors() {
    let dir = temp("broken");
    let model = dir.join("bad.flowmap.json");
    std::fs::write(&model, "{\"format\": \"flowmap/1\", \"name\": 7}").unwrap();
    let output = run(&[SAM, "--merge", model.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8(output.stderr).unwrap();
    assert!(errors.contains("bad.flowmap.json:1:"), "{errors}");
    std::fs::remove_dir_all(&dir).unwrap();
}
