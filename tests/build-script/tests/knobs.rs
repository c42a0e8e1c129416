//! What the Builder's customisations write compiles and behaves: the derives
//! added hold (a `HashSet` of sensors), the replaced type is the crate's own
//! (its validation runs), and the routing override names the enum.

use eventbind_build_script_test::knobs::{ReadingEvent, Sensor, Status};
use eventbind_build_script_test::money::Money;
use std::collections::HashSet;

#[test]
fn derived_eq_hash_and_default_hold() {
    let sensor = Sensor::default();
    let mut seen = HashSet::new();
    assert!(seen.insert(sensor.clone()));
    assert!(!seen.insert(sensor));
    assert!(seen.contains(&Sensor::default()));
    let statuses: HashSet<Status> = [Status::Ok, Status::Faulty, Status::Ok].into();
    assert_eq!(statuses.len(), 2);
}

#[test]
fn the_replaced_type_is_the_crates_own_and_the_override_routes_by_name() {
    let body = br#"{"sensor": {"id": "s1"}, "status": "ok", "price": {"amount": "1.50", "currency": "EUR"}}"#;
    let ReadingEvent::Reading(reading) = ReadingEvent::parse_named("reading", body).unwrap() else {
        panic!("a reading");
    };
    let price: Money = reading.price.unwrap();
    assert_eq!(price.currency, "EUR");
    let bad = br#"{"sensor": {"id": "s1"}, "status": "ok", "price": {"amount": "1.50", "currency": "EURO"}}"#;
    let error = ReadingEvent::parse_named("reading", bad).unwrap_err();
    assert_eq!(error.errors()[0].pointer, "/price/currency");
}
