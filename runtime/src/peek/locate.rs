//! Where in a document serde stopped: the JSON Pointer of the value a
//! serde_json data error is about, read off the error's position.
//!
//! Locating a fault by reading the document again with
//! `serde_path_to_error` costs more than the failed parse itself (it copies
//! every member name it passes). serde_json already says where it stopped:
//! an error is given the position of the last byte read when it leaves the
//! innermost `deserialize_*` call that saw it. That names the value in three
//! cases, which the caller tells apart by serde's message:
//! - inside a scalar (a string, a number, a literal), that scalar;
//! - "invalid type: map" or "sequence": serde_json stops before the bracket
//!   it refuses, so the value starting there;
//! - "missing field": the closing brace of the object that lacks it.
//!
//! Anywhere else the position does not name the value: on a closing bracket
//! the fault may be the container's or its last member's (serde_json reads
//! the bracket before it sets the position); on a member name or a colon it
//! may be the member's or the container's. There these answer `None` and the
//! caller reads the document again with path tracking.
//!
//! Like [`super::scan`] it does not check the text: serde_json read the
//! document up to the position without fault.

use super::scan::Scan;
use super::syntax::Resume;

/// The pointer of the value the serde_json data error with `message`
/// (its text without the position) at `line` and `column` is about: its
/// 1-based line, and bytes from that line's start to the position. `None`
/// when the position does not name one (see the module documentation), is
/// unknown (line 0), or a member name on the way has escapes.
pub(crate) fn fault_pointer(
    bytes: &[u8],
    message: &str,
    line: usize,
    column: usize,
) -> Option<String> {
    fault_place(bytes, message, line, column).map(|(pointer, _)| pointer)
}

/// [`fault_pointer`], and the place the walk that found it stopped at (the
/// faulty value's start, or the brace that closes the object lacking a
/// member), for [`super::syntax::rest_is_json`] to read the rest from:
/// serde_json read the text before it without fault.
pub(crate) fn fault_place(
    bytes: &[u8],
    message: &str,
    line: usize,
    column: usize,
) -> Option<(String, Resume)> {
    let position = line_start(bytes, line)?.checked_add(column)?;
    let (target, sought) = if message.starts_with("missing field `") {
        (last_read(bytes, position)?, Sought::Closed)
    } else if message.starts_with("invalid type: map,") {
        (position, Sought::Opened(b'{'))
    } else if message.starts_with("invalid type: sequence,") {
        (position, Sought::Opened(b'['))
    } else {
        (last_read(bytes, position)?, Sought::Scalar)
    };
    let scan = Scan { bytes, pos: 0 };
    Walk { scan }.pointer_at(target, sought)
}

/// What is sought at the target byte.
#[derive(Clone, Copy, PartialEq)]
enum Sought {
    /// A scalar holding the byte.
    Scalar,
    /// A value starting at the byte, with this opening bracket.
    Opened(u8),
    /// An object whose closing brace is the byte.
    Closed,
}

/// The offset of the last byte read before `position`, whitespace read
/// after a value skipped back over.
fn last_read(bytes: &[u8], position: usize) -> Option<usize> {
    let mut last = position.checked_sub(1)?;
    while matches!(bytes.get(last)?, b' ' | b'\n' | b'\r' | b'\t') {
        last = last.checked_sub(1)?;
    }
    Some(last)
}

/// The offset in `bytes` of serde_json's error position `line` and
/// `column` (see [`fault_pointer`]); `None` for line 0 (no position).
pub(crate) fn offset(bytes: &[u8], line: usize, column: usize) -> Option<usize> {
    line_start(bytes, line)?.checked_add(column)
}

/// The offset where the 1-based `line` starts.
fn line_start(bytes: &[u8], line: usize) -> Option<usize> {
    match line.checked_sub(1)? {
        0 => Some(0),
        newlines => bytes
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(newlines - 1)
            .map(|(index, _)| index + 1),
    }
}

/// The member or element being read at one level of nesting.
enum Step<'a> {
    /// A member name, as its UTF-8 bytes (checked, and turned into text
    /// only for the pointer that is returned).
    Member(&'a [u8]),
    Element(usize),
}

/// A forward reading of well-formed JSON, tracking the path to where it is.
struct Walk<'a> {
    scan: Scan<'a>,
}

impl<'a> Walk<'a> {
    /// Reads up to `target`; the pointer of what is `sought` there, and the
    /// place it stopped at.
    fn pointer_at(mut self, target: usize, sought: Sought) -> Option<(String, Resume)> {
        // Room for the nesting of most documents: growing it costs more.
        let mut path: Vec<Step<'a>> = Vec::with_capacity(16);
        loop {
            // A value starts here.
            self.scan.skip_ws();
            if self.scan.pos >= target {
                if self.scan.pos > target {
                    return None;
                }
                let here = place(self.scan.pos, true, &path, false);
                return match (sought, self.scan.peek()?) {
                    (Sought::Scalar, b'{' | b'[' | b'}' | b']' | b',' | b':') => None,
                    (Sought::Scalar, _) => {
                        (target < self.scalar_end()?).then(|| (pointer(&path), here))
                    }
                    (Sought::Opened(bracket), byte) => {
                        (byte == bracket).then(|| (pointer(&path), here))
                    }
                    (Sought::Closed, _) => None,
                };
            }
            match self.scan.peek()? {
                b'{' => {
                    self.scan.pos += 1;
                    self.scan.skip_ws();
                    if self.scan.peek()? == b'}' {
                        if self.scan.pos == target && sought == Sought::Closed {
                            // At the brace of an empty object, open around it.
                            let here = place(self.scan.pos, false, &path, true);
                            return Some((pointer(&path), here));
                        }
                        self.scan.pos += 1;
                    } else {
                        path.push(Step::Member(self.member_name(target)?));
                        continue;
                    }
                }
                b'[' => {
                    self.scan.pos += 1;
                    self.scan.skip_ws();
                    if self.scan.peek()? == b']' {
                        self.scan.pos += 1;
                    } else {
                        path.push(Step::Element(0));
                        continue;
                    }
                }
                _ => {
                    let end = self.scalar_end()?;
                    if target < end {
                        let here = place(self.scan.pos, true, &path, false);
                        return Some((pointer(&path), here));
                    }
                    self.scan.pos = end;
                }
            }
            // A value ended here: the next member or element, or the end of
            // containers.
            loop {
                self.scan.skip_ws();
                if self.scan.pos > target {
                    return None;
                }
                if self.scan.pos == target {
                    let closes_object = self.scan.peek()? == b'}';
                    let object = &path[..path.len().checked_sub(1)?];
                    let here = place(self.scan.pos, false, &path, false);
                    return (closes_object && sought == Sought::Closed)
                        .then(|| (pointer(object), here));
                }
                let step = path.last_mut()?;
                match self.scan.peek()? {
                    b',' => {
                        self.scan.pos += 1;
                        match step {
                            Step::Member(name) => {
                                self.scan.skip_ws();
                                *name = self.member_name(target)?;
                            }
                            Step::Element(index) => *index += 1,
                        }
                        break;
                    }
                    b'}' | b']' => {
                        self.scan.pos += 1;
                        path.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// Reads a member name and its colon, stopping here (`None`) if `target`
    /// is on the way; the name must be its own text (no escapes).
    fn member_name(&mut self, target: usize) -> Option<&'a [u8]> {
        if self.scan.peek()? != b'"' {
            return None;
        }
        let name = self.scan.plain_bytes();
        self.scan.skip_ws();
        if self.scan.pos >= target || self.scan.peek()? != b':' {
            return None;
        }
        self.scan.pos += 1;
        name
    }

    /// The offset after the scalar starting here, leaving the cursor here.
    /// A string's text is not looked at: serde_json read it (or, after the
    /// position, nothing depends on it), so only its closing quote is sought.
    fn scalar_end(&self) -> Option<usize> {
        let mut after = Scan {
            bytes: self.scan.bytes,
            pos: self.scan.pos,
        };
        if after.peek()? == b'"' {
            after.skip_string()?;
        } else {
            after.skip_bare();
        }
        (after.pos > self.scan.pos).then_some(after.pos)
    }
}

/// The place at `at` (where a value starts, or one has just ended) inside
/// the containers of `path` (each member step's an object, each element
/// step's an array), and one more object if `inside_object`.
fn place(at: usize, value: bool, path: &[Step<'_>], inside_object: bool) -> Resume {
    let steps = path.iter().map(|step| matches!(step, Step::Member(_)));
    let (open, depth) = steps
        .chain(inside_object.then_some(true))
        .fold((0u128, 0u32), |(open, depth), object| {
            ((open << 1) | u128::from(object), depth.saturating_add(1))
        });
    Resume {
        at,
        value,
        open,
        depth,
    }
}

/// The JSON Pointer of `path`. (The names are UTF-8: [`Scan::plain_bytes`]
/// checked them.)
fn pointer(path: &[Step<'_>]) -> String {
    let mut out = String::with_capacity(32);
    for step in path {
        out.push('/');
        match step {
            Step::Member(name) => {
                crate::path::push_escaped(&mut out, std::str::from_utf8(name).unwrap_or_default())
            }
            Step::Element(index) => push_index(&mut out, *index),
        }
    }
    out
}

/// `index` in decimal, without the formatting machinery or a string of its own.
fn push_index(out: &mut String, index: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = index;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// For a fault about a scalar (any message but the three named ones).
    const SCALAR: &str = "invalid type: string \"x\", expected u8";

    fn scalar_before(bytes: &[u8], line: usize, column: usize) -> Option<String> {
        fault_pointer(bytes, SCALAR, line, column)
    }

    fn value_at(bytes: &[u8], line: usize, column: usize, bracket: u8) -> Option<String> {
        let message = match bracket {
            b'{' => "invalid type: map, expected a string",
            _ => "invalid type: sequence, expected a string",
        };
        fault_pointer(bytes, message, line, column)
    }

    fn object_closed_before(bytes: &[u8], line: usize, column: usize) -> Option<String> {
        fault_pointer(bytes, "missing field `id`", line, column)
    }

    /// The pointer for the byte at `offset` of a one-line document (column
    /// is the offset after it).
    fn at(text: &str, offset: usize) -> Option<String> {
        scalar_before(text.as_bytes(), 1, offset + 1)
    }

    #[test]
    fn a_byte_inside_a_scalar_names_it() {
        let doc = r#"{"a": [1, {"b~/": "xy"}], "c": true}"#;
        assert_eq!(at(doc, doc.find("1").unwrap()).as_deref(), Some("/a/0"));
        let quote = doc.find("\"xy\"").unwrap() + 3;
        assert_eq!(at(doc, quote).as_deref(), Some("/a/1/b~0~1"));
        assert_eq!(
            at(doc, doc.find("true").unwrap() + 3).as_deref(),
            Some("/c")
        );
        assert_eq!(at("42", 1).as_deref(), Some(""));
    }

    #[test]
    fn whitespace_read_after_a_scalar_is_skipped_back_over() {
        let doc = "{\"a\": 1 \n, \"b\": 2}";
        let newline = doc.find('\n').unwrap();
        assert_eq!(
            scalar_before(doc.as_bytes(), 1, newline + 1),
            Some("/a".into())
        );
        // Line 2 starts after the newline; its column 1 is the comma.
        assert_eq!(scalar_before(doc.as_bytes(), 2, 0), Some("/a".into()));
    }

    #[test]
    fn structure_member_names_and_escaped_names_are_left_to_the_caller() {
        let doc = r#"{"a": {"b": 1}, "c\"d": 2}"#;
        // The closing bracket of /a: /a's fault, or /a/b's.
        assert_eq!(at(doc, doc.find('}').unwrap()), None);
        // A member name, a colon, an opening bracket.
        assert_eq!(at(doc, 2), None);
        assert_eq!(at(doc, doc.find(':').unwrap()), None);
        assert_eq!(at(doc, doc.find("{\"b").unwrap()), None);
        // A scalar after a member name with an escape.
        assert_eq!(at(doc, doc.rfind('2').unwrap()), None);
        // No position; beyond the end.
        assert_eq!(scalar_before(doc.as_bytes(), 0, 0), None);
        assert_eq!(at(doc, 500), None);
    }

    #[test]
    fn an_opening_or_closing_bracket_names_its_container_when_asked_for() {
        let doc = r#"{"a": [1, {"b": {}}], "c": {"d": 2}}"#;
        let one = |b: &str| doc.find(b).unwrap();
        assert_eq!(
            value_at(doc.as_bytes(), 1, one("[1"), b'['),
            Some("/a".into())
        );
        assert_eq!(
            value_at(doc.as_bytes(), 1, one("{\"b"), b'{'),
            Some("/a/1".into())
        );
        assert_eq!(value_at(doc.as_bytes(), 1, one("{\"b"), b'['), None);
        assert_eq!(value_at(doc.as_bytes(), 1, one("1"), b'['), None);
        let closed = |offset: usize| object_closed_before(doc.as_bytes(), 1, offset + 1);
        assert_eq!(closed(one("{}") + 1).as_deref(), Some("/a/1/b"));
        assert_eq!(closed(one("{}") + 2).as_deref(), Some("/a/1"));
        assert_eq!(closed(doc.rfind("}}").unwrap()).as_deref(), Some("/c"));
        assert_eq!(closed(doc.len() - 1).as_deref(), Some(""));
        // A closing bracket of an array, and a scalar, are not objects' ends.
        assert_eq!(closed(one("]")), None);
        assert_eq!(closed(one("2")), None);
    }

    #[test]
    fn any_bytes_and_any_position_give_an_answer_without_panicking() {
        let docs: [&[u8]; 6] = [b"", b"{", b"[\"", b"{\"a\":", b"\"\\", b"{\"a\" 1}"];
        for doc in docs {
            for line in 0..3 {
                for column in 0..8 {
                    let _ = scalar_before(doc, line, column);
                    let _ = value_at(doc, line, column, b'{');
                    let _ = object_closed_before(doc, line, column);
                }
            }
        }
    }
}
