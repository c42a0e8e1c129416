//! The SQS consumer (feature `sqs`): long-polls a queue, runs each body
//! through the shared pipeline, keeps the message hidden while its handler
//! runs (ChangeMessageVisibility heartbeats), and deletes it, in batches,
//! only once it was acknowledged (its outcome durably stored).
//!
//! Anything not acknowledged is left alone: it comes back after the queue's
//! visibility timeout, and after `maxReceiveCount` receives the queue's
//! redrive policy moves it to the dead-letter queue. So a crash loses
//! nothing (undeleted messages come back), and a poison message ends up
//! where a person can look at it. The client is built without aws-config:
//! region, endpoint and static credentials are given, nothing is read from
//! the environment or instance metadata.

use crate::delivery::{Delivery, Disposition, Headers};
use crate::receive::Process;
use aws_sdk_sqs::config::{BehaviorVersion, Region};
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName};
use aws_sdk_sqs::Client;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

mod ack;

/// A client for `region`, talking to `endpoint` (e.g. a local SQS-compatible
/// server) or to AWS when `None`, with static credentials.
pub fn client(
    region: &str,
    endpoint: Option<&str>,
    access_key_id: &str,
    secret_access_key: &str,
) -> Client {
    let credentials =
        aws_credential_types::Credentials::from_keys(access_key_id, secret_access_key, None);
    let mut config = aws_sdk_sqs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .credentials_provider(credentials);
    if let Some(endpoint) = endpoint {
        config = config.endpoint_url(endpoint);
    }
    Client::from_conf(config.build())
}

/// A failed queue call; the consumer backs off and carries on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqsError(pub String);

impl fmt::Display for SqsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sqs: {}", self.0)
    }
}

impl std::error::Error for SqsError {}

type ErrorSink = Arc<dyn Fn(&SqsError) + Send + Sync>;

/// Long-polls one queue into one pipeline.
pub struct SqsConsumer {
    client: Client,
    queue_url: String,
    process: Arc<dyn Process>,
    concurrency: usize,
    batch: usize,
    wait: Duration,
    visibility_timeout: Option<Duration>,
    name_attribute: Option<String>,
    on_error: ErrorSink,
}

/// The longest wait SQS allows for one receive.
const MAX_WAIT: Duration = Duration::from_secs(20);
/// The most messages SQS returns from one receive.
const MAX_BATCH: usize = 10;

impl SqsConsumer {
    /// Four messages handled at once, batches of up to ten, 20 s long polls,
    /// the queue's own visibility timeout; errors go to standard error.
    pub fn new(client: Client, queue_url: impl Into<String>, process: impl Process) -> Self {
        Self::shared(client, queue_url, Arc::new(process))
    }

    /// Like [`SqsConsumer::new`], for a pipeline also used elsewhere.
    pub fn shared(client: Client, queue_url: impl Into<String>, process: Arc<dyn Process>) -> Self {
        SqsConsumer {
            client,
            queue_url: queue_url.into(),
            process,
            concurrency: 4,
            batch: MAX_BATCH,
            wait: MAX_WAIT,
            visibility_timeout: None,
            name_attribute: None,
            on_error: Arc::new(|error| eprintln!("eventbind: {error}")),
        }
    }

    /// At most this many messages are being handled at any time; no more are
    /// received meanwhile, so none waits out its visibility timeout unhandled.
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// At most this many messages per receive (1 to 10).
    pub fn batch(mut self, n: usize) -> Self {
        self.batch = n.clamp(1, MAX_BATCH);
        self
    }

    /// How long one receive waits for messages (at most 20 s).
    pub fn wait(mut self, wait: Duration) -> Self {
        self.wait = wait.min(MAX_WAIT);
        self
    }

    /// Overrides the queue's visibility timeout for received messages: how
    /// long before an unacknowledged message comes back.
    pub fn visibility_timeout(mut self, timeout: Duration) -> Self {
        self.visibility_timeout = Some(timeout);
        self
    }

    /// A message attribute that names the event, for specs routed by name.
    pub fn name_attribute(mut self, name: impl Into<String>) -> Self {
        self.name_attribute = Some(name.into());
        self
    }

    /// Where failed queue calls are reported (default: standard error).
    pub fn on_error(mut self, sink: impl Fn(&SqsError) + Send + Sync + 'static) -> Self {
        self.on_error = Arc::new(sink);
        self
    }

    /// Consumes until `shutdown` resolves, then stops receiving and waits for
    /// the messages in hand to finish (and be deleted if acknowledged).
    /// Dropping the future instead aborts them; they come back after their
    /// visibility timeout.
    pub async fn run(mut self, shutdown: impl Future<Output = ()> + Send) {
        if self.visibility_timeout.is_none() {
            self.visibility_timeout = Some(self.queue_visibility().await);
        }
        let (acknowledged, receipts) = mpsc::unbounded_channel();
        let deleter = tokio::spawn(ack::deleter(
            self.client.clone(),
            self.queue_url.clone(),
            receipts,
            Arc::clone(&self.on_error),
        ));
        let this = Arc::new(self);
        let permits = Arc::new(Semaphore::new(this.concurrency));
        let mut tasks = JoinSet::new();
        let mut backoff = Backoff::default();
        tokio::pin!(shutdown);
        loop {
            while tasks.try_join_next().is_some() {}
            // Receive only what can be handled now.
            let first = tokio::select! {
                biased;
                _ = &mut shutdown => break,
                permit = Arc::clone(&permits).acquire_owned() => match permit {
                    Ok(permit) => permit,
                    Err(_) => break,
                },
            };
            let wanted = (1 + permits.available_permits()).min(this.batch);
            let received = tokio::select! {
                biased;
                _ = &mut shutdown => break,
                received = this.receive(wanted) => received,
            };
            let messages = match received {
                Ok(messages) => messages,
                Err(error) => {
                    (this.on_error)(&error);
                    drop(first);
                    tokio::select! {
                        biased;
                        _ = &mut shutdown => break,
                        _ = tokio::time::sleep(backoff.next()) => continue,
                    }
                }
            };
            backoff = Backoff::default();
            let mut first = Some(first);
            for message in messages {
                let permit = match first.take() {
                    Some(permit) => permit,
                    // Free: only this loop takes permits, and it asked for no
                    // more messages than there were permits.
                    None => match Arc::clone(&permits).acquire_owned().await {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                };
                let this = Arc::clone(&this);
                let acknowledged = acknowledged.clone();
                tasks.spawn(async move { this.handle(message, permit, acknowledged).await });
            }
        }
        while tasks.join_next().await.is_some() {}
        // The deleter ends once it has deleted what the last tasks sent.
        drop(acknowledged);
        let _ = deleter.await;
    }

    /// The queue's own visibility timeout (30 s, SQS's default, if it cannot
    /// be read), for the heartbeats.
    async fn queue_visibility(&self) -> Duration {
        let read = self
            .client
            .get_queue_attributes()
            .queue_url(&self.queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout)
            .send()
            .await;
        match read {
            Ok(output) => output
                .attributes()
                .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout))
                .and_then(|v| v.parse().ok())
                .map_or(Duration::from_secs(30), Duration::from_secs),
            Err(error) => {
                (self.on_error)(&SqsError(format!(
                    "read the visibility timeout of {}: {}",
                    self.queue_url,
                    detail(&error)
                )));
                Duration::from_secs(30)
            }
        }
    }

    async fn receive(&self, wanted: usize) -> Result<Vec<Message>, SqsError> {
        let mut request = self
            .client
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(seconds_or_count(wanted))
            .wait_time_seconds(seconds_or_count(self.wait.as_secs() as usize))
            .message_attribute_names("All")
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount);
        if let Some(timeout) = self.visibility_timeout {
            request = request.visibility_timeout(seconds_or_count(timeout.as_secs() as usize));
        }
        let output = request
            .send()
            .await
            .map_err(|e| SqsError(format!("receive from {}: {}", self.queue_url, detail(&e))))?;
        Ok(output.messages().to_vec())
    }

    async fn handle(
        &self,
        message: Message,
        permit: OwnedSemaphorePermit,
        acknowledged: mpsc::UnboundedSender<String>,
    ) {
        let delivery = self.delivery(&message);
        let visibility = self.visibility_timeout.unwrap_or(Duration::from_secs(30));
        let report = match message.receipt_handle() {
            Some(receipt) => {
                let heartbeat = ack::heartbeat(
                    &self.client,
                    &self.queue_url,
                    receipt,
                    visibility,
                    &self.on_error,
                );
                tokio::select! {
                    report = self.process.process(delivery) => report,
                    never = heartbeat => match never {},
                }
            }
            None => self.process.process(delivery).await,
        };
        if report.disposition == Disposition::Acknowledge {
            if let Some(receipt) = message.receipt_handle() {
                // The deleter outlives every task; a send cannot fail here.
                let _ = acknowledged.send(receipt.to_owned());
            }
        }
        drop(permit);
    }

    /// The message as a delivery: its body, its string and number attributes
    /// as headers (plus `sqs-approximate-receive-count`), its id.
    fn delivery(&self, message: &Message) -> Delivery {
        let mut headers = Headers::new();
        for (name, value) in message.message_attributes().into_iter().flatten() {
            if let Some(text) = value.string_value() {
                headers.append(name, text);
            }
        }
        if let Some(count) = message
            .attributes()
            .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
        {
            headers.append("sqs-approximate-receive-count", count.as_str());
        }
        let name = self
            .name_attribute
            .as_deref()
            .and_then(|attribute| headers.get(attribute))
            .map(str::to_owned);
        Delivery {
            body: bytes::Bytes::from(message.body().unwrap_or_default().to_owned()),
            headers,
            name,
            transport_id: message.message_id().map(str::to_owned),
            transport: Some("sqs".to_owned()),
        }
    }
}

/// A number of seconds or messages as SQS takes it.
fn seconds_or_count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The service's message for an SDK error (its `Display` says only
/// "service error").
fn detail<E: std::error::Error + 'static>(error: &aws_sdk_sqs::error::SdkError<E>) -> String {
    use std::error::Error as _;
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// Waits between failed receives: 200 ms doubling to 10 s.
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Backoff(Duration::from_millis(200))
    }
}

impl Backoff {
    fn next(&mut self) -> Duration {
        let now = self.0;
        self.0 = (self.0 * 2).min(Duration::from_secs(10));
        now
    }
}
