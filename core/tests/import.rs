//! Importers on real files of other tools (`tests/fixtures/import/`, origins in SOURCES.md):
//! every fixture imports into a model the loader accepts, with the source's element and flow
//! counts, and gets findings; the import reports are snapshots (`tests/snapshots/import/`);
//! hostile and malformed input gets located errors, never a panic.

mod common;

use common::*;
use flowmap_core::import::{detect, import, ImportOptions, Imported, Source};
use flowmap_core::{check, load_str, to_file_json, CheckOptions};
use proptest::prelude::*;

struct Fixture {
    path: &'static str,
    source: Source,
    /// Nodes, flows and boundaries the source has (bidirectional flows count twice).
    nodes: usize,
    flows: usize,
    boundaries: usize,
    threats: usize,
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        path: "td/v2-model.json",
        source: Source::ThreatDragon,
        nodes: 2,
        flows: 2,
        boundaries: 1,
        threats: 1,
    },
    Fixture {
        path: "td/enter-the-dragon-2.json",
        source: Source::ThreatDragon,
        nodes: 3,
        flows: 4,
        boundaries: 2,
        threats: 0,
    },
    Fixture {
        path: "td/v1-test-model.json",
        source: Source::ThreatDragon,
        nodes: 4,
        flows: 1,
        boundaries: 1,
        threats: 0,
    },
    Fixture {
        path: "otm/manual_threat_model.yaml",
        source: Source::Otm,
        nodes: 3,
        flows: 2,
        boundaries: 3,
        threats: 0,
    },
    Fixture {
        path: "otm/lucid_example.yaml",
        source: Source::Otm,
        nodes: 9,
        flows: 8,
        boundaries: 4,
        threats: 0,
    },
    Fixture {
        path: "otm/expected_visio_nested_tzs.otm",
        source: Source::Otm,
        nodes: 2,
        flows: 1,
        boundaries: 3,
        threats: 0,
    },
    Fixture {
        path: "threagile/example.yaml",
        source: Source::Threagile,
        // 20 communication links, 16 of which also receive data (a second flow each); five
        // trust boundaries and the internet boundary of the one `internet: true` asset.
        nodes: 14,
        flows: 36,
        boundaries: 6,
        threats: 2,
    },
    Fixture {
        path: "threagile/stub.yaml",
        source: Source::Threagile,
        nodes: 2,
        flows: 1,
        boundaries: 1,
        threats: 1,
    },
    Fixture {
        path: "threagile/test-all.yaml",
        source: Source::Threagile,
        nodes: 14,
        flows: 36,
        boundaries: 6,
        threats: 0,
    },
    Fixture {
        path: "pytm/output.json",
        source: Source::Pytm,
        nodes: 5,
        flows: 6,
        boundaries: 2,
        threats: 0,
    },
    Fixture {
        path: "pytm/output-2020.json",
        source: Source::Pytm,
        nodes: 5,
        flows: 6,
        boundaries: 2,
        threats: 0,
    },
    Fixture {
        path: "pytm/tm.json",
        source: Source::Pytm,
        nodes: 8,
        flows: 11,
        boundaries: 3,
        threats: 138,
    },
    Fixture {
        path: "calm/trading-system.architecture.json",
        source: Source::Calm,
        // 13 nodes, one of them the system the others compose: a boundary. 16 `connects`
        // and one `interacts` with one node.
        nodes: 12,
        flows: 17,
        boundaries: 1,
        threats: 0,
    },
    Fixture {
        path: "calm/fluxnova-kyc-onboarding.architecture.json",
        source: Source::Calm,
        // 20 nodes, the platform composing six of them a boundary; 18 `connects`, four
        // `interacts` with one node each.
        nodes: 19,
        flows: 22,
        boundaries: 1,
        threats: 0,
    },
    Fixture {
        path: "calm/trades-api-and-mcp-conforming.architecture.json",
        source: Source::Calm,
        // Four nodes, the Kubernetes cluster two are `deployed-in` a boundary.
        nodes: 3,
        flows: 2,
        boundaries: 1,
        threats: 0,
    },
    Fixture {
        path: "calm/api-gateway-architecture.json",
        source: Source::Calm,
        nodes: 4,
        flows: 4,
        boundaries: 0,
        threats: 0,
    },
];

fn import_fixture(fixture: &Fixture) -> Imported {
    import_file(fixture.path, fixture.source)
}

#[test]
fn real_files_import_with_the_sources_counts_and_get_findings() {
    for fixture in FIXTURES {
        let imported = import_fixture(fixture);
        let model = &imported.model;
        assert_eq!(
            (
                model.nodes.len(),
                model.flows.len(),
                model.boundaries.len(),
                imported.report.threats.len()
            ),
            (
                fixture.nodes,
                fixture.flows,
                fixture.boundaries,
                fixture.threats
            ),
            "{}: nodes, flows, boundaries, threats",
            fixture.path
        );
        // The project's own loader accepts the file the import writes.
        let reloaded =
            load_str(&to_file_json(model)).unwrap_or_else(|e| panic!("{}: {e}", fixture.path));
        assert_eq!(&reloaded, model);
        // Every node has a position (kept from the source, or laid out).
        for node in &model.nodes {
            assert!(
                model.layout.nodes.contains_key(&node.id),
                "{}: {} has no position",
                fixture.path,
                node.id
            );
        }
        let report = check(model, &CheckOptions::default());
        assert!(report.summary.total() > 0, "{}: no findings", fixture.path);
    }
}

#[test]
fn imports_are_deterministic() {
    for fixture in FIXTURES {
        assert_deterministic(fixture.path, fixture.source);
    }
}

#[test]
fn import_reports() {
    for fixture in FIXTURES {
        snapshot_import(fixture.path, fixture.source);
    }
    // One JSON rendering, to pin the documented `flowmap-import-report/1` shape.
    let imported = import_fixture(&FIXTURES[0]);
    snapshot("td-v2-model-json-report-json", &imported.report.json(None));
}

#[test]
fn malformed_input_gets_located_errors() {
    let cases: &[(&str, Source, &str, &str)] = &[
        ("{\"summary\": {}, \"detail\": {\"diagrams\": [{\"cells\": [{\"shape\": \"actor\", \"id\": \"a\", \"data\": {\"name\": 7}}]}]}}",
         Source::ThreatDragon, "x.json", "1:99 /detail/diagrams/0/cells/0/data/name expected a string, found the number 7"),
        ("{\"summary\": {\"title\": \"t\"}, \"detail\": {\"diagrams\": 3}}", Source::ThreatDragon, "x.json",
         "1:52 /detail/diagrams expected a list, found the number 3"),
        ("{\"summary\": ", Source::ThreatDragon, "x.json", "the document ends too early"),
        ("otmVersion: 0.2.0\nproject:\n  name: P\n  id: p\ncomponents:\n  - id: a\n    name: A\n    type: x\n    parent:\n      trustZone: missing\n",
         Source::Otm, "x.yaml", "10:7 /components/0/parent invalid parent: trust zone \"missing\" does not exist"),
        ("otmVersion: 0.2.0\nproject:\n  name: P\n  id: p\ndataflows:\n  - id: f\n    name: F\n    source: a\n    destination: b\n",
         Source::Otm, "x.yaml", "8:13 /dataflows/0/source source \"a\" is not a component of the file"),
        ("otmVersion: 0.2.0\nproject: {name: P, id: p, name: Q}\n", Source::Otm, "x.yaml", "duplicate key \"name\""),
        ("a: &a [1, 2]\nb: [*a, *a, *a]\nc: *b\n", Source::Otm, "x.yaml", "3:4  invalid YAML: while parsing node, found unknown anchor"),
        ("threagile_version: 1.0.0\ntitle: T\ntechnical_assets:\n  A:\n    id: a\n    type: process\n    communication_links:\n      L:\n        target: nowhere\n",
         Source::Threagile, "t.yaml", "9:17 /technical_assets/A/communication_links/L/target target \"nowhere\" is not a technical asset of the file"),
        ("threagile_version: 1.0.0\ntitle: T\ndata_assets:\n  D:\n    id: d\n    confidentiality: secret\n",
         Source::Threagile, "t.yaml", "6:22 /data_assets/D/confidentiality unknown confidentiality \"secret\""),
        ("threagile_version: 1.0.0\ntitle: T\ntrust_boundaries:\n  B:\n    id: b\n    type: network-on-prem\n    trust_boundaries_nested: [missing]\n",
         Source::Threagile, "t.yaml", "7:31 /trust_boundaries/B/trust_boundaries_nested/0 trust boundary \"missing\" is not defined"),
        ("threagile_version: 1.0.0\ntitle: T\ntechnical_assets:\n  A:\n    id: a\n    type: 7\n",
         Source::Threagile, "t.yaml", "6:11 /technical_assets/A/type expected a string, found the number 7"),
        (r#"{"threatsFile": "t", "elements": [{"__class__": "Actor", "name": "U"}], "flows": [{"name": "F", "source": "U", "sink": "Nobody"}]}"#,
         Source::Pytm, "p.json", "1:120 /flows/0/sink sink \"Nobody\" is not an element of the file"),
        (r#"{"threatsFile": "t", "elements": [{"__class__": "Actor", "name": "U"}, {"__class__": "Server", "name": "U"}], "flows": []}"#,
         Source::Pytm, "p.json", "/elements/1/name a second element named \"U\""),
        (r#"{"threatsFile": "t", "elements": [{"__class__": "Actor", "name": "U", "inBoundary": "Mars"}], "flows": [], "data": [{"name": "D", "classification": "Classification.WHATEVER"}]}"#,
         Source::Pytm, "p.json", "/data/0/classification unknown classification"),
        (r#"{"threatsFile": "t", "elements": [{"__class__": "Actor", "name": 5}], "flows": []}"#,
         Source::Pytm, "p.json", "/elements/0/name expected a string, found the number 5"),
        (r#"{"nodes": [{"unique-id": "a", "node-type": "service", "name": "A"}], "relationships": [{"unique-id": "r", "relationship-type": {"connects": {"source": {"node": "a"}, "destination": {"node": "b"}}}}]}"#,
         Source::Calm, "c.json", "/relationships/0/relationship-type/connects/destination/node node \"b\" is not a node of the file"),
        (r#"{"nodes": [{"unique-id": "a", "node-type": "service"}, {"unique-id": "a", "node-type": "service"}], "relationships": []}"#,
         Source::Calm, "c.json", "/nodes/1/unique-id duplicate node unique-id \"a\""),
        (r#"{"nodes": [{"unique-id": "a", "node-type": "system"}], "relationships": [{"relationship-type": {"deployed-in": {"container": "k8s", "nodes": ["a"]}}}]}"#,
         Source::Calm, "c.json", "/relationships/0/relationship-type/deployed-in/container container \"k8s\" is not a node of the file"),
        (r#"{"nodes": [{"unique-id": "a", "node-type": "service", "metadata": {"flowmap": {"kind": "robot"}}}], "relationships": []}"#,
         Source::Calm, "c.json", "/nodes/0/metadata/flowmap/kind invalid Flowmap record"),
        (r#"{"nodes": [{"unique-id": "a", "node-type": 3}], "relationships": [{"relationship-type": 1}]}"#,
         Source::Calm, "c.json", "/nodes/0/node-type expected a string, found the number 3"),
        ("threagile_version: 1.0.0\ntitle: T\ntechnical_assets: [1, 2]\n",
         Source::Threagile, "t.yaml", "/technical_assets expected an object, found a list"),
    ];
    assert_errors(cases);
}

#[test]
fn detection_names_the_formats_it_knows() {
    let error = detect(b"{\"hello\": 1}", "x.json").unwrap_err();
    let message = &error.errors[0].message;
    assert!(
        message.contains("td (OWASP Threat Dragon")
            && message.contains("otm (Open Threat Model")
            && message.contains("threagile (Threagile")
            && message.contains("pytm (pytm")
            && message.contains("calm (FINOS CALM"),
        "{message}"
    );
    let yaml = detect(b"otmVersion: 0.2.0\nproject: {name: P, id: p}\n", "x.yaml").unwrap();
    assert_eq!(yaml, Source::Otm);
}

/// YAML merge keys give a Threagile data asset its defaults, one base or several.
#[test]
fn threagile_merge_keys_give_defaults() {
    let text = "threagile_version: 1.0.0\ntitle: T\ndata_assets:\n  A: &a\n    id: a\n    confidentiality: confidential\n  B: &b\n    id: b\n    confidentiality: public\n    description: from b\n  C:\n    <<: [*a, *b]\n    id: c\n";
    let imported = import(
        text.as_bytes(),
        Source::Threagile,
        &ImportOptions {
            file_name: "t.yaml",
        },
    )
    .unwrap();
    let c = imported.model.classes.iter().find(|c| c.id == "c").unwrap();
    assert_eq!(c.tier, 4, "confidentiality from the first base");
    assert_eq!(
        c.description.as_deref(),
        Some("from b"),
        "a field only the second base has"
    );
}

#[test]
fn hostile_yaml_is_bounded() {
    let mut bomb = String::from(
        "otmVersion: 0.2.0\nproject: {name: P, id: p}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for level in 1..10 {
        let p = level - 1;
        bomb.push_str(&format!("a{level}: &a{level} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    let errors = import_errors(&bomb, Source::Otm, "bomb.yaml");
    assert!(
        errors.iter().any(|e| e.contains("alias bomb")),
        "{errors:?}"
    );
    let deep = format!("otmVersion: 1\nproject: {}\n", "[".repeat(10_000));
    let errors = import_errors(&deep, Source::Otm, "deep.yaml");
    assert!(!errors.is_empty());
    let deep = format!(
        "threagile_version: 1.0.0\ntitle: T\ntechnical_assets: {}\n",
        "{a: ".repeat(10_000)
    );
    assert!(!import_errors(&deep, Source::Threagile, "deep.yaml").is_empty());
    let mut bomb = String::from(
        "threagile_version: 1.0.0\ntitle: T\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n",
    );
    for level in 1..10 {
        let p = level - 1;
        bomb.push_str(&format!("x{level}: &x{level} [*x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}, *x{p}]\n"));
    }
    let errors = import_errors(&bomb, Source::Threagile, "bomb.yaml");
    assert!(
        errors.iter().any(|e| e.contains("alias bomb")),
        "{errors:?}"
    );
    let deep_pytm = format!(
        "{{\"threatsFile\": \"t\", \"flows\": [], \"elements\": {}",
        "[".repeat(10_000)
    );
    assert!(!import_errors(&deep_pytm, Source::Pytm, "deep.json").is_empty());
    let deep_calm = format!("{{\"relationships\": [], \"nodes\": {}", "[".repeat(10_000));
    assert!(!import_errors(&deep_calm, Source::Calm, "deep.json").is_empty());
    // Containers that contain each other are refused or noted, never a cycle of boundaries.
    let cycle = r#"{"nodes": [{"unique-id": "a", "node-type": "system"}, {"unique-id": "b", "node-type": "system"}, {"unique-id": "c", "node-type": "service"}],
        "relationships": [{"relationship-type": {"composed-of": {"container": "a", "nodes": ["b", "c"]}}},
                          {"relationship-type": {"composed-of": {"container": "b", "nodes": ["a"]}}}]}"#;
    assert!(!import_errors(cycle, Source::Calm, "cycle.json").is_empty());
    let deep_json = format!("{{\"summary\": {}", "[".repeat(10_000));
    assert!(!import_errors(&deep_json, Source::ThreatDragon, "deep.json").is_empty());
}

/// Hostile strings survive into the model (escaped only where they are rendered) and are made
/// visible in the text report.
#[test]
fn hostile_names_are_escaped_in_the_text_report() {
    let text = "{\"summary\": {\"title\": \"Shop\\u001b[2J\"}, \"detail\": {\"diagrams\": [{\"cells\": [{\"shape\": \"actor\", \"id\": \"a\", \"data\": {\"name\": \"Eve\\u202e\\nforged line\"}}]}]}}";
    let imported = import(
        text.as_bytes(),
        Source::ThreatDragon,
        &ImportOptions {
            file_name: "x.json",
        },
    )
    .unwrap();
    let report = imported.report.text(None);
    assert!(
        !report.contains('\u{1b}') && !report.contains('\u{202e}'),
        "{report}"
    );
    assert!(
        report.contains("[U+001B]") && report.contains("Eve[U+202E]\\nforged line"),
        "{report}"
    );
    assert_eq!(imported.model.nodes[0].name, "Eve\u{202e}\nforged line");
}

fn all_fixture_bytes() -> Vec<(Source, &'static str, Vec<u8>)> {
    FIXTURES
        .iter()
        .map(|f| (f.source, f.path, read(f.path)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512), yaml in any::<bool>()) {
        let name = if yaml { "x.yaml" } else { "x.json" };
        let _ = detect(&bytes, name);
        for source in Source::ALL {
            let _ = import(&bytes, *source, &ImportOptions { file_name: name });
        }
    }

    #[test]
    fn truncations_and_mutations_of_real_files_never_panic(
        which in 0usize..64, cut in 0.0f64..1.0, at in 0.0f64..1.0, byte in any::<u8>()
    ) {
        let fixtures = all_fixture_bytes();
        let (source, name, bytes) = &fixtures[which % fixtures.len()];
        let truncated = &bytes[..(bytes.len() as f64 * cut) as usize];
        if let Ok(imported) = import(truncated, *source, &ImportOptions { file_name: name }) {
            prop_assert!(load_str(&to_file_json(&imported.model)).is_ok());
        }
        let mut mutated = bytes.clone();
        let i = ((mutated.len() as f64 * at) as usize).min(mutated.len() - 1);
        mutated[i] = byte;
        if let Ok(imported) = import(&mutated, *source, &ImportOptions { file_name: name }) {
            prop_assert!(load_str(&to_file_json(&imported.model)).is_ok());
        }
    }
}
