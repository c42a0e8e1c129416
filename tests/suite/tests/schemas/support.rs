//! A vendor's spec, model and emitted schemas side by side, and validators
//! for both the emitted schemas and the source ones (the `jsonschema` crate,
//! an implementation independent of the emitter).

use eventbind_codegen::model::Message;
use eventbind_codegen::Loaded;
use eventbind_suite::{root, spec_dir};
use serde_json::{json, Value};
use std::path::PathBuf;

pub struct Vendor {
    pub name: &'static str,
    pub loaded: Loaded,
    /// The AsyncAPI document as JSON (the source schemas live in it).
    pub spec: Value,
    /// `generated/<vendor>/schemas`.
    pub schemas: PathBuf,
}

pub fn vendor(name: &'static str) -> Vendor {
    let loaded = eventbind_codegen::load(&spec_dir(name)).expect("spec loads");
    let text = std::fs::read_to_string(spec_dir(name).join("asyncapi.yaml")).expect("spec");
    let spec: Value = serde_norway::from_str(&text).expect("spec is YAML");
    Vendor {
        name,
        loaded,
        spec,
        schemas: root().join("generated").join(name).join("schemas"),
    }
}

impl Vendor {
    fn read(&self, file: &str) -> Value {
        let path = self.schemas.join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `eventbind generate`)", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// `schemas/<Message>.json`, as written on disk.
    pub fn message_schema(&self, message: &Message) -> Value {
        self.read(&eventbind_codegen::schema_file_name(message))
    }

    pub fn bundle(&self) -> Value {
        self.read("bundle.json")
    }

    /// The bundle's schema for the place `pointer` inside it (e.g. a definition).
    pub fn bundle_at(&self, pointer: &str) -> Value {
        let bundle = self.bundle();
        json!({
            "$ref": format!("#{}", fragment(pointer)),
            "definitions": bundle["definitions"].clone(),
        })
    }

    /// The source schema at `origin` (`file#pointer`): the spec document with
    /// a top-level `$ref` to it, so its own references resolve inside it.
    pub fn source_schema(&self, origin: &str) -> Value {
        let pointer = origin.split_once('#').map_or("", |(_, p)| p);
        let mut document = self.spec.clone();
        document["$ref"] = Value::String(format!("#{}", fragment(pointer)));
        document
    }

    pub fn messages(&self) -> &[Message] {
        &self.loaded.catalog.messages
    }
}

/// Draft-07 with formats checked; `uuid` (not a draft-07 format, but used by
/// the specs and held as `uuid::Uuid`) checked as the generated code does.
pub fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .with_format("uuid", eventbind_runtime::format::is_hyphenated_uuid)
        .build(schema)
        .unwrap_or_else(|e| panic!("schema does not compile: {e}\n{schema}"))
}

/// Error messages of `instance` against `validator` (empty when valid).
pub fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// A JSON Pointer as a URI fragment (percent-encoding what a fragment cannot hold).
pub fn fragment(pointer: &str) -> String {
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

/// A JSON Pointer token.
pub fn token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every schema position in `schema` that carries `examples`, as JSON Pointers.
pub fn example_sites(schema: &Value, here: String, out: &mut Vec<(String, Vec<Value>)>) {
    let Value::Object(map) = schema else {
        return;
    };
    if let Some(Value::Array(list)) = map.get("examples") {
        out.push((here.clone(), list.clone()));
    }
    for keyword in ["properties", "definitions"] {
        for (name, sub) in map
            .get(keyword)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            example_sites(sub, format!("{here}/{keyword}/{}", token(name)), out);
        }
    }
    for keyword in ["items", "additionalProperties", "not"] {
        if let Some(sub) = map.get(keyword) {
            example_sites(sub, format!("{here}/{keyword}"), out);
        }
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        for (index, sub) in map
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            example_sites(sub, format!("{here}/{keyword}/{index}"), out);
        }
    }
}

/// The schema at `pointer` of `document`, its references resolving in `document`.
pub fn schema_at(document: &Value, pointer: &str) -> Value {
    let mut schema = document.clone();
    schema["$ref"] = Value::String(format!("#{}", fragment(pointer)));
    schema
}

/// The emitted documents of a vendor: each message's schema, and the bundle.
pub fn emitted_documents(vendor: &Vendor) -> Vec<(String, Value)> {
    let mut documents: Vec<(String, Value)> = vendor
        .messages()
        .iter()
        .map(|m| {
            (
                eventbind_codegen::schema_file_name(m),
                vendor.message_schema(m),
            )
        })
        .collect();
    documents.push(("bundle.json".to_string(), vendor.bundle()));
    documents
}

/// What schemars derives for each type of `vendor`'s generated crate, by name.
pub fn derived(vendor: &str) -> Vec<(&'static str, Value)> {
    let schemas = match vendor {
        "avalara-certcapture" => eventbind_avalara_certcapture::derived_json_schemas(),
        "avaza" => eventbind_avaza::derived_json_schemas(),
        "commenda" => eventbind_commenda::derived_json_schemas(),
        "vertex" => eventbind_vertex::derived_json_schemas(),
        other => panic!("no generated crate for {other}"),
    };
    schemas
        .into_iter()
        .map(|(name, schema)| (name, serde_json::to_value(schema).expect("schema")))
        .collect()
}
