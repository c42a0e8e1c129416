//! Receiving events for eventbind bindings: the delivery pipeline, dispatch
//! to handlers, dedup, signature checks, the durable inbox, and what is
//! behind features: transports (`http`: an axum receiver; `sqs`: a queue
//! consumer) and stores (`sqlite`: one file; `postgres`: shared by replicas).
//!
//! Generated crates do not depend on this crate: only a program that receives
//! events does, and it links only the transports it enables.
#![deny(missing_docs)]

pub mod delivery;
pub mod dispatch;
#[cfg(feature = "http")]
pub mod http;
pub mod idempotency;
#[cfg(feature = "lambda")]
pub mod lambda;
pub mod receive;
pub mod redact;
#[cfg(any(feature = "http", feature = "sqs"))]
pub mod serve;
#[cfg(feature = "http")]
pub mod server;
#[cfg(feature = "sqs")]
pub mod sqs;
pub mod standard_webhooks;
pub mod store;
pub mod verify;
