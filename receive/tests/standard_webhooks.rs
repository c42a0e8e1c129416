//! The Standard Webhooks scheme against the vectors published with the spec
//! (standard-webhooks/standard-webhooks: the spec's example and the
//! reference libraries' tests, e.g. libraries/go/webhook_test.go), and the
//! deliveries it must refuse.

use eventbind_receive::delivery::{Delivery, Headers};
use eventbind_receive::standard_webhooks::{decode_secret, StandardWebhooks, DEFAULT_TOLERANCE};
use eventbind_receive::verify::{Verify, VerifyError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

// The spec's example, and the reference libraries' `TestWebhookSign`.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP: i64 = 1614265330;
const PAYLOAD: &[u8] = br#"{"test": 2432232314}"#;
const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
// An entry the reference tests use as a wrong signature (and, with `v2`, as
// one of another version).
const OTHER: &str = "Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";

fn at(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap())
}

/// The verifier of the spec's secret, its clock at `now`.
fn verifier(now: i64) -> StandardWebhooks {
    StandardWebhooks::new(SECRET)
        .unwrap()
        .clock(move || at(now))
}

fn delivery(body: &[u8], headers: &[(&str, &str)]) -> Delivery {
    Delivery::new(body.to_vec()).with_headers(Headers::from_pairs(
        headers.iter().map(|(n, v)| (*n, v.to_string())),
    ))
}

/// The spec's example delivery, with `signature` in `webhook-signature`.
fn example(signature: &str) -> Delivery {
    let timestamp = TIMESTAMP.to_string();
    delivery(
        PAYLOAD,
        &[
            ("webhook-id", MSG_ID),
            ("webhook-timestamp", &timestamp),
            ("webhook-signature", signature),
        ],
    )
}

#[test]
fn signing_gives_the_published_signature() {
    assert_eq!(
        verifier(TIMESTAMP).sign(MSG_ID, TIMESTAMP, PAYLOAD),
        Ok(SIGNATURE.to_owned())
    );
    // The reference libraries take the secret with or without its prefix.
    let bare = StandardWebhooks::new("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    assert_eq!(
        bare.sign(MSG_ID, TIMESTAMP, PAYLOAD),
        Ok(SIGNATURE.to_owned())
    );
}

#[test]
fn the_published_delivery_verifies() {
    assert_eq!(verifier(TIMESTAMP).verify(&example(SIGNATURE)), Ok(()));
    // Header names are case-insensitive.
    let timestamp = TIMESTAMP.to_string();
    let shouting = delivery(
        PAYLOAD,
        &[
            ("Webhook-Id", MSG_ID),
            ("WEBHOOK-TIMESTAMP", &timestamp),
            ("Webhook-Signature", SIGNATURE),
        ],
    );
    assert_eq!(verifier(TIMESTAMP).verify(&shouting), Ok(()));
}

#[test]
fn one_valid_signature_among_several_is_enough() {
    // The reference libraries' "multi sig payload is valid".
    let list = format!("v1,{OTHER} v2,{OTHER} {SIGNATURE} v1,{OTHER}");
    assert_eq!(verifier(TIMESTAMP).verify(&example(&list)), Ok(()));
    // An asymmetric `v1a` entry is skipped, not misread as `v1`.
    let list = format!("v1a,{OTHER} {SIGNATURE}");
    assert_eq!(verifier(TIMESTAMP).verify(&example(&list)), Ok(()));
}

#[test]
fn rotated_secrets_both_verify() {
    let old = StandardWebhooks::new("whsec_c2VjcmV0LWJlZm9yZS1yb3RhdGlvbg==").unwrap();
    let old_signature = old.sign(MSG_ID, TIMESTAMP, PAYLOAD).unwrap();
    let both = verifier(TIMESTAMP)
        .secret("whsec_c2VjcmV0LWJlZm9yZS1yb3RhdGlvbg==")
        .unwrap();
    assert_eq!(both.verify(&example(&old_signature)), Ok(()));
    assert_eq!(both.verify(&example(SIGNATURE)), Ok(()));
    assert!(matches!(
        verifier(TIMESTAMP).verify(&example(&old_signature)),
        Err(VerifyError::Mismatch(_))
    ));
}

#[test]
fn a_wrong_secret_or_a_tampered_delivery_is_refused() {
    let wrong = StandardWebhooks::new("whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==")
        .unwrap()
        .clock(|| at(TIMESTAMP));
    assert!(matches!(
        wrong.verify(&example(SIGNATURE)),
        Err(VerifyError::Mismatch(_))
    ));
    assert!(matches!(
        verifier(TIMESTAMP).verify(&example(&format!("v1,{OTHER}"))),
        Err(VerifyError::Mismatch(_))
    ));
    let timestamp = TIMESTAMP.to_string();
    let tampered_body = delivery(
        br#"{"test": 2432232315}"#,
        &[
            ("webhook-id", MSG_ID),
            ("webhook-timestamp", &timestamp),
            ("webhook-signature", SIGNATURE),
        ],
    );
    assert!(matches!(
        verifier(TIMESTAMP).verify(&tampered_body),
        Err(VerifyError::Mismatch(_))
    ));
    // The id and the timestamp are signed too.
    let other_id = delivery(
        PAYLOAD,
        &[
            ("webhook-id", "msg_other"),
            ("webhook-timestamp", &timestamp),
            ("webhook-signature", SIGNATURE),
        ],
    );
    assert!(matches!(
        verifier(TIMESTAMP).verify(&other_id),
        Err(VerifyError::Mismatch(_))
    ));
    let later = (TIMESTAMP + 1).to_string();
    let other_time = delivery(
        PAYLOAD,
        &[
            ("webhook-id", MSG_ID),
            ("webhook-timestamp", &later),
            ("webhook-signature", SIGNATURE),
        ],
    );
    assert!(matches!(
        verifier(TIMESTAMP).verify(&other_time),
        Err(VerifyError::Mismatch(_))
    ));
}

#[test]
fn timestamps_outside_the_tolerance_are_refused() {
    let limit = i64::try_from(DEFAULT_TOLERANCE.as_secs()).unwrap();
    assert_eq!(limit, 300, "the spec's five minutes");
    // On the edge either way still verifies.
    assert_eq!(
        verifier(TIMESTAMP + limit).verify(&example(SIGNATURE)),
        Ok(())
    );
    assert_eq!(
        verifier(TIMESTAMP - limit).verify(&example(SIGNATURE)),
        Ok(())
    );
    // Stale: the clock is past the window.
    assert_eq!(
        verifier(TIMESTAMP + limit + 1).verify(&example(SIGNATURE)),
        Err(VerifyError::Stale {
            header: "webhook-timestamp".into(),
            skew_seconds: limit + 1,
        })
    );
    // From the future.
    assert_eq!(
        verifier(TIMESTAMP - limit - 1).verify(&example(SIGNATURE)),
        Err(VerifyError::Stale {
            header: "webhook-timestamp".into(),
            skew_seconds: -(limit + 1),
        })
    );
    // A wider window lets the stale one through.
    let lenient = verifier(TIMESTAMP + 3600).tolerance(Duration::from_secs(3600));
    assert_eq!(lenient.verify(&example(SIGNATURE)), Ok(()));
}

#[test]
fn missing_headers_are_named() {
    let timestamp = TIMESTAMP.to_string();
    let all = [
        ("webhook-id", MSG_ID),
        ("webhook-timestamp", timestamp.as_str()),
        ("webhook-signature", SIGNATURE),
    ];
    for left_out in 0..all.len() {
        let headers: Vec<(&str, &str)> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != left_out)
            .map(|(_, pair)| *pair)
            .collect();
        assert_eq!(
            verifier(TIMESTAMP).verify(&delivery(PAYLOAD, &headers)),
            Err(VerifyError::Missing(all[left_out].0.into())),
        );
    }
}

#[test]
fn malformed_signature_lists_and_timestamps_are_refused() {
    // From the reference tests: not 32 bytes of base64, cut short, empty.
    for list in [
        "v1,dawfeoifkpqwoekfpqoekf",
        &SIGNATURE[..8],
        "v1,",
        "",
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        &format!("v2,{OTHER}"),
        "v1;g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    ] {
        let result = verifier(TIMESTAMP).verify(&example(list));
        assert!(
            matches!(result, Err(VerifyError::Malformed { ref header, .. }) if header == "webhook-signature"),
            "{list:?}: {result:?}"
        );
    }
    // "invalid timestamp throws error".
    let hello = delivery(
        PAYLOAD,
        &[
            ("webhook-id", MSG_ID),
            ("webhook-timestamp", "hello"),
            ("webhook-signature", SIGNATURE),
        ],
    );
    assert!(matches!(
        verifier(TIMESTAMP).verify(&hello),
        Err(VerifyError::Malformed { ref header, .. }) if header == "webhook-timestamp"
    ));
}

#[test]
fn secrets_must_be_base64() {
    assert_eq!(
        decode_secret(SECRET).unwrap(),
        decode_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap()
    );
    assert_eq!(decode_secret("whsec_c2VjcmV0").unwrap(), b"secret");
    for bad in ["", "whsec_", "whsec_not base64!", "   "] {
        assert!(StandardWebhooks::new(bad).is_err(), "{bad:?}");
        assert!(verifier(TIMESTAMP).secret(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn svix_reads_its_branded_headers_and_the_unbranded_ones() {
    let svix = StandardWebhooks::svix(SECRET)
        .unwrap()
        .clock(|| at(TIMESTAMP));
    let timestamp = TIMESTAMP.to_string();
    let branded = delivery(
        PAYLOAD,
        &[
            ("svix-id", MSG_ID),
            ("svix-timestamp", &timestamp),
            ("svix-signature", SIGNATURE),
        ],
    );
    assert_eq!(svix.verify(&branded), Ok(()));
    assert_eq!(svix.verify(&example(SIGNATURE)), Ok(()));
    // The plain preset does not read Svix's names.
    assert_eq!(
        verifier(TIMESTAMP).verify(&branded),
        Err(VerifyError::Missing("webhook-id".into()))
    );
}

#[test]
fn secrets_stay_out_of_debug_output() {
    let shown = format!("{:?}", verifier(TIMESTAMP));
    assert!(!shown.contains("MfKQ9r8G"), "{shown}");
    assert!(shown.contains("StandardWebhooks"), "{shown}");
}
