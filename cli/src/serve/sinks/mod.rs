//! Where CloudEvents go: each sink sends a batch and says, per event,
//! whether it was acknowledged.

pub mod http;
pub mod jsonl;
#[cfg(feature = "sqs")]
pub mod sqs;

use super::cloudevents::CloudEvent;
use eventbind_receive::delivery::BoxFuture;

/// One place events are forwarded to.
pub trait Sink: Send + Sync {
    /// Sends `events`; one result per event, in order (`Err` holds why).
    fn send<'a>(&'a self, events: &'a [CloudEvent]) -> BoxFuture<'a, Vec<Result<(), String>>>;
}
