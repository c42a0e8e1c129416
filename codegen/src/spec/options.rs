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
    /// Reads `eventbind.toml` from `dir`; a folder without one gets defaults.
    pub fn read(dir: &Path) -> Result<Options> {
        let path = dir.join("eventbind.toml");
        if !path.exists() {
            return Ok(Options::default());
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        toml::from_str(&text)
            .map_err(|e| Error::new(&path, "", format!("invalid options: {}", e.message())))
    }
}
