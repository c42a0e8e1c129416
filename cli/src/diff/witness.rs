//! Proof of a breaking change: a valid old event, bent at the place of the
//! change, that the old spec's oracle accepts and the new one's rejects.
//!
//! Instances come from the model's generator (the one the differential tests
//! use), seeded, so a diff prints the same witnesses every run. What is
//! generated is only a candidate: nothing is claimed unless both oracles
//! (the `jsonschema` crate on the source schemas) agree with the claim.

use super::change::{Change, Edit, Part, Probe, Step, Witness, EXTRA_MEMBER};
use super::view::{view, Shape};
use crate::instances::Generator;
use crate::oracle::{source_validator, Router};
use crate::Result;
use eventbind_codegen::model::{Catalog, Operation, RouteRule, Ty};
use eventbind_codegen::Loaded;
use eventbind_runtime::PointerError;
use proptest::test_runner::{RngAlgorithm, TestRng};
use serde_json::{json, Map, Value};

/// Base instances tried per change (each with every candidate edit).
const SEEDS: u8 = 24;

/// Looks for a witness of every breaking change that says how to build one.
pub(crate) fn prove(old: &Loaded, new: &Loaded, changes: &mut [Change]) -> Result<()> {
    for change in changes.iter_mut() {
        let Some(probe) = &change.probe else {
            continue;
        };
        let judge = Judge::new(old, new, probe)?;
        change.witness = search(&old.catalog, probe, &judge, &change.path);
    }
    Ok(())
}

/// The oracles of both specs for one message part.
enum Judge {
    /// Payloads, routed and validated as a receiver of the operation would.
    Route {
        old: Router,
        new: Option<Router>,
        rule: RouteRule,
        /// The old routing keys of the message, the ones the new spec keeps first.
        keys: Vec<String>,
    },
    /// Headers (or an unrouted payload), validated against the schema alone.
    Schema {
        old: jsonschema::Validator,
        new: Option<jsonschema::Validator>,
    },
}

impl Judge {
    fn new(old: &Loaded, new: &Loaded, probe: &Probe) -> Result<Judge> {
        let message = old.catalog.message_named(&probe.message);
        let new_message = new.catalog.message_named(&probe.message);
        let origin = |m: Option<&eventbind_codegen::model::Message>| match probe.part {
            Part::Headers => m.and_then(|m| m.headers_origin.clone()),
            _ => m.and_then(|m| m.payload_origin.clone()),
        };
        let operation = routing(&old.catalog, &probe.message);
        if let (Some(operation), false) = (operation, probe.part == Part::Headers) {
            let new_operation = new
                .catalog
                .operations
                .iter()
                .find(|o| o.id == operation.id)
                .or_else(|| routing(&new.catalog, &probe.message));
            let new_keys = new_operation
                .and_then(|o| o.messages.iter().find(|m| m.message == probe.message))
                .map(|m| m.keys.clone())
                .unwrap_or_default();
            let mut keys: Vec<String> = operation
                .messages
                .iter()
                .filter(|m| m.message == probe.message)
                .flat_map(|m| m.keys.clone())
                .collect();
            keys.sort_by_key(|k| !new_keys.contains(k));
            if let Some(key) = &probe.key {
                keys.insert(0, key.clone());
            }
            return Ok(Judge::Route {
                old: Router::new(old, operation)?,
                new: new_operation.map(|o| Router::new(new, o)).transpose()?,
                rule: operation.route.clone(),
                keys,
            });
        }
        let Some(old_origin) = origin(message) else {
            // Nothing to validate against: any value was accepted.
            let accept_all = jsonschema::validator_for(&json!(true))
                .map_err(|e| crate::Error::new("", "", e.to_string()))?;
            return Ok(Judge::Schema {
                old: accept_all,
                new: origin(new_message)
                    .map(|o| source_validator(new, &o))
                    .transpose()?,
            });
        };
        Ok(Judge::Schema {
            old: source_validator(old, &old_origin)?,
            new: origin(new_message)
                .map(|o| source_validator(new, &o))
                .transpose()?,
        })
    }

    /// `None` when the old spec refuses `instance`; else why the new one refuses it.
    fn verdict(&self, message: &str, instance: &Value) -> Option<Vec<PointerError>> {
        match self {
            Judge::Route {
                old,
                new,
                rule,
                keys,
            } => {
                let name = (*rule == RouteRule::Name)
                    .then(|| keys.first().map(String::as_str))
                    .flatten();
                let bytes = serde_json::to_vec(instance).ok()?;
                let before = old.route(name, &bytes);
                if !before.valid || before.message.as_deref() != Some(message) {
                    return None;
                }
                match new {
                    Some(router) => Some(router.route(name, &bytes).errors),
                    None => Some(vec![PointerError::new(
                        "",
                        "no operation of the new spec receives this event",
                    )]),
                }
            }
            Judge::Schema { old, new } => {
                if !old.is_valid(instance) {
                    return None;
                }
                let errors = match new {
                    Some(validator) => validator
                        .iter_errors(instance)
                        .map(|e| PointerError::new(e.instance_path().to_string(), e.to_string()))
                        .collect(),
                    None => Vec::new(),
                };
                Some(errors)
            }
        }
    }

    fn name(&self) -> Option<String> {
        match self {
            Judge::Route {
                rule: RouteRule::Name,
                keys,
                ..
            } => keys.first().cloned(),
            _ => None,
        }
    }
}

/// The operation that receives `message` (the first that carries it).
fn routing<'c>(catalog: &'c Catalog, message: &str) -> Option<&'c Operation> {
    catalog
        .operations
        .iter()
        .find(|o| o.messages.iter().any(|m| m.message == message))
}

fn search(catalog: &Catalog, probe: &Probe, judge: &Judge, path: &str) -> Option<Witness> {
    let mut fallback = None;
    for seed in 0..SEEDS {
        let seed: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(17) ^ seed);
        let mut generator =
            Generator::new(catalog, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        let mut instance = non_null(&mut generator, &probe.root);
        let at = descend(&mut generator, &mut instance, probe);
        if let Judge::Route {
            rule: RouteRule::Field { pointer },
            keys,
            ..
        } = judge
        {
            if let Some(key) = keys.first() {
                set(&mut instance, pointer, Value::String(key.clone()));
            }
        }
        for candidate in edits(catalog, &mut generator, &instance, &at, probe) {
            let Some(errors) = judge.verdict(&probe.message, &candidate) else {
                continue;
            };
            if errors.is_empty() {
                continue;
            }
            // A rejection at the change itself proves it; one elsewhere only
            // shows that something in the new spec refuses the event.
            let here = errors.iter().all(|e| covers(path, &e.pointer));
            let witness = Witness {
                part: if probe.part == Part::Headers {
                    Part::Headers
                } else {
                    Part::Payload
                },
                message: probe.message.clone(),
                name: judge.name(),
                instance: candidate,
                new_errors: errors,
            };
            if here {
                return Some(witness);
            }
            fallback.get_or_insert(witness);
        }
    }
    fallback
}

/// Whether an error at `pointer` is about the change at `path` (whose `*`
/// segments stand for any index or member): at it, under it, or at a value
/// holding it (a union reports a branch's fault where the union is; a
/// missing member is reported at its object).
fn covers(path: &str, pointer: &str) -> bool {
    let want: Vec<&str> = path.split('/').skip(1).collect();
    let got: Vec<&str> = pointer.split('/').skip(1).collect();
    want.iter().zip(&got).all(|(w, g)| *w == "*" || w == g)
}

/// A generated value of `ty` that is not null (unless the type allows nothing else).
fn non_null(generator: &mut Generator, ty: &Ty) -> Value {
    let mut value = generator.valid(ty);
    for _ in 0..16 {
        if !value.is_null() {
            break;
        }
        value = generator.valid(ty);
    }
    value
}

/// Walks `probe.steps` in `instance`, generating what is missing; returns the
/// concrete pointer of the place reached.
fn descend(generator: &mut Generator, instance: &mut Value, probe: &Probe) -> String {
    let mut at = String::new();
    let mut parent = &probe.root;
    for step in &probe.steps {
        let Some(node) = instance.pointer_mut(&at) else {
            break;
        };
        let wants_object = matches!(
            step,
            Step::Field { .. } | Step::Value { .. } | Step::Extra { .. }
        );
        let fits = match step {
            Step::Item { .. } => node.is_array(),
            Step::Variant { .. } => true,
            _ => node.is_object(),
        };
        if !fits {
            *node = non_null(generator, parent);
            if wants_object && !node.is_object() {
                *node = json!({});
            }
            if matches!(step, Step::Item { .. }) && !node.is_array() {
                *node = json!([]);
            }
        }
        let segment = match (step, node) {
            (Step::Field { wire, ty }, Value::Object(map)) => {
                if !map.contains_key(wire) || map[wire].is_null() {
                    map.insert(wire.clone(), non_null(generator, ty));
                }
                wire.replace('~', "~0").replace('/', "~1")
            }
            (Step::Item { ty }, Value::Array(items)) => {
                if items.is_empty() {
                    items.push(non_null(generator, ty));
                }
                "0".to_string()
            }
            (Step::Value { ty }, Value::Object(map)) => {
                if map.is_empty() {
                    map.insert("key0".into(), non_null(generator, ty));
                }
                let key = map.keys().next().cloned().unwrap_or_default();
                key.replace('~', "~0").replace('/', "~1")
            }
            (Step::Extra { ty }, Value::Object(map)) => {
                map.insert(EXTRA_MEMBER.into(), non_null(generator, ty));
                EXTRA_MEMBER.to_string()
            }
            (Step::Variant { ty }, node) => {
                *node = non_null(generator, ty);
                parent = step.ty();
                continue;
            }
            _ => break,
        };
        at = format!("{at}/{segment}");
        parent = step.ty();
    }
    at
}

/// The candidate events: `instance` with `probe.edit` applied at `at`.
fn edits(
    catalog: &Catalog,
    generator: &mut Generator,
    instance: &Value,
    at: &str,
    probe: &Probe,
) -> Vec<Value> {
    let leaf = probe.steps.last().map_or(&probe.root, Step::ty);
    let replaced = |value: Value| {
        let mut copy = instance.clone();
        if let Some(node) = copy.pointer_mut(at) {
            *node = value;
        }
        copy
    };
    match &probe.edit {
        Edit::None => vec![instance.clone()],
        Edit::Values { values, generate } => {
            let mut out: Vec<Value> = values.iter().cloned().map(replaced).collect();
            if *generate {
                out.extend((0..4).map(|_| generator.valid(leaf)).map(replaced));
            }
            out
        }
        Edit::Remove { wire } => {
            let mut copy = instance.clone();
            if let Some(Value::Object(map)) = copy.pointer_mut(at) {
                map.remove(wire);
            }
            vec![copy]
        }
        Edit::Array { len, duplicate } => {
            let Shape::Array { items } = view(catalog, leaf).shape else {
                return Vec::new();
            };
            let mut list: Vec<Value> = (0..*len).map(|_| non_null(generator, items)).collect();
            if *duplicate && !list.is_empty() {
                let first = list[0].clone();
                list[1..].fill(first);
            }
            vec![replaced(Value::Array(list))]
        }
        Edit::Members { len } => {
            let values = match view(catalog, leaf).shape {
                Shape::Map { values } => values.clone(),
                _ => Ty::new(eventbind_codegen::model::TyKind::Any),
            };
            let map: Map<String, Value> = (0..*len)
                .map(|i| (format!("key{i}"), non_null(generator, &values)))
                .collect();
            vec![replaced(Value::Object(map))]
        }
    }
}

/// Sets the value at `pointer`, creating objects on the way.
fn set(instance: &mut Value, pointer: &str, value: Value) {
    let mut node = instance;
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if !node.is_object() {
            *node = json!({});
        }
        let Value::Object(map) = node else {
            return;
        };
        node = map.entry(token).or_insert(Value::Null);
    }
    *node = value;
}
