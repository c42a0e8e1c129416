//! Lists the generator keeps that must agree with the runtime's.

#[test]
fn checked_formats_are_the_runtimes() {
    let runtime: Vec<&str> = eventbind_runtime::format::Format::all()
        .map(|format| format.name())
        .collect();
    assert_eq!(
        eventbind_codegen::model::formats::CHECKED,
        runtime.as_slice()
    );
}
