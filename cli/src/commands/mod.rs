//! The commands: thin front ends over the library crates.

mod capture;
mod check;
mod diff;
mod docs;
mod drift;
mod files;
mod generate;
mod infer;
mod ir;
mod lint;
mod listen;
mod replay;
mod route;
mod schema;
mod serve;

use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "eventbind",
    version,
    about = "Typed, validated, routable bindings from event specs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate every vendor crate from the spec folders.
    Generate {
        /// Folder holding one spec folder per vendor.
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        /// Generate one crate from this spec folder or document (AsyncAPI or
        /// plain JSON Schema) into `--out` itself, instead of every vendor.
        #[arg(long, conflicts_with = "specs")]
        spec: Option<PathBuf>,
        /// Folder the crates are written to, one per vendor (with `--spec`: the crate's folder).
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// How generated crates name eventbind-runtime: `version=0.1` (the
        /// default: this release), `path=../runtime` or `git=URL`.
        #[arg(long, default_value_t = eventbind_codegen::RuntimeSource::default())]
        runtime: eventbind_codegen::RuntimeSource,
        #[command(flatten)]
        files: files::Files,
    },
    /// Exit 1 naming each generated file that is stale or missing.
    Check {
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        #[arg(long, default_value = "generated")]
        out: PathBuf,
        /// As `generate --runtime`: what the generated manifests must say.
        #[arg(long, default_value_t = eventbind_codegen::RuntimeSource::default())]
        runtime: eventbind_codegen::RuntimeSource,
        #[command(flatten)]
        files: files::Files,
    },
    /// Route payload files through a spec; one JSON line per file.
    Route {
        /// A spec folder, e.g. specs/commenda.
        #[arg(long)]
        spec: PathBuf,
        /// The event name, for specs whose events are named from outside the body.
        #[arg(long)]
        message: Option<String>,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        reading: files::Files,
    },
    /// Check an AsyncAPI document against the official JSON Schema of its
    /// version and eventbind's rules; each finding names the file, the JSON
    /// Pointer and what to do. Exit 1 on errors.
    Lint {
        /// The document, or a spec folder holding asyncapi.yaml.
        spec: PathBuf,
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        files: files::Files,
    },
    /// Print the intermediate model of a spec as JSON.
    Ir {
        #[arg(long)]
        spec: PathBuf,
        #[command(flatten)]
        files: files::Files,
    },
    /// Print a spec's JSON Schema (draft-07): the bundle of every message and
    /// type, or one message's payload schema.
    Schema {
        /// A spec folder, e.g. specs/commenda.
        #[arg(long)]
        spec: PathBuf,
        /// The message whose payload schema to print.
        #[arg(long)]
        message: Option<String>,
        #[command(flatten)]
        files: files::Files,
    },
    /// Write a spec's docs (EVENTS.md and a self-contained index.html) to a folder.
    Docs {
        /// A spec folder, e.g. specs/commenda.
        #[arg(long)]
        spec: PathBuf,
        /// The folder to write them to.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        files: files::Files,
    },
    /// Receive HTTP deliveries (any method, any path) and write each as a
    /// capture file, answering 200 once it is on disk; stops on Ctrl-C.
    Capture {
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0: any free port).
        #[arg(long)]
        listen: std::net::SocketAddr,
        /// Folder the capture files go to, e.g. specs/avaza/captures.
        #[arg(long)]
        out: PathBuf,
        /// Where the event name comes from: `path` (last segment),
        /// `header:NAME` or `field:/json/pointer`.
        #[arg(long, default_value = "path")]
        name_from: crate::capture::NameFrom,
        /// Refuse longer bodies with 413.
        #[arg(long, default_value_t = crate::capture::server::DEFAULT_MAX_BODY)]
        max_body: usize,
        /// Write Authorization, Cookie, signature, secret and token values as received.
        #[arg(long)]
        keep_secrets: bool,
    },
    /// Infer a draft-07 JSON Schema from payloads (raw JSON or capture files).
    Infer {
        /// Files, or folders of *.json files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Title of the schema.
        #[arg(long)]
        name: Option<String>,
        /// Fewest strings seen at a place before an enum is inferred (0: never);
        /// each value must also occur at least twice.
        #[arg(long, default_value_t = crate::infer::Options::default().enum_threshold)]
        enum_threshold: u64,
        /// Most distinct values an inferred enum may have.
        #[arg(long, default_value_t = crate::infer::Options::default().enum_max)]
        enum_max: usize,
        /// Close every object (`additionalProperties: false`).
        #[arg(long)]
        closed: bool,
    },
    /// Report drift between a spec and payloads: failures, undeclared and
    /// never-seen fields, values outside enums. Exit 1 on invalid payloads or
    /// unknown events.
    Drift {
        /// A spec folder, e.g. specs/avaza.
        #[arg(long)]
        spec: PathBuf,
        /// The event name of every payload, for specs whose events are named from outside the body.
        #[arg(long)]
        message: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Files, or folders of *.json files.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        files: files::Files,
    },
    /// Receive real deliveries (HTTP, SQS): verify, dedup and route them
    /// through a spec, print one JSON line each; stops on Ctrl-C.
    Listen(Box<listen::Args>),
    /// Re-run deliveries kept by `listen --store` through the current spec
    /// (unknown events may be typed now); one JSON line each; their stored
    /// class and state are updated.
    Replay(Box<replay::Args>),
    /// The production receiver: every vendor of a config file (TOML) over
    /// HTTP and SQS, stored durably and forwarded as CloudEvents to HTTP, SQS
    /// and JSON Lines sinks; `--check` validates the config. Stops on SIGTERM.
    Serve(Box<serve::Args>),
    /// What a new version of a spec breaks: each change, per message and
    /// type, as breaking, code-breaking or compatible. Exit 1 when anything breaks.
    Diff(diff::Args),
}

/// Exit codes: 0 success, 1 a check failed, 2 a usage or spec error.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Generate {
            specs,
            spec: None,
            out,
            runtime,
            files,
        } => generate::run(
            &files
                .builder()
                .specs_dir(specs)
                .out_dir(&out)
                .runtime(runtime),
            &out,
        ),
        Command::Generate {
            spec: Some(spec),
            out,
            runtime,
            files,
            ..
        } => generate::run_one(
            &files
                .builder()
                .spec(&spec)
                .out_dir(out)
                .runtime(runtime)
                .single_crate(true),
        ),
        Command::Check {
            specs,
            out,
            runtime,
            files,
        } => check::run(
            &files
                .builder()
                .specs_dir(specs)
                .out_dir(&out)
                .runtime(runtime),
            &out,
        ),
        Command::Route {
            spec,
            message,
            files,
            reading,
        } => route::run(&spec, &reading.load_options(), message.as_deref(), &files),
        Command::Lint { spec, json, files } => lint::run(&spec, &files.load_options(), json),
        Command::Ir { spec, files } => ir::run(&spec, &files.load_options()),
        Command::Schema {
            spec,
            message,
            files,
        } => schema::run(&spec, &files.load_options(), message.as_deref()),
        Command::Docs { spec, out, files } => docs::run(&spec, &files.load_options(), &out),
        Command::Capture {
            listen,
            out,
            name_from,
            max_body,
            keep_secrets,
        } => capture::run(listen, &out, name_from, max_body, keep_secrets),
        Command::Infer {
            inputs,
            name,
            enum_threshold,
            enum_max,
            closed,
        } => infer::run(
            &inputs,
            crate::infer::Options {
                name,
                enum_threshold,
                enum_max,
                closed,
            },
        ),
        Command::Drift {
            spec,
            message,
            json,
            inputs,
            files,
        } => drift::run(
            &spec,
            &files.load_options(),
            message.as_deref(),
            &inputs,
            json,
        ),
        Command::Listen(args) => listen::run(*args),
        Command::Replay(args) => replay::run(*args),
        Command::Serve(args) => serve::run(*args),
        Command::Diff(args) => diff::run(args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            2
        }
    }
}
