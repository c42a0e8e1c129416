//! The user's [`Settings`] applied to the generated items: extra derives,
//! attributes on types and members, types replaced by the user's own.
//!
//! Applied to the parsed file, after the type emitter, so the emitter stays
//! about the spec and every customisation is checked in one place: a name
//! that is not a generated type, an attribute that is not Rust, or a derive
//! that cannot hold is an error naming it.

use super::derivable::refusal;
use crate::error::{Error, Result};
use crate::model::Catalog;
use crate::settings::Settings;
use syn::punctuated::Punctuated;
use syn::{parse_quote, Attribute, Fields, Item, Meta, Path, Token};

/// Applies `settings` to the items of `file`, generated from `catalog`.
pub fn apply(
    file: &mut syn::File,
    catalog: &Catalog,
    settings: &Settings,
    spec: &str,
) -> Result<()> {
    if settings.is_empty() {
        return Ok(());
    }
    let fail = |message: String| Error::new(spec, "", message);
    let known = |name: &str| catalog.type_named(name).is_some();
    for name in settings
        .derives
        .keys()
        .chain(settings.replace.keys())
        .chain(settings.type_attributes.keys().filter(|k| *k != "*"))
    {
        if !known(name) {
            return Err(fail(format!("no generated type is named `{name}`")));
        }
    }
    for path in settings.field_attributes.keys() {
        let Some((ty, _)) = path.split_once('.') else {
            return Err(fail(format!(
                "a member attribute needs `Type.member`, not `{path}`"
            )));
        };
        if !known(ty) {
            return Err(fail(format!(
                "no generated type is named `{ty}` (in `{path}`)"
            )));
        }
    }
    for item in &mut file.items {
        let Some((name, attrs)) = named_item(item) else {
            continue;
        };
        if !known(&name) {
            continue;
        }
        let mut wanted: Vec<&str> = settings
            .derive_all
            .iter()
            .map(String::as_str)
            .filter(|derive| refusal(catalog, &name, derive).is_none())
            .collect();
        for derive in settings.derives.get(&name).into_iter().flatten() {
            if let Some(why) = refusal(catalog, &name, derive) {
                return Err(fail(format!(
                    "cannot derive `{derive}` for `{name}`: it {why}"
                )));
            }
            wanted.push(derive);
        }
        add_derives(attrs, &wanted).map_err(&fail)?;
        for source in settings
            .type_attributes
            .get("*")
            .into_iter()
            .chain(settings.type_attributes.get(&name))
            .flatten()
        {
            attrs.extend(parse_attributes(source).map_err(&fail)?);
        }
        if let Item::Struct(item) = item {
            add_field_attributes(&name, &mut item.fields, settings).map_err(&fail)?;
        }
    }
    for (name, path) in &settings.replace {
        let replacement: syn::Type = syn::parse_str(path).map_err(|e| {
            fail(format!(
                "`{path}` (replacing `{name}`) is not a Rust type: {e}"
            ))
        })?;
        let ident = super::fields::ident(name);
        let doc = format!(" `{name}` is `{path}`: replaced in the generator's settings.");
        let alias: Item = parse_quote! {
            #[doc = #doc]
            pub type #ident = #replacement;
        };
        if let Some(slot) = file
            .items
            .iter_mut()
            .find(|item| named_item_ident(item).as_deref() == Some(name.as_str()))
        {
            *slot = alias;
        }
    }
    Ok(())
}

fn named_item_ident(item: &Item) -> Option<String> {
    match item {
        Item::Struct(item) => Some(item.ident.to_string()),
        Item::Enum(item) => Some(item.ident.to_string()),
        Item::Type(item) => Some(item.ident.to_string()),
        _ => None,
    }
}

fn named_item(item: &mut Item) -> Option<(String, &mut Vec<Attribute>)> {
    match item {
        Item::Struct(item) => Some((item.ident.to_string(), &mut item.attrs)),
        Item::Enum(item) => Some((item.ident.to_string(), &mut item.attrs)),
        _ => None,
    }
}

/// Adds `derives` to the item's first `#[derive(...)]`, skipping those it has.
fn add_derives(attrs: &mut [Attribute], derives: &[&str]) -> Result<(), String> {
    if derives.is_empty() {
        return Ok(());
    }
    let Some(attr) = attrs.iter_mut().find(|a| a.path().is_ident("derive")) else {
        return Ok(());
    };
    let mut paths: Punctuated<Path, Token![,]> = attr
        .parse_args_with(Punctuated::parse_terminated)
        .map_err(|e| e.to_string())?;
    for derive in derives {
        let path: Path =
            syn::parse_str(derive).map_err(|e| format!("`{derive}` is not a derive path: {e}"))?;
        if !paths.iter().any(|p| *p == path) {
            paths.push(path);
        }
    }
    attr.meta = Meta::List(parse_quote!(derive(#paths)));
    Ok(())
}

fn parse_attributes(source: &str) -> Result<Vec<Attribute>, String> {
    use syn::parse::Parser;
    Attribute::parse_outer
        .parse_str(source)
        .map_err(|e| format!("`{source}` is not an attribute: {e}"))
}

/// Attributes for `Type.member` on the members of `Type` (by Rust or wire name).
fn add_field_attributes(
    type_name: &str,
    fields: &mut Fields,
    settings: &Settings,
) -> Result<(), String> {
    for (path, sources) in &settings.field_attributes {
        let Some((ty, member)) = path.split_once('.') else {
            continue;
        };
        if ty != type_name {
            continue;
        }
        let field = fields
            .iter_mut()
            .find(|field| {
                field.ident.as_ref().is_some_and(|i| i == member)
                    || wire_name(field) == Some(member.to_string())
            })
            .ok_or_else(|| format!("`{type_name}` has no member `{member}`"))?;
        for source in sources {
            field.attrs.extend(parse_attributes(source)?);
        }
    }
    Ok(())
}

/// The `#[serde(rename = "...")]` of a member, if any.
fn wire_name(field: &syn::Field) -> Option<String> {
    let mut name = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                name = Some(value.value());
            } else if meta.input.peek(Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    name
}
