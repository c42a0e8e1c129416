//! The HTTP receiver (feature `http`): an axum router that checks method and
//! content type, reads the exact body, runs the shared pipeline, and answers
//! with a status the vendor's retry logic understands.
//!
//! | outcome | status |
//! |---|---|
//! | acknowledged (handled, duplicate, test delivery) | 200, or as set |
//! | wrong method | 405 |
//! | wrong or missing content type | 415 |
//! | body over the limit | 413 |
//! | verification failed | 401 |
//! | rejected (malformed, unroutable, invalid) | 400 |
//! | retry later (handler, in flight, store) | 503 |
//! | handler panicked | 500 |

use crate::delivery::{Delivery, Disposition, Headers};
use crate::receive::{Process, Reason, Report};
use axum::body::{Body, Bytes};
use axum::extract::rejection::RawPathParamsRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, RawPathParams, Request, State};
use axum::http::{header, HeaderValue};
use axum::response::Response;
use std::future::Future;
use std::sync::Arc;

/// Re-exported so receivers can be configured without naming axum.
pub use axum::http::{Method, StatusCode};

/// Builds the axum router for one pipeline.
pub struct HttpReceiver {
    process: Arc<dyn Process>,
    path: String,
    name_param: String,
    methods: Vec<Method>,
    content_types: Vec<String>,
    success: StatusCode,
    body_limit: usize,
    body_read_timeout: std::time::Duration,
}

struct Shared {
    process: Arc<dyn Process>,
    name_param: String,
    methods: Vec<Method>,
    content_types: Vec<String>,
    success: StatusCode,
    body_limit: usize,
    body_read_timeout: std::time::Duration,
}

impl HttpReceiver {
    /// Mounted at `/`, `POST` only, `application/json` (and `*/*+json`),
    /// 200 on success, bodies up to 1 MiB read within 30 seconds.
    pub fn new(process: impl Process) -> Self {
        Self::shared(Arc::new(process))
    }

    /// Like [`HttpReceiver::new`], for a pipeline also used elsewhere (an SQS
    /// consumer, a second path).
    pub fn shared(process: Arc<dyn Process>) -> Self {
        HttpReceiver {
            process,
            path: "/".into(),
            name_param: "event".into(),
            methods: vec![Method::POST],
            content_types: vec!["application/json".into()],
            success: StatusCode::OK,
            body_limit: 1 << 20,
            body_read_timeout: std::time::Duration::from_secs(30),
        }
    }

    /// The route, in axum syntax. A `{event}` segment names the event, for
    /// specs routed by name (Avaza's one URL per subscription:
    /// `/hooks/{event}`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// The path parameter holding the event name (default `event`).
    pub fn name_param(mut self, name: impl Into<String>) -> Self {
        self.name_param = name.into();
        self
    }

    /// Accepted methods (Vertex may be set to `POST`, `PUT` or `PATCH`).
    pub fn methods(mut self, methods: impl IntoIterator<Item = Method>) -> Self {
        self.methods = methods.into_iter().collect();
        self
    }

    /// Accepted media types, compared without parameters and case; any
    /// `+json` type is accepted as long as `application/json` is.
    pub fn content_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.content_types = types
            .into_iter()
            .map(|t| t.into().to_ascii_lowercase())
            .collect();
        self
    }

    /// The status of an acknowledged delivery (e.g. 202 for Vertex).
    pub fn success_status(mut self, status: StatusCode) -> Self {
        self.success = status;
        self
    }

    /// Refuse larger bodies with 413.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Answer 408 when the body has not arrived within `timeout` (a client
    /// sending slowly holds a connection no longer).
    pub fn body_read_timeout(mut self, timeout: std::time::Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// The router, to serve as is or merge into an application's router.
    pub fn into_router(self) -> axum::Router {
        let shared = Arc::new(Shared {
            process: self.process,
            name_param: self.name_param,
            methods: self.methods,
            content_types: self.content_types,
            success: self.success,
            body_limit: self.body_limit,
            body_read_timeout: self.body_read_timeout,
        });
        axum::Router::new()
            .route(&self.path, axum::routing::any(receive))
            .layer(DefaultBodyLimit::max(self.body_limit))
            .with_state(shared)
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    params: Result<RawPathParams, RawPathParamsRejection>,
    request: Request,
) -> Response {
    if !shared.methods.contains(request.method()) {
        let allow: Vec<&str> = shared.methods.iter().map(Method::as_str).collect();
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        if let Ok(value) = HeaderValue::from_str(&allow.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if !accepts(&shared.content_types, content_type) {
        return plain(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            &format!("expected {}", shared.content_types.join(" or ")),
        );
    }
    let name = params.ok().and_then(|params| {
        params
            .iter()
            .find(|(key, _)| *key == shared.name_param)
            .map(|(_, value)| value.to_owned())
    });
    let headers = Headers::from_pairs(
        request
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?.to_owned()))),
    );
    // A declared length over the limit is answered at once, not read.
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > shared.body_limit as u64) {
        return plain(StatusCode::PAYLOAD_TOO_LARGE, "body larger than the limit");
    }
    let body =
        match tokio::time::timeout(shared.body_read_timeout, Bytes::from_request(request, &()))
            .await
        {
            Ok(Ok(body)) => body,
            Ok(Err(rejection)) => return plain(rejection.status(), &rejection.body_text()),
            Err(_) => return plain(StatusCode::REQUEST_TIMEOUT, "the body was not sent in time"),
        };
    let delivery = Delivery {
        body,
        headers,
        name,
        transport_id: None,
        transport: Some("http".to_owned()),
    };
    // The pipeline runs on its own task: a vendor that hangs up early (Vertex
    // wants an answer within 500 ms) must not cut a handler off half-way.
    let process = Arc::clone(&shared.process);
    match tokio::spawn(async move { process.process(delivery).await }).await {
        Ok(report) => respond(&report, shared.success),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "the pipeline failed"),
    }
}

/// The status for a report, `success` being the acknowledged status.
pub fn status_for(report: &Report, success: StatusCode) -> StatusCode {
    match (&report.reason, report.disposition) {
        (Reason::Unverified(_), _) => StatusCode::UNAUTHORIZED,
        (Reason::HandlerPanicked, _) => StatusCode::INTERNAL_SERVER_ERROR,
        (_, Disposition::Acknowledge) => success,
        (_, Disposition::Reject) => StatusCode::BAD_REQUEST,
        (_, Disposition::RetryLater) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn respond(report: &Report, success: StatusCode) -> Response {
    let summary = report.summary.as_ref();
    let detail = match &report.reason {
        Reason::Unverified(error) => Some(error.to_string()),
        Reason::Store(error) => Some(error.clone()),
        _ => None,
    };
    let body = serde_json::json!({
        "disposition": report.disposition,
        "reason": report.reason.name(),
        "detail": detail,
        "message": summary.and_then(|s| s.message.as_deref()),
        "errors": summary.map(|s| s.errors.as_slice()).unwrap_or_default(),
    });
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status_for(report, success);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn plain(status: StatusCode, text: &str) -> Response {
    let mut response = Response::new(Body::from(text.to_owned()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn accepts(accepted: &[String], content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else {
        return false;
    };
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    accepted.contains(&media)
        || (media.ends_with("+json") && accepted.iter().any(|a| a == "application/json"))
}

/// Serves `router` on an already bound listener until `shutdown` resolves,
/// then lets requests in flight finish; with the default [`ServerLimits`]
/// (see [`crate::server::serve`] to choose them).
///
/// [`ServerLimits`]: crate::server::ServerLimits
pub async fn serve(
    listener: std::net::TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    crate::server::serve(
        listener,
        router,
        crate::server::ServerLimits::default(),
        shutdown,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_compare_without_parameters() {
        let json = vec!["application/json".to_owned()];
        assert!(accepts(&json, Some("application/json")));
        assert!(accepts(&json, Some("Application/JSON; charset=utf-8")));
        assert!(accepts(&json, Some("application/cloudevents+json")));
        assert!(!accepts(&json, Some("text/plain")));
        assert!(!accepts(&json, None));
    }
}
