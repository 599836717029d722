//! What the app shows, as plain data: no DOM, no signals, so it is tested on the host.
//!
//! The components only render a [`Session`]; every decision (what loading a file does to what is
//! on screen, how findings are grouped and worded) is made here.

use flowmap_core::{CheckOptions, Date, Finding, LoadErrors, Severity};

/// File name shown for the built-in example.
pub const EXAMPLE_NAME: &str = "serverless-shop.flowmap.json";

/// The worked example, embedded at compile time so "Load example" needs no request.
pub const EXAMPLE: &str = include_str!("../../examples/serverless-shop.flowmap.json");

/// The version shown in the footer.
pub const VERSION: &str = flowmap_core::VERSION;

/// Everything on screen: the last model that loaded, and the last load that failed (if it came
/// after that model).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Session {
    pub current: Option<Analysis>,
    pub failure: Option<Failure>,
}

impl Session {
    /// Loads `bytes` (from a file called `source`) and checks it as of `today` (waiver and
    /// attestation expiry). On success the new model replaces the shown one and any earlier error
    /// goes away; on failure the error is shown and the previously loaded model stays, untouched.
    pub fn open(&mut self, source: &str, bytes: &[u8], today: Option<Date>) {
        match analyse(source, bytes, today) {
            Ok(analysis) => {
                self.current = Some(analysis);
                self.failure = None;
            }
            Err(failure) => self.failure = Some(failure),
        }
    }

    /// Loads the built-in example.
    pub fn open_example(&mut self, today: Option<Date>) {
        self.open(EXAMPLE_NAME, EXAMPLE.as_bytes(), today);
    }

    /// A file that could not even be read (no located errors to show).
    pub fn unreadable(&mut self, source: &str, reason: &str) {
        self.failure = Some(Failure {
            source: source.to_owned(),
            problems: vec![Problem {
                line: 0,
                column: 0,
                pointer: String::new(),
                message: reason.to_owned(),
            }],
        });
    }

    /// Hides the error panel.
    pub fn dismiss_failure(&mut self) {
        self.failure = None;
    }
}

/// A loaded model and its findings, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// File name the model came from.
    pub source: String,
    pub model_name: String,
    pub nodes: usize,
    pub flows: usize,
    /// One entry per severity, most severe first; counts exclude waived findings.
    pub summary: Vec<SeverityCount>,
    /// Findings by severity, most severe first; severities without findings are left out.
    pub groups: Vec<Group>,
    /// Number of findings suppressed by a current waiver (still listed).
    pub waived: usize,
}

impl Analysis {
    pub fn total(&self) -> usize {
        self.groups.iter().map(|g| g.findings.len()).sum()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeverityCount {
    pub severity: Severity,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub severity: Severity,
    pub findings: Vec<FindingRow>,
}

/// One finding as the list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingRow {
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
pub fn group_controls(controls: &[String]) -> Vec<ControlGroup> {
    let mut groups: Vec<ControlGroup> = Vec::new();
    for full in controls {
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
            full: full.clone(),
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub source: String,
    pub problems: Vec<Problem>,
}

/// One problem; `line` and `column` are 1-based, 0 when unknown.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    fn from_load_errors(source: &str, errors: &LoadErrors) -> Self {
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

/// Loads and checks a model with the default options, as of `today`.
pub fn analyse(source: &str, bytes: &[u8], today: Option<Date>) -> Result<Analysis, Failure> {
    let model =
        flowmap_core::load(bytes).map_err(|errors| Failure::from_load_errors(source, &errors))?;
    let options = CheckOptions {
        today,
        ..CheckOptions::default()
    };
    let report = flowmap_core::check(&model, &options);

    let summary = Severity::DESCENDING
        .into_iter()
        .map(|severity| SeverityCount {
            severity,
            count: report.summary.count(severity),
        })
        .collect();
    let groups = Severity::DESCENDING
        .into_iter()
        .map(|severity| Group {
            severity,
            findings: report
                .findings
                .iter()
                .filter(|f| f.severity == severity)
                .map(FindingRow::from)
                .collect(),
        })
        .filter(|g| !g.findings.is_empty())
        .collect();

    Ok(Analysis {
        source: source.to_owned(),
        model_name: model.name.clone(),
        nodes: model.nodes.len(),
        flows: model.flows.len(),
        summary,
        groups,
        waived: report.findings.iter().filter(|f| f.waived).count(),
    })
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
        let analysis = analyse(EXAMPLE_NAME, EXAMPLE.as_bytes(), today()).expect("example loads");
        assert!(!analysis.model_name.is_empty());
        assert!(analysis.nodes > 0 && analysis.flows > 0);
        assert!(
            analysis.total() > 0,
            "the example is meant to show findings"
        );
        let order: Vec<Severity> = analysis.groups.iter().map(|g| g.severity).collect();
        let mut sorted = order.clone();
        sorted.sort_by_key(|s| std::cmp::Reverse(*s));
        assert_eq!(order, sorted, "groups go from most to least severe");
        assert_eq!(analysis.summary.len(), 4);
    }

    #[test]
    fn a_broken_file_keeps_the_previous_model() {
        let mut session = Session::default();
        session.open_example(today());
        let before = session.current.clone();
        assert!(before.is_some());

        let truncated = &EXAMPLE.as_bytes()[..EXAMPLE.len() / 2];
        session.open("broken.json", truncated, today());

        assert_eq!(session.current, before, "the loaded model is never lost");
        let failure = session.failure.as_ref().expect("the error is shown");
        assert_eq!(failure.source, "broken.json");
        assert!(!failure.problems.is_empty());
        assert!(failure.problems.iter().all(|p| p.location().is_some()));
    }

    #[test]
    fn a_good_file_clears_the_error() {
        let mut session = Session::default();
        session.open("broken.json", b"{", today());
        assert!(session.current.is_none());
        assert!(session.failure.is_some());
        session.open_example(today());
        assert!(session.failure.is_none());
        assert!(session.current.is_some());
    }

    #[test]
    fn unreadable_files_have_no_location() {
        let mut session = Session::default();
        session.unreadable("big.json", "too large");
        let failure = session.failure.unwrap();
        assert_eq!(failure.problems[0].location(), None);
        assert_eq!(failure.headline(), "1 problem");
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
    fn plurals() {
        assert_eq!(plural(1, "node", "nodes"), "1 node");
        assert_eq!(plural(0, "flow", "flows"), "0 flows");
    }
}
