//! Derives for eventbind bindings. The traits they implement, and the checks
//! the derived code calls, live in `eventbind-runtime`.
//!
//! `#[derive(Validate)]` reads `#[validate(...)]` on fields (and on the
//! container) and `#[serde(rename)]`/`#[serde(flatten)]` to name locations:
//!
//! ```text
//! min_length = N, max_length = N, pattern = "re", format = "uuid",
//! minimum = X, maximum = X, exclusive_minimum = X, exclusive_maximum = X, multiple_of = X,
//! min_items = N, max_items = N, unique_items, min_properties = N, max_properties = N,
//! enum_values("a", "b"), json_enum = "[1, 2]", schema = "{...}",
//! forbidden,                   // on a map: every member in it is a fault
//! items(...), values(...)      // the same constraints, on array items / map values
//! ```
//!
//! `schema` takes a draft-07 JSON Schema fragment and compiles it into
//! checks on the value's JSON form (see `schema.rs`); `$ref` in it names a
//! type in scope as `#/definitions/<Type>`.
//!
//! `#[derive(OneOf)]` / `#[derive(AnyOf)]` give an enum of one-value variants
//! a `Deserialize` that picks the branch that reads *and* validates: exactly
//! one for `OneOf`, the first for `AnyOf`.
//!
//! Constraints apply to the value inside `Option<..>` (and `Option<Option<..>>`)
//! when it is present.
//!
//! `#[derive(Route)]` on an enum with one newtype variant per message:
//! `#[route(field = "/topic")]`, `#[route(presence)]` or `#[route(name)]` on the
//! enum; `#[route(message = "Name", key = "k", key = "alias")]` on each variant
//! and `#[route(unknown)]` on the variant holding `UnknownEvent`. A variant
//! whose key another shares may add `requires = "/data/code"`: a member its
//! type requires, so a delivery without it is not parsed as this message.
//! With `#[route(field = "/member")]`, `declares_key` on a variant says its
//! type declares that member as a field (so it refuses a second one): when
//! every variant does, the router stops looking for the key at the first.
//!
//! `#[derive(DeserializeObject)]` on a struct with named fields: serde's
//! `Deserialize`, read from a JSON object only, with far less code per
//! struct than serde's derive writes (see `deserialize.rs` for the serde
//! attributes it reads).

mod constraints;
mod deserialize;
// The runtime's `pattern::ecma` (a link to its file): the derive chooses each
// pattern's engine with the same code the runtime documents and tests.
mod ecma;
mod format;
mod pattern;
mod route;
mod schema;
mod union;
mod validate;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

#[proc_macro_derive(Validate, attributes(validate))]
pub fn derive_validate(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    validate::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[proc_macro_derive(DeserializeObject, attributes(serde))]
pub fn derive_deserialize_object(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    deserialize::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[proc_macro_derive(OneOf, attributes(serde))]
pub fn derive_one_of(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    union::expand(&input, true)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[proc_macro_derive(AnyOf, attributes(serde))]
pub fn derive_any_of(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    union::expand(&input, false)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[proc_macro_derive(Route, attributes(route))]
pub fn derive_route(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    route::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
