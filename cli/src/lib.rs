//! The `eventbind` command line, and the tools behind it that are not part of
//! generation: [`capture`] (record real deliveries), [`infer`] (a schema from
//! payloads), [`drift`] (payloads against a spec) and the [`oracle`] router
//! (payloads validated against the source schemas, with no generated code).
//!
//! Generation itself is `eventbind-codegen`; receiving is `eventbind-receive`.

pub mod capture;
mod commands;
pub mod diff;
pub mod drift;
pub mod infer;
pub mod instances;
pub mod lint;
pub mod oracle;
pub mod serve;

pub use commands::run;
pub use eventbind_codegen::{Error, Result};
