//! Types: named definitions (structs, enums, unions, newtypes) and the type
//! expressions fields use, each with the constraints of its schema.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// Rust type name (PascalCase), from a component key or a property path.
    pub name: String,
    /// Where the schema is (`file#pointer`).
    pub origin: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: TypeKind,
    pub examples: Vec<Value>,
    /// Named `allOf` parents whose members were merged in, for the docs.
    pub parents: Vec<String>,
    /// Constraints on the whole value (e.g. `anyOf` of `required` lists).
    pub constraints: Constraints,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
// One per named type, so size does not matter; unboxed reads better when matching.
#[allow(clippy::large_enum_variant)]
pub enum TypeKind {
    /// An object with declared properties.
    Struct {
        fields: Vec<Field>,
        additional: Additional,
    },
    /// A closed set of strings.
    Enum { values: Vec<EnumValue> },
    /// One of several shapes (`oneOf`/`anyOf` of different types).
    Union {
        variants: Vec<Variant>,
        exclusive: bool,
    },
    /// A named array, map or primitive with its own constraints.
    Newtype { inner: Ty },
}

/// What an object does with members it does not declare.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", content = "type", rename_all = "snake_case")]
pub enum Additional {
    /// `additionalProperties: false`: rejected.
    Deny,
    /// Absent or `true`: kept as JSON, written back as received.
    Keep,
    /// A schema: kept, each validated as this type.
    Typed(Box<Ty>),
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Name on the wire.
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    pub description: Option<String>,
    pub default: Option<Value>,
    pub read_only: bool,
    pub examples: Vec<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    pub wire: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    pub ty: Ty,
}

/// A type expression with the constraints of the schema it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ty {
    #[serde(flatten)]
    pub kind: TyKind,
    /// `null` is allowed besides the type.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

impl Ty {
    pub fn new(kind: TyKind) -> Self {
        Ty {
            kind,
            nullable: false,
            constraints: Constraints::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TyKind {
    Named {
        name: String,
    },
    String {
        format: Option<String>,
    },
    Integer {
        format: Option<String>,
    },
    Number {
        format: Option<String>,
    },
    Boolean,
    Null,
    Array {
        items: Box<Ty>,
    },
    /// An object used as a map: every member of this type.
    Map {
        values: Box<Ty>,
    },
    /// Any JSON value.
    Any,
}

/// Validation keywords, as the schema states them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_properties: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_properties: Option<u64>,
    /// `enum`, or `const` as a one-element list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<Value>>,
    /// Keywords with no Rust form, checked by an embedded JSON Schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Value>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        *self == Constraints::default()
    }

    /// The constraints as JSON Schema keywords, in one fixed order; the
    /// embedded `fallback` fragment is not among them.
    pub fn keywords(&self) -> Vec<(&'static str, Value)> {
        let counts = [
            ("minLength", self.min_length),
            ("maxLength", self.max_length),
            ("minItems", self.min_items),
            ("maxItems", self.max_items),
            ("minProperties", self.min_properties),
            ("maxProperties", self.max_properties),
        ];
        let bounds = [
            ("minimum", self.minimum),
            ("maximum", self.maximum),
            ("exclusiveMinimum", self.exclusive_minimum),
            ("exclusiveMaximum", self.exclusive_maximum),
            ("multipleOf", self.multiple_of),
        ];
        let mut out: Vec<(&'static str, Value)> = counts
            .into_iter()
            .filter_map(|(key, value)| Some((key, Value::from(value?))))
            .collect();
        if let Some(pattern) = &self.pattern {
            out.push(("pattern", Value::String(pattern.clone())));
        }
        out.extend(
            bounds
                .into_iter()
                .filter_map(|(key, value)| Some((key, json_number(value?)))),
        );
        if self.unique_items {
            out.push(("uniqueItems", Value::Bool(true)));
        }
        if let Some(allowed) = &self.allowed {
            out.push(("enum", Value::Array(allowed.clone())));
        }
        out
    }
}

/// A bound as a JSON number: integral values as integers (`100`, not `100.0`).
pub fn json_number(value: f64) -> Value {
    // 2^53 keeps the conversion exact.
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        Value::from(value as i64)
    } else {
        Value::from(value)
    }
}
