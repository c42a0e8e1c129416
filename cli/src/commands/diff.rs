//! `eventbind diff OLD NEW` / `eventbind diff --git REV SPEC`: what a new
//! version of a spec breaks. Exit 1 when anything is breaking (for a
//! receiver or for generated code), 0 when all is compatible.

use crate::diff::{self, git};
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// The arguments of `eventbind diff`.
#[derive(clap::Args)]
pub struct Args {
    /// OLD and NEW (spec folders or files); with `--git`, the one spec
    /// whose checked-in version at REV is OLD and whose working copy is NEW.
    #[arg(required = true, num_args = 1..=2)]
    specs: Vec<PathBuf>,
    /// Compare the spec at this git revision (e.g. HEAD~1, main) with its working copy.
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    files: super::files::Files,
}

pub fn run(args: Args) -> Result<i32> {
    let extracted;
    let (old, new): (&Path, &Path) = match (&args.git, args.specs.as_slice()) {
        (Some(revision), [spec]) => {
            extracted = git::at_revision(spec, revision)?;
            (&extracted.path, spec)
        }
        (None, [old, new]) => (old, new),
        (Some(_), _) => return Err(Error::new("", "", "with --git, give one spec")),
        (None, _) => return Err(Error::new("", "", "give two specs: OLD NEW")),
    };
    let options = args.files.load_options();
    let old = eventbind_codegen::load_with(old, &options)?;
    let new = eventbind_codegen::load_with(new, &options)?;
    let report = diff::diff(&old, &new)?;
    if args.json {
        let text =
            serde_json::to_string_pretty(&report).map_err(|e| Error::new("", "", e.to_string()))?;
        println!("{text}");
    } else {
        print!("{}", diff::text(&report));
    }
    Ok(i32::from(report.is_breaking()))
}
