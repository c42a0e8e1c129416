//! The SQS consumer against a real SQS-compatible server (moto), started and
//! stopped by each test.

mod support;

use aws_sdk_sqs::types::QueueAttributeName;
use aws_sdk_sqs::Client;
use eventbind_avalara_certcapture::CertCaptureEvent;
use eventbind_receive::delivery::Disposition;
use eventbind_receive::dispatch::Dispatcher;
use eventbind_receive::receive::Receiver;
use eventbind_receive::sqs::{self, SqsConsumer};
use eventbind_test_support::Moto;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{certcapture, Calls};
use tokio::sync::Notify;

fn client(moto: &Moto) -> Client {
    sqs::client("us-east-1", Some(moto.endpoint()), "testing", "testing")
}

async fn create_queue(
    client: &Client,
    name: &str,
    attributes: &[(QueueAttributeName, String)],
) -> String {
    let mut request = client.create_queue().queue_name(name);
    for (key, value) in attributes {
        request = request.attributes(key.clone(), value);
    }
    let created = request.send().await.expect("queue created");
    created.queue_url().expect("a queue url").to_owned()
}

async fn queue_arn(client: &Client, url: &str) -> String {
    let attributes = client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("attributes");
    attributes
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .expect("an arn")
        .clone()
}

async fn send(client: &Client, url: &str, body: &str) {
    client
        .send_message()
        .queue_url(url)
        .message_body(body)
        .send()
        .await
        .expect("sent");
}

/// Every body left in a queue, received (and deleted) until a receive comes
/// back empty.
async fn drain(client: &Client, url: &str) -> Vec<String> {
    let mut bodies = Vec::new();
    loop {
        let received = client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receive");
        if received.messages().is_empty() {
            return bodies;
        }
        for message in received.messages() {
            bodies.push(message.body().unwrap_or_default().to_owned());
            if let Some(receipt) = message.receipt_handle() {
                client
                    .delete_message()
                    .queue_url(url)
                    .receipt_handle(receipt)
                    .send()
                    .await
                    .expect("deleted");
            }
        }
    }
}

/// Waits until `done` holds, failing the test after `limit`.
async fn until(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn certificate_id(event: &CertCaptureEvent) -> String {
    match event {
        CertCaptureEvent::CertificateChangeNotification(change) => {
            change.certificate.id.to_string()
        }
        other => format!("{other:?}"),
    }
}

/// A consumer whose handler records `started:<id>` and `done:<id>`, sleeping
/// `work` in between, and answers `answer(id)`.
fn consumer(
    client: Client,
    url: &str,
    calls: &Calls,
    work: Duration,
    answer: fn(&str) -> Disposition,
) -> SqsConsumer {
    consumer_working(client, url, calls, move |_| work, answer)
}

/// Like [`consumer`], but once two messages are done every handler hangs, as
/// work does in a process about to be killed: what is in flight stays so.
fn stalling_consumer(client: Client, url: &str, calls: &Calls) -> SqsConsumer {
    let work = |seen: &Calls| {
        let stall = ids(seen, "done:").len() >= 2;
        Duration::from_millis(if stall { 3_600_000 } else { 300 })
    };
    consumer_working(client, url, calls, work, acknowledge)
}

/// A consumer whose handler records `started:`/`done:` and works for as long
/// as `work` says, given what has been recorded when it starts.
fn consumer_working(
    client: Client,
    url: &str,
    calls: &Calls,
    work: impl Fn(&Calls) -> Duration + Send + Sync + 'static,
    answer: fn(&str) -> Disposition,
) -> SqsConsumer {
    let seen = calls.clone();
    let dispatcher = Dispatcher::<CertCaptureEvent>::new().on_any(move |event, _| {
        let seen = seen.clone();
        let id = certificate_id(&event);
        let work = work(&seen);
        async move {
            seen.push(format!("started:{id}"));
            tokio::time::sleep(work).await;
            seen.push(format!("done:{id}"));
            answer(&id)
        }
    });
    SqsConsumer::new(client, url, Receiver::new(dispatcher))
        .wait(Duration::from_secs(1))
        .concurrency(3)
}

fn acknowledge(_: &str) -> Disposition {
    Disposition::Acknowledge
}

fn ids(calls: &Calls, prefix: &str) -> BTreeSet<String> {
    calls
        .all()
        .iter()
        .filter_map(|c| c.strip_prefix(prefix).map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_are_processed_then_deleted() {
    let moto = Moto::start();
    let client = client(&moto);
    let url = create_queue(
        &client,
        "processed",
        &[(QueueAttributeName::VisibilityTimeout, "1".into())],
    )
    .await;
    for id in 1..=5 {
        send(&client, &url, &certcapture(id)).await;
    }
    let calls = Calls::default();
    let stop = Arc::new(Notify::new());
    let stopped = Arc::clone(&stop);
    let run = tokio::spawn(
        consumer(client.clone(), &url, &calls, Duration::ZERO, acknowledge)
            .run(async move { stopped.notified().await }),
    );
    until(Duration::from_secs(20), "five messages", || {
        ids(&calls, "done:").len() == 5
    })
    .await;
    stop.notify_one();
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the consumer stops")
        .unwrap();
    assert_eq!(
        ids(&calls, "done:"),
        (1..=5).map(|i| i.to_string()).collect()
    );
    // Past the visibility timeout nothing comes back: all were deleted.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(drain(&client, &url).await, Vec::<String>::new());
    assert_eq!(
        calls.all().len(),
        10,
        "each handled once: {:?}",
        calls.all()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_redelivered_then_dead_lettered() {
    let moto = Moto::start();
    let client = client(&moto);
    let dlq = create_queue(&client, "dead-letters", &[]).await;
    let policy = format!(
        r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":"2"}}"#,
        queue_arn(&client, &dlq).await
    );
    let url = create_queue(
        &client,
        "work",
        &[
            (QueueAttributeName::VisibilityTimeout, "1".into()),
            (QueueAttributeName::RedrivePolicy, policy),
        ],
    )
    .await;
    let poison = certcapture(666);
    let invalid = r#"{"client_id":"forty-two","action":"update","certificate":{"id":7}}"#;
    send(&client, &url, &certcapture(1)).await;
    send(&client, &url, &poison).await;
    send(&client, &url, invalid).await;

    fn fail_666(id: &str) -> Disposition {
        if id == "666" {
            Disposition::RetryLater
        } else {
            Disposition::Acknowledge
        }
    }
    let calls = Calls::default();
    let stop = Arc::new(Notify::new());
    let stopped = Arc::clone(&stop);
    let run = tokio::spawn(
        consumer(client.clone(), &url, &calls, Duration::ZERO, fail_666)
            .run(async move { stopped.notified().await }),
    );
    let mut dead = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while dead.len() < 2 {
        assert!(
            Instant::now() < deadline,
            "not dead-lettered in 30 s: {dead:?}, calls {:?}",
            calls.all()
        );
        dead.extend(drain(&client, &dlq).await);
    }
    stop.notify_one();
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the consumer stops")
        .unwrap();
    dead.sort();
    let mut expected = vec![poison.clone(), invalid.to_owned()];
    expected.sort();
    assert_eq!(
        dead, expected,
        "the failing and the invalid message, byte for byte"
    );
    assert_eq!(
        calls.count("done:666"),
        2,
        "tried maxReceiveCount times: {:?}",
        calls.all()
    );
    assert_eq!(calls.count("done:1"), 1);
    assert_eq!(drain(&client, &url).await, Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_consumer_mid_batch_loses_no_message() {
    let moto = Moto::start();
    let client = client(&moto);
    let dlq = create_queue(&client, "killed-dlq", &[]).await;
    let policy = format!(
        r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":"5"}}"#,
        queue_arn(&client, &dlq).await
    );
    let url = create_queue(
        &client,
        "killed",
        &[
            (QueueAttributeName::VisibilityTimeout, "1".into()),
            (QueueAttributeName::RedrivePolicy, policy),
        ],
    )
    .await;
    let sent: BTreeSet<String> = (1..=12).map(|i| i.to_string()).collect();
    for id in &sent {
        send(&client, &url, &certcapture(id.parse().unwrap())).await;
    }

    // The first consumer is aborted (as by SIGKILL) while handlers are in flight.
    let first = Calls::default();
    let killed =
        tokio::spawn(stalling_consumer(client.clone(), &url, &first).run(std::future::pending()));
    until(
        Duration::from_secs(20),
        "handlers in flight after some finished",
        || {
            let (started, done) = (ids(&first, "started:"), ids(&first, "done:"));
            done.len() >= 2 && started.len() > done.len()
        },
    )
    .await;
    killed.abort();
    let _ = killed.await;
    let cut_off: BTreeSet<String> = ids(&first, "started:")
        .difference(&ids(&first, "done:"))
        .cloned()
        .collect();
    assert!(!cut_off.is_empty());

    // A new consumer (a new process: nothing remembered) picks up the rest.
    let second = Calls::default();
    let stop = Arc::new(Notify::new());
    let stopped = Arc::clone(&stop);
    let run = tokio::spawn(
        consumer(client.clone(), &url, &second, Duration::ZERO, acknowledge)
            .run(async move { stopped.notified().await }),
    );
    let mut dead = BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let handled: BTreeSet<String> = ids(&first, "done:")
            .union(&ids(&second, "done:"))
            .cloned()
            .collect();
        if handled.union(&dead).cloned().collect::<BTreeSet<_>>() == sent {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "lost messages: handled {handled:?}, dead {dead:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        for body in drain(&client, &dlq).await {
            let event = CertCaptureEvent::parse(body.as_bytes()).expect("a sent message");
            dead.insert(certificate_id(&event));
        }
    }
    stop.notify_one();
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the consumer stops")
        .unwrap();
    assert!(
        cut_off.is_subset(&ids(&second, "done:")),
        "messages cut off mid-handler come back: {cut_off:?} vs {:?}",
        second.all()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_shutdown_finishes_and_deletes_the_messages_in_hand() {
    let moto = Moto::start();
    let client = client(&moto);
    let url = create_queue(
        &client,
        "graceful",
        &[(QueueAttributeName::VisibilityTimeout, "2".into())],
    )
    .await;
    for id in 1..=9 {
        send(&client, &url, &certcapture(id)).await;
    }
    let calls = Calls::default();
    let stop = Arc::new(Notify::new());
    let stopped = Arc::clone(&stop);
    let run = tokio::spawn(
        consumer(
            client.clone(),
            &url,
            &calls,
            Duration::from_millis(500),
            acknowledge,
        )
        .run(async move { stopped.notified().await }),
    );
    until(Duration::from_secs(20), "handlers in flight", || {
        !ids(&calls, "started:").is_empty()
    })
    .await;
    stop.notify_one();
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the consumer stops")
        .unwrap();
    let (started, done) = (ids(&calls, "started:"), ids(&calls, "done:"));
    assert_eq!(started, done, "every message in hand was finished");
    assert!(done.len() < 9, "it stopped before the queue was empty");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let left: BTreeSet<String> = drain(&client, &url)
        .await
        .iter()
        .map(|body| certificate_id(&CertCaptureEvent::parse(body.as_bytes()).unwrap()))
        .collect();
    let all: BTreeSet<String> = (1..=9).map(|i| i.to_string()).collect();
    assert_eq!(
        left,
        all.difference(&done).cloned().collect(),
        "finished ones were deleted, the rest kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_slower_than_the_visibility_timeout_keeps_its_message_hidden() {
    let moto = Moto::start();
    let client = client(&moto);
    // The queue's own timeout (read by the consumer) is 2 s; the handler
    // takes 5 s: without heartbeats the message would come back meanwhile
    // and be handed to a second handler (the consumer has room for three).
    let url = create_queue(
        &client,
        "slow",
        &[(QueueAttributeName::VisibilityTimeout, "2".into())],
    )
    .await;
    send(&client, &url, &certcapture(7)).await;
    let calls = Calls::default();
    let stop = Arc::new(Notify::new());
    let stopped = Arc::clone(&stop);
    let run = tokio::spawn(
        consumer(
            client.clone(),
            &url,
            &calls,
            Duration::from_secs(5),
            acknowledge,
        )
        .run(async move { stopped.notified().await }),
    );
    until(Duration::from_secs(30), "the slow handler", || {
        ids(&calls, "done:").len() == 1
    })
    .await;
    stop.notify_one();
    tokio::time::timeout(Duration::from_secs(10), run)
        .await
        .expect("the consumer stops")
        .unwrap();
    assert_eq!(
        calls.all(),
        ["started:7", "done:7"],
        "handled once, never handed out twice"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(drain(&client, &url).await, Vec::<String>::new(), "deleted");
}
