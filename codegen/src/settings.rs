//! What a user may change about the generated Rust beyond the spec: extra
//! derives, attributes on types and fields, types replaced by existing Rust
//! types. Set on the [`Builder`](crate::Builder) (as `prost-build`'s `Config`)
//! or in `eventbind.toml` (`[derive]`, `[attributes]`, `[replace]`); both add up.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The names `Builder::derive` and `[derive] all` may give for every type;
/// each is checked against the type (`Eq` on a type holding a float is an
/// error naming the type). Other names (derive macros of your own) are
/// added as given.
pub const CHECKED_DERIVES: &[&str] = &["Eq", "Hash", "Default"];

/// Customisations of the generated Rust.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Derives added to every type where they hold (skipped silently where
    /// they do not).
    #[serde(default)]
    pub derive_all: Vec<String>,
    /// Derives added to one type, by its Rust name; an error where they do
    /// not hold.
    #[serde(default)]
    pub derives: BTreeMap<String, Vec<String>>,
    /// Attributes (`#[...]`, as Rust text) on a type, by its Rust name (`*`: every type).
    #[serde(default)]
    pub type_attributes: BTreeMap<String, Vec<String>>,
    /// Attributes on a member, by `Type.member` (the member's wire or Rust name).
    #[serde(default)]
    pub field_attributes: BTreeMap<String, Vec<String>>,
    /// Types replaced by an existing Rust type (a path such as
    /// `crate::money::Money`), by Rust name: the generated type becomes an
    /// alias, so every use names yours. Yours must implement what generated
    /// code needs (`Debug`, `Clone`, `PartialEq`, `Serialize`, `Deserialize`,
    /// `eventbind_runtime::Validate`).
    #[serde(default)]
    pub replace: BTreeMap<String, String>,
}

impl Settings {
    /// Whether nothing is customised.
    pub fn is_empty(&self) -> bool {
        *self == Settings::default()
    }

    /// `self`, with everything `other` sets added (its replacements win).
    pub fn merged(mut self, other: &Settings) -> Settings {
        extend_unique(&mut self.derive_all, &other.derive_all);
        for (map, more) in [
            (&mut self.derives, &other.derives),
            (&mut self.type_attributes, &other.type_attributes),
            (&mut self.field_attributes, &other.field_attributes),
        ] {
            for (key, values) in more {
                extend_unique(map.entry(key.clone()).or_default(), values);
            }
        }
        self.replace
            .extend(other.replace.iter().map(|(k, v)| (k.clone(), v.clone())));
        self
    }
}

fn extend_unique(list: &mut Vec<String>, more: &[String]) {
    for item in more {
        if !list.contains(item) {
            list.push(item.clone());
        }
    }
}

/// `[derive]` of `eventbind.toml`: `all = [...]` and `[derive.types]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDerives {
    #[serde(default)]
    pub all: Vec<String>,
    #[serde(default)]
    pub types: BTreeMap<String, Vec<String>>,
}

/// `[attributes]` of `eventbind.toml`: `types = {...}` and `fields = {...}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileAttributes {
    #[serde(default)]
    pub types: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub fields: BTreeMap<String, Vec<String>>,
}
