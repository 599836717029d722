//! The evidence exporters (SARIF, OSCAL, CSV) through the public API: snapshots of the example
//! model at a fixed time (`tests/snapshots/exports/`), determinism, locations, references inside
//! the documents, and escaping of hostile model text.
//!
//! Validation against the SARIF and OSCAL schemas and by Microsoft's SARIF validator and
//! compliance-trestle is `tests/validate/exports.sh` (it needs Python and Node tools).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use flowmap_core::export::{csv, export, ExportContext, Format};
use flowmap_core::{by_control, check, load_str, CheckOptions, Locator, Model, Report, Timestamp};
use serde_json::Value;

const EXAMPLE: &str = "examples/serverless-shop.flowmap.json";
const TIMESTAMP: &str = "2026-11-22T12:00:00Z";
const TODAY: &str = "2026-11-22";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Case {
    text: String,
    model: Model,
    report: Report,
}

impl Case {
    fn of(text: &str) -> Case {
        let model = load_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let report = check(
            &model,
            &CheckOptions {
                today: Some(TODAY.parse().unwrap()),
                ..Default::default()
            },
        );
        Case {
            text: text.to_owned(),
            model,
            report,
        }
    }

    fn example() -> Case {
        Case::of(&std::fs::read_to_string(repo().join(EXAMPLE)).unwrap())
    }

    fn context(&self) -> ExportContext<'_> {
        ExportContext {
            source: Some(&self.text),
            source_path: EXAMPLE,
            ..ExportContext::new(
                &self.model,
                &self.report,
                TIMESTAMP.parse::<Timestamp>().unwrap(),
            )
        }
    }

    fn export(&self, format: Format) -> String {
        export(format, &self.context())
    }

    fn json(&self, format: Format) -> Value {
        serde_json::from_str(&self.export(format)).expect("valid JSON")
    }
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => repo().join("tests/snapshots/exports"),
        prepend_module_to_snapshot => false,
        description => format!("{name} of {EXAMPLE} at {TIMESTAMP}, today {TODAY}"),
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn sarif_snapshot() {
    // The rules' documentation is checked below against `Rule::docs`; left out of the snapshot
    // so that editing a rule's prose does not churn it.
    let sarif = Case::example().export(Format::Sarif);
    snapshot("sarif", &without_rule_docs(&sarif));
}

/// The SARIF text with each rule's `fullDescription` and `help` objects replaced by a marker
/// (the text stays as written, in its own property order).
fn without_rule_docs(sarif: &str) -> String {
    let mut out = String::new();
    let mut skipping: Option<String> = None;
    for line in sarif.lines() {
        if let Some(indent) = &skipping {
            if line.starts_with(&format!("{indent}}}")) {
                let comma = if line.ends_with(',') { "," } else { "" };
                out.push_str(&format!("\"[rule docs]\"{comma}\n"));
                skipping = None;
            }
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed == "\"fullDescription\": {" || trimmed == "\"help\": {" {
            let indent = &line[..line.len() - trimmed.len()];
            out.push_str(&line[..line.len() - 1]);
            skipping = Some(indent.to_owned());
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn oscal_snapshot() {
    snapshot("oscal", &Case::example().export(Format::Oscal));
}

#[test]
fn csv_snapshot() {
    snapshot("csv", &Case::example().export(Format::Csv));
}

#[test]
fn exports_are_deterministic() {
    for format in [Format::Sarif, Format::Oscal, Format::Csv] {
        let first = Case::example().export(format);
        let second = Case::example().export(format);
        assert_eq!(first, second, "{format:?} differs between two runs");
    }
}

#[test]
fn the_new_formats_are_listed_and_named() {
    for (format, name) in [
        (Format::Sarif, "sarif"),
        (Format::Oscal, "oscal"),
        (Format::Csv, "csv"),
    ] {
        assert!(Format::ALL.contains(&format));
        assert_eq!(format.name(), name);
        assert_eq!(Format::parse(name), Some(format));
        assert!(!format.extension().is_empty() && !format.media_type().is_empty());
    }
}

#[test]
fn sarif_lists_every_rule_and_maps_severities() {
    let case = Case::example();
    let sarif = case.json(Format::Sarif);
    let run = &sarif["runs"][0];
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["endTimeUtc"], TIMESTAMP);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), flowmap_core::REGISTRY.len());
    for (descriptor, rule) in rules.iter().zip(flowmap_core::REGISTRY) {
        assert_eq!(descriptor["id"], rule.id);
        assert_eq!(descriptor["shortDescription"]["text"], rule.summary);
        assert_eq!(descriptor["help"]["markdown"], rule.docs());
        let (level, score) = match rule.severity.as_str() {
            "critical" => ("error", "9.5"),
            "high" => ("error", "8.0"),
            "medium" => ("warning", "5.5"),
            _ => ("note", "3.0"),
        };
        assert_eq!(descriptor["defaultConfiguration"]["level"], level);
        assert_eq!(descriptor["properties"]["security-severity"], score);
        let tags: Vec<&str> = descriptor["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(tags[0], "security");
        assert_eq!(tags[1..], rule.controls());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), case.report.findings.len());
    for (result, finding) in results.iter().zip(&case.report.findings) {
        assert_eq!(result["ruleId"], finding.rule);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], finding.rule);
        assert_eq!(
            result["partialFingerprints"]["flowmapFingerprint/v1"],
            finding.fingerprint.as_str()
        );
        let level = match finding.severity.as_str() {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "note",
        };
        assert_eq!(result["level"], level);
    }
}

/// The text at a SARIF region of `text`: the line from the start column on.
fn at_region<'t>(text: &'t str, location: &Value) -> &'t str {
    let region = &location["physicalLocation"]["region"];
    let line = region["startLine"].as_u64().unwrap() as usize;
    let column = region["startColumn"].as_u64().unwrap() as usize;
    let line_text = text.lines().nth(line - 1).unwrap();
    let offset = line_text
        .char_indices()
        .nth(column - 1)
        .map_or(line_text.len(), |(i, _)| i);
    &line_text[offset..]
}

#[test]
fn sarif_locations_point_at_the_subjects_and_the_witness_flows() {
    let case = Case::example();
    let sarif = case.json(Format::Sarif);
    let mut paths = 0;
    for (result, finding) in sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&case.report.findings)
    {
        let location = &result["locations"][0];
        assert_eq!(
            location["physicalLocation"]["artifactLocation"]["uri"],
            EXAMPLE
        );
        assert_eq!(
            location["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        let here = at_region(&case.text, location);
        assert!(
            here.starts_with('{') && here.contains(&format!("\"id\": \"{}\"", finding.subject.id)),
            "{} on {} points at {here:?}",
            finding.rule,
            finding.subject.id
        );
        let pointer = location["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap();
        assert_eq!(location["logicalLocations"][0]["kind"], "object");
        let element = serde_json::from_str::<Value>(&case.text).unwrap();
        assert_eq!(element.pointer(pointer).unwrap()["id"], finding.subject.id);
        if !finding.path.is_empty() {
            paths += 1;
            let steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
                .as_array()
                .unwrap();
            assert_eq!(steps.len(), finding.path.len());
            for (step, flow) in steps.iter().zip(&finding.path) {
                let here = at_region(&case.text, &step["location"]);
                assert!(
                    here.contains(&format!("\"id\": \"{flow}\"")),
                    "{flow}: {here:?}"
                );
            }
        } else {
            assert!(result.get("codeFlows").is_none());
        }
    }
    assert!(paths > 0, "the example has findings with witness paths");
}

#[test]
fn sarif_without_a_source_locates_in_the_file_form() {
    let case = Case::example();
    let mut context = case.context();
    context.source = None;
    let sarif: Value = serde_json::from_str(&export(Format::Sarif, &context)).unwrap();
    let file = flowmap_core::to_file_json(&case.model);
    let locator = Locator::new(&file);
    let pointers = flowmap_core::Pointers::new(&case.model);
    for (result, finding) in sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&case.report.findings)
    {
        let position = locator.locate(pointers.of(&finding.subject.id));
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], position.line);
        assert_eq!(region["startColumn"], position.column);
        assert!(at_region(&file, &result["locations"][0]).starts_with('{'));
    }
}

const WAIVED: &str = r#"{
  "format": "flowmap/1",
  "name": "Waived",
  "nodes": [
    { "id": "client", "name": "Client", "kind": "actor" },
    { "id": "api", "name": "API", "kind": "service", "owner": "team" }
  ],
  "flows": [
    { "id": "call", "from": "client", "to": "api", "name": "Call", "encrypted": true,
      "authenticated": true, "monitored": true, "data": ["personal"] }
  ],
  "waivers": [
    { "rule": "LOG-001", "subject": "api", "reason": "Logs next sprint, \"really\"",
      "approved_by": "CISO", "expires": "2027-01-31" }
  ]
}"#;

#[test]
fn a_waived_finding_is_an_accepted_suppression_in_sarif_and_waived_in_csv_and_oscal() {
    let case = Case::of(WAIVED);
    assert!(case
        .report
        .findings
        .iter()
        .any(|f| f.rule == "LOG-001" && f.waived));
    let sarif = case.json(Format::Sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let waived = results
        .iter()
        .find(|r| r["ruleId"] == "LOG-001")
        .expect("the waived finding is still reported");
    assert_eq!(
        waived["suppressions"],
        serde_json::json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "Logs next sprint, \"really\" (approved by CISO, expires 2027-01-31)"
        }])
    );
    assert!(results
        .iter()
        .filter(|r| r["ruleId"] != "LOG-001")
        .all(|r| r.get("suppressions").is_none()));

    let rows = parse_csv(&case.export(Format::Csv));
    let log = rows
        .iter()
        .find(|r| r["rule"] == "LOG-001" && r["element_id"] == "api")
        .unwrap();
    assert_eq!(log["result"], "waived");
    assert_eq!(
        log["severity"], "high",
        "LOG-001 with personal data reaching it"
    );

    let oscal = case.json(Format::Oscal);
    let observation = oscal["assessment-results"]["results"][0]["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["title"] == "LOG-001 unmonitored-component")
        .unwrap();
    let subject = &observation["subjects"][0];
    assert!(subject["props"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "result" && p["value"] == "waived"));
    assert!(subject["remarks"]
        .as_str()
        .unwrap()
        .contains("approved by CISO, expires 2027-01-31"));
}

#[test]
fn severity_overrides_and_switched_off_rules_are_sarif_configuration_overrides() {
    let text = WAIVED.replacen(
        "\"waivers\"",
        "\"rules\": { \"INV-001\": \"off\", \"LOG-002\": { \"severity\": \"high\" } },\n  \"waivers\"",
        1,
    );
    let sarif = Case::of(&text).json(Format::Sarif);
    let overrides = &sarif["runs"][0]["invocations"][0]["ruleConfigurationOverrides"];
    let by_id: BTreeMap<&str, &Value> = overrides
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["descriptor"]["id"].as_str().unwrap(), &o["configuration"]))
        .collect();
    assert_eq!(by_id["INV-001"]["enabled"], false);
    assert_eq!(by_id["LOG-002"]["level"], "error");
    assert_eq!(by_id.len(), 2);
}

fn collect_uuids(value: &Value, key: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == key {
                    out.push(v.as_str().unwrap().to_owned());
                } else {
                    collect_uuids(v, key, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_uuids(v, key, out)),
        _ => {}
    }
}

#[test]
fn oscal_uuids_are_unique_version_5_and_every_reference_resolves() {
    let case = Case::example();
    let oscal = case.json(Format::Oscal);
    let mut defined = Vec::new();
    collect_uuids(&oscal, "uuid", &mut defined);
    let unique: BTreeSet<&String> = defined.iter().collect();
    assert_eq!(unique.len(), defined.len(), "UUIDs are unique");
    for uuid in &defined {
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "5", "{uuid} is a version 5 UUID");
    }
    for key in [
        "subject-uuid",
        "observation-uuid",
        "actor-uuid",
        "component-uuid",
    ] {
        let mut references = Vec::new();
        collect_uuids(&oscal, key, &mut references);
        assert!(!references.is_empty(), "{key}");
        for reference in references {
            assert!(unique.contains(&reference), "{key} {reference} resolves");
        }
    }
    let href = oscal["assessment-results"]["import-ap"]["href"]
        .as_str()
        .unwrap();
    let resource = &oscal["assessment-results"]["back-matter"]["resources"][0]["uuid"];
    assert_eq!(href, format!("#{}", resource.as_str().unwrap()));
}

#[test]
fn oscal_has_one_observation_per_rule_run_and_one_finding_per_control() {
    let case = Case::example();
    let oscal = case.json(Format::Oscal);
    let result = &oscal["assessment-results"]["results"][0];
    assert_eq!(
        oscal["assessment-results"]["metadata"]["oscal-version"],
        "1.0.6"
    );
    assert_eq!(
        oscal["assessment-results"]["metadata"]["last-modified"],
        TIMESTAMP
    );
    assert_eq!(result["start"], TIMESTAMP);
    let observations = result["observations"].as_array().unwrap();
    assert_eq!(observations.len(), case.report.runs.len());
    for (observation, run) in observations.iter().zip(&case.report.runs) {
        // A design model is a specification: examined, not tested (SP 800-53A).
        assert_eq!(observation["methods"], serde_json::json!(["EXAMINE"]));
        assert_eq!(observation["collected"], TIMESTAMP);
        let props: BTreeMap<&str, &str> = observation["props"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].as_str().unwrap(), p["value"].as_str().unwrap()))
            .collect();
        assert_eq!(props["rule-id"], run.rule.id);
        assert_eq!(props["population"], run.examined.len().to_string());
        assert_eq!(props["passes"], run.passes().to_string());
        assert_eq!(props["exceptions"], run.exceptions.to_string());
        let subjects = observation["subjects"].as_array().map_or(0, Vec::len);
        assert_eq!(subjects, run.examined.len(), "{}", run.rule.id);
    }
    let controls = by_control(&case.report);
    let findings = result["findings"].as_array().unwrap();
    let selected: usize = result["reviewed-controls"]["control-selections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["include-controls"].as_array().unwrap().len())
        .sum();
    assert_eq!(selected, controls.len(), "every control is reviewed");
    // A control whose tests examined nothing has no finding: there is nothing to conclude.
    let untested: Vec<&str> = controls
        .iter()
        .filter(|c| c.conclusion == flowmap_core::Conclusion::NotTested)
        .map(|c| c.control.as_str())
        .collect();
    assert!(!untested.is_empty(), "the example has untested controls");
    let remarks = result["reviewed-controls"]["remarks"].as_str().unwrap();
    for control in &untested {
        assert!(
            remarks.contains(control),
            "{control} is named as not tested"
        );
    }
    let controls: Vec<_> = controls
        .into_iter()
        .filter(|c| c.conclusion != flowmap_core::Conclusion::NotTested)
        .collect();
    assert_eq!(findings.len(), controls.len());
    let objectives: BTreeSet<&str> = oscal["assessment-results"]["local-definitions"]
        ["objectives-and-methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["parts"][0]["id"].as_str().unwrap())
        .collect();
    for (finding, control) in findings.iter().zip(&controls) {
        let target = &finding["target"];
        assert!(
            objectives.contains(target["target-id"].as_str().unwrap()),
            "the objective is defined"
        );
        assert!(target["status"]["remarks"]
            .as_str()
            .unwrap()
            .contains("does not show that the running system matches"));
        assert_eq!(target["type"], "objective-id");
        assert_eq!(
            target["target-id"],
            format!(
                "{}_obj",
                flowmap_core::export::oscal::control_id(&control.control)
            )
        );
        let state = match control.conclusion {
            flowmap_core::Conclusion::ExceptionsFound => "not-satisfied",
            _ => "satisfied",
        };
        assert_eq!(target["status"]["state"], state);
        assert_eq!(
            finding["related-observations"].as_array().unwrap().len(),
            control.tests.len()
        );
    }
    assert!(findings
        .iter()
        .any(|f| f["target"]["status"]["state"] == "not-satisfied"));
}

/// RFC 4180 parsing, strict: CRLF records, quoted fields with doubled quotes.
fn parse_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            '"' => panic!("a quote inside an unquoted field: {field:?}"),
            ',' => {
                record.push(std::mem::take(&mut field));
                at_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_start = true;
            }
            '\n' => panic!("a bare LF outside quotes"),
            c => {
                field.push(c);
                at_start = false;
            }
        }
    }
    assert!(!quoted, "unterminated quote");
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record ends with CRLF"
    );
    records
}

fn parse_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let records = parse_records(text);
    let header = &records[0];
    assert_eq!(header, &csv::COLUMNS);
    records[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), header.len(), "{r:?}");
            header.iter().cloned().zip(r.iter().cloned()).collect()
        })
        .collect()
}

#[test]
fn csv_has_one_row_per_control_rule_and_element_passes_included() {
    let case = Case::example();
    let rows = parse_csv(&case.export(Format::Csv));
    let controls = by_control(&case.report);
    // An empty population is one `not-tested` row, so no control drops out.
    let expected: usize = controls
        .iter()
        .flat_map(|c| &c.tests)
        .map(|t| t.population.max(1))
        .sum();
    assert_eq!(rows.len(), expected);
    assert!(rows
        .iter()
        .any(|r| r["result"] == "not-tested" && r["control_conclusion"] == "not-tested"));
    assert!(rows.iter().all(|r| r["procedure"]
        == "Inspection of the system's design model; not compared with the running system"));
    for control in &controls {
        let (framework, id) = control.control.split_once(':').unwrap();
        for test in &control.tests {
            let mine: Vec<_> = rows
                .iter()
                .filter(|r| {
                    r["framework"] == framework && r["control"] == id && r["rule"] == test.rule
                })
                .collect();
            let count = |result: &str| mine.iter().filter(|r| r["result"] == result).count();
            assert_eq!(
                count("pass"),
                test.passes,
                "{} {}",
                control.control,
                test.rule
            );
            assert_eq!(count("exception"), test.exceptions);
            assert_eq!(count("waived"), test.waived);
            let ids: Vec<&String> = mine.iter().map(|r| &r["element_id"]).collect();
            let mut sorted = ids.clone();
            sorted.sort();
            assert_eq!(ids, sorted, "rows are in element id order");
        }
    }
    let sha = flowmap_core::model_sha256(&case.model);
    assert!(rows.iter().all(|r| r["model_sha256"] == sha
        && r["timestamp"] == TIMESTAMP
        && r["tool_version"] == flowmap_core::VERSION));
    assert!(rows.iter().all(
        |r| (r["result"] == "pass" || r["result"] == "not-tested") == r["severity"].is_empty()
    ));
    let update = rows
        .iter()
        .find(|r| r["element_id"] == "cache-update")
        .expect("a flow row");
    assert_eq!(update["element_kind"], "flow");
    assert_eq!(
        update["data_classes"], "personal financial",
        "T(f), propagated included"
    );
}

/// A flow with personal data that crosses a trust boundary unencrypted: ENC-001 reports it and
/// adds boundary protection (F4) to the finding's controls.
const CROSSING: &str = r#"{
  "format": "flowmap/1",
  "name": "Crossing",
  "boundaries": [
    { "id": "a", "name": "Account A", "kind": "account" },
    { "id": "b", "name": "Account B", "kind": "account" }
  ],
  "nodes": [
    { "id": "fn", "name": "Function", "kind": "service", "boundary": "a", "owner": "team" },
    { "id": "db", "name": "Database", "kind": "store", "boundary": "b", "owner": "team",
      "encryption_at_rest": "customer-key", "holds": ["personal"] }
  ],
  "flows": [
    { "id": "write", "from": "fn", "to": "db", "name": "Write", "authenticated": true,
      "monitored": true, "data": ["personal"] }
  ]
}"#;

#[test]
fn controls_a_finding_adds_get_their_own_rows_and_tests() {
    let case = Case::of(CROSSING);
    let finding = case
        .report
        .findings
        .iter()
        .find(|f| f.rule == "ENC-001")
        .expect("ENC-001 flags the crossing flow");
    assert!(finding.controls.contains(&"SOC2:CC6.6"), "F4 added");
    let controls = by_control(&case.report);
    let cc66 = controls.iter().find(|c| c.control == "SOC2:CC6.6").unwrap();
    let test = cc66.tests.iter().find(|t| t.rule == "ENC-001").unwrap();
    assert_eq!(test.scope, flowmap_core::TestScope::Findings);
    assert_eq!((test.population, test.exceptions), (1, 1));
    assert_eq!(cc66.conclusion, flowmap_core::Conclusion::ExceptionsFound);
    let rows = parse_csv(&case.export(Format::Csv));
    let added: Vec<_> = rows
        .iter()
        .filter(|r| r["control"] == "CC6.6" && r["rule"] == "ENC-001")
        .collect();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["element_id"], "write");
    assert_eq!(added[0]["result"], "exception");
    assert_eq!(added[0]["severity"], "critical");
    assert_eq!(
        added[0]["population"],
        flowmap_core::control_view::FINDINGS_POPULATION
    );
    // A control the rule tests of its own still has the whole population.
    assert!(rows
        .iter()
        .any(|r| r["control"] == "CC6.7" && r["rule"] == "ENC-001" && r["element_id"] == "write"));
}

/// Strings a spreadsheet would run as formulas, or that break naive CSV.
const HOSTILE: [&str; 10] = [
    "=HYPERLINK(\"http://x\")",
    "+1",
    "-2",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "say \"hi\"",
    "a,b",
    "two\nlines",
    "=1+1,\"\r\n@",
];

fn hostile_model() -> String {
    let mut nodes = Vec::new();
    let mut flows = Vec::new();
    for (i, name) in HOSTILE.iter().enumerate() {
        let name = serde_json::to_string(name).unwrap();
        nodes.push(format!(
            r#"{{ "id": "n{i}", "name": {name}, "kind": "store", "owner": {name}, "holds": ["personal"] }}"#
        ));
        flows.push(format!(
            r#"{{ "id": "f{i}", "from": "client", "to": "n{i}", "name": {name}, "data": ["personal"] }}"#
        ));
    }
    format!(
        r#"{{ "format": "flowmap/1", "name": "=cmd|' /C calc'!A0",
  "description": "<script>alert(1)</script> *bold* [link](javascript:x)",
  "nodes": [ {{ "id": "client", "name": "-client", "kind": "actor" }}, {} ],
  "flows": [ {} ],
  "waivers": [ {{ "rule": "LOG-001", "subject": "n0", "reason": "@reason, \"quoted\"\nnext",
    "approved_by": "+boss", "expires": "2027-01-31" }} ] }}"#,
        nodes.join(",\n"),
        flows.join(",\n")
    )
}

/// What a cell must read after parsing: the text with a leading `'` when it would start a
/// formula.
fn neutralised(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[test]
fn csv_cells_with_hostile_text_are_quoted_and_neutralised() {
    let case = Case::of(&hostile_model());
    let text = case.export(Format::Csv);
    let rows = parse_csv(&text);
    let mut seen = BTreeSet::new();
    for row in &rows {
        for cell in row.values() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell starts a formula: {cell:?}"
            );
        }
        let id = &row["element_id"];
        if let Some(i) = id.strip_prefix('n') {
            assert_eq!(
                row["owner"],
                neutralised(HOSTILE[i.parse::<usize>().unwrap()])
            );
        }
        let original = id
            .strip_prefix(['n', 'f'])
            .and_then(|i| i.parse::<usize>().ok())
            .map(|i| HOSTILE[i]);
        if let Some(name) = original {
            assert_eq!(row["element_name"], neutralised(name), "{id}");
            seen.insert(id.clone());
        }
        if id == "client" {
            assert_eq!(row["element_name"], "'-client");
        }
    }
    assert_eq!(
        seen.len(),
        2 * HOSTILE.len(),
        "every hostile element has rows"
    );
    // Outside quoted fields every line ends with CRLF: no bare CR or LF splits a record.
    assert!(text.ends_with("\r\n"));
}

#[test]
fn sarif_and_oscal_with_hostile_text_stay_valid_and_escape_markdown() {
    let case = Case::of(&hostile_model());
    for format in [Format::Sarif, Format::Oscal] {
        let text = case.export(format);
        let value: Value = serde_json::from_str(&text).expect("valid JSON");
        assert!(!text.contains("\r\n@"), "no raw control characters in JSON");
        if format == Format::Oscal {
            let this_system =
                &value["assessment-results"]["results"][0]["local-definitions"]["components"][0];
            assert_eq!(
                this_system["description"],
                r"\<script\>alert(1)\</script\> \*bold\* \[link\](javascript:x)"
            );
            let mut values = Vec::new();
            collect_uuids(&value, "value", &mut values);
            for prop in values {
                assert!(
                    !prop.is_empty() && prop.trim() == prop && !prop.contains(['\n', '\r']),
                    "an OSCAL property value is a string token: {prop:?}"
                );
            }
        }
    }
}

/// A model most rules find nothing to examine in: one actor calling one service.
const SPARSE: &str = r#"{
  "format": "flowmap/1",
  "name": "Sparse",
  "nodes": [
    { "id": "user", "name": "User", "kind": "actor" },
    { "id": "api", "name": "API", "kind": "service", "owner": "team", "logging": true }
  ],
  "flows": [
    { "id": "call", "from": "user", "to": "api", "name": "Call", "encrypted": true,
      "authenticated": true, "monitored": true, "data": ["internal"] }
  ]
}"#;

#[test]
fn no_output_calls_a_control_with_an_empty_population_satisfied() {
    let case = Case::of(SPARSE);
    let controls = by_control(&case.report);
    let untested: Vec<&flowmap_core::ControlResult> = controls
        .iter()
        .filter(|c| c.conclusion == flowmap_core::Conclusion::NotTested)
        .collect();
    assert!(untested.len() > 10, "most controls are untested here");
    for control in &untested {
        assert!(control.tests.iter().all(|t| t.population == 0));
    }

    // JSON: the control document says not-tested, and never "satisfied".
    let json = flowmap_core::controls_json(&case.model, &case.report, None);
    assert!(!json.contains("satisf"), "{json}");
    let document: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(document["format"], "flowmap-controls/2");
    for control in &untested {
        let entry = document["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["control"] == control.control.as_str())
            .unwrap();
        assert_eq!(entry["conclusion"], "not-tested");
    }
    assert_eq!(document["procedure"]["compared_with_running_system"], false);

    // CSV: one not-tested row per untested test; no cell says satisfied.
    let text = case.export(Format::Csv);
    assert!(!text.contains("satisf"));
    let rows = parse_csv(&text);
    for control in &untested {
        let id = control.control.split_once(':').unwrap().1;
        let mine: Vec<_> = rows.iter().filter(|r| r["control"] == id).collect();
        assert_eq!(mine.len(), control.tests.len(), "{}", control.control);
        assert!(mine
            .iter()
            .all(|r| r["result"] == "not-tested" && r["control_conclusion"] == "not-tested"));
    }

    // Markdown and HTML: the word is not used at all; untested controls say so.
    for format in [Format::Markdown, Format::Html] {
        let text = case.export(format);
        assert!(!text.to_lowercase().contains("satisf"), "{format:?}");
        assert!(text.contains("not tested"), "{format:?}");
        assert!(
            text.contains("The model was not compared with the running system"),
            "{format:?}"
        );
    }

    // OSCAL: no finding, so no objective status, for an untested control.
    let oscal = case.json(Format::Oscal);
    let result = &oscal["assessment-results"]["results"][0];
    let targets: BTreeSet<&str> = result["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| f["target"]["target-id"].as_str().unwrap())
                .collect()
        })
        .unwrap_or_default();
    for control in &untested {
        let objective = format!(
            "{}_obj",
            flowmap_core::export::oscal::control_id(&control.control)
        );
        assert!(!targets.contains(objective.as_str()), "{objective}");
    }
    assert!(result["remarks"]
        .as_str()
        .unwrap()
        .contains("not compared with the running system"));
}
