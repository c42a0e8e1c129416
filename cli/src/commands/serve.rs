//! `eventbind serve --config serve.toml`: the production receiver for every
//! configured vendor (see `crate::serve`); `--check` validates the config
//! (specs load, secrets' variables set, store reachable) and exits 0 or 1.

use crate::serve::config::Problem;
use crate::serve::http::Counted;
use crate::serve::metrics::Metrics;
use crate::serve::pipeline::{Enqueue, Forwarding};
use crate::serve::routes::{AnyVerify, Plan, Transport};
use crate::{Error, Result};
use eventbind_receive::receive::{Process, Receiver};
use eventbind_receive::serve::Serve;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

#[derive(clap::Args)]
pub struct Args {
    /// The config file (TOML).
    #[arg(long)]
    config: PathBuf,
    /// Validate the config and exit: 0 when it is good, 1 printing each
    /// problem as FILE:LINE:COLUMN: KEY: MESSAGE.
    #[arg(long)]
    check: bool,
    /// Log lines as `text` or `json`.
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

fn report(problems: &[Problem]) -> i32 {
    for problem in problems {
        eprintln!("error: {problem}");
    }
    1
}

/// Exit 0 after SIGTERM (or a good `--check`), 1 on a bad config, 2 when
/// the socket cannot be bound.
pub fn run(args: Args) -> Result<i32> {
    let subscriber = tracing_subscriber::fmt().with_writer(std::io::stderr);
    // A second init (tests calling `run` twice in one process) keeps the first.
    let _ = match args.log_format {
        LogFormat::Json => subscriber.json().try_init(),
        LogFormat::Text => subscriber.try_init(),
    };
    let (source, config, url, mut plans, sinks) = match crate::serve::load(&args.config) {
        Ok(loaded) => loaded,
        Err(problems) => return Ok(report(&problems)),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io(&args.config, e))?;
    runtime.block_on(async move {
        // An unreachable store stops here, before anything is received.
        let opened = async {
            let store = eventbind_receive::store::open(&url).await?;
            let outbox = eventbind_receive::store::open_outbox(&url).await?;
            Ok::<_, eventbind_receive::store::StoreError>((store, outbox))
        }
        .await;
        let (store, outbox) = match opened {
            Ok(opened) => opened,
            Err(error) => {
                let (span, key) = match (&config.store.url, &config.store.url_env) {
                    (Some(u), _) => (u.span(), "store.url"),
                    (_, Some(v)) => (v.span(), "store.url_env"),
                    _ => (0..0, "store"),
                };
                let problem = source.problem(span, key, error.to_string());
                return Ok(report(&[problem]));
            }
        };
        if args.check {
            eprintln!(
                "eventbind serve: {} is good: {} route(s), {} sink(s)",
                args.config.display(),
                plans.len(),
                sinks.len()
            );
            return Ok(0);
        }
        let lease = Duration::from_secs(config.store.lease_seconds.max(1));
        let metrics = Arc::new(Metrics::default());
        let wake = Arc::new(Notify::new());
        let enqueue = Enqueue {
            outbox: Arc::clone(&outbox),
            sinks: Arc::new(sinks.iter().map(|s| s.name.clone()).collect()),
            wake: Arc::clone(&wake),
        };
        let infos = Arc::new(crate::serve::route_infos(&plans));
        let (stop, stopped) = watch::channel(false);
        let routers: Vec<_> = plans.iter_mut().map(|p| p.router.take()).collect();
        let mut handlers = HashMap::new();
        let mut processes: Vec<(&Plan, Arc<dyn Process>)> = Vec::new();
        for (plan, router) in plans.iter().zip(routers) {
            let Some(router) = router else { continue };
            let handler = Arc::new(Forwarding {
                route: plan.name.clone(),
                router,
                forward_invalid: plan.forward_invalid,
                enqueue: enqueue.clone(),
                metrics: Arc::clone(&metrics),
            });
            handlers.insert(plan.name.clone(), Arc::clone(&handler));
            let mut receiver = Receiver::new(crate::serve::pipeline::Shared(handler))
                .dedup(plan.dedup.clone())
                .store(Arc::clone(&store))
                .lease(lease)
                .body_hash(plan.hash.clone())
                .spec_name(plan.name.clone())
                .verify(AnyVerify(Arc::clone(&plan.verifier)));
            if !plan.test_headers.is_empty() {
                let names = plan.test_headers.clone();
                receiver = receiver.test_delivery(move |h| names.iter().any(|n| h.is_true(n)));
            }
            let counted = Counted {
                inner: receiver,
                route: plan.name.clone(),
                success: plan.success,
                http: matches!(plan.transport, Transport::Http(_)),
                metrics: Arc::clone(&metrics),
            };
            processes.push((plan, Arc::new(counted)));
        }
        let mut serve = Serve::new();
        for (plan, process) in &processes {
            #[cfg(not(feature = "sqs"))]
            if let Transport::Sqs { .. } = &plan.transport {
                let _ = process;
                return Err(Error::new(
                    &args.config,
                    "",
                    format!(
                        "route {}: sqs_queue_url: this eventbind was built without the `sqs` feature",
                        plan.name
                    ),
                ));
            }
            #[cfg(feature = "sqs")]
            if let Transport::Sqs {
                queue_url,
                region,
                endpoint,
            } = &plan.transport
            {
                let (id, secret) = crate::serve::credentials(endpoint.is_some());
                let client =
                    eventbind_receive::sqs::client(region, endpoint.as_deref(), &id, &secret);
                serve = serve.sqs(eventbind_receive::sqs::SqsConsumer::shared(
                    client,
                    queue_url,
                    Arc::clone(process),
                ));
                eprintln!("eventbind serve: route {} on sqs {queue_url}", plan.name);
            }
        }
        if plans
            .iter()
            .any(|p| matches!(p.transport, Transport::Http(_)))
        {
            let addr = config.server.addr.get_ref();
            let listener = std::net::TcpListener::bind(addr.as_str())
                .map_err(|e| Error::new(&args.config, "", format!("server.addr {addr}: {e}")))?;
            let bound = listener
                .local_addr()
                .map_err(|e| Error::io(&args.config, e))?;
            let router = crate::serve::http::router(
                processes.clone(),
                Arc::clone(&store),
                Arc::clone(&metrics),
                Duration::from_secs(config.server.read_timeout_seconds.max(1)),
            );
            serve = serve.http(listener, router);
            eprintln!("eventbind serve: http://{bound}");
        }
        let mut background = tokio::task::JoinSet::new();
        for forwarder in
            crate::serve::forwarders(sinks, &outbox, &store, &infos, lease, &wake, &metrics)
        {
            background.spawn(forwarder.run(stopped.clone()));
        }
        background.spawn(crate::serve::pipeline::recover(
            Arc::clone(&store),
            Arc::new(handlers),
            lease,
            stopped.clone(),
        ));
        eprintln!("eventbind serve: ready");
        let served = serve.run(eventbind_receive::serve::signal()).await;
        // Receiving has stopped and what was in hand is answered; the
        // forwarders finish their batch in hand (what is left stays in the outbox).
        let _ = stop.send(true);
        let drained = tokio::time::timeout(Duration::from_secs(20), async {
            while background.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("eventbind serve: forwarders did not stop in time; their rows stay due");
        }
        served.map_err(|e| Error::io(&args.config, e))?;
        eprintln!("eventbind serve: stopped");
        Ok(0)
    })
}
