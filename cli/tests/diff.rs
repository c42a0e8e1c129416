//! `eventbind diff` on a table of spec pairs: each pair is the base spec of
//! `fixtures/diff/shop` and a copy with one change (in objects, arrays,
//! unions, headers, routing), and must get its expected class. Every
//! breaking change must carry a witness, re-checked here with the oracle of
//! each spec: the old one accepts it, the new one rejects it.

use eventbind::diff::{diff, Class, Part, Report};
use eventbind::oracle::{source_validator, Router};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

fn base_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/shop")
}

fn base() -> Value {
    serde_json::from_str(&std::fs::read_to_string(base_dir().join("asyncapi.json")).unwrap())
        .unwrap()
}

/// The schema `name` of the components.
fn schema<'v>(spec: &'v mut Value, name: &str) -> &'v mut Value {
    spec.pointer_mut(&format!("/components/schemas/{name}"))
        .unwrap_or_else(|| panic!("no schema {name}"))
}

/// Property `member` of schema `name`.
fn prop<'v>(spec: &'v mut Value, name: &str, member: &str) -> &'v mut Value {
    &mut schema(spec, name)["properties"][member]
}

fn require(spec: &mut Value, name: &str, member: &str) {
    schema(spec, name)["required"]
        .as_array_mut()
        .unwrap()
        .push(json!(member));
}

fn unrequire(spec: &mut Value, name: &str, member: &str) {
    schema(spec, name)["required"]
        .as_array_mut()
        .unwrap()
        .retain(|m| m != member);
}

fn remove(value: &mut Value, key: &str) {
    value.as_object_mut().unwrap().remove(key);
}

/// Renames schema `from` to `to`, and every reference to it.
fn rename(spec: &mut Value, from: &str, to: &str) {
    let schemas = spec["components"]["schemas"].as_object_mut().unwrap();
    let def = schemas.remove(from).unwrap();
    schemas.insert(to.into(), def);
    let text = spec.to_string().replace(
        &format!("#/components/schemas/{from}\""),
        &format!("#/components/schemas/{to}\""),
    );
    *spec = serde_json::from_str(&text).unwrap();
}

/// Removes message `name` from the operation (and, with `everywhere`, from the spec).
fn drop_message(spec: &mut Value, name: &str, everywhere: bool) {
    spec["operations"]["receiveShop"]["messages"]
        .as_array_mut()
        .unwrap()
        .retain(|m| !m["$ref"].as_str().unwrap().ends_with(name));
    if everywhere {
        remove(&mut spec["channels"]["hooks"]["messages"], name);
        remove(&mut spec["components"]["messages"], name);
    }
}

type Case = (&'static str, Class, &'static str, fn(&mut Value));

/// (name, expected class, expected kind, the change).
fn cases() -> Vec<Case> {
    use Class::{Breaking as B, CodeBreaking as C, Compatible as OK};
    vec![
        // Objects.
        ("new required member", B, "required-added", |s| {
            *prop(s, "Order", "currency") = json!({"type": "string"});
            require(s, "Order", "currency");
        }),
        ("member now required", B, "member-required", |s| {
            require(s, "Order", "quantity")
        }),
        ("integer to string", B, "type-changed", |s| {
            *prop(s, "Order", "quantity") = json!({"type": "string"})
        }),
        ("number narrowed to integer", B, "number-narrowed", |s| {
            prop(s, "Order", "total")["type"] = json!("integer")
        }),
        ("enum value removed", B, "enum-value-removed", |s| {
            schema(s, "Status")["enum"] = json!(["open", "paid"])
        }),
        ("maximum tightened", B, "bound-tightened", |s| {
            prop(s, "Order", "total")["maximum"] = json!(100)
        }),
        ("minimum tightened", B, "bound-tightened", |s| {
            prop(s, "Order", "quantity")["minimum"] = json!(5)
        }),
        ("pattern changed", B, "pattern-changed", |s| {
            prop(s, "Order", "id")["pattern"] = json!("^[0-9]{8}$")
        }),
        ("object closed", B, "object-closed", |s| {
            schema(s, "Order")["additionalProperties"] = json!(false)
        }),
        (
            "member removed from a closed object",
            B,
            "member-removed",
            |s| remove(&mut schema(s, "Transfer")["properties"], "bic"),
        ),
        ("null removed", B, "null-removed", |s| {
            prop(s, "Order", "note")["type"] = json!("string")
        }),
        ("map values narrowed", B, "type-changed", |s| {
            prop(s, "Order", "meta")["additionalProperties"] = json!({"type": "integer"})
        }),
        ("any narrowed to string", B, "type-narrowed", |s| {
            *prop(s, "Order", "extra") = json!({"type": "string"})
        }),
        ("multipleOf added", B, "bound-tightened", |s| {
            prop(s, "Order", "quantity")["multipleOf"] = json!(5)
        }),
        ("exclusiveMaximum added", B, "bound-tightened", |s| {
            prop(s, "Order", "total")["exclusiveMaximum"] = json!(500)
        }),
        ("enum added", B, "enum-added", |s| {
            *prop(s, "OrderCancelled", "reason") =
                json!({"type": "string", "enum": ["late", "fraud"]})
        }),
        ("format added", B, "format-added", |s| {
            prop(s, "OrderCancelled", "id")["format"] = json!("uuid")
        }),
        // Arrays.
        ("items: maxLength tightened", B, "bound-tightened", |s| {
            prop(s, "Line", "sku")["maxLength"] = json!(4)
        }),
        ("items: minLength tightened", B, "bound-tightened", |s| {
            prop(s, "Line", "sku")["minLength"] = json!(10)
        }),
        ("items: pattern added", B, "pattern-added", |s| {
            prop(s, "Line", "sku")["pattern"] = json!("^[A-Z]+$")
        }),
        ("items: object closed", B, "object-closed", |s| {
            schema(s, "Line")["additionalProperties"] = json!(false)
        }),
        ("minItems tightened", B, "bound-tightened", |s| {
            prop(s, "Order", "lines")["minItems"] = json!(3)
        }),
        ("maxItems tightened", B, "bound-tightened", |s| {
            prop(s, "Order", "tags")["maxItems"] = json!(2)
        }),
        ("uniqueItems added", B, "unique-items-added", |s| {
            prop(s, "Order", "tags")["uniqueItems"] = json!(true)
        }),
        ("items narrowed", B, "type-changed", |s| {
            prop(s, "Order", "tags")["items"] = json!({"type": "integer"})
        }),
        // Unions.
        ("union branch removed", B, "variant-removed", |s| {
            schema(s, "Payment")["oneOf"]
                .as_array_mut()
                .unwrap()
                .truncate(1)
        }),
        ("union branch: pattern added", B, "pattern-added", |s| {
            prop(s, "Card", "last4")["pattern"] = json!("^[0-9]{4}$")
        }),
        (
            "union branch: new required member",
            B,
            "required-added",
            |s| {
                *prop(s, "Card", "brand") = json!({"type": "string"});
                require(s, "Card", "brand");
            },
        ),
        // Headers.
        ("header: new required member", B, "required-added", |s| {
            *prop(s, "Headers", "x-id") = json!({"type": "string"});
            require(s, "Headers", "x-id");
        }),
        ("header: minLength tightened", B, "bound-tightened", |s| {
            prop(s, "Headers", "x-signature")["minLength"] = json!(16)
        }),
        ("header: integer to string", B, "type-changed", |s| {
            prop(s, "Headers", "x-attempt")["type"] = json!("string")
        }),
        // Routing.
        ("message removed", B, "message-removed", |s| {
            drop_message(s, "OrderCancelled", true)
        }),
        ("message no longer routed", B, "message-unrouted", |s| {
            drop_message(s, "OrderCancelled", false)
        }),
        ("routing key removed", B, "key-removed", |s| {
            prop(s, "OrderCreated", "kind")["enum"] = json!(["order.created"])
        }),
        ("routing key renamed", B, "key-removed", |s| {
            prop(s, "OrderCancelled", "kind")["const"] = json!("order.canceled")
        }),
        // Generated code only.
        ("type renamed", C, "type-renamed", |s| {
            rename(s, "Status", "OrderStatus")
        }),
        ("union branch renamed", C, "type-renamed", |s| {
            rename(s, "Card", "CardPayment")
        }),
        ("member turned optional", C, "member-optional", |s| {
            unrequire(s, "Line", "qty")
        }),
        ("null added", C, "null-added", |s| {
            prop(s, "Line", "sku")["type"] = json!(["string", "null"])
        }),
        ("integer widened to number", C, "integer-widened", |s| {
            prop(s, "Order", "quantity")["type"] = json!("number")
        }),
        (
            "member removed from an open object",
            C,
            "member-removed",
            |s| remove(&mut schema(s, "Order")["properties"], "extra"),
        ),
        ("header turned optional", C, "member-optional", |s| {
            unrequire(s, "Headers", "x-signature")
        }),
        // Compatible.
        ("new optional member", OK, "optional-added", |s| {
            *prop(s, "Order", "coupon") = json!({"type": "string"})
        }),
        ("header: new optional member", OK, "optional-added", |s| {
            *prop(s, "Headers", "x-trace") = json!({"type": "string"})
        }),
        ("maximum widened", OK, "bound-widened", |s| {
            prop(s, "Order", "total")["maximum"] = json!(2000000)
        }),
        ("items: maxLength widened", OK, "bound-widened", |s| {
            prop(s, "Line", "sku")["maxLength"] = json!(64)
        }),
        ("enum value added", OK, "enum-value-added", |s| {
            schema(s, "Status")["enum"] = json!(["open", "paid", "shipped", "refunded"])
        }),
        ("object opened", OK, "object-opened", |s| {
            remove(schema(s, "Transfer"), "additionalProperties")
        }),
        ("pattern dropped", OK, "pattern-dropped", |s| {
            remove(prop(s, "Order", "id"), "pattern")
        }),
        ("routing key added", OK, "key-added", |s| {
            prop(s, "OrderCreated", "kind")["enum"] =
                json!(["order.created", "order.placed", "order.new"])
        }),
        ("union branch added", OK, "variant-added", |s| {
            schema(s, "Payment")["oneOf"]
                .as_array_mut()
                .unwrap()
                .push(json!({"$ref": "#/components/schemas/Wallet"}));
            s["components"]["schemas"]["Wallet"] = json!({"type": "object", "required": ["wallet_id"], "properties": {"wallet_id": {"type": "integer"}}, "additionalProperties": false});
        }),
        ("message added", OK, "message-added", |s| {
            s["components"]["messages"]["OrderShipped"] = json!({"name": "OrderShipped", "payload": {"$ref": "#/components/schemas/OrderShipped"}});
            s["components"]["schemas"]["OrderShipped"] = json!({"type": "object", "required": ["kind"], "properties": {"kind": {"const": "order.shipped", "type": "string"}}});
            s["channels"]["hooks"]["messages"]["OrderShipped"] =
                json!({"$ref": "#/components/messages/OrderShipped"});
            s["operations"]["receiveShop"]["messages"]
                .as_array_mut()
                .unwrap()
                .push(json!({"$ref": "#/channels/hooks/messages/OrderShipped"}));
        }),
    ]
}

/// Writes `spec` as a spec folder named `shop` under `dir`.
fn write_spec(dir: &Path, spec: &Value) -> PathBuf {
    let folder = dir.join("shop");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(
        base_dir().join("eventbind.toml"),
        folder.join("eventbind.toml"),
    )
    .unwrap();
    std::fs::write(
        folder.join("asyncapi.json"),
        serde_json::to_string_pretty(spec).unwrap(),
    )
    .unwrap();
    folder
}

/// Checks a breaking change's witness with both specs' oracles, apart from
/// the diff's own search.
fn check_witness(
    old: &eventbind_codegen::Loaded,
    new: &eventbind_codegen::Loaded,
    report: &Report,
    case: &str,
) -> usize {
    let mut checked = 0;
    for change in report.changes.iter().filter(|c| c.class == Class::Breaking) {
        let witness = change.witness.as_ref().unwrap_or_else(|| {
            panic!(
                "{case}: no witness for {} {}",
                change.kind, change.description
            )
        });
        let (before, after) = if witness.part == Part::Headers {
            let origin = |l: &eventbind_codegen::Loaded| {
                l.catalog
                    .message_named(&witness.message)
                    .and_then(|m| m.headers_origin.clone())
            };
            let old_ok = source_validator(old, &origin(old).unwrap())
                .unwrap()
                .is_valid(&witness.instance);
            let new_ok = origin(new).is_some_and(|o| {
                source_validator(new, &o)
                    .unwrap()
                    .is_valid(&witness.instance)
            });
            (old_ok, new_ok)
        } else {
            let bytes = serde_json::to_vec(&witness.instance).unwrap();
            let name = witness.name.as_deref();
            let routed = Router::for_spec(old).unwrap().route(name, &bytes);
            let old_ok =
                routed.valid && routed.message.as_deref() == Some(witness.message.as_str());
            let new_ok = Router::for_spec(new).unwrap().route(name, &bytes).valid;
            (old_ok, new_ok)
        };
        assert!(
            before,
            "{case}: old spec rejects the witness {}",
            witness.instance
        );
        assert!(
            !after,
            "{case}: new spec accepts the witness {}",
            witness.instance
        );
        checked += 1;
    }
    checked
}

#[test]
fn each_pair_gets_its_class_and_each_breaking_change_a_witness() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} pairs", cases.len());
    let work = tempfile::tempdir().unwrap();
    let old_dir = write_spec(&work.path().join("old"), &base());
    let old = eventbind_codegen::load(&old_dir).unwrap();
    let mut witnesses = 0;
    let mut failures = Vec::new();
    for (index, (case, class, kind, change)) in cases.iter().enumerate() {
        let mut spec = base();
        change(&mut spec);
        let new_dir = write_spec(&work.path().join(format!("new{index}")), &spec);
        let new = eventbind_codegen::load(&new_dir).unwrap_or_else(|e| panic!("{case}: {e}"));
        let report = diff(&old, &new).unwrap();
        let worst = report.changes.iter().map(|c| c.class).min();
        let found = report
            .changes
            .iter()
            .any(|c| c.class == *class && c.kind == *kind);
        if worst != Some(*class) || !found {
            failures.push(format!(
                "{case}: expected {class:?} {kind}, got\n{}",
                eventbind::diff::text(&report)
            ));
            continue;
        }
        for change in &report.changes {
            assert!(
                change.old.is_some() || change.new.is_some(),
                "{case}: a change with no place"
            );
        }
        witnesses += check_witness(&old, &new, &report, case);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every breaking pair has at least one witness.
    let breaking = cases.iter().filter(|c| c.1 == Class::Breaking).count();
    assert!(
        witnesses >= breaking,
        "{witnesses} witnesses for {breaking} breaking pairs"
    );
    eprintln!(
        "{} pairs, {breaking} breaking, {witnesses} witnesses checked",
        cases.len()
    );
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .current_dir(repo())
        .args(args)
        .output()
        .expect("eventbind runs")
}

#[test]
fn each_vendor_spec_against_itself_is_empty() {
    for vendor in ["commenda", "vertex", "avaza", "avalara-certcapture"] {
        let spec = format!("specs/{vendor}");
        let output = run(&["diff", "--json", &spec, &spec]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{vendor}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["changes"], json!([]), "{vendor}");
    }
}

#[test]
fn a_removed_commenda_topic_is_breaking_and_named() {
    let work = tempfile::tempdir().unwrap();
    let copy = work.path().join("commenda");
    std::fs::create_dir_all(&copy).unwrap();
    let source = repo().join("specs/commenda");
    std::fs::copy(source.join("eventbind.toml"), copy.join("eventbind.toml")).unwrap();
    let text = std::fs::read_to_string(source.join("asyncapi.yaml")).unwrap();
    // The topic goes from the channel and the operation.
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("messages/NexusThresholdStateAlert'"))
        .filter(|l| l.trim_end() != "      NexusThresholdStateAlert:")
        .collect();
    assert_eq!(
        kept.len() + 3,
        text.lines().count(),
        "three lines name the message"
    );
    std::fs::write(copy.join("asyncapi.yaml"), kept.join("\n")).unwrap();
    let output = run(&["diff", "specs/commenda", copy.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next().unwrap_or_default();
    assert!(line.starts_with("breaking"), "{text}");
    assert!(
        line.contains("NexusThresholdStateAlert") && line.contains("NEXUS.THRESHOLD.STATE.ALERT"),
        "{text}"
    );
    assert!(
        text.contains("witness:") && text.contains("new rejects at \"/topic\""),
        "{text}"
    );
    let json = run(&["diff", "--json", "specs/commenda", copy.to_str().unwrap()]);
    assert_eq!(json.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let change = &report["changes"][0];
    assert_eq!(change["class"], "breaking");
    assert_eq!(
        change["old"],
        "asyncapi.yaml#/operations/receiveCommendaEvent"
    );
    assert_eq!(
        change["witness"]["instance"]["topic"],
        "NEXUS.THRESHOLD.STATE.ALERT"
    );
}

#[test]
fn git_compares_the_checked_in_spec_with_a_revision() {
    let output = run(&["diff", "--git", "HEAD", "cli/tests/fixtures/diff/shop"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout)
        .contains("0 breaking, 0 code-breaking, 0 compatible"));
    let bad = run(&["diff", "--git", "no-such-revision", "specs/commenda"]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(run(&["diff", "specs/commenda"]).status.code(), Some(2));
}
