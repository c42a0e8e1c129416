//! JSON Pointer (RFC 6901) helpers over `serde_json::Value`.

use serde_json::Value;

/// Escapes one reference token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `pointer` with `token` appended.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// The tokens of a pointer; `None` if it is not a valid pointer.
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(unescape).collect())
}

/// The node at `pointer`, if any.
pub fn get<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    let mut node = root;
    for token in tokens(pointer)? {
        node = match node {
            Value::Object(map) => map.get(&token)?,
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
        assert_eq!(percent_decode("%7Bid%7D"), "{id}");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
