//! Findings: what a rule reports about one subject.

use std::fmt;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How bad a finding is. Orders from `Low` to `Critical`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// From most to least severe, the order of every listing.
    pub const DESCENDING: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::DESCENDING
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of element a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    Node,
    Flow,
    Boundary,
    /// The model as a whole (for example a waiver that matches nothing).
    Model,
}

impl SubjectKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Node => "node",
            SubjectKind::Flow => "flow",
            SubjectKind::Boundary => "boundary",
            SubjectKind::Model => "model",
        }
    }
}

/// The element a finding is about, by id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: String,
}

/// One problem found by one rule in one subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule id, e.g. `ENC-001`.
    pub rule: &'static str,
    /// Rule name, e.g. `sensitive-flow-unencrypted`.
    pub name: &'static str,
    pub severity: Severity,
    pub subject: Subject,
    /// Witness path: the flow ids from where the data entered to the subject. Empty when the
    /// finding rests on declared data only.
    pub path: Vec<String>,
    /// Plain text; names elements by name and id.
    pub message: String,
    /// Control ids such as `SOC2:CC6.7`, SOC 2 first, then ISO 27001, NIST, PCI DSS. Shared
    /// by the findings of a rule (serialized as a list, like a `Vec`).
    #[serde(serialize_with = "serialize_controls")]
    pub controls: Arc<[&'static str]>,
    /// Stable across edits: derived from the rule id and subject ids, never positions.
    pub fingerprint: String,
    /// Suppressed by a current waiver (still reported, not counted).
    pub waived: bool,
    /// The waiver that suppresses it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<crate::model::Waiver>,
}

fn serialize_controls<S: serde::Serializer>(
    controls: &Arc<[&'static str]>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    controls[..].serialize(serializer)
}

/// Counts of findings that are not waived, by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
}

impl Summary {
    pub fn of(findings: &[Finding]) -> Summary {
        let mut summary = Summary::default();
        for finding in findings.iter().filter(|f| !f.waived) {
            *summary.count_mut(finding.severity) += 1;
        }
        summary
    }

    pub fn count(&self, severity: Severity) -> usize {
        match severity {
            Severity::Low => self.low,
            Severity::Medium => self.medium,
            Severity::High => self.high,
            Severity::Critical => self.critical,
        }
    }

    fn count_mut(&mut self, severity: Severity) -> &mut usize {
        match severity {
            Severity::Low => &mut self.low,
            Severity::Medium => &mut self.medium,
            Severity::High => &mut self.high,
            Severity::Critical => &mut self.critical,
        }
    }

    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low
    }

    /// Findings at or above `threshold`.
    pub fn at_or_above(&self, threshold: Severity) -> usize {
        Severity::DESCENDING
            .into_iter()
            .filter(|s| *s >= threshold)
            .map(|s| self.count(s))
            .sum()
    }
}
