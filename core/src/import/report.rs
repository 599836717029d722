//! The import report: for each element of the source, what it became in the model, and what
//! was dropped, guessed or carried along (with the reason); plus the source's threats, which
//! Flowmap does not analyse but must not lose. Rendered as text for a terminal and as JSON
//! (`flowmap-import-report/1`, documented in `docs/interop.md`).
//!
//! Order is stable: elements in the order the importer met them in the source (document
//! order), notes in the order they were made.

use serde::Serialize;

use super::Source;
use crate::export::escape::visible;
use crate::finding::Summary;

/// The format tag of the JSON rendering.
pub const REPORT_FORMAT: &str = "flowmap-import-report/1";

/// What a source element became.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// The model itself (name, description).
    Model,
    Node,
    Flow,
    Boundary,
    /// A data class.
    Class,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Model => "model",
            TargetKind::Node => "node",
            TargetKind::Flow => "flow",
            TargetKind::Boundary => "boundary",
            TargetKind::Class => "class",
        }
    }
}

/// A model element (or the model) that a source element mapped to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Target {
    pub kind: TargetKind,
    pub id: String,
}

/// What happened to a part of a source element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// Not imported: the model has no place for it, or it was unusable.
    Dropped,
    /// Imported, but the importer had to decide something the source does not say.
    Guessed,
    /// Kept somewhere else than its own field (in a description, notes, or this report).
    Carried,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Dropped => "dropped",
            NoteKind::Guessed => "guessed",
            NoteKind::Carried => "carried",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub message: String,
}

/// One element of the source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Element {
    /// JSON pointer of the element in the source document.
    pub pointer: String,
    /// The source format's word for it (`tm.Process`, `trustZone`, `dataflow`, …).
    pub kind: String,
    /// The source's id of the element, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What it became; empty when it was dropped.
    pub mapped_to: Vec<Target>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// A threat recorded in the source, carried along (Flowmap's findings are its own).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Threat {
    /// JSON pointer of the threat in the source.
    pub pointer: String,
    /// The element the threat is about, as imported (`None` when that element was dropped or
    /// the threat is about the whole model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<Target>,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
}

/// How many elements the imported model has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub nodes: usize,
    pub flows: usize,
    pub boundaries: usize,
    pub classes: usize,
}

/// The whole report of one import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub source: Source,
    /// The version the source declares (`2.3.0`, `0.2.0`), if any.
    pub version: Option<String>,
    /// The file as the user named it.
    pub file: String,
    /// The imported model's name.
    pub model_name: String,
    pub counts: Counts,
    pub elements: Vec<Element>,
    pub threats: Vec<Threat>,
}

impl ImportReport {
    /// How many notes of each kind, and how many elements were dropped whole.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally {
            elements: self.elements.len(),
            ..Tally::default()
        };
        for element in &self.elements {
            if element.mapped_to.is_empty() {
                tally.dropped_elements += 1;
            }
            for note in &element.notes {
                match note.kind {
                    NoteKind::Dropped => tally.dropped += 1,
                    NoteKind::Guessed => tally.guessed += 1,
                    NoteKind::Carried => tally.carried += 1,
                }
            }
        }
        tally.threats = self.threats.len();
        tally
    }

    /// The report as JSON (`flowmap-import-report/1`), pretty, with a trailing newline. The
    /// check summary of the imported model goes along when given.
    pub fn json(&self, findings: Option<&Summary>) -> String {
        #[derive(Serialize)]
        struct SourceInfo<'a> {
            format: &'static str,
            title: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            version: Option<&'a str>,
            file: &'a str,
        }
        #[derive(Serialize)]
        struct ModelInfo<'a> {
            name: &'a str,
            #[serde(flatten)]
            counts: Counts,
        }
        #[derive(Serialize)]
        struct Document<'a> {
            format: &'static str,
            source: SourceInfo<'a>,
            model: ModelInfo<'a>,
            summary: Tally,
            #[serde(skip_serializing_if = "Option::is_none")]
            findings: Option<&'a Summary>,
            elements: &'a [Element],
            threats: &'a [Threat],
        }
        let document = Document {
            format: REPORT_FORMAT,
            source: SourceInfo {
                format: self.source.name(),
                title: self.source.title(),
                version: self.version.as_deref(),
                file: &self.file,
            },
            model: ModelInfo {
                name: &self.model_name,
                counts: self.counts,
            },
            summary: self.tally(),
            findings,
            elements: &self.elements,
            threats: &self.threats,
        };
        let mut text =
            serde_json::to_string_pretty(&document).expect("an import report always serializes");
        text.push('\n');
        text
    }

    /// The report as plain text for a terminal: every source string made visible (control and
    /// bidirectional characters as `[U+XXXX]`, line breaks as `\n`), so a name cannot forge
    /// output lines or send escape sequences.
    pub fn text(&self, findings: Option<&Summary>) -> String {
        let t = |s: &str| visible(s).replace('\n', "\\n");
        let mut out = String::new();
        let version = self
            .version
            .as_deref()
            .map(|v| format!(" {}", t(v)))
            .unwrap_or_default();
        let counts = self.counts;
        out.push_str(&format!(
            "Imported {} ({}{version}) as \"{}\": {} node{}, {} flow{}, {} boundar{}, {} data class{}.\n",
            t(&self.file),
            self.source.title(),
            t(&self.model_name),
            counts.nodes,
            plural(counts.nodes, "", "s"),
            counts.flows,
            plural(counts.flows, "", "s"),
            counts.boundaries,
            plural(counts.boundaries, "y", "ies"),
            counts.classes,
            plural(counts.classes, "", "es"),
        ));
        for element in &self.elements {
            let name = element
                .name
                .as_deref()
                .filter(|n| !n.is_empty())
                .map(|n| format!(" \"{}\"", t(n)))
                .unwrap_or_default();
            let id = element
                .id
                .as_deref()
                .map(|id| format!(" ({})", t(id)))
                .unwrap_or_default();
            let outcome = if element.mapped_to.is_empty() {
                "dropped".to_owned()
            } else {
                let targets: Vec<String> = element
                    .mapped_to
                    .iter()
                    .map(|target| match target.kind {
                        TargetKind::Model => "model".to_owned(),
                        kind => format!("{} {}", kind.as_str(), t(&target.id)),
                    })
                    .collect();
                format!("→ {}", targets.join(", "))
            };
            out.push_str(&format!("  {}{name}{id} {outcome}\n", t(&element.kind)));
            for note in &element.notes {
                out.push_str(&format!(
                    "      {}: {}\n",
                    note.kind.as_str(),
                    t(&note.message)
                ));
            }
        }
        if !self.threats.is_empty() {
            out.push_str(&format!(
                "Threats carried from the source ({}; Flowmap does not analyse them, its findings are its own):\n",
                self.threats.len()
            ));
            for threat in &self.threats {
                let on = threat
                    .on
                    .as_ref()
                    .map(|target| format!(" on {} {}", target.kind.as_str(), t(&target.id)))
                    .unwrap_or_default();
                let details: Vec<String> = [&threat.category, &threat.severity, &threat.status]
                    .into_iter()
                    .flatten()
                    .map(|s| t(s))
                    .collect();
                let details = if details.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", details.join(" · "))
                };
                out.push_str(&format!("  \"{}\"{on}{details}\n", t(&threat.title)));
            }
        }
        let tally = self.tally();
        out.push_str(&format!(
            "{} source element{}: {} mapped, {} dropped; {} guessed, {} dropped and {} carried detail{}; {} threat{} carried.\n",
            tally.elements,
            plural(tally.elements, "", "s"),
            tally.elements - tally.dropped_elements,
            tally.dropped_elements,
            tally.guessed,
            tally.dropped,
            tally.carried,
            plural(tally.guessed + tally.dropped + tally.carried, "", "s"),
            tally.threats,
            plural(tally.threats, "", "s"),
        ));
        if let Some(summary) = findings {
            if summary.total() == 0 {
                out.push_str("Checked: no findings.\n");
            } else {
                out.push_str(&format!(
                    "Checked: {} finding{} ({} critical, {} high, {} medium, {} low); `flowmap check` on the model lists them.\n",
                    summary.total(),
                    plural(summary.total(), "", "s"),
                    summary.critical,
                    summary.high,
                    summary.medium,
                    summary.low
                ));
            }
        }
        out
    }
}

/// Counts of the report, as in its JSON `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Source elements met.
    pub elements: usize,
    /// Elements dropped whole (mapped to nothing).
    pub dropped_elements: usize,
    /// Notes of each kind.
    pub guessed: usize,
    pub dropped: usize,
    pub carried: usize,
    /// Threats carried.
    pub threats: usize,
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}
