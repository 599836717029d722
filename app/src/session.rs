//! What the panels show, as plain data: no DOM, no signals, so it is tested on the host.
//!
//! Loading a file (with located errors), the templates, the live findings (grouped, counted,
//! with a marker per element) and waiving a finding are decided here; the components render.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use flowmap_core::edit::Settings;
use flowmap_core::{CheckOptions, Date, Finding, LoadErrors, Model, Report, Severity, Waiver};
use rustc_hash::FxBuildHasher;
use serde::{Deserialize, Serialize};

/// The worked example, embedded at compile time so "Load example" needs no request.
pub const EXAMPLE: &str = include_str!("../../examples/serverless-shop.flowmap.json");

/// The version shown in the footer.
pub const VERSION: &str = flowmap_core::VERSION;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeverityCount {
    pub severity: Severity,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub severity: Severity,
    pub findings: Rows,
}

/// The findings of one group as rows, each made when it is first read: the list shows the
/// first [`Rows::CHUNK`]s only, so a model with thousands of findings does not build (and
/// drop) thousands of rows per edit. Cloning shares the rows already made.
#[derive(Clone)]
pub struct Rows {
    /// The report's findings (sorted by severity, so a group is one range of them).
    findings: Arc<Vec<Finding>>,
    start: usize,
    len: usize,
    /// Rows by chunks of [`Rows::CHUNK`], made on first use.
    chunks: Arc<[OnceLock<Box<[FindingRow]>>]>,
}

impl Rows {
    /// Rows made at a time.
    const CHUNK: usize = 50;

    fn new(findings: Arc<Vec<Finding>>, start: usize, len: usize) -> Rows {
        Rows {
            findings,
            start,
            len,
            chunks: (0..len.div_ceil(Self::CHUNK))
                .map(|_| OnceLock::new())
                .collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The findings of this group, as the core reported them.
    fn source(&self) -> &[Finding] {
        &self.findings[self.start..self.start + self.len]
    }

    pub fn get(&self, index: usize) -> Option<&FindingRow> {
        if index >= self.len {
            return None;
        }
        let chunk = index / Self::CHUNK;
        let rows = self.chunks[chunk].get_or_init(|| {
            let from = chunk * Self::CHUNK;
            let to = (from + Self::CHUNK).min(self.len);
            self.source()[from..to]
                .iter()
                .map(FindingRow::from)
                .collect()
        });
        rows.get(index % Self::CHUNK)
    }

    pub fn iter(&self) -> impl Iterator<Item = &FindingRow> + '_ {
        (0..self.len).map_while(|i| self.get(i))
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = FindingRow;

    fn index(&self, index: usize) -> &FindingRow {
        self.get(index).expect("row index in range")
    }
}

impl<'a> IntoIterator for &'a Rows {
    type Item = &'a FindingRow;
    type IntoIter = Box<dyn Iterator<Item = &'a FindingRow> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// Equal when every row would be: rows are made from these fields of a finding alone.
impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.len == other.len
            && (Arc::ptr_eq(&self.findings, &other.findings) && self.start == other.start
                || self.source().iter().zip(other.source()).all(|(a, b)| {
                    a.rule == b.rule
                        && a.severity == b.severity
                        && a.waived == b.waived
                        && a.subject == b.subject
                        && a.fingerprint == b.fingerprint
                        && a.message == b.message
                        && a.path == b.path
                        && a.name == b.name
                        && a.controls == b.controls
                }))
    }
}

impl std::fmt::Debug for Rows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// One finding as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingRow {
    /// `RULE-ID:subject-id`, the finding's handle in the UI.
    pub key: String,
    /// Unique per finding and changes with what is shown: the list's key.
    pub row_key: String,
    pub severity: Severity,
    /// The flows of the witness path.
    pub path: Vec<String>,
    pub rule: &'static str,
    pub name: &'static str,
    /// `node`, `flow`, `boundary` or `model`.
    pub subject_kind: &'static str,
    pub subject_id: String,
    pub message: String,
    /// Flow ids joined by " → ", when the finding rests on propagated data.
    pub witness: Option<String>,
    pub controls: Vec<ControlGroup>,
    pub waived: bool,
}

/// The control ids of one framework, e.g. SOC 2: CC6.1, CC6.7.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlGroup {
    /// Display name: "SOC 2", "ISO 27001", "NIST 800-53", "PCI DSS", or the id's own prefix.
    pub framework: String,
    /// The ids without their framework prefix, in the order the finding lists them.
    pub ids: Vec<ControlId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlId {
    /// As shown: "CC6.1".
    pub short: String,
    /// As the core and exports write it: "SOC2:CC6.1".
    pub full: String,
}

impl From<&Finding> for FindingRow {
    fn from(finding: &Finding) -> Self {
        FindingRow {
            key: format!("{}:{}", finding.rule, finding.subject.id),
            row_key: format!(
                "{}|{}|{}|{}",
                finding.fingerprint,
                finding.waived,
                finding.severity.as_str(),
                finding.message
            ),
            severity: finding.severity,
            path: finding.path.clone(),
            rule: finding.rule,
            name: finding.name,
            subject_kind: finding.subject.kind.as_str(),
            subject_id: finding.subject.id.clone(),
            message: finding.message.clone(),
            witness: witness(&finding.path),
            controls: group_controls(&finding.controls),
            waived: finding.waived,
        }
    }
}

/// Joins a witness path of flow ids with arrows; `None` for an empty path.
pub fn witness(path: &[String]) -> Option<String> {
    (!path.is_empty()).then(|| path.join(" → "))
}

/// Groups control ids like `SOC2:CC6.1` by framework, keeping the order of first appearance.
pub fn group_controls<S: AsRef<str>>(controls: &[S]) -> Vec<ControlGroup> {
    let mut groups: Vec<ControlGroup> = Vec::new();
    for full in controls {
        let full = full.as_ref();
        let (prefix, short) = full.split_once(':').unwrap_or(("", full));
        let framework = match prefix {
            "SOC2" => "SOC 2",
            "ISO27001" => "ISO 27001",
            "NIST" => "NIST 800-53",
            "PCI" => "PCI DSS",
            "" => "Other",
            other => other,
        };
        let id = ControlId {
            short: short.to_owned(),
            full: full.to_owned(),
        };
        match groups.iter_mut().find(|g| g.framework == framework) {
            Some(group) => group.ids.push(id),
            None => groups.push(ControlGroup {
                framework: framework.to_owned(),
                ids: vec![id],
            }),
        }
    }
    groups
}

/// A load that failed, with every located problem the loader reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub source: String,
    pub problems: Vec<Problem>,
}

/// One problem; `line` and `column` are 1-based, 0 when unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub pointer: String,
    pub message: String,
}

impl Problem {
    /// "line 3, column 14", or `None` when the problem has no location.
    pub fn location(&self) -> Option<String> {
        (self.line > 0).then(|| format!("line {}, column {}", self.line, self.column))
    }
}

impl Failure {
    /// Every problem on one line, each with its location: for a short notice.
    pub fn summary(&self) -> String {
        self.problems
            .iter()
            .map(|p| match p.location() {
                Some(at) => format!("{at}: {}", p.message),
                None => p.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The loader's located errors for a file named `source`.
    pub fn of_load(source: &str, errors: &LoadErrors) -> Self {
        Failure {
            source: source.to_owned(),
            problems: errors
                .errors
                .iter()
                .map(|e| Problem {
                    line: e.line,
                    column: e.column,
                    pointer: e.pointer.clone(),
                    message: e.message.clone(),
                })
                .collect(),
        }
    }

    /// "1 problem" / "3 problems".
    pub fn headline(&self) -> String {
        match self.problems.len() {
            1 => "1 problem".to_owned(),
            n => format!("{n} problems"),
        }
    }
}

/// Loads a model file; a model without layout is laid out.
pub fn load(source: &str, bytes: &[u8]) -> Result<Model, Failure> {
    flowmap_core::load(bytes)
        .map(crate::editor::with_layout)
        .map_err(|errors| Failure::of_load(source, &errors))
}

/// A failure for a file that could not even be read (no located errors to show).
pub fn unreadable(source: &str, reason: &str) -> Failure {
    Failure {
        source: source.to_owned(),
        problems: vec![Problem {
            line: 0,
            column: 0,
            pointer: String::new(),
            message: reason.to_owned(),
        }],
    }
}

/// A template of the gallery.
pub struct Template {
    pub key: &'static str,
    pub title: &'static str,
    pub blurb: &'static str,
    pub source: &'static str,
}

pub const TEMPLATES: [Template; 2] = [
    Template {
        key: "serverless-shop",
        title: "Serverless shop",
        blurb: "The worked example: a web shop on API Gateway, Lambda, DynamoDB, SQS and a payment provider, with findings to explore.",
        source: EXAMPLE,
    },
    Template {
        key: "empty",
        title: "Empty diagram",
        blurb: "A blank canvas. Drag a service from the palette to begin.",
        source: "{\"format\": \"flowmap/1\", \"name\": \"Untitled system\"}",
    },
];

pub fn template(key: &str) -> Option<Model> {
    let t = TEMPLATES.iter().find(|t| t.key == key)?;
    load(t.key, t.source.as_bytes()).ok()
}

/// An empty model (New).
pub fn empty_model() -> Model {
    Model {
        name: "Untitled system".to_owned(),
        ..Model::default()
    }
}

/// The file name a model is saved under.
pub fn file_name(model: &Model) -> String {
    let slug = flowmap_core::edit::slug(&model.name);
    let slug = if slug == "item" {
        "model".to_owned()
    } else {
        slug
    };
    format!("{slug}.flowmap.json")
}

/// Open findings of one element: how many, and the worst severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marker {
    pub count: usize,
    pub worst: Severity,
}

/// The live check, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// One entry per severity, most severe first; counts exclude waived findings.
    pub summary: Vec<SeverityCount>,
    /// Findings by severity, most severe first; severities without findings are left out.
    pub groups: Vec<Group>,
    pub waived: usize,
    /// Markers by element id (open findings only), with a quick hash (the keys are the
    /// model's own ids, rebuilt on every edit).
    pub markers: HashMap<String, Marker, FxBuildHasher>,
}

#[cfg_attr(not(test), allow(dead_code))]
impl Checked {
    pub fn total(&self) -> usize {
        self.groups.iter().map(|g| g.findings.len()).sum()
    }

    pub fn row(&self, key: &str) -> Option<&FindingRow> {
        self.groups
            .iter()
            .flat_map(|g| &g.findings)
            .find(|f| f.key == key)
    }
}

/// Checks a model with the default options as of `today` (the editor keeps a [`Live`]; this
/// is for tests and the wasm bench).
#[cfg_attr(not(test), allow(dead_code))]
pub fn check(model: &Model, today: Option<Date>) -> Checked {
    let options = CheckOptions {
        today,
        ..CheckOptions::default()
    };
    checked(flowmap_core::check(model, &options))
}

/// The live check of an editor: one model after another, each checked as [`check`] does
/// (the same [`Checked`]), reusing what the previous check computed (the fingerprints of its
/// findings, see [`flowmap_core::check::Checker`]). Keep one per editor and call
/// [`Live::check`] after every edit.
#[derive(Debug, Default)]
pub struct Live {
    checker: flowmap_core::check::Checker,
}

impl Live {
    /// [`check`], reusing the previous checks' work.
    pub fn check(&mut self, model: &Model, today: Option<Date>) -> Checked {
        let options = CheckOptions {
            today,
            ..CheckOptions::default()
        };
        checked(self.checker.check(model, &options))
    }
}

pub fn checked(report: Report) -> Checked {
    let summary = Severity::DESCENDING
        .into_iter()
        .map(|severity| SeverityCount {
            severity,
            count: report.summary.count(severity),
        })
        .collect();
    // Room for a marker per element with a finding (a few findings each): no rehashing.
    let mut markers: HashMap<String, Marker, FxBuildHasher> =
        HashMap::with_capacity_and_hasher(report.findings.len() / 2, FxBuildHasher);
    let mut waived = 0;
    for f in &report.findings {
        if f.waived {
            waived += 1;
            continue;
        }
        // Look up by `&str` first: one key `String` per element, not per finding.
        match markers.get_mut(f.subject.id.as_str()) {
            Some(m) => {
                m.count += 1;
                m.worst = m.worst.max(f.severity);
            }
            None => {
                markers.insert(
                    f.subject.id.clone(),
                    Marker {
                        count: 1,
                        worst: f.severity,
                    },
                );
            }
        }
    }
    // The report lists the most severe first: each severity is one range of findings.
    let findings = Arc::new(report.findings);
    let mut groups = Vec::new();
    let mut start = 0;
    for severity in Severity::DESCENDING {
        let len = findings[start..]
            .iter()
            .take_while(|f| f.severity == severity)
            .count();
        if len > 0 {
            groups.push(Group {
                severity,
                findings: Rows::new(findings.clone(), start, len),
            });
        }
        start += len;
    }
    debug_assert_eq!(start, findings.len(), "findings sorted by severity");
    Checked {
        summary,
        groups,
        waived,
        markers,
    }
}

/// The settings with a waiver for `rule` on `subject` added (replacing an earlier one for the
/// same finding). Errors are sentences for the form.
pub fn waive(
    model: &Model,
    rule: &str,
    subject: &str,
    reason: &str,
    approved_by: &str,
    expires: &str,
) -> Result<Settings, String> {
    if reason.trim().is_empty() {
        return Err("Give a reason for accepting the risk.".into());
    }
    if approved_by.trim().is_empty() {
        return Err("Name who approved the waiver.".into());
    }
    let expires = Date::parse(expires.trim())
        .map_err(|_| "Give the expiry date as YYYY-MM-DD.".to_owned())?;
    let mut settings = Settings::of(model);
    settings
        .waivers
        .retain(|w| !(w.rule == rule && w.subject == subject));
    settings.waivers.push(Waiver {
        rule: rule.to_owned(),
        subject: subject.to_owned(),
        reason: reason.trim().to_owned(),
        approved_by: approved_by.trim().to_owned(),
        expires,
    });
    Ok(settings)
}

/// A rule's Markdown docs as blocks: headings, paragraphs, list items and code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    Item(String),
    Code(String),
}

pub fn doc_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph = String::new();
    let mut code: Option<String> = None;
    let flush = |paragraph: &mut String, blocks: &mut Vec<Block>| {
        if !paragraph.trim().is_empty() {
            blocks.push(Block::Paragraph(paragraph.trim().to_owned()));
        }
        paragraph.clear();
    };
    for line in markdown.lines() {
        if let Some(open) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                blocks.push(Block::Code(open.trim_end().to_owned()));
                code = None;
            } else {
                open.push_str(line);
                open.push('\n');
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut paragraph, &mut blocks);
            code = Some(String::new());
        } else if let Some(h) = trimmed.strip_prefix('#') {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Heading(h.trim_start_matches('#').trim().to_owned()));
        } else if let Some(item) = trimmed.strip_prefix("- ").or(trimmed.strip_prefix("* ")) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Item(item.to_owned()));
        } else if trimmed.is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            paragraph.push_str(trimmed);
        }
    }
    flush(&mut paragraph, &mut blocks);
    if let Some(open) = code {
        blocks.push(Block::Code(open));
    }
    blocks
}

/// "1 node" / "12 nodes".
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Option<Date> {
        Some(Date::parse("2026-01-15").unwrap())
    }

    #[test]
    fn the_example_loads_and_has_findings() {
        let model = template("serverless-shop").expect("example loads");
        let checked = check(&model, today());
        assert!(checked.total() > 0, "the example is meant to show findings");
        let order: Vec<Severity> = checked.groups.iter().map(|g| g.severity).collect();
        let mut sorted = order.clone();
        sorted.sort_by_key(|s| std::cmp::Reverse(*s));
        assert_eq!(order, sorted, "groups go from most to least severe");
        assert_eq!(checked.summary.len(), 4);
        assert!(!checked.markers.is_empty());
        let first = &checked.groups[0].findings[0];
        assert_eq!(checked.row(&first.key), Some(first));
    }

    #[test]
    fn a_broken_file_has_located_errors() {
        let truncated = &EXAMPLE.as_bytes()[..EXAMPLE.len() / 2];
        let failure = load("broken.json", truncated).unwrap_err();
        assert_eq!(failure.source, "broken.json");
        assert!(!failure.problems.is_empty());
        assert!(failure.problems.iter().all(|p| p.location().is_some()));
    }

    #[test]
    fn unreadable_files_have_no_location() {
        let failure = unreadable("big.json", "too large");
        assert_eq!(failure.problems[0].location(), None);
        assert_eq!(failure.headline(), "1 problem");
    }

    #[test]
    fn templates_load() {
        for t in &TEMPLATES {
            assert!(template(t.key).is_some(), "{}", t.key);
        }
        assert_eq!(
            file_name(&template("empty").unwrap()),
            "untitled-system.flowmap.json"
        );
    }

    #[test]
    fn waiving_marks_the_finding_waived() {
        let model = template("serverless-shop").unwrap();
        let checked = check(&model, today());
        let row = checked.groups[0].findings[0].clone();
        assert!(waive(&model, row.rule, &row.subject_id, "", "me", "2026-12-31").is_err());
        let settings = waive(
            &model,
            row.rule,
            &row.subject_id,
            "accepted",
            "CISO",
            "2026-12-31",
        )
        .unwrap();
        let next = flowmap_core::edit::ops::update_settings(&model, settings);
        let after = check(&next, today());
        assert!(after.row(&row.key).unwrap().waived);
        assert_eq!(after.waived, checked.waived + 1);
    }

    #[test]
    fn docs_become_blocks() {
        let blocks = doc_blocks("## What it does\nFlags a\nthing.\n\n- one\n```json\n{}\n```");
        assert_eq!(
            blocks,
            vec![
                Block::Heading("What it does".into()),
                Block::Paragraph("Flags a thing.".into()),
                Block::Item("one".into()),
                Block::Code("{}".into()),
            ]
        );
    }

    #[test]
    fn witness_paths_join_with_arrows() {
        assert_eq!(witness(&[]), None);
        let path = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(witness(&path).as_deref(), Some("a → b"));
    }

    #[test]
    fn controls_group_by_framework() {
        let ids = [
            "SOC2:CC6.1",
            "ISO27001:A.8.24",
            "SOC2:CC6.7",
            "NIST:SC-8(1)",
            "custom",
        ];
        let groups = group_controls(&ids.map(String::from));
        let shown: Vec<(String, Vec<String>)> = groups
            .iter()
            .map(|g| {
                let ids = g.ids.iter().map(|i| i.short.clone()).collect();
                (g.framework.clone(), ids)
            })
            .collect();
        assert_eq!(
            shown,
            vec![
                ("SOC 2".into(), vec!["CC6.1".into(), "CC6.7".into()]),
                ("ISO 27001".into(), vec!["A.8.24".into()]),
                ("NIST 800-53".into(), vec!["SC-8(1)".into()]),
                ("Other".into(), vec!["custom".into()]),
            ]
        );
        assert_eq!(groups[0].ids[1].full, "SOC2:CC6.7");
    }

    #[test]
    fn a_live_check_shows_what_a_fresh_check_does() {
        let mut model = template("serverless-shop").unwrap();
        let mut live = Live::default();
        for round in 0..3 {
            let fresh = check(&model, today());
            let reused = live.check(&model, today());
            assert_eq!(fresh, reused, "round {round}");
            assert_eq!(format!("{fresh:?}"), format!("{reused:?}"), "round {round}");
            // An edit that changes findings: the first flow's flags flipped.
            let mut flow = model.flows[0].clone();
            flow.encrypted = !flow.encrypted;
            flow.monitored = !flow.monitored;
            model = flowmap_core::edit::ops::update_flow(&model, flow).unwrap();
        }
    }

    /// Times the live check on the generated 1,000-node model (docs/benchmarks.md):
    /// `cargo test --release -p flowmap-app -- --ignored --nocapture live_check_timing`.
    #[test]
    #[ignore = "a measurement, not a test"]
    fn live_check_timing() {
        use std::time::{Duration, Instant};
        let nodes = std::env::var("FLOWMAP_NODES").map_or(1000, |n| n.parse().unwrap());
        let model =
            flowmap_core::generate::generate(&flowmap_core::generate::GenerateSpec::new(nodes));
        let options = CheckOptions {
            today: today(),
            ..CheckOptions::default()
        };
        let median = |mut times: Vec<Duration>| {
            times.sort();
            times[times.len() / 2].as_secs_f64() * 1e3
        };
        let mut live = Live::default();
        let (mut core, mut rows, mut whole, mut again) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..15 {
            let start = Instant::now();
            let report = flowmap_core::check(&model, &options);
            core.push(start.elapsed());
            let start = Instant::now();
            let shown = checked(report);
            rows.push(start.elapsed());
            drop(shown);
            let start = Instant::now();
            let shown = check(&model, today());
            whole.push(start.elapsed());
            drop(shown);
            let start = Instant::now();
            let shown = live.check(&model, today());
            again.push(start.elapsed());
            drop(shown);
        }
        println!(
            "{nodes} nodes: core check {:.2} ms, session::checked {:.2} ms, session::check {:.2} ms, Live::check {:.2} ms (medians of 15)",
            median(core),
            median(rows),
            median(whole),
            median(again)
        );
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "node", "nodes"), "1 node");
        assert_eq!(plural(0, "flow", "flows"), "0 flows");
    }
}
