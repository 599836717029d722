//! Every rule against its fixture, `tests/fixtures/rules/<ID>.flowmap.json`.
//!
//! Convention: in a rule's fixture, the rule must flag exactly the elements whose id starts
//! with `flag-`; everything else (ids starting with `pass-`, and supporting elements) is a case
//! it must not flag. The rendered findings are snapshots (`tests/snapshots/rules/`), reviewed
//! when they change.

use std::collections::BTreeSet;
use std::path::PathBuf;

use flowmap_core::{check, load, CheckOptions, REGISTRY};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture_path(id: &str) -> PathBuf {
    repo()
        .join("tests/fixtures/rules")
        .join(format!("{id}.flowmap.json"))
}

/// The day fixtures are checked on (waivers and attestations expire relative to it).
const TODAY: &str = "2026-11-22";

/// Runs the whole catalog on a rule's fixture (rules about waivers need the others' findings)
/// and keeps that rule's findings and run.
fn run_fixture(id: &str) -> (flowmap_core::Model, flowmap_core::Report) {
    let path = fixture_path(id);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let model = load(&bytes).unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display()));
    let options = CheckOptions {
        today: Some(TODAY.parse().unwrap()),
        ..Default::default()
    };
    let mut report = check(&model, &options);
    report.findings.retain(|f| f.rule == id);
    report.runs.retain(|r| r.rule.id == id);
    (model, report)
}

fn render(report: &flowmap_core::Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let waived = if f.waived { " (waived)" } else { "" };
        out.push_str(&format!(
            "{} {} {} {}{waived}: {}\n",
            f.severity,
            f.rule,
            f.subject.kind.as_str(),
            f.subject.id,
            f.message
        ));
        if !f.path.is_empty() {
            out.push_str(&format!("    path: {}\n", f.path.join(" → ")));
        }
    }
    let run = &report.runs[0];
    out.push_str(&format!(
        "examined {}, exceptions {}, waived {}\n",
        run.examined.len(),
        run.exceptions,
        run.waived
    ));
    out
}

#[test]
fn every_rule_flags_exactly_the_flag_cases_of_its_fixture() {
    let mut failures = Vec::new();
    for rule in REGISTRY {
        let (model, report) = run_fixture(rule.id);
        let flagged: BTreeSet<&str> = report
            .findings
            .iter()
            .filter(|f| !f.waived)
            .map(|f| f.subject.id.as_str())
            .collect();
        let expected: BTreeSet<&str> = model
            .nodes
            .iter()
            .map(|n| n.id.as_str())
            .chain(model.flows.iter().map(|f| f.id.as_str()))
            .chain(model.boundaries.iter().map(|b| b.id.as_str()))
            .filter(|id| id.starts_with("flag-"))
            .collect();
        if expected.is_empty() {
            failures.push(format!("{}: the fixture has no flag- case", rule.id));
        }
        let has_pass = model.nodes.iter().any(|n| n.id.starts_with("pass-"))
            || model.flows.iter().any(|f| f.id.starts_with("pass-"));
        if !has_pass {
            failures.push(format!("{}: the fixture has no pass- case", rule.id));
        }
        for missed in expected.difference(&flagged) {
            failures.push(format!("{}: should flag {missed}", rule.id));
        }
        for wrong in flagged.difference(&expected) {
            failures.push(format!("{}: should not flag {wrong}", rule.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rule_fixture_snapshots() {
    for rule in REGISTRY {
        let (_, report) = run_fixture(rule.id);
        insta::with_settings!({
            snapshot_path => repo().join("tests/snapshots/rules"),
            prepend_module_to_snapshot => false,
            description => format!("{} on tests/fixtures/rules/{}.flowmap.json", rule.id, rule.id),
            omit_expression => true,
        }, {
            insta::assert_snapshot!(rule.id, render(&report));
        });
    }
}

#[test]
fn rule_ids_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for rule in REGISTRY {
        assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
        let (family, number) = rule.id.split_once('-').expect("FAMILY-NNN");
        assert!(
            family.chars().all(|c| c.is_ascii_uppercase()) && number.len() == 3,
            "{}",
            rule.id
        );
        assert!(
            rule.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            rule.name
        );
    }
    let names: BTreeSet<&str> = REGISTRY.iter().map(|r| r.name).collect();
    assert_eq!(names.len(), REGISTRY.len(), "rule names are unique");
    let ids: Vec<&str> = REGISTRY.iter().map(|r| r.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "the registry lists rules in id order");
}

#[test]
fn every_rule_is_documented_with_all_headings_and_maps_to_controls() {
    for rule in REGISTRY {
        let docs = rule.docs();
        let mut last = 0;
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## How to fix",
        ] {
            let at = docs
                .find(heading)
                .unwrap_or_else(|| panic!("{} docs lack {heading:?}", rule.id));
            assert!(at >= last, "{}: {heading:?} is out of order", rule.id);
            let body = docs[at + heading.len()..].trim_start();
            assert!(
                !body.starts_with("##") && !body.is_empty(),
                "{}: {heading:?} is empty",
                rule.id
            );
            last = at;
        }
        assert!(
            rule.summary.ends_with('.'),
            "{}: the summary is a sentence",
            rule.id
        );
        assert!(
            rule.controls().iter().any(|c| c.starts_with("SOC2:")),
            "{} maps to no SOC 2 control",
            rule.id
        );
    }
}

#[test]
fn every_rule_has_a_fixture_and_a_snapshot_and_no_fixture_is_orphaned() {
    let ids: BTreeSet<String> = REGISTRY.iter().map(|r| r.id.to_owned()).collect();
    for id in &ids {
        assert!(fixture_path(id).exists(), "{id} has no fixture");
        let snapshot = repo()
            .join("tests/snapshots/rules")
            .join(format!("{id}.snap"));
        assert!(
            snapshot.exists(),
            "{id} has no snapshot at {}",
            snapshot.display()
        );
    }
    for dir in ["tests/fixtures/rules", "tests/snapshots/rules"] {
        for entry in std::fs::read_dir(repo().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let id = name.split('.').next().unwrap_or_default();
            assert!(ids.contains(id), "{dir}/{name} belongs to no rule");
        }
    }
}
