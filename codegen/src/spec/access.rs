//! Which files a spec may read: only regular files, at most a set size, and
//! only under a root (the spec's own folder, the folders mapped to remote
//! URIs, and the folders the user allows). A `$ref` is text from the spec's
//! author: without this, `../secret.yaml` or `/dev/zero` would be read.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The size limit unless one is set: far above any real spec (the largest
/// vendor spec is well under 1 MiB), low enough to read into memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The folders files may be read from, and the largest file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// As given (relative to the working folder, or absolute): compared
    /// canonicalized at each read, so a root made after it was named counts.
    roots: Vec<PathBuf>,
    max_file_size: u64,
}

impl Default for Access {
    fn default() -> Self {
        Access {
            roots: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl Access {
    /// Files under `dir` may be read too.
    pub fn allow_root(&mut self, dir: impl Into<PathBuf>) {
        let dir = dir.into();
        if !self.roots.contains(&dir) {
            self.roots.push(dir);
        }
    }

    /// Sets the largest file read, in bytes.
    pub fn set_max_file_size(&mut self, bytes: u64) {
        self.max_file_size = bytes;
    }

    /// The largest file read, in bytes.
    pub fn max_file_size(&self) -> u64 {
        self.max_file_size
    }

    /// `path` canonicalized (symlinks and `..` resolved, so neither can lead
    /// out), or an error naming `path` when that is under no root.
    pub fn check(&self, path: &Path) -> Result<PathBuf> {
        let canonical = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
        let inside = self
            .roots
            .iter()
            .filter_map(|root| std::fs::canonicalize(root).ok())
            .any(|root| canonical.starts_with(root));
        if inside {
            return Ok(canonical);
        }
        let roots: Vec<String> = self
            .roots
            .iter()
            .map(|root| root.display().to_string())
            .collect();
        Err(Error::new(
            path,
            "",
            format!(
                "{} is outside the folders this spec may read ({}); to read it, allow its folder \
                 (`--allow-root DIR`, `Builder::allow_root`, `LoadOptions::allow_root`)",
                shown(path, &canonical),
                if roots.is_empty() {
                    "none".to_string()
                } else {
                    roots.join(", ")
                },
            ),
        ))
    }
}

/// `path`, with the file it really is when a link or `..` leads elsewhere.
fn shown(path: &Path, canonical: &Path) -> String {
    let absolute = std::env::current_dir().map(|cwd| cwd.join(path)).ok();
    if absolute.as_deref() == Some(canonical) || path == canonical {
        path.display().to_string()
    } else {
        format!("{} (which is {})", path.display(), canonical.display())
    }
}
