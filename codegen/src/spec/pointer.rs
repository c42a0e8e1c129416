//! JSON Pointer (RFC 6901) helpers over `serde_json::Value`.

use serde_json::Value;
use std::borrow::Cow;

/// Escapes one reference token, borrowing it when it needs no escape (nearly always:
/// pointers are built and followed hundreds of thousands of times for a
/// large schema).
fn escaped(token: &str) -> Cow<'_, str> {
    if token.contains(['~', '/']) {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Unescapes one reference token, borrowing it when it has no escape.
fn unescaped(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// `pointer` with `token` appended.
pub fn join(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 1 + token.len());
    out.push_str(pointer);
    out.push('/');
    push_escaped(&mut out, token);
    out
}

/// Appends `token`, escaped, to `out` (no `/` before it).
pub fn push_escaped(out: &mut String, token: &str) {
    out.push_str(&escaped(token));
}

/// The tokens of a pointer, unescaped as they are read; `None` if it is not
/// a valid pointer.
fn raw_tokens(pointer: &str) -> Option<impl Iterator<Item = Cow<'_, str>>> {
    let rest = match pointer {
        "" => None,
        _ => Some(pointer.strip_prefix('/')?),
    };
    Some(
        rest.into_iter()
            .flat_map(|rest| rest.split('/'))
            .map(unescaped),
    )
}

/// The tokens of a pointer; `None` if it is not a valid pointer.
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    Some(raw_tokens(pointer)?.map(Cow::into_owned).collect())
}

/// The node at `pointer`, if any.
pub fn get<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut node = root;
    for token in raw_tokens(pointer)? {
        node = match node {
            Value::Object(map) => map.get(token.as_ref())?,
            Value::Array(items) => {
                // RFC 6901: no leading zeros, no sign.
                if token.len() > 1 && token.starts_with('0') {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(node)
}

/// Percent-decodes a URI fragment (e.g. `%7B` in a `$ref`).
pub fn percent_decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(byte) = u8::from_str_radix(&fragment[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gets_nodes_with_escapes() {
        let doc = json!({"a/b": {"c~d": [1, 2]}, "": 3});
        assert_eq!(get(&doc, "/a~1b/c~0d/1"), Some(&json!(2)));
        assert_eq!(get(&doc, "/"), Some(&json!(3)));
        assert_eq!(get(&doc, "/a~1b/c~0d/01"), None);
        assert_eq!(get(&doc, "x"), None);
        assert_eq!(get(&doc, ""), Some(&doc));
        assert_eq!(join("/a", "b/c~d"), "/a/b~1c~0d");
        assert_eq!(join("", "x"), "/x");
        assert_eq!(
            tokens("/a~1b/c~0d/~01"),
            Some(vec!["a/b".into(), "c~d".into(), "~1".into()])
        );
        assert_eq!(tokens(""), Some(vec![]));
        assert_eq!(tokens("a"), None);
        assert_eq!(percent_decode("%7Bid%7D"), "{id}");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
