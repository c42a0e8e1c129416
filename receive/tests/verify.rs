//! Signature checks on raw bytes: encodings, prefixes, rotation, timestamps.

use base64::Engine as _;
use eventbind_receive::delivery::{Delivery, Headers};
use eventbind_receive::verify::{Encoding, HmacSha256, Signed, Verify, VerifyError};
use proptest::prelude::*;
use std::time::{Duration, UNIX_EPOCH};

fn delivery(body: &[u8], headers: &[(&str, &str)]) -> Delivery {
    Delivery::new(body.to_vec()).with_headers(Headers::from_pairs(
        headers.iter().map(|(n, v)| (*n, v.to_string())),
    ))
}

/// RFC 4231 test case 2: the MAC is the standard HMAC-SHA256.
const RFC4231_BODY: &[u8] = b"what do ya want for nothing?";
const RFC4231_MAC: &str = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

#[test]
fn the_mac_is_standard_hmac_sha256_in_either_encoding() {
    let hex = HmacSha256::new("sig", "Jefe").encoding(Encoding::Hex);
    assert_eq!(
        hex.sign(&Headers::new(), RFC4231_BODY).unwrap(),
        RFC4231_MAC
    );
    let raw = hex::decode(RFC4231_MAC).unwrap();
    let standard = base64::engine::general_purpose::STANDARD.encode(&raw);
    let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&raw);
    let auto = HmacSha256::new("sig", "Jefe");
    for value in [
        RFC4231_MAC.to_owned(),
        RFC4231_MAC.to_uppercase(),
        standard.clone(),
        url_safe,
    ] {
        assert_eq!(
            auto.verify(&delivery(RFC4231_BODY, &[("sig", &value)])),
            Ok(()),
            "{value}"
        );
    }
    // Pinned encodings read only their own.
    assert!(matches!(
        hex.verify(&delivery(RFC4231_BODY, &[("sig", &standard)])),
        Err(VerifyError::Malformed { .. })
    ));
    let base64_only = HmacSha256::new("sig", "Jefe").encoding(Encoding::Base64);
    assert!(base64_only
        .verify(&delivery(RFC4231_BODY, &[("sig", RFC4231_MAC)]))
        .is_err());
    assert_eq!(
        base64_only.verify(&delivery(RFC4231_BODY, &[("sig", &standard)])),
        Ok(())
    );
}

#[test]
fn several_signatures_in_one_header_and_rotated_secrets() {
    let old = HmacSha256::new("sig", "old").prefix("v1=");
    let new = HmacSha256::new("sig", "new").prefix("v1=");
    let body = b"{}";
    let header = format!(
        "{}, {}",
        old.sign(&Headers::new(), body).unwrap(),
        new.sign(&Headers::new(), body).unwrap()
    );
    // The sender signs with both while rotating: either secret accepts.
    assert_eq!(new.verify(&delivery(body, &[("sig", &header)])), Ok(()));
    assert_eq!(old.verify(&delivery(body, &[("sig", &header)])), Ok(()));
    let neither = HmacSha256::new("sig", "other").prefix("v1=");
    assert_eq!(
        neither.verify(&delivery(body, &[("sig", &header)])),
        Err(VerifyError::Mismatch("sig".into()))
    );
    // The receiver accepts both while rotating.
    let receiver = HmacSha256::new("sig", "new").secret("old").prefix("V1=");
    let by_old = old.sign(&Headers::new(), body).unwrap();
    assert_eq!(
        receiver.verify(&delivery(body, &[("SIG", &by_old)])),
        Ok(())
    );
}

#[test]
fn a_signed_timestamp_must_be_within_the_window_of_the_injected_clock() {
    let now = UNIX_EPOCH + Duration::from_secs(1_727_284_490);
    let scheme = HmacSha256::new("x-signature", "s")
        .signed([
            Signed::Header("x-timestamp".into()),
            Signed::Literal(".".into()),
            Signed::Body,
        ])
        .timestamp("x-timestamp", Duration::from_secs(300))
        .clock(move || now);
    let body = b"{\"id\":1}";
    let at = |seconds: u64| {
        let stamp = seconds.to_string();
        let headers = Headers::from_pairs([("x-timestamp", stamp.clone())]);
        let signature = scheme.sign(&headers, body).unwrap();
        scheme.verify(&delivery(
            body,
            &[("x-timestamp", &stamp), ("x-signature", &signature)],
        ))
    };
    assert_eq!(at(1_727_284_490), Ok(()));
    assert_eq!(at(1_727_284_490 - 300), Ok(()));
    assert_eq!(at(1_727_284_490 + 300), Ok(()));
    assert!(matches!(
        at(1_727_284_490 - 301),
        Err(VerifyError::Stale {
            skew_seconds: 301,
            ..
        })
    ));
    assert!(matches!(
        at(1_727_284_490 + 301),
        Err(VerifyError::Stale {
            skew_seconds: -301,
            ..
        })
    ));

    // The timestamp is signed: changing it breaks the signature.
    let headers = Headers::from_pairs([("x-timestamp", "1727284490")]);
    let signature = scheme.sign(&headers, body).unwrap();
    let moved = delivery(
        body,
        &[("x-timestamp", "1727284491"), ("x-signature", &signature)],
    );
    assert_eq!(
        scheme.verify(&moved),
        Err(VerifyError::Mismatch("x-signature".into()))
    );

    let missing = delivery(body, &[("x-signature", &signature)]);
    assert_eq!(
        scheme.verify(&missing),
        Err(VerifyError::Missing("x-timestamp".into()))
    );
    let words = delivery(
        body,
        &[("x-timestamp", "yesterday"), ("x-signature", &signature)],
    );
    assert!(matches!(
        scheme.verify(&words),
        Err(VerifyError::Malformed { .. })
    ));
}

#[test]
fn the_debug_form_shows_no_secret() {
    let scheme = HmacSha256::new("sig", "hunter2-secret");
    assert!(!format!("{scheme:?}").contains("hunter2"));
}

proptest! {
    /// Any header value and body: an answer, never a panic, and never a
    /// match without the secret.
    #[test]
    fn arbitrary_headers_never_verify_or_panic(value in ".{0,200}", body in proptest::collection::vec(any::<u8>(), 0..200)) {
        let scheme = HmacSha256::new("sig", "s").prefix("sha256=").timestamp("sig", Duration::from_secs(1));
        prop_assert!(scheme.verify(&delivery(&body, &[("sig", &value)])).is_err());
        let plain = HmacSha256::new("sig", "s");
        prop_assert!(plain.verify(&delivery(&body, &[("sig", &value)])).is_err());
    }
}

#[test]
fn a_clock_before_the_epoch_does_not_panic() {
    let scheme = HmacSha256::new("sig", "s")
        .timestamp("ts", Duration::from_secs(5))
        .clock(|| UNIX_EPOCH - Duration::from_secs(10));
    let signature = scheme.sign(&Headers::new(), b"{}").unwrap();
    let result = scheme.verify(&delivery(b"{}", &[("ts", "-10"), ("sig", &signature)]));
    assert_eq!(result, Ok(()));
}
