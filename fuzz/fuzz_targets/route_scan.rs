//! The routing-key scan (`peek::scan`, which does not check the text) against
//! the checking peek: `route` (scan first) and `checked_route` (serde first)
//! must give the same event or the same error, for every vendor crate.
#![no_main]

use eventbind_avalara_certcapture::CertCaptureEvent;
use eventbind_avaza::AvazaEvent;
use eventbind_commenda::CommendaEvent;
use eventbind_runtime::route::{checked_route, route, Route};
use eventbind_vertex::VertexEvent;
use libfuzzer_sys::fuzz_target;
use std::fmt::Debug;

fn agree<E: Route + PartialEq + Debug>(name: Option<&str>, bytes: &[u8]) {
    let quick = route::<E>(name, bytes);
    let checked = checked_route::<E>(name, bytes);
    assert_eq!(
        quick,
        checked,
        "{name:?} {:?}",
        String::from_utf8_lossy(bytes)
    );
}

fuzz_target!(|data: &[u8]| {
    agree::<CommendaEvent>(None, data);
    agree::<CertCaptureEvent>(None, data);
    agree::<AvazaEvent>(Some("company_created"), data);
    agree::<VertexEvent>(Some("EventDelivery"), data);
});
