//! The capture file reader on arbitrary bytes, and the bodies of what it reads.
#![no_main]

use eventbind::capture::format::CaptureFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(file)) = CaptureFile::parse(data) {
        let _ = file.body_for_reading();
        let _ = file.exact_body();
    }
});
