//! The rule catalog: one file per rule, one table ([`REGISTRY`]) of them all.
//!
//! A rule is declared with [`declare_rule!`]: its doc comment *is* its documentation (with the
//! headings `## What it does`, `## Why is this bad?`, `## Example`, `## How to fix`), kept at run
//! time so `flowmap rules ID` and the app show the same text. Control mappings are data: a rule
//! names control families ([`crate::controls::Family`]).
//!
//! A check function reads the [`Analysis`] and writes to a [`Sink`]: every element it examined
//! (the population an auditor asks for) and every finding.

use crate::controls::Family;
use crate::engine::{Analysis, Element, FlowIx, NodeIx};
use crate::finding::{Finding, Severity};
use crate::taxonomy::ClassSet;

mod auth_001_unauthenticated_ingress;
mod auth_002_unauthenticated_internal_sensitive;
mod auth_003_unauthenticated_path;
mod auth_004_secrets_outside_vault;
mod bnd_001_store_reached_across_boundary;
mod bnd_002_internet_facing_store;
mod bnd_003_flat_segment;
mod common;
mod ctl_001_internet_facing_without_boundary_protection;
mod ctl_002_compute_without_vulnerability_scanning;
mod enc_001_sensitive_flow_unencrypted;
mod enc_002_boundary_plaintext;
mod enc_003_weak_transport;
mod enc_004_sensitive_store_unencrypted;
mod enc_005_top_tier_without_customer_key;
mod inv_001_incomplete_model;
mod log_001_unmonitored_component;
mod log_002_unmonitored_flow;
mod log_003_sensitive_data_in_logs;
mod min_001_undeclared_data_at_store;
mod min_002_clearance_exceeded;
mod min_003_unnecessary_transfer;
mod min_004_sensitive_data_in_non_production;
mod min_005_sensitive_authentication_data_stored;
mod own_001_missing_owner;
mod res_001_data_outside_allowed_region;
mod res_002_cross_region_transfer;
mod res_003_region_unknown;
mod tp_001_personal_data_to_third_party;
mod tp_002_transitive_disclosure;
mod tp_003_regulated_data_without_agreement;
mod tp_004_vendor_without_attestation;
mod tp_005_vendor_record_incomplete;
mod wvr_001_expired_waiver;
mod wvr_002_stale_waiver;

/// A rule of the catalog.
pub struct Rule {
    /// Stable id, `FAMILY-NNN`.
    pub id: &'static str,
    /// Names the bad pattern, kebab-case.
    pub name: &'static str,
    /// One sentence: the condition it flags.
    pub summary: &'static str,
    /// One sentence: the elements it examines, the population of its test (evidence states
    /// it beside every test of controls).
    pub population: &'static str,
    /// Default severity (a rule may grade a finding up where its docs say so).
    pub severity: Severity,
    /// Control families it tests.
    pub families: &'static [Family],
    /// The doc comment, raw (one line per `///` line).
    docs_raw: &'static str,
    /// Examines the model (or the findings of the other rules) and reports.
    pub check: Check,
}

/// What a rule examines.
#[derive(Clone, Copy)]
pub enum Check {
    /// The model, through its analysis view.
    Model(fn(&Analysis, &mut Sink)),
    /// The findings of the model rules that ran (rules about waivers); these run last.
    Findings(fn(&Analysis, &Outcome, &mut Sink)),
}

/// What the model rules produced, for [`Check::Findings`] rules.
pub struct Outcome<'a> {
    pub findings: &'a [Finding],
    /// Ids of the rules that ran.
    pub ran: &'a std::collections::BTreeSet<&'static str>,
}

impl Rule {
    /// The rule's documentation as Markdown.
    pub fn docs(&self) -> String {
        let mut out = String::with_capacity(self.docs_raw.len());
        for line in self.docs_raw.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_owned()
    }

    /// The control ids this rule tests (all of its families').
    pub fn controls(&self) -> Vec<String> {
        crate::controls::controls_of(self.families)
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish()
    }
}

/// Declares a rule: a doc comment with the four headings, then its metadata (the condition it
/// flags, the population it examines) and check.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = Rule {
            id: $id:literal,
            name: $name:literal,
            summary: $summary:literal,
            population: $population:literal,
            severity: $severity:ident,
            families: [$($family:ident),* $(,)?],
            $how:ident: $check:path $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            name: $name,
            summary: $summary,
            population: $population,
            severity: $crate::finding::Severity::$severity,
            families: &[$($crate::controls::Family::$family),*],
            docs_raw: concat!($($doc, "\n"),*),
            check: $crate::rules::declare_rule!(@check $how $check),
        };
    };
    // `check:` examines the model; `check_findings:` the other rules' findings.
    (@check check $check:path) => { $crate::rules::Check::Model($check) };
    (@check check_findings $check:path) => { $crate::rules::Check::Findings($check) };
}
pub(crate) use declare_rule;

/// Every rule, in id order.
pub static REGISTRY: &[&Rule] = &[
    &auth_001_unauthenticated_ingress::AUTH_001,
    &auth_002_unauthenticated_internal_sensitive::AUTH_002,
    &auth_003_unauthenticated_path::AUTH_003,
    &auth_004_secrets_outside_vault::AUTH_004,
    &bnd_001_store_reached_across_boundary::BND_001,
    &bnd_002_internet_facing_store::BND_002,
    &bnd_003_flat_segment::BND_003,
    &ctl_001_internet_facing_without_boundary_protection::CTL_001,
    &ctl_002_compute_without_vulnerability_scanning::CTL_002,
    &enc_001_sensitive_flow_unencrypted::ENC_001,
    &enc_002_boundary_plaintext::ENC_002,
    &enc_003_weak_transport::ENC_003,
    &enc_004_sensitive_store_unencrypted::ENC_004,
    &enc_005_top_tier_without_customer_key::ENC_005,
    &inv_001_incomplete_model::INV_001,
    &log_001_unmonitored_component::LOG_001,
    &log_002_unmonitored_flow::LOG_002,
    &log_003_sensitive_data_in_logs::LOG_003,
    &min_001_undeclared_data_at_store::MIN_001,
    &min_002_clearance_exceeded::MIN_002,
    &min_003_unnecessary_transfer::MIN_003,
    &min_004_sensitive_data_in_non_production::MIN_004,
    &min_005_sensitive_authentication_data_stored::MIN_005,
    &own_001_missing_owner::OWN_001,
    &res_001_data_outside_allowed_region::RES_001,
    &res_002_cross_region_transfer::RES_002,
    &res_003_region_unknown::RES_003,
    &tp_001_personal_data_to_third_party::TP_001,
    &tp_002_transitive_disclosure::TP_002,
    &tp_003_regulated_data_without_agreement::TP_003,
    &tp_004_vendor_without_attestation::TP_004,
    &tp_005_vendor_record_incomplete::TP_005,
    &wvr_001_expired_waiver::WVR_001,
    &wvr_002_stale_waiver::WVR_002,
];

/// The version of the rule catalog: changes whenever a rule is added, removed or re-graded.
pub const RULES_VERSION: &str = "2026.11.2";

/// The catalog as a Markdown table (committed in README.md; a test keeps it current).
pub fn catalog_markdown() -> String {
    let mut out = String::from("| id | name | default severity | controls (SOC 2) | what it flags |\n|---|---|---|---|---|\n");
    for rule in REGISTRY {
        let controls = rule.controls();
        let soc2: Vec<&str> = controls
            .iter()
            .filter_map(|c| c.strip_prefix("SOC2:"))
            .collect();
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            rule.id,
            rule.name,
            rule.severity,
            soc2.join(", "),
            rule.summary
        ));
    }
    out
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    REGISTRY.iter().copied().find(|rule| rule.id == id)
}

/// What one rule reports while it runs.
#[derive(Debug, Default)]
pub struct Sink {
    /// Elements the rule examined: the population of its test.
    pub examined: Vec<Element>,
    pub reports: Vec<Report>,
}

/// One finding as a rule reports it (resolved into a [`crate::Finding`] by the check).
#[derive(Debug)]
pub struct Report {
    pub subject: Element,
    /// `None`: the rule's default severity.
    pub severity: Option<Severity>,
    pub message: String,
    pub path: Vec<FlowIx>,
    /// Families beyond the rule's own that this finding also concerns.
    pub extra_families: &'static [Family],
    /// Distinguishes two findings of one rule on one subject (part of the fingerprint).
    pub key: Option<String>,
}

/// A finding's message written straight into one `String`: labels and class lists are
/// appended in place instead of formatted into strings of their own and then into the
/// message (most of a rule's time went to those copies).
///
/// ```ignore
/// Message::new(a).text("Flow ").flow(f).text(" carries ").classes(set).done()
/// ```
pub struct Message<'a, 'm> {
    a: &'a Analysis<'m>,
    text: String,
}

impl<'a, 'm> Message<'a, 'm> {
    pub fn new(a: &'a Analysis<'m>) -> Self {
        Message {
            a,
            text: String::with_capacity(128),
        }
    }

    pub fn text(mut self, text: &str) -> Self {
        self.text.push_str(text);
        self
    }

    /// [`Analysis::node_label`].
    pub fn node(mut self, n: NodeIx) -> Self {
        self.a.push_node_label(&mut self.text, n);
        self
    }

    /// [`Analysis::kind_label`].
    pub fn kind(mut self, n: NodeIx) -> Self {
        self.a.push_kind_label(&mut self.text, n);
        self
    }

    /// [`Analysis::flow_label`].
    pub fn flow(mut self, f: FlowIx) -> Self {
        self.a.push_flow_label(&mut self.text, f);
        self
    }

    /// [`Analysis::class_list`].
    pub fn classes(mut self, set: ClassSet) -> Self {
        self.a.push_class_list(&mut self.text, set);
        self
    }

    pub fn done(self) -> String {
        self.text
    }
}

impl Sink {
    pub fn examine(&mut self, element: Element) {
        self.examined.push(element);
    }

    /// Reports `message`; when the data it is about arrived by propagation (`witness`, from
    /// [`Analysis::propagated_into_node`] or [`Analysis::propagated_onto_flow`]), the message
    /// says where it entered and the finding carries the witness path.
    pub fn report_witnessed(
        &mut self,
        a: &Analysis,
        subject: Element,
        mut message: String,
        witness: Option<(usize, Vec<FlowIx>)>,
    ) -> &mut Report {
        let path = match witness {
            Some((class, path)) => {
                message.push_str("; ");
                a.push_witness(&mut message, class, &path);
                path
            }
            None => Vec::new(),
        };
        self.report(subject, message).path(path)
    }

    pub fn report(&mut self, subject: Element, message: String) -> &mut Report {
        self.reports.push(Report {
            subject,
            severity: None,
            message,
            path: Vec::new(),
            extra_families: &[],
            key: None,
        });
        self.reports.last_mut().expect("just pushed")
    }
}

impl Report {
    pub fn severity(&mut self, severity: Severity) -> &mut Report {
        self.severity = Some(severity);
        self
    }
    pub fn path(&mut self, path: Vec<FlowIx>) -> &mut Report {
        self.path = path;
        self
    }
    pub fn also(&mut self, families: &'static [Family]) -> &mut Report {
        self.extra_families = families;
        self
    }
    pub fn key(&mut self, key: impl Into<String>) -> &mut Report {
        self.key = Some(key.into());
        self
    }
}
