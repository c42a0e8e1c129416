//! eventbind: typed, validated, routable Rust bindings (and JSON Schemas and
//! docs) from AsyncAPI documents, JSON Schemas and captured payloads.
//!
//! The flow is spec → [`load`] → [`model`] → [`emit`]; [`Builder`] is the one
//! entry point that the CLI and build scripts share.

pub mod builder;
pub mod capture;
pub mod drift;
pub mod error;
pub mod infer;
pub mod load;
pub mod model;
pub mod route;
pub mod spec;

pub use builder::{Builder, GeneratedFile};
pub use error::{Error, Result};

pub mod cli;
pub mod emit;
