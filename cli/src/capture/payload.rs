//! Payload files as `infer` and `drift` read them: a capture file (its body
//! is the payload) or a raw body file, given one by one or as folders.

use super::format::CaptureFile;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// One payload and where it came from.
#[derive(Debug, Clone)]
pub struct PayloadFile {
    pub file: PathBuf,
    /// The body to read (see [`CaptureFile::body_for_reading`]), or the raw file.
    pub body: Vec<u8>,
    /// Present when the file is a capture file.
    pub capture: Option<CaptureInfo>,
}

/// What a capture file knows about its delivery besides the body.
#[derive(Debug, Clone, Default)]
pub struct CaptureInfo {
    pub event: Option<String>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub headers: Vec<(String, String)>,
}

/// The files named, with each folder replaced by the `*.json` files under it
/// (recursively, sorted by path, hidden files skipped): a stable order, so
/// output that depends on it is deterministic.
pub fn json_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            collect(path, &mut found)?;
            found.sort();
            out.extend(found);
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(Error::new(path, "", "no such file or folder"));
        }
    }
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        // The entry's own type: a link to a folder is not followed (no loops).
        let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if kind.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") && path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads one payload file, telling a capture file from a raw body.
pub fn read(file: &Path) -> Result<PayloadFile> {
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    match CaptureFile::parse(&bytes) {
        Ok(None) => Ok(PayloadFile {
            file: file.to_path_buf(),
            body: bytes,
            capture: None,
        }),
        Ok(Some(capture)) => {
            let body = capture
                .body_for_reading()
                .map_err(|m| Error::new(file, "", m))?;
            Ok(PayloadFile {
                file: file.to_path_buf(),
                body,
                capture: Some(CaptureInfo {
                    event: capture.event,
                    method: capture.method,
                    path: capture.path,
                    headers: capture.headers,
                }),
            })
        }
        Err(message) => Err(Error::new(file, "", message)),
    }
}

impl PayloadFile {
    /// The event this payload is, among `names` (a spec's messages), for
    /// specs that name events from outside the body: the first of the
    /// capture's path segments (last first), its recorded event, the file
    /// name without its `-<n>` counter, or the file name, that is one of
    /// `names`. With none, `None` when there is one name (a router takes the
    /// only message), else the best guess, for an "unknown event" report.
    pub fn event_name(&self, names: &[String]) -> Option<String> {
        let mut guesses: Vec<String> = Vec::new();
        if let Some(capture) = &self.capture {
            if let Some(path) = &capture.path {
                let segments = path.split('/').rev().filter(|s| !s.is_empty());
                guesses.extend(segments.map(str::to_string));
            }
            guesses.extend(capture.event.clone());
        }
        let stem = self.file.file_stem().map(|s| s.to_string_lossy());
        if let Some(stem) = &stem {
            guesses.push(without_counter(stem).to_string());
            guesses.push(stem.to_string());
        }
        if let Some(known) = guesses.iter().find(|g| names.contains(g)) {
            return Some(known.clone());
        }
        if names.len() == 1 {
            return None;
        }
        let recorded = self.capture.as_ref().and_then(|c| c.event.clone());
        recorded.or_else(|| stem.map(|s| without_counter(&s).to_string()))
    }
}

/// `timesheet_created-3` → `timesheet_created`: the counter `capture` adds.
fn without_counter(stem: &str) -> &str {
    match stem.rsplit_once('-') {
        Some((event, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => event,
        _ => stem,
    }
}
