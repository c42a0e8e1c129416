//! Parsing `#[validate(...)]` and turning each constraint into a call to
//! `eventbind_runtime::__private::check`.

use crate::format::format_variant;
use proc_macro2::TokenStream;
use quote::quote;
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Expr, LitInt, LitStr, Token};

/// The constraints on one value, as written in the attribute.
#[derive(Default)]
pub struct Constraints {
    min_length: Option<LitInt>,
    max_length: Option<LitInt>,
    /// The source, and the `Pattern` constructor call its plan gives.
    pattern: Option<(LitStr, TokenStream)>,
    format: Option<(LitStr, TokenStream)>,
    minimum: Option<Expr>,
    maximum: Option<Expr>,
    exclusive_minimum: Option<Expr>,
    exclusive_maximum: Option<Expr>,
    multiple_of: Option<Expr>,
    min_items: Option<LitInt>,
    max_items: Option<LitInt>,
    unique_items: bool,
    min_properties: Option<LitInt>,
    max_properties: Option<LitInt>,
    enum_values: Option<Vec<LitStr>>,
    json_enum: Option<LitStr>,
    /// A schema fragment, compiled into its checks.
    schema: Option<TokenStream>,
    /// The members held here are all ones the schema forbids.
    forbidden: bool,
    items: Option<Box<Constraints>>,
    values: Option<Box<Constraints>>,
    /// Do not call `Validate` on the value (its type does not implement it).
    pub skip: bool,
}

fn set<T>(slot: &mut Option<T>, value: T, meta: &ParseNestedMeta) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error("constraint given twice"));
    }
    *slot = Some(value);
    Ok(())
}

impl Constraints {
    /// Reads one `key = value` (or `key(...)`) of a `#[validate(...)]` list.
    pub fn parse_meta(&mut self, meta: ParseNestedMeta) -> syn::Result<()> {
        let Some(ident) = meta.path.get_ident().map(|i| i.to_string()) else {
            return Err(meta.error("expected a constraint name"));
        };
        match ident.as_str() {
            "min_length" => set(&mut self.min_length, meta.value()?.parse()?, &meta),
            "max_length" => set(&mut self.max_length, meta.value()?.parse()?, &meta),
            "min_items" => set(&mut self.min_items, meta.value()?.parse()?, &meta),
            "max_items" => set(&mut self.max_items, meta.value()?.parse()?, &meta),
            "min_properties" => set(&mut self.min_properties, meta.value()?.parse()?, &meta),
            "max_properties" => set(&mut self.max_properties, meta.value()?.parse()?, &meta),
            "minimum" => set(&mut self.minimum, meta.value()?.parse()?, &meta),
            "maximum" => set(&mut self.maximum, meta.value()?.parse()?, &meta),
            "exclusive_minimum" => set(&mut self.exclusive_minimum, meta.value()?.parse()?, &meta),
            "exclusive_maximum" => set(&mut self.exclusive_maximum, meta.value()?.parse()?, &meta),
            "multiple_of" => {
                let divisor: Expr = meta.value()?.parse()?;
                if is_zero_or_negative(&divisor) {
                    return Err(meta.error("multiple_of must be greater than 0"));
                }
                set(&mut self.multiple_of, divisor, &meta)
            }
            "pattern" => {
                let lit: LitStr = meta.value()?.parse()?;
                // Planned now, so a pattern that cannot be used is an error at its attribute.
                let engine = crate::pattern::engine(&lit.value())
                    .map_err(|e| syn::Error::new(lit.span(), format!("pattern {e}")))?;
                set(&mut self.pattern, (lit, engine), &meta)
            }
            "format" => {
                let lit: LitStr = meta.value()?.parse()?;
                let variant = format_variant(&lit)?;
                set(&mut self.format, (lit, variant), &meta)
            }
            "json_enum" => set(&mut self.json_enum, meta.value()?.parse()?, &meta),
            "schema" => {
                let lit: LitStr = meta.value()?.parse()?;
                // Compiled now, so a bad fragment is an error at its attribute.
                let checks = crate::schema::compile(&lit.value(), lit.span())?;
                set(&mut self.schema, checks, &meta)
            }
            "unique_items" => {
                self.unique_items = true;
                Ok(())
            }
            "skip" => {
                self.skip = true;
                Ok(())
            }
            "forbidden" => {
                self.forbidden = true;
                Ok(())
            }
            "enum_values" => {
                let content;
                syn::parenthesized!(content in meta.input);
                let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
                set(&mut self.enum_values, list.into_iter().collect(), &meta)
            }
            "items" | "values" => {
                let mut inner = Constraints::default();
                meta.parse_nested_meta(|m| inner.parse_meta(m))?;
                let slot = if ident == "items" {
                    &mut self.items
                } else {
                    &mut self.values
                };
                set(slot, Box::new(inner), &meta)
            }
            other => Err(meta.error(format!("unknown constraint `{other}`"))),
        }
    }

    /// Statements checking the value `value` (an expression of type `&T`)
    /// located at `at` (an expression of type `&Path`), pushing into `__errors`.
    pub fn checks(&self, value: &TokenStream, at: &TokenStream) -> TokenStream {
        let check = quote!(::eventbind_runtime::__private::check);
        let as_str = quote!(::core::convert::AsRef::<str>::as_ref(#value));
        let mut out = Vec::new();
        if let Some(n) = &self.min_length {
            out.push(quote!(#check::min_length(#as_str, #n, #at, __errors);));
        }
        if let Some(n) = &self.max_length {
            out.push(quote!(#check::max_length(#as_str, #n, #at, __errors);));
        }
        if let Some((_, engine)) = &self.pattern {
            out.push(quote!({
                static __PATTERN: #check::Pattern = #engine;
                #check::pattern(#as_str, &__PATTERN, #at, __errors);
            }));
        }
        if let Some((_, variant)) = &self.format {
            out.push(quote!(#check::format(#as_str, ::eventbind_runtime::format::Format::#variant, #at, __errors);));
        }
        if let Some(values) = &self.enum_values {
            out.push(quote!(#check::string_in(#as_str, &[#(#values),*], #at, __errors);));
        }
        for (bound, function) in [
            (&self.minimum, quote!(minimum)),
            (&self.maximum, quote!(maximum)),
            (&self.exclusive_minimum, quote!(exclusive_minimum)),
            (&self.exclusive_maximum, quote!(exclusive_maximum)),
            (&self.multiple_of, quote!(multiple_of)),
        ] {
            if let Some(bound) = bound {
                out.push(quote!(#check::#function(*#value, (#bound) as f64, #at, __errors);));
            }
        }
        if let Some(n) = &self.min_items {
            out.push(quote!(#check::min_items(#value.len(), #n, #at, __errors);));
        }
        if let Some(n) = &self.max_items {
            out.push(quote!(#check::max_items(#value.len(), #n, #at, __errors);));
        }
        if self.unique_items {
            out.push(quote!(#check::unique_items(&#value[..], #at, __errors);));
        }
        if let Some(n) = &self.min_properties {
            out.push(quote!(#check::min_properties(#value.len(), #n, #at, __errors);));
        }
        if let Some(n) = &self.max_properties {
            out.push(quote!(#check::max_properties(#value.len(), #n, #at, __errors);));
        }
        if let Some(lit) = &self.json_enum {
            out.push(quote!({
                static __ALLOWED: #check::json::Literal = #check::json::Literal::new(#lit);
                #check::json_in(#value, &__ALLOWED, #at, __errors);
            }));
        }
        if self.forbidden {
            out.push(quote!(#check::forbidden_members(#value, #at, __errors);));
        }
        if let Some(checks) = &self.schema {
            out.push(quote!({
                let __at: &::eventbind_runtime::Path<'_> = #at;
                match #check::json::as_json(#value) {
                    ::core::option::Option::Some(__json) => {
                        let __v: &::eventbind_runtime::__private::serde_json::Value = &__json;
                        #checks
                    }
                    ::core::option::Option::None => __errors.push(__at, "value cannot be represented as JSON"),
                }
            }));
        }
        if let Some(items) = &self.items {
            let inner = items.checks(&quote!(__item), &quote!(&__at));
            out.push(quote!(for (__index, __item) in #value.iter().enumerate() {
                let __at = #at.index(__index);
                #inner
            }));
        }
        if let Some(values) = &self.values {
            let inner = values.checks(&quote!(__item), &quote!(&__at));
            out.push(quote!(for (__key, __item) in #value.iter() {
                let __at = #at.key(__key);
                #inner
            }));
        }
        quote!(#(#out)*)
    }
}

/// Whether a literal divisor is `0`, `0.0` or negative (caught at compile time).
fn is_zero_or_negative(expr: &Expr) -> bool {
    match expr {
        Expr::Unary(unary) => matches!(unary.op, syn::UnOp::Neg(_)),
        Expr::Lit(lit) => match &lit.lit {
            syn::Lit::Int(i) => i.base10_parse::<u128>().is_ok_and(|v| v == 0),
            syn::Lit::Float(f) => f.base10_parse::<f64>().is_ok_and(|v| v <= 0.0),
            _ => false,
        },
        _ => false,
    }
}
