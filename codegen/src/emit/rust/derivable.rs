//! Whether a derive a user asks for can hold for a generated type, decided
//! from the model (so the answer is an error naming the type, not a
//! compile failure in the generated crate).

use crate::model::{Additional, Catalog, Field, Ty, TyKind, TypeKind};
use std::collections::BTreeSet;

/// Why `derive` cannot hold for the type `name`, or `None` when it can (or
/// is not one eventbind checks).
pub fn refusal(catalog: &Catalog, name: &str, derive: &str) -> Option<String> {
    let check = match derive {
        "Eq" => Check::Eq,
        "Hash" => Check::Hash,
        "Default" => Check::Default,
        _ => return None,
    };
    let mut seen = BTreeSet::new();
    check.named(catalog, name, &mut seen).err()
}

#[derive(Clone, Copy, PartialEq)]
enum Check {
    Eq,
    Hash,
    Default,
}

impl Check {
    fn named<'c>(
        self,
        catalog: &'c Catalog,
        name: &'c str,
        seen: &mut BTreeSet<&'c str>,
    ) -> Result<(), String> {
        // A type met again is being checked further up: it holds there or fails there.
        if !seen.insert(name) {
            return Ok(());
        }
        let Some(def) = catalog.type_named(name) else {
            return Ok(());
        };
        match &def.kind {
            TypeKind::Struct { fields, additional } => {
                for field in fields {
                    self.field(catalog, field, seen)
                        .map_err(|why| format!("member `{}` {why}", field.wire))?;
                }
                match additional {
                    Additional::Typed(ty) => self.ty(catalog, ty, seen),
                    Additional::Deny | Additional::Keep => Ok(()),
                }
            }
            TypeKind::Enum { .. } if self == Check::Default => {
                Err("is an enum of strings with no default value".to_string())
            }
            TypeKind::Enum { .. } => Ok(()),
            TypeKind::Union { variants, .. } => {
                if self == Check::Default {
                    return Err("is a union: no variant is the default".to_string());
                }
                for variant in variants {
                    self.ty(catalog, &variant.ty, seen)
                        .map_err(|why| format!("variant `{}` {why}", variant.name))?;
                }
                Ok(())
            }
            TypeKind::Newtype { inner } => self.ty(catalog, inner, seen),
        }
    }

    fn field<'c>(
        self,
        catalog: &'c Catalog,
        field: &'c Field,
        seen: &mut BTreeSet<&'c str>,
    ) -> Result<(), String> {
        // Optional and nullable members are `Option`s: `None` is their default.
        if self == Check::Default && (!field.required || field.ty.nullable) {
            return Ok(());
        }
        self.ty(catalog, &field.ty, seen)
    }

    fn ty<'c>(
        self,
        catalog: &'c Catalog,
        ty: &'c Ty,
        seen: &mut BTreeSet<&'c str>,
    ) -> Result<(), String> {
        match &ty.kind {
            TyKind::Named { name } => self
                .named(catalog, name, seen)
                .map_err(|why| format!("holds `{name}`, which {why}")),
            TyKind::Number { .. } if self != Check::Default => {
                Err("is a number (f64, which has no total equality or hash)".to_string())
            }
            TyKind::String { format } if self == Check::Default => match format.as_deref() {
                Some("date-time") => Err("is a date-time, which has no default".to_string()),
                _ => Ok(()),
            },
            TyKind::Array { items } => self.element(catalog, items, seen),
            TyKind::Map { values } => self.element(catalog, values, seen),
            _ => Ok(()),
        }
    }

    /// Items and map values: collections default to empty whatever they hold.
    fn element<'c>(
        self,
        catalog: &'c Catalog,
        ty: &'c Ty,
        seen: &mut BTreeSet<&'c str>,
    ) -> Result<(), String> {
        if self == Check::Default {
            return Ok(());
        }
        self.ty(catalog, ty, seen)
    }
}
