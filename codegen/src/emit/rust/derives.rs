//! The optional `schemars::JsonSchema` derive of the generated crates (cargo
//! feature `schemars`, off by default so default builds stay lean).
//!
//! It is added to the items [`super::types`] writes rather than written by it,
//! so the type emitter stays about types: every item that derives
//! `Deserialize` gets `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`.
//! schemars reads the serde attributes (renames, `deny_unknown_fields`,
//! `flatten`, `transparent`, `untagged`) but not `#[validate(...)]`: the
//! constraints live in the schemas eventbind writes under `schemas/`.

use super::code::{lit_str, Arg, Attr, Body, Item, Meta};
use crate::model::Catalog;

/// The serde helper of a member that must be present but may be `null`.
const REQUIRED_NULLABLE: &str = "required_nullable";

/// `#[cfg_attr(feature = "schemars", <inner>)]`.
fn gated(inner: Meta) -> Attr {
    Attr::Meta(Meta {
        path: "cfg_attr".into(),
        args: vec![Arg::Word("feature = \"schemars\"".into()), Arg::List(inner)],
    })
}

/// Adds the derive to the items of one crate, then writes what they need.
#[derive(Default)]
pub struct Schemars {
    /// Whether a member uses `required_nullable_schema`.
    required_nullable: bool,
}

impl Schemars {
    /// Adds the schemars derive to `items`.
    pub fn add(&mut self, items: &mut [Item]) {
        for item in items {
            if !derives_validate(&item.attrs) {
                continue;
            }
            let derive = gated(Meta::new("derive", ["schemars::JsonSchema"]));
            // Right after the item's own `#[derive(...)]`.
            let at = (item.attrs.iter())
                .position(|a| a.as_meta("derive").is_some())
                .map_or(0, |i| i + 1);
            item.attrs.insert(at, derive);
            match &mut item.body {
                Body::Struct { members, .. } => {
                    let mut closed = false;
                    for member in members.iter_mut() {
                        if mentions(&member.attrs, "validate", |m| m.has_word("forbidden")) {
                            member.attrs.push(gated(Meta::new("schemars", ["skip"])));
                            closed = true;
                        }
                        self.required_nullable |=
                            mark_required_nullable(&mut member.attrs, &member.ty);
                    }
                    if closed {
                        item.attrs
                            .push(gated(Meta::new("schemars", ["deny_unknown_fields"])));
                    }
                }
                Body::Newtype { inner, .. } => {
                    self.required_nullable |= mark_required_nullable(&mut inner.attrs, &inner.ty);
                }
                Body::Enum { variants, .. } => {
                    for payload in variants.iter_mut().filter_map(|v| v.payload.as_mut()) {
                        self.required_nullable |=
                            mark_required_nullable(&mut payload.attrs, &payload.ty);
                    }
                }
                Body::Alias { .. } | Body::Text(_) | Body::Unformatted(_) => {}
            }
        }
    }

    /// Items the derives need: the helper for required nullable members (only
    /// when one uses it, so no dead code), and every type's derived schema by name.
    pub fn support(&self, catalog: &Catalog) -> Vec<Item> {
        let mut items = Vec::new();
        if self.required_nullable {
            items.push(Item::unformatted(
                "/// The schema of a member that must be present but may be `null` (schemars
/// reads a bare `Option` as optional).
#[cfg(feature = \"schemars\")]
fn required_nullable_schema<T: schemars::JsonSchema>(
    generator: &mut schemars::SchemaGenerator,
) -> schemars::Schema {
    generator.subschema_for::<Option<T>>()
}
"
                .to_string(),
            ));
        }
        let mut entries = String::new();
        for def in &catalog.types {
            entries.push_str(&format!("schema::<{}>({}),", def.name, lit_str(&def.name)));
        }
        // Laid out by prettyplease: one call per type in a list it breaks.
        items.push(Item::unformatted(format!(
            "/// Every type's JSON Schema (draft-07) as `schemars` derives it from the Rust type,
/// by type name. It follows serde's view (names, required, unknown members) but not
/// the `#[validate]` constraints: `schemas/` holds the schemas eventbind writes from
/// the spec, constraints included.
#[cfg(feature = \"schemars\")]
pub fn derived_json_schemas() -> Vec<(&'static str, schemars::Schema)> {{
    fn schema<T: schemars::JsonSchema>(name: &'static str) -> (&'static str, schemars::Schema) {{
        let generator = schemars::generate::SchemaSettings::draft07().into_generator();
        (name, generator.into_root_schema_for::<T>())
    }}
    Vec::from([{entries}])
}}
"
        )));
        items
    }
}

/// Every type the emitter writes derives `Validate` (aliases are not items).
fn derives_validate(attrs: &[Attr]) -> bool {
    mentions(attrs, "derive", |meta| meta.has_word("Validate"))
}

/// Whether one of `attrs` is `#[path(...)]` and `test` holds for its arguments
/// (one the user wrote is looked through as text).
fn mentions(attrs: &[Attr], path: &str, test: impl Fn(&Meta) -> bool) -> bool {
    attrs.iter().any(|attr| match attr {
        Attr::Meta(meta) => meta.path == path && test(meta),
        Attr::Formatted { .. } => false,
    })
}

/// schemars reads any `Option` member as optional; one that serde requires
/// (present, possibly `null`) says so through the helper [`Schemars::support`]
/// writes. Whether the member is one.
fn mark_required_nullable(attrs: &mut Vec<Attr>, ty: &str) -> bool {
    let required_nullable = mentions(attrs, "serde", |meta| {
        meta.has_string_containing(REQUIRED_NULLABLE)
    });
    let Some(inner) = ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) else {
        return false;
    };
    if !required_nullable {
        return false;
    }
    let path = format!("required_nullable_schema::<{inner}>");
    attrs.push(gated(Meta::new(
        "schemars",
        [format!("schema_with = {}", lit_str(&path))],
    )));
    true
}
