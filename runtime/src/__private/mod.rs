//! What derived and generated code calls and nothing else should: not a
//! stable API (as serde's `__private`), hidden from the docs.

pub mod check;
pub mod de;
pub mod serde_helpers;
pub mod union;
pub mod wire;

pub use serde;
pub use serde_json;
