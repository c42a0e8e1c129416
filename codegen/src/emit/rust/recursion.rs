//! Which fields need a `Box`: those whose type contains, by value, the type
//! that holds them (directly or through other types).

use crate::model::{Catalog, Ty, TyKind, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

/// Types held by value (not behind `Vec` or a map) by each named type.
fn by_value_edges(catalog: &Catalog) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for def in &catalog.types {
        let entry = edges.entry(def.name.as_str()).or_default();
        let mut add = |ty: &'_ Ty| {
            if let TyKind::Named { name } = &ty.kind {
                // The borrow is tied to `catalog`, which outlives the map.
                entry.insert(
                    catalog
                        .types
                        .iter()
                        .find(|t| &t.name == name)
                        .map_or("", |t| t.name.as_str()),
                );
            }
        };
        match &def.kind {
            // Members kept in a map are behind the map's allocation already.
            TypeKind::Struct { fields, .. } => fields.iter().for_each(|f| add(&f.ty)),
            TypeKind::Union { variants, .. } => variants.iter().for_each(|v| add(&v.ty)),
            TypeKind::Newtype { inner } => add(inner),
            TypeKind::Enum { .. } => {}
        }
    }
    edges
}

/// Named types that reach themselves by value: a field from one of these to
/// another in the same cycle must be boxed.
pub struct Recursion<'c> {
    edges: BTreeMap<&'c str, BTreeSet<&'c str>>,
}

impl<'c> Recursion<'c> {
    pub fn new(catalog: &'c Catalog) -> Self {
        Recursion {
            edges: by_value_edges(catalog),
        }
    }

    /// Whether a by-value field of type `target` inside `holder` needs a box.
    pub fn needs_box(&self, holder: &str, target: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![target];
        while let Some(node) = stack.pop() {
            if node == holder {
                return true;
            }
            if seen.insert(node) {
                if let Some(next) = self.edges.get(node) {
                    stack.extend(next.iter().copied());
                }
            }
        }
        false
    }
}
