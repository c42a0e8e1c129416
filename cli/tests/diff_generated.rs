//! Witnesses of `eventbind diff` through generated code, for three pairs of
//! the table in `diff.rs`: the module generated from the old spec accepts
//! each witness, the one from the new spec rejects it. The six modules are
//! compiled in one scratch crate (its own target folder under the
//! workspace's, kept between runs so only the first run builds the runtime).

use eventbind::diff::{diff, Class, Part};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn base() -> Value {
    let path = repo().join("cli/tests/fixtures/diff/shop/asyncapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn schemas(spec: &mut Value) -> &mut Value {
    &mut spec["components"]["schemas"]
}

/// Three breaking changes: in an enum, an object and array items.
fn pairs() -> Vec<(&'static str, Value)> {
    let mut enum_removed = base();
    schemas(&mut enum_removed)["Status"]["enum"] = json!(["open", "paid"]);
    let mut required = base();
    schemas(&mut required)["Order"]["properties"]["currency"] = json!({"type": "string"});
    schemas(&mut required)["Order"]["required"]
        .as_array_mut()
        .unwrap()
        .push(json!("currency"));
    let mut items = base();
    schemas(&mut items)["Line"]["properties"]["sku"]["maxLength"] = json!(4);
    vec![
        ("enum value removed", enum_removed),
        ("new required member", required),
        ("items: maxLength tightened", items),
    ]
}

fn write_spec(dir: &Path, spec: &Value) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let base = repo().join("cli/tests/fixtures/diff/shop");
    std::fs::copy(base.join("eventbind.toml"), dir.join("eventbind.toml")).unwrap();
    std::fs::write(dir.join("asyncapi.json"), spec.to_string()).unwrap();
    dir.to_path_buf()
}

#[test]
fn witnesses_are_accepted_by_old_generated_code_and_rejected_by_new() {
    let work = tempfile::tempdir().unwrap();
    let scratch = work.path().join("scratch");
    std::fs::create_dir_all(scratch.join("src")).unwrap();
    let old = eventbind_codegen::load(&write_spec(&work.path().join("old/shop"), &base())).unwrap();
    let old_module = eventbind_codegen::rust_module(&old.catalog, "old").unwrap();
    std::fs::write(scratch.join("src/old.rs"), old_module).unwrap();
    let mut main = String::from(
        "use eventbind_runtime::Route;\n\
         mod old { include!(\"old.rs\"); }\n\
         /// Whether the module's event enum reads the payload as one of its messages.\n\
         fn accepts<E: Route>(bytes: &[u8]) -> bool {\n\
             matches!(E::route(None, bytes), Ok(event) if event.message_name().is_some())\n\
         }\n",
    );
    let mut checks = String::new();
    let mut expected = Vec::new();
    for (index, (case, spec)) in pairs().into_iter().enumerate() {
        let new = eventbind_codegen::load(&write_spec(
            &work.path().join(format!("new{index}/shop")),
            &spec,
        ))
        .unwrap();
        let module = eventbind_codegen::rust_module(&new.catalog, "new").unwrap();
        std::fs::write(scratch.join(format!("src/new{index}.rs")), module).unwrap();
        main.push_str(&format!(
            "mod new{index} {{ include!(\"new{index}.rs\"); }}\n"
        ));
        let report = diff(&old, &new).unwrap();
        let witnesses: Vec<&Value> = report
            .changes
            .iter()
            .filter(|c| c.class == Class::Breaking)
            .map(|c| {
                c.witness
                    .as_ref()
                    .expect("every breaking change has a witness")
            })
            .filter(|w| w.part == Part::Payload)
            .map(|w| &w.instance)
            .collect();
        assert!(!witnesses.is_empty(), "{case}: no witness");
        for (n, witness) in witnesses.into_iter().enumerate() {
            let file = scratch.join(format!("w{index}-{n}.json"));
            std::fs::write(&file, witness.to_string()).unwrap();
            checks.push_str(&format!(
                "    let bytes = std::fs::read({file:?}).unwrap();\n    \
                 println!(\"{index}-{n} {{}} {{}}\", accepts::<old::ShopEvent>(&bytes), accepts::<new{index}::ShopEvent>(&bytes));\n"
            ));
            expected.push(format!("{index}-{n} true false"));
        }
    }
    main.push_str(&format!("fn main() {{\n{checks}}}\n"));
    std::fs::write(scratch.join("src/main.rs"), main).unwrap();
    let runtime = repo().join("runtime");
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[package]\nname = \"eventbind-diff-scratch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\neventbind-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
             [workspace]\n\n[profile.dev]\ndebug = false\n",
            runtime.to_string_lossy()
        ),
    )
    .unwrap();
    // The workspace's lock file: the same versions as the rest, nothing fetched.
    std::fs::copy(repo().join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", repo().join("target/diff-scratch"))
        .env("CARGO_INCREMENTAL", "0")
        .args(["run", "--quiet", "--offline"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the scratch crate fails:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines, expected);
}
