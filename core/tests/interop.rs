//! Threat Dragon and OTM exports: valid against the tools' published schemas
//! (`schema/vendor/`), and round trips flowmap → td → flowmap and flowmap → otm → flowmap that
//! keep the whole model; without Flowmap's extension records, the fields each format cannot
//! carry are listed here, exactly.

use std::collections::BTreeSet;
use std::path::PathBuf;

use flowmap_core::canonical::canonical_json;
use flowmap_core::export::{export, ExportContext, Format};
use flowmap_core::import::{import, ImportOptions, Source};
use flowmap_core::layout::fill_missing;
use flowmap_core::{check, load_str, CheckOptions, Model};
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The example, every rule fixture and the hostile-strings fixture.
fn models() -> Vec<(String, Model)> {
    let mut paths = vec![
        repo().join("examples/serverless-shop.flowmap.json"),
        repo().join("tests/fixtures/hostile.flowmap.json"),
    ];
    let mut rules: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures/rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".flowmap.json"))
        .collect();
    rules.sort();
    paths.extend(rules);
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let model = load_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                model,
            )
        })
        .collect()
}

/// The check every export here is made with (a fixed day).
fn checked(model: &Model) -> flowmap_core::Report {
    check(
        model,
        &CheckOptions {
            today: Some("2026-11-22".parse().unwrap()),
            ..Default::default()
        },
    )
}

fn export_as(model: &Model, format: Format) -> String {
    let report = checked(model);
    export(
        format,
        &ExportContext::new(model, &report, "2026-11-22T12:00:00Z".parse().unwrap()),
    )
}

fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("schema/vendor").join(name)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    // Threat Dragon validates with Ajv's draft-07 defaults; OTM declares draft-07.
    jsonschema::draft7::new(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, document: &str, what: &str) {
    let value: Value = serde_json::from_str(document).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

#[test]
fn threat_dragon_exports_validate_against_threat_dragons_schema() {
    let validator = schema("threat-dragon-v2.schema.json");
    for (name, model) in models() {
        assert_valid(&validator, &export_as(&model, Format::ThreatDragon), &name);
    }
}

#[test]
fn otm_exports_validate_against_the_otm_schema() {
    let validator = schema("otm-0.2.0.schema.json");
    for (name, model) in models() {
        assert_valid(&validator, &export_as(&model, Format::Otm), &name);
    }
}

#[test]
fn the_schemas_reject_what_they_should() {
    // The validators really validate: a file without its required parts fails.
    let td = schema("threat-dragon-v2.schema.json");
    assert!(!td.is_valid(&serde_json::json!({ "summary": { "title": "x" } })));
    let otm = schema("otm-0.2.0.schema.json");
    assert!(
        !otm.is_valid(&serde_json::json!({ "otmVersion": "0.2.0", "project": { "name": "x" } }))
    );
}

#[test]
fn findings_go_along_as_threats() {
    let (_, model) = models().into_iter().next().unwrap();
    let td: Value = serde_json::from_str(&export_as(&model, Format::ThreatDragon)).unwrap();
    let cells = td["detail"]["diagrams"][0]["cells"].as_array().unwrap();
    let threats: usize = cells
        .iter()
        .map(|c| c["data"]["threats"].as_array().map_or(0, Vec::len))
        .sum();
    let report = checked(&model);
    let findings = report.findings.len();
    assert_eq!(threats, findings);
    let cache = cells.iter().find(|c| c["id"] == "orders-cache").unwrap();
    assert!(cache["data"]["threats"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["title"].as_str().unwrap().starts_with("AUTH-003")));
    assert_eq!(cache["data"]["hasOpenThreats"], true);
    let otm: Value = serde_json::from_str(&export_as(&model, Format::Otm)).unwrap();
    assert_eq!(otm["threats"].as_array().unwrap().len(), findings);
    assert!(!otm["mitigations"].as_array().unwrap().is_empty());
    let instances: usize = otm["components"]
        .as_array()
        .unwrap()
        .iter()
        .chain(otm["dataflows"].as_array().unwrap())
        .map(|e| e["threats"].as_array().map_or(0, Vec::len))
        .sum();
    let on_boundaries = report
        .findings
        .iter()
        .filter(|f| f.subject.kind.as_str() == "boundary")
        .count();
    assert_eq!(instances + on_boundaries, findings);
}

#[test]
fn exports_are_deterministic() {
    for (_, model) in models().into_iter().take(3) {
        for format in [Format::ThreatDragon, Format::Otm] {
            assert_eq!(export_as(&model, format), export_as(&model, format));
        }
    }
}

fn reimport(text: &str, source: Source) -> Model {
    import(
        text.as_bytes(),
        source,
        &ImportOptions {
            file_name: "export.json",
        },
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"))
    .model
}

#[test]
fn round_trips_keep_the_whole_model() {
    for (name, model) in models() {
        for (format, source) in [
            (Format::ThreatDragon, Source::ThreatDragon),
            (Format::Otm, Source::Otm),
        ] {
            let back = reimport(&export_as(&model, format), source);
            assert_eq!(
                canonical_json(&back),
                canonical_json(&model),
                "{name} through {}",
                format.name()
            );
            assert_eq!(
                back.layout,
                fill_missing(&model).layout,
                "{name} through {}: layout",
                format.name()
            );
        }
    }
}

/// Removes every `flowmap` extension record: what the other tool's own fields carry.
fn strip(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("flowmap");
            map.values_mut().for_each(strip);
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// Threat Dragon ids have at least two characters: a one-character id comes back as
/// `flowmap-x` when no record says otherwise; this undoes that, to compare the rest.
fn unprefix(mut model: Model) -> Model {
    let fix = |id: &mut String| {
        if let Some(short) = id
            .strip_prefix("flowmap-")
            .filter(|s| s.chars().count() == 1)
        {
            *id = short.to_owned();
        }
    };
    for node in &mut model.nodes {
        fix(&mut node.id);
        node.boundary.as_mut().map(fix);
    }
    for flow in &mut model.flows {
        fix(&mut flow.id);
        fix(&mut flow.from);
        fix(&mut flow.to);
    }
    for boundary in &mut model.boundaries {
        fix(&mut boundary.id);
        boundary.parent.as_mut().map(fix);
    }
    // OTM wants a parent for every component: nodes outside every boundary go into a zone of
    // the exporter's that only the record marks as such.
    const OUTSIDE: &str = "flowmap-outside-every-boundary";
    model.boundaries.retain(|b| b.id != OUTSIDE);
    for node in &mut model.nodes {
        if node.boundary.as_deref() == Some(OUTSIDE) {
            node.boundary = None;
        }
    }
    model
}

/// The fields (`node.owner`, `flow.data`, …) that differ between `a` and `b`, matched by id.
fn differences(a: &Model, b: &Model) -> BTreeSet<String> {
    fn fields(value: Value) -> serde_json::Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }
    let mut lost = BTreeSet::new();
    let mut compare = |kind: &str, x: Value, y: Option<Value>| {
        let (x, y) = (fields(x), fields(y.unwrap_or(Value::Null)));
        for key in x.keys().chain(y.keys()) {
            if x.get(key) != y.get(key) {
                lost.insert(format!("{kind}.{key}"));
            }
        }
    };
    for node in &a.nodes {
        let other = b.node(&node.id).map(|n| serde_json::to_value(n).unwrap());
        compare("node", serde_json::to_value(node).unwrap(), other);
    }
    for flow in &a.flows {
        let other = b.flow(&flow.id).map(|f| serde_json::to_value(f).unwrap());
        compare("flow", serde_json::to_value(flow).unwrap(), other);
    }
    for boundary in &a.boundaries {
        let other = b
            .boundary(&boundary.id)
            .map(|x| serde_json::to_value(x).unwrap());
        compare("boundary", serde_json::to_value(boundary).unwrap(), other);
    }
    for class in &a.classes {
        let other = b
            .classes
            .iter()
            .find(|c| c.id == class.id)
            .map(|c| serde_json::to_value(c).unwrap());
        compare("class", serde_json::to_value(class).unwrap(), other);
    }
    for (key, present) in [
        ("model.classes", a.classes.len() == b.classes.len()),
        ("model.rules", a.rules == b.rules),
        ("model.waivers", a.waivers == b.waivers),
        ("model.narratives", a.narratives == b.narratives),
    ] {
        if !present {
            lost.insert(key.to_owned());
        }
    }
    lost
}

/// What Threat Dragon's own fields cannot say (Flowmap carries it in `data.flowmap` and
/// `detail.flowmap`). Everything else — every element, flow, name, description, the
/// encryption flag, and boundary membership (from the boxes' geometry) — survives.
const TD_CANNOT_CARRY: &[&str] = &[
    "boundary.kind",
    "boundary.region",
    "class.description",
    "class.id",
    "class.name",
    "class.never_store",
    "class.personal",
    "class.regime",
    "class.residency",
    "class.tier",
    "flow.authenticated",
    "flow.data",
    "flow.monitored",
    "flow.tls_min",
    "model.classes",
    "model.narratives",
    "model.rules",
    "model.waivers",
    "node.authenticates",
    "node.boundary",
    "node.clearance",
    "node.controls",
    "node.encryption_at_rest",
    "node.environment",
    "node.holds",
    "node.hosting",
    "node.kind",
    "node.logging",
    "node.owner",
    "node.region",
    "node.role",
    "node.strips",
    "node.technology",
    "node.vendor",
];

/// What OTM's own fields cannot say (Flowmap carries it in `attributes.flowmap`). Elements,
/// flows, names, descriptions, boundary kinds (the zone type), zone nesting and membership,
/// the data classes on flows and what nodes hold survive. A model class that redefines a
/// built-in one (RES-001's "personal" with residency) comes back as the built-in class.
const OTM_CANNOT_CARRY: &[&str] = &[
    "boundary.region",
    "class.id",
    "class.name",
    "class.never_store",
    "class.personal",
    "class.regime",
    "class.residency",
    "class.tier",
    "flow.authenticated",
    "flow.encrypted",
    "flow.monitored",
    "flow.protocol",
    "flow.tls_min",
    "model.classes",
    "model.narratives",
    "model.rules",
    "model.waivers",
    "node.authenticates",
    "node.clearance",
    "node.controls",
    "node.encryption_at_rest",
    "node.environment",
    "node.hosting",
    "node.kind",
    "node.logging",
    "node.owner",
    "node.region",
    "node.role",
    "node.strips",
    "node.technology",
    "node.vendor",
];

#[test]
fn without_flowmap_records_exactly_the_listed_fields_are_lost() {
    for (format, source, listed) in [
        (Format::ThreatDragon, Source::ThreatDragon, TD_CANNOT_CARRY),
        (Format::Otm, Source::Otm, OTM_CANNOT_CARRY),
    ] {
        let mut lost = BTreeSet::new();
        for (name, model) in models() {
            let mut value: Value = serde_json::from_str(&export_as(&model, format)).unwrap();
            strip(&mut value);
            let back = unprefix(reimport(&value.to_string(), source));
            // Every element and flow is still there.
            assert_eq!(back.nodes.len(), model.nodes.len());
            assert_eq!(back.flows.len(), model.flows.len());
            assert_eq!(back.boundaries.len(), model.boundaries.len());
            let here = differences(&model, &back);
            // Membership comes back from the boxes' geometry, except where the model's own
            // layout draws a member outside its boundary's frame (the hostile fixture does).
            if name != "hostile.flowmap.json" {
                assert!(
                    !here.contains("node.boundary"),
                    "{name}: membership lost through {}",
                    format.name()
                );
            }
            lost.extend(here);
        }
        let listed: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
        assert_eq!(
            lost,
            listed,
            "{}: the fields lost without extension records",
            format.name()
        );
    }
}

/// The example's exports, as snapshots (`tests/snapshots/interop/`).
#[test]
fn exports_of_the_example() {
    let (_, model) = models().into_iter().next().unwrap();
    for format in [Format::ThreatDragon, Format::Otm] {
        insta::with_settings!({
            snapshot_path => repo().join("tests/snapshots/interop"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => "examples/serverless-shop.flowmap.json at 2026-11-22T12:00:00Z",
        }, {
            insta::assert_snapshot!(format!("serverless-shop-{}", format.name()), export_as(&model, format));
        });
    }
}

/// CALM's `core.json` (draft 2020-12) with the schemas it refers to, all vendored, resolved
/// from the repository and never fetched.
fn calm_schema() -> jsonschema::Validator {
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(repo().join("schema/vendor").join(name)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let base = "https://calm.finos.org/release/1.1/meta";
    let mut registry = jsonschema::Registry::new();
    for part in ["control", "interface", "flow", "core"] {
        registry = registry
            .add(
                format!("{base}/{part}.json"),
                read(&format!("calm-1.1-{part}.json")),
            )
            .unwrap();
    }
    let registry = registry.prepare().unwrap();
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_registry(&registry)
        .build(&read("calm-1.1-core.json"))
        .unwrap_or_else(|e| panic!("calm-1.1-core.json: {e}"))
}

#[test]
fn calm_exports_validate_against_the_calm_schema() {
    let validator = calm_schema();
    for (name, model) in models() {
        assert_valid(&validator, &export_as(&model, Format::Calm), &name);
    }
    // The validator really validates (2020-12 keywords and the vendored references): an
    // unknown protocol, a relationship without a type, a node without a name fail.
    for bad in [
        serde_json::json!({"nodes": [], "relationships": [{"unique-id": "r", "protocol": "SMTP",
            "relationship-type": {"connects": {"source": {"node": "a"}, "destination": {"node": "b"}}}}]}),
        serde_json::json!({"nodes": [], "relationships": [{"unique-id": "r", "relationship-type": {}}]}),
        serde_json::json!({"nodes": [{"unique-id": "a", "node-type": "service", "description": ""}]}),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
    // And the real CALM files the importer is tested on are valid.
    for file in [
        "trading-system.architecture.json",
        "fluxnova-kyc-onboarding.architecture.json",
        "trades-api-and-mcp-conforming.architecture.json",
    ] {
        let text =
            std::fs::read_to_string(repo().join("tests/fixtures/import/calm").join(file)).unwrap();
        assert_valid(&validator, &text, file);
    }
}

/// What CALM's own fields cannot say (Flowmap carries it in `metadata.flowmap`): without the
/// records, every node, flow and boundary, names, descriptions, node and boundary kinds,
/// boundary nesting and membership, and the encryption and authentication flags still survive
/// flowmap → calm → flowmap.
const CALM_CANNOT_CARRY: &[&str] = &[
    "boundary.region",
    "class.description",
    "class.id",
    "class.name",
    "class.never_store",
    "class.personal",
    "class.regime",
    "class.residency",
    "class.tier",
    "flow.data",
    "flow.monitored",
    "flow.notes",
    "flow.protocol",
    "flow.tls_min",
    "model.classes",
    "model.narratives",
    "model.rules",
    "model.waivers",
    "node.authenticates",
    "node.clearance",
    "node.controls",
    "node.encryption_at_rest",
    "node.environment",
    "node.holds",
    "node.hosting",
    "node.logging",
    "node.owner",
    "node.region",
    "node.role",
    "node.strips",
    "node.technology",
    "node.vendor",
];

#[test]
fn calm_round_trip_keeps_the_whole_model_and_without_records_loses_exactly_the_listed_fields() {
    let mut lost = BTreeSet::new();
    for (name, model) in models() {
        let text = export_as(&model, Format::Calm);
        // With Flowmap's records: the whole model (CALM has no positions: the layout is new).
        let exact = reimport(&text, Source::Calm);
        assert_eq!(
            canonical_json(&exact),
            canonical_json(&model),
            "{name} through calm"
        );
        let mut value: Value = serde_json::from_str(&text).unwrap();
        strip(&mut value);
        let back = reimport(&value.to_string(), Source::Calm);
        assert_eq!(back.nodes.len(), model.nodes.len(), "{name}: nodes");
        assert_eq!(back.flows.len(), model.flows.len(), "{name}: flows");
        assert_eq!(
            back.boundaries.len(),
            model.boundaries.len(),
            "{name}: boundaries"
        );
        let here = differences(&model, &back);
        for kept in [
            "node.kind",
            "node.boundary",
            "boundary.kind",
            "boundary.parent",
            "flow.encrypted",
            "flow.authenticated",
        ] {
            assert!(!here.contains(kept), "{name}: {kept} lost through calm");
        }
        lost.extend(here);
    }
    let listed: BTreeSet<String> = CALM_CANNOT_CARRY.iter().map(|s| s.to_string()).collect();
    assert_eq!(lost, listed, "calm: the fields lost");
}

#[test]
fn calm_export_of_the_example() {
    let (_, model) = models().into_iter().next().unwrap();
    let text = export_as(&model, Format::Calm);
    assert_eq!(text, export_as(&model, Format::Calm));
    insta::with_settings!({
        snapshot_path => repo().join("tests/snapshots/interop"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => "examples/serverless-shop.flowmap.json",
    }, {
        insta::assert_snapshot!("serverless-shop-calm", text);
    });
}
