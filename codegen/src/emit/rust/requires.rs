//! `#[route(requires = "/data/customs_code")]`: for a message whose routing
//! key another message of the operation shares, a member its type requires
//! that one of the others does not. The router then does not parse a
//! delivery lacking that member as this message (it would refuse it), so a
//! shared key costs one parse where the member tells the messages apart.
//!
//! `#[route(declares_key)]`: the message's type declares the top-level member
//! the operation routes on, as a field (serde's derive refuses a second one),
//! so the router may take the first such member it meets.

use crate::model::{Catalog, Operation, RouteRule, RoutedMessage, Ty, TyKind, TypeKind};
use std::collections::BTreeSet;

/// How deep into the payload a telling member is looked for.
const MAX_DEPTH: usize = 3;
/// How many required members are considered at most, per message.
const MAX_POINTERS: usize = 64;

/// The member `routed` requires that another message of its key does not.
pub fn requires(
    catalog: &Catalog,
    operation: &Operation,
    routed: &RoutedMessage,
) -> Option<String> {
    let sharers: Vec<Option<&Ty>> = (operation.messages.iter())
        .filter(|other| other.message != routed.message)
        .filter(|other| other.keys.iter().any(|key| routed.keys.contains(key)))
        .map(|other| payload(catalog, &other.message))
        .collect::<Option<_>>()?;
    if sharers.is_empty() {
        return None;
    }
    let mine = payload(catalog, &routed.message)??;
    let theirs: Vec<BTreeSet<String>> = (sharers.into_iter())
        .map(|ty| {
            ty.map(|ty| required_pointers(catalog, ty))
                .unwrap_or_default()
        })
        .map(|pointers| pointers.into_iter().collect())
        .collect();
    (required_pointers(catalog, mine).into_iter())
        .find(|pointer| theirs.iter().any(|required| !required.contains(pointer)))
}

/// Whether `routed`'s payload type declares the member a field rule with a
/// one-token pointer (`/topic`) names: a struct (not nullable) with a field
/// of that wire name.
pub fn declares_key(catalog: &Catalog, operation: &Operation, routed: &RoutedMessage) -> bool {
    let RouteRule::Field { pointer } = &operation.route else {
        return false;
    };
    let Some(member) = pointer
        .strip_prefix('/')
        .filter(|m| !m.is_empty() && !m.contains(['/', '~']))
    else {
        return false;
    };
    let Some(Some(ty)) = payload(catalog, &routed.message) else {
        return false;
    };
    let TyKind::Named { name } = &ty.kind else {
        return false;
    };
    match catalog.type_named(name).map(|d| &d.kind) {
        Some(TypeKind::Struct { fields, .. }) if !ty.nullable => {
            fields.iter().any(|f| f.wire == member)
        }
        _ => false,
    }
}

/// The payload type of the message named `name` (`Some(None)`: it has none).
fn payload<'c>(catalog: &'c Catalog, name: &str) -> Option<Option<&'c Ty>> {
    catalog.message_named(name).map(|m| m.payload.as_ref())
}

/// Pointers to the members `ty` requires, through required members of
/// object types, shortest first (then in declaration order).
fn required_pointers(catalog: &Catalog, ty: &Ty) -> Vec<String> {
    let mut found = Vec::new();
    let mut level = vec![(String::new(), ty)];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for (at, ty) in level {
            for (pointer, member) in required_members(catalog, ty) {
                let pointer = format!("{at}/{pointer}");
                found.push(pointer.clone());
                next.push((pointer, member));
            }
        }
        if found.len() >= MAX_POINTERS {
            break;
        }
        level = next;
    }
    // Found level by level, so already by depth, then declaration order:
    // the shallowest telling member wins.
    found.truncate(MAX_POINTERS);
    found
}

/// The members a value of `ty` must have: required, with no default, and
/// named so that a pointer token needs no escape. Only a named struct
/// (not nullable: `null` has no members) has any.
fn required_members<'c>(catalog: &'c Catalog, ty: &Ty) -> Vec<(&'c str, &'c Ty)> {
    let TyKind::Named { name } = &ty.kind else {
        return Vec::new();
    };
    if ty.nullable {
        return Vec::new();
    }
    let Some(TypeKind::Struct { fields, .. }) = catalog.type_named(name).map(|d| &d.kind) else {
        return Vec::new();
    };
    (fields.iter())
        .filter(|f| f.required && f.default.is_none() && !f.wire.contains(['~', '/']))
        .map(|f| (f.wire.as_str(), &f.ty))
        .collect()
}
