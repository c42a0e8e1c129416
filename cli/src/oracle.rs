//! Routing and validating payloads against a spec at run time, without
//! generated code: what `eventbind route` (and later `drift` and `listen`) use.
//!
//! Keys are found by the same runtime code the derived enums use; payloads
//! are validated against the source schemas by the `jsonschema` crate, an
//! implementation independent of the generated validators.

use crate::{Error, Result};
use eventbind_codegen::model::{Operation, RouteRule};
use eventbind_codegen::Documents;
use eventbind_codegen::Loaded;
use eventbind_runtime::route::{seen_key, KeyRule, PresenceKeys};
use eventbind_runtime::{ErrorKind, PointerError};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What became of one payload.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Routed {
    /// The spec message it is, `None` when unknown or unroutable.
    pub message: Option<String>,
    /// The routing value seen (or given).
    pub key: Option<String>,
    pub valid: bool,
    pub errors: Vec<PointerError>,
    /// Why it failed, when it did.
    #[serde(skip)]
    pub kind: Option<ErrorKind>,
}

struct Candidate {
    name: String,
    keys: Vec<String>,
    validator: Option<jsonschema::Validator>,
}

/// A router for one operation of a loaded spec.
pub struct Router {
    rule: RouteRule,
    candidates: Vec<Candidate>,
}

impl Router {
    /// The router for the spec's first receive operation (or its first operation).
    pub fn for_spec(loaded: &Loaded) -> Result<Router> {
        let catalog = &loaded.catalog;
        let operation = catalog
            .operations
            .iter()
            .find(|o| o.action == eventbind_codegen::model::Action::Receive)
            .or_else(|| catalog.operations.first())
            .ok_or_else(|| Error::new(&loaded.root, "", "the spec has no operation to route"))?;
        Router::new(loaded, operation)
    }

    pub fn new(loaded: &Loaded, operation: &Operation) -> Result<Router> {
        let retriever = DocumentRetriever::new(&loaded.documents);
        let mut candidates = Vec::new();
        for routed in &operation.messages {
            let message = loaded
                .catalog
                .message_named(&routed.message)
                .ok_or_else(|| {
                    Error::new(&loaded.root, "", format!("no message {}", routed.message))
                })?;
            let validator = match &message.payload_origin {
                Some(origin) => Some(compile(origin, &retriever)?),
                None => None,
            };
            candidates.push(Candidate {
                name: message.name.clone(),
                keys: routed.keys.clone(),
                validator,
            });
        }
        Ok(Router {
            rule: operation.route.clone(),
            candidates,
        })
    }

    /// Names of the messages this router tells apart.
    pub fn message_names(&self) -> impl Iterator<Item = &str> {
        self.candidates.iter().map(|c| c.name.as_str())
    }

    /// Routes `bytes`; `name` is the event name for specs whose events are named from outside.
    pub fn route(&self, name: Option<&str>, bytes: &[u8]) -> Routed {
        let presence_keys: Vec<&str> = self
            .candidates
            .iter()
            .flat_map(|c| c.keys.iter().map(String::as_str))
            .collect();
        let rule = match &self.rule {
            RouteRule::Field { pointer } => KeyRule::Field(pointer),
            RouteRule::Presence => KeyRule::Presence(PresenceKeys::List(&presence_keys)),
            RouteRule::Name => KeyRule::Name,
        };
        // With one message and no name given, that message is meant.
        let single = match (&self.rule, name, self.candidates.as_slice()) {
            (RouteRule::Name, None, [only]) => Some(only.name.as_str()),
            _ => None,
        };
        let key = match seen_key(rule, name.or(single), bytes) {
            Ok(key) => key.into_owned(),
            Err(error) => {
                return failed(
                    None,
                    error.key().map(str::to_string),
                    error.kind(),
                    error.errors().to_vec(),
                )
            }
        };
        let instance: Value = match serde_json::from_slice(bytes) {
            Ok(value) => value,
            Err(error) => {
                let message = format!("line {} column {}: {error}", error.line(), error.column());
                return failed(
                    None,
                    Some(key),
                    ErrorKind::MalformedJson,
                    vec![PointerError::new("", message)],
                );
            }
        };
        let chosen: Vec<&Candidate> = self
            .candidates
            .iter()
            .filter(|c| c.keys.contains(&key))
            .collect();
        if chosen.is_empty() {
            let pointer = match &self.rule {
                RouteRule::Field { pointer } => pointer.clone(),
                _ => String::new(),
            };
            let error = PointerError::new(
                pointer,
                format!("unknown event {key:?}: no message of the spec has this key"),
            );
            return failed(None, Some(key), ErrorKind::UnknownEvent, vec![error]);
        }
        let results: Vec<(&Candidate, Vec<PointerError>)> = chosen
            .iter()
            .map(|c| (*c, validate(c, &instance)))
            .collect();
        let accepted: Vec<&Candidate> = results
            .iter()
            .filter(|(_, e)| e.is_empty())
            .map(|(c, _)| *c)
            .collect();
        match accepted.as_slice() {
            [one] => Routed {
                message: Some(one.name.clone()),
                key: Some(key),
                valid: true,
                errors: Vec::new(),
                kind: None,
            },
            [] => {
                // The candidate the payload comes closest to is the likely one.
                let Some((candidate, errors)) =
                    results.iter().min_by_key(|(_, errors)| errors.len())
                else {
                    return failed(None, Some(key), ErrorKind::InvalidPayload, Vec::new());
                };
                failed(
                    Some(candidate.name.clone()),
                    Some(key),
                    ErrorKind::InvalidPayload,
                    errors.clone(),
                )
            }
            many => {
                let names: Vec<&str> = many.iter().map(|c| c.name.as_str()).collect();
                let error = PointerError::new(
                    "",
                    format!(
                        "payload matches more than one message ({})",
                        names.join(", ")
                    ),
                );
                failed(None, Some(key), ErrorKind::InvalidPayload, vec![error])
            }
        }
    }
}

fn failed(
    message: Option<String>,
    key: Option<String>,
    kind: ErrorKind,
    errors: Vec<PointerError>,
) -> Routed {
    Routed {
        message,
        key,
        valid: false,
        errors,
        kind: Some(kind),
    }
}

fn validate(candidate: &Candidate, instance: &Value) -> Vec<PointerError> {
    let Some(validator) = &candidate.validator else {
        return Vec::new();
    };
    validator
        .iter_errors(instance)
        .map(|e| PointerError::new(e.instance_path().to_string(), e.to_string()))
        .collect()
}

/// A draft-07 validator (with format checks) for the source schema at
/// `origin` (`file#pointer`, as the model records it) of a loaded spec.
pub fn source_validator(loaded: &Loaded, origin: &str) -> Result<jsonschema::Validator> {
    compile(origin, &DocumentRetriever::new(&loaded.documents))
}

/// A draft-07 validator for the schema at `origin` (`file#pointer`), its
/// references resolved among the spec's own files.
fn compile(origin: &str, retriever: &DocumentRetriever) -> Result<jsonschema::Validator> {
    let (file, pointer) = origin.split_once('#').unwrap_or((origin, ""));
    let uri = file_uri(Path::new(file));
    let schema = serde_json::json!({ "$ref": format!("{uri}#{}", fragment(pointer)) });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        // Draft 7 has no `uuid` format, but AsyncAPI specs use it and the
        // generated code holds such fields as `uuid::Uuid`: check it the same way.
        .with_format("uuid", eventbind_runtime::format::is_hyphenated_uuid)
        .with_retriever(retriever.clone())
        .build(&schema)
        .map_err(|e| Error::new(file, pointer, format!("schema does not compile: {e}")))
}

/// Percent-encodes what a URI fragment cannot hold as is.
fn fragment(pointer: &str) -> String {
    let mut out = String::new();
    for byte in pointer.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' | b'$' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

fn file_uri(path: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let text = absolute.to_string_lossy().replace('\\', "/");
    let encoded: String = text
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    }
}

/// Serves the spec's already-parsed files to the validator (nothing is read
/// again, and nothing remote is fetched).
#[derive(Clone)]
struct DocumentRetriever {
    files: Arc<BTreeMap<String, Value>>,
}

impl DocumentRetriever {
    fn new(documents: &Documents) -> Self {
        let files = documents
            .files()
            .filter_map(|path| Some((file_uri(path), documents.root(path)?.clone())))
            .collect();
        DocumentRetriever {
            files: Arc::new(files),
        }
    }
}

impl jsonschema::Retrieve for DocumentRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> std::result::Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let key = uri.as_str().split('#').next().unwrap_or_default();
        self.files.get(key).cloned().ok_or_else(|| {
            format!("{key} is not part of the spec (remote references are not fetched)").into()
        })
    }
}
