//! YAML into a `serde_json::Value`, with a position for every value, under fixed budgets.
//!
//! The parser (granit-parser) gives events with spans; this module builds the tree itself,
//! iteratively (an explicit stack, no recursion), so that:
//! - nesting deeper than [`MAX_DEPTH`] is an error, not a stack overflow (the parser also bounds
//!   its own block and flow nesting);
//! - aliases are expanded by copying the anchored value, and the values aliases produce are
//!   counted: past [`MAX_ALIAS_VALUES`] the document is refused (an alias bomb expands a few
//!   lines into billions of values);
//! - a document never holds more than [`MAX_VALUES`] values in all;
//! - every value's JSON pointer gets the line and column where it starts, so importers locate
//!   their errors in YAML exactly as in JSON;
//! - duplicate keys are errors (a YAML mapping's keys are unique);
//! - tags are kept: the YAML core tags (`!!str`, `!!int`, …) are applied, every other tag (for
//!   example CloudFormation's `!Ref`, `!GetAtt`, `!Sub`) is handed to a [`TagResolver`] with the
//!   value it is attached to, which returns the value to use (CloudFormation rewrites `!Ref x`
//!   to `{"Ref": "x"}`) or refuses it.
//!
//! Plain scalars resolve by the YAML 1.2 core schema: `null`/`~`/empty, `true`/`false`,
//! integers (decimal, `0o` octal, `0x` hexadecimal) and floats; `.inf` and `.nan` stay strings
//! because JSON has no such numbers. Quoted scalars are strings. Mapping keys must be scalars.

use std::collections::HashMap;

use granit_parser::{Event, Options, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Number, Value};

use crate::load::{escape_segment, LoadError, Position};

/// The deepest nesting of collections a document may have (serde_json's own limit for JSON).
pub const MAX_DEPTH: usize = 128;
/// How many values aliases may produce in all.
pub const MAX_ALIAS_VALUES: usize = 100_000;
/// How many values a document may hold in all (aliases included).
pub const MAX_VALUES: usize = 4_000_000;

/// Decides what a tagged value means: given the tag as written (`!Ref`) and the value it is
/// attached to, returns the value to use, or a message saying why the tag is refused.
pub type TagResolver<'r> = &'r dyn Fn(&str, Value) -> Result<Value, String>;

/// Refuses every tag outside the YAML core schema (the importers of formats without tags).
pub fn no_tags(tag: &str, _value: Value) -> Result<Value, String> {
    Err(format!(
        "unsupported tag {tag}: this format does not use YAML tags"
    ))
}

/// A parsed YAML document: the value and where each part of it starts.
pub struct Parsed {
    pub value: Value,
    /// JSON pointer → position of the value's first character.
    pub positions: HashMap<String, Position>,
}

impl Parsed {
    /// Where the value at `pointer` starts; for a pointer into an expanded alias (which has no
    /// position of its own) or a missing value, where its nearest located ancestor starts.
    pub fn locate(&self, pointer: &str) -> Position {
        let mut pointer = pointer;
        loop {
            if let Some(position) = self.positions.get(pointer) {
                return *position;
            }
            match pointer.rfind('/') {
                Some(at) => pointer = &pointer[..at],
                None => return Position { line: 1, column: 1 },
            }
        }
    }
}

enum Frame {
    Sequence {
        items: Vec<Value>,
        anchor: usize,
        tag: Option<String>,
        pointer: String,
        position: Position,
    },
    Mapping {
        entries: Map<String, Value>,
        key: Option<String>,
        anchor: usize,
        tag: Option<String>,
        pointer: String,
        position: Position,
    },
}

/// A value kept for its anchor: the value, how many values it holds and how deep it nests.
struct Anchored {
    value: Value,
    values: usize,
    depth: usize,
}

fn position(span: &Span) -> Position {
    Position {
        line: span.start.line().max(1),
        column: span.start.col() + 1,
    }
}

fn error_at(position: Position, message: impl Into<String>) -> LoadError {
    LoadError {
        line: position.line,
        column: position.column,
        pointer: String::new(),
        message: message.into(),
    }
}

/// The tag as written in the source: `!Ref`, `!!str`, `!<tag:example.com:x>`.
fn written(tag: &Tag) -> String {
    let original = tag.original_handle();
    if original.is_empty() {
        format!("!<{}{}>", tag.handle(), tag.suffix())
    } else {
        format!("{original}{}", tag.suffix())
    }
}

/// The core-schema suffix (`str`, `int`, …) of a tag, if it is one.
fn core_suffix(tag: &Tag) -> Option<&str> {
    tag.suffix_in_namespace("tag:yaml.org,2002:")
        .and_then(|_| tag.is_yaml_core_schema().then(|| tag.suffix()))
}

struct Builder<'r> {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    positions: HashMap<String, Position>,
    alias_values: usize,
    values: usize,
    resolve: TagResolver<'r>,
    root: Option<Value>,
}

impl Builder<'_> {
    /// The pointer of the next value in the innermost collection, or `Err` when a mapping
    /// expects a key and gets a collection.
    fn child_pointer(&self, at: Position) -> Result<String, LoadError> {
        match self.stack.last() {
            None => Ok(String::new()),
            Some(Frame::Sequence { items, pointer, .. }) => {
                Ok(format!("{pointer}/{}", items.len()))
            }
            Some(Frame::Mapping {
                key: Some(key),
                pointer,
                ..
            }) => Ok(format!("{pointer}/{}", escape_segment(key))),
            Some(Frame::Mapping { key: None, .. }) => Err(error_at(
                at,
                "a mapping key must be a plain value (text or a number), not a list or a mapping",
            )),
        }
    }

    fn count(&mut self, values: usize, at: Position) -> Result<(), LoadError> {
        self.values = self.values.saturating_add(values);
        if self.values > MAX_VALUES {
            return Err(error_at(
                at,
                format!("the document holds more than {MAX_VALUES} values"),
            ));
        }
        Ok(())
    }

    /// Puts a finished value into the innermost collection (or makes it the document).
    fn insert(&mut self, value: Value, at: Position) -> Result<(), LoadError> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                Ok(())
            }
            Some(Frame::Sequence { items, .. }) => {
                items.push(value);
                Ok(())
            }
            Some(Frame::Mapping { entries, key, .. }) => {
                match key.take() {
                    Some(key) => {
                        entries.insert(key, value);
                        Ok(())
                    }
                    None => {
                        let new_key =
                            match value {
                                Value::String(text) => text,
                                Value::Null => String::new(),
                                Value::Bool(b) => b.to_string(),
                                Value::Number(n) => n.to_string(),
                                Value::Array(_) | Value::Object(_) => return Err(error_at(
                                    at,
                                    "a mapping key must be a plain value, not a list or a mapping",
                                )),
                            };
                        if entries.contains_key(&new_key) {
                            return Err(error_at(
                            at,
                            format!("duplicate key {new_key:?}: each key may appear once in a mapping"),
                        ));
                        }
                        *key = Some(new_key);
                        Ok(())
                    }
                }
            }
        }
    }

    fn is_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Mapping { key: None, .. }))
    }

    fn remember(&mut self, anchor: usize, value: &Value) {
        if anchor != 0 {
            let (values, depth) = measure(value);
            self.anchors.insert(
                anchor,
                Anchored {
                    value: value.clone(),
                    values,
                    depth,
                },
            );
        }
    }

    fn tagged(&self, tag: Option<String>, value: Value, at: Position) -> Result<Value, LoadError> {
        match tag {
            None => Ok(value),
            Some(tag) => (self.resolve)(&tag, value).map_err(|message| error_at(at, message)),
        }
    }

    fn open(&mut self, frame: Frame, at: Position) -> Result<(), LoadError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(error_at(
                at,
                format!("the document nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.count(1, at)?;
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, at: Position) -> Result<(), LoadError> {
        let (value, anchor, tag, position) = match self.stack.pop() {
            Some(Frame::Sequence {
                items,
                anchor,
                tag,
                position,
                ..
            }) => (Value::Array(items), anchor, tag, position),
            Some(Frame::Mapping {
                entries,
                anchor,
                tag,
                position,
                key,
                ..
            }) => {
                if let Some(key) = key {
                    // A key without a value: YAML reads it as null.
                    let mut entries = entries;
                    entries.insert(key, Value::Null);
                    (Value::Object(entries), anchor, tag, position)
                } else {
                    (Value::Object(entries), anchor, tag, position)
                }
            }
            None => return Err(error_at(at, "unbalanced YAML events")),
        };
        let value = self.tagged(tag, value, position)?;
        self.remember(anchor, &value);
        self.insert(value, position)
    }
}

/// How many values `value` holds (itself included) and how deep it nests; iterative.
fn measure(value: &Value) -> (usize, usize) {
    let mut count = 0;
    let mut deepest = 0;
    let mut stack = vec![(value, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        count += 1;
        deepest = deepest.max(depth);
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            Value::Object(entries) => stack.extend(entries.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    (count, deepest)
}

/// A plain scalar by the YAML 1.2 core schema.
fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    integer(text)
        .or_else(|| float(text))
        .unwrap_or_else(|| Value::String(text.to_owned()))
}

fn integer(text: &str) -> Option<Value> {
    let (radix, digits) = if let Some(hex) = text.strip_prefix("0x") {
        (16, hex)
    } else if let Some(octal) = text.strip_prefix("0o") {
        (8, octal)
    } else {
        (10, text)
    };
    let unsigned = if radix == 10 {
        digits.strip_prefix(['-', '+']).unwrap_or(digits)
    } else {
        digits
    };
    if unsigned.is_empty() || !unsigned.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if let Ok(n) = i64::from_str_radix(digits, radix) {
        return Some(Value::Number(n.into()));
    }
    if let Ok(n) = u64::from_str_radix(digits.strip_prefix('+').unwrap_or(digits), radix) {
        return Some(Value::Number(n.into()));
    }
    // Too large for 64 bits: a float, like JSON parsers read it.
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

fn float(text: &str) -> Option<Value> {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = digits(whole)
        && fraction.is_none_or(digits)
        && (!whole.is_empty() || fraction.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map(Value::Number)
}

/// A scalar with a core-schema tag.
fn core_scalar(suffix: &str, text: &str, at: Position) -> Result<Value, LoadError> {
    let value = match suffix {
        "str" => Some(Value::String(text.to_owned())),
        "null" => Some(Value::Null),
        "bool" => match plain(text) {
            Value::Bool(b) => Some(Value::Bool(b)),
            _ => None,
        },
        "int" => integer(text),
        "float" => integer(text).or_else(|| float(text)),
        // !!seq and !!map on a scalar are contradictions.
        _ => None,
    };
    value.ok_or_else(|| error_at(at, format!("{text:?} is not a valid !!{suffix}")))
}

fn scan_error(error: &granit_parser::ScanError) -> LoadError {
    let marker = error.marker();
    LoadError {
        line: marker.line().max(1),
        column: marker.col() + 1,
        pointer: String::new(),
        message: format!("invalid YAML: {}", error.info()),
    }
}

/// Parses one YAML document.
pub fn parse(text: &str, resolve: TagResolver) -> Result<Parsed, LoadError> {
    let mut options = Options::default();
    options.block_nesting_limit = MAX_DEPTH;
    options.flow_nesting_limit = MAX_DEPTH;
    let parser = Parser::new_from_str_with_options(text, options);
    let mut builder = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        positions: HashMap::new(),
        alias_values: 0,
        values: 0,
        resolve,
        root: None,
    };
    let mut documents = 0;
    for event in parser {
        let (event, span) = event.map_err(|e| scan_error(&e))?;
        let at = position(&span);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(error_at(
                        at,
                        "a second YAML document: the file must hold exactly one",
                    ));
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let is_key = builder.is_key_position();
                let pointer = if is_key {
                    None
                } else {
                    Some(builder.child_pointer(at)?)
                };
                let value = match tag.as_deref() {
                    Some(tag) => match core_suffix(tag) {
                        Some(suffix) => core_scalar(suffix, &text, at)?,
                        None => {
                            let value = Value::String(text.into_owned());
                            builder.tagged(Some(written(tag)), value, at)?
                        }
                    },
                    None if matches!(style, ScalarStyle::Plain) => plain(&text),
                    None => Value::String(text.into_owned()),
                };
                builder.count(1, at)?;
                if let Some(pointer) = pointer {
                    builder.positions.insert(pointer, at);
                }
                builder.remember(anchor, &value);
                builder.insert(value, at)?;
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                let is_sequence = matches!(event, Event::SequenceStart(..));
                let pointer = builder.child_pointer(at)?;
                let tag = match tag.as_deref() {
                    Some(tag) if core_suffix(tag).is_some() => None,
                    Some(tag) => Some(written(tag)),
                    None => None,
                };
                builder.positions.insert(pointer.clone(), at);
                let frame = if is_sequence {
                    Frame::Sequence {
                        items: Vec::new(),
                        anchor,
                        tag,
                        pointer,
                        position: at,
                    }
                } else {
                    Frame::Mapping {
                        entries: Map::new(),
                        key: None,
                        anchor,
                        tag,
                        pointer,
                        position: at,
                    }
                };
                builder.open(frame, at)?;
            }
            Event::SequenceEnd | Event::MappingEnd => builder.close(at)?,
            Event::Alias(anchor) => {
                let is_key = builder.is_key_position();
                let pointer = if is_key {
                    None
                } else {
                    Some(builder.child_pointer(at)?)
                };
                let Some(anchored) = builder.anchors.get(&anchor) else {
                    return Err(error_at(at, "an alias to an anchor that is not defined"));
                };
                if builder.stack.len() + anchored.depth > MAX_DEPTH {
                    return Err(error_at(
                        at,
                        format!("this alias nests the document deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let (values, value) = (anchored.values, anchored.value.clone());
                builder.alias_values = builder.alias_values.saturating_add(values);
                if builder.alias_values > MAX_ALIAS_VALUES {
                    return Err(error_at(
                        at,
                        format!(
                            "aliases expand to more than {MAX_ALIAS_VALUES} values (a YAML alias bomb?)"
                        ),
                    ));
                }
                builder.count(values, at)?;
                if let Some(pointer) = pointer {
                    builder.positions.insert(pointer, at);
                }
                builder.insert(value, at)?;
            }
            Event::Anchor(..) | Event::UnresolvedAlias(..) => {}
            #[allow(unreachable_patterns)]
            _ => {}
        }
    }
    Ok(Parsed {
        value: builder.root.unwrap_or(Value::Null),
        positions: builder.positions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Value {
        parse(text, &no_tags)
            .unwrap_or_else(|e| panic!("{e}"))
            .value
    }

    fn error(text: &str) -> LoadError {
        match parse(text, &no_tags) {
            Ok(parsed) => panic!("accepted: {}", parsed.value),
            Err(error) => error,
        }
    }

    #[test]
    fn scalars_resolve_by_the_core_schema() {
        assert_eq!(
            value("a: 1\nb: -2.5\nc: true\nd: ~\ne: '1'\nf: 0x1F\ng: .inf\nh: yes\ni: 1e3\n"),
            serde_json::json!({"a": 1, "b": -2.5, "c": true, "d": null, "e": "1", "f": 31,
                               "g": ".inf", "h": "yes", "i": 1000.0})
        );
        assert_eq!(value("!!str 12"), serde_json::json!("12"));
        assert_eq!(value("- !!int '7'"), serde_json::json!([7]));
    }

    #[test]
    fn positions_are_recorded_for_every_value() {
        let parsed = parse(
            "project:\n  name: Shop\nitems:\n  - id: a\n  - id: b\n",
            &no_tags,
        )
        .unwrap();
        assert_eq!(
            parsed.locate("/project/name"),
            Position { line: 2, column: 9 }
        );
        assert_eq!(parsed.locate("/items/1"), Position { line: 5, column: 5 });
        assert_eq!(
            parsed.locate("/items/1/id"),
            Position { line: 5, column: 9 }
        );
        // Missing values are located at their nearest ancestor.
        assert_eq!(
            parsed.locate("/items/1/missing"),
            Position { line: 5, column: 5 }
        );
    }

    #[test]
    fn aliases_expand_and_bombs_are_refused() {
        assert_eq!(
            value("a: &x {k: 1}\nb: *x\n"),
            serde_json::json!({"a": {"k": 1}, "b": {"k": 1}})
        );
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..9 {
            let prev = level - 1;
            bomb.push_str(&format!(
                "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let error = error(&bomb);
        assert!(error.message.contains("alias bomb"), "{}", error.message);
    }

    #[test]
    fn deep_nesting_duplicates_tags_and_documents_are_errors() {
        let deep = format!("{}x{}", "[".repeat(200), "]".repeat(200));
        let deep = error(&deep);
        assert!(
            deep.message.contains("nest") || deep.message.contains("recursion"),
            "{}",
            deep.message
        );
        let duplicate = error("a: 1\nb: 2\na: 3\n");
        assert_eq!((duplicate.line, duplicate.column), (3, 1));
        assert!(duplicate.message.contains("duplicate key \"a\""));
        assert!(error("x: !Ref y\n")
            .message
            .contains("unsupported tag !Ref"));
        assert!(error("a: 1\n---\nb: 2\n")
            .message
            .contains("second YAML document"));
        let syntax = error("a: [1, 2\n");
        assert!(
            syntax.message.starts_with("invalid YAML"),
            "{}",
            syntax.message
        );
    }

    #[test]
    fn tags_reach_the_resolver_as_written() {
        let resolve = |tag: &str, value: Value| -> Result<Value, String> {
            Ok(serde_json::json!({ tag: value }))
        };
        let parsed = parse("a: !Ref bucket\nb: !GetAtt [fn, Arn]\n", &resolve).unwrap();
        assert_eq!(
            parsed.value,
            serde_json::json!({"a": {"!Ref": "bucket"}, "b": {"!GetAtt": ["fn", "Arn"]}})
        );
    }
}
