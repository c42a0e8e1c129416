//! The flags of every command that loads a spec: the folders its `$ref`s
//! may read beyond the spec's own, and the largest file read.

use eventbind_codegen::{Builder, LoadOptions};
use std::path::PathBuf;

/// `--allow-root DIR` (repeatable) and `--max-file-size BYTES`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct Files {
    /// Also read `$ref`d files under this folder (repeatable); by default a
    /// spec reads only its own folder and everything under it.
    #[arg(long = "allow-root", value_name = "DIR")]
    pub allow_roots: Vec<PathBuf>,
    /// The largest spec file read, in bytes [default: 67108864 (64 MiB)].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
}

impl Files {
    /// How the loader reads specs under these flags.
    pub fn load_options(&self) -> LoadOptions {
        let options = self
            .allow_roots
            .iter()
            .fold(LoadOptions::default(), |options, dir| {
                options.allow_root(dir.clone())
            });
        match self.max_file_size {
            Some(bytes) => options.max_file_size(bytes),
            None => options,
        }
    }

    /// A builder that reads specs under these flags.
    pub fn builder(&self) -> Builder {
        Builder::new().load_options(self.load_options())
    }
}
