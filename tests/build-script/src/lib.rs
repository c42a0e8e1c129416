//! Checks that eventbind works from a build script, the way `prost-build` is
//! used: `build.rs` runs `eventbind_codegen::Builder` on `specs/commenda`, and the
//! module it writes to `$OUT_DIR` is included below.

/// The Commenda bindings, generated at build time from `specs/commenda`.
pub mod commenda {
    include!(concat!(env!("OUT_DIR"), "/commenda.rs"));
}

/// A spec generated with every Builder customisation (see `build.rs`).
pub mod knobs {
    include!(concat!(env!("OUT_DIR"), "/knobs.rs"));
}

/// The type `knobs::Money` is replaced by.
pub mod money {
    use eventbind_runtime::{Errors, Path, Validate};
    use serde::{Deserialize, Serialize};

    /// An amount in a currency, kept as written.
    #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct Money {
        /// The amount, as a decimal string.
        pub amount: String,
        /// The ISO 4217 code.
        pub currency: String,
    }

    impl Validate for Money {
        fn validate_at(&self, at: &Path<'_>, errors: &mut Errors) {
            if self.currency.len() != 3 {
                errors.push(&at.key("currency"), "a currency code has three letters");
            }
        }
    }
}
