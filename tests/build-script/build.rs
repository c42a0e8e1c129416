//! Generates the Commenda bindings into `$OUT_DIR/commenda.rs`, the way
//! `prost-build` is used, and a small spec with every Builder customisation
//! into `$OUT_DIR/knobs.rs`, so that what the knobs write is compiled too.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let commenda = manifest_dir.join("../../specs/commenda");
    let knobs = manifest_dir.join("../../codegen/tests/fixtures/knobs");
    let builds = [
        (
            commenda.clone(),
            eventbind_codegen::Builder::new().spec(&commenda),
        ),
        (
            knobs.clone(),
            eventbind_codegen::Builder::new()
                .spec(&knobs)
                .derive_all("Eq")
                .derive_all("Hash")
                .derive("Sensor", "Default")
                .type_attribute("Sensor", "#[non_exhaustive]")
                .field_attribute("Sensor.label", "#[doc(alias = \"name\")]")
                .replace("Money", "crate::money::Money")
                .route("receiveReadings", "name", None, Some("ReadingEvent".into())),
        ),
    ];
    for (spec, builder) in builds {
        if let Err(error) = builder.compile() {
            eprintln!(
                "error: eventbind could not generate bindings from {}: {error}",
                spec.display()
            );
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
