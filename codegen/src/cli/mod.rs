//! The `eventbind` CLI: thin commands over the library.

mod check;
mod generate;
mod ir;
mod route;

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
    },
    /// Exit 1 naming each generated file that is stale or missing.
    Check {
        #[arg(long, default_value = "specs")]
        specs: PathBuf,
        #[arg(long, default_value = "generated")]
        out: PathBuf,
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
    },
    /// Print the intermediate model of a spec as JSON.
    Ir {
        #[arg(long)]
        spec: PathBuf,
    },
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
        } => generate::run(&specs, &out),
        Command::Generate {
            spec: Some(spec),
            out,
            ..
        } => generate::run_one(&spec, &out),
        Command::Check { specs, out } => check::run(&specs, &out),
        Command::Route {
            spec,
            message,
            files,
        } => route::run(&spec, message.as_deref(), &files),
        Command::Ir { spec } => ir::run(&spec),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            2
        }
    }
}
