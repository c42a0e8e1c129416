//! A quick check that text is one JSON document, for the invalid-payload
//! path: a typed reading that met a fault in the data stopped there, and
//! the document is malformed if anything after it is not JSON; checking
//! that with serde_json's `IgnoredAny` reads every token through serde's
//! machinery, which costs more than the failed typed reading did.
//!
//! [`is_json`] answers `true` only where serde_json's `IgnoredAny` reading
//! of the same text (`serde_json::from_str`) succeeds: it checks the same
//! grammar (serde_json's `ignore_value`, `ignore_str`, `ignore_integer`,
//! and the trailing whitespace `end` allows). Where it answers `false`
//! (malformed, or nested deeper than it tracks), the caller reads the text
//! with serde_json, for serde_json's own error.

use super::scan::{control, equal, first_flagged, word_at};

/// Deepest nesting tracked (one bit per level); deeper documents are left
/// to serde_json.
const MAX_DEPTH: u32 = 128;

/// Whether `text` is one well-formed JSON document with only whitespace
/// around it, as serde_json reads it with `IgnoredAny`; `false` also where
/// this cannot tell (see the module documentation).
pub(crate) fn is_json(text: &str) -> bool {
    let start = Resume {
        at: 0,
        value: true,
        open: 0,
        depth: 0,
    };
    rest_is_json(text, &start)
}

/// A place in a document to take the reading up at: its offset, whether a
/// value starts there (else one has just ended), and the containers open
/// around it, as a bit stack (the innermost in the lowest bit; 1: an
/// object, 0: an array) of `depth` levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Resume {
    pub(crate) at: usize,
    pub(crate) value: bool,
    pub(crate) open: u128,
    pub(crate) depth: u32,
}

/// Whether the text from `resume` on ends the document it is a place in
/// as JSON: where the text before it is known to read without fault (as
/// serde_json's typed reading of it shows, which checks at least what
/// `IgnoredAny` checks), the whole document then reads with `IgnoredAny`.
/// `false` also where this cannot tell.
pub(crate) fn rest_is_json(text: &str, resume: &Resume) -> bool {
    if resume.depth > MAX_DEPTH {
        return false;
    }
    Check {
        bytes: text.as_bytes(),
        pos: resume.at,
    }
    .run(resume.open, resume.depth, resume.value)
    .is_some()
}

/// `" \\ / b f n r t u`: the bytes serde_json takes after a backslash.
fn escape_follows(byte: u8) -> bool {
    matches!(
        byte,
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' | b'u'
    )
}

struct Check<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Check<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// The text from here to its end: values read in a loop, with the open
    /// containers as a bit stack (1: object, 0: array) instead of
    /// recursion; `value`: whether a value starts here.
    fn run(&mut self, mut open: u128, mut depth: u32, mut value: bool) -> Option<()> {
        'value: loop {
            if value {
                self.ws();
                match self.peek()? {
                    b'"' => self.string()?,
                    b'{' | b'[' => {
                        let object = self.peek() == Some(b'{');
                        self.pos += 1;
                        self.ws();
                        let close = if object { b'}' } else { b']' };
                        if self.peek()? == close {
                            self.pos += 1;
                        } else {
                            if depth == MAX_DEPTH {
                                return None;
                            }
                            open = (open << 1) | u128::from(object);
                            depth += 1;
                            if object {
                                self.member_name()?;
                            }
                            continue 'value;
                        }
                    }
                    b't' => self.literal(b"true")?,
                    b'f' => self.literal(b"false")?,
                    b'n' => self.literal(b"null")?,
                    b'-' | b'0'..=b'9' => self.number()?,
                    _ => return None,
                }
            }
            value = true;
            // After a value: a comma and the next one, or the ends of
            // containers, or the end of the text.
            loop {
                self.ws();
                if depth == 0 {
                    return (self.pos == self.bytes.len()).then_some(());
                }
                let object = open & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        if object {
                            self.ws();
                            self.member_name()?;
                        }
                        continue 'value;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                self.pos += 1;
                open >>= 1;
                depth -= 1;
            }
        }
    }

    /// At a member name's quote: the name, whitespace and the colon.
    fn member_name(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.string()?;
        self.ws();
        if self.peek()? != b':' {
            return None;
        }
        self.pos += 1;
        Some(())
    }

    /// At an opening quote: moves past the closing one, checking what
    /// serde_json's `ignore_str` checks (no control character, escapes it
    /// knows, four hex digits after `\u`). Eight bytes at a time, as
    /// serde_json itself skips to the next quote, backslash or control
    /// character.
    #[inline]
    fn string(&mut self) -> Option<()> {
        let mut i = self.pos + 1;
        loop {
            // The first byte that is a quote, a backslash or below 0x20.
            while let Some(word) = word_at(self.bytes, i) {
                let stop = equal(word, b'"') | equal(word, b'\\') | control(word);
                if stop != 0 {
                    i += first_flagged(stop);
                    break;
                }
                i += 8;
            }
            while !matches!(*self.bytes.get(i)?, b'"' | b'\\' | 0..=0x1f) {
                i += 1;
            }
            match self.bytes[i] {
                b'"' => {
                    self.pos = i + 1;
                    return Some(());
                }
                b'\\' => {
                    let next = *self.bytes.get(i + 1)?;
                    if !escape_follows(next) {
                        return None;
                    }
                    i += 2;
                    if next == b'u' {
                        let hex = self.bytes.get(i..i + 4)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        i += 4;
                    }
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if !self.bytes.get(self.pos..)?.starts_with(word) {
            return None;
        }
        self.pos += word.len();
        Some(())
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as
    /// serde_json's `ignore_integer` reads it (one leading zero only).
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return None;
                }
            }
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IgnoredAny;

    fn serde_accepts(text: &str) -> bool {
        serde_json::from_str::<IgnoredAny>(text).is_ok()
    }

    #[test]
    fn accepts_what_serde_json_accepts_and_refuses_the_rest() {
        let docs = [
            "",
            " ",
            "{}",
            "[]",
            " {} ",
            "{} x",
            "{}{}",
            "1",
            "-0",
            "-",
            "01",
            "1.",
            "1.5",
            "1e",
            "1e+",
            "1E-7",
            "-1.5e10",
            "1.5.3",
            "2x",
            "true",
            "tru",
            "truex",
            "null",
            "nul",
            "false",
            "\"\"",
            "\"a",
            "\"\\u00e9\"",
            "\"\\u00g9\"",
            "\"\\u00\"",
            "\"\\x\"",
            "\"\\/\"",
            "\"a\u{1}\"",
            "\"é\"",
            "\"\\ud800\"",
            "[1,]",
            "[,1]",
            "[1 2]",
            "[1,2]",
            "{\"a\":1,}",
            "{,}",
            "{\"a\" 1}",
            "{\"a\":}",
            "{1:2}",
            "{\"a\":1 \"b\":2}",
            "{\"a\":[1,{\"b\":null}],\"c\":\"d\"}",
            "[[[]]]",
            "[[[]]",
            "[]]",
            "{]",
            "[}",
            "\t[\r\n1\n]\n",
            "\u{a0}1",
            "{\"a\":1}\u{0}",
            "\"aaaaaaaaaaaaaaaa\\\"bbbbbbbb\"",
            "\"aaaaaaaaaaaaaaa\u{1f}\"",
            "\"abcdefghijklmnopqrstuvwxyz",
        ];
        for doc in docs {
            assert_eq!(is_json(doc), serde_accepts(doc), "{doc:?}");
        }
    }

    #[test]
    fn a_reading_taken_up_inside_a_document_checks_the_rest() {
        let doc = r#"{"a": [1, {"b": "x"}], "c": true}"#;
        let at = |s: &str| doc.find(s).unwrap();
        // At the value `1`, inside the object (1) and the array (0).
        let one = Resume {
            at: at("1"),
            value: true,
            open: 0b10,
            depth: 2,
        };
        assert!(rest_is_json(doc, &one));
        // Just after `"x"`, inside the object, the array, the object.
        let after_x = Resume {
            at: at("\"x\"") + 3,
            value: false,
            open: 0b101,
            depth: 3,
        };
        assert!(rest_is_json(doc, &after_x));
        // The same place, with the containers wrong: the brackets do not match.
        assert!(!rest_is_json(
            doc,
            &Resume {
                open: 0b100,
                ..after_x
            }
        ));
        // A fault after the place is found; one before it is not looked at.
        let broken = doc.replace("true", "tru");
        assert!(!rest_is_json(&broken, &Resume { at: at("1"), ..one }));
        let before = doc.replace("{\"a\"", "{\"a\"\"");
        let skipped = Resume {
            at: at("1") + 1,
            ..one
        };
        assert!(rest_is_json(&before, &skipped));
    }

    #[test]
    fn deep_nesting_is_left_to_serde_json() {
        let depth = MAX_DEPTH as usize;
        let ok = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(is_json(&ok));
        // The innermost pair is empty, so this opens 129 levels.
        let deeper = format!("[[{ok}]]");
        assert!(!is_json(&deeper));
        assert!(serde_accepts(&deeper));
    }

    #[test]
    fn never_accepts_a_mutation_serde_json_refuses() {
        let base = r#"{"id":"9193a4b9","n":[1,-2.5e3,true,null,{"k":"v\"\\\u00e9"}],"t":"aaaaaaaaaaaaaaaaaaaaa"}"#;
        let bytes = b"\"\\{}[],: x0u\x01e.-+";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut doc = base.as_bytes().to_vec();
            for _ in 0..1 + seed % 3 {
                let at = (seed >> 8) as usize % (doc.len() + 1);
                let byte = bytes[(seed >> 20) as usize % bytes.len()];
                match (seed >> 30) % 3 {
                    0 if at < doc.len() => {
                        doc.remove(at);
                    }
                    1 if at < doc.len() => doc[at] = byte,
                    _ => doc.insert(at, byte),
                }
                seed = seed.rotate_left(17) ^ 0x5851_f42d_4c95_7f2d;
            }
            let Ok(text) = std::str::from_utf8(&doc) else {
                continue;
            };
            assert_eq!(is_json(text), serde_accepts(text), "{text:?}");
        }
    }
}
