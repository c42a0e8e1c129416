//! `eventbind.toml`: the options a spec folder gives the generator.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    #[serde(default, rename = "crate")]
    pub krate: CrateOptions,
    /// Routing per operation id.
    #[serde(default)]
    pub route: BTreeMap<String, RouteOptions>,
    /// `[derive]`: extra derives, for every type (`all`) or by type (`types`).
    #[serde(default)]
    pub derive: crate::settings::FileDerives,
    /// `[attributes]`: attributes on types (`types`) and members (`fields`).
    #[serde(default)]
    pub attributes: crate::settings::FileAttributes,
    /// `[replace]`: types replaced by existing Rust types.
    #[serde(default)]
    pub replace: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateOptions {
    /// Package name of the generated crate.
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteOptions {
    /// `field`, `presence` or `name`.
    pub by: String,
    /// For `field`: the JSON Pointer of the string naming the message.
    pub pointer: Option<String>,
    /// Rust name of the event enum.
    #[serde(rename = "enum")]
    pub enum_name: Option<String>,
}

impl Options {
    /// The customisations of the generated Rust this file gives.
    pub fn settings(&self) -> crate::settings::Settings {
        crate::settings::Settings {
            derive_all: self.derive.all.clone(),
            derives: self.derive.types.clone(),
            type_attributes: self.attributes.types.clone(),
            field_attributes: self.attributes.fields.clone(),
            replace: self.replace.clone(),
        }
    }

    /// Reads `eventbind.toml` from `dir` as a spec file is read (a regular
    /// file, at most the size `access` allows, not a link out of `dir`); a
    /// folder without one gets defaults.
    pub fn read(dir: &Path, access: &super::Access) -> Result<Options> {
        let path = dir.join("eventbind.toml");
        if !path.exists() {
            return Ok(Options::default());
        }
        let mut access = access.clone();
        access.allow_root(dir);
        let canonical = access.check(&path)?;
        let text = super::read::text(&path, &canonical, access.max_file_size())?;
        toml::from_str(&text)
            .map_err(|e| Error::new(&path, "", format!("invalid options: {}", e.message())))
    }
}
