//! SQS through AWS Lambda (feature `lambda`): the event source mapping
//! receives and deletes, the function gets a batch as an
//! [`SqsEvent`], and answers which records must come back
//! ([`SqsBatchResponse::batch_item_failures`]; the mapping needs
//! `FunctionResponseTypes: ReportBatchItemFailures`, or one failure retries
//! the whole batch).
//!
//! Each record goes through the same pipeline ([`Process`], e.g. a
//! [`Receiver`](crate::receive::Receiver)) as with the long-polling consumer
//! of the `sqs` feature, and by the same rule: a record is deleted only once
//! acknowledged; rejected and retry-later records are reported as failures,
//! so they come back after the visibility timeout and, after
//! `maxReceiveCount` receives, end in the queue's dead-letter queue.
//!
//! Each invocation's event goes to [`SqsLambda::handle`]; with
//! [`lambda_runtime`](https://docs.rs/lambda_runtime) that is
//! `lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| async {
//! Ok::<_, Error>(lambda.handle(event.payload).await) }))`:
//!
//! ```
//! # use aws_lambda_events::event::sqs::SqsEvent;
//! # use eventbind_commenda::CommendaEvent;
//! # use eventbind_receive::{dispatch::Dispatcher, lambda::SqsLambda, receive::Receiver};
//! let lambda = SqsLambda::new(Receiver::new(Dispatcher::<CommendaEvent>::new()));
//! # let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! # runtime.block_on(async {
//! let response = lambda.handle(SqsEvent::default()).await;
//! assert!(response.batch_item_failures.is_empty());
//! # });
//! ```

use crate::delivery::{BoxFuture, Delivery, Disposition, Headers};
use crate::receive::{Process, Report};
use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use std::future::poll_fn;
use std::task::Poll;

/// Whether a queue message must come back rather than be deleted: anything
/// not acknowledged (rejected or retry-later). The SQS consumer holds to
/// the same rule; this is the one place the Lambda side states it.
pub fn must_come_back(disposition: Disposition) -> bool {
    disposition != Disposition::Acknowledge
}

/// The header a record's `ApproximateReceiveCount` is given under, as the
/// SQS consumer gives it.
pub const RECEIVE_COUNT_HEADER: &str = "sqs-approximate-receive-count";

/// The record as a delivery, as the SQS consumer builds one from a received
/// message: the body, the string and number message attributes as headers
/// (binary ones have no text form), the receive count, the message id as
/// the transport id (the default dedup key), and the event name from
/// `name_attribute` when given. The transport is `sqs`: the messages and
/// their ids are the queue's whichever side receives them.
pub fn delivery(record: &SqsMessage, name_attribute: Option<&str>) -> Delivery {
    let mut headers = Headers::new();
    // HashMap order is arbitrary; sorted, the headers are the same on
    // every run.
    let mut attributes: Vec<_> = record.message_attributes.iter().collect();
    attributes.sort_by(|a, b| a.0.cmp(b.0));
    for (name, value) in attributes {
        if let Some(text) = &value.string_value {
            headers.append(name, text.as_str());
        }
    }
    if let Some(count) = record.attributes.get("ApproximateReceiveCount") {
        headers.append(RECEIVE_COUNT_HEADER, count.as_str());
    }
    let name = name_attribute
        .and_then(|attribute| headers.get(attribute))
        .map(str::to_owned);
    Delivery {
        body: bytes::Bytes::from(record.body.clone().unwrap_or_default()),
        headers,
        name,
        transport_id: record.message_id.clone(),
        transport: Some("sqs".to_owned()),
    }
}

/// Runs the records of an [`SqsEvent`] through one pipeline.
pub struct SqsLambda<P> {
    process: P,
    name_attribute: Option<String>,
    concurrency: usize,
}

/// The most records in the pipeline at once by default: SQS's largest
/// receive, so a default batch is handled all at once.
pub const DEFAULT_CONCURRENCY: usize = 10;

impl<P: Process> SqsLambda<P> {
    /// Up to [`DEFAULT_CONCURRENCY`] records at once (one at a time on a
    /// FIFO queue), no event name attribute.
    pub fn new(process: P) -> Self {
        SqsLambda {
            process,
            name_attribute: None,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// A message attribute that names the event, for specs routed by name.
    pub fn name_attribute(mut self, name: impl Into<String>) -> Self {
        self.name_attribute = Some(name.into());
        self
    }

    /// At most this many records of a standard queue's batch are in the
    /// pipeline at once (at least one).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// The pipeline.
    pub fn process(&self) -> &P {
        &self.process
    }

    /// Handles a batch and answers which records must come back.
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        for (record, report) in event.records.iter().zip(self.reports(&event).await) {
            if report
                .as_ref()
                .is_none_or(|r| must_come_back(r.disposition))
            {
                // A record without an id gives an empty identifier, which
                // makes Lambda retry the whole batch: nothing is lost.
                response.add_failure(record.message_id.clone().unwrap_or_default());
            }
        }
        response
    }

    /// The pipeline's report for each record, in record order; `None` for a
    /// record not run because an earlier one of a FIFO batch failed (Lambda
    /// must return it too, or a later message would overtake it).
    pub async fn reports(&self, event: &SqsEvent) -> Vec<Option<Report>> {
        let name = self.name_attribute.as_deref();
        let deliveries = event.records.iter().map(|r| delivery(r, name));
        if event.records.iter().any(is_fifo) {
            let mut reports = Vec::with_capacity(event.records.len());
            let mut failed = false;
            for delivery in deliveries {
                if failed {
                    reports.push(None);
                    continue;
                }
                let report = self.process.process(delivery).await;
                failed = must_come_back(report.disposition);
                reports.push(Some(report));
            }
            return reports;
        }
        let futures = deliveries.map(|d| self.process.process(d));
        bounded(futures, self.concurrency)
            .await
            .into_iter()
            .map(Some)
            .collect()
    }
}

/// Whether the record comes from a FIFO queue (its ARN names the queue, and
/// only FIFO queue names end in `.fifo`).
fn is_fifo(record: &SqsMessage) -> bool {
    record
        .event_source_arn
        .as_deref()
        .is_some_and(|arn| arn.ends_with(".fifo"))
}

/// Runs `futures` with at most `limit` at once, and gives their outputs in
/// the order of `futures`. Written here because the crate has no
/// futures-util, and a Lambda batch is small enough that polling each
/// running future on every wake costs nothing.
async fn bounded<'a, T>(futures: impl Iterator<Item = BoxFuture<'a, T>>, limit: usize) -> Vec<T> {
    let mut waiting = futures.enumerate();
    let mut running: Vec<(usize, BoxFuture<'a, T>)> = Vec::new();
    let mut done: Vec<(usize, T)> = Vec::new();
    poll_fn(|cx| loop {
        while running.len() < limit {
            match waiting.next() {
                Some(next) => running.push(next),
                None => break,
            }
        }
        if running.is_empty() {
            return Poll::Ready(());
        }
        let before = done.len();
        let mut index = 0;
        while index < running.len() {
            match running[index].1.as_mut().poll(cx) {
                Poll::Ready(output) => {
                    let (position, _) = running.swap_remove(index);
                    done.push((position, output));
                }
                Poll::Pending => index += 1,
            }
        }
        // Only a finished future frees a slot for a waiting one; otherwise
        // every running future has registered its waker.
        if done.len() == before {
            return Poll::Pending;
        }
    })
    .await;
    done.sort_by_key(|(position, _)| *position);
    done.into_iter().map(|(_, output)| output).collect()
}
