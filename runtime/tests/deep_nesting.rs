//! No payload overflows the stack: 100,000 levels of `[` or `{"a":` through
//! recursive derived types (a struct, a `OneOf` union, a schema fragment)
//! and through every vendor crate's parse entry come back as errors, on a
//! thread with a 512 KiB stack (a quarter of what a server thread gets).
//! A stack overflow aborts the test binary: that is the failure this guards.

use eventbind_runtime::{from_slice, from_value, ErrorKind, OneOf, ParseError, Validate};
use serde::{Deserialize, Serialize};

/// A quarter of the 2 MiB Rust and tokio give a thread. serde_json stops at
/// 128 levels; a debug build's frames for those take about 300 KiB (release
/// ones much less), so 256 KiB would only measure the build profile.
const SMALL_STACK: usize = 512 * 1024;
const LEVELS: usize = 100_000;

/// Runs `f` on a thread with a small stack, and gives its result.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawns")
        .join()
        .expect("does not panic")
}

/// The deep payloads: open arrays, open objects, and both closed.
fn deep_payloads() -> Vec<Vec<u8>> {
    let arrays = "[".repeat(LEVELS);
    let objects = "{\"a\":".repeat(LEVELS);
    vec![
        arrays.clone().into_bytes(),
        format!("{arrays}{}", "]".repeat(LEVELS)).into_bytes(),
        objects.clone().into_bytes(),
        format!("{objects}1{}", "}".repeat(LEVELS)).into_bytes(),
        format!("{{\"a\":{arrays}").into_bytes(),
        format!("{{\"children\":{arrays}").into_bytes(),
        format!("{{\"topic\":\"x\",\"data\":{objects}").into_bytes(),
        // Well-formed, with a routing key no message has: an unknown event,
        // refused as deep as a known one is.
        format!(
            "{{\"topic\":\"x\",\"data\":{objects}1{}}}",
            "}".repeat(LEVELS)
        )
        .into_bytes(),
    ]
}

/// A recursive struct, with constraints at every level.
#[derive(Debug, Deserialize, Serialize, Validate)]
struct Node {
    #[validate(pattern = "^[a-z]*$")]
    name: Option<String>,
    a: Option<Box<Node>>,
    #[serde(default)]
    children: Vec<Node>,
}

/// A recursive union: read through `serde_json::Value`, branch by branch.
#[derive(Debug, Serialize, OneOf, Validate)]
#[serde(untagged)]
enum Tree {
    Leaf(#[validate(min_length = 1)] String),
    Branch(Vec<Tree>),
    Named(Box<Node>),
}

/// A schema fragment applied to a value of any depth.
#[derive(Debug, Deserialize, Serialize, Validate)]
struct Fragment {
    #[validate(
        schema = r#"{"type": ["object", "array"], "items": {"items": {"type": "array"}}, "properties": {"a": {"properties": {"a": {"type": "object"}}}}}"#
    )]
    a: serde_json::Value,
}

/// An error: malformed or invalid, or (a vendor crate given a deep array,
/// where its routing key cannot be) an unknown event without a key.
fn assert_refused(result: Result<impl std::fmt::Debug, ParseError>, what: &str) {
    let error = result.expect_err(what);
    match error.kind() {
        ErrorKind::MalformedJson | ErrorKind::InvalidPayload => {}
        ErrorKind::UnknownEvent => assert_eq!(error.key(), None, "{what}: {error}"),
    }
}

#[test]
fn recursive_derived_types_refuse_deep_payloads() {
    on_small_stack(|| {
        let payloads = deep_payloads();
        for (i, payload) in payloads.iter().enumerate() {
            let node = from_slice::<Node>(payload);
            if i == payloads.len() - 1 {
                // Members Node does not declare are skipped, not built: the
                // deep one costs no stack, and the rest reads.
                assert!(node.is_ok(), "{node:?}");
            } else {
                assert_refused(node, &format!("Node #{i}"));
            }
            assert_refused(from_slice::<Tree>(payload), &format!("Tree #{i}"));
            assert_refused(from_slice::<Fragment>(payload), &format!("Fragment #{i}"));
            assert_refused(from_slice::<Vec<Tree>>(payload), &format!("Vec<Tree> #{i}"));
            assert!(eventbind_runtime::UnknownEvent::from_slice(None, payload).is_err());
        }
    });
}

/// Just within serde_json's limit (128), every level is read and validated:
/// the deepest legal payload is checked through, and its faults located.
#[test]
fn the_deepest_readable_payload_validates_on_a_small_stack() {
    on_small_stack(|| {
        let depth = 120;
        let deep = format!(
            "{}{{\"name\":\"X\"}}{}",
            "{\"a\":".repeat(depth),
            "}".repeat(depth)
        );
        let error = from_slice::<Node>(deep.as_bytes()).expect_err("X fails the pattern");
        let pointer = "/a".repeat(depth) + "/name";
        assert_eq!(error.errors()[0].pointer, pointer, "{error}");
        let fine = deep.replace('X', "x");
        assert!(from_slice::<Node>(fine.as_bytes()).is_ok());
        let value: serde_json::Value = serde_json::from_str(&fine).expect("parses");
        assert!(from_value::<Node>(&value).is_ok());

        let tree = format!("{}\"\"{}", "[".repeat(100), "]".repeat(100));
        let error = from_slice::<Tree>(tree.as_bytes()).expect_err("the leaf is empty");
        assert_eq!(error.kind(), ErrorKind::InvalidPayload, "{error}");
        let tree = tree.replace("\"\"", "\"x\"");
        assert!(from_slice::<Tree>(tree.as_bytes()).is_ok());
    });
}

#[test]
fn vendor_crates_refuse_deep_payloads() {
    on_small_stack(|| {
        for (i, payload) in deep_payloads().iter().enumerate() {
            assert_refused(
                eventbind_commenda::CommendaEvent::parse(payload),
                &format!("commenda #{i}"),
            );
            assert_refused(
                eventbind_avalara_certcapture::CertCaptureEvent::parse(payload),
                &format!("certcapture #{i}"),
            );
            assert_refused(
                eventbind_avaza::AvazaEvent::parse_named("company_created", payload),
                &format!("avaza #{i}"),
            );
            assert_refused(
                eventbind_vertex::VertexEvent::parse_named("no such event", payload),
                &format!("vertex #{i}"),
            );
        }
    });
}
