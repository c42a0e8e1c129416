//! The HTTP receiver over real loopback requests, with the Commenda event
//! enum: signatures, content types, the three outcomes, retries, duplicates.

mod support;

use eventbind_commenda::CommendaEvent;
use eventbind_receive::delivery::Disposition;
use eventbind_receive::dispatch::Dispatcher;
use eventbind_receive::http::HttpReceiver;
use eventbind_receive::idempotency::DedupKeys;
use eventbind_receive::receive::{Class, Receiver};
use eventbind_receive::store::MemoryStore;
use eventbind_receive::verify::{Encoding, HmacSha256};
use std::sync::Arc;
use support::http::{post, send, Server, JSON};
use support::{commenda, commenda_invalid, commenda_topic, signed, stored_of, Calls};

const SIGNATURE: &str = "x-commenda-signature";

/// A Commenda receiver checking `hmac`, deduplicating on `/id`, whose
/// handler for `REGISTRATIONS.NEW.SUCCEEDED` records calls and answers what
/// `answer` says for the event id.
fn commenda_server(
    hmac: HmacSha256,
    answer: fn(&str) -> Disposition,
) -> (Server, Calls, Arc<MemoryStore>) {
    let calls = Calls::default();
    let seen = calls.clone();
    let dispatcher = Dispatcher::<CommendaEvent>::new()
        .on("RegistrationsNewSucceeded", move |event, _context| {
            let seen = seen.clone();
            async move {
                let CommendaEvent::RegistrationsNewSucceeded(event) = event else {
                    return Disposition::Reject;
                };
                seen.push(event.id.clone());
                answer(&event.id)
            }
        })
        .expect("the message exists");
    let store = Arc::new(MemoryStore::default());
    let receiver = Receiver::new(dispatcher)
        .store(store.clone())
        .verify(hmac)
        .dedup(DedupKeys::new().field("/id"));
    (
        Server::start(HttpReceiver::new(receiver).path("/hooks/commenda")),
        calls,
        store,
    )
}

fn acknowledge(_: &str) -> Disposition {
    Disposition::Acknowledge
}

#[test]
fn good_bad_and_missing_signatures() {
    let hmac = HmacSha256::new(SIGNATURE, "s3cret").encoding(Encoding::Hex);
    let (server, calls, _) = commenda_server(hmac.clone(), acknowledge);
    let url = format!("{}/hooks/commenda", server.url);
    let body = commenda("evt-1");

    let good = post(
        &url,
        &[JSON, (SIGNATURE, &signed(&hmac, &body))],
        body.as_bytes(),
    );
    assert_eq!(good.status, 200, "{}", good.body);
    assert!(good.body.contains("\"acknowledge\""), "{}", good.body);

    let other = HmacSha256::new(SIGNATURE, "not-the-secret").encoding(Encoding::Hex);
    let bad = post(
        &url,
        &[JSON, (SIGNATURE, &signed(&other, &body))],
        body.as_bytes(),
    );
    assert_eq!(bad.status, 401, "{}", bad.body);
    assert!(bad.body.contains("does not match"), "{}", bad.body);

    // The body changed after signing: the signature covers the exact bytes.
    let tampered = body.replace("evt-1", "evt-2");
    let resigned = post(
        &url,
        &[JSON, (SIGNATURE, &signed(&hmac, &body))],
        tampered.as_bytes(),
    );
    assert_eq!(resigned.status, 401);

    let missing = post(&url, &[JSON], body.as_bytes());
    assert_eq!(missing.status, 401);
    assert!(missing.body.contains("missing"), "{}", missing.body);

    let garbage = post(&url, &[JSON, (SIGNATURE, "zz")], body.as_bytes());
    assert_eq!(garbage.status, 401);
    assert!(garbage.body.contains("malformed"), "{}", garbage.body);

    assert_eq!(calls.all(), ["evt-1"]);
}

#[test]
fn a_rotated_secret_and_base64_with_a_prefix_verify() {
    let old = HmacSha256::new(SIGNATURE, "old-secret")
        .encoding(Encoding::Base64)
        .prefix("sha256=");
    let new = HmacSha256::new(SIGNATURE, "new-secret")
        .encoding(Encoding::Base64)
        .prefix("sha256=");
    let both = new.clone().secret("old-secret");
    let (server, calls, _) = commenda_server(both, acknowledge);
    let url = format!("{}/hooks/commenda", server.url);
    let (a, b) = (commenda("evt-old"), commenda("evt-new"));
    let with_old = signed(&old, &a);
    assert!(with_old.starts_with("sha256="));
    assert_eq!(
        post(&url, &[JSON, (SIGNATURE, &with_old)], a.as_bytes()).status,
        200
    );
    assert_eq!(
        post(&url, &[JSON, (SIGNATURE, &signed(&new, &b))], b.as_bytes()).status,
        200
    );
    // Without the prefix the signature is not read at all.
    let bare = signed(&new, &b).replace("sha256=", "");
    assert_eq!(
        post(&url, &[JSON, (SIGNATURE, &bare)], b.as_bytes()).status,
        401
    );
    assert_eq!(calls.all(), ["evt-old", "evt-new"]);
}

#[test]
fn wrong_method_and_content_type_are_refused_before_anything_runs() {
    let hmac = HmacSha256::new(SIGNATURE, "s3cret");
    let (server, calls, _) = commenda_server(hmac.clone(), acknowledge);
    let url = format!("{}/hooks/commenda", server.url);
    let body = commenda("evt-1");
    let signature = signed(&hmac, &body);

    let text = post(
        &url,
        &[("content-type", "text/plain"), (SIGNATURE, &signature)],
        body.as_bytes(),
    );
    assert_eq!(text.status, 415, "{}", text.body);
    assert_eq!(
        post(&url, &[(SIGNATURE, &signature)], body.as_bytes()).status,
        415
    );
    let charset = post(
        &url,
        &[
            ("content-type", "application/json; charset=utf-8"),
            (SIGNATURE, &signature),
        ],
        body.as_bytes(),
    );
    assert_eq!(charset.status, 200, "{}", charset.body);

    assert_eq!(
        send(
            "PUT",
            &url,
            &[JSON, (SIGNATURE, &signature)],
            body.as_bytes()
        )
        .status,
        405
    );
    assert_eq!(send("GET", &url, &[], b"").status, 405);
    assert_eq!(
        post(&format!("{}/elsewhere", server.url), &[JSON], b"{}").status,
        404
    );
    assert_eq!(calls.all(), ["evt-1"]);
}

#[test]
fn malformed_unknown_and_invalid_payloads_stay_apart() {
    let hmac = HmacSha256::new(SIGNATURE, "s3cret");
    let (server, calls, store) = commenda_server(hmac.clone(), acknowledge);
    let url = format!("{}/hooks/commenda", server.url);
    let deliver = |body: &str| {
        post(
            &url,
            &[JSON, (SIGNATURE, &signed(&hmac, body))],
            body.as_bytes(),
        )
    };

    let malformed = deliver("{\"topic\": ");
    assert_eq!(malformed.status, 400, "{}", malformed.body);

    let invalid = deliver(&commenda_invalid("evt-bad"));
    assert_eq!(invalid.status, 400, "{}", invalid.body);
    assert!(invalid.body.contains("/triggered_at"), "{}", invalid.body);

    let no_topic = deliver("{\"id\": \"x\"}");
    assert_eq!(no_topic.status, 400, "{}", no_topic.body);

    let novel = commenda_topic("evt-new-topic", "FILINGS.SUBMITTED");
    let kept = deliver(&novel);
    assert_eq!(kept.status, 200, "{}", kept.body);
    let kept = stored_of(&*store, Class::Unknown);
    assert_eq!(kept.len(), 1);
    assert_eq!(
        kept[0].record.routing_key.as_deref(),
        Some("FILINGS.SUBMITTED")
    );
    assert_eq!(kept[0].record.body, novel.as_bytes(), "kept byte for byte");
    assert_eq!(kept[0].record.dedup_key, "evt-new-topic");
    let signature = kept[0].record.headers.iter().find(|(n, _)| n == SIGNATURE);
    assert_eq!(
        signature.map(|(_, v)| v.as_str()),
        Some("[redacted]"),
        "secrets are not stored"
    );
    // Rejected payloads are kept too, as dead letters.
    let invalid = stored_of(&*store, Class::Invalid);
    assert_eq!(invalid.len(), 3, "{invalid:?}");
    assert!(invalid
        .iter()
        .all(|s| s.state == eventbind_receive::store::State::Dead));

    assert!(
        calls.all().is_empty(),
        "no typed handler ran: {:?}",
        calls.all()
    );
}

#[test]
fn a_handler_asking_for_a_retry_gets_a_5xx_and_runs_again_on_redelivery() {
    let hmac = HmacSha256::new(SIGNATURE, "s3cret");
    fn flaky(id: &str) -> Disposition {
        if id == "evt-retry" {
            Disposition::RetryLater
        } else {
            Disposition::Acknowledge
        }
    }
    let (server, calls, _) = commenda_server(hmac.clone(), flaky);
    let url = format!("{}/hooks/commenda", server.url);
    let body = commenda("evt-retry");
    let headers = [JSON, (SIGNATURE, &*signed(&hmac, &body))];
    let first = post(&url, &headers, body.as_bytes());
    assert_eq!(first.status, 503, "{}", first.body);
    assert_eq!(post(&url, &headers, body.as_bytes()).status, 503);
    assert_eq!(calls.count("evt-retry"), 2, "a retry is not a duplicate");
}

#[test]
fn a_duplicate_delivery_is_acknowledged_without_calling_the_handler_again() {
    let hmac = HmacSha256::new(SIGNATURE, "s3cret");
    let (server, calls, _) = commenda_server(hmac.clone(), acknowledge);
    let url = format!("{}/hooks/commenda", server.url);
    let body = commenda("evt-dup");
    let headers = [JSON, (SIGNATURE, &*signed(&hmac, &body))];
    for _ in 0..3 {
        assert_eq!(post(&url, &headers, body.as_bytes()).status, 200);
    }
    // Same event id, different bytes (a new timestamp the hash does not
    // ignore): acknowledged as a stored conflict, the handler not run again.
    let retried = body.replace("1727284490", "1727284999");
    let second = post(
        &url,
        &[JSON, (SIGNATURE, &signed(&hmac, &retried))],
        retried.as_bytes(),
    );
    assert_eq!(second.status, 200);
    assert!(second.body.contains("\"conflict\""), "{}", second.body);
    assert_eq!(calls.all(), ["evt-dup"]);
}

#[test]
fn a_panicking_handler_answers_500_and_frees_the_key() {
    let calls = Calls::default();
    let seen = calls.clone();
    let dispatcher = Dispatcher::<CommendaEvent>::new().on_any(move |_, context| {
        let first = seen.all().is_empty();
        seen.push(context.dedup_key().to_owned());
        async move {
            if first {
                panic!("handler bug (expected by the test)");
            }
            Disposition::Acknowledge
        }
    });
    let receiver = Receiver::new(dispatcher).dedup(DedupKeys::new().field("/id"));
    let server = Server::start(HttpReceiver::new(receiver));
    let body = commenda("evt-panic");
    assert_eq!(post(&server.url, &[JSON], body.as_bytes()).status, 500);
    assert_eq!(post(&server.url, &[JSON], body.as_bytes()).status, 200);
    assert_eq!(calls.all(), ["evt-panic", "evt-panic"]);
}
