//! A source document: its bytes read as JSON or YAML into a `serde_json::Value`, with the
//! position of any JSON pointer, and typed reads that report located errors.
//!
//! Every importer reads through [`Reader`], so a wrong type anywhere is an error naming the
//! JSON pointer, line and column (`/detail/diagrams/0/cells/3/data/name: expected a string,
//! found the number 7`), and no importer indexes into a value unchecked.

use serde_json::Value;

use super::yaml::{self, TagResolver};
use crate::load::{syntax_message, utf8_text, LoadError, Locator, Position};

/// The syntax a document was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

enum Positions<'t> {
    Json(Locator<'t>),
    Yaml(yaml::Parsed),
}

/// A parsed source document.
pub struct Document<'t> {
    pub value: Value,
    pub syntax: Syntax,
    positions: Positions<'t>,
}

impl<'t> Document<'t> {
    /// Reads `bytes` (UTF-8, at most [`crate::load::MAX_FILE_BYTES`]) as JSON when they start
    /// with `{` or `[` and the file name does not end in `.yaml`/`.yml`, as YAML otherwise.
    pub fn parse(
        bytes: &'t [u8],
        file_name: &str,
        tags: TagResolver,
    ) -> Result<Document<'t>, Vec<LoadError>> {
        let text = utf8_text(bytes, "files").map_err(|e| e.errors)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lower = file_name.to_ascii_lowercase();
        let yaml_name = lower.ends_with(".yaml") || lower.ends_with(".yml");
        let json_start = text.trim_start().starts_with(['{', '[']);
        if json_start && !yaml_name {
            let value: Value = serde_json::from_str(text).map_err(|error| {
                vec![LoadError {
                    line: error.line().max(1),
                    column: error.column().max(1),
                    pointer: String::new(),
                    message: syntax_message(&error),
                }]
            })?;
            let locator = Locator::new(text);
            let duplicates: Vec<LoadError> = locator
                .duplicates()
                .iter()
                .map(|duplicate| {
                    let at = locator.position(duplicate.offset);
                    LoadError {
                        line: at.line,
                        column: at.column,
                        pointer: duplicate.pointer.clone(),
                        message: format!(
                            "duplicate key {:?}: each key may appear once in an object",
                            duplicate.key
                        ),
                    }
                })
                .collect();
            if !duplicates.is_empty() {
                return Err(duplicates);
            }
            Ok(Document {
                value,
                syntax: Syntax::Json,
                positions: Positions::Json(locator),
            })
        } else {
            let mut parsed = yaml::parse(text, tags).map_err(|e| vec![e])?;
            let value = std::mem::take(&mut parsed.value);
            Ok(Document {
                value,
                syntax: Syntax::Yaml,
                positions: Positions::Yaml(parsed),
            })
        }
    }

    /// Where the value at `pointer` starts (or its nearest existing ancestor).
    pub fn locate(&self, pointer: &str) -> Position {
        match &self.positions {
            Positions::Json(locator) => locator.locate(pointer),
            Positions::Yaml(parsed) => parsed.locate(pointer),
        }
    }

    /// The document's root, to read from.
    pub fn root(&self) -> At<'_> {
        At {
            value: &self.value,
            pointer: String::new(),
        }
    }
}

/// A value in the document and its JSON pointer.
#[derive(Clone, Debug)]
pub struct At<'v> {
    pub value: &'v Value,
    pub pointer: String,
}

impl<'v> At<'v> {
    /// The member `key` of an object; `None` when absent, `null`, or when this is no object.
    pub fn get(&self, key: &str) -> Option<At<'v>> {
        match self.value.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(At {
                value,
                pointer: format!("{}/{}", self.pointer, crate::load::escape_segment(key)),
            }),
        }
    }

    /// The pointer of the member `key` (present or not), for messages.
    pub fn pointer_of(&self, key: &str) -> String {
        format!("{}/{}", self.pointer, crate::load::escape_segment(key))
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&'v str> {
        self.value.as_str()
    }
}

/// "a string", "the number 3", … for messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// Typed reads from a document that collect located errors.
pub struct Reader<'d> {
    document: &'d Document<'d>,
    pub errors: Vec<LoadError>,
}

impl<'d> Reader<'d> {
    pub fn new(document: &'d Document<'d>) -> Reader<'d> {
        Reader {
            document,
            errors: Vec::new(),
        }
    }

    /// The document's root, to read from.
    pub fn root(&self) -> At<'d> {
        self.document.root()
    }

    /// Records an error at the value `pointer` names.
    pub fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let Position { line, column } = self.document.locate(pointer);
        self.errors.push(LoadError {
            line,
            column,
            pointer: pointer.to_owned(),
            message: message.into(),
        });
    }

    fn wrong(&mut self, at: &At, expected: &str) {
        let found = describe(at.value);
        self.error(&at.pointer, format!("expected {expected}, found {found}"));
    }

    /// The value itself when it is an object (an error otherwise).
    pub fn object<'v>(&mut self, at: &At<'v>) -> Option<&'v serde_json::Map<String, Value>> {
        match at.value {
            Value::Object(map) => Some(map),
            _ => {
                self.wrong(at, "an object");
                None
            }
        }
    }

    /// The member `key` when it is an object; `None` when absent (an error when not an object).
    pub fn object_field<'v>(&mut self, at: &At<'v>, key: &str) -> Option<At<'v>> {
        let field = at.get(key)?;
        self.object(&field).map(|_| field)
    }

    /// The items of the list `key`; empty when absent or null (an error when not a list).
    pub fn list<'v>(&mut self, at: &At<'v>, key: &str) -> Vec<At<'v>> {
        let Some(field) = at.get(key) else {
            return Vec::new();
        };
        match field.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, value)| At {
                    value,
                    pointer: format!("{}/{i}", field.pointer),
                })
                .collect(),
            _ => {
                self.wrong(&field, "a list");
                Vec::new()
            }
        }
    }

    /// The string `key`; `None` when absent or null (an error when not a string).
    pub fn string<'v>(&mut self, at: &At<'v>, key: &str) -> Option<&'v str> {
        let field = at.get(key)?;
        match field.value {
            Value::String(text) => Some(text),
            _ => {
                self.wrong(&field, "a string");
                None
            }
        }
    }

    /// The string `key`, required: an error when absent.
    pub fn required_string<'v>(&mut self, at: &At<'v>, key: &str) -> Option<&'v str> {
        if at.get(key).is_none() {
            self.error(&at.pointer, format!("missing field {key:?}"));
            return None;
        }
        self.string(at, key)
    }

    /// A string or a number as text (ids are sometimes numbers); `None` when absent.
    pub fn id(&mut self, at: &At, key: &str) -> Option<String> {
        let field = at.get(key)?;
        match field.value {
            Value::String(text) => Some(text.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => {
                self.wrong(&field, "a string or a number");
                None
            }
        }
    }

    /// The boolean `key`; `None` when absent or null (an error when not a boolean).
    pub fn boolean(&mut self, at: &At, key: &str) -> Option<bool> {
        let field = at.get(key)?;
        match field.value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong(&field, "a boolean");
                None
            }
        }
    }

    /// The number `key`; `None` when absent or null (an error when not a finite number).
    pub fn number(&mut self, at: &At, key: &str) -> Option<f64> {
        let field = at.get(key)?;
        match field.value.as_f64() {
            Some(n) if n.is_finite() => Some(n),
            _ => {
                self.wrong(&field, "a number");
                None
            }
        }
    }

    /// `{x, y}` numbers under `key`.
    pub fn point(&mut self, at: &At, key: &str) -> Option<(f64, f64)> {
        let field = self.object_field(at, key)?;
        let x = self.number(&field, "x");
        let y = self.number(&field, "y");
        Some((x?, y?))
    }
}
