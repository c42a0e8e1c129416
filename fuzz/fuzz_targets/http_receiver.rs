//! The HTTP receiver's request handling on arbitrary requests. The input is
//! a request head and a body, split at the first blank line: the head's
//! first line is the method and path, the others `name: value` headers. The
//! first byte picks a receiver with or without Standard Webhooks
//! verification. The answer must be one of the statuses the receiver
//! documents (`receive/src/http.rs`); never a panic, a hang or a 500 (which
//! would mean the pipeline itself failed: the handler here never does).
#![no_main]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use eventbind_commenda::CommendaEvent;
use eventbind_receive::dispatch::Dispatcher;
use eventbind_receive::http::HttpReceiver;
use eventbind_receive::receive::Receiver;
use eventbind_receive::standard_webhooks::StandardWebhooks;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tower::ServiceExt;

/// A runtime and the two receivers, built once for every run.
struct Receivers {
    runtime: tokio::runtime::Runtime,
    plain: axum::Router,
    verified: axum::Router,
}

fn receivers() -> &'static Receivers {
    static RECEIVERS: OnceLock<Receivers> = OnceLock::new();
    RECEIVERS.get_or_init(|| {
        let router = |receiver: Receiver<Dispatcher<CommendaEvent>>| {
            HttpReceiver::new(receiver)
                .path("/hooks")
                .body_limit(64 * 1024)
                .into_router()
        };
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        Receivers {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime"),
            plain: router(Receiver::new(Dispatcher::new())),
            verified: router(
                Receiver::new(Dispatcher::new())
                    .verify(StandardWebhooks::new(secret).expect("a valid secret")),
            ),
        }
    })
}

/// The request the input describes, or `None` when its head cannot be one.
fn request(data: &[u8]) -> Option<Request<Body>> {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.lines();
    let (method, path) = lines.next()?.split_once(' ')?;
    let mut builder = Request::builder().method(method).uri(path);
    for line in lines {
        let (name, value) = line.split_once(':')?;
        builder = builder.header(name.trim(), value.trim());
    }
    builder.body(Body::from(body.to_vec())).ok()
}

const DOCUMENTED: &[StatusCode] = &[
    StatusCode::OK,
    StatusCode::BAD_REQUEST,
    StatusCode::UNAUTHORIZED,
    StatusCode::NOT_FOUND,
    StatusCode::METHOD_NOT_ALLOWED,
    StatusCode::PAYLOAD_TOO_LARGE,
    StatusCode::UNSUPPORTED_MEDIA_TYPE,
    StatusCode::SERVICE_UNAVAILABLE,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Some(request) = request(rest) else {
        return;
    };
    let receivers = receivers();
    let router = if pick % 2 == 0 {
        &receivers.plain
    } else {
        &receivers.verified
    };
    let response = receivers
        .runtime
        .block_on(router.clone().oneshot(request))
        .expect("the router is infallible");
    assert!(
        DOCUMENTED.contains(&response.status()),
        "undocumented status {}",
        response.status()
    );
});
