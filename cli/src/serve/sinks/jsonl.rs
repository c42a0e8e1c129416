//! The JSON Lines sink: one structured CloudEvent per line, appended to a
//! file (synced before the batch counts as acknowledged) or written to
//! stdout.

use super::Sink;
use crate::serve::cloudevents::CloudEvent;
use eventbind_receive::delivery::BoxFuture;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Appends CloudEvents as lines.
pub struct JsonlSink {
    /// `None`: stdout.
    path: Option<Arc<PathBuf>>,
}

impl JsonlSink {
    /// To the file at `path`, or stdout for `-`.
    pub fn new(path: Option<PathBuf>) -> JsonlSink {
        JsonlSink {
            path: path.map(Arc::new),
        }
    }
}

fn write(path: Option<&PathBuf>, text: &str) -> std::io::Result<()> {
    match path {
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            file.write_all(text.as_bytes())?;
            // Acknowledged only once on disk: a crash right after must not lose it.
            file.sync_data()
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()
        }
    }
}

impl Sink for JsonlSink {
    fn send<'a>(&'a self, events: &'a [CloudEvent]) -> BoxFuture<'a, Vec<Result<(), String>>> {
        Box::pin(async move {
            let mut text = String::new();
            for event in events {
                text.push_str(&event.to_json());
                text.push('\n');
            }
            let path = self.path.as_deref().cloned();
            let written = tokio::task::spawn_blocking(move || write(path.as_ref(), &text))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| e.to_string()));
            vec![written; events.len()]
        })
    }
}
