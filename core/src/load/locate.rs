//! Source positions for JSON pointers.
//!
//! `serde_json` reports line and column for syntax errors but keeps no spans in a parsed value.
//! This locator scans text that `serde_json` has already accepted, once, and afterwards answers
//! "where does `/nodes/3/kind` start?" for error messages and for SARIF locations. It is
//! iterative (no recursion, so deep nesting cannot overflow the stack) and never panics: on
//! text it does not understand it answers with the nearest place it found.
//!
//! The same pass finds duplicate keys, which `serde_json` silently resolves to the last one.

use std::collections::HashMap;

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A duplicate key found while indexing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    /// Pointer of the second occurrence.
    pub pointer: String,
    pub key: String,
    pub offset: usize,
}

/// Index of value offsets for the top two levels of a document, plus line starts.
pub struct Locator<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Offset of the value at each pointer of depth 0, 1 and 2 (`""`, `/nodes`, `/nodes/3`).
    shallow: HashMap<String, usize>,
    duplicates: Vec<DuplicateKey>,
}

/// How deep the index goes; deeper pointers are found by scanning from their depth-2 ancestor.
const INDEXED_DEPTH: usize = 2;

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Locator<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut locator = Locator {
            text,
            line_starts,
            shallow: HashMap::new(),
            duplicates: Vec::new(),
        };
        locator.index();
        locator
    }

    /// Duplicate keys anywhere in the document, in text order.
    pub fn duplicates(&self) -> &[DuplicateKey] {
        &self.duplicates
    }

    /// The position of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|start| *start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// Where the value at `pointer` starts; for a pointer that does not exist (a missing field),
    /// where its nearest existing ancestor starts.
    pub fn locate(&self, pointer: &str) -> Position {
        self.position(self.offset(pointer))
    }

    /// The byte offset of the value at `pointer` or of its nearest existing ancestor.
    pub fn offset(&self, pointer: &str) -> usize {
        let segments = split_pointer(pointer);
        let indexed = segments.len().min(INDEXED_DEPTH);
        let mut depth = indexed;
        let mut start = loop {
            let prefix = join_pointer(&segments[..depth]);
            if let Some(offset) = self.shallow.get(&prefix) {
                break *offset;
            }
            if depth == 0 {
                break first_non_ws(self.text, 0);
            }
            depth -= 1;
        };
        if depth < indexed {
            return start;
        }
        for segment in &segments[depth..] {
            match child_offset(self.text, start, segment) {
                Some(child) => start = child,
                None => break,
            }
        }
        start
    }

    /// One pass over the whole document: shallow offsets and duplicate keys.
    fn index(&mut self) {
        let bytes = self.text.as_bytes();
        let mut stack: Vec<Frame> = Vec::new();
        let mut at = first_non_ws(self.text, 0);
        self.shallow.insert(String::new(), at);
        // The pointer of the value that starts next (used when it is a container).
        let mut pending = String::new();
        while at < bytes.len() {
            match bytes[at] {
                b'{' => {
                    stack.push(Frame::Object {
                        pointer: std::mem::take(&mut pending),
                        keys: Default::default(),
                    });
                    at += 1;
                }
                b'[' => {
                    stack.push(Frame::Array {
                        pointer: std::mem::take(&mut pending),
                        next: 0,
                    });
                    at = first_non_ws(self.text, at + 1);
                    if bytes.get(at) != Some(&b']') {
                        pending = self.element_starts(&mut stack, at);
                    }
                }
                b'}' | b']' => {
                    stack.pop();
                    at += 1;
                }
                b',' => {
                    at = first_non_ws(self.text, at + 1);
                    if let Some(Frame::Array { .. }) = stack.last() {
                        pending = self.element_starts(&mut stack, at);
                    }
                }
                b'"' => {
                    let end = string_end(bytes, at);
                    let colon = first_non_ws(self.text, end);
                    let depth = stack.len();
                    match stack.last_mut() {
                        Some(Frame::Object { pointer, keys })
                            if bytes.get(colon) == Some(&b':') =>
                        {
                            let key = decode_string(&self.text[at..end]);
                            let child = format!("{pointer}/{}", escape_segment(&key));
                            if !keys.insert(key.clone()) {
                                self.duplicates.push(DuplicateKey {
                                    pointer: child.clone(),
                                    key,
                                    offset: at,
                                });
                            }
                            let value = first_non_ws(self.text, colon + 1);
                            if depth <= INDEXED_DEPTH {
                                self.shallow.insert(child.clone(), value);
                            }
                            pending = child;
                            at = value;
                        }
                        _ => at = end,
                    }
                }
                _ => at += 1,
            }
        }
    }

    /// Records the start of the next element of the array on top of the stack and returns its
    /// pointer.
    fn element_starts(&mut self, stack: &mut [Frame], offset: usize) -> String {
        let depth = stack.len();
        let Some(Frame::Array { pointer, next }) = stack.last_mut() else {
            return String::new();
        };
        let child = format!("{pointer}/{next}");
        *next += 1;
        if depth <= INDEXED_DEPTH {
            self.shallow.insert(child.clone(), offset);
        }
        child
    }
}

enum Frame {
    Object {
        pointer: String,
        keys: std::collections::HashSet<String>,
    },
    Array {
        pointer: String,
        next: usize,
    },
}

/// The offset of the child `segment` of the container value starting at `start`.
fn child_offset(text: &str, start: usize, segment: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    match bytes.get(start)? {
        b'{' => {
            let mut at = first_non_ws(text, start + 1);
            while bytes.get(at) == Some(&b'"') {
                let end = string_end(bytes, at);
                let key = decode_string(&text[at..end]);
                let colon = first_non_ws(text, end);
                let value = first_non_ws(text, colon + 1);
                if key == segment {
                    return Some(value);
                }
                let after = first_non_ws(text, skip_value(bytes, value));
                if bytes.get(after) != Some(&b',') {
                    return None;
                }
                at = first_non_ws(text, after + 1);
            }
            None
        }
        b'[' => {
            let wanted: usize = segment.parse().ok()?;
            let mut at = first_non_ws(text, start + 1);
            for _ in 0..wanted {
                let after = first_non_ws(text, skip_value(bytes, at));
                if bytes.get(after) != Some(&b',') {
                    return None;
                }
                at = first_non_ws(text, after + 1);
            }
            (bytes.get(at).is_some_and(|b| *b != b']')).then_some(at)
        }
        _ => None,
    }
}

/// The offset just past the value starting at `start` (iterative, depth-counting).
fn skip_value(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut at = start;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                at = string_end(bytes, at);
                if depth == 0 {
                    return at;
                }
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                // A scalar ends at its parent's closing bracket; a container at its own.
                if depth == 0 {
                    return at;
                }
                if depth == 1 {
                    return at + 1;
                }
                depth -= 1;
            }
            b',' if depth == 0 => return at,
            b if depth == 0 && b.is_ascii_whitespace() => return at,
            _ => {}
        }
        at += 1;
    }
    at
}

/// The offset just past the string literal starting at `start` (which holds `"`).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

fn first_non_ws(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    at
}

/// The text of a JSON string literal (with its quotes).
fn decode_string(literal: &str) -> String {
    if literal.contains('\\') {
        serde_json::from_str(literal).unwrap_or_else(|_| literal.trim_matches('"').to_owned())
    } else {
        literal.trim_matches('"').to_owned()
    }
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn split_pointer(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

fn join_pointer(segments: &[String]) -> String {
    segments
        .iter()
        .map(|s| format!("/{}", escape_segment(s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "name": "x",
  "nodes": [
    { "id": "a", "kind": "service" },
    {"id":"b","vendor":{"agreements":["dpa", "baa"]}}
  ],
  "rules": { "ENC-001": "off", "a/b": 1 }
}"#;

    #[test]
    fn locates_shallow_and_deep_pointers() {
        let locator = Locator::new(DOC);
        assert_eq!(locator.locate(""), Position { line: 1, column: 1 });
        assert_eq!(
            locator.locate("/name"),
            Position {
                line: 2,
                column: 11
            }
        );
        assert_eq!(locator.locate("/nodes/0"), Position { line: 4, column: 5 });
        assert_eq!(
            locator.locate("/nodes/0/kind"),
            Position {
                line: 4,
                column: 26
            }
        );
        assert_eq!(
            locator.locate("/nodes/1/vendor/agreements/1"),
            Position {
                line: 5,
                column: 46
            }
        );
        assert_eq!(
            locator.locate("/rules/a~1b"),
            Position {
                line: 7,
                column: 39
            }
        );
    }

    #[test]
    fn a_missing_pointer_falls_back_to_its_nearest_ancestor() {
        let locator = Locator::new(DOC);
        assert_eq!(locator.locate("/nodes/0/owner"), locator.locate("/nodes/0"));
        assert_eq!(locator.locate("/nodes/7"), locator.locate("/nodes"));
        assert_eq!(locator.locate("/nope/1/2"), locator.locate(""));
    }

    #[test]
    fn finds_duplicate_keys_at_any_depth() {
        let text = r#"{"a": 1, "n": [{"id": "x", "id": "y"}], "a": 2}"#;
        let locator = Locator::new(text);
        let found: Vec<&str> = locator
            .duplicates()
            .iter()
            .map(|d| d.pointer.as_str())
            .collect();
        assert_eq!(found, ["/n/0/id", "/a"]);
    }

    #[test]
    fn columns_count_characters() {
        let text = "{\"name\": \"héllo\", \"x\": 1}";
        assert_eq!(
            Locator::new(text).locate("/x"),
            Position {
                line: 1,
                column: 24
            }
        );
    }
}
