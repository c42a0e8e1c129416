//! Emitters: one module per output, each deterministic (same model, same bytes).

pub mod rust;
