//! Type expressions and `#[validate(...)]` attributes for model types.

use crate::model::{Ty, TyKind};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

/// A Rust identifier, raw (`r#type`) where the name is a keyword.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// External crates the emitted code names, so Cargo.toml lists only those.
#[derive(Default, Clone, Copy)]
pub struct Uses {
    pub chrono: bool,
    pub uuid: bool,
    /// serde's `Deserialize`: its derive (newtypes) or the trait (string enums).
    pub deserialize: bool,
    /// The runtime's `DeserializeObject` derive (structs with named fields).
    pub deserialize_object: bool,
    /// The `OneOf` / `AnyOf` derives of `eventbind_runtime`.
    pub one_of: bool,
    pub any_of: bool,
}

/// The Rust type of `ty`, not counting its own nullability (callers wrap in
/// `Option` knowing whether the member is required).
pub fn rust_type(ty: &Ty, boxed: bool, uses: &mut Uses) -> TokenStream {
    let inner = match &ty.kind {
        TyKind::Named { name } => {
            let name = ident(name);
            if boxed {
                quote!(Box<#name>)
            } else {
                quote!(#name)
            }
        }
        TyKind::String { format } => match format.as_deref() {
            Some("date-time") => {
                uses.chrono = true;
                quote!(chrono::DateTime<chrono::FixedOffset>)
            }
            Some("date") => {
                uses.chrono = true;
                quote!(chrono::NaiveDate)
            }
            Some("uuid") => {
                uses.uuid = true;
                quote!(uuid::Uuid)
            }
            _ => quote!(String),
        },
        TyKind::Integer { format } => match format.as_deref() {
            Some("int32") => quote!(i32),
            _ => quote!(i64),
        },
        TyKind::Number { .. } => quote!(f64),
        TyKind::Boolean => quote!(bool),
        TyKind::Null => quote!(()),
        TyKind::Array { items } => {
            let item = element_type(items, uses);
            quote!(Vec<#item>)
        }
        TyKind::Map { values } => {
            if matches!(values.kind, TyKind::Any) && !values.nullable {
                quote!(serde_json::Map<String, serde_json::Value>)
            } else {
                let value = element_type(values, uses);
                quote!(std::collections::BTreeMap<String, #value>)
            }
        }
        TyKind::Any => quote!(serde_json::Value),
    };
    inner
}

/// An array item or map value: nullable ones are `Option`s.
fn element_type(ty: &Ty, uses: &mut Uses) -> TokenStream {
    let inner = rust_type(ty, false, uses);
    if ty.nullable && !matches!(ty.kind, TyKind::Any | TyKind::Null) {
        quote!(Option<#inner>)
    } else {
        inner
    }
}

/// Whether `ty` is held as a Rust `String` (where string checks apply).
fn is_plain_string(ty: &Ty) -> bool {
    matches!(&ty.kind, TyKind::String { format } if !matches!(format.as_deref(), Some("date-time" | "date" | "uuid")))
}

fn is_number(ty: &Ty) -> bool {
    matches!(ty.kind, TyKind::Integer { .. } | TyKind::Number { .. })
}

/// The `#[validate(...)]` list for a value of type `ty` (without the attribute
/// wrapper), or nothing when there is no constraint to check.
pub fn validate_list(ty: &Ty) -> Vec<TokenStream> {
    let c = &ty.constraints;
    let mut out = Vec::new();
    let mut fallback = match &c.fallback {
        Some(Value::Object(map)) => map.clone(),
        Some(other) => {
            // A boolean schema (`false`): checked as `allOf: [false]`.
            let mut map = serde_json::Map::new();
            map.insert("allOf".into(), Value::Array(vec![other.clone()]));
            map
        }
        None => serde_json::Map::new(),
    };
    if is_plain_string(ty) {
        if let Some(n) = c.min_length {
            let n = int(n);
            out.push(quote!(min_length = #n));
        }
        if let Some(n) = c.max_length {
            let n = int(n);
            out.push(quote!(max_length = #n));
        }
        if let Some(p) = &c.pattern {
            out.push(quote!(pattern = #p));
        }
        if let TyKind::String {
            format: Some(format),
        } = &ty.kind
        {
            if crate::model::formats::is_checked(format) {
                out.push(quote!(format = #format));
            }
        }
    } else if matches!(ty.kind, TyKind::Any) {
        // No Rust type to check against: every keyword goes to the embedded schema.
        for (key, value) in c.keywords() {
            fallback.insert(key.to_string(), value);
        }
    }
    if is_number(ty) {
        for (bound, name) in [
            (c.minimum, quote!(minimum)),
            (c.maximum, quote!(maximum)),
            (c.exclusive_minimum, quote!(exclusive_minimum)),
            (c.exclusive_maximum, quote!(exclusive_maximum)),
            (c.multiple_of, quote!(multiple_of)),
        ] {
            if let Some(bound) = bound {
                let literal = float_literal(bound);
                out.push(quote!(#name = #literal));
            }
        }
    }
    if let TyKind::Array { items } = &ty.kind {
        if let Some(n) = c.min_items {
            let n = int(n);
            out.push(quote!(min_items = #n));
        }
        if let Some(n) = c.max_items {
            let n = int(n);
            out.push(quote!(max_items = #n));
        }
        if c.unique_items {
            out.push(quote!(unique_items));
        }
        let inner = validate_list(items);
        if !inner.is_empty() {
            out.push(quote!(items(#(#inner),*)));
        }
    }
    if let TyKind::Map { values } = &ty.kind {
        if let Some(n) = c.min_properties {
            let n = int(n);
            out.push(quote!(min_properties = #n));
        }
        if let Some(n) = c.max_properties {
            let n = int(n);
            out.push(quote!(max_properties = #n));
        }
        let inner = validate_list(values);
        if !inner.is_empty() {
            out.push(quote!(values(#(#inner),*)));
        }
    }
    if let Some(allowed) = &c.allowed {
        if !matches!(ty.kind, TyKind::Any) {
            let strings: Option<Vec<&str>> = allowed.iter().map(Value::as_str).collect();
            match strings {
                Some(values) if is_plain_string(ty) => out.push(quote!(enum_values(#(#values),*))),
                _ => {
                    let literal = Value::Array(allowed.clone()).to_string();
                    out.push(quote!(json_enum = #literal));
                }
            }
        }
    }
    if !fallback.is_empty() {
        let literal = Value::Object(fallback).to_string();
        out.push(quote!(schema = #literal));
    }
    out
}

/// A float literal that always has a decimal point (`100` → `100.0`).
fn float_literal(value: f64) -> proc_macro2::Literal {
    proc_macro2::Literal::f64_unsuffixed(value)
}

/// An integer literal without a type suffix.
fn int(value: u64) -> proc_macro2::Literal {
    proc_macro2::Literal::u64_unsuffixed(value)
}

/// Whether a value of `ty` holds, directly or in arrays and maps, values that
/// serde alone reads differently from JSON Schema (see `eventbind_runtime::__private::wire`):
/// integers (`1.0` is one), `date-time`, `date` and `uuid` strings (only their
/// exact form).
pub fn reads_by_wire(ty: &Ty) -> bool {
    match &ty.kind {
        TyKind::Integer { .. } => true,
        TyKind::String { format } => {
            matches!(format.as_deref(), Some("date-time" | "date" | "uuid"))
        }
        TyKind::Array { items } => reads_by_wire(items),
        TyKind::Map { values } => !matches!(values.kind, TyKind::Any) && reads_by_wire(values),
        _ => false,
    }
}
