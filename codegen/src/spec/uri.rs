//! Absolute URIs for `$id` bases and `$ref` targets (RFC 3986 reference
//! resolution, by `fluent-uri`), and their mapping to and from file paths.
//!
//! Spec authors write references loosely (spaces, non-ASCII); such
//! characters are percent-encoded before parsing, as browsers and the `url`
//! crate do, so the same `$ref` keeps resolving.

use super::pointer::percent_decode;
use std::fmt;
use std::path::{Path, PathBuf};

/// An absolute URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url(fluent_uri::Uri<String>);

impl Url {
    /// Parses an absolute URI.
    pub fn parse(text: &str) -> Result<Url, String> {
        fluent_uri::Uri::parse(lenient(text))
            .map(|uri| Url(uri.normalize()))
            .map_err(|(e, _)| e.to_string())
    }

    /// Resolves `reference` (absolute or relative) against this URI.
    pub fn join(&self, reference: &str) -> Result<Url, String> {
        let reference =
            fluent_uri::UriRef::parse(lenient(reference)).map_err(|(e, _)| e.to_string())?;
        reference
            .resolve_against(&self.0)
            .map(|uri| Url(uri.normalize()))
            .map_err(|e| e.to_string())
    }

    /// The fragment, still percent-encoded, if any.
    pub fn fragment(&self) -> Option<&str> {
        self.0.fragment().map(|fragment| fragment.as_str())
    }

    /// Removes the fragment.
    pub fn clear_fragment(&mut self) {
        self.0.set_fragment(None);
    }

    /// The scheme, lowercase.
    pub fn scheme(&self) -> &str {
        self.0.scheme().as_str()
    }

    /// The URI without its fragment, as text.
    pub fn without_fragment(&self) -> String {
        self.0.strip_fragment().as_str().to_string()
    }

    /// The `file:` URI of an absolute path.
    pub fn from_file_path(path: &Path) -> Option<Url> {
        if !path.is_absolute() {
            return None;
        }
        let text = path.to_string_lossy().replace('\\', "/");
        let mut uri = String::from("file://");
        if !text.starts_with('/') {
            uri.push('/');
        }
        for byte in text.bytes() {
            if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
                uri.push(byte as char);
            } else {
                uri.push_str(&format!("%{byte:02X}"));
            }
        }
        Url::parse(&uri).ok()
    }

    /// The path a `file:` URI names (on this machine: no host, or `localhost`).
    pub fn to_file_path(&self) -> Option<PathBuf> {
        if self.scheme() != "file" {
            return None;
        }
        let host = self.0.authority().map(|a| a.host()).unwrap_or_default();
        if !host.is_empty() && host != "localhost" {
            return None;
        }
        Some(PathBuf::from(percent_decode(self.0.path().as_str())))
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// `text` with every byte RFC 3986 does not allow in a URI reference
/// percent-encoded (an existing `%XX` is kept).
fn lenient(text: &str) -> String {
    const ALLOWED: &[u8] = b"-._~:/?#[]@!$&'()*+,;=%";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || ALLOWED.contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_references_and_file_paths() {
        let base = Url::parse("https://example.com/schemas/a/root.json").unwrap();
        assert_eq!(
            base.join("../b/item.json#/definitions/x")
                .unwrap()
                .to_string(),
            "https://example.com/schemas/b/item.json#/definitions/x"
        );
        let file = Url::from_file_path(Path::new("/tmp/my specs/ü.yaml")).unwrap();
        assert_eq!(file.to_string(), "file:///tmp/my%20specs/%C3%BC.yaml");
        assert_eq!(
            file.join("other file.json")
                .unwrap()
                .to_file_path()
                .unwrap(),
            PathBuf::from("/tmp/my specs/other file.json")
        );
        let mut with_fragment = file.join("#/a").unwrap();
        assert_eq!(with_fragment.fragment(), Some("/a"));
        with_fragment.clear_fragment();
        assert_eq!(with_fragment, file);
    }
}
