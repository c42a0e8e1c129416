//! The user's [`Settings`] applied to the generated items: extra derives,
//! attributes on types and members, types replaced by the user's own.
//!
//! Applied to the generated items, after the type emitter, so the emitter stays
//! about the spec and every customisation is checked in one place: a name
//! that is not a generated type, an attribute that is not Rust, or a derive
//! that cannot hold is an error naming it.

use super::code::{lit_str, Arg, Attr, Body, Item, Member};
use super::derivable::refusal;
use super::print::prettyplease_item;
use crate::error::{Error, Result};
use crate::model::Catalog;
use crate::settings::Settings;
use quote::ToTokens;
use syn::{Attribute, Path};

/// Applies `settings` to `items`, generated from `catalog`.
pub fn apply(items: &mut [Item], catalog: &Catalog, settings: &Settings, spec: &str) -> Result<()> {
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
    for item in items.iter_mut() {
        // Structs and enums: an alias takes its target's attributes.
        let name = match &item.body {
            Body::Struct { name, .. } | Body::Newtype { name, .. } | Body::Enum { name, .. } => {
                name.clone()
            }
            _ => continue,
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
        add_derives(&mut item.attrs, &wanted).map_err(&fail)?;
        for source in settings
            .type_attributes
            .get("*")
            .into_iter()
            .chain(settings.type_attributes.get(&name))
            .flatten()
        {
            item.attrs
                .extend(user_attributes(source, Place::Item).map_err(&fail)?);
        }
        if let Body::Struct { members, .. } = &mut item.body {
            add_field_attributes(&name, members, settings).map_err(&fail)?;
        }
    }
    for (name, path) in &settings.replace {
        let replacement: syn::Type = syn::parse_str(path).map_err(|e| {
            fail(format!(
                "`{path}` (replacing `{name}`) is not a Rust type: {e}"
            ))
        })?;
        let doc = format!(" `{name}` is `{path}`: replaced in the generator's settings.");
        let alias = Item::unformatted(format!(
            "#[doc = {}] pub type {name} = {};",
            lit_str(&doc),
            replacement.to_token_stream()
        ));
        if let Some(slot) = items
            .iter_mut()
            .find(|item| item.name() == Some(name.as_str()))
        {
            *slot = alias;
        }
    }
    Ok(())
}

/// Adds `derives` to the item's first `#[derive(...)]`, skipping those it has.
fn add_derives(attrs: &mut [Attr], derives: &[&str]) -> Result<(), String> {
    if derives.is_empty() {
        return Ok(());
    }
    let Some(meta) = attrs.iter_mut().find_map(|a| a.as_meta_mut("derive")) else {
        return Ok(());
    };
    let mut have: Vec<Path> = Vec::new();
    for arg in &meta.args {
        if let Arg::Word(word) = arg {
            have.push(syn::parse_str(word).map_err(|e| e.to_string())?);
        }
    }
    for derive in derives {
        let path: Path =
            syn::parse_str(derive).map_err(|e| format!("`{derive}` is not a derive path: {e}"))?;
        if !have.contains(&path) {
            meta.args.push(Arg::Word(path_text(&path)));
            have.push(path);
        }
    }
    Ok(())
}

/// A path as prettyplease writes one in an attribute: `a::b::C`, no spaces.
fn path_text(path: &Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

/// Where a user's attribute goes, for its layout.
#[derive(Clone, Copy)]
enum Place {
    Item,
    Member,
}

/// The user's attributes in `source`, checked by syn and laid out by
/// prettyplease as they will be printed (at an item's or a member's indentation).
fn user_attributes(source: &str, place: Place) -> Result<Vec<Attr>, String> {
    use syn::parse::Parser;
    let attrs = Attribute::parse_outer
        .parse_str(source)
        .map_err(|e| format!("`{source}` is not an attribute: {e}"))?;
    let mut out = Vec::new();
    for attr in attrs {
        let source = attr.to_token_stream().to_string();
        // Laid out on a stand-in item, then taken off it: the lines between
        // the stand-in's own (`struct S;`, or `struct S {` and `member: (),` `}`).
        let (dummy, skip_head, skip_tail, indent) = match place {
            Place::Item => (format!("{source} struct S;"), 0, 1, 0),
            Place::Member => (format!("struct S {{ {source} member: () }}"), 1, 2, 4),
        };
        let laid_out = prettyplease_item(&dummy)?;
        let all: Vec<&str> = laid_out.lines().collect();
        let end = all.len().saturating_sub(skip_tail);
        let lines = all[skip_head.min(end)..end]
            .iter()
            .map(|line| line.get(indent..).unwrap_or(line).to_string())
            .collect();
        out.push(Attr::Formatted { source, lines });
    }
    Ok(out)
}

/// Attributes for `Type.member` on the members of `Type` (by Rust or wire name).
fn add_field_attributes(
    type_name: &str,
    members: &mut [Member],
    settings: &Settings,
) -> Result<(), String> {
    for (path, sources) in &settings.field_attributes {
        let Some((ty, member)) = path.split_once('.') else {
            continue;
        };
        if ty != type_name {
            continue;
        }
        let field = members
            .iter_mut()
            .find(|field| field.name == member || field.renamed() == Some(member))
            .ok_or_else(|| format!("`{type_name}` has no member `{member}`"))?;
        for source in sources {
            field.attrs.extend(user_attributes(source, Place::Member)?);
        }
    }
    Ok(())
}
