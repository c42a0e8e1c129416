//! Random JSON instances of a model type: mostly valid ones built from the
//! schema's shape and constraints, and near misses made by one mutation
//! (a changed type, a length or bound just over the line, a missing or an
//! extra member, a duplicated item), including the forms serde's defaults
//! misread: an object as an array of its values, an enum value as
//! `{"value": null}`, date-times and UUIDs in forms their format does not
//! name, integral floats, a trailing newline after an anchored pattern.
//!
//! The differential tests use it to hold generated validators to the
//! `jsonschema` crate; `eventbind diff` uses [`Generator::valid`] to build
//! the payloads that prove a change breaking. Valid "by construction" means
//! from the model's shape and constraints: patterns other than digits are not
//! honoured, so callers check what they get.

use eventbind_codegen::model::{Additional, Catalog, Constraints, Ty, TyKind, TypeDef, TypeKind};
use proptest::prelude::RngExt;
use proptest::test_runner::TestRng;
use serde_json::{json, Map, Value};

/// Deepest nesting generated; deeper members are left out when optional.
const MAX_DEPTH: usize = 6;
/// Integers stay within the range both validators represent exactly.
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Instances of one catalog's types, from a seeded random source (a seed
/// gives the same instances every run).
pub struct Generator<'c> {
    catalog: &'c Catalog,
    rng: TestRng,
}

impl<'c> Generator<'c> {
    /// A generator of instances of `catalog`'s types, drawing from `rng`.
    pub fn new(catalog: &'c Catalog, rng: TestRng) -> Self {
        Generator { catalog, rng }
    }

    /// An instance of the named type: valid by construction, then mutated
    /// once about half the time.
    pub fn instance(&mut self, type_name: &str) -> Value {
        let ty = Ty::new(TyKind::Named {
            name: type_name.to_string(),
        });
        let mut value = self.value(&ty, 0);
        if self.rng.random_bool(0.5) {
            self.mutate(&mut value);
        }
        value
    }

    /// An instance of `ty`, built from its shape and constraints and never mutated.
    pub fn valid(&mut self, ty: &Ty) -> Value {
        self.value(ty, 0)
    }

    fn def(&self, name: &str) -> Option<&'c TypeDef> {
        self.catalog.types.iter().find(|t| t.name == name)
    }

    fn value(&mut self, ty: &Ty, depth: usize) -> Value {
        if ty.nullable && self.rng.random_bool(0.15) {
            return Value::Null;
        }
        if let Some(allowed) = &ty.constraints.allowed {
            if !allowed.is_empty() {
                return allowed[self.rng.random_range(0..allowed.len())].clone();
            }
        }
        match &ty.kind {
            TyKind::Named { name } => self.named(name, depth),
            TyKind::String { format } => self.string(format.as_deref(), &ty.constraints),
            TyKind::Integer { .. } => json!(self.integer(&ty.constraints)),
            TyKind::Number { .. } => self.number(&ty.constraints),
            TyKind::Boolean => json!(self.rng.random_bool(0.5)),
            TyKind::Null => Value::Null,
            TyKind::Array { items } => {
                let min = ty.constraints.min_items.unwrap_or(0) as usize;
                let max = ty
                    .constraints
                    .max_items
                    .map_or(min + 3, |m| m as usize)
                    .max(min);
                let len = if depth >= MAX_DEPTH {
                    min
                } else {
                    self.rng.random_range(min..=max.min(min + 4))
                };
                Value::Array((0..len).map(|_| self.value(items, depth + 1)).collect())
            }
            TyKind::Map { values } => {
                let len = if depth >= MAX_DEPTH {
                    0
                } else {
                    self.rng.random_range(0..3)
                };
                let mut map = Map::new();
                for i in 0..len {
                    map.insert(format!("key{i}"), self.value(values, depth + 1));
                }
                Value::Object(map)
            }
            TyKind::Any => self.any(depth),
        }
    }

    fn named(&mut self, name: &str, depth: usize) -> Value {
        let Some(def) = self.def(name) else {
            return Value::Null;
        };
        match &def.kind {
            TypeKind::Struct { fields, additional } => {
                let mut map = Map::new();
                for field in fields {
                    let include =
                        field.required || (depth < MAX_DEPTH && self.rng.random_bool(0.6));
                    if include {
                        map.insert(field.wire.clone(), self.value(&field.ty, depth + 1));
                    }
                }
                match additional {
                    Additional::Keep if self.rng.random_bool(0.2) => {
                        map.insert("undeclared".into(), json!("kept"));
                    }
                    Additional::Typed(ty) if self.rng.random_bool(0.3) => {
                        map.insert("undeclared".into(), self.value(ty, depth + 1));
                    }
                    _ => {}
                }
                Value::Object(map)
            }
            TypeKind::Enum { values } => json!(values[self.rng.random_range(0..values.len())].wire),
            TypeKind::Union { variants, .. } => {
                let variant = &variants[self.rng.random_range(0..variants.len())];
                self.value(&variant.ty, depth + 1)
            }
            TypeKind::Newtype { inner } => self.value(inner, depth),
        }
    }

    fn string(&mut self, format: Option<&str>, c: &Constraints) -> Value {
        let text = match format {
            Some("date-time") => format!(
                "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                self.rng.random_range(10..40),
                self.rng.random_range(1..13),
                self.rng.random_range(1..29),
                self.rng.random_range(0..24),
                self.rng.random_range(0..60),
                self.rng.random_range(0..60),
                self.rng.random_range(0..1000)
            ),
            Some("date") => format!(
                "20{:02}-{:02}-{:02}",
                self.rng.random_range(10..40),
                self.rng.random_range(1..13),
                self.rng.random_range(1..29)
            ),
            Some("uuid") => {
                let hex: String = (0..32)
                    .map(|_| char::from_digit(self.rng.random_range(0..16), 16).unwrap_or('0'))
                    .collect();
                format!(
                    "{}-{}-{}-{}-{}",
                    &hex[..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..]
                )
            }
            Some("email") => format!("user{}@example.com", self.rng.random_range(0..1000)),
            Some("uri") => format!(
                "https://example.com/path/{}",
                self.rng.random_range(0..1000)
            ),
            _ if c.pattern.as_deref() == Some("^[0-9]+$") => {
                self.rng.random_range(0..100_000).to_string()
            }
            _ => {
                let min = c.min_length.unwrap_or(0) as usize;
                let max = c.max_length.map_or(min + 12, |m| m as usize).max(min);
                let len = self.rng.random_range(min..=max.min(min + 16));
                // Some non-ASCII letters: lengths count code points, not bytes.
                (0..len)
                    .map(|_| ['a', 'b', 'é', 'z', '1', ' ', 'ß'][self.rng.random_range(0..7)])
                    .collect()
            }
        };
        Value::String(text)
    }

    /// A bound of `c`, or one step past it, for a value on the line.
    fn near_bound(&mut self, c: &Constraints, step: f64) -> Option<f64> {
        let bounds: Vec<f64> = [
            c.minimum,
            c.maximum,
            c.exclusive_minimum,
            c.exclusive_maximum,
        ]
        .into_iter()
        .flatten()
        .collect();
        if bounds.is_empty() || !self.rng.random_bool(0.25) {
            return None;
        }
        let bound = bounds[self.rng.random_range(0..bounds.len())];
        Some(bound + [0.0, step, -step][self.rng.random_range(0..3)])
    }

    fn integer(&mut self, c: &Constraints) -> i64 {
        if let Some(edge) = self.near_bound(c, 1.0) {
            return (edge as i64).clamp(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER);
        }
        let lowest = c.minimum.or(c.exclusive_minimum.map(|m| m + 1.0));
        let highest = c.maximum.or(c.exclusive_maximum.map(|m| m - 1.0));
        let min = lowest
            .map_or(-1_000, |m| m.ceil() as i64)
            .max(-MAX_SAFE_INTEGER);
        let max = highest
            .map_or(min.saturating_add(2_000), |m| m.floor() as i64)
            .min(MAX_SAFE_INTEGER);
        if max < min {
            return min;
        }
        self.rng.random_range(min..=max)
    }

    fn number(&mut self, c: &Constraints) -> Value {
        if let Some(edge) = self.near_bound(c, 0.5) {
            return json!(edge);
        }
        let min = c.minimum.or(c.exclusive_minimum).unwrap_or(-1_000.0);
        let max = c
            .maximum
            .or(c.exclusive_maximum)
            .unwrap_or(min + 2_000.0)
            .max(min);
        let value = min + (max - min) * self.rng.random::<f64>();
        // Integral numbers too: JSON does not tell 80000 from 80000.0 apart.
        if self.rng.random_bool(0.3) {
            json!(value.round() as i64)
        } else {
            json!(value)
        }
    }

    fn any(&mut self, depth: usize) -> Value {
        match self
            .rng
            .random_range(0..if depth >= MAX_DEPTH { 4 } else { 6 })
        {
            0 => Value::Null,
            1 => json!(self.rng.random_bool(0.5)),
            2 => json!(self.rng.random_range(-100..100)),
            3 => json!("text"),
            4 => json!([self.any(depth + 1)]),
            _ => json!({ "k": self.any(depth + 1) }),
        }
    }

    /// One change somewhere in `value`, at a node picked at random.
    fn mutate(&mut self, value: &mut Value) {
        let mut paths = Vec::new();
        collect_paths(value, String::new(), &mut paths);
        let target = paths[self.rng.random_range(0..paths.len())].clone();
        let Some(node) = value.pointer_mut(&target) else {
            return;
        };
        let choice = self.rng.random_range(0..13);
        *node = match (choice, &*node) {
            // An object as the array of its values (serde reads a struct from one).
            (9, Value::Object(map)) => Value::Array(map.values().cloned().collect()),
            // A string as serde's externally tagged enum form.
            (9, Value::String(s)) => json!({ s.clone(): null }),
            (10, Value::String(s)) => Value::String(self.misformat(s)),
            // An integral number written as a float.
            (10, Value::Number(n)) if n.is_i64() => json!(n.as_i64().unwrap_or(0) as f64),
            (11, Value::String(s)) => Value::String(format!("{s}\n")),
            (12, Value::String(s)) if !s.is_empty() => Value::String(s.chars().rev().collect()),
            (0, _) => json!("a string"),
            (1, _) => json!(12),
            (2, _) => json!(1.5),
            (3, _) => Value::Null,
            (4, _) => json!({}),
            (5, _) => json!([]),
            (6, Value::String(s)) => {
                Value::String(format!("{s}{}", "x".repeat(self.rng.random_range(1..300))))
            }
            (7, Value::String(s)) => {
                Value::String(s.chars().take(self.rng.random_range(0..3)).collect())
            }
            (7, Value::Object(map)) if !map.is_empty() => {
                let mut map = map.clone();
                let key = map
                    .keys()
                    .nth(self.rng.random_range(0..map.len()))
                    .cloned()
                    .unwrap_or_default();
                map.remove(&key);
                Value::Object(map)
            }
            (8, Value::Object(map)) => {
                let mut map = map.clone();
                map.insert("unexpected_member".into(), json!(true));
                Value::Object(map)
            }
            (_, Value::Array(items)) if !items.is_empty() => {
                let mut items = items.clone();
                items.push(items[0].clone());
                Value::Array(items)
            }
            (_, Value::Number(n)) => json!(n.as_f64().unwrap_or(0.0) * 1_000.0 + 1.0),
            (_, other) => json!([other.clone()]),
        };
    }
}

impl Generator<'_> {
    /// A date-time, date or UUID in a form its format does not name (or,
    /// for other strings, one of those forms' look-alikes).
    fn misformat(&mut self, s: &str) -> String {
        let looks_like_date_time = s.len() > 19 && s.as_bytes().get(10) == Some(&b'T');
        let looks_like_uuid = s.len() == 36 && s.as_bytes().get(8) == Some(&b'-');
        match self.rng.random_range(0..4) {
            0 if looks_like_date_time => s.replacen('T', " ", 1),
            1 if looks_like_date_time => format!("{}+0000", s.trim_end_matches('Z')),
            2 if looks_like_date_time => format!("{}:60Z", &s[..16]),
            0 | 1 if looks_like_uuid => s.replace('-', ""),
            2 if looks_like_uuid => format!("{{{s}}}"),
            3 if looks_like_uuid => s.to_uppercase(),
            _ => format!("{s}T00:00:00Z"),
        }
    }
}

fn collect_paths(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                collect_paths(
                    child,
                    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_paths(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}
