//! `flowmap diff` and `flowmap check --baseline`, end to end: versions from files and from git
//! revisions of a temporary repository, every output format, exit codes, and clear errors for
//! bad revisions and broken models.

mod common;

use std::path::Path;
use std::process::Output;

use common::{flowmap, repo, GitRepo as Repo, EXAMPLE};

const CHANGE: &str = "tests/fixtures/diff/serverless-shop-change.flowmap.json";
const TODAY: &str = "2026-11-22";

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn errors(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn diff(args: &[&str]) -> Output {
    flowmap()
        .args(["diff", EXAMPLE, CHANGE, "--today", TODAY])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_text_diff_of_the_example_change() {
    let output = diff(&[]);
    assert_eq!(output.status.code(), Some(1), "{}", errors(&output));
    insta::with_settings!({
        snapshot_path => repo().join("tests/snapshots/diff"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("text-example", text(&output));
    });
}

#[test]
fn the_threshold_decides_the_exit_code() {
    let code = |args: &[&str]| diff(args).status.code();
    assert_eq!(
        code(&["--fail-on", "high"]),
        Some(1),
        "TP-001 on Sift is new"
    );
    assert_eq!(code(&["--fail-on", "critical"]), Some(0));
    assert_eq!(code(&["--fail-on", "never"]), Some(0));
    // The reverse change introduces the critical AUTH-003 again.
    let back = flowmap()
        .args(["diff", CHANGE, EXAMPLE, "--fail-on", "critical"])
        .output()
        .unwrap();
    assert_eq!(back.status.code(), Some(1));
    // No change at all.
    let same = flowmap().args(["diff", EXAMPLE, EXAMPLE]).output().unwrap();
    assert_eq!(same.status.code(), Some(0));
    assert!(text(&same).contains("0 introduced, 0 resolved, 0 updated, 12 unchanged"));
}

#[test]
fn every_format_is_written() {
    let json: serde_json::Value =
        serde_json::from_slice(&diff(&["--format", "json"]).stdout).unwrap();
    assert_eq!(json["format"], "flowmap-diff/1");
    assert_eq!(json["findings"]["introduced"][0]["rule"], "TP-001");
    assert!(json.get("layout").is_none());
    let json: serde_json::Value =
        serde_json::from_slice(&diff(&["--format", "json", "--layout"]).stdout).unwrap();
    assert_eq!(json["layout"][0]["id"], "cdn");

    let markdown = text(&diff(&["--format", "markdown"]));
    assert!(
        markdown.starts_with("### Flowmap: Serverless shop\n"),
        "{markdown}"
    );
    assert!(markdown.contains("**Fails:** 1 new finding at or above high."));
    assert!(markdown.contains("```mermaid\n"));
    let relaxed = text(&diff(&["--format", "markdown", "--fail-on", "critical"]));
    assert!(relaxed.contains("**Passes:** no new finding at or above critical."));

    let sarif = diff(&["--format", "sarif", "--timestamp", "2026-11-22T12:00:00Z"]);
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["artifacts"][0]["location"]["uri"], CHANGE);
    assert_eq!(run["invocations"][0]["endTimeUtc"], "2026-11-22T12:00:00Z");
    let states: Vec<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    for state in ["new", "unchanged", "updated", "absent"] {
        assert!(states.contains(&state), "{state} in {states:?}");
    }
}

#[test]
fn moves_alone_change_nothing_to_review() {
    let mut moved: serde_json::Value = serde_json::from_str(&read(EXAMPLE)).unwrap();
    moved["layout"]["nodes"]["cdn"]["x"] = 333.into();
    let dir = std::env::temp_dir().join(format!("flowmap-moved-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("moved.flowmap.json");
    std::fs::write(&file, moved.to_string()).unwrap();
    let output = flowmap()
        .args(["diff", EXAMPLE, file.to_str().unwrap()])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(0));
    let out = text(&output);
    assert!(
        out.contains("Elements: 0 added, 0 removed, 0 changed"),
        "{out}"
    );
    assert!(
        out.contains("1 layout change (moved or resized) not listed"),
        "{out}"
    );
}

#[test]
fn versions_come_from_git_revisions() {
    let repo = Repo::new("diff-git");
    repo.commit("model.flowmap.json", &read(EXAMPLE), "The shop");
    repo.commit("model.flowmap.json", &read(CHANGE), "Add Sift");
    // The last commit against the working tree, and two revisions against each other.
    let output = repo.flowmap(&[
        "diff",
        "git:HEAD~1:model.flowmap.json",
        "model.flowmap.json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", errors(&output));
    let out = text(&output);
    assert!(out.contains("3 introduced, 3 resolved"), "{out}");
    assert!(
        out.contains("--> git:HEAD~1:model.flowmap.json:43:5 node orders-cache"),
        "resolved findings are located in the old version: {out}"
    );
    let output = repo.flowmap(&[
        "diff",
        "git:main~1:model.flowmap.json",
        "git:main:./model.flowmap.json",
        "--format",
        "sarif",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", errors(&output));
    let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        log["runs"][0]["artifacts"][0]["location"]["uri"], "model.flowmap.json",
        "the path inside the repository"
    );
    // A model that does not exist yet at the base is an empty model: everything is new.
    let output = repo.flowmap(&["diff", "git:HEAD~1:new.flowmap.json", "model.flowmap.json"]);
    assert_eq!(output.status.code(), Some(1));
    let out = text(&output);
    assert!(
        out.contains("does not exist at that revision: an empty model"),
        "{out}"
    );
    assert!(out.contains("12 introduced, 0 resolved"), "{out}");
}

#[test]
fn bad_revisions_and_broken_models_exit_2_with_a_clear_error() {
    let repo = Repo::new("diff-errors");
    repo.commit("model.flowmap.json", &read(EXAMPLE), "The shop");
    repo.commit(
        "broken.json",
        "{\"format\": \"flowmap/1\",\n \"name\": 7}",
        "Broken",
    );
    let fails = |args: &[&str], expected: &str| {
        let output = repo.flowmap(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = errors(&output);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    };
    fails(
        &[
            "diff",
            "git:no-such-branch:model.flowmap.json",
            "model.flowmap.json",
        ],
        "error: git: \"no-such-branch\" names no commit of this repository",
    );
    fails(
        &["diff", "git:HEAD", "model.flowmap.json"],
        "names no path: write git:REV:PATH",
    );
    fails(
        &[
            "diff",
            "git:--output=x:model.flowmap.json",
            "model.flowmap.json",
        ],
        "is not a revision",
    );
    fails(
        &["diff", "git:HEAD:broken.json", "model.flowmap.json"],
        "--> git:HEAD:broken.json:2:10 at /name",
    );
    fails(
        &["diff", "model.flowmap.json", "missing.json"],
        "cannot read missing.json",
    );
    // Outside a repository, git says so.
    let outside = std::env::temp_dir().join(format!("flowmap-no-git-{}", std::process::id()));
    std::fs::create_dir_all(&outside).unwrap();
    let output = flowmap()
        .current_dir(&outside)
        .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
        .args([
            "diff",
            "git:HEAD:model.flowmap.json",
            "git:HEAD:model.flowmap.json",
        ])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&outside).unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        errors(&output).contains("not a git repository"),
        "{}",
        errors(&output)
    );
}

fn check_against(baseline: &str, model: &str, args: &[&str]) -> Output {
    flowmap()
        .args(["check", model, "--baseline", baseline, "--today", TODAY])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn check_against_a_baseline_counts_only_what_is_new() {
    // The unchanged example has twelve findings, none of them new.
    let output = check_against(EXAMPLE, EXAMPLE, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let out = text(&output);
    assert!(!out.contains('['), "no finding is shown: {out}");
    assert!(
        out.contains("12 findings: 1 critical, 6 high, 4 medium, 1 low."),
        "{out}"
    );
    assert!(out.contains("0 new, 0 updated, 12 unchanged (not shown), 0 resolved."));

    let output = check_against(EXAMPLE, CHANGE, &[]);
    assert_eq!(output.status.code(), Some(1));
    let out = text(&output);
    assert!(
        out.contains("high[TP-001] (new): Third party \"Sift fraud scoring\""),
        "{out}"
    );
    assert!(out.contains("medium[BND-003] (updated):"), "{out}");
    assert!(
        out.contains("resolved critical[AUTH-003]: node orders-cache"),
        "{out}"
    );
    assert!(
        !out.contains("high[TP-002]"),
        "unchanged findings are not shown: {out}"
    );
    assert_eq!(
        check_against(EXAMPLE, CHANGE, &["--fail-on", "critical"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn check_against_a_baseline_in_json_and_sarif() {
    let json: serde_json::Value =
        serde_json::from_slice(&check_against(EXAMPLE, CHANGE, &["--format", "json"]).stdout)
            .unwrap();
    assert_eq!(json["format"], "flowmap-findings/1");
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["baseline_state"].is_string()));
    let new: Vec<&str> = findings
        .iter()
        .filter(|f| f["baseline_state"] == "new")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["TP-001", "TP-004", "TP-005"]);
    assert_eq!(json["baseline"]["absent"].as_array().unwrap().len(), 3);
    assert_eq!(json["baseline"]["unchanged"], 7);
    // Without a baseline the document is as before.
    let plain: serde_json::Value = serde_json::from_slice(
        &flowmap()
            .args(["check", CHANGE, "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(plain.get("baseline").is_none());
    assert!(plain["findings"][0].get("baseline_state").is_none());

    // The SARIF `flowmap diff` gives, in one step, without the absent results (it is the
    // log to upload to code scanning).
    let args = ["--format", "sarif", "--timestamp", "2026-11-22T12:00:00Z"];
    let checked = check_against(EXAMPLE, CHANGE, &args);
    assert_eq!(checked.status.code(), Some(1));
    let checked: serde_json::Value = serde_json::from_slice(&checked.stdout).unwrap();
    let mut diffed: serde_json::Value = serde_json::from_slice(&diff(&args).stdout).unwrap();
    diffed["runs"][0]["results"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["baselineState"] != "absent");
    assert_eq!(checked, diffed);
    // `check --format sarif` alone is the export's SARIF.
    let sarif = flowmap()
        .args(["check", EXAMPLE, "--today", TODAY])
        .args(args)
        .output()
        .unwrap();
    let export = flowmap()
        .args(["export", EXAMPLE, "--format", "sarif", "--today", TODAY])
        .args(&args[2..])
        .output()
        .unwrap();
    assert_eq!(sarif.stdout, export.stdout);
}

#[test]
fn check_against_a_git_baseline() {
    let repo = Repo::new("check-baseline");
    repo.commit("models/shop.flowmap.json", &read(EXAMPLE), "The shop");
    std::fs::write(repo.dir.join("models/shop.flowmap.json"), read(CHANGE)).unwrap();
    let output = repo.flowmap(&[
        "check",
        "models/shop.flowmap.json",
        "--baseline",
        "git:HEAD:models/shop.flowmap.json",
        "--fail-on",
        "medium",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", errors(&output));
    assert!(text(&output).contains("Against git:HEAD:models/shop.flowmap.json: 3 new"));
    let output = repo.flowmap(&[
        "check",
        "models/shop.flowmap.json",
        "--baseline",
        "git:nope:models/shop.flowmap.json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(Path::new(&repo.dir).exists());
}
