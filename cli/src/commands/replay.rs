//! `eventbind replay`: re-runs deliveries kept by `eventbind listen --store`
//! through the current spec (yesterday's unknown events may be typed today),
//! prints one JSON line each, and updates their stored class and state.

use super::listen::{open_store, spec_name, Dynamic};
use crate::oracle::Router;
use crate::{Error, Result};
use eventbind_receive::delivery::Disposition;
use eventbind_receive::receive::{Class, Receiver, Replayed};
use eventbind_receive::store::{Filter, State};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// The store `listen --store` wrote: `sqlite:PATH` or `postgres://...`.
    #[arg(long)]
    store: String,
    /// The spec folder to route with now, e.g. specs/commenda.
    #[arg(long)]
    spec: PathBuf,
    /// Only deliveries of this class (`failed`: whose handling failed).
    #[arg(long, value_enum)]
    class: Option<Which>,
    /// Only deliveries received at or after this RFC 3339 time, e.g. 2026-12-01T00:00:00Z.
    #[arg(long)]
    since: Option<String>,
    /// Only the delivery with this dedup key.
    #[arg(long)]
    id: Option<String>,
    #[command(flatten)]
    files: super::files::Files,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Which {
    Unknown,
    Invalid,
    Failed,
}

#[derive(Serialize)]
struct Line<'a> {
    dedup_key: &'a str,
    /// The class and state stored before the replay.
    was_class: Class,
    was_state: State,
    class: Option<Class>,
    message: Option<&'a str>,
    key: Option<&'a str>,
    valid: bool,
    errors: &'a [eventbind_runtime::PointerError],
    disposition: Disposition,
    reason: &'a str,
    /// The state stored now.
    state: State,
}

/// Exit 0 (whatever the deliveries' outcomes), 2 on a usage, spec or store error.
pub fn run(args: Args) -> Result<i32> {
    if args.store == "memory" {
        return Err(Error::new(
            &args.spec,
            "",
            "replay needs the durable store `listen --store` wrote (sqlite:PATH or postgres://...)",
        ));
    }
    let since = match &args.since {
        Some(text) => Some(
            chrono::DateTime::parse_from_rfc3339(text)
                .map_err(|e| Error::new(&args.spec, "", format!("--since {text}: {e}")))?
                .timestamp_millis(),
        ),
        None => None,
    };
    let (class, state) = match args.class {
        Some(Which::Unknown) => (Some(Class::Unknown), None),
        Some(Which::Invalid) => (Some(Class::Invalid), None),
        Some(Which::Failed) => (None, Some(State::Failed)),
        None => (None, None),
    };
    let filter = Filter {
        class,
        state,
        since,
        key: args.id.clone(),
        limit: None,
    };
    let loaded = eventbind_codegen::load_with(&args.spec, &args.files.load_options())?;
    let router = Router::for_spec(&loaded)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io(&args.spec, e))?;
    let replayed = runtime.block_on(async {
        let store = open_store(&args.store, &args.spec).await?;
        let receiver = Receiver::new(Dynamic { router })
            .store(store)
            .spec_name(spec_name(&args.spec));
        receiver
            .replay(&filter)
            .await
            .map_err(|e| Error::new(&args.spec, "", format!("--store {}: {e}", args.store)))
    })?;
    let mut out = std::io::stdout().lock();
    for one in &replayed {
        let text = serde_json::to_string(&line(one)).unwrap_or_default();
        writeln!(out, "{text}").map_err(|e| Error::io(&args.spec, e))?;
    }
    Ok(0)
}

fn line(replayed: &Replayed) -> Line<'_> {
    let report = &replayed.report;
    let summary = report.summary.as_ref();
    let class = summary.map(|s| s.class);
    let state = match (report.disposition, &report.reason) {
        (_, eventbind_receive::receive::Reason::InFlight) => State::InFlight,
        (Disposition::Acknowledge, _) => State::Handled,
        (Disposition::Reject, _) => State::Dead,
        (Disposition::RetryLater, _) => State::Failed,
    };
    Line {
        dedup_key: &replayed.before.record.dedup_key,
        was_class: replayed.before.record.class,
        was_state: replayed.before.state,
        class,
        message: summary.and_then(|s| s.message.as_deref()),
        key: summary.and_then(|s| s.key.as_deref()),
        valid: class == Some(Class::Typed),
        errors: summary.map(|s| s.errors.as_slice()).unwrap_or_default(),
        disposition: report.disposition,
        reason: report.reason.name(),
        state,
    }
}
