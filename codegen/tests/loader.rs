//! The loader on hand-made fixtures, the AsyncAPI spec's own examples, and
//! damaged inputs: it either loads or names the file and pointer at fault,
//! and never panics or hangs.

use eventbind_codegen::load;
use eventbind_codegen::model::{TyKind, TypeKind};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// `../shared/corpora` beside the clone; panics naming it when missing.
fn corpus() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpora");
    assert!(
        path.is_dir(),
        "the test corpora are missing: expected {}; the project's `shared` folder must sit at \
         `../shared` beside this clone (see README, \"Before you start\")",
        path.display()
    );
    path
}

#[test]
fn relative_file_refs_and_cycles_load_and_box_the_recursion() {
    let loaded = load(&fixture("refs")).expect("fixture loads");
    let catalog = &loaded.catalog;
    let node = catalog
        .type_named("Node")
        .expect("Node from the referenced file");
    let TypeKind::Struct { fields, .. } = &node.kind else {
        panic!("Node is a struct")
    };
    let names: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(
        names,
        ["label", "parent", "children", "owner"],
        "declaration order"
    );
    assert!(
        catalog.type_named("Person").is_some(),
        "Person from a YAML file two refs away"
    );
    // A component that is only a reference keeps its own name as a newtype.
    let owner = catalog.type_named("Owner").expect("Owner");
    assert!(
        matches!(&owner.kind, TypeKind::Newtype { inner } if inner.kind == TyKind::Named { name: "Person".into() })
    );
    assert!(
        catalog.type_named("WeirdNameKey").is_some(),
        "escaped component key"
    );

    let source = eventbind_codegen::rust_module(catalog, "refs").unwrap();
    assert!(source.contains("pub parent: Option<Box<Node>>"), "{source}");
    assert!(
        source.contains("pub children: Option<Vec<Node>>"),
        "{source}"
    );
    assert!(
        source.contains("pub manager: Option<Box<Person>>"),
        "{source}"
    );
}

#[test]
fn message_traits_apply_per_version() {
    let v2 = load(&fixture("traits-v2")).unwrap().catalog;
    let message = v2.message_named("UserSignedUp").unwrap();
    assert!(message.headers.is_some(), "2.x trait headers are applied");
    let TyKind::Named { name } = &message.headers.as_ref().unwrap().kind else {
        panic!()
    };
    let TypeKind::Struct { fields, .. } = &v2.type_named(name).unwrap().kind else {
        panic!()
    };
    assert!(fields[0].required);
    assert_eq!(v2.operations[0].enum_name, "UserSignedUpEvent");

    let v3 = load(&fixture("traits-v3")).unwrap().catalog;
    let message = v3.message_named("UserSignedUp").unwrap();
    assert_eq!(
        message.summary.as_deref(),
        Some("From the message"),
        "3.x: the message wins over its trait"
    );
    assert!(message.headers.is_some(), "3.x trait headers are applied");
}

fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(spec_files(&path));
        } else if path
            .extension()
            .is_some_and(|e| e == "yml" || e == "yaml" || e == "json")
        {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn every_asyncapi_spec_example_loads_and_emits_rust() {
    for version in ["v2.6.0", "v3.0.0"] {
        let files = spec_files(&corpus().join("asyncapi-spec-examples").join(version));
        assert!(files.len() >= 15, "{version}: only {} files", files.len());
        let mut loaded = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            if !text.contains("asyncapi:") && !text.contains("\"asyncapi\"") {
                continue; // a schema file referenced by another example
            }
            // The social-media example's services share `../common`, outside
            // each service's folder (the default root): allowed explicitly.
            let common = corpus()
                .join("asyncapi-spec-examples")
                .join(version)
                .join("social-media/common");
            let options = eventbind_codegen::LoadOptions::default().allow_root(common);
            let spec = eventbind_codegen::load_with(&file, &options)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let module =
                eventbind_codegen::rust_module(&spec.catalog, &file.to_string_lossy()).unwrap();
            assert!(module.contains("pub "), "{}", file.display());
            loaded += 1;
        }
        assert!(loaded >= 15, "{version}: only {loaded} documents loaded");
    }
}

fn write_spec(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("asyncapi.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn errors_name_the_file_and_the_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("asyncapi: 1.2.0\ninfo: {title: t, version: '1'}\n", "/asyncapi"),
        (
            "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A: {type: strin}\n",
            "/components/schemas/A/type",
        ),
        (
            "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A: {$ref: 'https://example.com/a.json'}\n",
            "/components/schemas/A/$ref",
        ),
        (
            "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A: {type: string, minLength: -1}\n",
            "/components/schemas/A/minLength",
        ),
        (
            "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
            "/components/schemas/A",
        ),
        (
            "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\noperations:\n  op: {action: listen, channel: {$ref: '#/channels/c'}}\nchannels: {c: {address: c}}\n",
            "/operations/op/action",
        ),
    ];
    for (text, pointer) in cases {
        let path = write_spec(dir.path(), text);
        let error = load(&path).expect_err(text);
        assert_eq!(error.file, path, "{error}");
        assert!(error.pointer.starts_with(pointer), "{text}: got {error}");
    }
    let path = write_spec(dir.path(), "asyncapi: 3.0.0\n  bad: [indent\n");
    let error = load(&path).unwrap_err();
    assert!(error.message.contains("invalid YAML"), "{error}");
}

/// A JSON value of bounded size and depth, keys drawn from schema keywords so
/// that the loader's interesting paths are reached.
fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let keys = prop::sample::select(vec![
        "type",
        "properties",
        "items",
        "$ref",
        "allOf",
        "anyOf",
        "oneOf",
        "enum",
        "const",
        "required",
        "additionalProperties",
        "minLength",
        "maximum",
        "format",
        "payload",
        "messages",
        "schemas",
        "name",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i32>().prop_map(|n| serde_json::json!(n)),
        prop::sample::select(vec![
            "object",
            "string",
            "integer",
            "array",
            "#/components/schemas/A",
            "#/",
            "uuid",
            "",
            "null"
        ])
        .prop_map(|s| serde_json::json!(s)),
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..5).prop_map(|pairs| {
                serde_json::Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Random schemas under components: load either succeeds (and emits parseable Rust) or errors.
    #[test]
    fn random_schemas_never_panic(schemas in prop::collection::vec(arbitrary_json(), 1..4)) {
        let dir = tempfile::tempdir().unwrap();
        let mut components = serde_json::Map::new();
        for (i, schema) in schemas.into_iter().enumerate() {
            components.insert(["A", "B", "C", "D"][i].to_string(), schema);
        }
        let doc = serde_json::json!({
            "asyncapi": "3.0.0",
            "info": {"title": "t", "version": "1"},
            "components": {"schemas": components}
        });
        let path = dir.path().join("asyncapi.json");
        std::fs::write(&path, doc.to_string()).unwrap();
        if let Ok(loaded) = load(&path) {
            prop_assert!(eventbind_codegen::rust_module(&loaded.catalog, "fuzz").is_ok());
        }
    }

    /// A real spec with one node replaced by random JSON.
    #[test]
    fn damaged_vendor_specs_never_panic(pick in 0usize..10_000, replacement in arbitrary_json()) {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/commenda/asyncapi.yaml");
        let text = std::fs::read_to_string(spec).unwrap();
        let mut doc: serde_json::Value = serde_norway::from_str(&text).unwrap();
        let mut pointers = Vec::new();
        collect_pointers(&doc, String::new(), &mut pointers);
        let target = &pointers[pick % pointers.len()];
        if let Some(node) = doc.pointer_mut(target) {
            *node = replacement;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("asyncapi.json");
        std::fs::write(&path, doc.to_string()).unwrap();
        if let Ok(loaded) = load(&path) {
            prop_assert!(eventbind_codegen::rust_module(&loaded.catalog, "fuzz").is_ok());
        }
    }
}

fn collect_pointers(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                collect_pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
