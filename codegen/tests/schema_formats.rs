//! Payloads in other schema formats load into the same model: Avro 1.9
//! (records, enums, unions, arrays, maps, fixed, logical types, named-type
//! references) and OpenAPI 3.0 (`nullable`, `discriminator`).

use eventbind_codegen::model::{Catalog, Ty, TyKind, TypeKind};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/asyncapi")
        .join(name)
}

fn catalog(name: &str) -> Catalog {
    eventbind_codegen::load(&fixture(name))
        .unwrap_or_else(|e| panic!("{e}"))
        .catalog
}

fn fields(catalog: &Catalog, ty: &str) -> Vec<(String, Ty, bool)> {
    let def = catalog
        .type_named(ty)
        .unwrap_or_else(|| panic!("type {ty}"));
    let TypeKind::Struct { fields, .. } = &def.kind else {
        panic!("{ty} is a struct")
    };
    fields
        .iter()
        .map(|f| (f.wire.clone(), f.ty.clone(), f.required))
        .collect()
}

fn field(catalog: &Catalog, ty: &str, wire: &str) -> (Ty, bool) {
    let (_, ty, required) = fields(catalog, ty)
        .into_iter()
        .find(|(w, _, _)| w == wire)
        .unwrap_or_else(|| panic!("{wire}"));
    (ty, required)
}

#[test]
fn avro_records_enums_unions_and_logical_types_load() {
    let catalog = catalog("avro");
    assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
    let message = catalog.message_named("userSignedUp").unwrap();
    assert_eq!(
        message.payload.as_ref().unwrap().kind,
        TyKind::Named {
            name: "UserSignedUp".into()
        },
        "a named root record is named after itself"
    );
    let string = |format: &str| TyKind::String {
        format: Some(format.into()),
    };
    assert_eq!(field(&catalog, "UserSignedUp", "id").0.kind, string("uuid"));
    assert_eq!(
        field(&catalog, "UserSignedUp", "signedUpAt").0.kind,
        string("date-time")
    );
    let (birthday, required) = field(&catalog, "UserSignedUp", "birthday");
    assert_eq!(birthday.kind, string("date"));
    assert!(birthday.nullable && !required, "[null, T] with a default");
    let (nickname, required) = field(&catalog, "UserSignedUp", "nickname");
    assert!(nickname.nullable && required, "[null, T] without a default");
    let (credit, _) = field(&catalog, "UserSignedUp", "credit");
    assert_eq!(
        credit.constraints.pattern.as_deref(),
        Some("^-?[0-9]{1,6}(\\.[0-9]{1,2})?$")
    );
    let plan = catalog.type_named("Plan").expect("the enum is a type");
    assert!(matches!(&plan.kind, TypeKind::Enum { values } if values.len() == 3));
    assert!(matches!(
        field(&catalog, "UserSignedUp", "counters").0.kind,
        TyKind::Map { .. }
    ));
    assert!(matches!(
        field(&catalog, "UserSignedUp", "tags").0.kind,
        TyKind::Array { .. }
    ));
    assert!(
        !field(&catalog, "UserSignedUp", "tags").1,
        "a default: optional"
    );
    let md5 = catalog.type_named("Md5").expect("fixed is a named type");
    assert!(
        matches!(&md5.kind, TypeKind::Newtype { inner } if inner.constraints.min_length == Some(16))
    );
    // A named type defined once and referred to by name later.
    let address = TyKind::Named {
        name: "Address".into(),
    };
    assert_eq!(field(&catalog, "UserSignedUp", "address").0.kind, address);
    let (previous, _) = field(&catalog, "UserSignedUp", "previous");
    assert_eq!(previous.kind, address);
    assert!(previous.nullable);
    let score = field(&catalog, "UserSignedUp", "score").0;
    let TyKind::Named { name } = &score.kind else {
        panic!("[int, double] is a union: {score:?}")
    };
    assert!(matches!(
        &catalog.type_named(name).unwrap().kind,
        TypeKind::Union { variants, .. } if variants.len() == 2
    ));
    // The +yaml variant, written inline.
    assert!(catalog.type_named("UserDeleted").is_some());
}

#[test]
fn avro_faults_name_the_file_and_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("asyncapi.yaml");
    std::fs::write(
        &path,
        "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  c:\n    subscribe:\n      message:\n        schemaFormat: application/vnd.apache.avro;version=1.9.0\n        payload:\n          type: record\n          name: R\n          fields:\n            - {name: a, type: Missing}\n",
    )
    .unwrap();
    let error = eventbind_codegen::load(&path).unwrap_err();
    assert_eq!(error.file, path);
    assert_eq!(
        error.pointer,
        "/channels/c/subscribe/message/payload/fields/0/type"
    );
    assert!(error.message.contains("\"Missing\""), "{error}");
}

#[test]
fn openapi_nullable_and_discriminator_load() {
    let catalog = catalog("openapi");
    assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
    let (name, required) = field(&catalog, "Cat", "name");
    assert!(name.nullable && required, "nullable: true");
    let union = catalog.type_named("PetSeenPayload").unwrap();
    let TypeKind::Union { variants, .. } = &union.kind else {
        panic!("a union")
    };
    let pins: Vec<String> = variants
        .iter()
        .map(|v| {
            v.ty.constraints.fallback.as_ref().unwrap()["properties"]["petType"]["enum"][0]
                .to_string()
        })
        .collect();
    assert_eq!(
        pins,
        ["\"cat\"", "\"dog\""],
        "the mapping, by $ref and by name"
    );
}

/// Avro-like JSON: type names, records, enums, unions, arrays, maps, fixed,
/// logical types, in any nesting and with any (mis)typed members.
fn arbitrary_avro() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    let leaf = prop_oneof![
        prop::sample::select(vec![
            "null", "boolean", "int", "long", "float", "double", "bytes", "string", "R", "E",
            "a.b.R", "record", "",
        ])
        .prop_map(|s| serde_json::json!(s)),
        any::<i32>().prop_map(|n| serde_json::json!(n)),
        Just(serde_json::Value::Null),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        let keys = prop::sample::select(vec![
            "type",
            "name",
            "namespace",
            "fields",
            "symbols",
            "items",
            "values",
            "size",
            "logicalType",
            "precision",
            "scale",
            "default",
            "doc",
        ]);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::vec((keys, inner), 0..6).prop_map(|pairs| {
                serde_json::Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
                )
            }),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, ..Default::default() })]

    /// Any Avro payload either loads (and emits Rust) or names its fault; no panic.
    #[test]
    fn random_avro_payloads_never_panic(schema in arbitrary_avro()) {
        let dir = tempfile::tempdir().unwrap();
        let doc = serde_json::json!({
            "asyncapi": "3.0.0",
            "info": {"title": "t", "version": "1"},
            "components": {"messages": {"m": {"payload": {
                "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
                "schema": schema
            }}}}
        });
        let path = dir.path().join("asyncapi.json");
        std::fs::write(&path, doc.to_string()).unwrap();
        match eventbind_codegen::load(&path) {
            Ok(loaded) => proptest::prop_assert!(eventbind_codegen::rust_module(&loaded.catalog, "fuzz").is_ok()),
            // Faults inside the converted schema are told at the Avro node.
            Err(error) => proptest::prop_assert_eq!(error.file, path),
        }
    }
}
