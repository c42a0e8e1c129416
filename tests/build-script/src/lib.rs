//! Checks that eventbind works from a build script, the way `prost-build` is
//! used: `build.rs` runs `eventbind_codegen::Builder` on `specs/commenda`, and the
//! module it writes to `$OUT_DIR` is included below.

/// The Commenda bindings, generated at build time from `specs/commenda`.
pub mod commenda {
    include!(concat!(env!("OUT_DIR"), "/commenda.rs"));
}
