//! Types: named definitions (structs, enums, unions, newtypes) and the type
//! expressions fields use, each with the constraints of its schema.

use serde::Serialize;
use serde_json::Value;

/// A named type: a struct, enum, union or newtype of the generated code.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// Rust type name (PascalCase), from a component key or a property path.
    pub name: String,
    /// Where the schema is (`file#pointer`).
    pub origin: String,
    /// `title` of its schema.
    pub title: Option<String>,
    /// Its description (Markdown), if any.
    pub description: Option<String>,
    /// What shape it has.
    pub kind: TypeKind,
    /// Examples its schema gives.
    pub examples: Vec<Value>,
    /// Named `allOf` parents whose members were merged in, for the docs.
    pub parents: Vec<String>,
    /// Constraints on the whole value (e.g. `anyOf` of `required` lists).
    pub constraints: Constraints,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
// One per named type, so size does not matter; unboxed reads better when matching.
/// The shape of a named type.
#[allow(clippy::large_enum_variant)]
pub enum TypeKind {
    /// An object with declared properties.
    Struct {
        /// Declared members, in declaration order.
        fields: Vec<Field>,
        /// What happens to members it does not declare.
        additional: Additional,
    },
    /// A closed set of strings.
    Enum {
        /// The strings, in declaration order.
        values: Vec<EnumValue>,
    },
    /// One of several shapes (`oneOf`/`anyOf` of different types).
    Union {
        /// The shapes, in declaration order.
        variants: Vec<Variant>,
        /// `oneOf` (exactly one must match) rather than `anyOf`.
        exclusive: bool,
    },
    /// A named array, map or primitive with its own constraints.
    Newtype {
        /// The wrapped type.
        inner: Ty,
    },
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

/// A member of an object.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Name on the wire.
    pub wire: String,
    /// Where the member is declared (`file#pointer` of its `properties` entry;
    /// under `allOf`, the first part that declares it), so tools comparing
    /// specs can name it.
    pub origin: String,
    /// Its type.
    pub ty: Ty,
    /// Whether the member must be present.
    pub required: bool,
    /// Its description (Markdown), if any.
    pub description: Option<String>,
    /// `default` of its schema.
    pub default: Option<Value>,
    /// `readOnly` in its schema.
    pub read_only: bool,
    /// Examples its schema gives.
    pub examples: Vec<Value>,
}

/// One string of an enum.
#[derive(Debug, Clone, Serialize)]
pub struct EnumValue {
    /// The string on the wire.
    pub wire: String,
    /// Its description (Markdown), if any.
    pub description: Option<String>,
}

/// One shape of a union.
#[derive(Debug, Clone, Serialize)]
pub struct Variant {
    /// Rust variant name.
    pub name: String,
    /// Its type.
    pub ty: Ty,
}

/// A type expression with the constraints of the schema it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ty {
    /// What kind of value.
    #[serde(flatten)]
    pub kind: TyKind,
    /// `null` is allowed besides the type.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nullable: bool,
    /// The schema's validation keywords.
    #[serde(skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
}

impl Ty {
    /// A type of this kind, not nullable, with no constraints.
    pub fn new(kind: TyKind) -> Self {
        Ty {
            kind,
            nullable: false,
            constraints: Constraints::default(),
        }
    }
}

/// The kinds of type expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TyKind {
    /// A named type of the catalog.
    Named {
        /// Its Rust name.
        name: String,
    },
    /// A string, with its `format` if any.
    String {
        /// The schema's `format`.
        format: Option<String>,
    },
    /// An integer, with its `format` if any.
    Integer {
        /// The schema's `format`.
        format: Option<String>,
    },
    /// A number, with its `format` if any.
    Number {
        /// The schema's `format`.
        format: Option<String>,
    },
    /// `true` or `false`.
    Boolean,
    /// Only `null`.
    Null,
    /// An array of one item type.
    Array {
        /// The type of every item.
        items: Box<Ty>,
    },
    /// An object used as a map: every member of this type.
    Map {
        /// The type of every member.
        values: Box<Ty>,
    },
    /// Any JSON value.
    Any,
}

/// Validation keywords, as the schema states them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Constraints {
    /// `minLength`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// `maxLength`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// `pattern` (ECMA-262).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `minimum`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// `maximum`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// `exclusiveMinimum` (draft-07: a number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_minimum: Option<f64>,
    /// `exclusiveMaximum` (draft-07: a number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusive_maximum: Option<f64>,
    /// `multipleOf`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<f64>,
    /// `minItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u64>,
    /// `maxItems`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unique_items: bool,
    /// `minProperties`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_properties: Option<u64>,
    /// `maxProperties`.
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
    /// Whether no constraint is set.
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
