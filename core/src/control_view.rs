//! The control view: results grouped by control id (SOC 2 first), with, for each control, the
//! rules that test it and each rule's population, passes, exceptions and conclusion. The
//! backbone of the evidence exports.
//!
//! A rule tests the controls of its families across its whole population. A finding can also
//! concern controls beyond its rule's (ENC-001 on a flow that crosses a trust boundary adds
//! boundary protection): the rule then also tests those controls, but only through such
//! findings, and the control view lists that test with [`TestScope::Findings`]: its population
//! is the subjects of those findings.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::Report;
use crate::controls::{control_title, Framework};
use crate::evidence::Conclusion;
use crate::finding::Subject;

/// One control and the tests of it.
#[derive(Clone, Debug, Serialize)]
pub struct ControlResult {
    /// `SOC2:CC6.1`.
    pub control: String,
    pub framework: &'static str,
    pub title: &'static str,
    /// Not tested when no test examined anything; exceptions found when a test found one
    /// (waived findings are not exceptions); else no exceptions found in the design.
    pub conclusion: Conclusion,
    pub tests: Vec<ControlTest>,
}

/// How a rule tests a control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestScope {
    /// The control is one of the rule's own: tested across the rule's population.
    Rule,
    /// Only the rule's findings that also concern the control test it; their subjects are the
    /// population.
    Findings,
}

/// The population of a [`TestScope::Findings`] test, in words.
pub const FINDINGS_POPULATION: &str = "The elements whose finding of this rule also concerns      this control (the rule adds the control where a case calls for it, such as a flow that      crosses a trust boundary); the rule does not test the control elsewhere.";

/// What one rule found while testing a control.
#[derive(Clone, Debug, Serialize)]
pub struct ControlTest {
    pub rule: &'static str,
    pub name: &'static str,
    pub scope: TestScope,
    /// What the population is: the elements the rule examines.
    pub population_description: &'static str,
    /// Elements examined.
    pub population: usize,
    pub passes: usize,
    pub exceptions: usize,
    pub waived: usize,
    pub conclusion: Conclusion,
}

/// Groups a report's rule runs by the controls they test.
pub fn by_control(report: &Report) -> Vec<ControlResult> {
    let mut controls: Vec<ControlResult> = Vec::new();
    let mut add = |control: String, test: ControlTest| match controls
        .iter_mut()
        .find(|c| c.control == control)
    {
        Some(existing) => existing.tests.push(test),
        None => controls.push(ControlResult {
            framework: Framework::of(&control).map_or("", Framework::prefix),
            title: control_title(&control).unwrap_or(""),
            conclusion: Conclusion::NotTested,
            control,
            tests: vec![test],
        }),
    };
    for run in &report.runs {
        let own = run.rule.controls();
        for control in &own {
            add(
                control.clone(),
                ControlTest {
                    rule: run.rule.id,
                    name: run.rule.name,
                    scope: TestScope::Rule,
                    population_description: run.rule.population,
                    population: run.examined.len(),
                    passes: run.passes(),
                    exceptions: run.exceptions,
                    waived: run.waived,
                    conclusion: Conclusion::of(run.examined.len(), run.exceptions),
                },
            );
        }
        for (control, subjects) in added_controls(report, run.rule.id, &own) {
            let exceptions = subjects.values().filter(|open| **open).count();
            add(
                control,
                ControlTest {
                    rule: run.rule.id,
                    name: run.rule.name,
                    scope: TestScope::Findings,
                    population_description: FINDINGS_POPULATION,
                    population: subjects.len(),
                    passes: 0,
                    exceptions,
                    waived: subjects.len() - exceptions,
                    conclusion: Conclusion::of(subjects.len(), exceptions),
                },
            );
        }
    }
    for control in &mut controls {
        control.tests.sort_by_key(|t| t.rule);
        control.conclusion = control
            .tests
            .iter()
            .map(|t| t.conclusion)
            .max()
            .unwrap_or(Conclusion::NotTested);
    }
    controls.sort_by_cached_key(|c| {
        (
            Framework::of(&c.control),
            soc2_category(&c.control),
            natural_key(&c.control),
        )
    });
    controls
}

/// The controls that findings of `rule` add beyond the rule's own (`own`), each with the
/// subjects of those findings: `true` when one of a subject's findings is not waived.
pub fn added_controls(
    report: &Report,
    rule: &str,
    own: &[String],
) -> BTreeMap<String, BTreeMap<Subject, bool>> {
    let mut added: BTreeMap<String, BTreeMap<Subject, bool>> = BTreeMap::new();
    for finding in report.findings.iter().filter(|f| f.rule == rule) {
        if finding.controls.len() <= own.len() {
            continue;
        }
        for control in finding
            .controls
            .iter()
            .filter(|c| !own.iter().any(|o| o == *c))
        {
            let open = added
                .entry((*control).to_owned())
                .or_default()
                .entry(finding.subject.clone())
                .or_insert(false);
            *open |= !finding.waived;
        }
    }
    added
}

/// SOC 2 lists the common criteria first, then availability, processing integrity,
/// confidentiality and privacy.
fn soc2_category(control: &str) -> usize {
    let Some(id) = control.strip_prefix("SOC2:") else {
        return 0;
    };
    ["CC", "A", "PI", "C", "P"]
        .iter()
        .position(|c| {
            id.strip_prefix(c)
                .is_some_and(|r| r.starts_with(|ch: char| ch.is_ascii_digit()))
        })
        .unwrap_or(5)
}

/// `A.5.9` before `A.5.14`, `SC-7` before `SC-7(5)` before `SC-8`.
fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut number: Option<u64> = None;
    for c in id.chars() {
        match (c.to_digit(10), number) {
            (Some(d), Some(n)) => number = Some(n * 10 + u64::from(d)),
            (Some(d), None) => number = Some(u64::from(d)),
            (None, Some(n)) => {
                key.push((std::mem::take(&mut text), n));
                number = None;
                text.push(c);
            }
            (None, None) => text.push(c),
        }
    }
    key.push((text, number.unwrap_or(0)));
    key
}

/// The control view as a JSON document (`flowmap-controls/2`), pretty, with a trailing newline.
///
/// Version 2 replaced version 1's `satisfied` flag, which said `true` for a control whose
/// tests examined nothing, by `conclusion` (`not-tested`, `no-exceptions-found`,
/// `exceptions-found`), and states the procedure, where populations come from and whether the
/// model was compared with the running system.
pub fn controls_json(
    model: &crate::model::Model,
    report: &Report,
    comparison: Option<&crate::evidence::Comparison>,
) -> String {
    use crate::evidence;
    #[derive(Serialize)]
    struct Document<'a> {
        format: &'static str,
        model: crate::document::ModelRef<'a>,
        tool: crate::document::Tool,
        procedure: Procedure<'a>,
        controls: Vec<ControlResult>,
    }
    #[derive(Serialize)]
    struct Procedure<'a> {
        method: &'static str,
        description: &'static str,
        population_source: &'static str,
        limitation: &'static str,
        compared_with_running_system: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        comparison: Option<&'a evidence::Comparison>,
        comparison_statement: String,
    }
    let document = Document {
        format: "flowmap-controls/2",
        model: crate::document::ModelRef::of(model),
        tool: crate::document::Tool::current(),
        procedure: Procedure {
            method: evidence::PROCEDURE,
            description: evidence::PROCEDURE_DETAIL,
            population_source: evidence::POPULATION_SOURCE,
            limitation: evidence::WHAT_IT_SHOWS,
            compared_with_running_system: comparison.is_some(),
            comparison,
            comparison_statement: evidence::comparison_sentence(comparison),
        },
        controls: by_control(report),
    };
    let mut text = serde_json::to_string_pretty(&document).expect("controls always serialize");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_of_control_ids() {
        let mut ids = vec![
            "A.5.14", "A.8.5", "A.5.9", "SC-8", "SC-7(5)", "SC-7", "CC6.10", "CC6.7",
        ];
        ids.sort_by_key(|id| natural_key(id));
        assert_eq!(
            ids,
            ["A.5.9", "A.5.14", "A.8.5", "CC6.7", "CC6.10", "SC-7", "SC-7(5)", "SC-8"]
        );
    }
}
