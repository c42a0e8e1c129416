//! The eventbind generator: AsyncAPI 2.x/3.x documents and JSON Schemas in,
//! typed and validated Rust, JSON Schemas and docs out.
//!
//! The flow is spec → load → [`model`] → emit. Everything goes through one
//! path: [`Builder`] drives it for build scripts (like `prost-build`) and for
//! the `eventbind` CLI alike; [`load`] and the output functions below are the
//! steps it runs, for tools that want one of them alone.
//!
//! ```no_run
//! // build.rs
//! eventbind_codegen::Builder::new()
//!     .spec("../specs/commenda")
//!     .compile()
//!     .expect("eventbind bindings");
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/commenda.rs"));`.
//! The generated module needs `eventbind-runtime` and `serde` as dependencies.
#![deny(missing_docs)]

mod builder;
mod emit;
mod error;
mod load;
pub mod model;
mod outputs;
mod settings;
mod spec;

pub use builder::{stale_files, unexpected_files, write_if_changed, Builder, GeneratedFile};
pub use emit::rust::RuntimeSource;
pub use error::{Error, Result};
pub use load::{load, load_with, LoadOptions, Loaded};
pub use outputs::{
    docs_files, message_schema, render_schema, rust_module, schema_bundle, schema_file_name,
};
pub use settings::{Settings, CHECKED_DERIVES};
pub use spec::Documents;
