//! What types cannot say: id syntax, lengths, uniqueness, references and boundary cycles.

use std::collections::{HashMap, HashSet};

use super::Problems;
use crate::model::Model;
use crate::taxonomy::{builtin_classes, MAX_CLASSES};

/// Longest id, in characters.
pub const MAX_ID_CHARS: usize = 100;
/// Longest name-like string (names, owners, regions, protocols, …), in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free text (descriptions, notes, reasons, narratives), in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

pub(super) fn validate(model: &Model, problems: &mut Problems) {
    let mut check = Validator {
        problems,
        element_ids: HashMap::new(),
        class_ids: HashSet::new(),
    };
    check.strings(model);
    check.ids(model);
    check.references(model);
    check.boundary_cycles(model);
    check.configuration(model);
    check.layout(model);
}

struct Validator<'p, 'a> {
    problems: &'p mut Problems<'a>,
    /// Node, flow and boundary ids (one namespace) → pointer of the first use.
    element_ids: HashMap<String, String>,
    class_ids: HashSet<String>,
}

/// Does `id` follow the id rules (a letter or digit, then letters, digits, `-`, `_`, `.`, `:`)?
/// Length is checked apart, against [`MAX_ID_CHARS`].
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

impl Validator<'_, '_> {
    fn id(&mut self, pointer: String, id: &str) {
        if id.chars().count() > MAX_ID_CHARS {
            self.problems.at(
                pointer,
                format!("an id has at most {MAX_ID_CHARS} characters"),
            );
        } else if !is_valid_id(id) {
            self.problems.at(
                pointer,
                format!("invalid id {id:?}: use letters, digits, '-', '_', '.' or ':', starting with a letter or digit"),
            );
        }
    }

    fn name(&mut self, pointer: String, text: &str) {
        let chars = text.chars().count();
        if chars > MAX_NAME_CHARS {
            self.problems.at(
                pointer,
                format!("too long: {chars} characters where at most {MAX_NAME_CHARS} are allowed"),
            );
        }
    }

    fn text(&mut self, pointer: String, text: &str) {
        let chars = text.chars().count();
        if chars > MAX_TEXT_CHARS {
            self.problems.at(
                pointer,
                format!("too long: {chars} characters where at most {MAX_TEXT_CHARS} are allowed"),
            );
        }
    }

    fn optional_name(&mut self, pointer: String, text: &Option<String>) {
        if let Some(text) = text {
            self.name(pointer, text);
        }
    }

    fn optional_text(&mut self, pointer: String, text: &Option<String>) {
        if let Some(text) = text {
            self.text(pointer, text);
        }
    }

    fn strings(&mut self, model: &Model) {
        self.name("/name".into(), &model.name);
        self.optional_text("/description".into(), &model.description);
        for (i, class) in model.classes.iter().enumerate() {
            let at = format!("/classes/{i}");
            self.name(format!("{at}/name"), &class.name);
            self.optional_text(format!("{at}/description"), &class.description);
            for (j, region) in class.residency.iter().enumerate() {
                self.name(format!("{at}/residency/{j}"), region);
            }
        }
        for (i, boundary) in model.boundaries.iter().enumerate() {
            let at = format!("/boundaries/{i}");
            self.name(format!("{at}/name"), &boundary.name);
            self.optional_name(format!("{at}/region"), &boundary.region);
            self.optional_text(format!("{at}/description"), &boundary.description);
        }
        for (i, node) in model.nodes.iter().enumerate() {
            let at = format!("/nodes/{i}");
            self.name(format!("{at}/name"), &node.name);
            self.optional_text(format!("{at}/description"), &node.description);
            self.optional_name(format!("{at}/owner"), &node.owner);
            self.optional_name(format!("{at}/technology"), &node.technology);
            self.optional_name(format!("{at}/region"), &node.region);
            for (j, control) in node.controls.iter().enumerate() {
                self.name(format!("{at}/controls/{j}"), control);
                if control.trim().is_empty() {
                    self.problems.at(
                        format!("{at}/controls/{j}"),
                        "a control is a non-empty name such as \"waf\"",
                    );
                }
            }
        }
        for (i, flow) in model.flows.iter().enumerate() {
            let at = format!("/flows/{i}");
            self.name(format!("{at}/name"), &flow.name);
            self.optional_name(format!("{at}/protocol"), &flow.protocol);
            self.optional_text(format!("{at}/notes"), &flow.notes);
        }
        for (i, waiver) in model.waivers.iter().enumerate() {
            let at = format!("/waivers/{i}");
            self.text(format!("{at}/reason"), &waiver.reason);
            self.name(format!("{at}/approved_by"), &waiver.approved_by);
            if waiver.reason.trim().is_empty() {
                self.problems
                    .at(format!("{at}/reason"), "a waiver needs a reason");
            }
            if waiver.approved_by.trim().is_empty() {
                self.problems
                    .at(format!("{at}/approved_by"), "a waiver needs an approver");
            }
        }
        for (i, narrative) in model.narratives.iter().enumerate() {
            let at = format!("/narratives/{i}");
            self.name(format!("{at}/control"), &narrative.control);
            self.text(format!("{at}/text"), &narrative.text);
            if narrative.control.trim().is_empty() {
                self.problems.at(
                    format!("{at}/control"),
                    "a narrative names the control it explains",
                );
            }
        }
    }

    fn ids(&mut self, model: &Model) {
        let builtin: HashSet<String> = builtin_classes().into_iter().map(|c| c.id).collect();
        let mut own_classes: HashMap<&str, String> = HashMap::new();
        for (i, class) in model.classes.iter().enumerate() {
            let at = format!("/classes/{i}/id");
            self.id(at.clone(), &class.id);
            if let Some(first) = own_classes.insert(&class.id, at.clone()) {
                self.problems.at(
                    at,
                    format!(
                        "duplicate class id {:?}: already defined at {first}",
                        class.id
                    ),
                );
            }
            if class.tier > 9 {
                self.problems
                    .at(format!("/classes/{i}/tier"), "a tier is between 0 and 9");
            }
        }
        self.class_ids = builtin
            .iter()
            .cloned()
            .chain(own_classes.keys().map(|s| s.to_string()))
            .collect();
        if self.class_ids.len() > MAX_CLASSES {
            self.problems.at(
                "/classes",
                format!(
                    "{} data classes in all; a model may use at most {MAX_CLASSES}",
                    self.class_ids.len()
                ),
            );
        }
        let elements = model
            .boundaries
            .iter()
            .enumerate()
            .map(|(i, b)| (format!("/boundaries/{i}/id"), &b.id))
            .chain(
                model
                    .nodes
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (format!("/nodes/{i}/id"), &n.id)),
            )
            .chain(
                model
                    .flows
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (format!("/flows/{i}/id"), &f.id)),
            )
            .collect::<Vec<_>>();
        for (at, id) in elements {
            self.id(at.clone(), id);
            match self.element_ids.get(id.as_str()) {
                Some(first) => {
                    let first = first.clone();
                    self.problems
                        .at(at, format!("duplicate id {id:?}: already used at {first}"));
                }
                None => {
                    self.element_ids.insert(id.clone(), at);
                }
            }
        }
    }

    fn reference(&mut self, pointer: String, id: &str, section: &str, what: &str) {
        let exists = self
            .element_ids
            .get(id)
            .is_some_and(|first| first.starts_with(section));
        if !exists {
            self.problems
                .at(pointer, format!("{what} {id:?} does not exist"));
        }
    }

    fn classes(&mut self, pointer: String, ids: &[String]) {
        let mut seen = HashSet::new();
        for (j, id) in ids.iter().enumerate() {
            if !self.class_ids.contains(id) {
                self.problems.at(
                    format!("{pointer}/{j}"),
                    format!("unknown data class {id:?}: use a built-in class or define it under \"classes\""),
                );
            } else if !seen.insert(id) {
                self.problems.at(
                    format!("{pointer}/{j}"),
                    format!("data class {id:?} is listed twice"),
                );
            }
        }
    }

    fn references(&mut self, model: &Model) {
        for (i, boundary) in model.boundaries.iter().enumerate() {
            if let Some(parent) = &boundary.parent {
                self.reference(
                    format!("/boundaries/{i}/parent"),
                    parent,
                    "/boundaries/",
                    "parent boundary",
                );
            }
        }
        for (i, node) in model.nodes.iter().enumerate() {
            let at = format!("/nodes/{i}");
            if let Some(boundary) = &node.boundary {
                self.reference(
                    format!("{at}/boundary"),
                    boundary,
                    "/boundaries/",
                    "boundary",
                );
            }
            self.classes(format!("{at}/holds"), &node.holds);
            self.classes(format!("{at}/strips"), &node.strips);
            if node.clearance.is_some_and(|c| c > 9) {
                self.problems.at(
                    format!("{at}/clearance"),
                    "a clearance is a tier between 0 and 9",
                );
            }
        }
        for (i, flow) in model.flows.iter().enumerate() {
            let at = format!("/flows/{i}");
            self.reference(format!("{at}/from"), &flow.from, "/nodes/", "source node");
            self.reference(format!("{at}/to"), &flow.to, "/nodes/", "target node");
            if flow.from == flow.to {
                self.problems.at(
                    format!("{at}/to"),
                    format!(
                        "a flow goes between two nodes; this one starts and ends at {:?}",
                        flow.from
                    ),
                );
            }
            self.classes(format!("{at}/data"), &flow.data);
        }
        for (i, waiver) in model.waivers.iter().enumerate() {
            if !self.element_ids.contains_key(&waiver.subject) {
                self.problems.at(
                    format!("/waivers/{i}/subject"),
                    format!(
                        "waiver subject {:?} is not a node, flow or boundary of this model",
                        waiver.subject
                    ),
                );
            }
        }
    }

    fn boundary_cycles(&mut self, model: &Model) {
        let parent: HashMap<&str, &str> = model
            .boundaries
            .iter()
            .filter_map(|b| b.parent.as_deref().map(|p| (b.id.as_str(), p)))
            .collect();
        let index: HashMap<&str, usize> = model
            .boundaries
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.as_str(), i))
            .collect();
        let mut reported: HashSet<&str> = HashSet::new();
        for boundary in &model.boundaries {
            let mut chain = vec![boundary.id.as_str()];
            let mut current = boundary.id.as_str();
            while let Some(next) = parent.get(current).copied() {
                if let Some(start) = chain.iter().position(|id| *id == next) {
                    let cycle = &chain[start..];
                    if cycle.iter().all(|id| !reported.contains(id)) {
                        reported.extend(cycle.iter().copied());
                        let first = cycle.iter().min().copied().unwrap_or(next);
                        let mut names: Vec<&str> = cycle.to_vec();
                        let rotate = names.iter().position(|id| *id == first).unwrap_or(0);
                        names.rotate_left(rotate);
                        names.push(first);
                        self.problems.at(
                            format!("/boundaries/{}/parent", index[first]),
                            format!("boundary parents form a cycle: {}", names.join(" → ")),
                        );
                    }
                    break;
                }
                if !index.contains_key(next) {
                    break;
                }
                chain.push(next);
                current = next;
            }
        }
    }

    fn configuration(&mut self, model: &Model) {
        for id in model.rules.keys() {
            if crate::rules::find(id).is_none() {
                self.problems.at(
                    format!("/rules/{}", super::escape_segment(id)),
                    format!("unknown rule {id:?}: `flowmap rules` lists the catalog"),
                );
            }
        }
        for (i, waiver) in model.waivers.iter().enumerate() {
            if crate::rules::find(&waiver.rule).is_none() {
                self.problems.at(
                    format!("/waivers/{i}/rule"),
                    format!(
                        "unknown rule {:?}: `flowmap rules` lists the catalog",
                        waiver.rule
                    ),
                );
            }
        }
    }

    fn layout(&mut self, model: &Model) {
        for (id, point) in &model.layout.nodes {
            let at = format!("/layout/nodes/{}", super::escape_segment(id));
            if !self
                .element_ids
                .get(id)
                .is_some_and(|p| p.starts_with("/nodes/"))
            {
                self.problems.at(
                    at.clone(),
                    format!("layout for node {id:?}, which does not exist"),
                );
            }
            if !(point.x.is_finite() && point.y.is_finite()) {
                self.problems.at(at, "coordinates must be finite numbers");
            }
        }
        for (id, rect) in &model.layout.boundaries {
            let at = format!("/layout/boundaries/{}", super::escape_segment(id));
            if !self
                .element_ids
                .get(id)
                .is_some_and(|p| p.starts_with("/boundaries/"))
            {
                self.problems.at(
                    at.clone(),
                    format!("layout for boundary {id:?}, which does not exist"),
                );
            }
            if rect.w < 0.0 || rect.h < 0.0 {
                self.problems
                    .at(at, "a boundary's width and height cannot be negative");
            }
        }
    }
}
