//! The routing keys of an operation's messages, read from their schemas:
//! the `const`/`enum` at the routing pointer, the members only one message
//! requires, or the message names.

use crate::error::Result;
use crate::model::{Catalog, RouteRule, RoutedMessage, Ty, TyKind, TypeKind};
use crate::spec::Location;
use serde_json::Value;

pub fn route_keys(
    catalog: &mut Catalog,
    route: &RouteRule,
    names: &[String],
    at: &Location,
) -> Result<Vec<RoutedMessage>> {
    let mut out = Vec::new();
    match route {
        RouteRule::Name => {
            for name in names {
                out.push(RoutedMessage {
                    message: name.clone(),
                    keys: vec![name.clone()],
                });
            }
        }
        RouteRule::Field { pointer } => {
            let tokens = crate::spec::pointer::tokens(pointer)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    at.error(format!(
                        "routing pointer {pointer:?} is not a JSON Pointer to a member"
                    ))
                })?;
            for name in names {
                let keys = field_keys(catalog, name, &tokens).ok_or_else(|| {
                    at.error(format!(
                        "message {name} does not pin {pointer} with const or enum in its payload"
                    ))
                })?;
                out.push(RoutedMessage {
                    message: name.clone(),
                    keys,
                });
            }
        }
        RouteRule::Presence => {
            let required: Vec<Vec<String>> =
                names.iter().map(|n| required_members(catalog, n)).collect();
            for (i, name) in names.iter().enumerate() {
                let keys: Vec<String> = required[i]
                    .iter()
                    .filter(|k| {
                        required
                            .iter()
                            .enumerate()
                            .all(|(j, other)| j == i || !other.contains(k))
                    })
                    .cloned()
                    .collect();
                if keys.is_empty() {
                    return Err(at.error(format!(
                        "message {name} requires no member that the other messages do not"
                    )));
                }
                out.push(RoutedMessage {
                    message: name.clone(),
                    keys,
                });
            }
        }
    }
    Ok(out)
}

/// The values pinned at `tokens` in a message's payload. An inline enum there
/// is turned back into a string with allowed values: a routing key reads
/// better as the string the vendor sends, and aliases may not map to distinct
/// Rust names.
fn field_keys(catalog: &mut Catalog, message: &str, tokens: &[String]) -> Option<Vec<String>> {
    let payload = catalog.message_named(message)?.payload.clone()?;
    let mut ty = payload;
    let (last, parents) = tokens.split_last()?;
    for token in parents {
        ty = struct_field(catalog, &ty, token)?.0;
    }
    let (field_ty, owner) = struct_field(catalog, &ty, last)?;
    if let Some(allowed) = &field_ty.constraints.allowed {
        return allowed
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect();
    }
    let TyKind::Named { name } = &field_ty.kind else {
        return None;
    };
    let def = catalog.type_named(name)?;
    let TypeKind::Enum { values } = &def.kind else {
        return None;
    };
    let keys: Vec<String> = values.iter().map(|v| v.wire.clone()).collect();
    let is_inline = crate::load::schema::component_name(&location_of(&def.origin)).is_none();
    if is_inline {
        let mut string = Ty::new(TyKind::String { format: None });
        string.nullable = field_ty.nullable;
        string.constraints.allowed = Some(keys.iter().cloned().map(Value::String).collect());
        replace_field(catalog, &owner, last, string);
        let enum_name = name.clone();
        if !type_used(catalog, &enum_name) {
            catalog.types.retain(|t| t.name != enum_name);
        }
    }
    Some(keys)
}

fn location_of(origin: &str) -> Location {
    match origin.split_once('#') {
        Some((file, pointer)) => Location::new(file, pointer),
        None => Location::new(origin, ""),
    }
}

/// The type of member `token` of the struct `ty` names, and that struct's name.
fn struct_field(catalog: &Catalog, ty: &Ty, token: &str) -> Option<(Ty, String)> {
    let TyKind::Named { name } = &ty.kind else {
        return None;
    };
    let TypeKind::Struct { fields, .. } = &catalog.type_named(name)?.kind else {
        return None;
    };
    let field = fields.iter().find(|f| f.wire == token)?;
    Some((field.ty.clone(), name.clone()))
}

fn replace_field(catalog: &mut Catalog, owner: &str, wire: &str, ty: Ty) {
    if let Some(def) = catalog.types.iter_mut().find(|t| t.name == owner) {
        if let TypeKind::Struct { fields, .. } = &mut def.kind {
            if let Some(field) = fields.iter_mut().find(|f| f.wire == wire) {
                field.ty = ty;
            }
        }
    }
}

fn type_used(catalog: &Catalog, name: &str) -> bool {
    let uses = |ty: &Ty| ty_mentions(ty, name);
    catalog.types.iter().any(|t| match &t.kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().any(|f| uses(&f.ty))
                || matches!(additional, crate::model::Additional::Typed(ty) if uses(ty))
        }
        TypeKind::Union { variants, .. } => variants.iter().any(|v| uses(&v.ty)),
        TypeKind::Newtype { inner } => uses(inner),
        TypeKind::Enum { .. } => false,
    }) || catalog
        .messages
        .iter()
        .any(|m| m.payload.as_ref().is_some_and(uses) || m.headers.as_ref().is_some_and(uses))
}

fn ty_mentions(ty: &Ty, name: &str) -> bool {
    match &ty.kind {
        TyKind::Named { name: n } => n == name,
        TyKind::Array { items } => ty_mentions(items, name),
        TyKind::Map { values } => ty_mentions(values, name),
        _ => false,
    }
}

/// The members a message's payload requires.
fn required_members(catalog: &Catalog, message: &str) -> Vec<String> {
    let Some(Ty {
        kind: TyKind::Named { name },
        ..
    }) = catalog
        .message_named(message)
        .and_then(|m| m.payload.as_ref())
    else {
        return Vec::new();
    };
    match catalog.type_named(name).map(|t| &t.kind) {
        Some(TypeKind::Struct { fields, .. }) => fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.wire.clone())
            .collect(),
        _ => Vec::new(),
    }
}
