//! The HTTP server under the receivers, with limits against slow, idle and
//! oversized clients: a header-read timeout (slowloris), an idle keep-alive
//! cut-off, a cap on header bytes and on open connections. A client past a
//! limit loses its connection; the others go on being answered.

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// What one client may hold of the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerLimits {
    /// Time to send a request's headers, from the connection's start or the
    /// end of the previous response (also the idle keep-alive limit).
    pub header_read_timeout: Duration,
    /// Most bytes of request head (request line and headers) buffered.
    pub max_header_bytes: usize,
    /// Most connections open at once; one more is closed on arrival.
    pub max_connections: usize,
    /// Time left for requests in flight once shutdown begins.
    pub shutdown_grace: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_read_timeout: Duration::from_secs(10),
            max_header_bytes: 64 * 1024,
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Serves `router` on a bound listener within `limits` until `shutdown`
/// resolves, then lets requests in flight finish (for at most the grace).
pub async fn serve(
    listener: std::net::TcpListener,
    router: axum::Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192));
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors and the like: wait, then accept again.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            // Over the limit: closed at once, so it holds nothing.
            drop(stream);
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that times out or hangs up is its own business.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    // Requests in hand finish; a connection still busy past the grace is dropped.
    let _ = tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await;
    Ok(())
}
