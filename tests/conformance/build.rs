//! Generates one module per test group of the JSON-Schema-Test-Suite (draft7,
//! required tests and optional format tests) through eventbind's own
//! pipeline: the group's schema is loaded as a JSON Schema file and emitted
//! as Rust, exactly as `eventbind generate` would.

use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Test files whose groups are counted, relative to the suite's tests/draft7.
const SETS: &[(&str, &str)] = &[("required", ""), ("format", "optional/format")];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let suite = manifest.join("../../../shared/corpora/json-schema-test-suite");
    assert!(
        suite.is_dir(),
        "JSON-Schema-Test-Suite is missing: expected {}; the project's `shared` folder must sit \
         at `../shared` beside this clone (see README, \"Before you start\")",
        suite.display()
    );
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", suite.display());
    println!(
        "cargo:rerun-if-changed={}",
        manifest.join("known-failures.txt").display()
    );
    let skipped = groups_that_do_not_compile(&manifest.join("known-failures.txt"));

    let mut modules = String::new();
    let mut table = String::from("pub static GROUPS: &[Group] = &[\n");
    for (set, dir) in SETS {
        let dir = suite.join("tests/draft7").join(dir);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for file in files {
            let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
            let groups: Vec<Value> =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            for (index, group) in groups.iter().enumerate() {
                let module = format!("{set}_{}_{index}", snake(&stem));
                let description = group["description"].as_str().unwrap_or_default();
                let outcome = if skipped.iter().any(|(f, g)| *f == stem && g == description) {
                    Err("listed as not compiling".to_string())
                } else {
                    generate(&suite, &out, &module, &group["schema"])
                };
                let fragments = matches!(&outcome, Ok(generated) if generated.fragments);
                let parse = match &outcome {
                    Ok(Generated { root, .. }) => {
                        writeln!(modules, "#[allow(dead_code, clippy::all)]\nmod {module} {{ include!(concat!(env!(\"OUT_DIR\"), \"/groups/{module}.rs\")); }}").unwrap();
                        format!("Some(|bytes| eventbind_runtime::from_slice::<{module}::{root}>(bytes).is_ok())")
                    }
                    Err(_) => "None".to_string(),
                };
                let error = match &outcome {
                    Ok(_) => "None".to_string(),
                    Err(e) => format!("Some({e:?})"),
                };
                writeln!(
                    table,
                    "    Group {{ set: {set:?}, file: {stem:?}, description: {description:?}, parse: {parse}, generation_error: {error}, fragments: {fragments}, tests: &["
                )
                .unwrap();
                for case in group["tests"].as_array().into_iter().flatten() {
                    writeln!(
                        table,
                        "        Case {{ description: {:?}, data: {:?}, valid: {} }},",
                        case["description"].as_str().unwrap_or_default(),
                        case["data"].to_string(),
                        case["valid"].as_bool().unwrap_or(false)
                    )
                    .unwrap();
                }
                table.push_str("    ] },\n");
            }
        }
    }
    table.push_str("];\n");
    std::fs::write(out.join("groups.rs"), format!("{modules}\n{table}")).unwrap();
}

/// What `generate` made of a group.
struct Generated {
    /// The root type's name.
    root: String,
    /// Whether the module has `#[validate(schema = ...)]` fragments.
    fragments: bool,
}

/// Writes the group's schema as a file and generates its module.
fn generate(suite: &Path, out: &Path, module: &str, schema: &Value) -> Result<Generated, String> {
    let dir = out.join("schemas").join(module);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("root.json");
    std::fs::write(&path, schema.to_string()).unwrap();
    let options = eventbind_codegen::LoadOptions::default()
        .strict(true)
        .map_remote("http://localhost:1234/", suite.join("remotes"));
    let loaded = eventbind_codegen::load_with(&path, &options).map_err(|e| e.to_string())?;
    let root = loaded
        .catalog
        .types
        .iter()
        .find(|t| t.origin.ends_with("root.json#"))
        .map(|t| t.name.clone())
        .ok_or("no root type")?;
    let module_source =
        eventbind_codegen::rust_module(&loaded.catalog, "from a JSON-Schema-Test-Suite group")
            .map_err(|e| e.to_string())?;
    let fragments = module_source.contains("schema = ");
    std::fs::create_dir_all(out.join("groups")).unwrap();
    std::fs::write(
        out.join("groups").join(format!("{module}.rs")),
        module_source,
    )
    .unwrap();
    Ok(Generated { root, fragments })
}

/// `file | group` lines of known-failures.txt marked `does not compile`.
fn groups_that_do_not_compile(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| l.contains("does not compile"))
        .filter_map(|l| {
            let mut parts = l.split(" | ");
            Some((
                parts.next()?.trim().to_string(),
                parts.next()?.trim().to_string(),
            ))
        })
        .collect()
}

/// `additionalItems` → `additional_items`, for module names.
fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    out
}
