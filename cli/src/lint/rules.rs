//! eventbind's own rules: what the official schema allows but generation
//! cannot use well (or at all).

use super::walk::{self, Visit};
use super::{Finding, Severity};
use eventbind_codegen::model::{Action, Catalog, Operation, RouteOrigin, TypeKind};
use eventbind_codegen::Loaded;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The rule findings for the spec at `spec` (read with `options`) whose
/// document is `document`.
pub fn findings(
    spec: &Path,
    options: &eventbind_codegen::LoadOptions,
    document: &Path,
) -> Vec<Finding> {
    let loaded = match eventbind_codegen::load_with(spec, options) {
        Ok(loaded) => loaded,
        Err(error) => return load_findings(&error),
    };
    let mut out = generation_warnings(&loaded.catalog.warnings);
    indistinguishable_messages(&loaded, document, &mut out);
    name_collisions(&loaded.catalog, &mut out);
    let files: Vec<PathBuf> = loaded.documents.files().cloned().collect();
    for file in files {
        if let Some(root) = loaded.documents.root(&file) {
            walk::objects(root, &mut |visit| {
                one_example_enum(&file, visit, &mut out);
                ref_under_id(&file, visit, &mut out);
            });
        }
    }
    out
}

/// A spec generation refuses: each fault it names (several when many
/// `$ref`s dangle) is a finding.
fn load_findings(error: &eventbind_codegen::Error) -> Vec<Finding> {
    let suggestion = |message: &str| {
        if message.contains("~1") {
            "escape `/` inside keys as `~1` (and `~` as `~0`) in JSON Pointers".to_string()
        } else if message.contains("$ref") {
            "point the $ref at a node that exists, in a file of the spec (nothing is fetched)"
                .to_string()
        } else {
            "fix the node so that eventbind can generate code from the document".to_string()
        }
    };
    let mut lines = error.message.lines();
    let first = lines.next().unwrap_or_default();
    let listed: Vec<Finding> = lines
        .filter_map(|line| {
            let (place, message) = line.trim_start().split_once(": ")?;
            let (file, pointer) = place.split_once('#').unwrap_or((place, ""));
            Some(Finding::new(
                Severity::Error,
                "load",
                Path::new(file),
                pointer,
                message,
                suggestion(message),
            ))
        })
        .collect();
    if !listed.is_empty() {
        return listed;
    }
    vec![Finding::new(
        Severity::Error,
        "load",
        &error.file,
        error.pointer.clone(),
        first,
        suggestion(first),
    )]
}

/// What generation warns about (a keyword or format not checked, a payload
/// kept as JSON, messages sharing a routing value), each at its node.
fn generation_warnings(warnings: &[String]) -> Vec<Finding> {
    warnings
        .iter()
        .filter_map(|warning| {
            let (place, message) = warning.split_once(": ")?;
            let (file, pointer) = place.split_once('#')?;
            Some(Finding::new(
                Severity::Warning,
                "generation",
                Path::new(file),
                pointer,
                message,
                "the generated code does not check or type this as the schema says; see the message",
            ))
        })
        .collect()
}

/// Operations of several messages that nothing in the body tells apart.
fn indistinguishable_messages(loaded: &Loaded, document: &Path, out: &mut Vec<Finding>) {
    let root = loaded.documents.root(&loaded.root);
    for operation in &loaded.catalog.operations {
        if operation.messages.len() < 2 || operation.route_origin != RouteOrigin::Default {
            continue;
        }
        let names: Vec<&str> = operation
            .messages
            .iter()
            .map(|m| m.message.as_str())
            .collect();
        out.push(Finding::new(
            Severity::Warning,
            "indistinguishable-messages",
            document,
            operation_pointer(root, operation),
            format!(
                "operation {} carries {} messages ({}) and no field of their payloads tells them apart: \
                 its events can only be named from outside the body",
                operation.id,
                names.len(),
                names.join(", ")
            ),
            format!(
                "pin one field in every payload to values of its own (`const`, a one-value `enum` or a \
                 `discriminator`), or set [route.{}] in eventbind.toml",
                operation.id
            ),
        ));
    }
}

/// Where an operation is in the document: 3.x `operations/<id>` (its reply
/// under it), 2.x `channels/<channel>/subscribe|publish`.
fn operation_pointer(root: Option<&Value>, operation: &Operation) -> String {
    let escape = |token: &str| token.replace('~', "~0").replace('/', "~1");
    if let Some(request) = &operation.reply_to {
        return format!("/operations/{}/reply", escape(request));
    }
    let v3 = format!("/operations/{}", escape(&operation.id));
    if root.is_some_and(|r| r.pointer(&v3).is_some()) {
        return v3;
    }
    let verb = match operation.action {
        Action::Receive => "subscribe",
        Action::Send => "publish",
    };
    format!("/channels/{}/{verb}", escape(&operation.channel))
}

/// A closed one-value `enum` whose value is also its example: one value
/// seen is not a closed set (and it is a routing key only when deliberate).
fn one_example_enum(file: &Path, visit: &Visit, out: &mut Vec<Finding>) {
    let Some(Value::Array(values)) = visit.map.get("enum") else {
        return;
    };
    let [value] = values.as_slice() else {
        return;
    };
    let in_examples =
        matches!(visit.map.get("examples"), Some(Value::Array(list)) if list.contains(value));
    if visit.map.get("example") != Some(value) && !in_examples {
        return;
    }
    out.push(Finding::new(
        Severity::Warning,
        "one-example-enum",
        file,
        format!("{}/enum", visit.pointer),
        format!("a closed enum of one value, {value}, which is also its example"),
        "a value seen once is not the only one allowed: drop `enum` and keep the example, \
         or write `const` if the value really is fixed",
    ));
}

/// A `$ref` read against a base an `$id` above it sets, not the file's own place.
fn ref_under_id(file: &Path, visit: &Visit, out: &mut Vec<Finding>) {
    let (Some(Value::String(reference)), Some((id, id_at))) =
        (visit.map.get("$ref"), visit.id_above)
    else {
        return;
    };
    // A fragment-only reference stays in the document, whatever the base.
    if reference.starts_with('#') {
        return;
    }
    out.push(Finding::new(
        Severity::Warning,
        "ref-under-id",
        file,
        format!("{}/$ref", visit.pointer),
        format!(
            "$ref {reference:?} is read against the base {id:?} that the $id at #{id_at} sets, \
             not against this file's location"
        ),
        "eventbind maps it to the local file declaring that $id (or beside this one), but other \
         tools fetch it from the network: keep each file's $id and path in step, or drop the $id",
    ));
}

/// Rust names that would be the same for different spec names.
fn name_collisions(catalog: &Catalog, out: &mut Vec<Finding>) {
    let place = |origin: &str| {
        let (file, pointer) = origin.split_once('#').unwrap_or((origin, ""));
        (PathBuf::from(file), pointer.to_string())
    };
    for operation in &catalog.operations {
        let mut variants: BTreeMap<&str, &str> = BTreeMap::new();
        for routed in &operation.messages {
            let Some(message) = catalog.message_named(&routed.message) else {
                continue;
            };
            match variants.insert(&message.variant, &message.name) {
                Some(other) if other != message.name => {
                    let (file, pointer) = place(&message.origin);
                    out.push(Finding::new(
                        Severity::Error,
                        "name-collision",
                        &file,
                        pointer,
                        format!(
                            "messages {other:?} and {:?} of operation {} are both the Rust variant {}",
                            message.name, operation.id, message.variant
                        ),
                        "give one of the messages a distinct `name`",
                    ));
                }
                _ => {}
            }
        }
        if let Some(def) = catalog.type_named(&operation.enum_name) {
            let (file, pointer) = place(&def.origin);
            out.push(Finding::new(
                Severity::Error,
                "name-collision",
                &file,
                pointer,
                format!(
                    "type {} has the name of the event enum of operation {}",
                    def.name, operation.id
                ),
                format!(
                    "rename the schema, or set [route.{}] enum = \"...\" in eventbind.toml",
                    operation.id
                ),
            ));
        }
    }
    for def in &catalog.types {
        let TypeKind::Struct { fields, .. } = &def.kind else {
            continue;
        };
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for field in fields {
            // Rust field names are snake case: wire names differing only in
            // case and separators become one name.
            let folded: String = field
                .wire
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            if let Some(other) = seen.insert(folded, &field.wire) {
                let (file, pointer) = place(&field.origin);
                out.push(Finding::new(
                    Severity::Warning,
                    "name-collision",
                    &file,
                    pointer,
                    format!(
                        "members {other:?} and {:?} of {} differ only in case or separators, \
                         and may become one Rust field name",
                        field.wire, def.name
                    ),
                    "rename one of the members, if the vendor allows it",
                ));
            }
        }
    }
}
