//! The loader on two files, the first `$ref`-ing the second: the input is
//! split at its first NUL byte (the second file's bytes follow it); with no
//! NUL, the second file is the input and the first a fixed document whose
//! payload is a `$ref` into it.
#![no_main]

use libfuzzer_sys::fuzz_target;

const MAIN: &str = r#"asyncapi: 2.6.0
info: {title: T, version: "1"}
channels:
  c:
    subscribe:
      message:
        name: M
        payload:
          $ref: "./other.yaml#/components/schemas/P"
"#;

fuzz_target!(|data: &[u8]| {
    let (main, other) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (MAIN.as_bytes(), data),
    };
    let dir = tempfile::tempdir().expect("a scratch directory");
    let path = dir.path().join("asyncapi.yaml");
    std::fs::write(&path, main).expect("writes");
    std::fs::write(dir.path().join("other.yaml"), other).expect("writes");
    let _ = eventbind_codegen::load(&path);
});
