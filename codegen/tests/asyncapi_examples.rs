//! Every document of the AsyncAPI spec's own examples, and every spec of our
//! own corpus (`fixtures/asyncapi`), generates a crate that compiles without
//! a warning; the examples our specs give round-trip through the generated
//! types and route to their message. All crates build in one scratch
//! workspace (`target/asyncapi-examples`), so dependencies build once.

mod scratch;

use eventbind_codegen::model::{Catalog, RouteRule, TyKind};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn corpus() -> PathBuf {
    scratch::repo().join("../shared/corpora/asyncapi-spec-examples")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/asyncapi")
}

/// How a corpus document is read: the social-media example's services share
/// `../common`, outside each service's own folder (the default root), so
/// that folder is allowed explicitly.
fn corpus_options() -> eventbind_codegen::LoadOptions {
    ["v2.6.0", "v3.0.0"]
        .iter()
        .fold(eventbind_codegen::LoadOptions::default(), |options, v| {
            options.allow_root(corpus().join(v).join("social-media/common"))
        })
}

/// The AsyncAPI documents under `dir` (schema files they reference are not).
fn documents(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "yml" || e == "yaml" || e == "json")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                let value: serde_norway::Value = serde_norway::from_str(&text).unwrap();
                if value.get("asyncapi").is_some() {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    out
}

/// A package name from a path below `base`: `v3.0.0/social-media/backend/asyncapi.yaml`
/// → `corpus-v3-0-0-social-media-backend-asyncapi`.
fn package(prefix: &str, base: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(base).unwrap().with_extension("");
    let words: String = relative
        .to_string_lossy()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}-{words}")
}

/// A test of the generated crate `krate`: each example payload parses into
/// its message's payload type and serialises back to the same JSON, and the
/// event enum routes it to that message.
fn round_trip_test(catalog: &Catalog, krate: &str) -> (String, usize) {
    let mut body = String::new();
    let mut count = 0;
    for operation in &catalog.operations {
        for routed in &operation.messages {
            let Some(message) = catalog.message_named(&routed.message) else {
                continue;
            };
            let Some(TyKind::Named { name: payload }) = message.payload.as_ref().map(|t| &t.kind)
            else {
                continue;
            };
            for example in &message.examples {
                let Some(json) = &example.payload else {
                    continue;
                };
                let name = match operation.route {
                    RouteRule::Name => format!("Some({:?})", message.name),
                    _ => "None".to_string(),
                };
                writeln!(
                    body,
                    "    check::<{krate}::{payload}, {krate}::{enum_name}>({name}, {message:?}, r####\"{json}\"####);",
                    enum_name = operation.enum_name,
                    message = message.name,
                )
                .unwrap();
                count += 1;
            }
        }
    }
    let test = format!(
        "//! Written by the asyncapi_examples test.\n\
         use eventbind_runtime::serde_json::{{self, Value}};\n\n\
         fn check<T, E>(name: Option<&str>, message: &str, json: &str)\n\
         where\n    T: serde::Serialize + serde::de::DeserializeOwned + eventbind_runtime::Validate,\n    \
         E: eventbind_runtime::Route,\n{{\n    \
         let typed: T = eventbind_runtime::from_slice(json.as_bytes()).unwrap_or_else(|e| panic!(\"{{message}}: {{e}}\\n{{json}}\"));\n    \
         let back = serde_json::to_value(&typed).unwrap();\n    \
         let original: Value = serde_json::from_str(json).unwrap();\n    \
         assert!(same(&back, &original), \"{{message}} round-trips: {{back}} is not {{original}}\");\n    \
         let event = E::route(name, json.as_bytes()).unwrap_or_else(|e| panic!(\"{{message}} routes: {{e}}\"));\n    \
         assert_eq!(event.message_name(), Some(message));\n}}\n\n\
         /// JSON equality, numbers by value (`2` is `2.0`: a `number` reads as `f64`).\n\
         fn same(a: &Value, b: &Value) -> bool {{\n    \
         match (a, b) {{\n        \
         (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),\n        \
         (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),\n        \
         (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w))),\n        \
         _ => a == b,\n    }}\n}}\n\n\
         #[test]\nfn examples_round_trip_and_route() {{\n{body}}}\n"
    );
    (test, count)
}

#[test]
fn every_example_document_and_fixture_generates_a_crate_that_compiles_without_warnings() {
    let mut workspace = scratch::Scratch::new("asyncapi-examples");
    let mut failures = Vec::new();
    let mut generated = 0;
    let corpus_documents = documents(&corpus());
    assert!(
        corpus_documents.len() >= 40,
        "only {} corpus documents",
        corpus_documents.len()
    );
    let mut replies = 0;
    for document in &corpus_documents {
        let package = package("corpus", &corpus(), document);
        let dir = match workspace.generate(document, &corpus_options(), &package) {
            Ok(dir) => dir,
            Err(error) => {
                failures.push(format!("{}: {error}", document.display()));
                continue;
            }
        };
        generated += 1;
        let catalog = eventbind_codegen::load_with(document, &corpus_options())
            .unwrap()
            .catalog;
        let source = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
        // Names as the documents give them: none made from an operation and a position.
        for message in &catalog.messages {
            let positional = catalog.operations.iter().any(|o| {
                message
                    .name
                    .strip_prefix(&format!("{}Message", o.id))
                    .is_some_and(|rest| {
                        !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())
                    })
            });
            assert!(
                !positional,
                "{}: message {}",
                document.display(),
                message.name
            );
        }
        let text = std::fs::read_to_string(document).unwrap();
        let value: serde_norway::Value = serde_norway::from_str(&text).unwrap();
        let has_reply = value
            .get("operations")
            .and_then(serde_norway::Value::as_mapping)
            .is_some_and(|ops| ops.values().any(|op| op.get("reply").is_some()));
        for operation in catalog.operations.iter().filter(|o| o.reply_to.is_some()) {
            assert!(
                source.contains(&format!("pub enum {} {{", operation.enum_name)),
                "{}: no enum for {}",
                document.display(),
                operation.id
            );
        }
        let reply_operations = catalog
            .operations
            .iter()
            .filter(|o| o.reply_to.is_some())
            .count();
        assert_eq!(has_reply, reply_operations > 0, "{}", document.display());
        replies += reply_operations;
    }
    assert!(replies >= 7, "only {replies} reply enums");
    let mut round_trips = Vec::new();
    let fixture_specs = documents(&fixtures());
    assert!(
        fixture_specs.len() >= 7,
        "only {} fixtures",
        fixture_specs.len()
    );
    for spec in &fixture_specs {
        let package = package("fixture", &fixtures(), spec);
        let dir = match workspace.generate(spec, &Default::default(), &package) {
            Ok(dir) => dir,
            Err(error) => {
                failures.push(format!("{}: {error}", spec.display()));
                continue;
            }
        };
        let catalog = eventbind_codegen::load(spec).unwrap().catalog;
        let (test, count) = round_trip_test(&catalog, &package.replace('-', "_"));
        if count > 0 {
            workspace.write(&dir.join("tests/examples.rs"), &test);
            round_trips.push(package);
        }
    }
    assert!(
        failures.is_empty(),
        "not generated:\n{}",
        failures.join("\n")
    );
    eprintln!(
        "{generated} corpus documents and {} fixtures generated",
        fixture_specs.len()
    );
    let diagnostics = workspace
        .cargo(&["build", "--workspace", "--offline"])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        diagnostics.is_empty(),
        "{} diagnostics:\n{}",
        diagnostics.len(),
        diagnostics.join("\n")
    );
    assert!(round_trips.len() >= 7, "round trips in {round_trips:?}");
    let mut args = vec!["test", "--offline", "--test", "examples"];
    for package in &round_trips {
        args.extend(["-p", package.as_str()]);
    }
    let diagnostics = workspace.cargo(&args).unwrap_or_else(|e| panic!("{e}"));
    assert!(diagnostics.is_empty(), "{}", diagnostics.join("\n"));
}
