//! A type expression seen through its names: what a value must look like,
//! however the model spells it (a named newtype, an enum, an inline `const`).
//! Comparing two specs compares these, so a type that moved from inline to
//! named (or was renamed) is still compared member by member.

use eventbind_codegen::model::{Additional, Catalog, Constraints, Field, Ty, TyKind, TypeKind};
use eventbind_codegen::model::{TypeDef, Variant};

/// The shape and constraints of a value, with the named type (if any) it is written as.
pub(crate) struct View<'a> {
    /// The outermost named type the value is written as.
    pub name: Option<&'a str>,
    /// What the named type is: a struct, enum, union or newtype.
    pub named_kind: Option<&'static str>,
    /// Where the schema of the outermost named type is.
    pub origin: Option<&'a str>,
    pub nullable: bool,
    /// Every constraint on the value, the type's and the reference's together.
    pub constraints: Constraints,
    pub shape: Shape<'a>,
}

/// What kind of JSON value is allowed.
#[derive(Clone, Copy)]
pub(crate) enum Shape<'a> {
    Object {
        fields: &'a [Field],
        additional: &'a Additional,
    },
    Union {
        variants: &'a [Variant],
        exclusive: bool,
    },
    /// Strings; an enum is a string with `allowed` values.
    String {
        format: Option<&'a str>,
    },
    Integer {
        format: Option<&'a str>,
    },
    Number {
        format: Option<&'a str>,
    },
    Boolean,
    Null,
    Array {
        items: &'a Ty,
    },
    Map {
        values: &'a Ty,
    },
    Any,
}

impl Shape<'_> {
    /// The JSON Schema word for the shape, for descriptions.
    pub fn word(&self) -> &'static str {
        match self {
            Shape::Object { .. } | Shape::Map { .. } => "object",
            Shape::Union { .. } => "union",
            Shape::String { .. } => "string",
            Shape::Integer { .. } => "integer",
            Shape::Number { .. } => "number",
            Shape::Boolean => "boolean",
            Shape::Null => "null",
            Shape::Array { .. } => "array",
            Shape::Any => "any value",
        }
    }
}

/// The view of `ty` in `catalog`. Newtype chains are followed (a cycle of
/// newtypes, which no loader produces, ends as `Any`).
pub(crate) fn view<'a>(catalog: &'a Catalog, ty: &'a Ty) -> View<'a> {
    let mut out = View {
        name: None,
        named_kind: None,
        origin: None,
        nullable: ty.nullable,
        constraints: ty.constraints.clone(),
        shape: Shape::Any,
    };
    let mut current = ty;
    for _ in 0..64 {
        let name = match &current.kind {
            TyKind::Named { name } => name,
            other => {
                out.shape = inline_shape(other);
                return out;
            }
        };
        let Some(def) = catalog.type_named(name) else {
            return out;
        };
        if out.name.is_none() {
            out.name = Some(&def.name);
            out.origin = Some(&def.origin);
            out.named_kind = Some(kind_word(def));
        }
        fill(&mut out.constraints, &def.constraints);
        match &def.kind {
            TypeKind::Struct { fields, additional } => {
                out.shape = Shape::Object { fields, additional };
                return out;
            }
            TypeKind::Enum { values } => {
                if out.constraints.allowed.is_none() {
                    out.constraints.allowed = Some(
                        values
                            .iter()
                            .map(|v| serde_json::Value::String(v.wire.clone()))
                            .collect(),
                    );
                }
                out.shape = Shape::String { format: None };
                return out;
            }
            TypeKind::Union {
                variants,
                exclusive,
            } => {
                out.shape = Shape::Union {
                    variants,
                    exclusive: *exclusive,
                };
                return out;
            }
            TypeKind::Newtype { inner } => {
                out.nullable |= inner.nullable;
                fill(&mut out.constraints, &inner.constraints);
                current = inner;
            }
        }
    }
    out
}

fn kind_word(def: &TypeDef) -> &'static str {
    match def.kind {
        TypeKind::Struct { .. } => "struct",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Union { .. } => "union",
        TypeKind::Newtype { .. } => "newtype",
    }
}

fn inline_shape(kind: &TyKind) -> Shape<'_> {
    match kind {
        TyKind::Named { .. } | TyKind::Any => Shape::Any,
        TyKind::String { format } => Shape::String {
            format: format.as_deref(),
        },
        TyKind::Integer { format } => Shape::Integer {
            format: format.as_deref(),
        },
        TyKind::Number { format } => Shape::Number {
            format: format.as_deref(),
        },
        TyKind::Boolean => Shape::Boolean,
        TyKind::Null => Shape::Null,
        TyKind::Array { items } => Shape::Array { items },
        TyKind::Map { values } => Shape::Map { values },
    }
}

/// Adds the constraints of `inner` that `outer` does not state. Both apply
/// to the value; where both state one, the outer (the reference) is kept,
/// which is what a refinement means.
fn fill(outer: &mut Constraints, inner: &Constraints) {
    macro_rules! take {
        ($($field:ident),*) => {$(
            if outer.$field.is_none() {
                outer.$field = inner.$field.clone();
            }
        )*};
    }
    take!(
        min_length,
        max_length,
        pattern,
        minimum,
        maximum,
        exclusive_minimum,
        exclusive_maximum,
        multiple_of,
        min_items,
        max_items,
        min_properties,
        max_properties,
        allowed,
        fallback
    );
    outer.unique_items |= inner.unique_items;
}

/// Whether two shapes are the same kind of JSON value (so one can be
/// compared with the other member by member).
pub(crate) fn same_kind(a: &Shape, b: &Shape) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}
