//! Receiving events for eventbind bindings: the delivery pipeline, dispatch
//! to handlers, dedup, signature checks, and the transports behind features
//! (`http`: an axum receiver; `sqs`: a queue consumer).
//!
//! Generated crates do not depend on this crate: only a program that receives
//! events does, and it links only the transports it enables.
#![warn(missing_docs)]

pub mod delivery;
pub mod dispatch;
#[cfg(feature = "http")]
pub mod http;
pub mod idempotency;
pub mod receive;
#[cfg(any(feature = "http", feature = "sqs"))]
pub mod serve;
#[cfg(feature = "sqs")]
pub mod sqs;
pub mod verify;
