//! `Dispatcher::on_message` takes only handlers whose argument is a message
//! of the enum: any other type does not compile, and the error says which
//! bound is missing.

#[test]
fn a_handler_for_a_type_that_is_not_a_message_does_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/wrong_message.rs");
}
