//! The vendor rules the bindings must hold, one test per rule.

use eventbind_runtime::{ErrorKind, ParseError, Received, Route};
use serde_json::{json, Value};

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn pointers(error: &ParseError) -> Vec<&str> {
    error.errors().iter().map(|e| e.pointer.as_str()).collect()
}

mod certcapture {
    use super::*;
    use eventbind_avalara_certcapture::{Action, CertCaptureEvent};

    #[test]
    fn both_keys_or_neither_are_rejected() {
        let both = json!({"client_id": 1, "action": "add", "certificate": {"id": 1}, "customer": {"id": 2}});
        let error = CertCaptureEvent::parse(&bytes(&both)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert!(error.to_string().contains("exactly one"), "{error}");

        let neither = json!({"client_id": 1, "action": "add"});
        let error = CertCaptureEvent::parse(&bytes(&neither)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnknownEvent);
        assert!(error.to_string().contains("certificate"), "{error}");
    }

    #[test]
    fn an_unknown_field_is_rejected() {
        let extra = json!({"client_id": 1, "action": "add", "certificate": {"id": 1}, "note": "x"});
        let error = CertCaptureEvent::parse(&bytes(&extra)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert_eq!(error.message(), Some("CertificateChangeNotification"));
        assert_eq!(error.pointer(), "/note", "{error}");
        assert!(error.to_string().contains("not allowed"), "{error}");

        let nested = json!({"client_id": 1, "action": "add", "customer": {"id": 1, "email": "x"}});
        let error = CertCaptureEvent::parse(&bytes(&nested)).unwrap_err();
        assert_eq!(error.pointer(), "/customer/email", "{error}");
    }

    #[test]
    fn a_client_id_beyond_i32_is_accepted() {
        let big =
            json!({"client_id": 3000000000u64, "action": "delete", "certificate": {"id": 300}});
        let CertCaptureEvent::CertificateChangeNotification(payload) =
            CertCaptureEvent::parse(&bytes(&big)).unwrap()
        else {
            panic!("wrong message")
        };
        assert_eq!(payload.client_id, 3_000_000_000);
        assert_eq!(payload.action, Action::Delete);
    }

    #[test]
    fn an_action_outside_the_enum_is_rejected_at_its_pointer() {
        let bad = json!({"client_id": 1, "action": "archive", "certificate": {"id": 1}});
        let error = CertCaptureEvent::parse(&bytes(&bad)).unwrap_err();
        assert_eq!(pointers(&error), ["/action"]);
    }
}

mod commenda {
    use super::*;
    use eventbind_commenda::CommendaEvent;

    fn envelope(topic: &str, data: Value) -> Value {
        json!({
            "id": "b252d757-a286-4508-b538-41ad676e8305",
            "topic": topic,
            "triggered_at": 1727284490,
            "webhook_id": "2535af08-a139-4d0c-9827-1651e46dfbcf",
            "organization_id": "c2710df6-c6cf-4cd0-aa38-63faa44f16bc",
            "data": data,
            "api_version": "v1.0"
        })
    }

    #[test]
    fn an_unknown_topic_comes_back_whole() {
        // Odd spacing and key order on purpose: the raw JSON must be kept byte for byte.
        let raw = br#"{"topic" : "FILINGS.RETURN.FILED",  "id":"1","data":{"z":1,"a":[true ,null]},"n":1.50}"#;
        let event = CommendaEvent::parse(raw).unwrap();
        let CommendaEvent::Unknown(unknown) = &event else {
            panic!("not unknown: {event:?}")
        };
        assert_eq!(unknown.raw().as_bytes(), raw);
        assert_eq!(unknown.key(), Some("FILINGS.RETURN.FILED"));
        assert_eq!(event.message_name(), None);
        assert_eq!(serde_json::to_vec(&event).unwrap(), raw.to_vec());

        let received: Received<CommendaEvent> = Received::parse(raw.to_vec());
        assert!(matches!(
            received.outcome(),
            eventbind_runtime::route::Outcome::Unknown(_)
        ));
        assert_eq!(received.raw().as_ref(), raw);
    }

    #[test]
    fn both_spellings_of_the_validation_topic_reach_the_same_message() {
        let data = json!({"corporation_id": "a", "registration_id": "b"});
        for topic in [
            "REGISTRATIONS.EXISTING.VALIDATION.SUCCEEDED",
            "REGISTRATIONS.EXISTING.VALIDATION_SUCCEEDED",
        ] {
            let event = CommendaEvent::parse(&bytes(&envelope(topic, data.clone()))).unwrap();
            let CommendaEvent::RegistrationsExistingValidationSucceeded(event) = event else {
                panic!("{topic}: {event:?}")
            };
            assert_eq!(event.topic, topic);
            assert_eq!(event.data.registration_id, "b");
        }
    }

    #[test]
    fn a_wrong_type_reports_the_exact_pointer() {
        let mut payload = envelope(
            "NEXUS.THRESHOLD.STATE.ALERT",
            json!({
                "corporation_id": "a", "country": "US", "state": "AK",
                "nexus_rule": {"sales_threshold": 100000, "transaction_threshold": "200",
                               "threshold_type": "SALES_OR_TRANSACTIONS", "evaluation_period_type": "PREVIOUS_CALENDAR_YEAR"},
                "calculation": {"sales_exposure_percentage": 0.8, "transaction_exposure_percentage": 0.06,
                                "total_sales": 80000, "total_transactions": 12},
                "is_nexus_breached": false, "date_of_breach": null
            }),
        );
        let error = CommendaEvent::parse(&bytes(&payload)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert_eq!(error.message(), Some("NexusThresholdStateAlert"));
        assert_eq!(error.key(), Some("NEXUS.THRESHOLD.STATE.ALERT"));
        assert_eq!(pointers(&error), ["/data/nexus_rule/transaction_threshold"]);

        // Every fault is reported, in document order, not only the first.
        payload["triggered_at"] = json!("yesterday");
        let error = CommendaEvent::parse(&bytes(&payload)).unwrap_err();
        assert_eq!(
            pointers(&error),
            ["/triggered_at", "/data/nexus_rule/transaction_threshold"]
        );
    }

    #[test]
    fn a_shared_topic_is_settled_by_the_payload() {
        let customs = envelope(
            "EXEMPTION_CERTIFICATES.VERIFICATION.SUCCEEDED",
            json!({
                "customs_code": "1701.99.50.17", "destination_country": "US",
                "rules": [{"description": "Other", "general_rate_of_duty": "35.74¢/kg", "units": ["COUNT", "KG"]}]
            }),
        );
        let event = CommendaEvent::parse(&bytes(&customs)).unwrap();
        assert_eq!(event.message_name(), Some("CustomsDutyCustomsCodeUpdate"));

        let certificate = envelope(
            "EXEMPTION_CERTIFICATES.VERIFICATION.SUCCEEDED",
            json!({"corporation_id": "a", "exemption_certificate_id": "b"}),
        );
        let event = CommendaEvent::parse(&bytes(&certificate)).unwrap();
        assert_eq!(
            event.message_name(),
            Some("ExemptionCertificatesVerificationSucceeded")
        );
    }

    #[test]
    fn null_and_absent_stay_apart() {
        let mut payload = envelope(
            "NEXUS.THRESHOLD.STATE.ALERT",
            json!({
                "corporation_id": "a", "country": "US", "state": "AK",
                "nexus_rule": {"sales_threshold": 1, "transaction_threshold": 2, "threshold_type": "T", "evaluation_period_type": "P"},
                "calculation": {"sales_exposure_percentage": 0.8, "transaction_exposure_percentage": 0.06, "total_sales": 1, "total_transactions": 1},
                "is_nexus_breached": false, "date_of_breach": null
            }),
        );
        let event = CommendaEvent::parse(&bytes(&payload)).unwrap();
        let back = serde_json::to_value(&event).unwrap();
        assert!(
            eventbind_runtime::__private::check::json_equal(&back, &payload),
            "{back}"
        );
        assert_eq!(back["data"]["date_of_breach"], Value::Null);
        // date_of_breach is required (every example has it) but may be null: absent is an error.
        payload["data"]
            .as_object_mut()
            .unwrap()
            .remove("date_of_breach");
        let error = CommendaEvent::parse(&bytes(&payload)).unwrap_err();
        assert!(error.to_string().contains("date_of_breach"), "{error}");
    }

    #[test]
    fn malformed_json_and_a_missing_topic_are_told_apart() {
        let error = CommendaEvent::parse(b"{\"topic\": ").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::MalformedJson);
        let error = CommendaEvent::parse(br#"{"id": "x"}"#).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::UnknownEvent);
        assert_eq!(error.pointer(), "/topic");
    }
}

mod avaza {
    use super::*;
    use eventbind_avaza::AvazaEvent;

    fn timesheet() -> Value {
        serde_json::from_slice(
            &std::fs::read(
                eventbind_suite::spec_dir("avaza").join("captures/timesheet_created.json"),
            )
            .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn the_body_must_be_an_array_of_exactly_one() {
        let one = timesheet();
        let object = one[0].clone();
        let error = AvazaEvent::parse_named("timesheet_created", &bytes(&object)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert_eq!(error.pointer(), "");

        let two = json!([one[0].clone(), one[0].clone()]);
        let error = AvazaEvent::parse_named("timesheet_created", &bytes(&two)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert_eq!(pointers(&error), [""]);
        assert!(error.to_string().contains("at most 1"), "{error}");

        let empty = json!([]);
        assert!(AvazaEvent::parse_named("timesheet_created", &bytes(&empty)).is_err());
    }

    #[test]
    fn a_duration_string_is_reported_at_its_pointer() {
        let mut body = timesheet();
        body[0]["Duration"] = json!("4.0000");
        let error = AvazaEvent::parse_named("timesheet_created", &bytes(&body)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert_eq!(pointers(&error), ["/0/Duration"]);
    }

    #[test]
    fn entities_without_a_sample_stay_open_and_unknown_names_are_kept() {
        let company = json!([{"CompanyID": 7, "Name": "Acme", "anything": {"nested": [1]}}]);
        let event = AvazaEvent::parse_named("company_updated", &bytes(&company)).unwrap();
        assert_eq!(event.message_name(), Some("company_updated"));
        assert_eq!(serde_json::to_value(&event).unwrap(), company);

        let raw = br#"[{"QuoteID": 1}]"#;
        let event = AvazaEvent::parse_named("quote_created", raw).unwrap();
        let AvazaEvent::Unknown(unknown) = event else {
            panic!("not unknown")
        };
        assert_eq!(unknown.key(), Some("quote_created"));
        assert_eq!(unknown.raw().as_bytes(), raw);
    }
}

mod vertex {
    use super::*;
    use eventbind_runtime::from_slice;
    use eventbind_vertex::{EventDelivery, PaginationParameters, Subscription, VertexEvent};

    #[test]
    fn a_two_character_subscription_name_is_rejected() {
        let subscription = json!({"name": "ms", "eventTypeCode": "einv.document.updated"});
        let error = from_slice::<Subscription>(&bytes(&subscription)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert_eq!(pointers(&error), ["/name"]);
        assert!(error.to_string().contains("at least 3"), "{error}");
        let ok = json!({"name": "ms365ForJaneDoe", "eventTypeCode": "einv.document.updated"});
        assert!(from_slice::<Subscription>(&bytes(&ok)).is_ok());
    }

    #[test]
    fn a_page_size_of_101_is_rejected() {
        let error = from_slice::<PaginationParameters>(br#"{"page": 0, "size": 101}"#).unwrap_err();
        assert_eq!(pointers(&error), ["/size"]);
        assert!(from_slice::<PaginationParameters>(br#"{"size": 100}"#).is_ok());
        let error = from_slice::<PaginationParameters>(br#"{"size": 0}"#).unwrap_err();
        assert_eq!(pointers(&error), ["/size"]);
    }

    #[test]
    fn a_malformed_uuid_is_rejected_at_its_pointer() {
        let delivery = json!({"eventId": "c86fcc87-a137-4c37-8d19-17edc7199fe", "event": {"payload": "{\"a\":1}"}});
        let error = VertexEvent::parse_named("EventDelivery", &bytes(&delivery)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidPayload);
        assert_eq!(pointers(&error), ["/eventId"]);

        let nested = json!({"event": {"payloadRefId": "not-a-uuid"}});
        let error = from_slice::<EventDelivery>(&bytes(&nested)).unwrap_err();
        assert_eq!(pointers(&error), ["/event/payloadRefId"]);
    }

    #[test]
    fn headers_are_read_case_insensitively() {
        let headers = eventbind_runtime::headers::from_pairs::<
            eventbind_vertex::EventDeliveryHeaders,
            _,
            _,
            _,
        >([
            ("Vertex-HMAC-SHA256", "abc"),
            ("Idempotency-Key", "k1"),
            ("vertex-webhooks-test", "true"),
        ])
        .unwrap();
        assert_eq!(headers.vertex_hmac_sha256.as_deref(), Some("abc"));
        assert_eq!(headers.idempotency_key.as_deref(), Some("k1"));
        assert_eq!(headers.vertex_webhooks_test.as_deref(), Some("true"));
    }
}
