//! Named types numbered by their position in the catalog, for the walks
//! over the type graph (which members need a box, which types can hold a
//! value, which reads can loop): each looks a reference up here once.

use super::types::{Ty, TyKind, TypeDef};
use std::collections::HashMap;

/// Named types by position.
pub(crate) type Positions<'t> = HashMap<&'t str, usize>;

/// The position of each of `types` by its name.
pub(crate) fn positions(types: &[TypeDef]) -> Positions<'_> {
    (types.iter().enumerate())
        .map(|(at, def)| (def.name.as_str(), at))
        .collect()
}

/// The position of the named type `ty` refers to; `None` when `ty` is no
/// reference, or names a type that is not there.
pub(crate) fn referenced(ty: &Ty, positions: &Positions<'_>) -> Option<usize> {
    match &ty.kind {
        TyKind::Named { name } => positions.get(name.as_str()).copied(),
        _ => None,
    }
}
