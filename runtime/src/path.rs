//! Locations inside a JSON document, built on the stack while validating and
//! rendered as a JSON Pointer (RFC 6901) only when an error is reported.

use std::fmt;

/// A location in a JSON document: a linked list from the leaf up to the root.
///
/// Building one costs nothing but a stack slot; nothing is allocated unless the
/// pointer is rendered, which happens only for errors.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// The document itself (pointer `""`).
    Root,
    /// A member of an object.
    Key(&'a Path<'a>, &'a str),
    /// An element of an array.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The location of member `key` below this one.
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }

    /// The location of element `index` below this one.
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }

    /// Renders the JSON Pointer, e.g. `/data/errors/0/type`.
    pub fn to_pointer(&self) -> String {
        let mut out = String::new();
        self.write_pointer(&mut out);
        out
    }

    fn write_pointer(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write_pointer(out);
                out.push('/');
                push_escaped(out, key);
            }
            Path::Index(parent, index) => {
                parent.write_pointer(out);
                out.push('/');
                out.push_str(&index.to_string());
            }
        }
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_pointer())
    }
}

/// Appends one reference token, escaped as RFC 6901 requires (`~` → `~0`, `/` → `~1`).
pub fn push_escaped(out: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Joins reference tokens into a JSON Pointer.
pub fn pointer_from_tokens<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for token in tokens {
        out.push('/');
        push_escaped(&mut out, token.as_ref());
    }
    out
}

/// Converts serde_path_to_error's path into a JSON Pointer.
pub fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let tokens = path.iter().filter_map(|segment| match segment {
        Segment::Seq { index } => Some(index.to_string()),
        Segment::Map { key } => Some(key.clone()),
        Segment::Enum { .. } | Segment::Unknown => None,
    });
    pointer_from_tokens(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_nested_pointer_with_escapes() {
        let root = Path::Root;
        let data = root.key("data");
        let errors = data.key("a/b~c");
        let first = errors.index(0);
        assert_eq!(first.to_pointer(), "/data/a~1b~0c/0");
        assert_eq!(Path::Root.to_pointer(), "");
    }
}
