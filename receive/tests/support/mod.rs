//! Payloads and small helpers shared by the receiving tests.
#![allow(dead_code)]

use eventbind_receive::delivery::Headers;
use eventbind_receive::verify::HmacSha256;
use std::sync::{Arc, Mutex};

#[cfg(feature = "http")]
pub mod http;
#[cfg(all(feature = "http", feature = "sqlite", feature = "postgres"))]
pub mod process;

/// The header value `hmac` computes for `body`.
pub fn signed(hmac: &HmacSha256, body: &str) -> String {
    hmac.sign(&Headers::new(), body.as_bytes()).unwrap()
}

/// A valid Commenda `REGISTRATIONS.NEW.SUCCEEDED` event with event id `id`.
pub fn commenda(id: &str) -> String {
    commenda_topic(id, "REGISTRATIONS.NEW.SUCCEEDED")
}

pub fn commenda_topic(id: &str, topic: &str) -> String {
    format!(
        r#"{{"id":"{id}","topic":"{topic}","triggered_at":1727284490,"webhook_id":"2535af08-a139-4d0c-9827-1651e46dfbcf","organization_id":"c2710df6-c6cf-4cd0-aa38-63faa44f16bc","data":{{"corporation_id":"a093d086-19e8-48c8-82d6-aba51f82eafc","registration_id":"e3d97512-5415-4b3c-bcc9-f2d6ebf00d1b"}},"api_version":"v1.0"}}"#
    )
}

/// A Commenda event failing its schema: `triggered_at` is a string.
pub fn commenda_invalid(id: &str) -> String {
    commenda(id).replace("1727284490", "\"soon\"")
}

/// The Vertex `EventDelivery` example with event id `event_id`.
pub fn vertex(event_id: &str) -> String {
    format!(
        r#"{{"event":{{"tags":[{{"key":"owner","value":"john.doe@vertexinc.com"}}],"expiryIntervalDays":"3","payload":"{{\"documentId\": \"123\"}}","payloadRefId":"c517f9b8-d0e5-42a9-b3a7-5e9c0c1b7e4f","payloadSizeKb":"55"}},"eventExpiresAt":"2025-06-06T15:09:44.789Z","eventId":"{event_id}","replayAttempt":1,"retryAttempt":1,"subscription":{{"id":"c86fcc87-a137-4c37-8d19-17edc7199fef","name":"ms365ForJaneDoe","eventTags":[{{"key":"owner","value":"john.doe@vertexinc.com"}}]}}}}"#
    )
}

/// Avaza's documented `timesheet_created` sample.
pub const AVAZA_TIMESHEET: &str = r#"[{"TimeSheetEntryID":18528,"Duration":4.0000,"EntryDate":"2016-05-23T00:00:00Z","UserIDFK":93,"ProjectIDFK":137,"TimeSheetCategoryIDFK":21,"Notes":"notes go here","TimeSheetEntryApprovalStatusCode":"Draft","isBillable":true,"isInvoiced":false,"DateCreated":"2016-05-23T05:25:36.53Z","DateUpdated":"2016-05-23T05:25:36.53Z"}]"#;

/// A CertCapture certificate change for certificate `id`.
pub fn certcapture(id: i64) -> String {
    format!(r#"{{"client_id":42,"action":"update","certificate":{{"id":{id}}}}}"#)
}

/// What handlers saw, in order, shared with the test.
#[derive(Clone, Default)]
pub struct Calls(Arc<Mutex<Vec<String>>>);

impl Calls {
    pub fn push(&self, call: impl Into<String>) {
        self.0.lock().unwrap().push(call.into());
    }

    pub fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }

    pub fn count(&self, call: &str) -> usize {
        self.0.lock().unwrap().iter().filter(|c| *c == call).count()
    }
}

/// Runs `future` to completion on a small runtime of its own, for the
/// blocking tests that read a store.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(future)
}

/// What `store` keeps of class `class`, oldest first.
pub fn stored_of(
    store: &dyn eventbind_receive::store::Store,
    class: eventbind_receive::receive::Class,
) -> Vec<eventbind_receive::store::Stored> {
    let filter = eventbind_receive::store::Filter {
        class: Some(class),
        ..Default::default()
    };
    block_on(store.list(&filter)).expect("the store answers")
}
