//! Loading a `flowmap/1` document: all of it or nothing, every problem located.
//!
//! 1. bytes → UTF-8 text → a `serde_json::Value` (syntax errors carry serde_json's line/column);
//! 2. the [`Locator`] indexes positions and finds duplicate keys;
//! 3. each top-level section, and each element of each array, is deserialized on its own, so one
//!    bad node does not hide the errors of the next (`serde_path_to_error` gives the JSON path);
//! 4. [`validate`] checks what types cannot: ids, lengths, references, cycles.
//!
//! A model comes back only when there was no error at all: never a half-loaded model.

mod locate;
mod validate;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use locate::{escape_segment, Locator, Position};
pub use validate::{is_valid_id, MAX_ID_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS};

use crate::model::{Layout, Model, FORMAT};

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;
/// Past this many errors the loader stops listing them one by one.
pub const MAX_ERRORS: usize = 100;

/// One problem with a model document, and where it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LoadError {
    /// 1-based line of the offending value (or of its nearest existing parent).
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// JSON pointer (RFC 6901) of the offending value; empty for the document itself and for
    /// syntax errors, which have no value to point at.
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(document)"
        } else {
            &self.pointer
        };
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, pointer, self.message
        )
    }
}

/// Every problem found in a document, in text order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadErrors {
    pub errors: Vec<LoadError>,
    /// Errors found beyond [`MAX_ERRORS`] and not listed.
    pub omitted: usize,
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        if self.omitted > 0 {
            write!(f, "\n… and {} more errors", self.omitted)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadErrors {}

impl LoadErrors {
    /// Errors in text order, repeats removed, capped at [`MAX_ERRORS`].
    pub(crate) fn of(mut errors: Vec<LoadError>) -> LoadErrors {
        errors.sort();
        errors.dedup();
        let omitted = errors.len().saturating_sub(MAX_ERRORS);
        errors.truncate(MAX_ERRORS);
        LoadErrors { errors, omitted }
    }
}

/// Collects errors with positions while a document is checked.
pub(crate) struct Problems<'a> {
    locator: Option<&'a Locator<'a>>,
    errors: Vec<LoadError>,
}

impl<'a> Problems<'a> {
    pub(crate) fn new(locator: &'a Locator<'a>) -> Problems<'a> {
        Problems {
            locator: Some(locator),
            errors: Vec::new(),
        }
    }

    /// Reports a problem at the value `pointer` names (or its nearest existing parent).
    pub(crate) fn at(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        let pointer = pointer.into();
        let position = self
            .locator
            .map(|l| l.locate(&pointer))
            .unwrap_or(Position { line: 1, column: 1 });
        self.errors.push(LoadError {
            line: position.line,
            column: position.column,
            pointer,
            message: message.into(),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    fn finish(self) -> LoadErrors {
        LoadErrors::of(self.errors)
    }
}

pub(crate) fn single(line: usize, column: usize, message: impl Into<String>) -> LoadErrors {
    LoadErrors {
        errors: vec![LoadError {
            line,
            column,
            pointer: String::new(),
            message: message.into(),
        }],
        omitted: 0,
    }
}

/// Loads a model from the bytes of a `.flowmap.json` file.
pub fn load(bytes: &[u8]) -> Result<Model, LoadErrors> {
    load_str(utf8_text(bytes, "models")?)
}

/// The text of a file's bytes: refused past [`MAX_FILE_BYTES`] (`what` names the kind of file
/// in the message), located when they are not UTF-8. The importers read their files this way.
pub(crate) fn utf8_text<'b>(bytes: &'b [u8], what: &str) -> Result<&'b str, LoadErrors> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(single(
            1,
            1,
            format!(
                "the file is {} bytes; {what} larger than {} bytes are refused",
                bytes.len(),
                MAX_FILE_BYTES
            ),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            Err(single(
                line,
                column,
                format!(
                    "the file is not valid UTF-8 (invalid byte at offset {})",
                    error.valid_up_to()
                ),
            ))
        }
    }
}

/// Loads a model from text.
pub fn load_str(text: &str) -> Result<Model, LoadErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_FILE_BYTES {
        return Err(single(
            1,
            1,
            format!("models larger than {MAX_FILE_BYTES} bytes are refused"),
        ));
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(error) => {
            let message = syntax_message(&error);
            return Err(single(error.line().max(1), error.column().max(1), message));
        }
    };
    let locator = Locator::new(text);
    let mut problems = Problems::new(&locator);
    for duplicate in locator.duplicates() {
        let position = locator.position(duplicate.offset);
        problems.errors.push(LoadError {
            line: position.line,
            column: position.column,
            pointer: duplicate.pointer.clone(),
            message: format!(
                "duplicate key {:?}: each key may appear once in an object",
                duplicate.key
            ),
        });
    }
    let model = read_model(&value, &mut problems);
    if let Some(model) = &model {
        if problems.is_empty() {
            validate::validate(model, &mut problems);
        }
    }
    match model {
        Some(model) if problems.is_empty() => Ok(model),
        _ => Err(problems.finish()),
    }
}

pub(crate) fn syntax_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    // serde_json appends " at line L column C"; the position is reported separately.
    let message = match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    };
    match error.classify() {
        serde_json::error::Category::Eof => {
            format!("the document ends too early ({message}); is the file truncated?")
        }
        _ => format!("invalid JSON: {message}"),
    }
}

const SECTIONS: &[&str] = &[
    "format",
    "name",
    "description",
    "classes",
    "boundaries",
    "nodes",
    "flows",
    "rules",
    "waivers",
    "narratives",
    "layout",
];

/// Reads the document section by section and element by element, collecting every error.
fn read_model(value: &Value, problems: &mut Problems) -> Option<Model> {
    let Some(object) = value.as_object() else {
        problems.at(
            "",
            format!("a model is a JSON object, found {}", describe(value)),
        );
        return None;
    };
    match object.get("format") {
        None => problems.at("", format!("missing \"format\": a Flowmap model declares \"format\": \"{FORMAT}\"")),
        Some(Value::String(format)) if format == FORMAT => {}
        Some(Value::String(format)) if format.starts_with("flowmap/") => problems.at(
            "/format",
            format!("unsupported format version {format:?}: this Flowmap reads {FORMAT:?} (and migrates older versions)"),
        ),
        Some(other) => problems.at("/format", format!("expected \"{FORMAT}\", found {}", describe(other))),
    }
    for key in object.keys().filter(|k| !SECTIONS.contains(&k.as_str())) {
        problems.at(
            format!("/{}", escape_segment(key)),
            format!(
                "unknown field {key:?}, expected one of: {}",
                SECTIONS.join(", ")
            ),
        );
    }
    let name = match object.get("name") {
        None => {
            problems.at("", "missing field \"name\"");
            None
        }
        Some(value) => read::<String>(value, "/name", problems),
    };
    let description = read_optional::<Option<String>>(object, "description", problems);
    let classes = read_array(object, "classes", problems);
    let boundaries = read_array(object, "boundaries", problems);
    let nodes = read_array(object, "nodes", problems);
    let flows = read_array(object, "flows", problems);
    let waivers = read_array(object, "waivers", problems);
    let narratives = read_array(object, "narratives", problems);
    let rules = read_map(object, "rules", problems);
    let layout = read_optional::<Layout>(object, "layout", problems);
    Some(Model {
        format: FORMAT.to_owned(),
        name: name?,
        description: description?,
        classes: classes?,
        boundaries: boundaries?,
        nodes: nodes?,
        flows: flows?,
        rules: rules?,
        waivers: waivers?,
        narratives: narratives?,
        layout: layout?,
    })
}

/// Deserializes one value, reporting an error at the precise path inside it.
fn read<T: DeserializeOwned>(value: &Value, pointer: &str, problems: &mut Problems) -> Option<T> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(parsed) => Some(parsed),
        Err(error) => {
            let mut at = pointer.to_owned();
            for segment in error.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => {
                        at.push_str(&format!("/{index}"))
                    }
                    serde_path_to_error::Segment::Map { key } => {
                        at.push('/');
                        at.push_str(&escape_segment(key));
                    }
                    serde_path_to_error::Segment::Enum { .. }
                    | serde_path_to_error::Segment::Unknown => {}
                }
            }
            problems.at(at, clean_serde_message(&error.into_inner().to_string()));
            None
        }
    }
}

fn read_optional<T: DeserializeOwned + Default>(
    object: &serde_json::Map<String, Value>,
    key: &str,
    problems: &mut Problems,
) -> Option<T> {
    match object.get(key) {
        None => Some(T::default()),
        Some(value) => read(value, &format!("/{key}"), problems),
    }
}

fn read_array<T: DeserializeOwned>(
    object: &serde_json::Map<String, Value>,
    key: &str,
    problems: &mut Problems,
) -> Option<Vec<T>> {
    let pointer = format!("/{key}");
    match object.get(key) {
        None => Some(Vec::new()),
        Some(Value::Array(items)) => {
            let mut parsed = Vec::with_capacity(items.len());
            let mut ok = true;
            for (index, item) in items.iter().enumerate() {
                match read(item, &format!("{pointer}/{index}"), problems) {
                    Some(element) => parsed.push(element),
                    None => ok = false,
                }
            }
            ok.then_some(parsed)
        }
        Some(other) => {
            problems.at(
                pointer,
                format!("expected an array, found {}", describe(other)),
            );
            None
        }
    }
}

fn read_map<T: DeserializeOwned>(
    object: &serde_json::Map<String, Value>,
    key: &str,
    problems: &mut Problems,
) -> Option<BTreeMap<String, T>> {
    let pointer = format!("/{key}");
    match object.get(key) {
        None => Some(BTreeMap::new()),
        Some(Value::Object(entries)) => {
            let mut parsed = BTreeMap::new();
            let mut ok = true;
            for (entry, value) in entries {
                match read(
                    value,
                    &format!("{pointer}/{}", escape_segment(entry)),
                    problems,
                ) {
                    Some(element) => {
                        parsed.insert(entry.clone(), element);
                    }
                    None => ok = false,
                }
            }
            ok.then_some(parsed)
        }
        Some(other) => {
            problems.at(
                pointer,
                format!("expected an object, found {}", describe(other)),
            );
            None
        }
    }
}

/// Makes serde's messages read as plain sentences: `` `x` `` becomes `"x"` (numbers lose the
/// quotes), Rust type names become words.
fn clean_serde_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut quoted = true;
    for part in parts {
        if quoted {
            let numeric = !part.is_empty() && part.parse::<f64>().is_ok();
            if numeric {
                out.push_str(part);
            } else {
                out.push('"');
                out.push_str(part);
                out.push('"');
            }
        } else {
            out.push_str(part);
        }
        quoted = !quoted;
    }
    out.replace("expected u8", "expected a whole number from 0 to 255")
        .replace("expected f64", "expected a number")
}

/// "a string", "the number 3", … for messages.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
