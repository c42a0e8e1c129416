//! Emitters: one module per output, each deterministic (same model, same bytes).

pub mod docs;
pub mod rust;
pub mod schema;
