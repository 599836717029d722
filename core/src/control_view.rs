//! The control view: results grouped by control id (SOC 2 first), with, for each control, the
//! rules that test it and each rule's population, passes and exceptions. The backbone of the
//! evidence exports.

use serde::Serialize;

use crate::check::Report;
use crate::controls::{control_title, Framework};

/// One control and the tests of it.
#[derive(Clone, Debug, Serialize)]
pub struct ControlResult {
    /// `SOC2:CC6.1`.
    pub control: String,
    pub framework: &'static str,
    pub title: &'static str,
    /// No exception in any of its tests (waived findings are not exceptions).
    pub satisfied: bool,
    pub tests: Vec<ControlTest>,
}

/// What one rule found while testing a control.
#[derive(Clone, Debug, Serialize)]
pub struct ControlTest {
    pub rule: &'static str,
    pub name: &'static str,
    /// Elements the rule examined.
    pub population: usize,
    pub passes: usize,
    pub exceptions: usize,
    pub waived: usize,
}

/// Groups a report's rule runs by the controls they test.
pub fn by_control(report: &Report) -> Vec<ControlResult> {
    let mut controls: Vec<ControlResult> = Vec::new();
    for run in &report.runs {
        let test = ControlTest {
            rule: run.rule.id,
            name: run.rule.name,
            population: run.examined.len(),
            passes: run.passes(),
            exceptions: run.exceptions,
            waived: run.waived,
        };
        for control in run.rule.controls() {
            match controls.iter_mut().find(|c| c.control == control) {
                Some(existing) => existing.tests.push(test.clone()),
                None => controls.push(ControlResult {
                    framework: Framework::of(&control).map_or("", Framework::prefix),
                    title: control_title(&control).unwrap_or(""),
                    satisfied: true,
                    control,
                    tests: vec![test.clone()],
                }),
            }
        }
    }
    for control in &mut controls {
        control.satisfied = control.tests.iter().all(|t| t.exceptions == 0);
        control.tests.sort_by_key(|t| t.rule);
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

/// The control view as a JSON document (`flowmap-controls/1`), pretty, with a trailing newline.
pub fn controls_json(model: &crate::model::Model, report: &Report) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        format: &'static str,
        model: crate::document::ModelRef<'a>,
        tool: crate::document::Tool,
        controls: Vec<ControlResult>,
    }
    let document = Document {
        format: "flowmap-controls/1",
        model: crate::document::ModelRef::of(model),
        tool: crate::document::Tool::current(),
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
