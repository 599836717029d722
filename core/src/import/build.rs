//! What every importer needs to build a valid model: stable ids, the report's bookkeeping,
//! data-class and boundary helpers, positions, and the final check by the loader.

use std::collections::{HashMap, HashSet};

use super::report::{Counts, Element, ImportReport, Note, NoteKind, Target, TargetKind, Threat};
use super::{ImportErrors, Imported, Source};
use crate::layout::{fill_missing, NODE_HEIGHT, NODE_WIDTH};
use crate::load::{is_valid_id, LoadError, MAX_ID_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS};
use crate::model::{Boundary, DataClass, Flow, Model, Node, NodeKind, Point, Rect};
use crate::taxonomy::builtin_classes;

/// The longest id the importers make from a name (the loader allows [`MAX_ID_CHARS`]).
const SLUG_CHARS: usize = 48;

/// `Customer DB (primary)` → `customer-db-primary`: lowercase ASCII letters and digits, every
/// other run of characters one `-`, at most 48 characters; empty when nothing is left.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
            if out.len() >= SLUG_CHARS {
                break;
            }
        } else {
            dash = true;
        }
    }
    out
}

/// Does a source id read like a name a person chose (`web-server`), rather than one a tool
/// generated (a UUID, a long hexadecimal or decimal number)? Such ids are kept as they are,
/// which also makes flowmap → other tool → flowmap keep every id.
pub fn is_readable_id(id: &str) -> bool {
    if !is_valid_id(id) || id.chars().count() > 64 {
        return false;
    }
    let hex_digits = id.chars().filter(|c| c.is_ascii_hexdigit()).count();
    let other = id
        .chars()
        .filter(|c| !c.is_ascii_hexdigit() && *c != '-')
        .count();
    let generated = other == 0 && hex_digits >= 12;
    let numeric = id.chars().all(|c| c.is_ascii_digit());
    !generated && !numeric
}

/// A tier from a rating on a 0–`max` scale (OTM's confidentiality is 0–100): 0 to 6, the
/// built-in taxonomy's range, rounding to the nearest tier.
pub fn tier_from_rating(rating: f64, max: f64) -> u8 {
    if !(rating.is_finite() && max > 0.0) {
        return 0;
    }
    ((rating / max).clamp(0.0, 1.0) * 6.0).round() as u8
}

/// Does a data asset's name suggest personal data? (A guess the report names.)
pub fn looks_personal(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "personal", "pii", "customer", "user", "patient", "employee", "contact", "email",
        "address", "phone", "name", "profile", "health", "medical", "card", "payment", "account",
        "identity", "citizen", "gdpr",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// The node kind a component type or name suggests (`postgresql` → store, `sqs` → queue,
/// `web-client` → actor), or `None` when nothing does (then it is a service). A guess the
/// report names; shared by the formats whose components carry free-text types.
pub fn guess_node_kind(text: &str) -> Option<NodeKind> {
    let text = text.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&[
        "queue",
        "sqs",
        "sns",
        "kafka",
        "kinesis",
        "topic",
        "broker",
        "-msg",
        "msg-",
        "eventbridge",
        "event-bus",
        "eventbus",
        "pubsub",
        "rabbitmq",
        "stream",
    ]) {
        Some(NodeKind::Queue)
    } else if has(&[
        "database",
        "-db",
        "db-",
        "sql",
        "postgres",
        "mysql",
        "mariadb",
        "mongo",
        "dynamodb",
        "cosmos",
        "redis",
        "cache",
        "elasticache",
        "memcache",
        "bucket",
        "s3",
        "storage",
        "store",
        "file-system",
        "filesystem",
        "rds",
        "aurora",
        "datastore",
        "data-store",
        "warehouse",
        "elasticsearch",
        "opensearch",
        "cassandra",
        "vault",
        "secret",
    ]) || text == "db"
    {
        Some(NodeKind::Store)
    } else if has(&[
        "client", "browser", "user", "mobile", "actor", "human", "person", "customer", "desktop",
        "device",
    ]) {
        Some(NodeKind::Actor)
    } else if has(&[
        "external",
        "third-party",
        "thirdparty",
        "partner",
        "vendor",
        "saas",
    ]) {
        Some(NodeKind::External)
    } else {
        None
    }
}

/// Text a source gave, trimmed; `None` when absent or blank (a model field, not an empty one).
pub fn some_text(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The top-left corner of a node box whose centre is at (`x`, `y`): sources give boxes of
/// their own sizes, and keeping centres keeps a node inside the frame it was drawn in.
pub fn top_left_of_centre(x: f64, y: f64) -> Point {
    Point {
        x: x - NODE_WIDTH / 2.0,
        y: y - NODE_HEIGHT / 2.0,
    }
}

/// A reference to an element of the report, returned by [`Builder::element`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElementRef(usize);

/// Builds the model and its report.
pub struct Builder {
    source: Source,
    file: String,
    pub model: Model,
    pub version: Option<String>,
    element_ids: HashSet<String>,
    class_ids: HashSet<String>,
    elements: Vec<Element>,
    threats: Vec<Threat>,
    /// The report element each model element came from (for notes made while finishing).
    origin: HashMap<String, ElementRef>,
    /// Carried waivers, kept once every element exists if their subject does.
    pending_waivers: Vec<(ElementRef, Vec<crate::model::Waiver>)>,
}

impl Builder {
    pub fn new(source: Source, file: &str) -> Builder {
        Builder {
            source,
            file: file.to_owned(),
            model: Model::default(),
            version: None,
            element_ids: HashSet::new(),
            // Built-in ids are taken: a source class that happens to be called "personal" must
            // not silently redefine the built-in class.
            class_ids: builtin_classes().into_iter().map(|c| c.id).collect(),
            elements: Vec::new(),
            threats: Vec::new(),
            origin: HashMap::new(),
            pending_waivers: Vec::new(),
        }
    }

    /// Starts the report entry of a source element.
    pub fn element(
        &mut self,
        pointer: &str,
        kind: &str,
        id: Option<&str>,
        name: Option<&str>,
    ) -> ElementRef {
        self.elements.push(Element {
            pointer: pointer.to_owned(),
            kind: kind.to_owned(),
            id: id.map(str::to_owned),
            name: name.map(str::to_owned),
            mapped_to: Vec::new(),
            notes: Vec::new(),
        });
        ElementRef(self.elements.len() - 1)
    }

    pub fn note(&mut self, element: ElementRef, kind: NoteKind, message: impl Into<String>) {
        self.elements[element.0].notes.push(Note {
            kind,
            message: message.into(),
        });
    }

    pub fn dropped(&mut self, element: ElementRef, message: impl Into<String>) {
        self.note(element, NoteKind::Dropped, message);
    }

    pub fn guessed(&mut self, element: ElementRef, message: impl Into<String>) {
        self.note(element, NoteKind::Guessed, message);
    }

    pub fn carried(&mut self, element: ElementRef, message: impl Into<String>) {
        self.note(element, NoteKind::Carried, message);
    }

    fn mapped(&mut self, element: ElementRef, kind: TargetKind, id: &str) {
        self.elements[element.0].mapped_to.push(Target {
            kind,
            id: id.to_owned(),
        });
        if kind != TargetKind::Model {
            self.origin.insert(id.to_owned(), element);
        }
    }

    /// Records that an element (a CALM containment relationship) also made a boundary that
    /// another element is the origin of.
    pub fn also_mapped_to_boundary(&mut self, element: ElementRef, id: &str) {
        self.elements[element.0].mapped_to.push(Target {
            kind: TargetKind::Boundary,
            id: id.to_owned(),
        });
    }

    /// Records that an element set the model's name or description.
    pub fn mapped_to_model(&mut self, element: ElementRef) {
        self.mapped(element, TargetKind::Model, "");
    }

    /// A new node, flow or boundary id: the source id when it is readable
    /// ([`is_readable_id`]), else a slug of the name, else `fallback`; made unique with `-2`,
    /// `-3`, … in the order elements are met, so the same source gives the same ids.
    pub fn new_element_id(
        &mut self,
        source_id: Option<&str>,
        name: &str,
        fallback: &str,
    ) -> String {
        let base = base_id(source_id, name, fallback);
        unique(&mut self.element_ids, &base)
    }

    /// A new data-class id, by the same rules, unique among classes (built-in ids included).
    pub fn new_class_id(&mut self, source_id: Option<&str>, name: &str) -> String {
        let base = base_id(source_id, name, "class");
        unique(&mut self.class_ids, &base)
    }

    /// Claims a class id that refers to a built-in class (no definition is added).
    pub fn is_builtin_class(id: &str) -> bool {
        builtin_classes().iter().any(|c| c.id == id)
    }

    /// Adds a node; over-long text is clipped (and noted), class lists lose repeats.
    pub fn add_node(&mut self, element: ElementRef, mut node: Node) {
        node.name = self.clip(element, "name", node.name, MAX_NAME_CHARS);
        node.description =
            self.clip_option(element, "description", node.description, MAX_TEXT_CHARS);
        node.owner = self.clip_option(element, "owner", node.owner, MAX_NAME_CHARS);
        node.technology = self.clip_option(element, "technology", node.technology, MAX_NAME_CHARS);
        node.region = self.clip_option(element, "region", node.region, MAX_NAME_CHARS);
        dedup(&mut node.holds);
        dedup(&mut node.strips);
        dedup(&mut node.controls);
        node.controls.retain(|c| !c.trim().is_empty());
        self.mapped(element, TargetKind::Node, &node.id);
        self.model.nodes.push(node);
    }

    pub fn add_flow(&mut self, element: ElementRef, mut flow: Flow) {
        flow.name = self.clip(element, "name", flow.name, MAX_NAME_CHARS);
        flow.protocol = self.clip_option(element, "protocol", flow.protocol, MAX_NAME_CHARS);
        flow.notes = self.clip_option(element, "notes", flow.notes, MAX_TEXT_CHARS);
        dedup(&mut flow.data);
        self.mapped(element, TargetKind::Flow, &flow.id);
        self.model.flows.push(flow);
    }

    /// Adds a flow, and when the source marks it bidirectional (`flag` names that field) a
    /// second flow the other way with the same properties, id `<id>-reverse`; noted.
    pub fn add_flow_both_ways(&mut self, element: ElementRef, flow: Flow, both: bool, flag: &str) {
        let reverse = both.then(|| Flow {
            id: self.new_element_id(None, &format!("{}-reverse", flow.id), "flow"),
            from: flow.to.clone(),
            to: flow.from.clone(),
            ..flow.clone()
        });
        let id = flow.id.clone();
        self.add_flow(element, flow);
        if let Some(reverse) = reverse {
            self.guessed(
                element,
                format!(
                    "{flag}: two flows, {id} and {} (the reverse, with the same properties)",
                    reverse.id
                ),
            );
            self.add_flow(element, reverse);
        }
    }

    pub fn add_boundary(&mut self, element: ElementRef, mut boundary: Boundary) {
        boundary.name = self.clip(element, "name", boundary.name, MAX_NAME_CHARS);
        boundary.region = self.clip_option(element, "region", boundary.region, MAX_NAME_CHARS);
        boundary.description =
            self.clip_option(element, "description", boundary.description, MAX_TEXT_CHARS);
        self.mapped(element, TargetKind::Boundary, &boundary.id);
        self.model.boundaries.push(boundary);
    }

    pub fn add_class(&mut self, element: ElementRef, mut class: DataClass) {
        class.name = self.clip(element, "name", class.name, MAX_NAME_CHARS);
        class.description =
            self.clip_option(element, "description", class.description, MAX_TEXT_CHARS);
        class.tier = class.tier.min(9);
        self.mapped(element, TargetKind::Class, &class.id);
        self.model.classes.push(class);
    }

    /// Records that an element maps to a built-in class (no definition is added).
    pub fn uses_builtin_class(&mut self, element: ElementRef, id: &str) {
        self.mapped(element, TargetKind::Class, id);
    }

    /// Sets the model's name and description from the source (clipped where too long).
    pub fn describe_model(&mut self, element: ElementRef, name: &str, description: Option<&str>) {
        self.model.name = self.clip(element, "name", name.to_owned(), MAX_NAME_CHARS);
        self.model.description = self.clip_option(
            element,
            "description",
            description
                .filter(|d| !d.trim().is_empty())
                .map(str::to_owned),
            MAX_TEXT_CHARS,
        );
        self.mapped_to_model(element);
    }

    /// Restores the model parts a Flowmap export carried (classes, rule configuration,
    /// waivers, narratives), keeping only what the loader would accept; the rest is noted.
    pub fn carry_model(&mut self, element: ElementRef, record: super::carry::ModelCarry) {
        for class in record.classes {
            let taken = self.model.classes.iter().any(|c| c.id == class.id);
            if !is_valid_id(&class.id)
                || class.id.chars().count() > MAX_ID_CHARS
                || taken
                || class.tier > 9
            {
                self.dropped(
                    element,
                    format!("data class {:?}: not a valid class definition", class.id),
                );
                continue;
            }
            self.class_ids.insert(class.id.clone());
            self.add_class(element, class);
        }
        for (rule, setting) in record.rules {
            if crate::rules::find(&rule).is_some() {
                self.model.rules.insert(rule, setting);
            } else {
                self.dropped(
                    element,
                    format!("rule configuration for {rule:?}: no such rule"),
                );
            }
        }
        self.model.narratives.extend(
            record.narratives.into_iter().filter(|n| {
                !n.control.trim().is_empty() && n.text.chars().count() <= MAX_TEXT_CHARS
            }),
        );
        self.pending_waivers.push((element, record.waivers));
    }

    /// Makes `parent` the parent of boundary `child`, unless that would close a cycle of
    /// parents (the source may be hostile); `false` when refused.
    pub fn nest(&mut self, child: &str, parent: &str) -> bool {
        if child == parent {
            return false;
        }
        let parents: HashMap<&str, &str> = self
            .model
            .boundaries
            .iter()
            .filter_map(|b| b.parent.as_deref().map(|p| (b.id.as_str(), p)))
            .collect();
        let mut current = parent;
        let mut steps = 0;
        while let Some(next) = parents.get(current) {
            if *next == child || steps > self.model.boundaries.len() {
                return false;
            }
            current = next;
            steps += 1;
        }
        match self.model.boundaries.iter_mut().find(|b| b.id == child) {
            Some(boundary) => {
                boundary.parent = Some(parent.to_owned());
                true
            }
            None => false,
        }
    }

    /// Places a node at a position given by the source (the top-left corner of its box).
    pub fn place_node(&mut self, id: &str, at: Point) {
        if at.x.is_finite() && at.y.is_finite() {
            self.model.layout.nodes.insert(id.to_owned(), at);
        }
    }

    /// Places a boundary's frame as the source draws it.
    pub fn place_boundary(&mut self, id: &str, rect: Rect) {
        let finite = [rect.x, rect.y, rect.w, rect.h]
            .iter()
            .all(|v| v.is_finite());
        if finite && rect.w >= 0.0 && rect.h >= 0.0 {
            self.model.layout.boundaries.insert(id.to_owned(), rect);
        }
    }

    /// Carries a threat of the source into the report.
    pub fn threat(&mut self, threat: Threat) {
        self.threats.push(threat);
    }

    fn clip(&mut self, element: ElementRef, field: &str, text: String, max: usize) -> String {
        let chars = text.chars().count();
        if chars <= max {
            return text;
        }
        self.dropped(
            element,
            format!("{field}: {chars} characters, clipped to the {max} a model allows"),
        );
        text.chars().take(max).collect()
    }

    fn clip_option(
        &mut self,
        element: ElementRef,
        field: &str,
        text: Option<String>,
        max: usize,
    ) -> Option<String> {
        text.map(|text| self.clip(element, field, text, max))
    }

    /// The model, laid out where the source had no positions, checked by the loader, and its
    /// report; or the errors the importer collected (then no model at all).
    pub fn finish(mut self, errors: Vec<LoadError>) -> Result<Imported, ImportErrors> {
        if !errors.is_empty() {
            return Err(ImportErrors::new(Some(self.source), errors));
        }
        if self.model.name.trim().is_empty() {
            let stem = file_stem(&self.file);
            self.model.name = if stem.is_empty() {
                format!("Imported from {}", self.source.title())
            } else {
                stem
            };
        }
        self.drop_unknown_references();
        for (element, waivers) in std::mem::take(&mut self.pending_waivers) {
            for waiver in waivers {
                let subject_exists = self.origin.contains_key(&waiver.subject)
                    && self.model.classes.iter().all(|c| c.id != waiver.subject);
                let valid = subject_exists
                    && crate::rules::find(&waiver.rule).is_some()
                    && !waiver.reason.trim().is_empty()
                    && !waiver.approved_by.trim().is_empty()
                    && waiver.reason.chars().count() <= MAX_TEXT_CHARS
                    && waiver.approved_by.chars().count() <= MAX_NAME_CHARS;
                if valid {
                    self.model.waivers.push(waiver);
                } else {
                    self.dropped(
                        element,
                        format!(
                            "waiver of {} on {:?}: its rule or subject is not in the model",
                            waiver.rule, waiver.subject
                        ),
                    );
                }
            }
        }
        let model = fill_missing(&self.model);
        // The loader is the judge: an importer that builds an invalid model has a bug, and the
        // user gets an error rather than a file Flowmap itself would refuse.
        let model = match crate::load::load_str(&crate::canonical::to_file_json(&model)) {
            Ok(model) => model,
            Err(invalid) => {
                let errors = invalid
                    .errors
                    .into_iter()
                    .map(|e| LoadError {
                        line: 1,
                        column: 1,
                        pointer: String::new(),
                        message: format!(
                            "the imported model would be invalid at {} ({}); this is a bug in the {} importer",
                            e.pointer, e.message, self.source.name()
                        ),
                    })
                    .collect();
                return Err(ImportErrors::new(Some(self.source), errors));
            }
        };
        let report = ImportReport {
            source: self.source,
            version: self.version,
            file: self.file,
            model_name: model.name.clone(),
            counts: Counts {
                nodes: model.nodes.len(),
                flows: model.flows.len(),
                boundaries: model.boundaries.len(),
                classes: model.classes.len(),
            },
            elements: self.elements,
            threats: self.threats,
        };
        Ok(Imported { model, report })
    }

    /// Drops references to classes and boundaries the model does not have (a carried record
    /// of a hostile or edited file may name any), noting each on the element it came from.
    fn drop_unknown_references(&mut self) {
        let classes: HashSet<String> = builtin_classes()
            .into_iter()
            .map(|c| c.id)
            .chain(self.model.classes.iter().map(|c| c.id.clone()))
            .collect();
        let boundaries: HashSet<String> =
            self.model.boundaries.iter().map(|b| b.id.clone()).collect();
        let mut notes: Vec<(String, String)> = Vec::new();
        let mut keep_known = |owner: &str, list: &mut Vec<String>, field: &str| {
            list.retain(|class| {
                let known = classes.contains(class);
                if !known {
                    notes.push((
                        owner.to_owned(),
                        format!("{field}: data class {class:?} is not defined in the source"),
                    ));
                }
                known
            });
        };
        for node in &mut self.model.nodes {
            keep_known(&node.id, &mut node.holds, "holds");
            keep_known(&node.id, &mut node.strips, "strips");
        }
        for flow in &mut self.model.flows {
            keep_known(&flow.id, &mut flow.data, "data");
        }
        for node in &mut self.model.nodes {
            if let Some(boundary) = node.boundary.take() {
                if boundaries.contains(&boundary) {
                    node.boundary = Some(boundary);
                } else {
                    notes.push((
                        node.id.clone(),
                        format!("boundary {boundary:?} is not in the source; the node is outside every boundary"),
                    ));
                }
            }
        }
        for boundary in &mut self.model.boundaries {
            if let Some(parent) = boundary.parent.take() {
                if boundaries.contains(&parent) && parent != boundary.id {
                    boundary.parent = Some(parent);
                } else {
                    notes.push((
                        boundary.id.clone(),
                        format!("parent {parent:?} is not a boundary of the source"),
                    ));
                }
            }
        }
        for (id, message) in notes {
            if let Some(element) = self.origin_of(&id) {
                self.dropped(element, message);
            }
        }
    }

    /// The first model element of `kind` that a report element mapped to.
    pub fn origin_of_element(&self, element: ElementRef, kind: TargetKind) -> Option<String> {
        self.elements[element.0]
            .mapped_to
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| t.id.clone())
    }

    /// The report element a model element came from.
    pub fn origin_of(&self, id: &str) -> Option<ElementRef> {
        self.origin.get(id).copied()
    }
}

fn base_id(source_id: Option<&str>, name: &str, fallback: &str) -> String {
    if let Some(id) = source_id.filter(|id| is_readable_id(id)) {
        return id.to_owned();
    }
    let from_name = slug(name);
    if from_name.is_empty() {
        fallback.to_owned()
    } else {
        from_name
    }
}

fn unique(taken: &mut HashSet<String>, base: &str) -> String {
    let base: String = base.chars().take(MAX_ID_CHARS - 8).collect();
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

fn dedup(items: &mut Vec<String>) {
    let mut seen = HashSet::new();
    items.retain(|item| seen.insert(item.clone()));
}

/// `models/Shop.td.json` → `Shop`.
fn file_stem(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = name.split('.').next().unwrap_or(name);
    if stem == "-" {
        String::new()
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("Customer DB (primary)"), "customer-db-primary");
        assert_eq!(slug("  Ünïcode—name!  "), "n-code-name");
        assert_eq!(slug("***"), "");
        assert_eq!(slug(&"x".repeat(300)).len(), SLUG_CHARS);
        for text in ["Web server", "a/b", "-x-", "9 lives"] {
            assert!(is_valid_id(&slug(text)), "{text}");
        }
    }

    #[test]
    fn generated_source_ids_give_way_to_names() {
        assert!(is_readable_id("web-server"));
        assert!(is_readable_id("aws-prod"));
        assert!(!is_readable_id("f1c572a9-0dc6-4aec-a1be-3e05ae30e110"));
        assert!(!is_readable_id("12345"));
        assert!(!is_readable_id("has space"));
        let mut builder = Builder::new(Source::ThreatDragon, "x.json");
        let ids: Vec<String> = [
            (Some("f1c572a9-0dc6-4aec-a1be-3e05ae30e110"), "Web server"),
            (Some("web-server"), "Other"),
            (None, "Web server"),
            (None, ""),
            (None, ""),
        ]
        .into_iter()
        .map(|(id, name)| builder.new_element_id(id, name, "node"))
        .collect();
        assert_eq!(
            ids,
            [
                "web-server",
                "web-server-2",
                "web-server-3",
                "node",
                "node-2"
            ]
        );
        assert_eq!(builder.new_class_id(None, "Personal"), "personal-2");
    }

    #[test]
    fn nesting_refuses_cycles() {
        let mut builder = Builder::new(Source::Otm, "x.yaml");
        for id in ["a", "b", "c"] {
            let e = builder.element("", "zone", Some(id), None);
            builder.add_boundary(
                e,
                Boundary {
                    id: id.into(),
                    name: id.into(),
                    kind: crate::model::BoundaryKind::Network,
                    parent: None,
                    region: None,
                    description: None,
                },
            );
        }
        assert!(builder.nest("b", "a"));
        assert!(builder.nest("c", "b"));
        assert!(!builder.nest("a", "c"), "a → c → b → a would be a cycle");
        assert!(!builder.nest("a", "a"));
    }

    #[test]
    fn tiers_and_stems() {
        assert_eq!(tier_from_rating(100.0, 100.0), 6);
        assert_eq!(tier_from_rating(50.0, 100.0), 3);
        assert_eq!(tier_from_rating(-5.0, 100.0), 0);
        assert_eq!(tier_from_rating(f64::NAN, 100.0), 0);
        assert_eq!(file_stem("models/Shop.td.json"), "Shop");
        assert_eq!(file_stem("-"), "");
    }
}
