//! The SQS sink: structured CloudEvents as message bodies, ten per
//! SendMessageBatch (the API's limit); entries the queue refused are retried
//! on their own.

use super::Sink;
use crate::serve::cloudevents::CloudEvent;
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use eventbind_receive::delivery::BoxFuture;

/// Sends CloudEvents to a queue.
pub struct SqsSink {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl SqsSink {
    /// To `queue_url` through `client`.
    pub fn new(client: aws_sdk_sqs::Client, queue_url: &str) -> SqsSink {
        SqsSink {
            client,
            queue_url: queue_url.to_owned(),
        }
    }

    async fn batch(&self, events: &[CloudEvent]) -> Vec<Result<(), String>> {
        let entries: Result<Vec<_>, _> = events
            .iter()
            .enumerate()
            .map(|(i, event)| {
                SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(event.to_json())
                    .build()
            })
            .collect();
        let entries = match entries {
            Ok(entries) => entries,
            Err(error) => return vec![Err(error.to_string()); events.len()],
        };
        let sent = self
            .client
            .send_message_batch()
            .queue_url(&self.queue_url)
            .set_entries(Some(entries))
            .send()
            .await;
        match sent {
            Err(error) => {
                let why = aws_sdk_sqs::error::DisplayErrorContext(&error).to_string();
                vec![Err(why); events.len()]
            }
            Ok(output) => {
                let mut results = vec![Err("not in the batch's answer".to_owned()); events.len()];
                for ok in output.successful() {
                    if let Some(slot) = ok
                        .id()
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| results.get_mut(i))
                    {
                        *slot = Ok(());
                    }
                }
                for failed in output.failed() {
                    if let Some(slot) = failed
                        .id()
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| results.get_mut(i))
                    {
                        *slot = Err(format!(
                            "{}: {}",
                            failed.code(),
                            failed.message().unwrap_or("")
                        ));
                    }
                }
                results
            }
        }
    }
}

impl Sink for SqsSink {
    fn send<'a>(&'a self, events: &'a [CloudEvent]) -> BoxFuture<'a, Vec<Result<(), String>>> {
        Box::pin(async move {
            let mut results = Vec::with_capacity(events.len());
            for chunk in events.chunks(10) {
                results.extend(self.batch(chunk).await);
            }
            results
        })
    }
}
