//! `eventbind capture`: run the HTTP receiver until Ctrl-C or SIGTERM.

use crate::capture::{self, NameFrom};
use crate::{Error, Result};
use std::net::SocketAddr;
use std::path::Path;

pub fn run(
    listen: SocketAddr,
    out: &Path,
    name_from: NameFrom,
    max_body: usize,
    keep_secrets: bool,
) -> Result<i32> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(out, "", format!("cannot start the receiver: {e}")))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| Error::new(listen.to_string(), "", format!("cannot listen: {e}")))?;
        let bound = listener.local_addr().unwrap_or(listen);
        // The first line says where deliveries go (tests and scripts wait for it).
        println!("listening on http://{bound}, writing to {}", out.display());
        let config = capture::Config {
            out: out.to_path_buf(),
            name_from,
            max_body,
            keep_secrets,
        };
        let saved = capture::serve(listener, config, capture::shutdown_signal())
            .await
            .map_err(|e| Error::new(out, "", format!("receiver failed: {e}")))?;
        eprintln!("stopped; {saved} deliveries saved");
        Ok(0)
    })
}
