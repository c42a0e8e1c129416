//! A `pattern`'s engine, chosen when the derive expands (so that the checks
//! pay nothing for choosing) and written as the `Pattern` constructor call.

use crate::ecma::{plan, Plan};
use proc_macro2::TokenStream;
use quote::quote;

/// The `Pattern` value (a constant expression) for `source`, or why the
/// pattern cannot be used (worded to follow "pattern").
pub fn engine(source: &str) -> Result<TokenStream, String> {
    let pattern = quote!(::eventbind_runtime::__private::check::Pattern);
    Ok(match plan(source)? {
        Plan::Linear(translated) => quote!(#pattern::linear(#source, #translated)),
        Plan::Backtracking { max_chars } => quote!(#pattern::backtracking(#source, #max_chars)),
    })
}
