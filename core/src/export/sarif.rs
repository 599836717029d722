//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! One run: `tool.driver` lists every rule of the catalog (so a result's `ruleIndex` is its
//! position in [`REGISTRY`]), with the rule's documentation as help, its control ids as tags and
//! GitHub's `security-severity` for its default severity (`rules.md`, "Severity to SARIF").
//! Each finding is a result located in the model file: the region is where the subject's JSON
//! object starts (line and column, columns counting Unicode code points like the loader's
//! locator), the logical location is its JSON pointer. A witness path becomes a code flow with one
//! step per flow, each located at that flow's object. A waived finding carries an accepted
//! external suppression with the waiver's reason, approver and expiry. `partialFingerprints`
//! holds the finding's fingerprint (rule and subject, never position), so alerts survive edits.
//!
//! Rule configuration is reported the SARIF way: the model's severity overrides and switched-off
//! rules are `ruleConfigurationOverrides` of the invocation.
//!
//! Artifact locations: a model inside a repository is named by its path relative to the
//! repository root, with `uriBaseId` `%SRCROOT%` (the base GitHub code scanning resolves to
//! the checkout); when the root is known, `run.originalUriBaseIds` states it as an absolute
//! `file:///…/` URI, as SARIF §3.14.14 allows (absolute, ending with a slash). A model outside
//! any repository (an absolute path) is named by its absolute `file://` URI, without a base id:
//! a base id with an absolute URI is what the SARIF validator rejects (SARIF1004).
//!
//! Against a baseline (an earlier version of the model, [`sarif_with_baseline`]), each result
//! carries its `baselineState`: `new`, `unchanged` or `updated` (same fingerprint, other
//! severity, message or waiver). A diff's log ([`Absent::Listed`]) also lists the findings of
//! the baseline that are gone as `absent` results, located at their subject in the current file
//! where it still exists (else at the document) and without code flows (their paths ran through
//! the old version). A check's log leaves them out: it is uploaded to code scanning, which does
//! not document `baselineState` and would read an absent result as an open alert.
//!
//! serde_json escapes every string, so model text (names, messages, waiver reasons) cannot break
//! the document.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::ExportContext;
use crate::diff::{BaselineState, FindingChanges};
use crate::finding::{Finding, Severity, SubjectKind};
use crate::load::Locator;
use crate::model::Pointers;
use crate::rules::{Rule, REGISTRY, RULES_VERSION};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The base of artifact URIs: GitHub resolves `%SRCROOT%` to the repository root.
const SRCROOT: &str = "%SRCROOT%";

/// SARIF `level` of a severity: critical and high are errors, medium warnings, low notes.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// GitHub's `security-severity` of a severity (bands: ≥ 9.0 critical, 7.0–8.9 high, 4.0–6.9
/// medium, 0.1–3.9 low).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
    }
}

/// The SARIF log as pretty JSON with a trailing newline.
pub fn sarif(context: &ExportContext) -> String {
    log(context, None)
}

/// Whether a log against a baseline lists the baseline's findings that are gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Absent {
    /// As `absent` results (`flowmap diff`: the whole change).
    Listed,
    /// Not at all (`flowmap check --baseline`: the checked model's findings, for upload).
    Omitted,
}

/// The SARIF log of `context`'s model checked against a baseline: `baseline` is the earlier
/// version and `changes` its findings matched with the context's report
/// ([`FindingChanges::between`]). Pretty JSON with a trailing newline.
pub fn sarif_with_baseline(
    context: &ExportContext,
    baseline: &crate::model::Model,
    changes: &FindingChanges,
    absent: Absent,
) -> String {
    log(context, Some((baseline, changes, absent)))
}

// Inlined into each caller, so that `sarif` (which the app uses) carries no code for
// baselines: in its copy `baseline` is `None` and those branches are gone.
#[inline(always)]
fn log(
    context: &ExportContext,
    baseline: Option<(&crate::model::Model, &FindingChanges, Absent)>,
) -> String {
    let file_text;
    let text: &str = match context.source {
        Some(source) => source,
        None => {
            file_text = crate::canonical::to_file_json(context.model);
            &file_text
        }
    };
    let (uri, base) = if is_absolute(context.source_path) {
        (file_uri(context.source_path), None)
    } else {
        (artifact_uri(context.source_path), Some(SRCROOT))
    };
    let original_uri_base_ids = base.and(context.source_root).map(|root| {
        let mut root = file_uri(root);
        if !root.ends_with('/') {
            root.push('/');
        }
        OriginalUriBaseIds {
            srcroot: BaseUri { uri: root },
        }
    });
    let located = Located {
        locator: Locator::new(text.strip_prefix('\u{feff}').unwrap_or(text)),
        pointers: Pointers::new(context.model),
        uri: &uri,
        base,
    };
    let report = context.report;
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "flowmap",
                    full_name: "Flowmap data-flow checker",
                    version: crate::VERSION,
                    semantic_version: crate::VERSION,
                    rules: REGISTRY.iter().map(|rule| descriptor(rule)).collect(),
                    properties: DriverProperties {
                        rules_version: RULES_VERSION,
                    },
                },
            },
            invocations: [Invocation {
                execution_successful: true,
                end_time_utc: context.timestamp.to_string(),
                rule_configuration_overrides: configuration_overrides(report),
            }],
            original_uri_base_ids,
            artifacts: [Artifact {
                location: ArtifactLocation::of(&uri, base),
                roles: ["analysisTarget"],
                mime_type: "application/json",
                hashes: Hashes {
                    sha256: crate::check::hex(&Sha256::digest(text.as_bytes())),
                },
            }],
            results: results(
                &located,
                context,
                baseline.map(|(_, changes, absent)| (changes, absent)),
            ),
            column_kind: "unicodeCodePoints",
            properties: RunProperties {
                model_name: &context.model.name,
                model_sha256: crate::canonical::model_sha256(context.model),
                today: report.today.map(|d| d.to_string()),
                baseline_model_sha256: baseline
                    .map(|(model, _, _)| crate::canonical::model_sha256(model)),
            },
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).expect("a SARIF log always serializes");
    out.push('\n');
    out
}

/// Positions of elements in the model file.
struct Located<'a> {
    locator: Locator<'a>,
    pointers: Pointers,
    uri: &'a str,
    base: Option<&'static str>,
}

impl<'a> Located<'a> {
    /// The physical and logical location of the element with this id (the document itself
    /// when there is none, e.g. a finding about the whole model).
    fn location(&self, id: &str, message: Option<String>) -> Location<'a> {
        let pointer = self.pointers.of(id);
        let position = self.locator.locate(pointer);
        Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation::of(self.uri, self.base),
                region: Region {
                    start_line: position.line,
                    start_column: position.column,
                },
            },
            logical_locations: (!pointer.is_empty()).then(|| {
                [LogicalLocation {
                    fully_qualified_name: pointer.to_owned(),
                    kind: "object",
                }]
            }),
            message: message.map(|text| Message { text }),
        }
    }
}

fn descriptor(rule: &'static Rule) -> ReportingDescriptor {
    let docs = rule.docs();
    let what = section(&docs, "## What it does");
    let mut tags = vec!["security".to_owned()];
    tags.extend(rule.controls());
    ReportingDescriptor {
        id: rule.id,
        name: pascal_case(rule.name),
        short_description: Text {
            text: rule.summary.to_owned(),
            markdown: None,
        },
        full_description: Text {
            text: plain(&what),
            markdown: Some(what),
        },
        help: Text {
            text: docs.clone(),
            markdown: Some(docs),
        },
        default_configuration: Configuration {
            level: Some(level(rule.severity)),
            enabled: None,
        },
        properties: RuleProperties {
            security_severity: security_severity(rule.severity),
            tags,
            flowmap_name: rule.name,
            severity: rule.severity,
        },
    }
}

/// The body of one `## Heading` section of a rule's docs, paragraphs kept, lines joined.
fn section(docs: &str, heading: &str) -> String {
    let Some(start) = docs.find(heading) else {
        return String::new();
    };
    let body = &docs[start + heading.len()..];
    let body = body.find("\n## ").map_or(body, |end| &body[..end]);
    body.trim()
        .split("\n\n")
        .map(|paragraph| {
            paragraph
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Markdown emphasis and code marks removed, for the plain-text variant.
fn plain(markdown: &str) -> String {
    markdown.replace("**", "").replace('`', "")
}

/// `sensitive-flow-unencrypted` → `SensitiveFlowUnencrypted` (SARIF's guideline for rule
/// names; the kebab-case name stays in the rule's properties).
fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect::<String>()
        })
        .collect()
}

fn configuration_overrides(report: &crate::check::Report) -> Option<Vec<ConfigurationOverride>> {
    let index = |id: &str| REGISTRY.iter().position(|r| r.id == id).unwrap_or(0);
    let mut overrides: Vec<(usize, ConfigurationOverride)> = Vec::new();
    for run in &report.runs {
        if let Some(severity) = run.severity_override {
            let i = index(run.rule.id);
            overrides.push((
                i,
                ConfigurationOverride {
                    descriptor: DescriptorReference {
                        id: run.rule.id,
                        index: i,
                    },
                    configuration: Configuration {
                        level: Some(level(severity)),
                        enabled: None,
                    },
                },
            ));
        }
    }
    for id in &report.skipped {
        let i = index(id);
        overrides.push((
            i,
            ConfigurationOverride {
                descriptor: DescriptorReference { id, index: i },
                configuration: Configuration {
                    level: None,
                    enabled: Some(false),
                },
            },
        ));
    }
    overrides.sort_by_key(|(i, _)| *i);
    (!overrides.is_empty()).then(|| overrides.into_iter().map(|(_, o)| o).collect())
}

/// The report's results, with their baseline states and the absent ones when there is a
/// baseline. Inlined for the reason `log` is.
#[inline(always)]
fn results<'a>(
    located: &Located<'a>,
    context: &'a ExportContext,
    changes: Option<(&'a FindingChanges, Absent)>,
) -> Vec<SarifResult<'a>> {
    let findings = &context.report.findings;
    let Some((changes, absent)) = changes else {
        return findings
            .iter()
            .map(|finding| result(located, context, finding))
            .collect();
    };
    let mut results: Vec<SarifResult> = findings
        .iter()
        .zip(changes.states(findings))
        .map(|(finding, state)| SarifResult {
            baseline_state: Some(state.as_str()),
            ..result(located, context, finding)
        })
        .collect();
    if absent == Absent::Omitted {
        return results;
    }
    results.extend(changes.resolved.iter().map(|finding| {
        let mut absent = result(located, context, finding);
        absent.baseline_state = Some(BaselineState::Absent.as_str());
        absent.code_flows = None;
        let subject_exists = match finding.subject.kind {
            SubjectKind::Model => true,
            _ => {
                context.model.node(&finding.subject.id).is_some()
                    || context.model.flow(&finding.subject.id).is_some()
                    || context.model.boundary(&finding.subject.id).is_some()
            }
        };
        if !subject_exists {
            absent.locations = [located.location("", None)];
        }
        absent
    }));
    results
}

fn result<'a>(
    located: &Located<'a>,
    context: &ExportContext,
    finding: &'a Finding,
) -> SarifResult<'a> {
    let rule_index = REGISTRY
        .iter()
        .position(|r| r.id == finding.rule)
        .unwrap_or(0);
    let code_flows = (!finding.path.is_empty()).then(|| {
        [CodeFlow {
            thread_flows: [ThreadFlow {
                locations: finding
                    .path
                    .iter()
                    .map(|id| ThreadFlowLocation {
                        location: located.location(id, Some(flow_step(context, id))),
                    })
                    .collect(),
            }],
        }]
    });
    let suppressions = finding.waiver.as_ref().filter(|_| finding.waived).map(|w| {
        [Suppression {
            kind: "external",
            status: "accepted",
            justification: format!(
                "{} (approved by {}, expires {})",
                w.reason, w.approved_by, w.expires
            ),
        }]
    });
    let subject_id = match finding.subject.kind {
        SubjectKind::Model => "",
        _ => finding.subject.id.as_str(),
    };
    SarifResult {
        rule_id: finding.rule,
        rule_index,
        level: level(finding.severity),
        message: Message {
            text: finding.message.clone(),
        },
        locations: [located.location(subject_id, None)],
        partial_fingerprints: PartialFingerprints {
            fingerprint: &finding.fingerprint,
        },
        code_flows,
        suppressions,
        baseline_state: None,
        properties: ResultProperties {
            severity: finding.severity,
            subject: &finding.subject,
            controls: &finding.controls,
        },
    }
}

/// The model's path as a URI reference relative to `%SRCROOT%`: `/`-separated, without a
/// leading `./`, and percent-encoded where a URI cannot hold a character (spaces, non-ASCII,
/// `%`, `#`, `?`).
pub fn artifact_uri(path: &str) -> String {
    let mut path = path.replace('\\', "/");
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.to_owned();
    }
    percent_encode(&path)
}

/// Is this an absolute path (`/srv/x`, `C:/x`, `C:\x`)?
pub fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (bytes.len() >= 3
            && bytes[0].is_ascii_alphabetic()
            && bytes[1] == b':'
            && matches!(bytes[2], b'/' | b'\\'))
}

/// An absolute path as a `file:` URI: `/srv/a b.json` → `file:///srv/a%20b.json`,
/// `C:\m.json` → `file:///C:/m.json`.
pub fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches('/');
    format!("file:///{}", percent_encode(path))
}

fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `Flow "Name" (id): from → to`, the message of one step of a witness path.
fn flow_step(context: &ExportContext, id: &str) -> String {
    match context.model.flow(id) {
        Some(flow) if !flow.name.trim().is_empty() => {
            format!("Flow \"{}\" ({id}): {} → {}", flow.name, flow.from, flow.to)
        }
        Some(flow) => format!("Flow {id}: {} → {}", flow.from, flow.to),
        None => format!("Flow {id}"),
    }
}

// The SARIF object model, the parts Flowmap writes, in the specification's property order.

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<OriginalUriBaseIds>,
    artifacts: [Artifact<'a>; 1],
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    full_name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
    properties: DriverProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DriverProperties {
    rules_version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

#[derive(Serialize)]
struct Configuration {
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'static str>,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: Vec<String>,
    #[serde(rename = "flowmapName")]
    flowmap_name: &'static str,
    severity: Severity,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    end_time_utc: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_configuration_overrides: Option<Vec<ConfigurationOverride>>,
}

#[derive(Serialize)]
struct ConfigurationOverride {
    descriptor: DescriptorReference,
    configuration: Configuration,
}

#[derive(Serialize)]
struct DescriptorReference {
    id: &'static str,
    index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact<'a> {
    location: ArtifactLocation<'a>,
    roles: [&'static str; 1],
    mime_type: &'static str,
    hashes: Hashes,
}

#[derive(Serialize)]
struct Hashes {
    #[serde(rename = "sha-256")]
    sha256: String,
}

/// `%SRCROOT%` and the absolute URI it stands for.
#[derive(Serialize)]
struct OriginalUriBaseIds {
    #[serde(rename = "%SRCROOT%")]
    srcroot: BaseUri,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    uri: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    uri_base_id: &'static str,
    index: usize,
}

impl<'a> ArtifactLocation<'a> {
    fn of(uri: &'a str, uri_base_id: Option<&'static str>) -> ArtifactLocation<'a> {
        ArtifactLocation {
            uri,
            uri_base_id: uri_base_id.unwrap_or(""),
            index: 0,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location<'a>; 1],
    partial_fingerprints: PartialFingerprints<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_flows: Option<[CodeFlow<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    logical_locations: Option<[LogicalLocation; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

/// The fingerprint's key is versioned, as SARIF recommends for partial fingerprints.
#[derive(Serialize)]
struct PartialFingerprints<'a> {
    #[serde(rename = "flowmapFingerprint/v1")]
    fingerprint: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow<'a> {
    thread_flows: [ThreadFlow<'a>; 1],
}

#[derive(Serialize)]
struct ThreadFlow<'a> {
    locations: Vec<ThreadFlowLocation<'a>>,
}

#[derive(Serialize)]
struct ThreadFlowLocation<'a> {
    location: Location<'a>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: Severity,
    subject: &'a crate::finding::Subject,
    controls: &'a [&'static str],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    model_name: &'a str,
    model_sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    today: Option<String>,
    /// The SHA-256 of the baseline model's canonical form, when results carry baseline states.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_model_sha256: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_uris_are_relative_and_encoded() {
        assert_eq!(artifact_uri("examples/a.json"), "examples/a.json");
        assert_eq!(
            artifact_uri("./models\\my shop#1.json"),
            "models/my%20shop%231.json"
        );
        assert_eq!(artifact_uri("modèle.json"), "mod%C3%A8le.json");
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert!(is_absolute("/srv/models/a.json"));
        assert!(is_absolute(r"C:\models\a.json"));
        assert!(!is_absolute("models/a.json"));
        assert!(!is_absolute("-"));
        assert_eq!(
            file_uri("/srv/my models/a.json"),
            "file:///srv/my%20models/a.json"
        );
        assert_eq!(file_uri(r"C:\m\a.json"), "file:///C:/m/a.json");
    }

    #[test]
    fn rule_names_become_pascal_case() {
        assert_eq!(
            pascal_case("sensitive-flow-unencrypted"),
            "SensitiveFlowUnencrypted"
        );
    }

    #[test]
    fn sections_join_lines_and_keep_paragraphs() {
        let docs = "## What it does\nFlags a\nflow.\n\nSecond.\n\n## Why is this bad?\nNo.";
        assert_eq!(section(docs, "## What it does"), "Flags a flow.\n\nSecond.");
        assert_eq!(section(docs, "## Missing"), "");
    }
}
