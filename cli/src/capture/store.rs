//! Writing capture files so that an acknowledged delivery survives a crash
//! and no file is ever overwritten.
//!
//! Each delivery is written to a hidden temporary file and fsynced, then
//! hard-linked to `<event>-<n>.json` (a link fails rather than replace an
//! existing file, even one written by another process), and the directory is
//! fsynced so the new name is durable too. Only then does the receiver answer.
//! A crash before that leaves at most a hidden `.tmp` file, never a
//! half-written capture, and the sender retries because it got no answer.

use super::format::Delivery;
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

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
            ".eventbind-capture-{}-{}.tmp",
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
