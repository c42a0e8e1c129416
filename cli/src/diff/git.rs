//! A spec as checked in at a git revision, for `eventbind diff --git REV`:
//! its folder's files are read with `git show` into a temporary folder
//! (same relative path, so the spec keeps its name).

use crate::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A spec extracted from git; the files are removed when this is dropped.
pub struct Extracted {
    _dir: tempfile::TempDir,
    /// The extracted spec: a folder, or a file if a file was asked for.
    pub path: PathBuf,
}

/// `spec` (a spec folder or file in a git work tree) as it is at `revision`.
pub fn at_revision(spec: &Path, revision: &str) -> Result<Extracted> {
    let absolute = std::fs::canonicalize(spec).map_err(|e| Error::io(spec, e))?;
    let folder = if absolute.is_dir() {
        absolute.clone()
    } else {
        absolute.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let top = PathBuf::from(git(&folder, &["rev-parse", "--show-toplevel"])?.trim());
    let top = std::fs::canonicalize(&top).unwrap_or(top);
    let relative = folder
        .strip_prefix(&top)
        .map_err(|_| Error::new(spec, "", "not inside the git work tree"))?
        .to_string_lossy()
        .replace('\\', "/");
    let listing = git(
        &top,
        &["ls-tree", "-r", "--name-only", revision, "--", &relative],
    )?;
    if listing.trim().is_empty() {
        return Err(Error::new(
            spec,
            "",
            format!("no files under {relative} at {revision}"),
        ));
    }
    let dir = tempfile::tempdir().map_err(|e| Error::io(Path::new("temporary folder"), e))?;
    for file in listing.lines() {
        let output = Command::new("git")
            .current_dir(&top)
            .args(["show", &format!("{revision}:{file}")])
            .output()
            .map_err(|e| Error::io(&top, e))?;
        if !output.status.success() {
            return Err(git_error(&top, &output.stderr));
        }
        let target = dir.path().join(file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&target, &output.stdout).map_err(|e| Error::io(&target, e))?;
    }
    let mut path = dir.path().join(&relative);
    if absolute.is_file() {
        path = path.join(absolute.file_name().unwrap_or_default());
    }
    Ok(Extracted { _dir: dir, path })
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| Error::io(dir, e))?;
    if !output.status.success() {
        return Err(git_error(dir, &output.stderr));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn git_error(dir: &Path, stderr: &[u8]) -> Error {
    Error::new(
        dir,
        "",
        format!("git: {}", String::from_utf8_lossy(stderr).trim()),
    )
}
