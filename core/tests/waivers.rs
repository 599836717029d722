//! Waivers and rule configuration, through the public API.

use flowmap_core::{check, findings_json, load_str, CheckOptions, Model, Report, Severity};

const MODEL: &str = r#"{
  "format": "flowmap/1",
  "name": "Waivers",
  "nodes": [
    { "id": "client", "name": "Client", "kind": "actor" },
    { "id": "api", "name": "API", "kind": "service" },
    { "id": "worker", "name": "Worker", "kind": "service" }
  ],
  "flows": [
    { "id": "call", "from": "client", "to": "api", "name": "Call", "encrypted": true, "data": ["personal"] }
  ]
}"#;

fn with(extra: &str) -> Model {
    let text = MODEL.replacen("\"flows\"", &format!("{extra}\n  \"flows\""), 1);
    load_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn run(model: &Model) -> Report {
    check(
        model,
        &CheckOptions {
            today: Some("2026-11-22".parse().unwrap()),
            ..Default::default()
        },
    )
}

fn find<'a>(report: &'a Report, rule: &str, subject: &str) -> Option<&'a flowmap_core::Finding> {
    report
        .findings
        .iter()
        .find(|f| f.rule == rule && f.subject.id == subject)
}

#[test]
fn a_waiver_suppresses_exactly_the_finding_it_names() {
    let plain = run(&with(""));
    let model = with(
        r#""waivers": [{ "rule": "LOG-001", "subject": "api", "reason": "Logs next sprint", "approved_by": "CISO", "expires": "2027-01-31" }],"#,
    );
    let report = run(&model);
    let waived = find(&report, "LOG-001", "api").unwrap();
    assert!(waived.waived);
    assert_eq!(waived.waiver.as_ref().unwrap().approved_by, "CISO");
    assert!(
        !find(&report, "LOG-001", "worker").unwrap().waived,
        "same rule, other subject"
    );
    assert!(
        !find(&report, "AUTH-001", "call").unwrap().waived,
        "other rule"
    );
    assert_eq!(
        report.findings.len(),
        plain.findings.len(),
        "a waived finding stays in the report"
    );
    assert_eq!(
        report.summary.total() + 1,
        plain.summary.total(),
        "but is not counted"
    );
    assert!(find(&report, "WVR-001", "api").is_none() && find(&report, "WVR-002", "api").is_none());
    let json: serde_json::Value = serde_json::from_str(&findings_json(&model, &report)).unwrap();
    let entry = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "LOG-001" && f["subject"]["id"] == "api")
        .unwrap();
    assert_eq!(entry["waived"], true);
    assert_eq!(entry["waiver"]["reason"], "Logs next sprint");
    assert_eq!(entry["waiver"]["expires"], "2027-01-31");
}

#[test]
fn an_expired_waiver_stops_suppressing_and_is_reported() {
    let report = run(&with(
        r#""waivers": [{ "rule": "LOG-001", "subject": "api", "reason": "r", "approved_by": "CISO", "expires": "2026-11-21" }],"#,
    ));
    assert!(!find(&report, "LOG-001", "api").unwrap().waived);
    let expired = find(&report, "WVR-001", "api").unwrap();
    assert!(
        expired.message.contains("expired after 2026-11-21"),
        "{}",
        expired.message
    );
    // On its last day a waiver still applies.
    let report = run(&with(
        r#""waivers": [{ "rule": "LOG-001", "subject": "api", "reason": "r", "approved_by": "CISO", "expires": "2026-11-22" }],"#,
    ));
    assert!(find(&report, "LOG-001", "api").unwrap().waived);
}

#[test]
fn a_waiver_that_matches_nothing_is_stale() {
    let report = run(&with(
        r#""waivers": [{ "rule": "ENC-004", "subject": "api", "reason": "r", "approved_by": "CISO", "expires": "2027-01-31" }],"#,
    ));
    assert!(find(&report, "WVR-002", "api").is_some());
}

#[test]
fn two_waivers_on_one_subject_have_distinct_fingerprints() {
    let report = run(&with(
        r#""waivers": [
        { "rule": "ENC-004", "subject": "api", "reason": "r", "approved_by": "CISO", "expires": "2027-01-31" },
        { "rule": "ENC-001", "subject": "api", "reason": "r", "approved_by": "CISO", "expires": "2027-01-31" }],"#,
    ));
    let stale: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "WVR-002")
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(stale.len(), 2);
    assert_ne!(stale[0], stale[1]);
}

#[test]
fn rule_configuration_switches_off_and_regrades() {
    let model = with(r#""rules": { "LOG-001": "off", "AUTH-001": { "severity": "low" } },"#);
    let report = run(&model);
    assert!(report.findings.iter().all(|f| f.rule != "LOG-001"));
    assert_eq!(
        find(&report, "AUTH-001", "call").unwrap().severity,
        Severity::Low
    );
    assert!(report.skipped.contains(&"LOG-001"));
    let json: serde_json::Value = serde_json::from_str(&findings_json(&model, &report)).unwrap();
    assert_eq!(
        json["configuration"]["severity_overrides"]["AUTH-001"],
        "low"
    );
    assert!(json["configuration"]["rules_skipped"]
        .as_array()
        .unwrap()
        .contains(&"LOG-001".into()));
    assert!(!json["configuration"]["rules_run"]
        .as_array()
        .unwrap()
        .contains(&"LOG-001".into()));
}

#[test]
fn disable_and_only_options_select_rules() {
    let model = with("");
    let options = CheckOptions {
        only: ["AUTH-001".to_owned()].into(),
        ..Default::default()
    };
    let report = check(&model, &options);
    assert!(report.findings.iter().all(|f| f.rule == "AUTH-001"));
    assert_eq!(report.runs.len(), 1);
    let options = CheckOptions {
        disabled: ["AUTH-001".to_owned()].into(),
        ..Default::default()
    };
    assert!(check(&model, &options)
        .findings
        .iter()
        .all(|f| f.rule != "AUTH-001"));
}

#[test]
fn the_control_view_counts_populations_passes_and_exceptions() {
    let report = run(&with(
        r#""waivers": [{ "rule": "LOG-001", "subject": "api", "reason": "r", "approved_by": "CISO", "expires": "2027-01-31" }],"#,
    ));
    let controls = flowmap_core::by_control(&report);
    assert!(
        controls[0].control.starts_with("SOC2:CC"),
        "SOC 2 common criteria come first"
    );
    let frameworks: Vec<&str> = controls.iter().map(|c| c.framework).collect();
    let mut sorted = frameworks.clone();
    sorted.sort_by_key(|f| {
        ["SOC2", "ISO27001", "NIST", "PCI"]
            .iter()
            .position(|x| x == f)
    });
    assert_eq!(frameworks, sorted);
    let cc72 = controls.iter().find(|c| c.control == "SOC2:CC7.2").unwrap();
    let log001 = cc72.tests.iter().find(|t| t.rule == "LOG-001").unwrap();
    assert_eq!(
        (
            log001.population,
            log001.passes,
            log001.exceptions,
            log001.waived
        ),
        (2, 0, 1, 1)
    );
    assert_eq!(cc72.conclusion, flowmap_core::Conclusion::ExceptionsFound);
    for control in &controls {
        for test in &control.tests {
            assert_eq!(
                test.passes + test.exceptions + test.waived,
                test.population,
                "{} {}",
                control.control,
                test.rule
            );
        }
    }
}
