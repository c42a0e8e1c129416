//! Typed handlers: `Dispatcher::on_message` hands a handler the payload of
//! its own message, found from the handler's argument type. (That a type
//! that is not a message of the enum does not compile is tested in
//! `tests/receive-ui`.)

use eventbind_commenda::{CommendaEvent, NexusThresholdStateAlertEvent};
use eventbind_receive::delivery::{Delivery, Disposition};
use eventbind_receive::dispatch::Dispatcher;
use eventbind_receive::receive::{Reason, Receiver};
use std::sync::{Arc, Mutex};

/// A valid delivery of `topic` (the Nexus alert's shape).
fn example(topic: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": "evt_1", "topic": topic, "triggered_at": 1727284490,
        "webhook_id": "wh_1", "organization_id": "org_1", "api_version": "v1",
        "data": {
            "corporation_id": "c", "country": "US", "state": "AK",
            "nexus_rule": {"sales_threshold": 100000, "transaction_threshold": 200,
                           "threshold_type": "SALES_OR_TRANSACTIONS",
                           "evaluation_period_type": "PREVIOUS_CALENDAR_YEAR"},
            "calculation": {"sales_exposure_percentage": 0.8, "transaction_exposure_percentage": 0.06,
                            "total_sales": 80000, "total_transactions": 12},
            "is_nexus_breached": false, "date_of_breach": null
        }
    }))
    .unwrap()
}

#[test]
fn a_typed_handler_gets_its_payload_and_no_other_message() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let record = Arc::clone(&seen);
    let dispatcher = Dispatcher::<CommendaEvent>::new().on_message(
        move |alert: NexusThresholdStateAlertEvent, _context| {
            record.lock().unwrap().push(alert.data.state.clone());
            async { Disposition::Acknowledge }
        },
    );
    let receiver = Receiver::new(dispatcher);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let report =
        runtime.block_on(receiver.receive(Delivery::new(example("NEXUS.THRESHOLD.STATE.ALERT"))));
    assert_eq!(report.disposition, Disposition::Acknowledge);
    assert_eq!(report.reason, Reason::Handled);
    assert_eq!(*seen.lock().unwrap(), ["AK"]);
}
