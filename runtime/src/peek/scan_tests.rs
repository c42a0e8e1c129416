//! Tests of the scan (`scan.rs`), in a file of their own to keep that one short.

use super::*;

#[test]
fn absent_only_when_the_objects_on_the_way_were_read_through() {
    let doc = br#"{"data": {"code": "A1", "n": 3, "e": {}}, "list": [1]}"#;
    assert!(absent_at(doc, "/data/other"));
    assert!(absent_at(doc, "/missing/deeper"));
    assert!(!absent_at(doc, "/data/code"));
    // There, but not a string: not absent (the reading gives up).
    assert!(!absent_at(doc, "/data/n"));
    assert!(!absent_at(doc, "/data/e"));
    // A member named twice on the way: ambiguous, never "absent".
    assert!(!absent_at(
        br#"{"data": {}, "data": {"code": "x"}}"#,
        "/data/code"
    ));
    // Not an object where the pointer goes on: gives up.
    assert!(!absent_at(br#"{"data": 7}"#, "/data/code"));
}

#[test]
fn finds_the_string_and_gives_up_on_duplicate_members() {
    let doc = br#" { "a" : [1, {"x": "no"}], "data":{"type":"T1", "b": {}}, "z":null}"#;
    assert_eq!(string_at(doc, "/data/type"), Some("T1"));
    assert_eq!(string_at(doc, "/a/1/x"), Some("no"));
    assert_eq!(string_at(doc, "/a/01/x"), Some("no"));
    assert_eq!(string_at(doc, "/missing"), None);
    // A member named twice on the way: ambiguous, left to the checking peek.
    for dup in [
        &br#"{"d": {"t": 1}, "d": {"t": "second"}}"#[..],
        br#"{"d": {}, "d": {"t": "second"}}"#,
        br#"{"d": {"t": "first"}, "x": 1, "d": {}}"#,
        br#"{"d": {"t": "first", "t": "second"}}"#,
    ] {
        assert_eq!(string_at(dup, "/d/t"), None);
    }
    assert_eq!(
        string_at(br#"{"d": [{"t": "a"}, {"t": "b"}]}"#, "/d/1/t"),
        Some("b")
    );
    assert_eq!(string_at(br#""root""#, ""), Some("root"));
}

#[test]
fn gives_up_where_the_text_needs_decoding() {
    assert_eq!(string_at(br#"{"topic":"a\"b"}"#, "/topic"), None);
    assert_eq!(string_at(br#"{"t\u006fpic":"x"}"#, "/topic"), None);
    assert_eq!(string_at(b"{\"k\x01\":1,\"topic\":\"x\"}", "/topic"), None);
    assert_eq!(string_at(b"{\"\xff\":1,\"topic\":\"x\"}", "/topic"), None);
    assert_eq!(string_at(br#"{"a~b":"x"}"#, "/a~0b"), None);
    assert_eq!(string_at(br#"{"topic":1}"#, "/topic"), None);
}

#[test]
fn skips_brackets_inside_strings() {
    let doc = br#"{"a":{"s":"}]\"{","n":[[],{}]},"topic":"T"}"#;
    assert_eq!(string_at(doc, "/topic"), Some("T"));
    let keys = ["a", "topic"];
    let position = |k: &[u8]| keys.iter().position(|x| x.as_bytes() == k);
    assert_eq!(present_keys(doc, position), Some(0b11));
    assert_eq!(present_keys(b"[1]", position), None);
    assert_eq!(present_keys(b"{}", position), Some(0));
    // A string ending in an escaped backslash ends at its quote; an
    // escaped quote ends none; a string that never ends gives up.
    let doc = br#"{"a":"x\\","b":["\"]"],"topic":"T"}"#;
    assert_eq!(string_at(doc, "/topic"), Some("T"));
    assert_eq!(string_at(br#"{"a":"x\","topic":"T"}"#, "/topic"), None);
    assert_eq!(string_at(br#"{"topic":"T","a":"x"#, "/topic"), None);
    assert!(nests_deeper_than(br#"[["]]]]"]]"#, 1));
    assert!(!nests_deeper_than(br#"[["]]]]"]]"#, 2));
}

#[test]
fn absent_stops_at_what_it_finds() {
    // Found before the text breaks off, or before a second `data`:
    // present, whatever follows.
    assert!(!absent_at(br#"{"data": {"code": 1, "#, "/data/code"));
    assert!(!absent_at(
        br#"{"data": {"code": 1}, "data": {}}"#,
        "/data/code"
    ));
    assert!(!absent_at(br#"[0, {"code": 1}, "#, "/1/code"));
    // Absent only when read through.
    assert!(absent_at(br#"[0, {"other": 1}]"#, "/1/code"));
    assert!(!absent_at(br#"{"data": {"other": 1}, "#, "/data/code"));
    assert!(!absent_at(br#"{"data": {}, "data": {}}"#, "/data/code"));
}

/// What `Scan::string` must answer, byte by byte.
fn reference(text: &[u8]) -> Option<(Option<&[u8]>, usize)> {
    let mut i = 1;
    let mut plain = true;
    loop {
        match *text.get(i)? {
            b'"' => {
                let raw = &text[1..i];
                let ok = plain && std::str::from_utf8(raw).is_ok();
                return Some((ok.then_some(raw), i + 1));
            }
            b'\\' => {
                plain = false;
                i += 2;
            }
            b => {
                plain &= b >= 0x20;
                i += 1;
            }
        }
    }
}

#[test]
fn reads_strings_as_the_reference_does() {
    let specials: [&[u8]; 9] = [
        b"\"",
        b"\\\"",
        b"\\n",
        b"\x01",
        b"\x1f",
        b"\x7f",
        "é".as_bytes(),
        b"\xff",
        b"\xa0\x80",
    ];
    for len in 0..20 {
        for at in 0..=len {
            for special in specials {
                let mut text = vec![b'"'];
                text.extend(std::iter::repeat_n(b'a', at));
                text.extend_from_slice(special);
                text.extend(std::iter::repeat_n(b'b', len - at));
                text.extend_from_slice(b"\" tail\"");
                let mut scan = Scan {
                    bytes: &text,
                    pos: 0,
                };
                let got = scan.string().map(|raw| (raw, scan.pos));
                assert_eq!(
                    got,
                    reference(&text),
                    "{:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }
}

#[test]
fn never_panics_on_truncated_text() {
    let doc = br#"{"a":[1,{"x":"y\"z"}],"data":{"type":"T"},"n":-1.5e3,"t":true}"#;
    for end in 0..doc.len() {
        let _ = string_at(&doc[..end], "/data/type");
        let _ = string_at(&doc[..end], "/a/1/x");
        let _ = present_keys(&doc[..end], |_| Some(0));
    }
}

#[test]
fn no_second_member_until_the_object_or_the_text_ends() {
    let after = |doc: &[u8]| first_member_string(doc, "t").unwrap().1;
    let alone = |doc: &[u8]| no_member_after(doc, after(doc), "t");
    assert!(alone(br#"{"t":"a"}"#));
    assert!(alone(br#"{"t":"a", "x": {"t": 1}, "y": ["t", {"t": 2}]}"#));
    assert!(!alone(br#"{"t":"a","x":1,"t":"b"}"#));
    // A name that needs decoding could spell `t`.
    assert!(!alone(br#"{"t":"a","\u0074":"b"}"#));
    assert!(!alone(br#"{"t":"a","x":"\"","\u0074":"b"}"#));
    // `t` in the rest, but not a member's name: read to be sure.
    assert!(alone(br#"{"t":"a","x":"t","y":{"t":"t"}}"#));
    // Text that breaks off or breaks the grammar: no reading gets further.
    for broken in [
        &br#"{"t":"a","#[..],
        br#"{"t":"a","x"#,
        br#"{"t":"a","x":"#,
        br#"{"t":"a","x":[1,{"t":"#,
        br#"{"t":"a","x":"\"#,
        br#"{"t":"a","x" 1,"t":"b"}"#,
        br#"{"t":"a" "x":1,"t":"b"}"#,
        br#"{"t":"a",1:2,"t":"b"}"#,
        br#"{"t":"a"} ,"t":"b"}"#,
    ] {
        assert!(alone(broken), "{}", String::from_utf8_lossy(broken));
    }
    // Past where a reading breaks off, anything may follow: the scan reads
    // on where it can, and gives up (says no) on a second `t`.
    assert!(!alone(br#"{"t":"a","x":1x,"t":"b"}"#));
    // Every end of a hostile text, without a panic.
    let doc = br#"{"t":"a","x":[{"y":"\\\"]}"},"z":-1e5,"\u0074":null}"#;
    for end in after(doc)..=doc.len() {
        let _ = no_member_after(&doc[..end], after(doc), "t");
    }
    assert!(no_member_after(doc, doc.len() + 5, "t"));
}

#[test]
fn nesting_is_counted_only_where_the_brackets_could_reach_the_limit() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(!nests_deeper_than(deep(128).as_bytes(), 128));
    assert!(nests_deeper_than(deep(129).as_bytes(), 128));
    // Many brackets, in strings or side by side, but not nested.
    let wide = format!("[{}]", vec![r#""[[[[{{{{""#; 100].join(","));
    assert!(!nests_deeper_than(wide.as_bytes(), 128));
    let flat = format!("[{}]", vec!["[]"; 1000].join(","));
    assert!(!nests_deeper_than(flat.as_bytes(), 128));
    assert!(nests_deeper_than(flat.as_bytes(), 1));
    assert!(!nests_deeper_than(b"", 0));
}
