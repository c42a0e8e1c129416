//! A receiver served over loopback, and a blocking client for it.

use eventbind_receive::http::HttpReceiver;
use std::time::Duration;

/// A receiver served on 127.0.0.1:0 from its own runtime, stopped on drop.
pub struct Server {
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    pub fn start(receiver: HttpReceiver) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = receiver.into_router();
        let thread = std::thread::spawn(move || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?
                .block_on(eventbind_receive::http::serve(listener, router, async {
                    let _ = stopped.await;
                }))
        });
        Server {
            url,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub struct Answer {
    pub status: u16,
    pub body: String,
}

pub fn post(url: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    send("POST", url, headers, body)
}

pub fn send(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();
    let request = ureq::http::Request::builder().method(method).uri(url);
    let request = headers.iter().fold(request, |request, (name, value)| {
        request.header(*name, *value)
    });
    let mut response = agent
        .run(request.body(body.to_vec()).unwrap())
        .expect("the receiver answers");
    Answer {
        status: response.status().as_u16(),
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

pub const JSON: (&str, &str) = ("content-type", "application/json");
