//! The four vendor specs' bindings, generated in place by `import!` (no
//! build script): the tests compare them with the generated crates.

/// Commenda, from `specs/commenda`.
pub mod commenda {
    eventbind_import::import!("../../specs/commenda");
}

/// Vertex Notification Service, from `specs/vertex`.
pub mod vertex {
    eventbind_import::import!("../../specs/vertex");
}

/// Avaza, from `specs/avaza`.
pub mod avaza {
    eventbind_import::import!("../../specs/avaza");
}

/// Avalara CertCapture, from `specs/avalara-certcapture`.
pub mod avalara_certcapture {
    eventbind_import::import!("../../specs/avalara-certcapture");
}
