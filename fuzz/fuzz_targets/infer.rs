//! Schema inference over arbitrary JSON samples (the input split at NUL
//! bytes into several): a schema, or a syntax error, never a panic.
#![no_main]

use eventbind::infer::{Inference, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut inference = Inference::new(Options::default());
    for sample in data.split(|&b| b == 0) {
        let _ = inference.add_json(sample);
    }
    let _ = inference.schema();
});
