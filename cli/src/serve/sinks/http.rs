//! The HTTP sink: one POST per event (structured or binary mode), several
//! at once; any 2xx is an acknowledgement.

use super::Sink;
use crate::serve::cloudevents::CloudEvent;
use crate::serve::config::Mode;
use eventbind_receive::delivery::BoxFuture;
use std::time::Duration;

/// POSTs CloudEvents to a URL.
pub struct HttpSink {
    url: String,
    mode: Mode,
    agent: ureq::Agent,
}

impl HttpSink {
    /// To `url`, each request cut off after `timeout`.
    pub fn new(url: &str, mode: Mode, timeout: Duration) -> HttpSink {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            // Statuses are answers to read, not errors.
            .http_status_as_error(false)
            .build()
            .new_agent();
        HttpSink {
            url: url.to_owned(),
            mode,
            agent,
        }
    }

    fn post(&self, event: &CloudEvent) -> Result<(), String> {
        let request = self.agent.post(&self.url);
        let response = match self.mode {
            Mode::Structured => request
                .header(
                    "content-type",
                    "application/cloudevents+json; charset=utf-8",
                )
                .send(event.to_json().as_bytes()),
            Mode::Binary => event
                .binary_headers()
                .into_iter()
                .fold(request, |r, (n, v)| r.header(n, v))
                .send(&event.body[..]),
        };
        match response {
            Ok(response) if response.status().is_success() => Ok(()),
            Ok(response) => Err(format!("{} answered {}", self.url, response.status())),
            Err(error) => Err(format!("{}: {error}", self.url)),
        }
    }
}

impl Sink for HttpSink {
    fn send<'a>(&'a self, events: &'a [CloudEvent]) -> BoxFuture<'a, Vec<Result<(), String>>> {
        Box::pin(async move {
            // ureq blocks: each request on the blocking pool, all at once.
            let tasks: Vec<_> = events
                .iter()
                .map(|event| {
                    let (sink, event) = (self.clone_handle(), event.clone());
                    tokio::task::spawn_blocking(move || sink.post(&event))
                })
                .collect();
            let mut results = Vec::with_capacity(tasks.len());
            for task in tasks {
                results.push(
                    task.await
                        .unwrap_or_else(|e| Err(format!("the send failed: {e}"))),
                );
            }
            results
        })
    }
}

impl HttpSink {
    fn clone_handle(&self) -> HttpSink {
        HttpSink {
            url: self.url.clone(),
            mode: self.mode,
            agent: self.agent.clone(),
        }
    }
}
