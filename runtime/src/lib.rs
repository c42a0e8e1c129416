//! Runtime support for eventbind bindings.
//!
//! Generated crates (and hand-written types) derive [`Validate`] and [`Route`];
//! this crate holds the traits those derives implement, the error types every
//! parse returns, and the checks the derived code calls. It sits beside
//! `eventbind-macros` the way `serde` sits beside `serde_derive`.

pub mod check;
pub mod delivery;
pub mod dispatch;
pub mod error;
pub mod format;
pub mod headers;
#[cfg(feature = "axum")]
pub mod http;
pub mod idempotency;
pub mod parse;
pub mod path;
pub mod pattern;
pub mod peek;
pub mod receive;
pub mod route;
pub mod serde_helpers;
#[cfg(any(feature = "axum", feature = "sqs"))]
pub mod serve;
#[cfg(feature = "sqs")]
pub mod sqs;
pub mod union;
pub mod unknown;
pub mod validate;
pub mod verify;
pub mod wire;

pub use error::{ErrorKind, ParseError, PointerError};
pub use eventbind_macros::{AnyOf, OneOf, Route, Validate};
pub use parse::{from_slice, from_value};
pub use path::Path;
pub use route::{MessageInfo, Received, Route, Routing};
pub use unknown::UnknownEvent;
pub use validate::{Errors, Validate};

/// Re-exports used by derived code, so that a crate using the derives does not
/// need to name these dependencies itself.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}
