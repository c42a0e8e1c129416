//! Every example in every spec routes to its message and validates, through
//! the generated event enums and through the run-time router (`eventbind route`).

use eventbind_runtime::Route;
use eventbind_suite::{examples, spec_dir, SpecExample, VENDORS};

/// Routes one example through the vendor's generated crate; returns the message name.
fn route_generated(
    example: &SpecExample,
) -> Result<Option<&'static str>, eventbind_runtime::ParseError> {
    let bytes = serde_json::to_vec(&example.payload).expect("example serialises");
    Ok(match example.vendor.as_str() {
        "avalara-certcapture" => {
            eventbind_avalara_certcapture::CertCaptureEvent::parse(&bytes)?.message_name()
        }
        "commenda" => eventbind_commenda::CommendaEvent::parse(&bytes)?.message_name(),
        "avaza" => {
            eventbind_avaza::AvazaEvent::parse_named(&example.message, &bytes)?.message_name()
        }
        "vertex" => {
            eventbind_vertex::VertexEvent::parse_named(&example.message, &bytes)?.message_name()
        }
        other => panic!("no generated crate for {other}"),
    })
}

#[test]
fn every_example_routes_to_its_message_through_the_generated_crates() {
    let mut count = 0;
    for vendor in VENDORS {
        let list = examples(vendor);
        assert!(!list.is_empty(), "{vendor} has no examples");
        for example in list {
            let routed = route_generated(&example).unwrap_or_else(|e| {
                panic!("{vendor} {} example {}: {e}", example.message, example.name)
            });
            assert_eq!(
                routed,
                Some(example.message.as_str()),
                "{vendor} example {}",
                example.name
            );
            count += 1;
        }
    }
    assert!(count >= 15, "only {count} examples found");
}

#[test]
fn every_example_routes_to_its_message_through_the_spec_router() {
    for vendor in VENDORS {
        let loaded = eventbind_codegen::load(&spec_dir(vendor)).expect("spec loads");
        let router = eventbind::oracle::Router::for_spec(&loaded).expect("router");
        for example in examples(vendor) {
            let bytes = serde_json::to_vec(&example.payload).unwrap();
            let name = matches!(*vendor, "avaza" | "vertex").then_some(example.message.as_str());
            let routed = router.route(name, &bytes);
            assert!(
                routed.valid,
                "{vendor} {} {}: {:?}",
                example.message, example.name, routed.errors
            );
            assert_eq!(routed.message.as_deref(), Some(example.message.as_str()));
        }
    }
}

#[test]
fn typed_events_serialise_back_to_the_same_json() {
    // Nothing is lost: unknown members are kept and written back, absent stays absent.
    for vendor in ["avalara-certcapture", "commenda"] {
        for example in examples(vendor) {
            let bytes = serde_json::to_vec(&example.payload).unwrap();
            let back = match vendor {
                "commenda" => {
                    serde_json::to_value(eventbind_commenda::CommendaEvent::parse(&bytes).unwrap())
                }
                _ => serde_json::to_value(
                    eventbind_avalara_certcapture::CertCaptureEvent::parse(&bytes).unwrap(),
                ),
            }
            .unwrap();
            // JSON equality: a `number` field written as 100000 comes back as 100000.0.
            assert!(
                eventbind_runtime::__private::check::json_equal(&back, &example.payload),
                "{vendor} {}: {back} != {}",
                example.name,
                example.payload
            );
        }
    }
}

#[test]
fn the_avaza_capture_routes_as_timesheet_created() {
    let bytes = std::fs::read(spec_dir("avaza").join("captures/timesheet_created.json")).unwrap();
    let event = eventbind_avaza::AvazaEvent::parse_named("timesheet_created", &bytes).unwrap();
    let eventbind_avaza::AvazaEvent::TimesheetCreated(body) = event else {
        panic!("not a timesheet: {event:?}")
    };
    assert_eq!(body.0.len(), 1);
    assert_eq!(body.0[0].time_sheet_entry_id, 18528);
    assert_eq!(body.0[0].duration, 4.0);
}
