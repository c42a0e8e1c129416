//! Errors of the generator. Every error about an input names the file and the
//! JSON Pointer of the offending node.

use std::fmt;
use std::path::{Path, PathBuf};

/// A fault in an input file, or in writing an output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file at fault (or the one being written).
    pub file: PathBuf,
    /// JSON Pointer of the offending node (`""` for the whole file).
    pub pointer: String,
    /// What is wrong, for a person.
    pub message: String,
}

impl Error {
    /// A fault at `pointer` in `file`.
    pub fn new(
        file: impl AsRef<Path>,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error {
            file: file.as_ref().to_path_buf(),
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// An I/O failure on `file`.
    pub fn io(file: impl AsRef<Path>, error: std::io::Error) -> Self {
        Error::new(file, "", error.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}#{}: {}",
                self.file.display(),
                self.pointer,
                self.message
            )
        }
    }
}

impl std::error::Error for Error {}

/// The generator's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
