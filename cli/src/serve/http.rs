//! The HTTP side of `serve`: every HTTP route's receiver on one router
//! (anything else is 404), `/healthz`, `/readyz` and `/metrics`, and a read
//! timeout so a slow or idle client cannot hold a connection open.

use super::metrics::Metrics;
use super::routes::Plan;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use eventbind_receive::delivery::BoxFuture;
use eventbind_receive::http::{status_for, HttpReceiver};
use eventbind_receive::receive::{Process, Report};
use eventbind_receive::store::{Filter, Store};
use std::sync::Arc;
use std::time::Duration;

/// Counts each answered delivery by route, message, class and status.
pub struct Counted<P> {
    /// The pipeline.
    pub inner: P,
    /// The route's name.
    pub route: String,
    /// The answered status for acknowledged deliveries.
    pub success: StatusCode,
    /// `http` or `sqs` (an SQS delivery has no status: 0).
    pub http: bool,
    /// The counters.
    pub metrics: Arc<Metrics>,
}

impl<P: Process> Process for Counted<P> {
    fn process(&self, delivery: eventbind_receive::delivery::Delivery) -> BoxFuture<'_, Report> {
        Box::pin(async move {
            let report = self.inner.process(delivery).await;
            let summary = report.summary.as_ref();
            let status = if self.http {
                status_for(&report, self.success).as_u16()
            } else {
                0
            };
            self.metrics.delivery(
                &self.route,
                summary.and_then(|s| s.message.as_deref()),
                summary.map(|s| s.class.as_str()),
                status,
            );
            tracing::debug!(
                route = %self.route,
                key = report.dedup_key.as_deref().unwrap_or(""),
                reason = report.reason.name(),
                status,
                "eventbind serve: delivery answered"
            );
            report
        })
    }
}

/// The router: one receiver per HTTP route, plus the operations endpoints.
pub fn router(
    routes: Vec<(&Plan, Arc<dyn Process>)>,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    read_timeout: Duration,
) -> axum::Router {
    let mut app = axum::Router::new();
    for (plan, process) in routes {
        let super::routes::Transport::Http(path) = &plan.transport else {
            continue;
        };
        app = app.merge(
            HttpReceiver::shared(process)
                .path(path)
                .methods(plan.methods.clone())
                .success_status(plan.success)
                .body_limit(plan.body_limit)
                .into_router(),
        );
    }
    let ready_store = Arc::clone(&store);
    app.route("/healthz", axum::routing::get(|| async { "ok" }))
        .route(
            "/readyz",
            axum::routing::get(move || {
                let store = Arc::clone(&ready_store);
                async move {
                    let probe = Filter {
                        limit: Some(1),
                        ..Filter::default()
                    };
                    match store.list(&probe).await {
                        Ok(_) => (StatusCode::OK, "ready".to_owned()),
                        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
                    }
                }
            }),
        )
        .route(
            "/metrics",
            axum::routing::get(move || {
                let metrics = Arc::clone(&metrics);
                async move {
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        )],
                        metrics.render(),
                    )
                }
            }),
        )
        .layer(axum::middleware::from_fn(
            move |request: Request, next: Next| read_within(read_timeout, request, next),
        ))
}

/// Answers 408 when the request (its body included: the receiver reads it
/// inside) is not handled within `limit`. The pipeline runs on its own task,
/// so a delivery already being stored is finished and kept either way.
async fn read_within(limit: Duration, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let mut response = Response::new(Body::from("request not received in time"));
            *response.status_mut() = StatusCode::REQUEST_TIMEOUT;
            response.into_response()
        }
    }
}
