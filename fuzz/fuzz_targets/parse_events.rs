//! Each vendor crate's parse entry on arbitrary bytes: an event, or an error.
//! The first byte picks the name given to the name-routed crates.
#![no_main]

use libfuzzer_sys::fuzz_target;

const AVAZA: &[&str] = &["company_created", "invoice_sent", "task_updated", "nope"];
const VERTEX: &[&str] = &["EventDelivery", "nope"];

fuzz_target!(|data: &[u8]| {
    let (pick, body) = match data.split_first() {
        Some((&pick, body)) => (pick as usize, body),
        None => (0, data),
    };
    let _ = eventbind_commenda::CommendaEvent::parse(body);
    let _ = eventbind_avalara_certcapture::CertCaptureEvent::parse(body);
    let _ = eventbind_avaza::AvazaEvent::parse_named(AVAZA[pick % AVAZA.len()], body);
    let _ = eventbind_vertex::VertexEvent::parse_named(VERTEX[pick % VERTEX.len()], body);
});
