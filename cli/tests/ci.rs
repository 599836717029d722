#![cfg(unix)]
//! The GitHub Actions workflow of `docs/ci.md`, run here: its `run:` steps, read from the
//! document, in GitHub's shell (`bash --noprofile --norc -eo pipefail`), in a temporary git
//! repository whose pull request changes the example model. `flowmap` is the binary under test;
//! `gh` is a stand-in that records comments; `uses:` steps are checked, not run.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{repo, GitRepo};

const MODEL: &str = "architecture/shop.flowmap.json";

/// One step of the workflow, as written in `docs/ci.md`.
#[derive(Debug, Default)]
struct Step {
    name: String,
    id: Option<String>,
    condition: Option<String>,
    uses: Option<String>,
    with: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
    run: Option<String>,
}

/// The workflow's YAML block, and from it the workflow's `env` and its steps. The reader knows
/// only the shapes `docs/ci.md` uses (keys at fixed indents, `run: |` blocks) and fails on
/// anything else, so the document and this test change together.
fn workflow() -> (BTreeMap<String, String>, Vec<Step>) {
    let doc = std::fs::read_to_string(repo().join("docs/ci.md")).unwrap();
    let start = doc.find("```yaml\n").expect("docs/ci.md has a yaml block") + 8;
    let yaml = &doc[start..start + doc[start..].find("```").unwrap()];
    let mut env = BTreeMap::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut section = "";
    let mut lines = yaml.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (key, value) = trimmed.split_once(':').unwrap_or((trimmed, ""));
        let value = value.split(" # ").next().unwrap().trim().to_owned();
        match indent {
            0 => section = if key == "env" { "env" } else { "" },
            2 if section == "env" => {
                env.insert(key.to_owned(), value);
            }
            6 if key == "- name" => {
                steps.push(Step {
                    name: value,
                    ..Step::default()
                });
                section = "step";
            }
            8 if section.starts_with("step") => {
                let step = steps.last_mut().unwrap();
                match key {
                    "id" => step.id = Some(value),
                    "if" => step.condition = Some(value),
                    "uses" => step.uses = Some(value),
                    "with" => section = "step.with",
                    "env" => section = "step.env",
                    "run" if value == "|" => {
                        let mut script = String::new();
                        while let Some(next) = lines.peek() {
                            if !next.trim().is_empty() && !next.starts_with("          ") {
                                break;
                            }
                            script.push_str(next.get(10..).unwrap_or(""));
                            script.push('\n');
                            lines.next();
                        }
                        step.run = Some(script);
                    }
                    "run" => step.run = Some(format!("{value}\n")),
                    other => panic!("docs/ci.md: unexpected step key {other:?}"),
                }
            }
            10 if section == "step.with" => {
                steps.last_mut().unwrap().with.insert(key.to_owned(), value);
            }
            10 if section == "step.env" => {
                steps.last_mut().unwrap().env.insert(key.to_owned(), value);
            }
            _ => {}
        }
    }
    (env, steps)
}

/// What GitHub would know about the run.
struct Event {
    name: &'static str,
    base: Option<String>,
}

/// The value of a `${{ … }}` expression; the test knows those the workflow uses.
fn expression(value: &str, event: &Event) -> String {
    let Some(inner) = value
        .strip_prefix("${{")
        .and_then(|v| v.strip_suffix("}}"))
        .map(str::trim)
    else {
        return value.to_owned();
    };
    match inner {
        "github.event.pull_request.base.sha" => event.base.clone().unwrap_or_default(),
        "github.event.pull_request.number" => {
            if event.base.is_some() {
                "7".to_owned()
            } else {
                String::new()
            }
        }
        "github.token" => "test-token".to_owned(),
        other => panic!("docs/ci.md uses an expression this test does not know: {other}"),
    }
}

/// An `if:` condition: terms `X == 'v'` joined by `&&`.
fn condition(text: &str, event: &Event, outputs: &BTreeMap<String, String>) -> bool {
    text.split("&&").all(|term| {
        let (left, right) = term.split_once("==").expect("an `==` condition");
        let expected = right.trim().trim_matches('\'');
        let actual = match left.trim() {
            "github.event_name" => event.name.to_owned(),
            output => outputs
                .get(output)
                .unwrap_or_else(|| panic!("unknown value in a condition: {output}"))
                .clone(),
        };
        actual == expected
    })
}

/// A repository with the example as its base commit and `change` as the pull request's head.
struct Scene {
    repo: GitRepo,
    base: String,
}

impl Scene {
    fn new(name: &str, change: &str) -> Scene {
        let git = GitRepo::new(&format!("ci-{name}"));
        let example =
            std::fs::read_to_string(repo().join("examples/serverless-shop.flowmap.json")).unwrap();
        git.commit(MODEL, &example, "The shop's model");
        let base = git.git(&["rev-parse", "HEAD"]).trim().to_owned();
        git.commit(MODEL, change, "The pull request");
        Scene { repo: git, base }
    }

    /// Runs the workflow for `event`; returns each step's name and exit code (`None`: skipped),
    /// stopping at the first failing step, as GitHub does.
    fn run(&self, event: &Event) -> Vec<(String, Option<i32>)> {
        let (env, steps) = workflow();
        assert_eq!(
            env["MODEL"], MODEL,
            "the test's repository keeps the model there"
        );
        let bin = self.repo.dir.join(".bin");
        std::fs::create_dir_all(&bin).unwrap();
        let flowmap = PathBuf::from(env!("CARGO_BIN_EXE_flowmap"));
        std::os::unix::fs::symlink(&flowmap, bin.join("flowmap")).ok();
        let gh = bin.join("gh");
        std::fs::write(&gh, GH).unwrap();
        std::fs::set_permissions(
            &gh,
            <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o755),
        )
        .unwrap();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut outputs = BTreeMap::new();
        let mut results = Vec::new();
        let mut installs = 0;
        for step in steps {
            if let Some(text) = &step.condition {
                if !condition(text, event, &outputs) {
                    results.push((step.name, None));
                    continue;
                }
            }
            if let Some(uses) = &step.uses {
                check_action(uses, &step, &self.repo.dir);
                results.push((step.name, Some(0)));
                continue;
            }
            let script = step.run.as_deref().expect("a step runs or uses something");
            if script.contains("cargo install") {
                // Installing needs the network; the binary under test stands in for it.
                installs += 1;
                results.push((step.name, None));
                continue;
            }
            let output_file = self.repo.dir.join(".github-output");
            std::fs::write(&output_file, "").unwrap();
            let script_file = self.repo.dir.join(".step.sh");
            std::fs::write(&script_file, script).unwrap();
            let mut command = Command::new("bash");
            command
                .args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script_file)
                .current_dir(&self.repo.dir)
                .env("PATH", &path)
                .env("NO_COLOR", "1")
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_EVENT_NAME", event.name)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GH_LOG", self.repo.dir.join(".gh"));
            for (key, value) in env.iter().chain(&step.env) {
                command.env(key, expression(value, event));
            }
            let status = command.status().unwrap().code();
            if let Some(id) = &step.id {
                for line in std::fs::read_to_string(&output_file).unwrap().lines() {
                    let (key, value) = line.split_once('=').unwrap();
                    outputs.insert(format!("steps.{id}.outputs.{key}"), value.to_owned());
                }
            }
            let failed = status != Some(0);
            results.push((step.name, status));
            if failed {
                break;
            }
        }
        assert_eq!(installs, 1, "one step installs flowmap");
        results
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.repo.dir.join(file)).unwrap_or_default()
    }
}

/// `gh pr comment PR --body-file FILE [--edit-last]`: records each comment in `$GH_LOG/`;
/// `--edit-last` fails while there is no comment yet, as gh does.
const GH: &str = r#"#!/usr/bin/env bash
set -eu
[ "$1 $2" = "pr comment" ] || { echo "gh stand-in: unexpected $*" >&2; exit 2; }
[ "$GH_TOKEN" = "test-token" ] || { echo "gh stand-in: no token" >&2; exit 2; }
pr="$3"; shift 3; body=""; edit=0
while [ $# -gt 0 ]; do
  case "$1" in
    --body-file) body="$2"; shift 2 ;;
    --edit-last) edit=1; shift ;;
    *) echo "gh stand-in: unexpected $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$GH_LOG"
if [ "$edit" = 1 ]; then
  [ -f "$GH_LOG/comment" ] || { echo "no comments found for current user" >&2; exit 1; }
  echo "edit $pr" >> "$GH_LOG/calls"
else
  echo "create $pr" >> "$GH_LOG/calls"
fi
cp "$body" "$GH_LOG/comment"
"#;

/// A `uses:` step, checked: the checkout fetches the whole history (the base must be there), the
/// upload names a SARIF log the check step wrote.
fn check_action(uses: &str, step: &Step, dir: &Path) {
    if uses.starts_with("actions/checkout@") {
        assert_eq!(step.with.get("fetch-depth").map(String::as_str), Some("0"));
    } else if uses.starts_with("github/codeql-action/upload-sarif@") {
        let file = dir.join(&step.with["sarif_file"]);
        let log: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(log["version"], "2.1.0");
        assert!(step.with.contains_key("category"));
    } else {
        panic!("docs/ci.md uses an action this test does not know: {uses}");
    }
}

fn pull_request(scene: &Scene) -> Event {
    Event {
        name: "pull_request",
        base: Some(scene.base.clone()),
    }
}

fn codes(results: &[(String, Option<i32>)]) -> Vec<Option<i32>> {
    results.iter().map(|(_, code)| *code).collect()
}

fn sarif_states(scene: &Scene) -> Vec<String> {
    let log: serde_json::Value = serde_json::from_str(&scene.read("flowmap.sarif")).unwrap();
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap_or("-").to_owned())
        .collect()
}

#[test]
fn a_pull_request_that_adds_a_finding_is_commented_and_fails() {
    let change = std::fs::read_to_string(
        repo().join("tests/fixtures/diff/serverless-shop-change.flowmap.json"),
    )
    .unwrap();
    let scene = Scene::new("pr", &change);
    let results = scene.run(&pull_request(&scene));
    // Checkout, install (skipped here), check, upload, comment, then the failing gate.
    assert_eq!(
        codes(&results),
        [Some(0), None, Some(0), Some(0), Some(0), Some(1)],
        "{results:?}"
    );
    let states = sarif_states(&scene);
    assert_eq!(
        states.iter().filter(|s| *s == "new").count(),
        3,
        "{states:?}"
    );
    assert!(!states.iter().any(|s| s == "absent"), "{states:?}");
    let comment = scene.read(".gh/comment");
    assert!(
        comment.starts_with("### Flowmap: Serverless shop\n"),
        "{comment}"
    );
    assert!(comment.contains("**Fails:** 1 new finding at or above high."));
    assert!(comment.contains(&format!("`git:{}:{MODEL}` → `{MODEL}`", scene.base)));
    assert!(comment.len() <= 65_536);
    assert_eq!(scene.read(".gh/calls"), "create 7\n");
    // A second run (another push to the pull request) edits the comment.
    scene.run(&pull_request(&scene));
    assert_eq!(scene.read(".gh/calls"), "create 7\nedit 7\n");
}

#[test]
fn a_pull_request_that_only_moves_boxes_passes() {
    let example =
        std::fs::read_to_string(repo().join("examples/serverless-shop.flowmap.json")).unwrap();
    let moved = example.replace(
        "\"cdn\": { \"x\": 300, \"y\": 80 }",
        "\"cdn\": { \"x\": 320, \"y\": 100 }",
    );
    assert_ne!(moved, example);
    let scene = Scene::new("moved", &moved);
    let results = scene.run(&pull_request(&scene));
    assert_eq!(
        codes(&results),
        [Some(0), None, Some(0), Some(0), Some(0), None],
        "{results:?}"
    );
    assert!(sarif_states(&scene).iter().all(|s| s == "unchanged"));
    let comment = scene.read(".gh/comment");
    assert!(
        comment.contains("**Passes:** no new finding at or above high."),
        "{comment}"
    );
    assert!(comment.contains("1 layout change, not listed"), "{comment}");
}

#[test]
fn a_push_to_main_checks_and_uploads_without_a_baseline() {
    let example =
        std::fs::read_to_string(repo().join("examples/serverless-shop.flowmap.json")).unwrap();
    let scene = Scene::new("push", &example);
    let results = scene.run(&Event {
        name: "push",
        base: None,
    });
    assert_eq!(
        codes(&results),
        [Some(0), None, Some(0), Some(0), None, None],
        "{results:?}"
    );
    assert!(
        sarif_states(&scene).iter().all(|s| s == "-"),
        "no baseline, no states"
    );
    assert!(scene.read(".gh/calls").is_empty());
}

#[test]
fn a_broken_model_stops_the_job_at_the_check() {
    let scene = Scene::new("broken", "{\"format\": \"flowmap/1\", \"name\": 7}");
    let results = scene.run(&pull_request(&scene));
    assert_eq!(codes(&results), [Some(0), None, Some(1)], "{results:?}");
    assert!(scene.read(".gh/calls").is_empty());
}
