//! The `flowmap` binary, end to end: exit codes, located errors, output formats.

mod common;

use common::{flowmap, repo, EXAMPLE};

#[test]
fn checking_the_example_prints_findings_and_exits_1() {
    let output = flowmap()
        .args(["check", EXAMPLE, "--today", "2026-11-22"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("critical[AUTH-003]: Store \"Order status cache\" (orders-cache)"),
        "{text}"
    );
    assert!(text.contains(&format!("--> {EXAMPLE}:")), "{text}");
    assert!(text.contains("high[ENC-004]"), "{text}");
    assert!(text.contains("high[TP-002]"), "{text}");
    let summary = text.lines().last().unwrap();
    assert!(
        summary.contains("findings:") && summary.contains("critical"),
        "{summary}"
    );
}

#[test]
fn the_threshold_decides_the_exit_code() {
    let code = |args: &[&str]| {
        flowmap()
            .args(["check", EXAMPLE])
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&["--fail-on", "never"]), Some(0));
    assert_eq!(code(&["--fail-on", "critical"]), Some(1));
    assert_eq!(
        code(&["--only", "ENC-002"]),
        Some(0),
        "the example has no plaintext boundary crossing"
    );
    assert_eq!(code(&["--only", "LOG-002", "--fail-on", "medium"]), Some(1));
    assert_eq!(code(&["--only", "LOG-002", "--fail-on", "high"]), Some(0));
    assert_eq!(code(&["--disable", "NOPE-001"]), Some(2));
}

#[test]
fn json_output_is_the_findings_document() {
    let output = flowmap()
        .args(["check", EXAMPLE, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["format"], "flowmap-findings/1");
    assert_eq!(document["model"]["name"], "Serverless shop");
    assert_eq!(document["model"]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(document["tool"]["name"], "flowmap");
    let findings = document["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for finding in findings {
        for key in [
            "rule",
            "name",
            "severity",
            "subject",
            "path",
            "message",
            "controls",
            "fingerprint",
            "waived",
        ] {
            assert!(finding.get(key).is_some(), "finding lacks {key}: {finding}");
        }
        assert!(["node", "flow", "boundary", "model"]
            .contains(&finding["subject"]["kind"].as_str().unwrap()));
    }
    let summary = &document["summary"];
    let total: u64 = ["critical", "high", "medium", "low"]
        .iter()
        .map(|s| summary[s].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, findings.len());
}

#[test]
fn every_broken_model_exits_2_with_a_located_message() {
    let manifest = std::fs::read_to_string(repo().join("tests/broken/expected.tsv")).unwrap();
    let mut checked = 0;
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let fields: Vec<&str> = line.split('\t').collect();
        let (file, location, pointer) = (fields[0], fields[1], fields[2]);
        let path = format!("tests/broken/{file}");
        let output = flowmap().args(["check", &path]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{file}: {stderr}");
        assert!(
            output.stdout.is_empty(),
            "{file}: nothing on stdout for an unusable model"
        );
        let first = stderr
            .lines()
            .find(|l| l.contains("-->"))
            .unwrap_or_else(|| panic!("{file}: no location in {stderr}"));
        let expected = if pointer == "-" {
            format!("--> {path}:{location}")
        } else {
            format!("--> {path}:{location} at {pointer}")
        };
        assert_eq!(first.trim(), expected, "{file}");
        assert!(!stderr.contains("panicked"), "{file}");
        checked += 1;
    }
    let files = std::fs::read_dir(repo().join("tests/broken"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        });
    assert_eq!(
        checked,
        files.count(),
        "every file in tests/broken has a line in expected.tsv"
    );
    assert!(checked >= 25);
}

#[test]
fn all_errors_of_a_document_are_reported_at_once() {
    let output = flowmap()
        .args(["check", "tests/broken/33-many-errors-at-once.json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    for pointer in ["/nodes/0/kind", "/nodes/1/owner", "/nodes/2/logging"] {
        assert!(
            stderr.contains(pointer),
            "{pointer} missing from:\n{stderr}"
        );
    }
    assert!(stderr.contains("3 errors"), "{stderr}");
}

#[test]
fn a_10_mb_string_is_refused_with_its_location() {
    let huge = "x".repeat(10 * 1024 * 1024);
    let model = format!("{{\"format\": \"flowmap/1\",\n \"name\": \"{huge}\"}}");
    let output = flowmap()
        .args(["check", "-"])
        .write_stdin(model)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("--> -:2:10 at /name"),
        "{}",
        &stderr[..stderr.len().min(500)]
    );
    assert!(stderr.contains("too long"));
}

#[test]
fn a_million_levels_of_nesting_do_not_overflow_the_stack() {
    let model = format!(
        "{{\"format\": \"flowmap/1\", \"name\": \"x\", \"nodes\": {}{}}}",
        "[".repeat(1_000_000),
        "]".repeat(1_000_000)
    );
    let output = flowmap()
        .args(["check", "-"])
        .write_stdin(model)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("recursion limit"));
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let output = flowmap()
        .args(["check", "no/such/file.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read no/such/file.json"));
}

#[test]
fn rules_lists_the_catalog_and_explains_each_rule() {
    let output = flowmap().arg("rules").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for rule in flowmap_core::REGISTRY {
        assert!(text.contains(rule.id), "{} missing from the list", rule.id);
        let explained = flowmap().args(["rules", rule.id]).output().unwrap();
        assert!(explained.status.success());
        let docs = String::from_utf8(explained.stdout).unwrap();
        assert!(
            docs.contains("## What it does") && docs.contains("## How to fix"),
            "{}",
            rule.id
        );
        assert!(docs.contains("SOC2:"), "{}", rule.id);
    }
    assert_eq!(
        flowmap()
            .args(["rules", "enc-001"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        flowmap()
            .args(["rules", "XYZ-001"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn schema_prints_the_committed_schema() {
    let output = flowmap().arg("schema").output().unwrap();
    assert!(output.status.success());
    let committed = std::fs::read_to_string(repo().join("schema/flowmap-1.schema.json")).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed);
}

#[test]
fn the_readme_shows_what_check_says_about_the_example() {
    const START: &str = "<!-- example:start (output of `flowmap check examples/serverless-shop.flowmap.json --today 2026-11-22`; a test keeps it current) -->\n```text\n";
    const END: &str = "```\n<!-- example:end -->";
    let output = flowmap()
        .args(["check", EXAMPLE, "--today", "2026-11-22"])
        .output()
        .unwrap();
    let generated = String::from_utf8(output.stdout).unwrap();
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = (
        readme.find(START).expect("example start marker"),
        readme.find(END).expect("example end marker"),
    );
    let current = &readme[start + START.len()..end];
    if std::env::var_os("UPDATE_GENERATED").is_some() && current != generated {
        std::fs::write(
            &path,
            format!(
                "{}{}{}",
                &readme[..start + START.len()],
                generated,
                &readme[end..]
            ),
        )
        .unwrap();
        return;
    }
    assert!(
        current == generated,
        "README.md's example output is stale: run UPDATE_GENERATED=1 cargo test -p flowmap-cli"
    );
}

#[test]
fn by_control_groups_results_by_control_soc2_first() {
    let output = flowmap()
        .args(["check", EXAMPLE, "--by-control"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "the exit code still follows the findings"
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let soc2 = text.find("SOC 2").unwrap();
    let iso = text.find("ISO/IEC 27001:2022").unwrap();
    let nist = text.find("NIST SP 800-53").unwrap();
    assert!(soc2 < iso && iso < nist, "{text}");
    assert!(text.contains("SOC2:CC6.7 Transmission"), "{text}");
    assert!(text.contains("population"), "{text}");
    assert!(text.contains("exceptions found in the design"), "{text}");
    assert!(text.contains("not tested"), "{text}");
    assert!(!text.contains("satisfied"), "{text}");

    let output = flowmap()
        .args(["check", EXAMPLE, "--by-control", "--format", "json"])
        .output()
        .unwrap();
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["format"], "flowmap-controls/2");
    let controls = document["controls"].as_array().unwrap();
    assert_eq!(controls[0]["framework"], "SOC2");
    let cc67 = controls
        .iter()
        .find(|c| c["control"] == "SOC2:CC6.7")
        .unwrap();
    assert_eq!(cc67["conclusion"], "exceptions-found");
    assert!(cc67.get("satisfied").is_none());
    let enc = cc67["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["rule"] == "ENC-001")
        .unwrap();
    let population = enc["population"].as_u64().unwrap();
    assert_eq!(
        enc["passes"].as_u64().unwrap()
            + enc["exceptions"].as_u64().unwrap()
            + enc["waived"].as_u64().unwrap(),
        population
    );
}

#[test]
fn terminal_output_shows_control_characters_instead_of_obeying_them() {
    let model = "{\"format\": \"flowmap/1\", \"name\": \"x\", \"nodes\": [{\"id\": \"a\", \"name\": \"evil\\u001b[2J\\nforged line\", \"kind\": \"service\"}]}";
    let output = flowmap()
        .args(["check", "-", "--fail-on", "never"])
        .write_stdin(model)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("evil[U+001B][2J\\nforged line"), "{text}");
}

#[test]
fn every_verb_exits_quietly_on_a_closed_pipe() {
    // The reading end is closed before the program writes (as when `head` has had enough):
    // each verb exits with 0 and says nothing, as cargo and ruff do.
    let report = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pipe.report.md");
    let output = flowmap()
        .args(["export", EXAMPLE, "--format", "markdown", "-o"])
        .arg(&report)
        .output()
        .unwrap();
    assert!(output.status.success());
    let report = report.to_str().unwrap().to_owned();
    let mut verbs: Vec<Vec<&str>> = vec![
        vec!["check", EXAMPLE],
        vec!["check", EXAMPLE, "--format", "json"],
        vec!["check", EXAMPLE, "--by-control"],
        vec!["check", EXAMPLE, "--by-control", "--format", "json"],
        vec!["rules"],
        vec!["rules", "ENC-001"],
        vec!["rules", "--markdown"],
        vec!["schema"],
        vec!["verify", &report, EXAMPLE],
    ];
    for format in flowmap_core::export::Format::ALL {
        verbs.push(vec!["export", EXAMPLE, "--format", format.name()]);
    }
    for args in verbs {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("flowmap"))
            .current_dir(repo())
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(
            output.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
