//! `eventbind serve`: one production receiver for every vendor, from one
//! config file (see [`config`]). Each delivery is verified, routed and
//! validated against its spec, stored durably with an outbox row per sink,
//! answered, and then forwarded as a CloudEvent by one forwarder per sink
//! that reads the store, so a sink that is down delays events and loses
//! none.

pub mod cloudevents;
pub mod config;
pub mod forward;
pub mod http;
pub mod metrics;
pub mod pipeline;
pub mod routes;
pub mod sinks;

use config::{Config, Problem, SinkKind, Source};
use forward::{Backoff, Forwarder, RouteInfo};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// A sink, ready to run.
pub struct SinkPlan {
    /// Its name.
    pub name: String,
    /// It.
    pub sink: Arc<dyn sinks::Sink>,
    /// Retries.
    pub backoff: Backoff,
    /// Events in flight at once.
    pub concurrency: usize,
}

/// Builds every sink, or every problem.
pub fn sink_plans(source: &Source, config: &Config) -> Result<Vec<SinkPlan>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut plans = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (i, spanned) in config.sinks.iter().enumerate() {
        let key = format!("sink[{}]", i + 1);
        let sink = spanned.get_ref();
        let name = sink.name.as_ref().map_or_else(
            || {
                format!(
                    "{}-{}",
                    format!("{:?}", sink.kind).to_ascii_lowercase(),
                    i + 1
                )
            },
            |n| n.get_ref().clone(),
        );
        if !names.insert(name.clone()) {
            problems.push(source.problem(
                spanned.span(),
                &format!("{key}.name"),
                format!("sink `{name}` is named twice"),
            ));
        }
        let need =
            |field: &Option<toml::Spanned<String>>, what: &str, problems: &mut Vec<Problem>| {
                let value = field.as_ref().map(|f| f.get_ref().clone());
                if value.is_none() {
                    problems.push(source.problem(
                        spanned.span(),
                        &format!("{key}.{what}"),
                        format!("a {:?} sink needs `{what}`", sink.kind).to_lowercase(),
                    ));
                }
                value
            };
        let built: Option<Arc<dyn sinks::Sink>> = match sink.kind {
            SinkKind::Http => need(&sink.url, "url", &mut problems).map(|url| {
                Arc::new(sinks::http::HttpSink::new(
                    &url,
                    sink.mode,
                    Duration::from_millis(sink.timeout_ms),
                )) as Arc<dyn sinks::Sink>
            }),
            SinkKind::Jsonl => need(&sink.path, "path", &mut problems).map(|path| {
                let file = (path != "-").then(|| source.dir().join(path));
                Arc::new(sinks::jsonl::JsonlSink::new(file)) as Arc<dyn sinks::Sink>
            }),
            #[cfg(not(feature = "sqs"))]
            SinkKind::Sqs => {
                problems.push(source.problem(
                    spanned.span(),
                    &key,
                    "an `sqs` sink needs an eventbind built with the `sqs` feature",
                ));
                None
            }
            #[cfg(feature = "sqs")]
            SinkKind::Sqs => need(&sink.queue_url, "queue_url", &mut problems).map(|queue| {
                let region = sink
                    .region
                    .clone()
                    .or_else(|| env("AWS_REGION"))
                    .unwrap_or_else(|| "us-east-1".into());
                let endpoint = sink
                    .endpoint
                    .clone()
                    .or_else(|| env("AWS_ENDPOINT_URL_SQS"));
                let (id, secret) = credentials(endpoint.is_some());
                let client =
                    eventbind_receive::sqs::client(&region, endpoint.as_deref(), &id, &secret);
                Arc::new(sinks::sqs::SqsSink::new(client, &queue)) as Arc<dyn sinks::Sink>
            }),
        };
        if sink.max_attempts == 0 {
            problems.push(source.problem(
                spanned.span(),
                &format!("{key}.max_attempts"),
                "at least 1",
            ));
        }
        if let Some(sink_impl) = built {
            plans.push(SinkPlan {
                name,
                sink: sink_impl,
                backoff: Backoff {
                    max_attempts: sink.max_attempts.max(1),
                    initial: Duration::from_millis(sink.backoff_initial_ms.max(1)),
                    max: Duration::from_millis(
                        sink.backoff_max_ms.max(sink.backoff_initial_ms).max(1),
                    ),
                },
                concurrency: sink.concurrency.clamp(1, 256),
            });
        }
    }
    if problems.is_empty() {
        Ok(plans)
    } else {
        Err(problems)
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Static credentials from the environment; a local endpoint accepts any.
#[cfg(feature = "sqs")]
pub fn credentials(local: bool) -> (String, String) {
    match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => (id, secret),
        _ if local => ("test".into(), "test".into()),
        _ => (String::new(), String::new()),
    }
}

/// The store URL (from `url` or `url_env`), a relative SQLite path made
/// relative to the config file.
pub fn store_url(source: &Source, config: &Config) -> Result<String, Problem> {
    let url = match (&config.store.url, &config.store.url_env) {
        (Some(url), None) => url.get_ref().clone(),
        (None, Some(var)) => env(var.get_ref()).ok_or_else(|| {
            source.problem(
                var.span(),
                "store.url_env",
                format!("environment variable {} is not set", var.get_ref()),
            )
        })?,
        _ => return Err(source.problem(0..0, "store", "give exactly one of `url` and `url_env`")),
    };
    Ok(
        match url
            .strip_prefix("sqlite:")
            .map(|p| p.trim_start_matches("//"))
        {
            Some(path) if !Path::new(path).is_absolute() => {
                format!("sqlite:{}", source.dir().join(path).display())
            }
            _ => url,
        },
    )
}

/// Everything `--check` checks: the file, the routes, the sinks; the store
/// is opened by the caller.
#[allow(clippy::type_complexity)]
pub fn load(
    file: &Path,
) -> Result<(Source, Config, String, Vec<routes::Plan>, Vec<SinkPlan>), Vec<Problem>> {
    let (source, config) = config::read(file).map_err(|p| vec![p])?;
    let mut problems = Vec::new();
    let url = store_url(&source, &config)
        .map_err(|p| problems.push(p))
        .ok();
    if !config
        .routes
        .iter()
        .any(|r| r.get_ref().sqs_queue_url.is_some())
        && !config.routes.iter().any(|r| r.get_ref().path.is_some())
    {
        problems.push(source.problem(0..0, "route", "no route has a `path` or an `sqs_queue_url`"));
    }
    if config
        .server
        .addr
        .get_ref()
        .parse::<std::net::SocketAddr>()
        .is_err()
    {
        problems.push(source.problem(
            config.server.addr.span(),
            "server.addr",
            "not an address like 127.0.0.1:8080",
        ));
    }
    let plans = routes::plans(&source, &config)
        .map_err(|mut p| problems.append(&mut p))
        .ok();
    let sinks = sink_plans(&source, &config)
        .map_err(|mut p| problems.append(&mut p))
        .ok();
    match (url, plans, sinks, problems.is_empty()) {
        (Some(url), Some(plans), Some(sinks), true) => Ok((source, config, url, plans, sinks)),
        _ => Err(problems),
    }
}

/// The routes' CloudEvents facts, by route name.
pub fn route_infos(plans: &[routes::Plan]) -> HashMap<String, RouteInfo> {
    plans
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                RouteInfo {
                    spec: p.spec.clone(),
                    schemas: p.schemas.clone(),
                },
            )
        })
        .collect()
}

/// The forwarders for `sinks`.
pub fn forwarders(
    sinks: Vec<SinkPlan>,
    outbox: &Arc<dyn eventbind_receive::store::outbox::Outbox>,
    store: &Arc<dyn eventbind_receive::store::Store>,
    routes: &Arc<HashMap<String, RouteInfo>>,
    lease: Duration,
    wake: &Arc<tokio::sync::Notify>,
    metrics: &Arc<metrics::Metrics>,
) -> Vec<Forwarder> {
    sinks
        .into_iter()
        .map(|s| Forwarder {
            name: s.name,
            sink: s.sink,
            outbox: Arc::clone(outbox),
            store: Arc::clone(store),
            routes: Arc::clone(routes),
            backoff: s.backoff,
            batch: s.concurrency,
            lease,
            wake: Arc::clone(wake),
            metrics: Arc::clone(metrics),
        })
        .collect()
}
