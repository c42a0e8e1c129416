//! Keeping a message hidden while its handler runs, and deleting
//! acknowledged messages in batches.

use super::{detail, ErrorSink, SqsError};
use aws_sdk_sqs::types::DeleteMessageBatchRequestEntry;
use aws_sdk_sqs::Client;
use std::time::Duration;
use tokio::sync::mpsc;

/// The most entries one DeleteMessageBatch takes.
const MAX_DELETE_BATCH: usize = 10;
/// How long an acknowledged message waits for others to share its delete.
const LINGER: Duration = Duration::from_millis(20);

/// Extends the visibility of `receipt` to `visibility` every half of it,
/// for as long as it is polled: a handler slower than the visibility
/// timeout must not see its message handed to another consumer.
pub(super) async fn heartbeat(
    client: &Client,
    queue_url: &str,
    receipt: &str,
    visibility: Duration,
    on_error: &ErrorSink,
) -> std::convert::Infallible {
    let every = (visibility / 2).max(Duration::from_millis(500));
    let seconds = i32::try_from(visibility.as_secs().max(1)).unwrap_or(i32::MAX);
    loop {
        tokio::time::sleep(every).await;
        let changed = client
            .change_message_visibility()
            .queue_url(queue_url)
            .receipt_handle(receipt)
            .visibility_timeout(seconds)
            .send()
            .await;
        if let Err(error) = changed {
            on_error(&SqsError(format!("extend visibility: {}", detail(&error))));
        }
    }
}

/// Deletes the receipts sent to it, up to ten per DeleteMessageBatch; ends
/// (after deleting what it holds) when every sender is dropped.
pub(super) async fn deleter(
    client: Client,
    queue_url: String,
    mut receipts: mpsc::UnboundedReceiver<String>,
    on_error: ErrorSink,
) {
    while let Some(first) = receipts.recv().await {
        let mut batch = vec![first];
        let linger = tokio::time::sleep(LINGER);
        tokio::pin!(linger);
        while batch.len() < MAX_DELETE_BATCH {
            tokio::select! {
                biased;
                next = receipts.recv() => match next {
                    Some(receipt) => batch.push(receipt),
                    None => break,
                },
                _ = &mut linger => break,
            }
        }
        delete(&client, &queue_url, &batch, &on_error).await;
    }
}

async fn delete(client: &Client, queue_url: &str, batch: &[String], on_error: &ErrorSink) {
    let entries: Vec<DeleteMessageBatchRequestEntry> = batch
        .iter()
        .enumerate()
        .filter_map(|(i, receipt)| {
            DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .receipt_handle(receipt)
                .build()
                .ok()
        })
        .collect();
    let sent = client
        .delete_message_batch()
        .queue_url(queue_url)
        .set_entries(Some(entries))
        .send()
        .await;
    // A message not deleted comes back, and the store answers it as a
    // duplicate then: nothing is lost, it costs a redelivery.
    match sent {
        Ok(output) => {
            for failed in output.failed() {
                on_error(&SqsError(format!(
                    "delete entry {}: {}",
                    failed.id(),
                    failed.message().unwrap_or(failed.code())
                )));
            }
        }
        Err(error) => on_error(&SqsError(format!(
            "delete {} messages: {}",
            batch.len(),
            detail(&error)
        ))),
    }
}
