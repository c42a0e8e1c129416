//! Generates the Commenda bindings into `$OUT_DIR/commenda.rs`, the way
//! `prost-build` is used.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let manifest_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let spec = manifest_dir.join("../../specs/commenda");
    match eventbind_codegen::Builder::new().spec(&spec).compile() {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "error: eventbind could not generate bindings from {}: {error}",
                spec.display()
            );
            ExitCode::FAILURE
        }
    }
}
