//! What every evidence format says about how its results were obtained, written once: the
//! test procedure (an inspection of the system's design model), the conclusions a test can
//! reach, and whether the model was compared with the running system.
//!
//! A Flowmap check reads the model a team drew: the attributes it declares (encrypted,
//! authenticated, monitored, the data classes a flow carries). It proves what the design says,
//! not that the running system matches it, nor that a control operated over a period. So a
//! test that found nothing wrong concludes "no exceptions found in the design", never
//! "satisfied"; a test whose population is empty examined nothing and concludes "not tested".
//! Comparing the model with observed traffic (drift, see [`Comparison`]) is what ties the
//! design to the running system; evidence says whether that was done.

use serde::Serialize;

use crate::date::Timestamp;

/// The procedure of every test, as an auditor names it.
pub const PROCEDURE: &str = "Inspection of the system's design model";

/// [`PROCEDURE`] inside a sentence (a constant: `to_lowercase` would add Unicode tables to the
/// app's bundle).
pub const PROCEDURE_IN_SENTENCE: &str = "inspection of the system's design model";

/// The procedure in full: what is inspected and how.
pub const PROCEDURE_DETAIL: &str = "Inspection of the system's design model: each rule of the \
     catalog reads the attributes the data-flow model declares for its elements (nodes, flows, \
     trust boundaries, data classes and what propagates along the flows) and records, for \
     every element of its population, a pass or an exception.";

/// Where every population comes from.
pub const POPULATION_SOURCE: &str = "Every element of the design model that the rule applies \
     to, taken from the model file itself (identified by its SHA-256), not sampled: the \
     population is complete as far as the model is complete.";

/// What a design inspection proves, and what it does not.
pub const WHAT_IT_SHOWS: &str = "A design inspection shows whether the system as the model \
     declares it has exceptions to the rules. It does not show that the running system matches \
     the model, nor that any control operated effectively over a period.";

/// What one test of a control, or a control as a whole, concludes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conclusion {
    /// The population was empty: nothing was examined, so nothing is concluded.
    NotTested,
    /// Elements were examined and none had an exception that is not waived.
    NoExceptionsFound,
    /// At least one examined element had an exception that is not waived.
    ExceptionsFound,
}

impl Conclusion {
    /// The conclusion of a test that examined `population` elements and found `exceptions`
    /// (waived findings are not exceptions).
    pub fn of(population: usize, exceptions: usize) -> Conclusion {
        if exceptions > 0 {
            Conclusion::ExceptionsFound
        } else if population == 0 {
            Conclusion::NotTested
        } else {
            Conclusion::NoExceptionsFound
        }
    }

    /// The machine name (`not-tested`, `no-exceptions-found`, `exceptions-found`).
    pub fn as_str(self) -> &'static str {
        match self {
            Conclusion::NotTested => "not-tested",
            Conclusion::NoExceptionsFound => "no-exceptions-found",
            Conclusion::ExceptionsFound => "exceptions-found",
        }
    }

    /// The conclusion as evidence words it.
    pub fn wording(self) -> &'static str {
        match self {
            Conclusion::NotTested => "not tested",
            Conclusion::NoExceptionsFound => "no exceptions found in the design",
            Conclusion::ExceptionsFound => "exceptions found in the design",
        }
    }

    /// Why, in a sentence.
    pub fn explanation(self) -> &'static str {
        match self {
            Conclusion::NotTested => {
                "The population is empty: the model has no element the rules apply to, so \
                 nothing was examined and nothing is concluded."
            }
            Conclusion::NoExceptionsFound => {
                "Every element examined passed (findings covered by a current waiver are \
                 counted as waived, not as exceptions)."
            }
            Conclusion::ExceptionsFound => {
                "At least one element examined has a finding that is not waived."
            }
        }
    }
}

/// A comparison of the model with observations of the running system (traces, service
/// graphs, flow logs), as `flowmap drift` makes it. Evidence that carries one says when the
/// system was observed, from what, and how well model and observations agree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The start of the observation window, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_from: Option<Timestamp>,
    /// The end of the observation window, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_until: Option<Timestamp>,
    /// What was observed, one entry per source (for example "AWS X-Ray service graph,
    /// xray-2026-11.json").
    pub sources: Vec<String>,
    /// Flows of the model.
    pub drawn_flows: usize,
    /// Flows of the model that were observed in the window.
    pub drawn_flows_observed: usize,
    /// Distinct flows observed.
    pub observed_flows: usize,
    /// Observed flows that the model draws.
    pub observed_flows_drawn: usize,
}

impl Comparison {
    /// `12 of 18 (66.7 %)`: the share of drawn flows that were observed.
    pub fn drawn_coverage(&self) -> String {
        share(self.drawn_flows_observed, self.drawn_flows)
    }

    /// The share of observed flows that the model draws.
    pub fn observed_coverage(&self) -> String {
        share(self.observed_flows_drawn, self.observed_flows)
    }

    /// The observation window in words.
    pub fn window(&self) -> String {
        match (self.observed_from, self.observed_until) {
            (Some(from), Some(until)) => format!("from {from} to {until}"),
            (Some(from), None) => format!("from {from}"),
            (None, Some(until)) => format!("until {until}"),
            (None, None) => "in a window that was not recorded".to_owned(),
        }
    }
}

/// `part of whole (p %)`, one decimal, rounded half up, with integers only (the same text on
/// every platform).
fn share(part: usize, whole: usize) -> String {
    if whole == 0 {
        return format!("{part} of {whole}");
    }
    let (part64, whole64) = (part as u64, whole as u64);
    let per_mille = (part64 * 1000 + whole64 / 2) / whole64;
    format!(
        "{part} of {whole} ({}.{} %)",
        per_mille / 10,
        per_mille % 10
    )
}

/// Whether the model was compared with the running system, in a sentence every format uses.
pub fn comparison_sentence(comparison: Option<&Comparison>) -> String {
    match comparison {
        None => "The model was not compared with the running system: no observations of its \
                 traffic were given, so this evidence does not show that the model's flows are \
                 all the flows, nor that they happen as drawn."
            .to_owned(),
        Some(c) => {
            let sources = if c.sources.is_empty() {
                "sources that were not recorded".to_owned()
            } else {
                c.sources.join("; ")
            };
            format!(
                "The model was compared with observations of the running system {} ({}): {} \
                 drawn flows were observed, and {} observed flows are drawn.",
                c.window(),
                sources,
                c.drawn_coverage(),
                c.observed_coverage()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conclusions_follow_population_and_exceptions() {
        assert_eq!(Conclusion::of(0, 0), Conclusion::NotTested);
        assert_eq!(Conclusion::of(3, 0), Conclusion::NoExceptionsFound);
        assert_eq!(Conclusion::of(3, 1), Conclusion::ExceptionsFound);
        for conclusion in [
            Conclusion::NotTested,
            Conclusion::NoExceptionsFound,
            Conclusion::ExceptionsFound,
        ] {
            assert!(!conclusion.wording().contains("satisf"));
            assert!(!conclusion.as_str().contains("satisf"));
        }
    }

    #[test]
    fn the_procedure_reads_the_same_inside_a_sentence() {
        assert_eq!(PROCEDURE.to_lowercase(), PROCEDURE_IN_SENTENCE);
    }

    #[test]
    fn shares_are_rounded_with_integers() {
        assert_eq!(share(12, 18), "12 of 18 (66.7 %)");
        assert_eq!(share(1, 3), "1 of 3 (33.3 %)");
        assert_eq!(share(2, 3), "2 of 3 (66.7 %)");
        assert_eq!(share(0, 0), "0 of 0");
        assert_eq!(share(5, 5), "5 of 5 (100.0 %)");
    }

    #[test]
    fn the_sentence_says_whether_the_model_was_compared() {
        assert!(comparison_sentence(None).contains("not compared with the running system"));
        let comparison = Comparison {
            observed_from: Some(Timestamp::parse("2026-11-01T00:00:00Z").unwrap()),
            observed_until: Some(Timestamp::parse("2026-11-21T23:59:59Z").unwrap()),
            sources: vec!["AWS X-Ray service graph".to_owned()],
            drawn_flows: 18,
            drawn_flows_observed: 16,
            observed_flows: 17,
            observed_flows_drawn: 16,
        };
        assert_eq!(
            comparison_sentence(Some(&comparison)),
            "The model was compared with observations of the running system from \
             2026-11-01T00:00:00Z to 2026-11-21T23:59:59Z (AWS X-Ray service graph): 16 of 18 \
             (88.9 %) drawn flows were observed, and 16 of 17 (94.1 %) observed flows are drawn."
        );
    }
}
