//! Running receivers side by side until a shutdown signal, then letting the
//! deliveries in hand finish: what a small service's `main` (and `eventbind
//! listen`) needs, without naming tokio itself.

use std::future::Future;
use std::io;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// HTTP listeners and SQS consumers to run together.
#[derive(Default)]
pub struct Serve {
    #[cfg(feature = "http")]
    http: Vec<(std::net::TcpListener, axum::Router)>,
    #[cfg(feature = "sqs")]
    sqs: Vec<crate::sqs::SqsConsumer>,
}

impl Serve {
    /// Nothing to run yet.
    pub fn new() -> Self {
        Serve::default()
    }

    /// Serves `router` (e.g. [`HttpReceiver::into_router`](crate::http::HttpReceiver::into_router))
    /// on a bound listener; binding first lets the caller learn the port.
    #[cfg(feature = "http")]
    pub fn http(mut self, listener: std::net::TcpListener, router: axum::Router) -> Self {
        self.http.push((listener, router));
        self
    }

    /// Runs `consumer` as well.
    #[cfg(feature = "sqs")]
    pub fn sqs(mut self, consumer: crate::sqs::SqsConsumer) -> Self {
        self.sqs.push(consumer);
        self
    }

    /// Runs everything until `shutdown` resolves or one part fails; then
    /// every part stops taking new deliveries and finishes those in hand.
    /// The first failure is returned.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let wait = move || {
            let mut stopped = stopped.clone();
            async move {
                // An error means the sender is gone: stop as well.
                let _ = stopped.wait_for(|stop| *stop).await;
            }
        };
        let mut parts: JoinSet<io::Result<()>> = JoinSet::new();
        #[cfg(feature = "http")]
        for (listener, router) in self.http {
            parts.spawn(crate::http::serve(listener, router, wait()));
        }
        #[cfg(feature = "sqs")]
        for consumer in self.sqs {
            let stop = wait();
            parts.spawn(async move {
                consumer.run(stop).await;
                Ok(())
            });
        }
        let trigger = stop.clone();
        let signal = tokio::spawn(async move {
            shutdown.await;
            let _ = trigger.send(true);
        });
        let mut first_error = None;
        while let Some(done) = parts.join_next().await {
            let result = done.map_err(io::Error::other).and_then(|r| r);
            if let Err(error) = result {
                let _ = stop.send(true);
                first_error.get_or_insert(error);
            }
        }
        signal.abort();
        first_error.map_or(Ok(()), Err)
    }

    /// [`Serve::run`] on a new multi-threaded runtime, until Ctrl-C or
    /// SIGTERM.
    pub fn run_until_signal(self) -> io::Result<()> {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(self.run(signal()))
    }
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what a container runtime
/// sends). If no handler can be installed it never resolves rather than
/// stopping at once.
pub async fn signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}
