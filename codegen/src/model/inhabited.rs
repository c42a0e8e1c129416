//! Which named types can hold a finite value.
//!
//! A type that refers to itself with no way out (`P: {oneOf: [{$ref: P}]}`,
//! an object whose required member is the object again) has no finite JSON
//! value; its generated reader would recurse until the stack ends. Such
//! types are found here, once the model is complete, by the least fixpoint
//! of "inhabited": primitives are; a struct is when every required member is;
//! a union when one variant is; an array with `minItems >= 1` (a map with
//! `minProperties >= 1`) when its items (values) are. The work is linear in
//! the size of the type graph: each reference is looked at once, as in
//! finding a grammar's productive symbols.

use super::positions::{positions, referenced, Positions};
use super::types::{Additional, Constraints, Ty, TyKind, TypeDef, TypeKind};

/// A named type of the catalog that no finite value has.
#[derive(Debug, Clone)]
pub(crate) struct Uninhabited<'t> {
    /// The first such type, in declaration order.
    pub def: &'t TypeDef,
    /// The types it must hold in turn, from itself, up to the first one
    /// repeated (`[A, B, A]`), or to one with nothing to hold (an empty union).
    pub chain: Vec<&'t str>,
}

/// The first type of `types` that can hold no finite value, if any.
pub(crate) fn first_uninhabited(types: &[TypeDef]) -> Option<Uninhabited<'_>> {
    let index = positions(types);
    let needs: Vec<Need> = types.iter().map(|def| need(def, &index)).collect();
    let inhabited = fixpoint(&needs);
    let first = inhabited.iter().position(|&yes| !yes)?;
    Some(Uninhabited {
        def: &types[first],
        chain: chain(first, &needs, &inhabited, types),
    })
}

/// What a named type needs to have a value.
enum Need {
    /// All of these types (a struct's required members); none: nothing.
    All(Vec<usize>),
    /// One of these types (a union's variants, when each needs one; a
    /// union with a variant that needs none is `All` of nothing).
    Any(Vec<usize>),
}

/// What a type expression needs (each holds at most one other type, so
/// this is all there is).
enum Dep {
    /// Nothing: a primitive, `null`, an array that may be empty.
    Always,
    /// A value of this named type.
    On(usize),
}

fn need(def: &TypeDef, index: &Positions<'_>) -> Need {
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let mut all: Vec<usize> = fields
                .iter()
                .filter(|f| f.required)
                .filter_map(|f| on(dep(&f.ty, None, index)))
                .collect();
            // A map part that must hold a member holds a value of its type.
            if let Additional::Typed(ty) = additional {
                if def.constraints.min_properties.unwrap_or(0) > fields.len() as u64 {
                    all.extend(on(dep(ty, None, index)));
                }
            }
            Need::All(all)
        }
        TypeKind::Enum { .. } => Need::All(Vec::new()),
        TypeKind::Union { variants, .. } => {
            let mut any = Vec::with_capacity(variants.len());
            for variant in variants {
                match dep(&variant.ty, None, index) {
                    Dep::Always => return Need::All(Vec::new()),
                    Dep::On(i) => any.push(i),
                }
            }
            Need::Any(any)
        }
        TypeKind::Newtype { inner } => Need::All(
            on(dep(inner, Some(&def.constraints), index))
                .into_iter()
                .collect(),
        ),
    }
}

fn on(dep: Dep) -> Option<usize> {
    match dep {
        Dep::Always => None,
        Dep::On(i) => Some(i),
    }
}

/// What `ty` needs; `outer` holds constraints stated on the named type
/// around it (a newtype's own `minItems`).
fn dep(ty: &Ty, outer: Option<&Constraints>, index: &Positions<'_>) -> Dep {
    if ty.nullable {
        return Dep::Always;
    }
    let least = |pick: fn(&Constraints) -> Option<u64>| {
        pick(&ty.constraints).max(outer.and_then(pick)).unwrap_or(0)
    };
    match &ty.kind {
        // A name the catalog does not define is not this check's to judge.
        TyKind::Named { .. } => referenced(ty, index).map_or(Dep::Always, Dep::On),
        TyKind::Array { items } if least(|c| c.min_items) > 0 => dep(items, None, index),
        TyKind::Map { values } if least(|c| c.min_properties) > 0 => dep(values, None, index),
        _ => Dep::Always,
    }
}

/// Which types are inhabited: the least fixpoint, by counting for each type
/// the needs still open and settling a type when they reach zero.
fn fixpoint(needs: &[Need]) -> Vec<bool> {
    let n = needs.len();
    let mut open = vec![0usize; n];
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut ready = Vec::new();
    for (i, need) in needs.iter().enumerate() {
        let (deps, count) = match need {
            Need::All(deps) => (deps, deps.len()),
            // An empty union keeps one need open forever.
            Need::Any(deps) => (deps, 1),
        };
        open[i] = count;
        for &d in deps {
            users[d].push(i);
        }
        if count == 0 {
            ready.push(i);
        }
    }
    let mut inhabited = vec![false; n];
    for &i in &ready {
        inhabited[i] = true;
    }
    while let Some(done) = ready.pop() {
        for &user in &users[done] {
            if inhabited[user] {
                continue;
            }
            open[user] -= 1;
            if open[user] == 0 {
                inhabited[user] = true;
                ready.push(user);
            }
        }
    }
    inhabited
}

/// From `start`, each type's first need that is uninhabited, until a type
/// comes back (at most one step per type).
fn chain<'t>(
    start: usize,
    needs: &[Need],
    inhabited: &[bool],
    types: &'t [TypeDef],
) -> Vec<&'t str> {
    let mut seen = vec![false; types.len()];
    let mut path = Vec::new();
    let mut at = Some(start);
    while let Some(i) = at {
        path.push(types[i].name.as_str());
        if std::mem::replace(&mut seen[i], true) {
            break;
        }
        let deps = match &needs[i] {
            Need::All(deps) | Need::Any(deps) => deps,
        };
        at = deps.iter().copied().find(|&d| !inhabited[d]);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::first_uninhabited;
    use crate::model::progress::first_looping;
    use crate::model::{Constraints, Ty, TyKind, TypeDef, TypeKind, Variant};

    /// `T0 = T1 | ...`, each a one-variant union of the next; the last one
    /// of `last`.
    fn chain(length: usize, last: TyKind) -> Vec<TypeDef> {
        (0..length)
            .map(|i| {
                let kind = if i + 1 == length {
                    last.clone()
                } else {
                    TyKind::Named {
                        name: format!("T{}", i + 1),
                    }
                };
                TypeDef {
                    name: format!("T{i}"),
                    origin: format!("spec.json#/definitions/T{i}"),
                    title: None,
                    description: None,
                    kind: TypeKind::Union {
                        variants: vec![Variant {
                            name: "Next".into(),
                            ty: Ty::new(kind),
                        }],
                        exclusive: true,
                    },
                    examples: Vec::new(),
                    parents: Vec::new(),
                    constraints: Constraints::default(),
                }
            })
            .collect()
    }

    /// Long chains are settled without recursion (a deep one would end the
    /// stack of a test thread), back to front.
    #[test]
    fn a_long_chain_is_inhabited_by_its_last_type_only_when_that_has_a_value() {
        let n = 100_000;
        assert!(first_uninhabited(&chain(n, TyKind::Boolean)).is_none());
        let cycle = chain(n, TyKind::Named { name: "T0".into() });
        let found = first_uninhabited(&cycle).expect("no base case");
        assert_eq!(found.def.name, "T0");
        assert_eq!(found.chain.len(), n + 1);
        assert_eq!(found.chain.last(), Some(&"T0"));
        let looping = first_looping(&cycle).expect("reads the same value");
        assert_eq!(looping.def.name, "T0");
        assert_eq!(looping.chain.len(), n + 1);
        assert!(first_looping(&chain(n, TyKind::Boolean)).is_none());
    }
}
