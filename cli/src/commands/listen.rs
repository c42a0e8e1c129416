//! `eventbind listen`: a development receiver. Real deliveries (HTTP, and an
//! SQS queue if given) go through the runtime's receiving pipeline
//! (verification, test deliveries, dedup, status codes) with the run-time
//! router of `eventbind route` in place of generated code, and each one is
//! printed as a JSON line. With `--store` every accepted delivery is kept
//! durably (SQLite or PostgreSQL) before it is answered; see `replay`.

use crate::oracle::Router;
use crate::{Error, Result};
use eventbind_receive::delivery::{BoxFuture, Delivery, Disposition};
use eventbind_receive::http::{status_for, HttpReceiver, StatusCode};
use eventbind_receive::idempotency::{BodyHash, DedupKeys};
use eventbind_receive::receive::{Class, Context, Handle, Process, Receiver, Report, Summary};
use eventbind_receive::serve::Serve;
use eventbind_receive::store::Store;
use eventbind_receive::verify::{Encoding, HmacSha256};
use eventbind_runtime::ErrorKind;
use serde::Serialize;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// A spec folder, e.g. specs/commenda.
    #[arg(long)]
    spec: PathBuf,
    /// Address to receive HTTP deliveries on, e.g. 127.0.0.1:8080 (port 0: any free port).
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// Route path in axum syntax; a `{event}` segment names the event (Avaza: /hooks/{event}).
    #[arg(long, default_value = "/")]
    path: String,
    /// HMAC-SHA256 secret; repeat for rotation (any one verifies). Without it nothing is verified.
    #[arg(long = "hmac-secret")]
    hmac_secrets: Vec<String>,
    /// Signature header; defaults to the spec's `x-eventbind-signature` header.
    #[arg(long)]
    hmac_header: Option<String>,
    /// How the signature is encoded.
    #[arg(long, value_enum, default_value = "auto")]
    hmac_encoding: HmacEncoding,
    /// A prefix before the signature, e.g. `sha256=`.
    #[arg(long)]
    hmac_prefix: Option<String>,
    /// A header that marks test deliveries when `true` (acknowledged, no handler); repeatable.
    #[arg(long = "test-header")]
    test_headers: Vec<String>,
    /// A header holding the dedup key, tried first; repeatable.
    #[arg(long = "dedup-header")]
    dedup_headers: Vec<String>,
    /// A JSON Pointer to a string holding the dedup key, tried next; repeatable.
    #[arg(long = "dedup-field")]
    dedup_fields: Vec<String>,
    /// Status answered for acknowledged deliveries.
    #[arg(long, default_value_t = 200)]
    success_status: u16,
    /// An SQS queue to consume as well (or instead).
    #[arg(long)]
    sqs_queue_url: Option<String>,
    /// The SQS endpoint, e.g. a local SQS-compatible server; AWS when absent.
    #[arg(long)]
    sqs_endpoint: Option<String>,
    #[arg(long, default_value = "us-east-1")]
    sqs_region: String,
    /// Where deliveries are kept: `sqlite:PATH`, `postgres://...`, or `memory` (the default:
    /// nothing survives the process).
    #[arg(long, default_value = "memory")]
    store: String,
    /// Seconds a delivery's claim holds while it is handled (another replica may take it over after).
    #[arg(long, default_value_t = 60)]
    lease: u64,
    /// A JSON Pointer left out of the body hash (a field that varies per retry, e.g.
    /// /retryAttempt); repeatable.
    #[arg(long = "hash-ignore")]
    hash_ignore: Vec<String>,
    #[command(flatten)]
    files: super::files::Files,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum HmacEncoding {
    Hex,
    Base64,
    Auto,
}

/// Runs until Ctrl-C or SIGTERM; exit 0 then, 2 on a usage, spec, store or socket error.
pub fn run(args: Args) -> Result<i32> {
    if args.addr.is_none() && args.sqs_queue_url.is_none() {
        return Err(Error::new(
            &args.spec,
            "",
            "give --addr, --sqs-queue-url, or both",
        ));
    }
    let loaded = eventbind_codegen::load_with(&args.spec, &args.files.load_options())?;
    let router = Router::for_spec(&loaded)?;
    let hmac = hmac(&args, &loaded)?;
    let success = axum_status(args.success_status, &args.spec)?;
    // The store's connections live on this runtime, so everything runs on it.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io(&args.spec, e))?;
    runtime.block_on(async move {
        // An unreachable or misconfigured store stops here, before anything
        // is received: never a quiet fall-back to memory.
        let store = open_store(&args.store, &args.spec).await?;
        let mut receiver = Receiver::new(Dynamic { router })
            .dedup(dedup_keys(&args))
            .store(store)
            .lease(Duration::from_secs(args.lease.max(1)))
            .body_hash(
                args.hash_ignore
                    .iter()
                    .fold(BodyHash::new(), |h, p| h.ignore(p)),
            )
            .spec_name(spec_name(&args.spec));
        if let Some(hmac) = hmac {
            receiver = receiver.verify(hmac);
        }
        if !args.test_headers.is_empty() {
            let names = args.test_headers.clone();
            receiver =
                receiver.test_delivery(move |headers| names.iter().any(|n| headers.is_true(n)));
        }
        serve(&args, Arc::new(receiver), success)?
            .run(eventbind_receive::serve::signal())
            .await
            .map_err(|e| Error::io(&args.spec, e))
    })?;
    Ok(0)
}

/// The HTTP listener and SQS consumer asked for, on one pipeline, so a
/// delivery seen on one is a duplicate on the other.
fn serve(args: &Args, pipeline: Arc<Receiver<Dynamic>>, success: StatusCode) -> Result<Serve> {
    let mut serve = Serve::new();
    if let Some(addr) = args.addr {
        let listener = std::net::TcpListener::bind(addr).map_err(|e| Error::io(&args.spec, e))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::io(&args.spec, e))?;
        let printing = Printing {
            inner: Arc::clone(&pipeline),
            transport: "http",
            success,
        };
        let router = HttpReceiver::new(printing)
            .path(&args.path)
            .success_status(success)
            .into_router();
        serve = serve.http(listener, router);
        eprintln!("eventbind listen: http://{bound}{}", args.path);
    }
    #[cfg(not(feature = "sqs"))]
    if args.sqs_queue_url.is_some() {
        return Err(Error::new(&args.spec, "", WITHOUT_SQS));
    }
    #[cfg(feature = "sqs")]
    if let Some(queue_url) = &args.sqs_queue_url {
        let (key, secret) = sqs_credentials(args)?;
        let client = eventbind_receive::sqs::client(
            &args.sqs_region,
            args.sqs_endpoint.as_deref(),
            &key,
            &secret,
        );
        let printing = Printing {
            inner: Arc::clone(&pipeline),
            transport: "sqs",
            success,
        };
        serve = serve.sqs(eventbind_receive::sqs::SqsConsumer::new(
            client, queue_url, printing,
        ));
        eprintln!("eventbind listen: sqs {queue_url}");
    }
    Ok(serve)
}

/// Opens `--store`, naming the flag in the error.
pub(crate) async fn open_store(url: &str, spec: &Path) -> Result<Arc<dyn Store>> {
    eventbind_receive::store::open(url)
        .await
        .map_err(|e| Error::new(spec, "", format!("--store {url}: {e}")))
}

/// The spec folder's name, written into each record.
pub(crate) fn spec_name(spec: &Path) -> String {
    spec.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn axum_status(code: u16, spec: &Path) -> Result<StatusCode> {
    StatusCode::from_u16(code)
        .ok()
        .filter(|s| s.is_success())
        .ok_or_else(|| {
            Error::new(
                spec,
                "",
                format!("--success-status {code} is not a 2xx status"),
            )
        })
}

fn dedup_keys(args: &Args) -> DedupKeys {
    let keys = args
        .dedup_headers
        .iter()
        .fold(DedupKeys::new(), |k, h| k.header(h));
    let keys = args.dedup_fields.iter().fold(keys, |k, f| k.field(f));
    keys.transport_id()
}

/// The HMAC check, when secrets are given; the header defaults to the one the
/// spec's security schemes name for a signature.
fn hmac(args: &Args, loaded: &eventbind_codegen::Loaded) -> Result<Option<HmacSha256>> {
    let Some((first, rest)) = args.hmac_secrets.split_first() else {
        return Ok(None);
    };
    let from_spec = || {
        loaded.catalog.security_schemes.iter().find_map(|scheme| {
            let signature = scheme.signature.as_ref()?;
            signature
                .get("header")
                .and_then(|h| h.as_str())
                .map(str::to_owned)
                .or_else(|| scheme.parameter.clone())
        })
    };
    let header = args.hmac_header.clone().or_else(from_spec).ok_or_else(|| {
        Error::new(
            &loaded.root,
            "/components/securitySchemes",
            "no security scheme names a signature header; give --hmac-header",
        )
    })?;
    let mut hmac = rest
        .iter()
        .fold(HmacSha256::new(header, first), |h, s| h.secret(s))
        .encoding(match args.hmac_encoding {
            HmacEncoding::Hex => Encoding::Hex,
            HmacEncoding::Base64 => Encoding::Base64,
            HmacEncoding::Auto => Encoding::Auto,
        });
    if let Some(prefix) = &args.hmac_prefix {
        hmac = hmac.prefix(prefix);
    }
    Ok(Some(hmac))
}

/// Why `--sqs-queue-url` cannot be served by this build.
#[cfg(not(feature = "sqs"))]
const WITHOUT_SQS: &str = "--sqs-queue-url: this eventbind was built without the `sqs` feature";

/// Static credentials from the environment; a local endpoint accepts any.
#[cfg(feature = "sqs")]
fn sqs_credentials(args: &Args) -> Result<(String, String)> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (Some(key), Some(secret)) => Ok((key, secret)),
        _ if args.sqs_endpoint.is_some() => Ok(("test".to_owned(), "test".to_owned())),
        _ => Err(Error::new(
            &args.spec,
            "",
            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to consume from AWS",
        )),
    }
}

/// The run-time router as the pipeline's handler: valid and unknown events are
/// acknowledged (the printed line keeps an unknown one), invalid ones rejected.
pub(crate) struct Dynamic {
    pub(crate) router: Router,
}

impl Handle for Dynamic {
    type Routed = Class;

    fn route(&self, delivery: &Delivery) -> (Class, Summary) {
        let routed = self.router.route(delivery.name.as_deref(), &delivery.body);
        let class = if routed.valid {
            Class::Typed
        } else if routed.kind == Some(ErrorKind::UnknownEvent) && routed.key.is_some() {
            // A routing key no message has: unknown, not invalid.
            Class::Unknown
        } else {
            Class::Invalid
        };
        let summary = Summary {
            class,
            message: routed.message,
            key: routed.key,
            kind: if class == Class::Invalid {
                routed.kind
            } else {
                None
            },
            errors: if class == Class::Invalid {
                routed.errors
            } else {
                Vec::new()
            },
        };
        (class, summary)
    }

    fn handle(&self, class: Class, _: Context) -> BoxFuture<'_, Disposition> {
        Box::pin(async move {
            match class {
                Class::Typed | Class::Unknown => Disposition::Acknowledge,
                Class::Invalid => Disposition::Reject,
            }
        })
    }
}

/// Prints one JSON line per delivery after the pipeline has answered.
struct Printing<P> {
    inner: P,
    transport: &'static str,
    success: StatusCode,
}

#[derive(Serialize)]
struct Line<'a> {
    transport: &'a str,
    name: Option<&'a str>,
    message: Option<&'a str>,
    key: Option<&'a str>,
    class: Option<Class>,
    valid: bool,
    errors: &'a [eventbind_runtime::PointerError],
    dedup_key: Option<&'a str>,
    disposition: Disposition,
    reason: &'a str,
    detail: Option<String>,
    /// The HTTP status answered (none for a queue message).
    status: Option<u16>,
    /// An unknown event's body, so it is not lost from view.
    raw: Option<&'a str>,
}

impl<P: Process> Process for Printing<P> {
    fn process(&self, delivery: Delivery) -> BoxFuture<'_, Report> {
        Box::pin(async move {
            let name = delivery.name.clone();
            let body = delivery.body.clone();
            let report = self.inner.process(delivery).await;
            let summary = report.summary.as_ref();
            let class = summary.map(|s| s.class);
            let line = Line {
                transport: self.transport,
                name: name.as_deref(),
                message: summary.and_then(|s| s.message.as_deref()),
                key: summary.and_then(|s| s.key.as_deref()),
                class,
                valid: class == Some(Class::Typed),
                errors: summary.map(|s| s.errors.as_slice()).unwrap_or_default(),
                dedup_key: report.dedup_key.as_deref(),
                disposition: report.disposition,
                reason: report.reason.name(),
                detail: match &report.reason {
                    eventbind_receive::receive::Reason::Unverified(e) => Some(e.to_string()),
                    eventbind_receive::receive::Reason::Store(e) => Some(e.clone()),
                    _ => None,
                },
                status: (self.transport == "http")
                    .then(|| status_for(&report, self.success).as_u16()),
                raw: (class == Some(Class::Unknown))
                    .then(|| std::str::from_utf8(&body).ok())
                    .flatten(),
            };
            if let Ok(text) = serde_json::to_string(&line) {
                let mut out = std::io::stdout().lock();
                // A closed stdout must not stop deliveries from being answered.
                let _ = writeln!(out, "{text}").and_then(|()| out.flush());
            }
            report
        })
    }
}
