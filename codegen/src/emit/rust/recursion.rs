//! Which fields need a `Box`: those whose type contains, by value, the type
//! that holds them (directly or through other types).
//!
//! A field of type `target` inside `holder` is such a field exactly when
//! `target` reaches `holder` again, that is, when both are in one strongly
//! connected component of the by-value graph. The components are found once
//! (Tarjan's algorithm, iterative so a long chain of types cannot overflow
//! the stack), which keeps the emitter linear in the number of types even
//! for long chains, where a search per field was quadratic.

use crate::model::positions::{positions, referenced, Positions};
use crate::model::{Catalog, TypeKind};
use std::collections::HashMap;

/// Named types that reach themselves by value: a field from one of these to
/// another in the same cycle must be boxed.
pub struct Recursion<'c> {
    /// The strongly connected component of each named type.
    component: HashMap<&'c str, usize>,
}

impl<'c> Recursion<'c> {
    pub fn new(catalog: &'c Catalog) -> Self {
        let index = positions(&catalog.types);
        let edges: Vec<Vec<usize>> = catalog
            .types
            .iter()
            .map(|def| by_value(&def.kind, &index))
            .collect();
        let component = components(&edges);
        Recursion {
            component: (catalog.types.iter().zip(component))
                .map(|(def, component)| (def.name.as_str(), component))
                .collect(),
        }
    }

    /// Whether a by-value field of type `target` inside `holder` needs a box.
    pub fn needs_box(&self, holder: &str, target: &str) -> bool {
        holder == target
            || matches!(
                (self.component.get(holder), self.component.get(target)),
                (Some(a), Some(b)) if a == b
            )
    }
}

/// The named types a type holds by value (not behind `Vec` or a map).
fn by_value(kind: &TypeKind, index: &Positions<'_>) -> Vec<usize> {
    let named = |ty| referenced(ty, index);
    match kind {
        // Members kept in a map are behind the map's allocation already.
        TypeKind::Struct { fields, .. } => fields.iter().filter_map(|f| named(&f.ty)).collect(),
        TypeKind::Union { variants, .. } => variants.iter().filter_map(|v| named(&v.ty)).collect(),
        TypeKind::Newtype { inner } => named(inner).into_iter().collect(),
        TypeKind::Enum { .. } => Vec::new(),
    }
}

/// The strongly connected component of each node of the graph `edges`
/// (Tarjan's algorithm with an explicit stack of (node, next edge)).
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let mut order = vec![UNSEEN; edges.len()];
    let mut low = vec![0; edges.len()];
    let mut component = vec![UNSEEN; edges.len()];
    let mut on_stack = vec![false; edges.len()];
    let mut stack = Vec::new();
    let mut next_order = 0;
    let mut next_component = 0;
    for root in 0..edges.len() {
        if order[root] != UNSEEN {
            continue;
        }
        let mut path = vec![(root, 0)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = path.last_mut() {
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if order[next] == UNSEEN {
                    order[next] = next_order;
                    low[next] = next_order;
                    next_order += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    path.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(order[next]);
                }
                continue;
            }
            path.pop();
            if let Some(&(parent, _)) = path.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::components;

    #[test]
    fn components_are_the_cycles_and_a_long_chain_does_not_overflow() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 0 and 4 alone are not in it.
        let c = components(&[vec![1], vec![2], vec![0], vec![0], vec![]]);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[3], c[0]);
        assert_ne!(c[4], c[0]);
        assert_ne!(c[4], c[3]);
        let n = 200_000;
        let chain: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        let c = components(&chain);
        assert!(c.iter().all(|&x| x == c[0]), "a ring is one component");
        let line: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        let c = components(&line);
        assert_eq!(c.iter().collect::<std::collections::HashSet<_>>().len(), n);
    }
}
