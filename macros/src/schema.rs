//! `#[validate(schema = "{...}")]`: a JSON Schema (draft-07) fragment,
//! compiled here into checks on the value's JSON form. The generator writes
//! one for keywords that no Rust type or attribute expresses (a `oneOf` of
//! string constraints, `not`, `if`/`then`/`else`, tuple `items`, and every
//! keyword of a schema that does not fix the value's kind).
//!
//! A `$ref` must name a type in scope as `#/definitions/<Type>`: the value
//! must read as that type and validate. Unknown keywords and formats are
//! errors here; the generator drops (and reports) them before writing one.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

/// Keywords that only annotate.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "title",
    "description",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
    "contentMediaType",
    "contentEncoding",
    "definitions",
];

/// The checks of `source` on the JSON value `__v` (a `&Value`) at `__at`.
pub fn compile(source: &str, span: Span) -> syn::Result<TokenStream> {
    let schema: Value = serde_json::from_str(source)
        .map_err(|e| syn::Error::new(span, format!("schema is not JSON: {e}")))?;
    Compiler { span }.node(&schema, "#")
}

struct Compiler {
    span: Span,
}

impl Compiler {
    fn error(&self, at: &str, message: impl std::fmt::Display) -> syn::Error {
        syn::Error::new(self.span, format!("schema {at}: {message}"))
    }

    /// Statements checking `__v` against `schema` (at `pointer`, for errors).
    fn node(&self, schema: &Value, pointer: &str) -> syn::Result<TokenStream> {
        let map = match schema {
            Value::Bool(true) => return Ok(quote!()),
            Value::Bool(false) => {
                return Ok(quote!(__errors.push(__at, "no value is allowed here");))
            }
            Value::Object(map) => map,
            _ => return Err(self.error(pointer, "a schema must be an object or a boolean")),
        };
        if let Some(reference) = map.get("$ref") {
            // Draft 7: beside `$ref`, every other keyword is ignored.
            return self.reference(reference, pointer);
        }
        let json = quote!(::eventbind_runtime::__private::check::json);
        let mut out = Vec::new();
        for (key, value) in map {
            let at = format!("{pointer}/{key}");
            let key = key.as_str();
            match key {
                "type" => out.push(self.types(value, &at)?),
                "enum" => {
                    let literal = value.to_string();
                    out.push(quote!({
                        static __ALLOWED: #json::Literal = #json::Literal::new(#literal);
                        #json::one_of_values(__v, &__ALLOWED, __at, __errors);
                    }));
                }
                "const" => {
                    let literal = value.to_string();
                    out.push(quote!({
                        static __EXPECTED: #json::Literal = #json::Literal::new(#literal);
                        #json::equals(__v, &__EXPECTED, __at, __errors);
                    }));
                }
                "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties"
                | "maxProperties" => {
                    let n = self.count(value, &at)?;
                    let function = syn::Ident::new(&snake(key), self.span);
                    out.push(quote!(#json::#function(__v, #n, __at, __errors);));
                }
                "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
                    out.push(self.bound(map, key, value, &at)?)
                }
                "pattern" => {
                    let source = self.string(value, &at)?;
                    let engine = crate::pattern::engine(source)
                        .map_err(|e| self.error(&at, format!("pattern {e}")))?;
                    out.push(quote!({
                        static __PATTERN: ::eventbind_runtime::__private::check::Pattern = #engine;
                        #json::pattern(__v, &__PATTERN, __at, __errors);
                    }));
                }
                "format" => {
                    let name = self.string(value, &at)?;
                    let variant = crate::format::format_variant_named(name)
                        .ok_or_else(|| self.error(&at, format!("unsupported format `{name}`")))?;
                    out.push(quote!(#json::format(__v, ::eventbind_runtime::format::Format::#variant, __at, __errors);));
                }
                "uniqueItems" => {
                    if value == &Value::Bool(true) {
                        out.push(quote!(#json::unique_items(__v, __at, __errors);));
                    }
                }
                // Read together, after this loop.
                "items"
                | "additionalItems"
                | "contains"
                | "properties"
                | "patternProperties"
                | "additionalProperties" => {}
                "required" => {
                    let names = self.strings(value, &at)?;
                    out.push(
                        quote!(if let ::core::option::Option::Some(__map) = __v.as_object() {
                            #json::required(__map, &[#(#names),*], __at, __errors);
                        }),
                    );
                }
                "propertyNames" => {
                    let inner = self.node(value, &at)?;
                    out.push(quote!(if let ::core::option::Option::Some(__map) = __v.as_object() {
                        for __key in __map.keys() {
                            let __name = ::eventbind_runtime::__private::serde_json::Value::String(__key.clone());
                            let __v = &__name;
                            let __at = &__at.key(__key);
                            #inner
                        }
                    }));
                }
                "dependencies" => out.push(self.dependencies(value, &at)?),
                "allOf" => {
                    for (i, branch) in self.list(value, &at)?.iter().enumerate() {
                        out.push(self.node(branch, &format!("{at}/{i}"))?);
                    }
                }
                "anyOf" | "oneOf" => out.push(self.alternatives(key, value, &at)?),
                "not" => {
                    let inner = self.node(value, &at)?;
                    out.push(quote!(if #json::matches(|__errors| { #inner }) {
                        __errors.push(__at, "must not match the schema under `not`");
                    }));
                }
                "if" => {
                    let condition = self.node(value, &at)?;
                    let then = match map.get("then") {
                        Some(s) => self.node(s, &format!("{pointer}/then"))?,
                        None => quote!(),
                    };
                    let otherwise = match map.get("else") {
                        Some(s) => self.node(s, &format!("{pointer}/else"))?,
                        None => quote!(),
                    };
                    out.push(quote!(if #json::matches(|__errors| { #condition }) { #then } else { #otherwise }));
                }
                // Read with their `if`.
                "then" | "else" => {}
                _ if ANNOTATIONS.contains(&key) || key.starts_with("x-") => {}
                other => return Err(self.error(&at, format!("unsupported keyword `{other}`"))),
            }
        }
        if map.contains_key("items") || map.contains_key("contains") {
            out.push(self.array(map, pointer)?);
        }
        if ["properties", "patternProperties", "additionalProperties"]
            .iter()
            .any(|k| map.contains_key(*k))
        {
            out.push(self.members(map, pointer)?);
        }
        Ok(quote!(#(#out)*))
    }

    fn reference(&self, reference: &Value, pointer: &str) -> syn::Result<TokenStream> {
        let at = format!("{pointer}/$ref");
        let target = self.string(reference, &at)?;
        let name = target
            .strip_prefix("#/definitions/")
            .filter(|n| !n.is_empty() && !n.contains('/'))
            .ok_or_else(|| self.error(&at, format!("`{target}` is not `#/definitions/<Type>`")))?;
        let ty: syn::Type = syn::parse_str(name)
            .map_err(|_| self.error(&at, format!("`{name}` is not a Rust type name")))?;
        Ok(
            quote!(::eventbind_runtime::__private::check::json::conforms::<#ty>(__v, __at, __errors);),
        )
    }

    fn types(&self, value: &Value, at: &str) -> syn::Result<TokenStream> {
        let names: Vec<&str> = match value {
            Value::String(one) => vec![one.as_str()],
            Value::Array(list) => list
                .iter()
                .map(|t| {
                    t.as_str()
                        .ok_or_else(|| self.error(at, "type names are strings"))
                })
                .collect::<syn::Result<_>>()?,
            _ => return Err(self.error(at, "`type` is a string or an array")),
        };
        let kinds = names
            .iter()
            .map(|name| {
                let kind = match *name {
                    "null" => "Null",
                    "boolean" => "Boolean",
                    "integer" => "Integer",
                    "number" => "Number",
                    "string" => "String",
                    "array" => "Array",
                    "object" => "Object",
                    other => return Err(self.error(at, format!("unknown type `{other}`"))),
                };
                let kind = syn::Ident::new(kind, self.span);
                Ok(quote!(::eventbind_runtime::__private::check::json::Kind::#kind))
            })
            .collect::<syn::Result<Vec<_>>>()?;
        Ok(
            quote!(::eventbind_runtime::__private::check::json::types(__v, &[#(#kinds),*], __at, __errors);),
        )
    }

    /// A numeric bound; draft 4's boolean `exclusiveMinimum` turns `minimum` exclusive.
    fn bound(
        &self,
        map: &Map<String, Value>,
        key: &str,
        value: &Value,
        at: &str,
    ) -> syn::Result<TokenStream> {
        let keyword = match (key, value) {
            ("exclusiveMinimum" | "exclusiveMaximum", Value::Bool(_)) => return Ok(quote!()),
            ("minimum", _) if map.get("exclusiveMinimum") == Some(&Value::Bool(true)) => {
                "exclusiveMinimum"
            }
            ("maximum", _) if map.get("exclusiveMaximum") == Some(&Value::Bool(true)) => {
                "exclusiveMaximum"
            }
            _ => key,
        };
        let bound = value
            .as_f64()
            .ok_or_else(|| self.error(at, "a bound is a number"))?;
        if key == "multipleOf" && bound <= 0.0 {
            return Err(self.error(at, "multipleOf must be greater than 0"));
        }
        let function = syn::Ident::new(&snake(keyword), self.span);
        let bound = proc_macro2::Literal::f64_unsuffixed(bound);
        Ok(
            quote!(::eventbind_runtime::__private::check::json::#function(__v, #bound, __at, __errors);),
        )
    }

    /// `items` (one schema or a tuple), `additionalItems` and `contains`.
    fn array(&self, map: &Map<String, Value>, pointer: &str) -> syn::Result<TokenStream> {
        let mut each = Vec::new();
        match map.get("items") {
            Some(Value::Array(tuple)) => {
                let mut arms = Vec::new();
                for (i, item) in tuple.iter().enumerate() {
                    let inner = self.node(item, &format!("{pointer}/items/{i}"))?;
                    arms.push(quote!(#i => { #inner }));
                }
                let rest = match map.get("additionalItems") {
                    Some(extra) => self.node(extra, &format!("{pointer}/additionalItems"))?,
                    None => quote!(),
                };
                each.push(quote!(match __index { #(#arms)* _ => { #rest } }));
            }
            Some(single) => each.push(self.node(single, &format!("{pointer}/items"))?),
            None => {}
        }
        let contains = match map.get("contains") {
            Some(schema) => {
                let inner = self.node(schema, &format!("{pointer}/contains"))?;
                Some(quote!(
                    let __found = __items.iter().enumerate().any(|(__index, __v)| {
                        let __at = &__at.index(__index);
                        ::eventbind_runtime::__private::check::json::matches(|__errors| { #inner })
                    });
                    if !__found {
                        __errors.push(__at, "must contain an item matching the `contains` schema");
                    }
                ))
            }
            None => None,
        };
        let each = (!each.is_empty()).then(|| {
            quote!(for (__index, __v) in __items.iter().enumerate() {
                let __at = &__at.index(__index);
                #(#each)*
            })
        });
        Ok(
            quote!(if let ::core::option::Option::Some(__items) = __v.as_array() {
                #each
                #contains
            }),
        )
    }

    /// `properties`, `patternProperties` and `additionalProperties`, which
    /// together decide what schema each member is checked against.
    fn members(&self, map: &Map<String, Value>, pointer: &str) -> syn::Result<TokenStream> {
        let empty = Map::new();
        let properties = match map.get("properties") {
            Some(Value::Object(p)) => p,
            Some(_) => return Err(self.error(pointer, "`properties` is an object")),
            None => &empty,
        };
        let patterns = match map.get("patternProperties") {
            Some(Value::Object(p)) => p,
            Some(_) => return Err(self.error(pointer, "`patternProperties` is an object")),
            None => &empty,
        };
        let mut arms = Vec::new();
        for (name, schema) in properties {
            let inner = self.node(schema, &format!("{pointer}/properties/{name}"))?;
            arms.push(quote!(#name => { __declared = true; #inner }));
        }
        let mut pattern_checks = Vec::new();
        for (source, schema) in patterns {
            let engine = crate::pattern::engine(source)
                .map_err(|e| self.error(pointer, format!("pattern {source:?} {e}")))?;
            let inner = self.node(schema, &format!("{pointer}/patternProperties/{source}"))?;
            pattern_checks.push(quote!({
                static __PATTERN: ::eventbind_runtime::__private::check::Pattern = #engine;
                match __PATTERN.is_match(__key) {
                    ::core::result::Result::Ok(true) => {
                        __declared = true;
                        #inner
                    }
                    ::core::result::Result::Ok(false) => {}
                    // A member name the pattern cannot be matched against is
                    // reported, not taken as unmatched.
                    ::core::result::Result::Err(__e) => __errors.push(__at, __e),
                }
            }));
        }
        let additional = match map.get("additionalProperties") {
            Some(schema) => {
                let inner = self.node(schema, &format!("{pointer}/additionalProperties"))?;
                quote!(if !__declared { #inner })
            }
            None => quote!(),
        };
        Ok(
            quote!(if let ::core::option::Option::Some(__map) = __v.as_object() {
                for (__key, __v) in __map {
                    let __at = &__at.key(__key);
                    #[allow(unused_mut)]
                    let mut __declared = false;
                    match __key.as_str() { #(#arms)* _ => {} }
                    #(#pattern_checks)*
                    #additional
                    let _ = __declared;
                }
            }),
        )
    }

    fn dependencies(&self, value: &Value, at: &str) -> syn::Result<TokenStream> {
        let Value::Object(map) = value else {
            return Err(self.error(at, "`dependencies` is an object"));
        };
        let mut out = Vec::new();
        for (name, dependency) in map {
            let check = match dependency {
                Value::Array(_) => {
                    let names = self.strings(dependency, &format!("{at}/{name}"))?;
                    quote!(::eventbind_runtime::__private::check::json::required(__map, &[#(#names),*], __at, __errors);)
                }
                schema => self.node(schema, &format!("{at}/{name}"))?,
            };
            out.push(quote!(if __map.contains_key(#name) { #check }));
        }
        Ok(quote!(if let ::core::option::Option::Some(__map) = __v.as_object() { #(#out)* }))
    }

    fn alternatives(&self, key: &str, value: &Value, at: &str) -> syn::Result<TokenStream> {
        let branches = self
            .list(value, at)?
            .iter()
            .enumerate()
            .map(|(i, branch)| {
                let inner = self.node(branch, &format!("{at}/{i}"))?;
                Ok(quote!(::eventbind_runtime::__private::check::json::matches(|__errors| { #inner })))
            })
            .collect::<syn::Result<Vec<_>>>()?;
        Ok(if key == "anyOf" {
            quote!(if !(#(#branches)||*) {
                __errors.push(__at, "must match at least one schema of `anyOf`");
            })
        } else {
            quote!({
                let __matched = [#(#branches),*].iter().filter(|m| **m).count();
                if __matched != 1 {
                    __errors.push(__at, format!("matches {} of the `oneOf` schemas; exactly one must match", __matched));
                }
            })
        })
    }

    fn list<'v>(&self, value: &'v Value, at: &str) -> syn::Result<&'v Vec<Value>> {
        match value {
            Value::Array(list) if !list.is_empty() => Ok(list),
            _ => Err(self.error(at, "expected a non-empty array of schemas")),
        }
    }

    fn string<'v>(&self, value: &'v Value, at: &str) -> syn::Result<&'v str> {
        value
            .as_str()
            .ok_or_else(|| self.error(at, "expected a string"))
    }

    fn strings(&self, value: &Value, at: &str) -> syn::Result<Vec<String>> {
        match value {
            Value::Array(list) => list
                .iter()
                .map(|v| self.string(v, at).map(str::to_string))
                .collect(),
            _ => Err(self.error(at, "expected an array of strings")),
        }
    }

    fn count(&self, value: &Value, at: &str) -> syn::Result<proc_macro2::Literal> {
        let n = value
            .as_u64()
            .or_else(|| {
                value
                    .as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            })
            .ok_or_else(|| self.error(at, "expected a non-negative integer"))?;
        Ok(proc_macro2::Literal::usize_unsuffixed(n as usize))
    }
}

/// `minLength` → `min_length`.
fn snake(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
