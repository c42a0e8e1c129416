//! Which named types reach themselves without reading into the value.
//!
//! A union is read by trying its variants on the same value; a newtype reads
//! the value as its inner type. When a chain of these comes back to where it
//! started (`Expr: {oneOf: [{type: integer}, {$ref: Expr}]}`), the generated
//! reader tries the same value again, and again, until the stack ends: even
//! with a base case, every value that fails the other variants (and, for a
//! `oneOf`, which must rule out every other variant, each value) loops. A
//! struct member, array item or map value is a step into the value, which
//! the depth limit bounds: those edges are not followed here.
//!
//! Found by peeling off, from the graph of those edges, every type that
//! reaches no cycle (one that reaches none is settled once its successors
//! are): linear in the size of the graph.

use super::positions::{positions, referenced, Positions};
use super::types::{TypeDef, TypeKind};

/// A type whose reading can come back to the same value without end.
#[derive(Debug, Clone)]
pub(crate) struct Looping<'t> {
    /// The first such type, in declaration order.
    pub def: &'t TypeDef,
    /// The types read in turn on the same value, from it to the first one
    /// repeated (`[Expr, Expr]`).
    pub chain: Vec<&'t str>,
}

/// The first type of `types` whose reading can loop on one value, if any.
pub(crate) fn first_looping(types: &[TypeDef]) -> Option<Looping<'_>> {
    let index = positions(types);
    let next: Vec<Vec<usize>> = types.iter().map(|def| same_value(def, &index)).collect();
    let looping = unsettled(&next);
    let first = looping.iter().position(|&yes| yes)?;
    let mut seen = vec![false; types.len()];
    let mut chain = Vec::new();
    let mut at = Some(first);
    while let Some(i) = at {
        chain.push(types[i].name.as_str());
        if std::mem::replace(&mut seen[i], true) {
            break;
        }
        at = next[i].iter().copied().find(|&n| looping[n]);
    }
    Some(Looping {
        def: &types[first],
        chain,
    })
}

/// The named types `def` reads the same value as.
fn same_value(def: &TypeDef, index: &Positions<'_>) -> Vec<usize> {
    match &def.kind {
        TypeKind::Union { variants, .. } => (variants.iter())
            .filter_map(|v| referenced(&v.ty, index))
            .collect(),
        TypeKind::Newtype { inner } => referenced(inner, index).into_iter().collect(),
        TypeKind::Struct { .. } | TypeKind::Enum { .. } => Vec::new(),
    }
}

/// For each type, whether it is on a cycle of `next` or reaches one: what
/// is left once every type whose successors are all settled is settled.
fn unsettled(next: &[Vec<usize>]) -> Vec<bool> {
    let mut open: Vec<usize> = next.iter().map(Vec::len).collect();
    let mut before: Vec<Vec<usize>> = vec![Vec::new(); next.len()];
    for (i, successors) in next.iter().enumerate() {
        for &n in successors {
            before[n].push(i);
        }
    }
    let mut ready: Vec<usize> = (0..next.len()).filter(|&i| open[i] == 0).collect();
    while let Some(done) = ready.pop() {
        for &p in &before[done] {
            open[p] -= 1;
            if open[p] == 0 {
                ready.push(p);
            }
        }
    }
    open.into_iter().map(|left| left > 0).collect()
}
