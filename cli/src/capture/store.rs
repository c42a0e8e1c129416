//! Writing capture files so that an acknowledged delivery survives a crash
//! and no file is ever overwritten.
//!
//! Each delivery is written to a hidden temporary file and fsynced, then
//! hard-linked to `<event>-<n>.json` (a link fails rather than replace an
//! existing file, even one written by another process), and the directory is
//! fsynced so the new name is durable too. Only then does the receiver answer.
//! A crash before that leaves at most a hidden `.tmp` file, never a
//! half-written capture, and the sender retries because it got no answer;
//! the next `open` of the folder removes such files left by processes that
//! are gone.

use super::format::Delivery;
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// How a temporary file's name begins; the writer's process id follows.
const TEMP_PREFIX: &str = ".eventbind-capture-";

/// A folder of capture files.
pub struct Store {
    dir: PathBuf,
    /// Next counter per event name, found by scanning the folder on first use.
    next: Mutex<HashMap<String, u64>>,
    temp: AtomicU64,
}

impl Store {
    /// A store writing into `dir`, created if missing.
    pub fn open(dir: &Path) -> io::Result<Store> {
        fs::create_dir_all(dir)?;
        remove_stale_temporaries(dir);
        Ok(Store {
            dir: dir.to_path_buf(),
            next: Mutex::new(HashMap::new()),
            temp: AtomicU64::new(0),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one delivery durably; returns the file's path.
    pub fn save(&self, delivery: &Delivery) -> io::Result<PathBuf> {
        let temp = self.dir.join(format!(
            "{TEMP_PREFIX}{}-{}.tmp",
            std::process::id(),
            self.temp.fetch_add(1, Ordering::Relaxed)
        ));
        let result = self.save_via(&temp, delivery);
        // The temporary name is gone on success (only the link stays) and must
        // not linger on failure.
        let _ = fs::remove_file(&temp);
        let path = result?;
        File::open(&self.dir)?.sync_all()?;
        Ok(path)
    }

    fn save_via(&self, temp: &Path, delivery: &Delivery) -> io::Result<PathBuf> {
        let bytes = delivery.to_file_bytes().map_err(io::Error::other)?;
        let mut file = OpenOptions::new().write(true).create_new(true).open(temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        loop {
            let path = self.dir.join(format!(
                "{}-{}.json",
                delivery.event,
                self.next(&delivery.event)
            ));
            match fs::hard_link(temp, &path) {
                Ok(()) => return Ok(path),
                // Someone else (another receiver, a person) took the name: next one.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn next(&self, event: &str) -> u64 {
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let counter = next
            .entry(event.to_string())
            .or_insert_with(|| highest_counter(&self.dir, event) + 1);
        let value = *counter;
        *counter += 1;
        value
    }
}

/// The highest `n` of the `<event>-<n>.json` files already in `dir` (0 if none),
/// so a restarted receiver continues the numbering instead of filling gaps.
fn highest_counter(dir: &Path, event: &str) -> u64 {
    let prefix = format!("{event}-");
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            name.strip_prefix(&prefix)?
                .strip_suffix(".json")?
                .parse::<u64>()
                .ok()
        })
        .max()
        .unwrap_or(0)
}

/// Removes the temporary files of writers that crashed: those named for a
/// process that no longer runs. A live writer's file is left alone, since
/// another receiver may be writing into the same folder right now.
fn remove_stale_temporaries(dir: &Path) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(writer) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if !process_is_running(writer) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` runs. Where that cannot be told (no `/proc`), it
/// is taken to run, so that nothing in use is ever removed.
fn process_is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crashed_writers_temporary_file_is_removed_and_a_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        // pid_max is at most 2^22 on Linux: no process has this id.
        let crashed = dir.path().join(format!("{TEMP_PREFIX}{}-0.tmp", u32::MAX));
        let live = dir
            .path()
            .join(format!("{TEMP_PREFIX}{}-0.tmp", std::process::id()));
        let capture = dir.path().join("order.created-1.json");
        for file in [&crashed, &live, &capture] {
            fs::write(file, b"{}").unwrap();
        }
        Store::open(dir.path()).unwrap();
        assert!(!crashed.exists(), "a dead writer's temporary file stayed");
        assert!(
            live.exists(),
            "a running writer's temporary file was removed"
        );
        assert!(capture.exists());
    }
}
