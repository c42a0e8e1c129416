//! Specs whose generated code could not work are refused by `generate`,
//! each with the file and pointer at fault: a type that can hold no finite
//! value (a union or `$ref` cycle with no base case), and a pattern the
//! generated code cannot run. Recursive types with a base case, and patterns
//! the runtime runs by backtracking, still generate; and the code generated
//! for a recursive type answers a deeply nested payload with an error.

use eventbind_codegen::{Builder, Error};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

const NO_FINITE_VALUE: &str = "a type that can hold no finite value";

/// A spec folder holding `schema.json` (a plain JSON Schema), or
/// `asyncapi.json` when `schema` is an AsyncAPI document.
struct Spec {
    dir: tempfile::TempDir,
    file: PathBuf,
}

fn spec(schema: Value) -> Spec {
    let dir = tempfile::tempdir().expect("temp dir");
    let name = if schema.get("asyncapi").is_some() {
        "asyncapi.json"
    } else {
        "schema.json"
    };
    let file = dir.path().join(name);
    std::fs::write(&file, serde_json::to_vec_pretty(&schema).expect("json")).expect("writes");
    Spec { dir, file }
}

/// A JSON Schema with these `definitions`.
fn definitions(defs: Value) -> Spec {
    spec(json!({ "definitions": defs }))
}

/// Runs the build script path (`Builder::compile`, what `generate` runs):
/// the generated module, or the error.
fn generate(spec: &Spec) -> Result<String, Error> {
    let out = tempfile::tempdir().expect("temp dir");
    let written = Builder::new()
        .spec(spec.dir.path())
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile()?;
    Ok(std::fs::read_to_string(&written[0]).expect("module written"))
}

/// `generate` fails at `pointer` of the spec's file, saying `words`.
fn assert_refused_at(spec: &Spec, pointer: &str, words: &str) -> Error {
    let error = match generate(spec) {
        Ok(source) => panic!("generated, expected an error at {pointer}:\n{source}"),
        Err(error) => error,
    };
    assert_eq!(
        std::fs::canonicalize(&error.file).ok(),
        std::fs::canonicalize(&spec.file).ok(),
        "names the spec file: {error}"
    );
    assert_eq!(error.pointer, pointer, "{error}");
    assert!(error.message.contains(words), "{error}");
    let shown = error.to_string();
    assert!(shown.contains(&format!("#{pointer}: ")), "{shown}");
    error
}

fn assert_generates(spec: &Spec) -> String {
    generate(spec).unwrap_or_else(|e| panic!("refused: {e}"))
}

// Types with no finite value.

#[test]
fn a_one_of_of_itself_is_refused() {
    let spec = definitions(json!({ "P": { "oneOf": [{ "$ref": "#/definitions/P" }] } }));
    let error = assert_refused_at(&spec, "/definitions/P", NO_FINITE_VALUE);
    assert!(error.message.starts_with("P is "), "{error}");
}

#[test]
fn an_any_of_of_itself_is_refused() {
    let spec = definitions(json!({ "P": { "anyOf": [{ "$ref": "#/definitions/P" }] } }));
    assert_refused_at(&spec, "/definitions/P", NO_FINITE_VALUE);
}

#[test]
fn a_union_of_only_itself_twice_is_refused() {
    let spec = definitions(json!({
        "P": { "oneOf": [{ "$ref": "#/definitions/P" }, { "$ref": "#/definitions/P" }] }
    }));
    assert_refused_at(&spec, "/definitions/P", NO_FINITE_VALUE);
}

#[test]
fn a_two_step_union_cycle_is_refused_at_the_first_type_and_names_the_cycle() {
    let spec = definitions(json!({
        "A": { "oneOf": [{ "$ref": "#/definitions/B" }] },
        "B": { "anyOf": [{ "$ref": "#/definitions/A" }] }
    }));
    let error = assert_refused_at(&spec, "/definitions/A", NO_FINITE_VALUE);
    assert!(error.message.contains("(A -> B -> A)"), "{error}");
}

#[test]
fn an_object_whose_required_member_is_itself_is_refused() {
    let spec = definitions(json!({
        "Node": {
            "type": "object",
            "required": ["next"],
            "properties": { "next": { "$ref": "#/definitions/Node" } }
        }
    }));
    assert_refused_at(&spec, "/definitions/Node", NO_FINITE_VALUE);
}

#[test]
fn a_required_member_through_another_object_is_refused() {
    let spec = definitions(json!({
        "Outer": {
            "type": "object",
            "required": ["inner", "name"],
            "properties": {
                "name": { "type": "string" },
                "inner": { "$ref": "#/definitions/Inner" }
            }
        },
        "Inner": {
            "type": "object",
            "required": ["outer"],
            "properties": { "outer": { "$ref": "#/definitions/Outer" } }
        }
    }));
    let error = assert_refused_at(&spec, "/definitions/Outer", NO_FINITE_VALUE);
    assert!(
        error.message.contains("(Outer -> Inner -> Outer)"),
        "{error}"
    );
}

#[test]
fn an_array_of_at_least_one_of_itself_is_refused() {
    let spec = definitions(json!({
        "Nest": { "type": "array", "minItems": 1, "items": { "$ref": "#/definitions/Nest" } }
    }));
    assert_refused_at(&spec, "/definitions/Nest", NO_FINITE_VALUE);
}

#[test]
fn a_required_array_of_at_least_one_of_the_object_is_refused() {
    let spec = definitions(json!({
        "Node": {
            "type": "object",
            "required": ["children"],
            "properties": {
                "children": {
                    "type": "array",
                    "minItems": 2,
                    "items": { "$ref": "#/definitions/Node" }
                }
            }
        }
    }));
    assert_refused_at(&spec, "/definitions/Node", NO_FINITE_VALUE);
}

#[test]
fn a_map_that_must_hold_itself_is_refused() {
    let spec = definitions(json!({
        "Map": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": { "$ref": "#/definitions/Map" }
        }
    }));
    assert_refused_at(&spec, "/definitions/Map", NO_FINITE_VALUE);
}

#[test]
fn a_union_cycle_in_asyncapi_components_is_refused_in_its_file() {
    let spec = spec(json!({
        "asyncapi": "2.6.0",
        "info": { "title": "Loop", "version": "1.0.0" },
        "channels": {
            "loop": {
                "subscribe": {
                    "message": { "name": "looped", "payload": { "$ref": "#/components/schemas/Loop" } }
                }
            }
        },
        "components": {
            "schemas": { "Loop": { "oneOf": [{ "$ref": "#/components/schemas/Loop" }] } }
        }
    }));
    assert_refused_at(&spec, "/components/schemas/Loop", NO_FINITE_VALUE);
}

#[test]
fn a_cycle_in_a_referenced_file_is_refused_in_that_file() {
    let spec = definitions(json!({ "Uses": { "$ref": "other.json#/definitions/Q" } }));
    let other = spec.dir.path().join("other.json");
    let loop_ = json!({ "definitions": { "Q": { "oneOf": [{ "$ref": "#/definitions/Q" }] } } });
    std::fs::write(&other, loop_.to_string()).expect("writes");
    let error = generate(&spec).expect_err("refused");
    assert_eq!(
        std::fs::canonicalize(&error.file).ok(),
        std::fs::canonicalize(&other).ok(),
        "{error}"
    );
    assert_eq!(error.pointer, "/definitions/Q", "{error}");
    assert!(error.message.contains(NO_FINITE_VALUE), "{error}");
}

// Recursive types with a base case.

#[test]
fn a_tree_generates() {
    let spec = definitions(json!({
        "Tree": {
            "type": "object",
            "required": ["label", "children"],
            "properties": {
                "label": { "type": "string" },
                "children": { "type": "array", "items": { "$ref": "#/definitions/Tree" } }
            }
        }
    }));
    let source = assert_generates(&spec);
    assert!(source.contains("pub children: Vec<Tree>"), "{source}");
}

#[test]
fn a_linked_list_with_an_optional_next_generates() {
    let spec = definitions(json!({
        "List": {
            "type": "object",
            "required": ["value"],
            "properties": {
                "value": { "type": "integer" },
                "next": { "$ref": "#/definitions/List" }
            }
        }
    }));
    let source = assert_generates(&spec);
    assert!(source.contains("Option<Box<List>>"), "{source}");
}

#[test]
fn a_required_but_nullable_self_reference_generates() {
    let spec = definitions(json!({
        "List": {
            "type": "object",
            "required": ["next"],
            "properties": {
                "next": { "oneOf": [{ "$ref": "#/definitions/List" }, { "type": "null" }] }
            }
        },
        "Typed": {
            "type": ["object", "null"],
            "required": ["next"],
            "properties": { "next": { "$ref": "#/definitions/Typed" } }
        }
    }));
    assert_generates(&spec);
}

#[test]
fn unions_with_a_base_case_generate() {
    let spec = definitions(json!({
        "Expr": {
            "oneOf": [
                { "type": "integer" },
                { "type": "array", "minItems": 1, "items": { "$ref": "#/definitions/Expr" } }
            ]
        },
        "Pair": {
            "anyOf": [
                { "type": "string" },
                { "type": "object", "properties": { "left": { "$ref": "#/definitions/Pair" } } }
            ]
        },
        "Nest": { "type": "array", "items": { "$ref": "#/definitions/Nest" } }
    }));
    let source = assert_generates(&spec);
    assert!(
        source.contains("pub struct Nest(pub Vec<Nest>)"),
        "{source}"
    );
}

/// With a base case, but a variant that is the union itself: the reader
/// would try that variant on the same value without end (every value, for
/// a `oneOf`, which must rule the other variants out).
#[test]
fn a_union_that_is_one_of_its_own_variants_is_refused() {
    let spec = definitions(json!({
        "Expr": { "oneOf": [{ "type": "integer" }, { "$ref": "#/definitions/Expr" }] }
    }));
    let error = assert_refused_at(&spec, "/definitions/Expr", "read as itself again");
    assert!(error.message.contains("(Expr -> Expr)"), "{error}");

    let spec = definitions(json!({
        "A": { "anyOf": [{ "$ref": "#/definitions/B" }, { "type": "string" }] },
        "B": { "anyOf": [{ "type": "null" }, { "$ref": "#/definitions/A" }] }
    }));
    let error = assert_refused_at(&spec, "/definitions/A", "read as itself again");
    assert!(error.message.contains("(A -> B -> A)"), "{error}");
}

#[test]
fn a_non_empty_array_of_a_union_with_a_base_case_generates() {
    let spec = definitions(json!({
        "Groups": {
            "type": "array",
            "minItems": 1,
            "items": { "oneOf": [{ "type": "string" }, { "$ref": "#/definitions/Groups" }] }
        }
    }));
    assert_generates(&spec);
}

// Patterns.

/// Each place a pattern is read: a string's `pattern`, a `patternProperties`
/// key, and a `pattern` inside a compiled fragment (`not`).
fn pattern_specs(pattern: &str) -> Vec<(Spec, String)> {
    let escaped = pattern.replace('~', "~0").replace('/', "~1");
    vec![
        (
            definitions(json!({
                "Name": {
                    "type": "object",
                    "properties": { "name": { "type": "string", "pattern": pattern } }
                }
            })),
            "/definitions/Name/properties/name/pattern".to_string(),
        ),
        (
            definitions(json!({
                "Keyed": {
                    "type": "object",
                    "patternProperties": { pattern: { "type": "string" } }
                }
            })),
            format!("/definitions/Keyed/patternProperties/{escaped}"),
        ),
        (
            definitions(json!({
                "Not": { "type": "string", "not": { "pattern": pattern } }
            })),
            "/definitions/Not/not/pattern".to_string(),
        ),
    ]
}

#[test]
fn invalid_patterns_are_refused_where_they_are() {
    for pattern in ["([", "a{2,1}", r"(?<n>a)\k<m>", "(?<n", r"\p{NotAProperty}"] {
        for (spec, pointer) in pattern_specs(pattern) {
            let error = assert_refused_at(&spec, &pointer, "cannot be used");
            assert!(error.message.contains(&format!("{pattern:?}")), "{error}");
        }
    }
}

#[test]
fn a_backtracking_pattern_that_can_take_exponential_time_is_refused() {
    for (spec, pointer) in pattern_specs(r"^(a|a)*\1$") {
        assert_refused_at(&spec, &pointer, "exponentially");
    }
}

#[test]
fn a_pattern_that_is_not_a_string_is_refused() {
    let spec = definitions(json!({ "S": { "type": "string", "pattern": 7 } }));
    assert_refused_at(&spec, "/definitions/S/pattern", "pattern must be a string");
    let spec = definitions(json!({ "S": { "type": "string", "not": { "pattern": 7 } } }));
    assert_refused_at(
        &spec,
        "/definitions/S/not/pattern",
        "pattern must be a string",
    );
}

#[test]
fn valid_patterns_generate_with_either_engine() {
    // Linear (a finite automaton), then backtracking (backreference, lookahead).
    for pattern in [
        r"^(a+)+$",
        r"^[a-z]\d{2,}$",
        r"(a)\1",
        r"(?=a)a",
        r"(?<!b)c",
    ] {
        for (spec, pointer) in pattern_specs(pattern) {
            let source = generate(&spec).unwrap_or_else(|e| panic!("{pattern} at {pointer}: {e}"));
            // As a derive attribute, or inside a fragment's JSON.
            let literal = format!("{pattern:?}");
            let in_fragment = format!("{:?}", format!("{pattern:?}"));
            let in_fragment = &in_fragment[1..in_fragment.len() - 1];
            assert!(
                source.contains(&literal) || source.contains(in_fragment),
                "{pattern} at {pointer}:\n{source}"
            );
        }
    }
}

// The code generated for recursive types, on deep payloads.

/// The fixture's module, as `generate` writes it (held equal to the
/// generator's output by `the_recursive_fixture_module_is_what_generate_writes`).
mod recursive {
    include!("golden/hostile/recursive.rs");
}

fn recursive_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/recursive")
}

#[test]
fn the_recursive_fixture_module_is_what_generate_writes() {
    let out = tempfile::tempdir().expect("temp dir");
    let written = Builder::new()
        .spec(recursive_fixture())
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile()
        .expect("a recursive type with a base case generates");
    let actual = std::fs::read_to_string(&written[0]).expect("module written");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/hostile/recursive.rs");
    if std::env::var_os("EVENTBIND_BLESS").is_some() {
        std::fs::write(&path, &actual).expect("writes the golden file");
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with EVENTBIND_BLESS=1", path.display()));
    assert_eq!(
        actual,
        expected,
        "the output differs from {}",
        path.display()
    );
}

/// A quarter of the 2 MiB a server thread gets (as `runtime/tests/deep_nesting.rs`).
const SMALL_STACK: usize = 512 * 1024;
const LEVELS: usize = 100_000;

/// Runs `f` on a thread with a small stack; a stack overflow aborts the
/// whole test binary, which is the failure this guards.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawns")
        .join()
        .expect("does not panic")
}

#[test]
fn generated_recursive_types_answer_deep_payloads_with_errors() {
    use eventbind_runtime::ErrorKind;
    use recursive::ShapesEvent;
    on_small_stack(|| {
        let cases = [
            (
                "tree",
                format!(
                    "{}{{\"label\":\"x\"}}",
                    "{\"label\":\"x\",\"children\":[".repeat(LEVELS)
                ),
            ),
            ("expr", "[".repeat(LEVELS)),
            (
                "expr",
                format!("{}1{}", "[".repeat(LEVELS), "]".repeat(LEVELS)),
            ),
            ("list", "{\"next\":".repeat(LEVELS)),
            (
                "list",
                format!("{}null{}", "{\"next\":".repeat(LEVELS), "}".repeat(LEVELS)),
            ),
        ];
        for (name, payload) in cases {
            let error = ShapesEvent::parse_named(name, payload.as_bytes())
                .expect_err("nested past the depth limit");
            assert!(
                matches!(
                    error.kind(),
                    ErrorKind::MalformedJson | ErrorKind::InvalidPayload
                ),
                "{name}: {error}"
            );
        }
    });
}

#[test]
fn generated_recursive_types_read_payloads_within_the_depth_limit() {
    use recursive::{Expr, List, ShapesEvent};
    on_small_stack(|| {
        let depth = 100;
        let expr = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let mut read = ShapesEvent::parse_named("expr", expr.as_bytes()).expect("reads");
        for _ in 0..depth {
            let ShapesEvent::Expr(Expr::Array(mut inner)) = read else {
                panic!("an array level: {read:?}")
            };
            assert_eq!(inner.len(), 1);
            read = ShapesEvent::Expr(inner.remove(0));
        }
        assert_eq!(read, ShapesEvent::Expr(Expr::Integer(1)));
        // `[]` is the one value `minItems: 1` refuses, however deep.
        let empty = format!("{}[]{}", "[".repeat(3), "]".repeat(3));
        let error = ShapesEvent::parse_named("expr", empty.as_bytes()).expect_err("empty array");
        assert!(
            error.to_string().contains("at least 1 items, has 0"),
            "{error}"
        );

        let list = format!("{}null{}", "{\"next\":".repeat(depth), "}".repeat(depth));
        let ShapesEvent::List(mut at) =
            ShapesEvent::parse_named("list", list.as_bytes()).expect("reads")
        else {
            panic!("a list")
        };
        let mut length = 1;
        while let Some(next) = at.next {
            at = *next;
            length += 1;
        }
        assert_eq!(length, depth);
        let _: &List = &at;

        let tree = format!(
            "{}{{\"label\":\"X\"}}{}",
            "{\"label\":\"a\",\"children\":[".repeat(40),
            "]}".repeat(40)
        );
        let error =
            ShapesEvent::parse_named("tree", tree.as_bytes()).expect_err("X fails the pattern");
        let pointer = "/children/0".repeat(40) + "/label";
        assert!(error.to_string().contains(&pointer), "{error}");
    });
}
