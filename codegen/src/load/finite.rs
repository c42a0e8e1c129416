//! Refusing, once the catalog is complete, a type whose generated reader
//! could only recurse: one that can hold no finite value, and one that
//! reads the same value as itself again (a union that is one of its own
//! variants).

use crate::error::{Error, Result};
use crate::model::inhabited::first_uninhabited;
use crate::model::progress::first_looping;
use crate::model::Catalog;
use crate::spec::Documents;
use std::path::Path;

/// An error at the first type of `catalog` that no finite value has, or
/// else at the first whose reading loops on one value.
pub(crate) fn refuse_endless(catalog: &Catalog, documents: &Documents) -> Result<()> {
    if let Some(found) = first_uninhabited(&catalog.types) {
        return Err(at_origin(
            &found.def.origin,
            documents,
            format!(
                "{} is a type that can hold no finite value: every value of it must hold \
                 another{}; give it a way out (a variant, an optional or nullable member, \
                 or an array without minItems, that does not refer back)",
                found.def.name,
                through(&found.chain)
            ),
        ));
    }
    if let Some(found) = first_looping(&catalog.types) {
        return Err(at_origin(
            &found.def.origin,
            documents,
            format!(
                "{} is read as itself again on the same value{}: reading would never end; \
                 remove the variant that refers back (it adds no value the others lack)",
                found.def.name,
                through(&found.chain)
            ),
        ));
    }
    Ok(())
}

/// ` (A -> B -> A)`, for a chain of more than one type.
fn through(chain: &[&str]) -> String {
    if chain.len() > 1 {
        format!(" ({})", chain.join(" -> "))
    } else {
        String::new()
    }
}

fn at_origin(origin: &str, documents: &Documents, message: String) -> Error {
    let (file, pointer) = split_origin(origin, documents);
    Error::new(file, pointer, message)
}

/// `file#pointer` back into its parts. A file name may hold `#` too: the
/// file is the shortest prefix that names a loaded document.
fn split_origin<'o>(origin: &'o str, documents: &Documents) -> (&'o Path, &'o str) {
    let mut first = None;
    for (at, _) in origin.match_indices('#') {
        let file = Path::new(&origin[..at]);
        if documents.root(file).is_some() {
            return (file, &origin[at + 1..]);
        }
        first.get_or_insert((file, &origin[at + 1..]));
    }
    first.unwrap_or((Path::new(origin), ""))
}
