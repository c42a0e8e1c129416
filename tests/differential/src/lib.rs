//! Every named type of the vendor crates, reachable by name, and the
//! generator of random instances (valid ones and near misses) from the model,
//! which lives in the CLI crate since `eventbind diff` builds its witnesses with it.

pub use eventbind::instances::Generator;

/// A generated Rust type: parse + validate an instance.
pub struct GeneratedType {
    pub vendor: &'static str,
    pub name: &'static str,
    pub parse: fn(&[u8]) -> Result<(), eventbind_runtime::ParseError>,
}

include!(concat!(env!("OUT_DIR"), "/types.rs"));
