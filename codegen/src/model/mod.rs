//! The intermediate model every front end produces and every emitter reads.
//! Plain data, serialisable so `eventbind ir` can print it.

mod catalog;
pub mod formats;
pub(crate) mod inhabited;
pub(crate) mod naming;
pub(crate) mod positions;
pub(crate) mod progress;
mod types;

pub use catalog::{
    Action, Catalog, Example, Message, Operation, RouteOrigin, RouteRule, RoutedMessage,
    SecurityScheme, Server,
};
pub use types::{
    json_number, Additional, Constraints, EnumValue, Field, Ty, TyKind, TypeDef, TypeKind, Variant,
};
