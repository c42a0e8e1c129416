//! Reading spec files: YAML or JSON documents, JSON Pointers, `$ref`s, and the
//! per-spec `eventbind.toml` options.

pub mod access;
pub mod documents;
pub mod options;
pub mod parse;
pub mod pointer;
pub mod read;
pub mod refs;
pub mod suggest;
pub mod uri;
pub mod uris;

pub use access::Access;
pub use documents::{Documents, Location};
pub use options::{Options, RouteOptions};
