//! CSV for spreadsheets: one row per (control, rule, element) test result, passes included, so
//! an auditor can filter the population of any control and sample from it.
//!
//! Rows follow the control view ([`by_control`]: SOC 2, ISO 27001, NIST, PCI DSS, natural order
//! within a framework), then rule id, then element id (ids are unique across nodes, flows and
//! boundaries). A control's rows are the populations of the rules that test it, as the control
//! view counts them: a rule's whole population for the controls of its own families, and the
//! subjects of its findings for a control a finding adds (ENC-001 on a flow that crosses a
//! trust boundary adds boundary protection). A test whose population is empty gets one row,
//! result `not-tested`, with the element columns empty, so that no control drops out.
//!
//! Every row states the procedure (an inspection of the design model, and whether the model
//! was compared with the running system), the rule's population and the control's conclusion
//! (`no-exceptions-found`, `exceptions-found`, `not-tested`): a spreadsheet passed around
//! without this file's context still says what a pass means.
//!
//! RFC 4180: CRLF line ends, a header row, fields with a comma, quote, CR or LF quoted, quotes
//! doubled. Formula injection (OWASP "CSV Injection"): a cell whose text starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return would be read as a formula by spreadsheet programs, so
//! it gets a leading `'`, inside the quoting. Every cell is treated so, not only the ones that
//! hold model text; generated cells never start with those characters.

use std::fmt::Write;

use super::ExportContext;
use crate::check::subject;
use crate::control_view::{by_control, TestScope};
use crate::controls::control_title;
use crate::engine::{Analysis, Element};
use crate::finding::{Finding, Severity, SubjectKind};
use crate::model::Model;
use crate::taxonomy::ClassSet;

/// The columns, in order.
pub const COLUMNS: [&str; 18] = [
    "framework",
    "control",
    "control_title",
    "rule",
    "rule_name",
    "element_kind",
    "element_id",
    "element_name",
    "owner",
    "result",
    "severity",
    "data_classes",
    "model_sha256",
    "tool_version",
    "timestamp",
    "procedure",
    "population",
    "control_conclusion",
];

/// The CSV document (UTF-8, CRLF line ends, a trailing CRLF).
pub fn csv(context: &ExportContext) -> String {
    let model = context.model;
    let report = context.report;
    let analysis = Analysis::new(model);
    let sha = crate::canonical::model_sha256(model);
    let timestamp = context.timestamp.to_string();
    let procedure = format!(
        "{}; {}",
        crate::evidence::PROCEDURE,
        if context.comparison.is_some() {
            "compared with observations of the running system"
        } else {
            "not compared with the running system"
        }
    );
    let mut out = String::new();
    write_row(&mut out, COLUMNS.iter().copied());
    for control in by_control(report) {
        let (framework, id) = control
            .control
            .split_once(':')
            .unwrap_or(("", control.control.as_str()));
        let title = control_title(&control.control).unwrap_or("");
        for test in &control.tests {
            let Some(run) = report.runs.iter().find(|r| r.rule.id == test.rule) else {
                continue;
            };
            let mut row = |element: Option<(Element, &str, Option<Severity>)>| {
                let (kind, subject_id, name, owner, classes) = match element {
                    Some((element, _, _)) => {
                        let subject = subject(model, element);
                        let (name, owner) = name_and_owner(model, element);
                        (
                            element.kind.as_str(),
                            subject.id,
                            name,
                            owner,
                            data_classes(&analysis, element),
                        )
                    }
                    None => ("", String::new(), "", "", String::new()),
                };
                let (result, severity) = element.map_or(("not-tested", None), |(_, r, s)| (r, s));
                write_row(
                    &mut out,
                    [
                        framework,
                        id,
                        title,
                        test.rule,
                        test.name,
                        kind,
                        subject_id.as_str(),
                        name,
                        owner,
                        result,
                        severity.map_or("", |s| s.as_str()),
                        classes.as_str(),
                        sha.as_str(),
                        crate::VERSION,
                        timestamp.as_str(),
                        procedure.as_str(),
                        test.population_description,
                        control.conclusion.as_str(),
                    ],
                );
            };
            let mut elements: Vec<Element> = match test.scope {
                TestScope::Rule => run.examined.clone(),
                TestScope::Findings => report
                    .findings
                    .iter()
                    .filter(|f| {
                        f.rule == test.rule && f.controls.contains(&control.control.as_str())
                    })
                    .filter_map(|f| analysis.element_of(&f.subject.id))
                    .collect(),
            };
            elements.sort_by_cached_key(|e| subject(model, *e).id);
            elements.dedup();
            if elements.is_empty() {
                row(None);
            }
            for element in elements {
                let subject = subject(model, element);
                let findings: Vec<&Finding> = report
                    .findings
                    .iter()
                    .filter(|f| f.rule == test.rule && f.subject == subject)
                    .filter(|f| {
                        test.scope == TestScope::Rule
                            || f.controls.contains(&control.control.as_str())
                    })
                    .collect();
                let open: Vec<&&Finding> = findings.iter().filter(|f| !f.waived).collect();
                let (result, severity) = match (open.first(), findings.first()) {
                    (Some(_), _) => ("exception", open.iter().map(|f| f.severity).max()),
                    (None, Some(_)) => ("waived", findings.iter().map(|f| f.severity).max()),
                    (None, None) => ("pass", None),
                };
                row(Some((element, result, severity)));
            }
        }
    }
    out
}

fn name_and_owner(model: &Model, element: Element) -> (&str, &str) {
    let index = element.index as usize;
    match element.kind {
        SubjectKind::Node => {
            let node = &model.nodes[index];
            (&node.name, node.owner.as_deref().unwrap_or(""))
        }
        SubjectKind::Flow => (&model.flows[index].name, ""),
        SubjectKind::Boundary => (&model.boundaries[index].name, ""),
        SubjectKind::Model => (&model.name, ""),
    }
}

/// The data classes of an element, space-separated in taxonomy order: `T(f)` for a flow (what
/// it carries, declared or propagated), `R(n)` for a node (what reaches it, plus what a store
/// or queue holds); empty for boundaries and the model.
fn data_classes(analysis: &Analysis, element: Element) -> String {
    let set = match element.kind {
        SubjectKind::Node => {
            let id = &analysis.model.nodes[element.index as usize].id;
            analysis
                .nodes
                .binary_search_by(|n| n.id.as_str().cmp(id))
                .map_or(ClassSet::EMPTY, |n| analysis.reach[n])
        }
        SubjectKind::Flow => {
            let id = &analysis.model.flows[element.index as usize].id;
            analysis
                .flows
                .binary_search_by(|f| f.id.as_str().cmp(id))
                .map_or(ClassSet::EMPTY, |f| analysis.carried[f])
        }
        SubjectKind::Boundary | SubjectKind::Model => ClassSet::EMPTY,
    };
    analysis.taxonomy.ids(set).join(" ")
}

fn write_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_cell(out, cell);
    }
    out.push_str("\r\n");
}

/// One cell: neutralised against formula injection, then quoted if RFC 4180 requires it.
pub fn write_cell(out: &mut String, text: &str) {
    let neutralise = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = text.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if neutralise {
        out.push('\'');
    }
    if quote {
        let _ = write!(out, "{}", text.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> String {
        let mut out = String::new();
        write_cell(&mut out, text);
        out
    }

    #[test]
    fn cells_are_quoted_as_rfc_4180_asks() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell(""), "");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("cr\rhere"), "\"cr\rhere\"");
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("a=b"), "a=b");
    }
}
