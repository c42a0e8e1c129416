//! Capturing real deliveries: an HTTP receiver that writes each one as a
//! capture file (`eventbind capture`), and reading those files back for
//! [`infer`](crate::infer) and [`drift`](crate::drift).

pub mod format;
pub mod naming;
pub mod payload;
pub mod redact;
pub mod server;
mod store;

pub use format::{CaptureFile, Delivery};
pub use naming::NameFrom;
pub use payload::{json_files, PayloadFile};
pub use server::{serve, shutdown_signal, Config};
pub use store::Store;
