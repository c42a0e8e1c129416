//! The spec loader on one file of arbitrary bytes, read as YAML and as JSON:
//! it answers a located error or a catalog, never a panic; a catalog it
//! answers is written out as Rust (the emitter and its printer), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("a scratch directory");
    for name in ["asyncapi.yaml", "asyncapi.json"] {
        let path = dir.path().join(name);
        std::fs::write(&path, data).expect("writes");
        if let Ok(loaded) = eventbind_codegen::load(&path) {
            let _ = eventbind_codegen::rust_module(&loaded.catalog, "fuzz input");
        }
    }
});
