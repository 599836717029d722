//! The evidence exports: the HTML and Markdown report, the SVG and the Mermaid diagram.
//!
//! Snapshots of the example and of a hostile model (`tests/snapshots/exports/`, names prefixed
//! `report-`, `svg-`, `mermaid-`); determinism; `verify`; and a hostile-strings test: every
//! user string of `tests/fixtures/hostile.flowmap.json` is an injection payload, and no output
//! may carry one as markup. `tests/validate/*.mjs` check the committed snapshots further with
//! Mermaid's own parser and in headless Chromium.
//!
//! `docs/diagram-example.svg` is kept current here: `UPDATE_GENERATED=1 cargo test -p
//! flowmap-core --test report` rewrites it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use flowmap_core::export::report::{verify, ReportFormat, VerifyError};
use flowmap_core::export::{export, ExportContext, Format};
use flowmap_core::{check, load, model_sha256, CheckOptions, Model, Report, Timestamp};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

const TIMESTAMP: &str = "2026-11-22T12:00:00Z";

fn load_model(path: &str) -> Model {
    let bytes = std::fs::read(repo().join(path)).unwrap();
    load(&bytes).unwrap_or_else(|e| panic!("{path} does not load:\n{e}"))
}

fn checked(model: &Model) -> Report {
    let timestamp: Timestamp = TIMESTAMP.parse().unwrap();
    check(
        model,
        &CheckOptions {
            today: Some(timestamp.date()),
            ..Default::default()
        },
    )
}

fn render(model: &Model, format: Format) -> String {
    let report = checked(model);
    let context = ExportContext::new(model, &report, TIMESTAMP.parse().unwrap());
    export(format, &context)
}

fn example() -> Model {
    load_model("examples/serverless-shop.flowmap.json")
}

fn hostile() -> Model {
    load_model("tests/fixtures/hostile.flowmap.json")
}

const FORMATS: [(Format, &str); 4] = [
    (Format::Html, "report-{}-html"),
    (Format::Markdown, "report-{}-markdown"),
    (Format::Svg, "svg-{}"),
    (Format::Mermaid, "mermaid-{}"),
];

#[test]
fn snapshots() {
    for (name, model) in [("example", example()), ("hostile", hostile())] {
        for (format, pattern) in FORMATS {
            insta::with_settings!({
                snapshot_path => repo().join("tests/snapshots/exports"),
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(pattern.replace("{}", name), render(&model, format));
            });
        }
    }
}

#[test]
fn the_committed_example_diagram_is_current() {
    let path = repo().join("docs/diagram-example.svg");
    let generated = render(&example(), Format::Svg);
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/diagram-example.svg is stale: run UPDATE_GENERATED=1 cargo test -p flowmap-core --test report"
    );
}

#[test]
fn outputs_are_deterministic_and_independent_of_element_order() {
    let model = example();
    let mut shuffled = model.clone();
    shuffled.nodes.reverse();
    shuffled.flows.reverse();
    shuffled.boundaries.reverse();
    for (format, _) in FORMATS {
        let once = render(&model, format);
        assert_eq!(
            once,
            render(&model, format),
            "{format:?} differs between runs"
        );
        assert_eq!(
            once,
            render(&shuffled, format),
            "{format:?} depends on element order"
        );
    }
}

#[test]
fn formats_are_registered() {
    for (format, name, extension) in [
        (Format::Html, "html", "report.html"),
        (Format::Markdown, "markdown", "report.md"),
        (Format::Svg, "svg", "svg"),
        (Format::Mermaid, "mermaid", "mmd"),
    ] {
        assert!(Format::ALL.contains(&format));
        assert_eq!(Format::parse(name), Some(format));
        assert_eq!(format.extension(), extension);
    }
    assert_eq!(Format::Svg.media_type(), "image/svg+xml");
    assert!(Format::Html.media_type().starts_with("text/html"));
}

#[test]
fn verify_accepts_an_untouched_report() {
    let model = example();
    for (format, kind) in [
        (Format::Html, ReportFormat::Html),
        (Format::Markdown, ReportFormat::Markdown),
    ] {
        let report = render(&model, format);
        let ok = verify(&report, &model).unwrap_or_else(|e| panic!("{format:?}: {e}"));
        assert_eq!(ok.format, kind);
        assert_eq!(ok.model_sha256, model_sha256(&model));
        assert_eq!(ok.generated, TIMESTAMP);
        assert_eq!(ok.tool_version, flowmap_core::VERSION);
        assert_eq!(ok.rules_version, flowmap_core::RULES_VERSION);
        assert!(report.contains(&ok.body_sha256));
    }
    // The hostile model's report verifies too: no payload breaks the markers.
    let hostile = hostile();
    verify(&render(&hostile, Format::Html), &hostile).unwrap();
    verify(&render(&hostile, Format::Markdown), &hostile).unwrap();
}

#[test]
fn verify_rejects_an_edited_report() {
    let model = example();
    for format in [Format::Html, Format::Markdown] {
        let report = render(&model, format);
        // An exception quietly removed: one word of the body changed.
        let edited = report.replacen(
            "exceptions found in the design",
            "no exceptions found in the design",
            1,
        );
        assert_ne!(edited, report);
        match verify(&edited, &model) {
            Err(VerifyError::BodyModified {
                line_endings_only: false,
                ..
            }) => {}
            other => panic!("{format:?}: {other:?}"),
        }
        // Line endings changed, content otherwise intact: still rejected, with the reason.
        let crlf = report.replace('\n', "\r\n");
        match verify(&crlf, &model) {
            Err(VerifyError::BodyModified {
                line_endings_only: true,
                ..
            }) => {}
            other => panic!("{format:?}: {other:?}"),
        }
        // Something added after the end marker (outside the hashed body).
        let appended = format!("{report}<script>alert(1)</script>\n");
        assert!(matches!(
            verify(&appended, &model),
            Err(VerifyError::NotAReport(_))
        ));
        // A recomputed hash does not help when the trailer or markers are tampered with.
        assert!(matches!(
            verify(&report.replace("flowmap:body:start", "x"), &model),
            Err(VerifyError::NotAReport(_))
        ));
        assert!(matches!(
            verify("just text", &model),
            Err(VerifyError::NotAReport(_))
        ));
    }
}

#[test]
fn verify_rejects_a_report_of_another_model() {
    let model = example();
    let mut other = model.clone();
    other.flows[0].encrypted = !other.flows[0].encrypted;
    for format in [Format::Html, Format::Markdown] {
        let report = render(&model, format);
        match verify(&report, &other) {
            Err(VerifyError::DifferentModel { report, model: m }) => {
                assert_eq!(report, model_sha256(&model));
                assert_eq!(m, model_sha256(&other));
            }
            other => panic!("{format:?}: {other:?}"),
        }
    }
    // Moving a box is not a different model: the layout is not part of the hash.
    let mut moved = model.clone();
    moved.layout.nodes.get_mut("api").unwrap().x += 40.0;
    verify(&render(&model, Format::Html), &moved).unwrap();
}

/// Every user string of the hostile fixture, as written in the file.
fn payloads(model: &Model) -> Vec<String> {
    let value = serde_json::to_value(model).unwrap();
    let mut out = Vec::new();
    fn walk(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::String(s) if s.len() > 8 => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&value, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The tags of an HTML document outside comments, `<style>` and `<title>` text: (name,
/// attribute names).
fn tags(html: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").expect("comments are closed");
            rest = &after[end + 3..];
            continue;
        }
        let end = rest.find('>').expect("tags are closed");
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('/') {
            continue;
        }
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = tag[..name_end].trim_end_matches('/').to_lowercase();
        let attributes = attribute_names(&tag[name_end..]);
        if name == "style" {
            let close = rest.find("</style>").expect("style is closed");
            rest = &rest[close..];
        }
        out.push((name, attributes));
    }
    out
}

/// Attribute names of the inside of a tag after its name (values double-quoted or bare).
fn attribute_names(mut rest: &str) -> Vec<String> {
    let mut names = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest == "/" {
            return names;
        }
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        names.push(rest[..end].to_lowercase());
        rest = &rest[end..];
        if let Some(value) = rest.strip_prefix('=') {
            rest = match value.strip_prefix('"') {
                Some(quoted) => &quoted[quoted.find('"').expect("closed quote") + 1..],
                None => value.trim_start_matches(|c: char| !c.is_whitespace()),
            };
        }
    }
}

#[test]
fn hostile_strings_stay_text_in_html() {
    let model = hostile();
    let html = render(&model, Format::Html);
    // No payload appears as written (each contains a character that must be escaped).
    for payload in payloads(&model) {
        if payload == "<!-- flowmap:body:end -->" {
            // The report's own marker, written once; the payload copy is escaped.
            assert_eq!(html.matches(&payload).count(), 1);
        } else if payload.contains(['<', '>', '"', '\'', '&', '\u{202e}', '\u{1}']) {
            assert!(!html.contains(&payload), "unescaped in HTML: {payload:?}");
        }
    }
    // Only the tags and attributes the report itself writes.
    let allowed_tags: BTreeSet<&str> = [
        "html", "head", "meta", "title", "style", "body", "div", "header", "p", "h1", "h2", "h3",
        "dl", "dt", "dd", "b", "span", "main", "nav", "ol", "li", "a", "section", "figure",
        "table", "thead", "tbody", "tr", "th", "td", "strong", "code", "br", "svg", "defs",
        "marker", "path", "rect", "g", "text", "circle",
    ]
    .into();
    let allowed_attributes: BTreeSet<&str> = [
        "lang",
        "charset",
        "http-equiv",
        "content",
        "name",
        "class",
        "id",
        "href",
        "xmlns",
        "viewbox",
        "width",
        "height",
        "role",
        "aria-labelledby",
        "font-family",
        "refx",
        "refy",
        "markerwidth",
        "markerheight",
        "orient",
        "d",
        "fill",
        "x",
        "y",
        "rx",
        "fill-opacity",
        "stroke",
        "stroke-width",
        "stroke-dasharray",
        "font-size",
        "font-weight",
        "marker-end",
        "text-anchor",
        "cx",
        "cy",
        "r",
    ]
    .into();
    let tags = tags(&html);
    assert!(tags.len() > 500);
    for (name, attributes) in &tags {
        assert!(
            allowed_tags.contains(name.as_str()),
            "unexpected tag <{name}>"
        );
        for attribute in attributes {
            assert!(
                allowed_attributes.contains(attribute.as_str()),
                "unexpected attribute {attribute} on <{name}>"
            );
        }
    }
    for (tag, count) in [
        ("style", 1),
        ("svg", 1),
        ("script", 0),
        ("img", 0),
        ("iframe", 0),
    ] {
        assert_eq!(
            tags.iter().filter(|(n, _)| n == tag).count(),
            count,
            "<{tag}>"
        );
    }
    // Links only to anchors of the report itself.
    assert!(!html.contains("href=\"http") && !html.contains("href=\"javascript"));
    assert_eq!(html.matches("<!-- flowmap:body:end -->").count(), 1);
    // Bidirectional overrides and control characters are shown, not applied.
    assert!(html.contains("[U+202E]gnp.exe") && html.contains("[U+0001]"));
    assert!(!html.contains('\u{202e}') && !html.contains('\u{1b}'));
}

#[test]
fn hostile_strings_keep_the_svg_well_formed() {
    let model = hostile();
    let svg = render(&model, Format::Svg);
    let document = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    let allowed: BTreeSet<&str> = [
        "svg", "title", "defs", "marker", "path", "rect", "g", "text", "circle",
    ]
    .into();
    for node in root.descendants().filter(|n| n.is_element()) {
        assert!(
            allowed.contains(node.tag_name().name()),
            "{:?}",
            node.tag_name()
        );
        for attribute in node.attributes() {
            let name = attribute.name();
            assert!(
                !name.starts_with("on") && name != "href" && name != "style",
                "{name}"
            );
        }
    }
    // Every payload arrives intact as text (escaping lost nothing): the node names.
    let texts: String = root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "title")
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(texts.contains("javascript:alert(1) (user, actor)"));
    assert!(texts.contains("<iframe src=\"https://evil.example/\"></iframe> (ext, external)"));
}

#[test]
fn hostile_strings_stay_inside_mermaid_labels() {
    let model = hostile();
    let mermaid = render(&model, Format::Mermaid);
    for line in mermaid.lines().skip(1) {
        assert!(!line.contains("%%"), "a comment or directive: {line}");
        // Outside quoted labels: only ids, keywords, arrows and styles.
        let pieces: Vec<&str> = line.split('"').collect();
        assert!(pieces.len() % 2 == 1, "unbalanced quotes: {line}");
        for (i, piece) in pieces.iter().enumerate() {
            if i % 2 == 1 {
                assert!(
                    !piece.contains(['<', '>', '|', '`', '%', '\n']),
                    "raw markup in a label: {piece}"
                );
            } else {
                assert!(
                    piece
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || " ([{}])-.>|:,#;".contains(c)),
                    "user text outside a label: {piece:?} in {line}"
                );
            }
        }
    }
}

#[test]
fn hostile_strings_stay_text_in_markdown() {
    let model = hostile();
    let markdown = render(&model, Format::Markdown);
    let mut in_fence = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            // The Mermaid block: user text only inside its quoted labels (checked above).
            assert!(!line.contains("```"));
            continue;
        }
        // Raw HTML: only the report's own comments and line breaks.
        let without_own = line.replace("<br>", "");
        if !(without_own.starts_with("<!-- flowmap:") && without_own.ends_with(" -->")) {
            for (at, _) in without_own.match_indices('<') {
                assert!(
                    at > 0 && without_own.as_bytes()[at - 1] == b'\\',
                    "raw < in: {line}"
                );
            }
        }
        // Headings only from the report's own structure.
        if line.starts_with('#') {
            assert!(
                line.starts_with("# Audit evidence: ")
                    || line.starts_with("## ")
                    || line.starts_with("### "),
                "{line}"
            );
        }
        assert!(
            !line.replace("\\]", "").contains("](javascript"),
            "a link: {line}"
        );
    }
    assert!(!in_fence);
    assert_eq!(markdown.matches("<!-- flowmap:body:end -->").count(), 1);
}
