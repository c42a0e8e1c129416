//! Every named type of the vendor crates, reachable by name, and a generator
//! of random instances (valid ones and near misses) from the model.

mod instances;

pub use instances::Generator;

/// A generated Rust type: parse + validate an instance.
pub struct GeneratedType {
    pub vendor: &'static str,
    pub name: &'static str,
    pub parse: fn(&[u8]) -> Result<(), eventbind_runtime::ParseError>,
}

include!(concat!(env!("OUT_DIR"), "/types.rs"));
