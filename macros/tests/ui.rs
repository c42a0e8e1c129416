//! The derives' compile errors (each message and where it points), and
//! expansions that must build, with trybuild.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
