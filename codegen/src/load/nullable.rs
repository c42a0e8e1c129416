//! References made before their type was known to admit `null`.
//!
//! A type's nullability (`type: [object, "null"]` on a struct) is learnt
//! when its conversion ends, but a recursive reference inside it was made
//! before: without this pass such a reference would refuse `null`, the one
//! value that ends the recursion.

use crate::model::{Additional, Ty, TyKind, TypeDef, TypeKind};
use std::collections::BTreeSet;

/// Marks nullable every reference in `types` to a type of `nullable`.
pub(crate) fn mark_references(types: &mut [TypeDef], nullable: &BTreeSet<String>) {
    if nullable.is_empty() {
        return;
    }
    for def in types {
        match &mut def.kind {
            TypeKind::Struct { fields, additional } => {
                for field in fields {
                    mark(&mut field.ty, nullable);
                }
                if let Additional::Typed(ty) = additional {
                    mark(ty, nullable);
                }
            }
            TypeKind::Union { variants, .. } => {
                for variant in variants {
                    mark(&mut variant.ty, nullable);
                }
            }
            TypeKind::Newtype { inner } => mark(inner, nullable),
            TypeKind::Enum { .. } => {}
        }
    }
}

fn mark(ty: &mut Ty, nullable: &BTreeSet<String>) {
    match &mut ty.kind {
        TyKind::Named { name } => ty.nullable |= nullable.contains(name.as_str()),
        TyKind::Array { items } => mark(items, nullable),
        TyKind::Map { values } => mark(values, nullable),
        _ => {}
    }
}
