//! The HTTP receiver behind `eventbind capture`: any method, any path; each
//! delivery is written durably, then answered 200.

use super::format::Delivery;
use super::naming::NameFrom;
use super::redact;
use super::store::Store;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::net::TcpListener;

/// Default `--max-body`: 10 MiB, far above any webhook seen in the specs.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    pub out: PathBuf,
    pub name_from: NameFrom,
    /// Bodies longer than this are refused with 413 and not written.
    pub max_body: usize,
    /// Write secret headers and query values as received.
    pub keep_secrets: bool,
}

struct Shared {
    store: Store,
    config: Config,
    saved: AtomicU64,
}

/// Serves on `listener` until `shutdown` completes, then finishes the
/// deliveries in flight (each is written before it is answered) and returns
/// how many were saved.
pub async fn serve<F>(listener: TcpListener, config: Config, shutdown: F) -> io::Result<u64>
where
    F: Future<Output = ()> + Send + 'static,
{
    let shared = Arc::new(Shared {
        store: Store::open(&config.out)?,
        config,
        saved: AtomicU64::new(0),
    });
    let app = axum::Router::new()
        .fallback(receive)
        .with_state(shared.clone());
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(shared.saved.load(Ordering::SeqCst))
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        // If the handler cannot be installed, never complete: the default
        // disposition of the signal still stops the process.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
}

async fn receive(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let method = parts.method.to_string();
    let path = parts.uri.path().to_string();
    let max = shared.config.max_body;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Refuse before reading when the length is announced; chunked bodies are
    // counted while read.
    let too_large = declared.is_some_and(|n| n > max as u64);
    let bytes = match too_large {
        true => Err(ReadError::TooLarge),
        false => read_limited(body, max).await,
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(ReadError::TooLarge) => {
            eprintln!("refused {method} {path}: body over {max} bytes (413)");
            return (StatusCode::PAYLOAD_TOO_LARGE, "body too large\n").into_response();
        }
        Err(ReadError::Broken(error)) => {
            eprintln!("dropped {method} {path}: body not received: {error}");
            return (StatusCode::BAD_REQUEST, "body not received\n").into_response();
        }
    };
    let mut headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            // Header values are bytes; non-UTF-8 ones (rare, and never JSON) are kept lossily.
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_string(), value)
        })
        .collect();
    let event = shared.config.name_from.event_name(&path, &headers, &bytes);
    let mut query = parts.uri.query().map(str::to_string);
    if !shared.config.keep_secrets {
        redact::headers(&mut headers);
        query = query.map(|q| redact::query(&q));
    }
    let delivery = Delivery {
        event,
        received_at: now(),
        method: method.clone(),
        path: path.clone(),
        query,
        headers,
        body: bytes,
    };
    let length = delivery.body.len();
    let writer = shared.clone();
    let saved = tokio::task::spawn_blocking(move || writer.store.save(&delivery)).await;
    match saved {
        Ok(Ok(file)) => {
            shared.saved.fetch_add(1, Ordering::SeqCst);
            println!("saved {} ({method} {path}, {length} bytes)", file.display());
            (StatusCode::OK, "ok\n").into_response()
        }
        // Not written, so not acknowledged: the sender will retry.
        Ok(Err(error)) => {
            eprintln!(
                "could not save {method} {path} in {}: {error}",
                shared.store.dir().display()
            );
            (StatusCode::INTERNAL_SERVER_ERROR, "not saved\n").into_response()
        }
        Err(error) => {
            eprintln!("could not save {method} {path}: {error}");
            (StatusCode::INTERNAL_SERVER_ERROR, "not saved\n").into_response()
        }
    }
}

enum ReadError {
    TooLarge,
    Broken(String),
}

/// Reads the body frame by frame, stopping as soon as it passes `max`.
async fn read_limited(mut body: Body, max: usize) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            None => return Ok(out),
            Some(Err(error)) => return Err(ReadError::Broken(error.to_string())),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    if out.len() + data.len() > max {
                        return Err(ReadError::TooLarge);
                    }
                    out.extend_from_slice(&data);
                }
            }
        }
    }
}

fn now() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
