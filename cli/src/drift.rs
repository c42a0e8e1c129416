//! Drift between a spec and captured payloads (`eventbind drift`): which
//! payloads fail the spec, which fields the vendor sends that the spec does
//! not declare, which declared fields never show up, and which values fall
//! outside declared enums.
//!
//! Each payload is routed and validated by [`Router`] (the source schemas,
//! through the `jsonschema` crate); the field findings come from walking the
//! payload alongside the model's types ([`Catalog`], [`TypeDef`], [`Ty`]).
//! Findings are keyed by *path*: a JSON Pointer in which array items and map
//! values are written `*` (`/event/tags/*/valueType`), so one finding stands
//! for every payload and index it occurs at; each keeps one concrete example
//! (file and pointer).

use crate::capture::payload;
use crate::oracle::Router;
use crate::Result;
use eventbind_codegen::model::{Additional, Catalog, Ty, TyKind, TypeDef, TypeKind};
use eventbind_runtime::PointerError;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Deeper than any spec nests types; stops a walk through a self-referring newtype.
const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub spec: String,
    pub payloads: usize,
    pub valid: usize,
    /// Routed to a message but failing its schema.
    pub invalid: usize,
    /// Not routed to any message: unknown event, malformed or unreadable.
    pub unrouted: usize,
    /// Messages with at least one payload, in spec order.
    pub messages: Vec<MessageReport>,
    pub unrouted_payloads: Vec<Unrouted>,
    /// Messages of the spec no payload was routed to.
    pub messages_not_seen: Vec<String>,
}

impl Report {
    /// Invalid payloads or unknown events: exit 1. Undeclared and never-seen
    /// fields alone are warnings (an open object may carry more than it
    /// declares; a sample need not show every optional field).
    pub fn failed(&self) -> bool {
        self.invalid > 0 || self.unrouted > 0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageReport {
    pub message: String,
    pub payloads: usize,
    pub valid: usize,
    pub invalid: Vec<Invalid>,
    /// Fields seen that the spec does not declare.
    pub undeclared: Vec<Finding>,
    /// Declared fields never seen, where their parent was seen.
    pub never_seen: Vec<String>,
    pub outside_enum: Vec<OutsideEnum>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Invalid {
    pub file: String,
    pub errors: Vec<PointerError>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub path: String,
    /// How many payloads show it.
    pub payloads: usize,
    pub example: Place,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutsideEnum {
    pub path: String,
    pub value: Value,
    pub allowed: Vec<Value>,
    pub payloads: usize,
    pub example: Place,
}

#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub file: String,
    pub pointer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unrouted {
    pub file: String,
    /// The routing key or event name tried, if any.
    pub key: Option<String>,
    /// `unknown_event`, `malformed_json`, `invalid_payload` (matches no
    /// message unambiguously) or `unreadable`.
    pub kind: String,
    pub errors: Vec<PointerError>,
}

/// Routes and walks every payload under `inputs` against the spec at `spec`.
/// `message` names the event of every payload (for specs whose events are
/// named from outside the body); without it the name comes from the
/// capture's recorded path, its event, or the file name (`<event>-<n>.json`).
pub fn drift(spec: &Path, inputs: &[PathBuf], message: Option<&str>) -> Result<Report> {
    drift_with(
        spec,
        &eventbind_codegen::LoadOptions::default(),
        inputs,
        message,
    )
}

/// [`drift`], the spec read with `options` (the folders it may read, the
/// largest file).
pub fn drift_with(
    spec: &Path,
    options: &eventbind_codegen::LoadOptions,
    inputs: &[PathBuf],
    message: Option<&str>,
) -> Result<Report> {
    let loaded = eventbind_codegen::load_with(spec, options)?;
    let router = Router::for_spec(&loaded)?;
    let names: Vec<String> = router.message_names().map(str::to_string).collect();
    let files = payload::json_files(inputs)?;
    let mut report = Report {
        spec: spec.display().to_string(),
        payloads: files.len(),
        valid: 0,
        invalid: 0,
        unrouted: 0,
        messages: Vec::new(),
        unrouted_payloads: Vec::new(),
        messages_not_seen: Vec::new(),
    };
    let mut accumulators: HashMap<String, Accumulator> = HashMap::new();
    for file in &files {
        let display = file.display().to_string();
        let payload = match payload::read(file) {
            Ok(payload) => payload,
            Err(error) => {
                report.unrouted += 1;
                report.unrouted_payloads.push(Unrouted {
                    file: display,
                    key: None,
                    kind: "unreadable".into(),
                    errors: vec![PointerError::new(error.pointer, error.message)],
                });
                continue;
            }
        };
        let name = message
            .map(str::to_string)
            .or_else(|| payload.event_name(&names));
        let routed = router.route(name.as_deref(), &payload.body);
        let Some(routed_to) = routed.message else {
            report.unrouted += 1;
            report.unrouted_payloads.push(Unrouted {
                file: display,
                key: routed.key,
                kind: routed
                    .kind
                    .and_then(|k| serde_json::to_value(k).ok())
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| "unknown_event".into()),
                errors: routed.errors,
            });
            continue;
        };
        let accumulator = accumulators.entry(routed_to.clone()).or_default();
        accumulator.payloads += 1;
        if routed.valid {
            report.valid += 1;
            accumulator.valid += 1;
        } else {
            report.invalid += 1;
            accumulator.invalid.push(Invalid {
                file: display.clone(),
                errors: routed.errors,
            });
        }
        let ty = loaded
            .catalog
            .message_named(&routed_to)
            .and_then(|m| m.payload.as_ref());
        if let (Some(ty), Ok(value)) = (ty, serde_json::from_slice::<Value>(&payload.body)) {
            let mut walker = Walker::new(&loaded.catalog);
            walker.walk(ty, &value, "", "", 0);
            accumulator.apply(walker.notes, &display);
        }
    }
    for name in names {
        match accumulators.remove(&name) {
            Some(accumulator) => report.messages.push(accumulator.finish(name)),
            None => report.messages_not_seen.push(name),
        }
    }
    Ok(report)
}

/// What the walk of one payload found.
enum Note {
    Declared(String),
    Seen(String),
    Undeclared {
        path: String,
        pointer: String,
    },
    OutsideEnum {
        path: String,
        pointer: String,
        value: Value,
        allowed: Vec<Value>,
    },
}

impl Note {
    fn is_finding(&self) -> bool {
        matches!(self, Note::Undeclared { .. } | Note::OutsideEnum { .. })
    }
}

struct Walker<'a> {
    catalog: &'a Catalog,
    notes: Vec<Note>,
}

impl<'a> Walker<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        Walker {
            catalog,
            notes: Vec::new(),
        }
    }

    /// Walks `value` as `ty`; `pointer` is where it is, `path` its generalised place.
    fn walk(&mut self, ty: &Ty, value: &Value, pointer: &str, path: &str, depth: usize) {
        if depth > MAX_DEPTH || (value.is_null() && ty.nullable) {
            return;
        }
        if let Some(allowed) = &ty.constraints.allowed {
            self.check_allowed(allowed, value, pointer, path);
        }
        match &ty.kind {
            TyKind::Named { name } => {
                if let Some(def) = self.catalog.type_named(name) {
                    self.walk_def(def, value, pointer, path, depth + 1);
                }
            }
            TyKind::Array { items } => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    let at = join(pointer, &i.to_string());
                    self.walk(items, item, &at, &format!("{path}/*"), depth + 1);
                }
            }
            TyKind::Map { values } => {
                for (key, item) in value.as_object().into_iter().flatten() {
                    let at = join(pointer, key);
                    self.walk(values, item, &at, &format!("{path}/*"), depth + 1);
                }
            }
            _ => {}
        }
    }

    fn walk_def(&mut self, def: &TypeDef, value: &Value, pointer: &str, path: &str, depth: usize) {
        if let Some(allowed) = &def.constraints.allowed {
            self.check_allowed(allowed, value, pointer, path);
        }
        match &def.kind {
            TypeKind::Struct { fields, additional } => {
                let Some(members) = value.as_object() else {
                    return;
                };
                for field in fields {
                    let field_path = join(path, &field.wire);
                    self.notes.push(Note::Declared(field_path.clone()));
                    if let Some(member) = members.get(&field.wire) {
                        self.notes.push(Note::Seen(field_path.clone()));
                        let at = join(pointer, &field.wire);
                        self.walk(&field.ty, member, &at, &field_path, depth + 1);
                    }
                }
                for (key, member) in members {
                    if fields.iter().any(|f| f.wire == *key) {
                        continue;
                    }
                    let at = join(pointer, key);
                    match additional {
                        // Members a typed map declares as a class, not one by one.
                        Additional::Typed(ty) => {
                            self.walk(ty, member, &at, &format!("{path}/*"), depth + 1)
                        }
                        Additional::Keep | Additional::Deny => self.notes.push(Note::Undeclared {
                            path: join(path, key),
                            pointer: at,
                        }),
                    }
                }
            }
            TypeKind::Enum { values } => {
                if let Some(text) = value.as_str() {
                    if !values.iter().any(|v| v.wire == text) {
                        let allowed = values.iter().map(|v| Value::String(v.wire.clone()));
                        self.notes.push(Note::OutsideEnum {
                            path: path.to_string(),
                            pointer: pointer.to_string(),
                            value: value.clone(),
                            allowed: allowed.collect(),
                        });
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                // The variant the value fits with the fewest findings speaks for it.
                let mut best: Option<(usize, Vec<Note>)> = None;
                for variant in variants.iter().filter(|v| self.fits(&v.ty, value, depth)) {
                    let mut trial = Walker::new(self.catalog);
                    trial.walk(&variant.ty, value, pointer, path, depth + 1);
                    let score = trial.notes.iter().filter(|n| n.is_finding()).count();
                    if best.as_ref().is_none_or(|(s, _)| score < *s) {
                        best = Some((score, trial.notes));
                    }
                }
                self.notes
                    .extend(best.map(|(_, notes)| notes).unwrap_or_default());
            }
            TypeKind::Newtype { inner } => self.walk(inner, value, pointer, path, depth + 1),
        }
    }

    fn check_allowed(&mut self, allowed: &[Value], value: &Value, pointer: &str, path: &str) {
        if !allowed
            .iter()
            .any(|a| eventbind_runtime::__private::check::json_equal(a, value))
        {
            self.notes.push(Note::OutsideEnum {
                path: path.to_string(),
                pointer: pointer.to_string(),
                value: value.clone(),
                allowed: allowed.to_vec(),
            });
        }
    }

    /// Whether `value` has the JSON type `ty` describes.
    fn fits(&self, ty: &Ty, value: &Value, depth: usize) -> bool {
        if value.is_null() && ty.nullable {
            return true;
        }
        match &ty.kind {
            TyKind::Named { name } => match self.catalog.type_named(name).map(|d| &d.kind) {
                Some(TypeKind::Struct { .. }) => value.is_object(),
                Some(TypeKind::Enum { .. }) => value.is_string(),
                Some(TypeKind::Union { variants, .. }) => {
                    depth < MAX_DEPTH && variants.iter().any(|v| self.fits(&v.ty, value, depth + 1))
                }
                Some(TypeKind::Newtype { inner }) => {
                    depth < MAX_DEPTH && self.fits(inner, value, depth + 1)
                }
                None => true,
            },
            TyKind::String { .. } => value.is_string(),
            TyKind::Integer { .. } => {
                value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            TyKind::Number { .. } => value.is_number(),
            TyKind::Boolean => value.is_boolean(),
            TyKind::Null => value.is_null(),
            TyKind::Array { .. } => value.is_array(),
            TyKind::Map { .. } => value.is_object(),
            TyKind::Any => true,
        }
    }
}

/// One message's findings over all its payloads.
#[derive(Default)]
struct Accumulator {
    payloads: usize,
    valid: usize,
    invalid: Vec<Invalid>,
    declared: Vec<String>,
    declared_set: HashSet<String>,
    seen: HashSet<String>,
    undeclared: Vec<Finding>,
    outside_enum: Vec<OutsideEnum>,
}

impl Accumulator {
    fn apply(&mut self, notes: Vec<Note>, file: &str) {
        // Counted once per payload, however many items show it.
        let mut counted: HashSet<(String, String)> = HashSet::new();
        for note in notes {
            match note {
                Note::Declared(path) => {
                    if self.declared_set.insert(path.clone()) {
                        self.declared.push(path);
                    }
                }
                Note::Seen(path) => {
                    self.seen.insert(path);
                }
                Note::Undeclared { path, pointer } => {
                    if !counted.insert((path.clone(), String::new())) {
                        continue;
                    }
                    match self.undeclared.iter_mut().find(|f| f.path == path) {
                        Some(finding) => finding.payloads += 1,
                        None => self.undeclared.push(Finding {
                            path,
                            payloads: 1,
                            example: place(file, pointer),
                        }),
                    }
                }
                Note::OutsideEnum {
                    path,
                    pointer,
                    value,
                    allowed,
                } => {
                    if !counted.insert((path.clone(), value.to_string())) {
                        continue;
                    }
                    let same = |o: &&mut OutsideEnum| o.path == path && o.value == value;
                    match self.outside_enum.iter_mut().find(same) {
                        Some(finding) => finding.payloads += 1,
                        None => self.outside_enum.push(OutsideEnum {
                            path,
                            value,
                            allowed,
                            payloads: 1,
                            example: place(file, pointer),
                        }),
                    }
                }
            }
        }
    }

    fn finish(self, message: String) -> MessageReport {
        let seen = self.seen;
        MessageReport {
            message,
            payloads: self.payloads,
            valid: self.valid,
            invalid: self.invalid,
            undeclared: self.undeclared,
            never_seen: self
                .declared
                .into_iter()
                .filter(|p| !seen.contains(p))
                .collect(),
            outside_enum: self.outside_enum,
        }
    }
}

fn place(file: &str, pointer: String) -> Place {
    Place {
        file: file.to_string(),
        pointer,
    }
}

/// `pointer` with `token` appended, escaped.
fn join(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + 1 + token.len());
    out.push_str(pointer);
    out.push('/');
    eventbind_runtime::path::push_escaped(&mut out, token);
    out
}
