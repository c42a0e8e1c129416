//! Help for `$ref`s that resolve to nothing: the `~1`-escaped pointer a
//! reference meant when a key holds a `/`, and the local file that declares
//! an `$id` a reference names.

use super::access::Access;
use super::pointer;
use super::uris;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// How deep below an `$id`'s folder a file declaring it is looked for.
const MAX_SEARCH_DEPTH: usize = 3;
/// Most files read while looking for one `$id`.
const MAX_SEARCHED_FILES: usize = 256;

/// `" — did you mean ...?"` when `pointer` names nothing in `root` but would
/// if some of its `/`s were part of keys (`/paths/users/{id}` for the key
/// `users/{id}`), else `""`.
pub fn escaped_pointer_hint(root: Option<&Value>, pointer: &str) -> String {
    match root.and_then(|root| escaped_pointer(root, pointer)) {
        Some(meant) => format!(
            "; a key there holds a `/`, which a JSON Pointer writes as `~1`: did you mean \"#{meant}\"?"
        ),
        None => String::new(),
    }
}

/// The pointer `pointer` meant, with `/`s inside keys escaped, if one exists.
fn escaped_pointer(root: &Value, pointer: &str) -> Option<String> {
    let raw = pointer.strip_prefix('/')?;
    let tokens: Vec<String> = raw
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut out = String::new();
    let mut joined_any = false;
    let mut node = root;
    let mut i = 0;
    while i < tokens.len() {
        // The longest run of tokens that is a key here: keys with `/` first.
        let step = (1..=tokens.len() - i).rev().find_map(|n| {
            let key = tokens[i..i + n].join("/");
            let child = match node {
                Value::Object(map) => map.get(&key),
                Value::Array(items) if n == 1 => {
                    key.parse::<usize>().ok().and_then(|k| items.get(k))
                }
                _ => None,
            }?;
            Some((n, key, child))
        });
        let (n, key, child) = step?;
        joined_any |= n > 1;
        out.push('/');
        pointer::push_escaped(&mut out, &key);
        node = child;
        i += n;
    }
    joined_any.then_some(out)
}

/// The file at or below `dir` whose root `$id` is `uri` (without fragment).
pub fn file_declaring(dir: &Path, uri: &str, access: &Access) -> Option<PathBuf> {
    let mut pending = vec![(dir.to_path_buf(), 0)];
    let mut read = 0;
    while let Some((dir, depth)) = pending.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if depth < MAX_SEARCH_DEPTH {
                    pending.push((path, depth + 1));
                }
                continue;
            }
            let is_schema = path
                .extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml");
            if !is_schema || read >= MAX_SEARCHED_FILES {
                continue;
            }
            read += 1;
            let Ok(value) = super::parse::parse_file(&path, access) else {
                continue;
            };
            let Some(base) = uris::file_url(&path) else {
                continue;
            };
            if uris::root_id(&value, &base).is_some_and(|id| uris::without_fragment(&id) == uri) {
                return Some(path);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn suggests_the_escaped_pointer() {
        let doc = json!({"channels": {"user/signedup": {"messages": {"a": {}}}}});
        assert_eq!(
            escaped_pointer(&doc, "/channels/user/signedup/messages/a").as_deref(),
            Some("/channels/user~1signedup/messages/a")
        );
        assert_eq!(escaped_pointer(&doc, "/channels/user~1signedup"), None);
        assert_eq!(escaped_pointer(&doc, "/channels/nobody"), None);
    }
}
